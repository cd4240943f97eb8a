//! Organisations and places that no list names, known by their form or their context: a
//! capitalised run ending in an organisation or place word ("Northwind Holdings", "Kern County"),
//! one starting "Ministry of …", a describing noun before or after ("the grocery chain Kroger",
//! "Lumenpath, a Seattle startup"), "the city of X", "the X region" and unknown acronyms.
//!
//! These rules only answer where such a name ends and what kind it is; they must not record
//! anything themselves except an acronym defined in brackets.

use super::people::{function_word, month_word, name_like, non_name};
use super::{Found, Kind};
use crate::intel::lexicon::{phrase_key, words, Cat, Lexicon};
use crate::intel::text::{is_capitalised, is_upper, key, Doc, TokKind};

/// A capitalised run that names an organisation or a place: its end (exclusive), name and kind.
pub(super) fn named_run(doc: &Doc<'_>, lex: &Lexicon, i: usize) -> Option<(usize, String, Kind)> {
    let lists = words();
    let first = doc.tok(i);
    if !doc.is_word(i)
        || !is_capitalised(first)
        || function_word(first)
        || lists.org_descriptors.contains(key(first).as_str())
    {
        return None;
    }
    let mut k = i;
    let mut end: Option<(usize, Kind)> = None;
    let mut head_of = false;
    while k < doc.tokens.len() && k - i < 8 && doc.same_sentence(i, k) && (k == i || doc.adjacent(k - 1)) {
        let w = doc.tok(k);
        if doc.is_word(k) && is_capitalised(w) {
            if k > i && lists.org_suffixes.contains(w) {
                end = Some((k + 1, Kind::Organisation));
            } else if k > i && lists.place_suffixes.contains(w) {
                end = Some((k + 1, Kind::Place));
            } else if k == i + 1 && lists.club_suffixes.contains(w) && is_city(lex, doc.tok(i)) {
                end = Some((k + 1, Kind::Organisation));
            }
            if lists.org_heads.contains(w) && matches!(doc.get(k + 1), Some("of" | "for")) {
                head_of = true;
            }
            if head_of {
                end = Some((k + 1, Kind::Organisation));
            }
            k += 1;
        } else if matches!(w, "of" | "for") && head_of_or_before(doc, i, k)
            || (matches!(w, "and" | "&" | "the" | "on")
                || doc.kind(k) == TokKind::Possessive && lex.word_entry(doc.tok(k - 1), Cat::is_place).is_none())
                && k > i
                && doc.get(k + 1).is_some_and(is_capitalised)
                && doc.is_word(k + 1)
        {
            k += 1;
        } else {
            break;
        }
    }
    let (end, kind) = end?;
    if end - i < 2 {
        return None;
    }
    let mut last = end - 1;
    while last > i && lists.legal_suffixes.contains(doc.tok(last)) {
        last -= 1;
    }
    let name = doc.text[doc.tokens[i].start..doc.tokens[last].end].to_string();
    Some((end, name, kind))
}

/// Tells whether `w` alone is a listed city or region.
fn is_city(lex: &Lexicon, w: &str) -> bool {
    lex.word_entry(w, |c| matches!(c, Cat::City | Cat::Region)).is_some()
}

/// A run of capitalised, name-like words at `i` (at most `max`), for organisation and place names
/// found by their context. Returns its end.
pub(super) fn proper_run(doc: &Doc<'_>, lex: &Lexicon, i: usize, max: usize) -> Option<usize> {
    let mut k = i;
    while k < i + max && doc.same_sentence(i, k) && (k == i || doc.adjacent(k - 1)) && doc.is_word(k) {
        let w = doc.tok(k);
        let ok = (is_capitalised(w)
            || w.split_once('-').is_some_and(|(p, r)| words().particles.contains(p) && is_capitalised(r)))
            && !non_name(w)
            && !w.ends_with('.')
            && lex.word_entry(w, |c| matches!(c, Cat::Role | Cat::Demonym | Cat::Country)).is_none()
            && month_word(w).is_none();
        if !ok {
            break;
        }
        k += 1;
    }
    (k > i).then_some(k)
}

