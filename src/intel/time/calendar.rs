//! Calendar words (months, weekdays, seasons, counts) and the date arithmetic that places a
//! month, day, weekday or season before or after the publication date.
//!
//! These are functions of their arguments alone: they must not read the text beyond the token
//! they are given, nor the clock.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::tense::Tense;
use super::When;
use crate::intel::text::{is_capitalised, key, Doc, TokKind};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const MONTH_ABBR: [&str; 13] =
    ["jan.", "feb.", "mar.", "apr.", "may.", "jun.", "jul.", "aug.", "sep.", "oct.", "nov.", "dec.", "sept."];

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// Returns the month (1–12) of a capitalised month name or abbreviation ("March", "Sept.").
pub(super) fn month_of(w: &str) -> Option<u32> {
    if !is_capitalised(w) {
        return None;
    }
    let k = key(w);
    if let Some(m) = MONTHS.iter().position(|m| *m == k) {
        return Some(m as u32 + 1);
    }
    MONTH_ABBR.iter().position(|m| *m == k).map(|m| if m == 12 { 9 } else { m as u32 + 1 })
}

/// Returns the weekday of a capitalised weekday name.
pub(super) fn weekday_of(w: &str) -> Option<Weekday> {
    if !is_capitalised(w) {
        return None;
    }
    let k = key(w);
    WEEKDAYS.iter().find(|(n, _)| *n == k).map(|(_, d)| *d)
}

/// Reads the number written in a token of digits, an ordinal suffix allowed ("24th").
pub(super) fn number(w: &str) -> Option<u32> {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 4 {
        return None;
    }
    digits.parse().ok()
}

/// Reads token `i` as a day of the month (1–31).
pub(super) fn day_of(doc: &Doc<'_>, i: usize) -> Option<u32> {
    if i >= doc.tokens.len() || doc.kind(i) != TokKind::Number {
        return None;
    }
    let w = doc.tok(i);
    number(w).filter(|d| (1..=31).contains(d) && w.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len() <= 2)
}

/// Reads token `i` as a four-digit year (1800–2199).
pub(super) fn year_of(doc: &Doc<'_>, i: usize) -> Option<i32> {
    if i >= doc.tokens.len() || doc.kind(i) != TokKind::Number {
        return None;
    }
    let w = doc.tok(i);
    (w.len() == 4).then(|| number(w)).flatten().filter(|y| (1800..=2199).contains(y)).map(|y| y as i32)
}

/// "a", "one" … "twelve", "several"/"few" (3), or digits.
pub(super) fn count_of(w: &str) -> Option<u32> {
    let words =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    match key(w).as_str() {
        "a" | "an" => Some(1),
        "few" | "several" | "couple" => Some(3),
        k => words.iter().position(|x| *x == k).map(|n| n as u32).or_else(|| number(w).filter(|n| *n <= 1000)),
    }
}

/// Tells whether `w` is a hyphen or a dash (ranges: "20–27").
pub(super) fn is_dash(w: &str) -> bool {
    matches!(w, "-" | "–" | "—")
}

/// Returns the date, if it exists.
pub(super) fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The day `month`/`day` in the year the tense points to.
pub(super) fn resolve_day(pub_date: NaiveDate, month: u32, day: u32, tense: Tense) -> Option<NaiveDate> {
    let y = pub_date.year();
    let this = ymd(y, month, day);
    let past = match this {
        Some(d) if d <= pub_date => Some(d),
        _ => ymd(y - 1, month, day),
    };
    let future = match this {
        Some(d) if d >= pub_date => Some(d),
        _ => ymd(y + 1, month, day),
    };
    pick(pub_date, past, future, tense)
}

/// Picks the past or future candidate the tense asks for; without a tense, the nearer.
pub(super) fn pick(
    pub_date: NaiveDate,
    past: Option<NaiveDate>,
    future: Option<NaiveDate>,
    tense: Tense,
) -> Option<NaiveDate> {
    match tense {
        Tense::Past => past.or(future),
        Tense::Future => future.or(past),
        Tense::Neutral => match (past, future) {
            (Some(p), Some(f)) => Some(if (pub_date - p) < (f - pub_date) { p } else { f }),
            (p, f) => p.or(f),
        },
    }
}

/// The (year, month) of `month` in the direction of `tense`. `strict` excludes the current month.
pub(super) fn resolve_month(pub_date: NaiveDate, month: u32, tense: Tense, strict: bool) -> (i32, u32) {
    let (y, m) = (pub_date.year(), pub_date.month());
    let past = if month < m || (month == m && !strict) { y } else { y - 1 };
    let future = if month > m || (month == m && !strict) { y } else { y + 1 };
    let first = |y: i32| ymd(y, month, 1);
    let chosen = pick(pub_date, first(past), first(future), tense);
    chosen.map_or((y, month), |d| (d.year(), month))
}

/// Finds the weekday `wd` nearest publication in the tense's direction; `strict_past` skips today.
pub(super) fn resolve_weekday(pub_date: NaiveDate, wd: Weekday, tense: Tense, strict_past: bool) -> NaiveDate {
    let back = (7 + pub_date.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
    let back = if back == 0 && strict_past { 7 } else { back };
    let fwd = (7 + wd.num_days_from_monday() - pub_date.weekday().num_days_from_monday()) % 7;
    let fwd = if fwd == 0 { 7 } else { fwd };
    let past = pub_date - Days::new(u64::from(back));
    let future = pub_date + Days::new(u64::from(fwd));
    pick(pub_date, Some(past), Some(future), tense).unwrap_or(pub_date)
}

/// Start month of a season (meteorological, northern hemisphere).
pub(super) fn season_start(w: &str) -> Option<u32> {
    match key(w).as_str() {
        "spring" => Some(3),
        "summer" => Some(6),
        "autumn" | "fall" => Some(9),
        "winter" => Some(12),
        _ => None,
    }
}

/// Returns the three months of a season starting in `start_month` of `year`.
pub(super) fn season_range(year: i32, start_month: u32) -> Option<When> {
    let from = ymd(year, start_month, 1)?;
    let to = from.checked_add_months(Months::new(3))?.pred_opt()?;
    Some(When::Range { from, to })
}

/// Returns the Monday-to-Sunday week holding `d`.
pub(super) fn week_of(d: NaiveDate) -> When {
    let monday = d - Days::new(u64::from(d.weekday().num_days_from_monday()));
    When::Range { from: monday, to: monday + Days::new(6) }
}

/// Returns the month holding `d`.
pub(super) fn month_when(d: NaiveDate) -> When {
    When::Month { year: d.year(), month: d.month() }
}

/// Moves `d` by `n` calendar months (leaving it as is if that overflows).
pub(super) fn shift_months(d: NaiveDate, n: i32) -> NaiveDate {
    if n >= 0 {
        d.checked_add_months(Months::new(n as u32)).unwrap_or(d)
    } else {
        d.checked_sub_months(Months::new(n.unsigned_abs())).unwrap_or(d)
    }
}

impl When {
    /// Tells whether a range holds `d` (other values hold no single day here).
    pub(super) fn contains(&self, d: NaiveDate) -> bool {
        match *self {
            When::Range { from, to } => from <= d && d <= to,
            _ => false,
        }
    }
}
