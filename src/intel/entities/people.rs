//! Whether a token can be part of a person's name, where a name ends, and recording a person.
//!
//! These tests say only that tokens *can* form a name. The evidence that they *do* (a role, an
//! honorific or a known given name) is for `scan` to find; nothing here may take a capitalised
//! word for a person without it.

use super::{Found, Kind};
use crate::intel::lexicon::{words, Cat, Lexicon};
use crate::intel::text::{is_title, key, Doc};
use crate::intel::MONTH_NAMES;

/// Tells whether `w` is a word that never belongs to a person's name.
pub(super) fn non_name(w: &str) -> bool {
    let k = key(w);
    let lists = words();
    lists.not_names.contains(k.as_str()) || lists.function.contains(k.as_str())
}

/// Tells whether `w` is a function word ("the", "when"), in any case.
pub(super) fn function_word(w: &str) -> bool {
    words().function.contains(key(w).as_str())
}

/// Tells whether `w` is an initial ("J.").
fn is_initial(w: &str) -> bool {
    let mut c = w.chars();
    matches!((c.next(), c.next(), c.next()), (Some(a), Some('.'), None) if a.is_uppercase())
}

/// Could token `j` be part of a person's name?
pub(super) fn name_like(doc: &Doc<'_>, lex: &Lexicon, j: usize) -> bool {
    if !doc.is_word(j) {
        return false;
    }
    let w = doc.tok(j);
    if is_initial(w) {
        return true;
    }
    // "al-Assad", "el-Sisi"
    let core = w.split_once('-').filter(|(p, _)| words().particles.contains(*p)).map_or(w, |(_, rest)| rest);
    if !is_title(core) || w.ends_with('.') || non_name(w) || lex.is_honorific(w) {
        return false;
    }
    match lex.get(&key(w)) {
        Some(entries) => !entries
            .iter()
            .any(|e| matches!(e.cat, Cat::Country | Cat::Org | Cat::Demonym | Cat::Role) && Lexicon::case_ok(e, &[w])),
        None => true,
    }
}

/// The end (exclusive) of a person's name starting at token `j`, at most `max` name words.
pub(super) fn parse_name(doc: &Doc<'_>, lex: &Lexicon, j: usize, max: usize) -> Option<usize> {
    let lists = words();
    let mut k = j;
    let mut words = 0;
    let mut end = None;
    while words < max && doc.same_sentence(j, k) && (k == j || doc.adjacent(k - 1)) {
        let month_surname = k > 0
            && month_word(doc.tok(k)).is_some()
            && (name_like(doc, lex, k - 1) || lex.is_first_name(doc.tok(k - 1)))
            && doc.get(k + 1).is_none_or(|n| !n.starts_with(|c: char| c.is_ascii_digit()));
        if name_like(doc, lex, k) || month_surname {
            k += 1;
            words += 1;
            if !is_initial(doc.tok(k - 1)) {
                end = Some(k);
            }
        } else if k > j
            && lists.particles.contains(doc.tok(k))
            && name_like(doc, lex, k + 1)
            && doc.same_sentence(j, k + 1)
        {
            k += 1;
        } else {
            break;
        }
    }
    end
}

/// Returns the index in [`MONTH_NAMES`] of a month written in full ("March").
pub(super) fn month_word(w: &str) -> Option<usize> {
    MONTH_NAMES.iter().position(|m| *m == w)
}

/// Records the person named by tokens `[start, end)`, with the role written before the name.
pub(super) fn add_person(doc: &Doc<'_>, f: &mut Found, start: usize, end: usize, role: Option<&str>) {
    let name = doc.text[doc.tokens[start].start..doc.tokens[end - 1].end].to_string();
    let e = f.entity(Kind::Person, &name);
    if f.ents[e].tokens.is_empty() {
        f.ents[e].tokens = (start..end).map(|t| doc.tok(t).to_string()).collect();
    }
    if let Some(r) = role {
        f.add_role(e, r);
    }
    f.add_hit(doc, e, start, end);
}