/// Tells whether token `k` follows an organisation head ("Ministry" in "Ministry of").
fn head_of_or_before(doc: &Doc<'_>, i: usize, k: usize) -> bool {
    k > i && words().org_heads.contains(doc.tok(k - 1))
}

/// Organisations and places known by their context rather than a list:
/// "the grocery chain Kroger", "Lumenpath, a Seattle startup", "the Novgorod region",
/// "the city of Chernihiv", and unknown acronyms ("SNCF").
pub(super) fn by_context(doc: &Doc<'_>, lex: &Lexicon, f: &Found, i: usize) -> Option<(usize, Kind)> {
    let lists = words();
    let w = doc.tok(i);
    let prev = (i > 0 && doc.same_sentence(i, i - 1)).then(|| doc.tok(i - 1));
    if lex.is_first_name(w) && name_like(doc, lex, i + 1) {
        return None;
    }
    // Acronyms.
    if is_upper(w)
        && (3..=6).contains(&w.len())
        && w.chars().all(|c| c.is_ascii_uppercase())
        && !lists.not_acronyms.contains(w)
        && lex.place_any_case(w).is_none()
        && lex.get(&key(w)).is_none()
    {
        return Some((i + 1, Kind::Organisation));
    }
    let end = proper_run(doc, lex, i, 4)?;
    if f.cover[i..end].iter().any(Option::is_some) {
        return None;
    }
    let next = doc.get(end).filter(|_| doc.same_sentence(i, end));
    if let Some(p) = prev {
        if lists.org_descriptors.contains(p) {
            return Some((end, Kind::Organisation));
        }
        if p == "of" && i >= 2 && lists.place_nouns_before.contains(doc.tok(i - 2)) && doc.same_sentence(i, i - 2) {
            return Some((end, Kind::Place));
        }
    }
    // Only a whole capitalised sequence is named by what follows it ("France Inter radio" is not "Inter").
    if prev.is_some_and(|p| doc.is_word(i - 1) && is_capitalised(p)) {
        return None;
    }
    if next.is_some_and(|n| lists.place_nouns_after.contains(n)) {
        return Some((end, Kind::Place));
    }
    if next.is_some_and(|n| matches!(n, "radio" | "newspaper" | "magazine" | "television")) {
        return Some((end, Kind::Organisation));
    }
    // "Lumenpath, a Seattle startup that …" (a name at the start of a clause only).
    if next == Some(",") && prev.is_none_or(|p| !doc.is_word(i - 1) || p == "and" || p == "of") {
        let mut k = end + 1;
        if matches!(doc.get(k), Some("a" | "an" | "the")) {
            k += 1;
            let stop = (k + 4).min(doc.tokens.len());
            while k < stop && doc.same_sentence(i, k) && doc.is_word(k) {
                if lists.org_descriptors.contains(doc.tok(k)) {
                    return Some((end, Kind::Organisation));
                }
                k += 1;
            }
        }
    }
    None
}

/// The lexicon's name for an organisation found by a run ("Apple Inc" -> "Apple"), or the run.
pub(super) fn canonical_org(lex: &Lexicon, name: &str) -> String {
    lex.get(&phrase_key(name))
        .and_then(|es| es.iter().find(|e| e.cat == Cat::Org))
        .map_or_else(|| name.to_string(), |e| e.canonical.to_string())
}

/// "(NWH)" right after an organisation: an alias to link later.
pub(super) fn acronym(doc: &Doc<'_>, f: &mut Found, end: usize, e: usize) {
    if doc.is_punct(end, "(") && doc.is_word(end + 1) && doc.is_punct(end + 2, ")") {
        let a = doc.tok(end + 1);
        if is_upper(a) && a.len() <= 8 {
            f.linkable(vec![key(a)], e);
        }
    }
}
