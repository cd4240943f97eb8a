//! Pass 1: one walk over each sentence that takes, at every token, the first rule that applies
//! (honorific + name, the longest lexicon phrase or named run, a role before a name, a given
//! name + surname).
//!
//! It records each mention where it finds it and must not link a mention to an earlier one: that
//! is `link`'s job, once every sentence has been read.

use super::people::{add_person, parse_name};
use super::unlisted::{acronym, by_context, canonical_org, named_run};
use super::{Found, Kind};
use crate::intel::lexicon::{Cat, Entry, Lexicon};
use crate::intel::text::{is_capitalised, key, Doc, Style};

/// The longest lexicon phrase at token `i` that passes its case rule.
pub(super) fn lexicon_match<'l>(doc: &Doc<'_>, lex: &'l Lexicon, i: usize) -> Option<(usize, &'l Entry)> {
    if !doc.is_word(i) || !lex.starts_phrase(doc.tok(i)) {
        return None;
    }
    let mut phrase = String::new();
    let mut best = None;
    for len in 1..=lex.max_len {
        let j = i + len - 1;
        if j >= doc.tokens.len() || !doc.same_sentence(i, j) || (len > 1 && !doc.adjacent(j - 1)) {
            break;
        }
        if len > 1 {
            phrase.push(' ');
        }
        phrase.push_str(&key(doc.tok(j)));
        if let Some(entries) = lex.get(&phrase) {
            let written: Vec<&str> = (i..=j).map(|t| doc.tok(t)).collect();
            // Priority: organisation, place, role, demonym.
            let rank = |c: Cat| match c {
                Cat::Org => 0,
                Cat::Country | Cat::City | Cat::Region => 1,
                Cat::Role => 2,
                Cat::Demonym => 3,
            };
            if let Some(e) = entries.iter().filter(|e| Lexicon::case_ok(e, &written)).min_by_key(|e| rank(e.cat)) {
                best = Some((len, e));
            }
        }
    }
    best
}

/// The contiguous run of role-prefix material (places, organisations, demonyms, modifiers).
#[derive(Default)]
struct Run {
    start: usize,
    end: usize,
}

impl Run {
    fn extend(&mut self, a: usize, b: usize) {
        if self.end != a || self.start == self.end {
            self.start = a;
        }
        self.end = b;
    }

    /// Start of the role whose head begins at `head`.
    fn role_start(&self, head: usize) -> usize {
        if self.end == head && self.start < head {
            self.start
        } else {
            head
        }
    }
}

/// Pass 1 over tokens `[from, to)`, one sentence written in `style`.
#[allow(clippy::too_many_lines)]
pub(super) fn scan_sentence(doc: &Doc<'_>, lex: &Lexicon, f: &mut Found, from: usize, to: usize, style: Style) {
    let prose = style == Style::Normal;
    let mut mods = Run::default();
    let mut i = from;
    while i < to {
        if !doc.is_word(i) {
            i += 1;
            continue;
        }
        let w = doc.tok(i);
        // Honorific + name.
        if lex.is_honorific(w) && is_capitalised(w) {
            if let Some(end) = parse_name(doc, lex, i + 1, 4) {
                add_person(doc, f, i + 1, end, None);
                i = end;
                continue;
            }
        }
        let lexical = lexicon_match(doc, lex, i);
        let run = if prose { named_run(doc, lex, i) } else { None };
        if let Some((end, name, kind)) = &run {
            if lexical.is_none_or(|(len, _)| i + len < *end) {
                let canonical = if *kind == Kind::Organisation { canonical_org(lex, name) } else { name.clone() };
                let e = f.entity(*kind, &canonical);
                f.add_hit(doc, e, i, *end);
                f.linkable(tokens_of(&canonical), e);
                acronym(doc, f, *end, e);
                mods.extend(i, *end);
                i = *end;
                continue;
            }
        }
        if prose && lexical.is_none() {
            if let Some((end, kind)) = by_context(doc, lex, f, i) {
                let name = doc.text[doc.tokens[i].start..doc.tokens[end - 1].end].to_string();
                let e = f.entity(kind, &name);
                f.add_hit(doc, e, i, end);
                f.linkable(tokens_of(&name), e);
                mods.extend(i, end);
                i = end;
                continue;
            }
        }
        if let Some((len, entry)) = lexical {
            let end = i + len;
            match entry.cat {
                Cat::Role => {
                    let role_start = mods.role_start(i);
                    if prose {
                        if let Some(name_end) = parse_name(doc, lex, end, 4) {
                            let role = &doc.text[doc.tokens[role_start].start..doc.tokens[end - 1].end];
                            add_person(doc, f, end, name_end, Some(role));
                            i = name_end;
                            continue;
                        }
                    }
                    mods.extend(i, end);
                    i = end;
                    continue;
                }
                Cat::Demonym => {
                    mods.extend(i, end);
                    i = end;
                    continue;
                }
                Cat::Country | Cat::City | Cat::Region | Cat::Org => {
                    // A given name that is also a place ("Jordan Henderson") before a surname.
                    let person_first = len == 1
                        && prose
                        && entry.cat != Cat::Org
                        && lex.is_first_name(w)
                        && doc.adjacent(i)
                        && parse_name(doc, lex, i + 1, 3).is_some();
                    if !person_first {
                        let kind = if entry.cat == Cat::Org { Kind::Organisation } else { Kind::Place };
                        let e = f.entity(kind, entry.canonical);
                        f.add_hit(doc, e, i, end);
                        if kind == Kind::Organisation {
                            acronym(doc, f, end, e);
                        }
                        mods.extend(i, end);
                        i = end;
                        continue;
                    }
                }
            }
        } else if let Some((prefix, _)) = w.split_once('-') {
            // "Russia-backed", "Moscow-based": the place part is a mention.
            if let Some(e) = lex.get(&key(prefix)).and_then(|es| {
                es.iter().find(|e| e.cat.is_place() && Lexicon::case_ok(e, &[prefix]) && e.alias.len() == 1)
            }) {
                let ent = f.entity(Kind::Place, e.canonical);
                let start = doc.tokens[i].start;
                f.add_hit_bytes(ent, i, i + 1, start, start + prefix.len());
                i += 1;
                continue;
            }
        }
        if lex.is_modifier(w) && (prose || is_capitalised(w)) {
            mods.extend(i, i + 1);
            i += 1;
            continue;
        }
        // Given name + surname.
        if prose && lex.is_first_name(w) {
            if let Some(end) = parse_name(doc, lex, i + 1, 3) {
                add_person(doc, f, i, end, None);
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// Returns a name's token keys, as pass 2 matches them.
fn tokens_of(name: &str) -> Vec<String> {
    crate::intel::text::tokenize(name).iter().map(|t| key(&name[t.start..t.end])).collect()
}
