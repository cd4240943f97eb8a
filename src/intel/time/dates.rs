//! Written calendar dates: "March 3, 2021", "3 March 2021", "2021-03-03", "February 24",
//! "24th of February" and ranges such as "20–27 February 2022".
//!
//! A date without its year takes the year its sentence's tense points to; this module must not
//! read anything but the date's own tokens and that sentence.

use chrono::{Datelike, NaiveDate};

use super::calendar::{day_of, is_dash, month_of, number, resolve_day, year_of, ymd};
use super::tense::{tense_cue, Tense};
use super::When;
use crate::intel::text::{key, Doc};

/// The day `month`/`day` for the expression at tokens `[a, b)`. A weak past cue ("called … for a
/// strike on June 11") gives way when the past candidate is half a year back and the future one
/// within two months.
fn day_in_context(doc: &Doc<'_>, a: usize, b: usize, pub_date: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let (tense, strong) = tense_cue(doc, a, b);
    let chosen = resolve_day(pub_date, month, day, tense)?;
    if tense == Tense::Past && !strong {
        if let Some(future) = resolve_day(pub_date, month, day, Tense::Future) {
            if (pub_date - chosen).num_days() > 180 && (future - pub_date).num_days() <= 60 {
                return Some(future);
            }
        }
    }
    Some(chosen)
}

/// Full or partial calendar dates starting at token `i`.
pub(super) fn date_at(doc: &Doc<'_>, i: usize, pub_date: NaiveDate) -> Option<(usize, usize, When)> {
    if i >= doc.tokens.len() {
        return None;
    }
    let same = |k: usize| k < doc.tokens.len() && doc.same_sentence(i, k);
    // ISO 2021-03-03 (no spaces).
    if let Some(y) = year_of(doc, i) {
        if same(i + 4) && doc.is_punct(i + 1, "-") && doc.is_punct(i + 3, "-") {
            let touching = (i..i + 4).all(|t| doc.tokens[t].end == doc.tokens[t + 1].start);
            if let (true, Some(m), Some(d)) = (touching, number(doc.tok(i + 2)), number(doc.tok(i + 4))) {
                return ymd(y, m, d).map(|date| (i, i + 5, When::Day { date }));
            }
        }
    }
    // Month first.
    if let Some(m) = month_of(doc.tok(i)) {
        if let Some(d) = day_of(doc, i + 1).filter(|_| same(i + 1)) {
            // "February 20-27"
            if same(i + 3) && is_dash(doc.tok(i + 2)) {
                if let Some(d2) = day_of(doc, i + 3).filter(|d2| *d2 > d) {
                    let (end, year) = year_after(doc, i + 4);
                    let from = match year {
                        Some(y) => ymd(y, m, d)?,
                        None => day_in_context(doc, i, i + 4, pub_date, m, d)?,
                    };
                    let to = ymd(from.year(), m, d2)?;
                    return Some((i, end, When::Range { from, to }));
                }
            }
            let (end, year) = year_after(doc, i + 2);
            let date = match year {
                Some(y) => ymd(y, m, d)?,
                None => day_in_context(doc, i, i + 2, pub_date, m, d)?,
            };
            return Some((i, end, When::Day { date }));
        }
        if let Some(y) = year_of(doc, i + 1).filter(|_| same(i + 1)) {
            let start = if i > 0 && doc.same_sentence(i, i - 1) && key(doc.tok(i - 1)) == "in" { i - 1 } else { i };
            return Some((start, i + 2, When::Month { year: y, month: m }));
        }
        return None;
    }
    // Day first: "24 February", "24th of February", "20–27 February 2022".
    let d = day_of(doc, i)?;
    let (d2, month_at) = if same(i + 2) && is_dash(doc.tok(i + 1)) && day_of(doc, i + 2).is_some_and(|x| x > d) {
        (day_of(doc, i + 2), i + 3)
    } else if same(i + 2) && doc.tok(i + 1) == "of" {
        (None, i + 2)
    } else {
        (None, i + 1)
    };
    let m = doc.get(month_at).filter(|_| same(month_at)).and_then(month_of)?;
    let (end, year) = year_after(doc, month_at + 1);
    let from = match year {
        Some(y) => ymd(y, m, d)?,
        None => day_in_context(doc, i, month_at + 1, pub_date, m, d)?,
    };
    match d2 {
        Some(d2) => Some((i, end, When::Range { from, to: ymd(from.year(), m, d2)? })),
        None => Some((i, end, When::Day { date: from })),
    }
}

/// An optional year after a date: ", 2021" or " 2021". Returns (end token, year).
fn year_after(doc: &Doc<'_>, k: usize) -> (usize, Option<i32>) {
    if k < doc.tokens.len() && doc.same_sentence(k - 1, k) {
        if let Some(y) = year_of(doc, k) {
            return (k + 1, Some(y));
        }
        if doc.is_punct(k, ",") {
            if let Some(y) = year_of(doc, k + 1).filter(|_| doc.same_sentence(k, k + 1)) {
                return (k + 2, Some(y));
            }
        }
    }
    (k, None)
}
