//! Temporal expressions, normalised against the publication date.
//!
//! Recognised (case as news copy writes them; "May" and "March" need a date or a preposition):
//!
//! | written                                   | value                                           |
//! |-------------------------------------------|-------------------------------------------------|
//! | "March 3, 2021", "3 March 2021", "2021-03-03" | that day                                    |
//! | "February 24", "24 February", "Feb. 24th" | that day in the year the tense points to        |
//! | "20–27 February", "February 20-27"        | a range                                         |
//! | "in June", "last June", "June 2021"       | a month                                         |
//! | "in 2019", "since 2019"                   | a year                                          |
//! | "Sunday", "last Friday", "next Tuesday"   | the nearest such day in the tense's direction   |
//! | "today", "tonight", "this morning", "earlier in the day", "earlier today" | the publication day |
//! | "yesterday", "tomorrow"                   | the day before / after                          |
//! | "last/this/next week", "… month", "… year", "… weekend" | the calendar week (Monday–Sunday), month, year |
//! | "in the spring", "last summer", "winter 2021" | the season (meteorological, northern)       |
//! | "in the coming days/weeks/months"         | publication day + 7 / 28 / 91 days              |
//! | "in recent days/weeks/months", "over the past few days" | the 7 / 28 / 91 days before     |
//! | "three days ago", "two years ago"         | counted back                                    |
//!
//! **Tense.** A date without a year (or a weekday, month or season without "last"/"next") is
//! resolved by the verb nearest to it in its sentence: auxiliaries and irregular past forms
//! ("will", "would", "said", "met", "was") are strong cues, regular "-ed" forms weak ones; the
//! nearest strong cue wins, preferring the left, else the nearest weak cue. Past → the latest match
//! on or before publication; future → the first on or after it (strictly after for weekdays);
//! no cue → whichever of the two is nearer.
//!
//! The submodules split the work: `calendar` reads calendar words and does the date arithmetic,
//! `tense` finds the verb that decides a direction, `dates` reads written dates and `relative`
//! the expressions counted from publication. Nothing here reads a clock: every value is worked
//! out from the publication date alone, so the same text and date always give the same answer.

mod calendar;
mod dates;
mod relative;
mod tense;

use chrono::{Datelike, Days, NaiveDate};

use super::text::{key, Doc, TokKind};
use super::When;
use calendar::{count_of, month_of, resolve_month, resolve_weekday, season_start, weekday_of, year_of};
use dates::date_at;
use relative::{offset, relative_unit, season_at, span_phrase};
use tense::{tense_at, Tense};

/// A temporal expression found in the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimeExpr {
    pub tok_start: usize,
    pub start: usize,
    pub end: usize,
    pub when: When,
}

/// Words before a bare month or year that make it a date ("in June", "since 2019").
const PREPOSITIONS: &[&str] = &[
    "in", "since", "until", "till", "by", "from", "through", "during", "before", "after", "of", "early", "late", "mid",
    "mid-", "between", "and", "to", "around", "last", "next", "this", "for",
];

