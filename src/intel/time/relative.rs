//! Expressions counted from the publication date: "last week", "this month", "next weekend",
//! "in the coming days", "over the past few weeks", "in three weeks", seasons ("last summer").
//!
//! Each reader takes the token where its phrase starts and answers with the phrase's end and
//! value, or nothing; it must not look beyond the phrase's own sentence.

use chrono::{Datelike, Days, NaiveDate};

use super::calendar::{count_of, month_when, pick, season_range, season_start, shift_months, week_of, year_of, ymd};
use super::tense::tense_at;
use super::{is, When};
use crate::intel::text::{key, Doc};

/// "last week", "this month", "next year", "last weekend" at token `i` ("last"/"this"/"next").
pub(super) fn relative_unit(doc: &Doc<'_>, i: usize, pub_date: NaiveDate, dir: i32) -> Option<(usize, usize, When)> {
    if !doc.same_sentence(i, i + 1) || i + 1 >= doc.tokens.len() {
        return None;
    }
    let unit = key(doc.tok(i + 1));
    let when = match unit.as_str() {
        "week" => week_of(pub_date.checked_add_signed(chrono::Duration::days(7 * i64::from(dir)))?),
        "month" => month_when(shift_months(pub_date, dir)),
        "year" => When::Year { year: pub_date.year() + dir },
        "weekend" => {
            // The Saturday of this weekend: the coming one (or the one in progress).
            let wd = pub_date.weekday().num_days_from_monday();
            let sat = if wd == 6 { pub_date - Days::new(1) } else { pub_date + Days::new(u64::from(5 - wd)) };
            // Said Monday to Thursday, "next weekend" is the coming one.
            let dir = if dir > 0 && wd <= 3 { 0 } else { dir };
            let sat = sat.checked_add_signed(chrono::Duration::days(7 * i64::from(dir)))?;
            When::Range { from: sat, to: sat + Days::new(1) }
        }
        _ => return None,
    };
    Some((i, i + 2, when))
}

/// "in the coming days", "over the past few weeks", "in recent months", "the last two years".
pub(super) fn span_phrase(doc: &Doc<'_>, i: usize, pub_date: NaiveDate) -> Option<(usize, usize, When)> {
    let mut k = i;
    if is(doc, i, k, &["in", "over", "during", "within"]) {
        k += 1;
    }
    let has_the = is(doc, i, k, &["the"]);
    if has_the {
        k += 1;
    }
    let word = |k: usize| (k < doc.tokens.len() && doc.same_sentence(i, k)).then(|| key(doc.tok(k)));
    let direction = match word(k).as_deref() {
        Some("coming" | "next") if has_the => 1,
        Some("past" | "last") if has_the => -1,
        Some("recent") if !has_the && k > i => -1,
        _ => return None,
    };
    k += 1;
    // A written count ("two weeks") is exact; "few"/"several" or none take the default span.
    let mut n = None;
    if let Some(w) = word(k) {
        if let Some(c) = count_of(&w) {
            if !matches!(w.as_str(), "few" | "several" | "couple") {
                n = Some(i64::from(c.max(1)));
            }
            k += 1;
        }
    }
    let unit = word(k)?;
    let (per, default) = match unit.as_str() {
        "days" | "day" => (1, 7),
        "weeks" | "week" => (7, 28),
        "months" | "month" => (30, 91),
        "years" | "year" => (365, 365),
        _ => return None,
    };
    let days = match (n, unit.ends_with('s')) {
        (Some(n), _) => per * n,
        (None, true) => default,
        (None, false) => per,
    };
    let other = pub_date.checked_add_signed(chrono::Duration::days(days * direction))?;
    let when = if direction > 0 {
        When::Range { from: pub_date, to: other }
    } else {
        When::Range { from: other, to: pub_date }
    };
    Some((i, k + 1, when))
}

/// "n days/weeks/months/years" from publication (negative n: back).
pub(super) fn offset(pub_date: NaiveDate, n: i32, unit: &str) -> Option<When> {
    let unit = key(unit);
    let unit = unit.trim_end_matches('s');
    Some(match unit {
        "day" => When::Day { date: pub_date.checked_add_signed(chrono::Duration::days(i64::from(n)))? },
        "week" => When::Day { date: pub_date.checked_add_signed(chrono::Duration::days(7 * i64::from(n)))? },
        "month" => month_when(shift_months(pub_date, n)),
        "year" => When::Year { year: pub_date.year() + n },
        _ => return None,
    })
}

/// A season at token `i` ("spring", optionally followed by a year). `dir`: Some(-1) last,
/// Some(1) next, Some(0) this, None: by tense.
pub(super) fn season_at(
    doc: &Doc<'_>,
    i: usize,
    pub_date: NaiveDate,
    dir: Option<i32>,
) -> Option<(usize, usize, When)> {
    if i >= doc.tokens.len() || !doc.same_sentence(i.saturating_sub(1), i) {
        return None;
    }
    let start_month = season_start(doc.tok(i))?;
    if let Some(y) = year_of(doc, i + 1).filter(|_| doc.same_sentence(i, i + 1)) {
        return Some((i, i + 2, season_range(y, start_month)?));
    }
    if doc.get(i + 1) == Some("of") {
        if let Some(y) = year_of(doc, i + 2).filter(|_| doc.same_sentence(i, i + 2)) {
            return Some((i, i + 3, season_range(y, start_month)?));
        }
    }
    // Seasons starting on or before publication, and after it.
    let y = pub_date.year();
    let candidates = [y - 2, y - 1, y, y + 1].map(|yy| ymd(yy, start_month, 1));
    let past = candidates.iter().flatten().filter(|d| **d <= pub_date).max().copied();
    let future = candidates.iter().flatten().filter(|d| **d > pub_date).min().copied();
    let chosen = match dir {
        Some(0) => {
            // "this winter": the one in progress, else the coming one.
            let current = past.filter(|p| season_range(p.year(), start_month).is_some_and(|r| r.contains(pub_date)));
            current.or(future)
        }
        Some(d) if d < 0 => {
            let current = past.filter(|p| season_range(p.year(), start_month).is_some_and(|r| r.contains(pub_date)));
            match current {
                Some(c) => ymd(c.year() - 1, start_month, 1),
                None => past,
            }
        }
        Some(_) => future,
        None => pick(pub_date, past, future, tense_at(doc, i, i + 1)),
    }?;
    Some((i, i + 1, season_range(chosen.year(), start_month)?))
}
