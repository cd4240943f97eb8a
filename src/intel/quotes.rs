//! Quotations and their speakers.
//!
//! A quote is the text between double quotation marks: curly (“ ”) or straight ("), paired within a
//! paragraph. A quote left open at the end of a paragraph (the news convention for a quotation that
//! runs on) ends there. Single quotation marks are not read: in English copy they are mostly
//! apostrophes or headline quotes. One-word quotes ("convinced") are kept.
//!
//! The speaker is looked for, in order:
//!
//! 1. right after the closing mark: `”, Psaki said` · `”, said Psaki` · `”, she said` ·
//!    `”, the spokeswoman said` · `”, according to Psaki`;
//! 2. before the opening mark, in the same sentence: the speech verb nearest the quote and the
//!    entity nearest before that verb (`Psaki said in a statement: “…”`, `Psaki reiterated the
//!    message, saying that “…”`). When that entity only qualifies a role (`The U.S. president
//!    said … “convinced”`), or the subject is a role phrase or a pronoun, the person holding that
//!    role, or the person mentioned last, is the speaker.
//!
//! Otherwise the speaker is `None`.

use super::entities::{is_speech_verb, Found};
use super::lexicon::{lexicon, Cat};
use super::text::{key, Doc, TokKind};
use super::{Kind, Quote};

/// How far (in tokens) attribution looks around a quote.
const WINDOW: usize = 40;

/// Find the quotes of `doc` and their speakers among `found`.
pub(crate) fn find(doc: &Doc<'_>, found: &Found) -> Vec<Quote> {
    let mut spans: Vec<(usize, usize, bool)> = Vec::new(); // (open mark, end token exclusive, closed)
    let mut open: Option<usize> = None;
    for i in 0..doc.tokens.len() {
        if i > 0 && doc.text[doc.tokens[i - 1].end..doc.tokens[i].start].contains("\n\n") {
            if let Some(o) = open.take() {
                spans.push((o, i, false));
            }
        }
        if doc.kind(i) != TokKind::Punct {
            continue;
        }
        match doc.tok(i) {
            "“" => open = Some(i),
            "”" => {
                if let Some(o) = open.take() {
                    spans.push((o, i, true));
                }
            }
            "\"" => match open.take() {
                Some(o) => spans.push((o, i, true)),
                None => open = Some(i),
            },
            _ => {}
        }
    }
    if let Some(o) = open {
        spans.push((o, doc.tokens.len(), false));
    }

    let mut out = Vec::new();
    for (o, close, closed) in spans {
        let first = o + 1;
        let mut last = close; // exclusive
        while last > first && doc.is_punct(last - 1, ",") {
            last -= 1;
        }
        if last <= first {
            continue;
        }
        let (start, end) = (doc.tokens[first].start, doc.tokens[last - 1].end);
        let speaker = closed
            .then(|| after(doc, found, o, close))
            .flatten()
            .or_else(|| before(doc, found, o))
            .map(|e| found.ents[found.resolve(e)].name.clone());
        out.push(Quote { text: doc.text[start..end].to_string(), speaker, start, end });
    }
    out
}

/// Attribution right after the closing mark at `close`.
fn after(doc: &Doc<'_>, found: &Found, open: usize, close: usize) -> Option<usize> {
    let mut k = close + 1;
    if doc.is_punct(k, ",") {
        k += 1;
    }
    let same_para =
        |t: usize| t < doc.tokens.len() && !doc.text[doc.tokens[close].end..doc.tokens[t].start].contains("\n\n");
    if !same_para(k) {
        return None;
    }
    let word = |t: usize| (t < doc.tokens.len() && same_para(t)).then(|| key(doc.tok(t)));
    let skip_adverb = |t: usize| match word(t) {
        Some(w) if w.ends_with("ly") || matches!(w.as_str(), "also" | "later" | "then" | "again") => t + 1,
        _ => t,
    };
    // "Psaki said", "Psaki later said", "White House spokeswoman Jen Psaki said"
    let lex = lexicon();
    let mut t = k;
    while t < k + 10 && same_para(t) {
        if let Some(h) = found.hit_at(t).filter(|h| h.tok_start == t) {
            let v = skip_adverb(h.tok_end);
            if word(v).is_some_and(|w| is_speech_verb(&w)) {
                return Some(h.entity);
            }
            t = h.tok_end;
        } else if doc.is_word(t)
            && (lex.is_modifier(doc.tok(t))
                || role_len(doc, t).is_some()
                || lex.word_entry(doc.tok(t), |c| c == Cat::Demonym).is_some())
        {
            t += role_len(doc, t).unwrap_or(1);
        } else {
            break;
        }
    }
    // "she said", "he told reporters"
    if matches!(word(k).as_deref(), Some("he" | "she")) && word(skip_adverb(k + 1)).is_some_and(|w| is_speech_verb(&w))
    {
        return last_person_before(found, open);
    }
    // "said Psaki", "said the spokeswoman"
    if word(k).is_some_and(|w| is_speech_verb(&w)) {
        if let Some(h) = found.hit_at(k + 1).filter(|h| h.tok_start == k + 1) {
            if found.ents[found.resolve(h.entity)].kind == Kind::Person || !is_role_follows(doc, h.tok_end) {
                return Some(h.entity);
            }
        }
        if let Some((_, e)) = role_phrase(doc, found, k + 1, open) {
            return Some(e);
        }
    }
    // "the spokeswoman said"
    if let Some((end, e)) = role_phrase(doc, found, k, open) {
        if word(skip_adverb(end)).is_some_and(|w| is_speech_verb(&w)) {
            return Some(e);
        }
    }
    // "according to Psaki"
    if word(k).as_deref() == Some("according") && word(k + 1).as_deref() == Some("to") {
        if let Some(h) = found.hit_at(k + 2) {
            return Some(h.entity);
        }
    }
    None
}