/// Find and normalise every temporal expression.
pub(crate) fn find(doc: &Doc<'_>, published: NaiveDate) -> Vec<TimeExpr> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.tokens.len() {
        match at(doc, i, published) {
            Some((start, end, when)) => {
                out.push(TimeExpr {
                    tok_start: start,
                    start: doc.tokens[start].start,
                    end: doc.tokens[end - 1].end,
                    when,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// Token `k` exists, is in the same sentence as `i` and reads `w` (case-insensitive).
fn is(doc: &Doc<'_>, i: usize, k: usize, words: &[&str]) -> bool {
    doc.same_sentence(i, k) && words.contains(&key(doc.tok(k)).as_str())
}

/// The expression starting at token `i`: (first token, end token, value).
#[allow(clippy::too_many_lines)]
fn at(doc: &Doc<'_>, i: usize, pub_date: NaiveDate) -> Option<(usize, usize, When)> {
    let w = doc.tok(i);
    let k = key(w);
    let prev = |n: usize| (i >= n && doc.same_sentence(i, i - n)).then(|| key(doc.tok(i - n)));
    let prev1 = prev(1);
    let with_in = |start: usize| if start > 0 && prev(1).as_deref() == Some("in") { start - 1 } else { start };

    // Weekday, optionally followed by ", March 4": the date decides.
    if let Some(wd) = weekday_of(w) {
        if doc.is_punct(i + 1, ",") {
            if let Some((_, end, when)) = date_at(doc, i + 2, pub_date) {
                return Some((i, end, when));
            }
        }
        let (start, tense, strict) = match prev1.as_deref() {
            Some("last") => (i - 1, Tense::Past, true),
            Some("next") => (i - 1, Tense::Future, true),
            Some("this") => (i - 1, tense_at(doc, i - 1, i + 1), false),
            _ => (i, tense_at(doc, i, i + 1), false),
        };
        let day = resolve_weekday(pub_date, wd, tense, strict);
        return Some((start, i + 1, When::Day { date: day }));
    }
    if let Some(found) = date_at(doc, i, pub_date) {
        return Some(found);
    }
    // Bare month: "in June", "last June", "June 2021" is handled by date_at.
    if let Some(m) = month_of(w) {
        let ok = prev1.as_deref().is_some_and(|p| PREPOSITIONS.contains(&p)) || prev1.as_deref() == Some("mid-");
        if ok {
            let (start, tense, strict) = match prev1.as_deref() {
                Some("last") => (i - 1, Tense::Past, true),
                Some("next") => (i - 1, Tense::Future, true),
                Some("this") => (i - 1, Tense::Neutral, false),
                _ => (with_in(i), tense_at(doc, i, i + 1), false),
            };
            let (y, m) = if prev1.as_deref() == Some("this") {
                (pub_date.year(), m)
            } else {
                resolve_month(pub_date, m, tense, strict)
            };
            return Some((start, i + 1, When::Month { year: y, month: m }));
        }
        return None;
    }
    // Year after a preposition: "in 2019".
    if let Some(y) = year_of(doc, i) {
        if prev1.as_deref().is_some_and(|p| PREPOSITIONS.contains(&p) && p != "last" && p != "next" && p != "this") {
            return Some((with_in(i), i + 1, When::Year { year: y }));
        }
        return None;
    }
    if doc.kind(i) != TokKind::Word {
        return None;
    }
    let day = |d: NaiveDate| When::Day { date: d };
    match k.as_str() {
        "today" | "tonight" => return Some((i, i + 1, day(pub_date))),
        "yesterday" => return Some((i, i + 1, day(pub_date.pred_opt()?))),
        "tomorrow" => return Some((i, i + 1, day(pub_date.succ_opt()?))),
        "earlier" | "later" => {
            // "earlier in the day", "later today", "earlier this week"
            if is(doc, i, i + 1, &["in"]) && is(doc, i, i + 2, &["the"]) && is(doc, i, i + 3, &["day"]) {
                return Some((i, i + 4, day(pub_date)));
            }
            if is(doc, i, i + 1, &["today"]) {
                return Some((i, i + 2, day(pub_date)));
            }
            if is(doc, i, i + 1, &["this"]) {
                if let Some((_, end, when)) = relative_unit(doc, i + 1, pub_date, 0) {
                    return Some((i, end, when));
                }
            }
            return None;
        }
        "this" => {
            if is(doc, i, i + 1, &["morning", "afternoon", "evening"]) {
                return Some((i, i + 2, day(pub_date)));
            }
            return relative_unit(doc, i, pub_date, 0)
                .or_else(|| season_at(doc, i + 1, pub_date, Some(0)).map(|(_, e, w)| (i, e, w)));
        }
        "last" | "next" => {
            let dir = if k == "last" { -1 } else { 1 };
            if let Some(found) = relative_unit(doc, i, pub_date, dir) {
                return Some(found);
            }
            if let Some(m) = doc.get(i + 1).and_then(month_of).filter(|_| doc.same_sentence(i, i + 1)) {
                let tense = if dir < 0 { Tense::Past } else { Tense::Future };
                let (y, m) = resolve_month(pub_date, m, tense, true);
                return Some((i, i + 2, When::Month { year: y, month: m }));
            }
            return season_at(doc, i + 1, pub_date, Some(dir)).map(|(_, e, w)| (i, e, w));
        }
        "in" | "over" | "during" | "within" | "the" => {
            if let Some(found) = span_phrase(doc, i, pub_date) {
                return Some(found);
            }
            // "over the weekend": in the past tense the last one, else the coming (or current) one.
            let the = if k == "the" { i } else { i + 1 };
            if is(doc, i, the, &["the"]) && is(doc, i, the + 1, &["weekend"]) {
                let (_, _, this) = relative_unit(doc, the, pub_date, 0)?;
                let weekday = pub_date.weekday().num_days_from_monday();
                let when = match this {
                    When::Range { from, to } if weekday < 5 && tense_at(doc, i, the + 2) == Tense::Past => {
                        When::Range { from: from - Days::new(7), to: to - Days::new(7) }
                    }
                    w => w,
                };
                return Some((the, the + 2, when));
            }
            if k == "in" && is(doc, i, i + 1, &["the"]) {
                if let Some((_, end, when)) = season_at(doc, i + 2, pub_date, None) {
                    return Some((i, end, when));
                }
            }
            if k == "in" {
                // "in three weeks"
                if let (Some(n), Some(unit)) = (doc.get(i + 1).and_then(count_of), doc.get(i + 2)) {
                    if doc.same_sentence(i, i + 2) && !is(doc, i, i + 3, &["ago", "of"]) && doc.get(i + 1) != Some("a")
                    {
                        if let Some(when) = offset(pub_date, n as i32, unit) {
                            return Some((i, i + 3, when));
                        }
                    }
                }
            }
            return None;
        }
        _ => {}
    }
    // "three days ago"
    if let Some(n) = count_of(w) {
        if doc.get(i + 2).is_some_and(|x| key(x) == "ago") && doc.same_sentence(i, i + 2) {
            if let Some(when) = doc.get(i + 1).and_then(|u| offset(pub_date, -(n as i32), u)) {
                return Some((i, i + 3, when));
            }
        }
    }
    // "spring 2021", "in spring"
    if season_start(w).is_some() && (year_of(doc, i + 1).is_some() || prev1.as_deref() == Some("in")) {
        return season_at(doc, i, pub_date, None).map(|(s, e, w)| (with_in(s), e, w));
    }
    None
}