/// Whether a role head follows token `t` (after modifiers): the entity before qualifies a role.
fn is_role_follows(doc: &Doc<'_>, t: usize) -> bool {
    role_head_end(doc, t).is_some()
}

/// The end of "[modifiers] head" starting at `t`, if it is a role.
fn role_head_end(doc: &Doc<'_>, mut t: usize) -> Option<usize> {
    let lex = lexicon();
    let stop = t + 5;
    while t < doc.tokens.len() && t < stop && doc.is_word(t) {
        let w = doc.tok(t);
        if let Some(len) = role_len(doc, t) {
            return Some(t + len);
        }
        if lex.is_modifier(w) || lex.word_entry(w, |c| c == Cat::Demonym).is_some() {
            t += 1;
        } else {
            return None;
        }
    }
    None
}

/// Length of a role head phrase at `t` ("secretary of state" = 3).
fn role_len(doc: &Doc<'_>, t: usize) -> Option<usize> {
    let lex = lexicon();
    let mut phrase = String::new();
    let mut best = None;
    for len in 1..=4 {
        let j = t + len - 1;
        if j >= doc.tokens.len() || !doc.same_sentence(t, j) {
            break;
        }
        if len > 1 {
            phrase.push(' ');
        }
        phrase.push_str(&key(doc.tok(j)));
        if lex.get(&phrase).is_some_and(|es| es.iter().any(|e| e.cat == Cat::Role)) {
            best = Some(len);
        }
    }
    best
}

/// "the White House spokeswoman" / "the U.S. president" at `t`: the person holding that role,
/// preferring the one mentioned last before token `before`. Returns (end token, entity).
fn role_phrase(doc: &Doc<'_>, found: &Found, mut t: usize, before: usize) -> Option<(usize, usize)> {
    if matches!(doc.get(t).map(key).as_deref(), Some("the" | "a")) {
        t += 1;
    }
    let start = t;
    // Entities written inside the role ("White House", "U.S.") are skipped over.
    let mut k = t;
    while let Some(h) = found.hit_at(k) {
        if found.ents[found.resolve(h.entity)].kind == Kind::Person {
            return None;
        }
        k = h.tok_end;
    }
    let end = role_head_end(doc, k)?;
    let phrase = key(&doc.text[doc.tokens[start].start..doc.tokens[end - 1].end]);
    let head = key(doc.tok(end - 1));
    let holder = |exact: bool| {
        people_recent_first(found, before).into_iter().find(|&e| {
            found.ents[e].roles.iter().any(|r| {
                let r = key(r);
                if exact {
                    r == phrase || r.ends_with(&format!(" {phrase}"))
                } else {
                    r.split(' ').next_back() == Some(head.as_str())
                }
            })
        })
    };
    holder(true).or_else(|| holder(false)).map(|e| (end, e))
}

/// People mentioned before token `t`, most recent first (bounded), without repeats.
fn people_recent_first(found: &Found, t: usize) -> Vec<usize> {
    let upto = found.hits.partition_point(|h| h.tok_start < t);
    let mut out: Vec<usize> = Vec::new();
    for h in found.hits[..upto].iter().rev().take(400) {
        let e = found.resolve(h.entity);
        if found.ents[e].kind == Kind::Person && !out.contains(&e) {
            out.push(e);
        }
    }
    // People first mentioned later (e.g. role known from an appositive) come last.
    for h in found.hits[upto..].iter().take(400) {
        let e = found.resolve(h.entity);
        if found.ents[e].kind == Kind::Person && !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

fn last_person_before(found: &Found, t: usize) -> Option<usize> {
    let upto = found.hits.partition_point(|h| h.tok_start < t);
    found.hits[..upto]
        .iter()
        .rev()
        .take(400)
        .map(|h| found.resolve(h.entity))
        .find(|&e| found.ents[e].kind == Kind::Person)
}

/// Attribution from the nearest speech verb before the opening mark at `open`.
fn before(doc: &Doc<'_>, found: &Found, open: usize) -> Option<usize> {
    if open == 0 {
        return None;
    }
    let s = doc.sentences[doc.sentence_of[open]];
    let lo = s.tok_start.max(open.saturating_sub(WINDOW));
    let verb = (lo..open).rev().find(|&t| doc.is_word(t) && is_speech_verb(&key(doc.tok(t))))?;
    // The subject: the nearest entity before the verb.
    let mut t = verb;
    while t > lo {
        t -= 1;
        if doc.is_punct(t, "”\"") {
            break;
        }
        if let Some(h) = found.hit_at(t) {
            let e = found.resolve(h.entity);
            if found.ents[e].kind != Kind::Person && is_role_follows(doc, h.tok_end) {
                // "The U.S. president said": the person holding that role.
                if let Some((_, p)) = role_phrase(doc, found, h.tok_start, open) {
                    return Some(p);
                }
            }
            return Some(e);
        }
        let w = key(doc.tok(t));
        if (w == "he" || w == "she") && t + 3 >= verb {
            return last_person_before(found, t);
        }
        if let Some((end, p)) = role_phrase(doc, found, t, open) {
            if end + 2 >= verb && (t == s.tok_start || matches!(key(doc.tok(t)).as_str(), "the" | "a")) {
                return Some(p);
            }
        }
    }
    None
}
