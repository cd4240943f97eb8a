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

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::text::{is_capitalised, key, Doc, TokKind};
use super::When;

/// A temporal expression found in the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimeExpr {
    pub tok_start: usize,
    pub start: usize,
    pub end: usize,
    pub when: When,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tense {
    Past,
    Future,
    Neutral,
}

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
/// Words before a bare month or year that make it a date ("in June", "since 2019").
const PREPOSITIONS: &[&str] = &[
    "in", "since", "until", "till", "by", "from", "through", "during", "before", "after", "of", "early", "late", "mid",
    "mid-", "between", "and", "to", "around", "last", "next", "this", "for",
];

const STRONG_PAST: &[&str] = &[
    "said",
    "told",
    "met",
    "was",
    "were",
    "had",
    "did",
    "went",
    "came",
    "saw",
    "took",
    "gave",
    "made",
    "held",
    "left",
    "began",
    "won",
    "lost",
    "fell",
    "rose",
    "spoke",
    "wrote",
    "found",
    "brought",
    "thought",
    "knew",
    "became",
    "ran",
    "sent",
    "struck",
    "paid",
    "sold",
    "bought",
    "led",
    "fought",
    "flew",
    "drew",
    "grew",
    "threw",
    "shot",
    "broke",
    "chose",
    "kept",
    "felt",
    "meant",
    "built",
    "spent",
    "taught",
    "caught",
    "sought",
    "stood",
    "heard",
    "sat",
    "got",
    "ate",
    "rang",
    "sang",
    "sank",
    "woke",
    "ago",
    "yesterday",
    "previously",
    "already",
    "wasn't",
    "weren't",
    "didn't",
    "hadn't",
    "wasn’t",
    "weren’t",
    "didn’t",
    "hadn’t",
    "earlier",
    "dealt",
    "beat",
    "hit",
    "scored",
];
const STRONG_FUTURE: &[&str] = &[
    "will",
    "shall",
    "would",
    "won't",
    "won’t",
    "going",
    "plans",
    "planning",
    "scheduled",
    "expected",
    "due",
    "upcoming",
    "tomorrow",
    "intends",
    "aims",
    "slated",
    "soon",
    "later",
    "forecast",
    "forecasts",
    "expects",
    "next",
    "coming",
    "wouldn't",
    "wouldn’t",
    "until",
    "should",
    "might",
    "must",
];
/// Words ending in "-ed" that are not past-tense verbs here.
const ED_EXCEPTIONS: &[&str] = &[
    "need",
    "speed",
    "seed",
    "proceed",
    "exceed",
    "succeed",
    "indeed",
    "embed",
    "breed",
    "feed",
    "bleed",
    "greed",
    "creed",
    "weed",
    "hundred",
    "kindred",
    "expected",
    "scheduled",
    "planned",
    "slated",
    "proposed",
    "supposed",
    "united",
    "based",
    "limited",
    "related",
    "concerned",
    "interested",
    "detailed",
    "advanced",
    "armed",
    "sophisticated",
    "unprecedented",
    "biased",
    "tired",
    "prepared",
    "determined",
    "committed",
    "dedicated",
    "required",
    "red",
    "bed",
    "shed",
    "wed",
    "led",
    "sled",
    "fled",
    "bred",
];

fn month_of(w: &str) -> Option<u32> {
    if !is_capitalised(w) {
        return None;
    }
    let k = key(w);
    if let Some(m) = MONTHS.iter().position(|m| *m == k) {
        return Some(m as u32 + 1);
    }
    MONTH_ABBR.iter().position(|m| *m == k).map(|m| if m == 12 { 9 } else { m as u32 + 1 })
}

fn weekday_of(w: &str) -> Option<Weekday> {
    if !is_capitalised(w) {
        return None;
    }
    let k = key(w);
    WEEKDAYS.iter().find(|(n, _)| *n == k).map(|(_, d)| *d)
}

fn number(w: &str) -> Option<u32> {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 4 {
        return None;
    }
    digits.parse().ok()
}

fn day_of(doc: &Doc<'_>, i: usize) -> Option<u32> {
    if i >= doc.tokens.len() || doc.kind(i) != TokKind::Number {
        return None;
    }
    let w = doc.tok(i);
    number(w).filter(|d| (1..=31).contains(d) && w.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len() <= 2)
}

fn year_of(doc: &Doc<'_>, i: usize) -> Option<i32> {
    if i >= doc.tokens.len() || doc.kind(i) != TokKind::Number {
        return None;
    }
    let w = doc.tok(i);
    (w.len() == 4).then(|| number(w)).flatten().filter(|y| (1800..=2199).contains(y)).map(|y| y as i32)
}

/// "a", "one" … "twelve", "several"/"few" (3), or digits.
fn count_of(w: &str) -> Option<u32> {
    let words =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    match key(w).as_str() {
        "a" | "an" => Some(1),
        "few" | "several" | "couple" => Some(3),
        k => words.iter().position(|x| *x == k).map(|n| n as u32).or_else(|| number(w).filter(|n| *n <= 1000)),
    }
}

fn is_dash(w: &str) -> bool {
    matches!(w, "-" | "–" | "—")
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

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

/// The day `month`/`day` in the year the tense points to.
fn resolve_day(pub_date: NaiveDate, month: u32, day: u32, tense: Tense) -> Option<NaiveDate> {
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

fn pick(pub_date: NaiveDate, past: Option<NaiveDate>, future: Option<NaiveDate>, tense: Tense) -> Option<NaiveDate> {
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
fn resolve_month(pub_date: NaiveDate, month: u32, tense: Tense, strict: bool) -> (i32, u32) {
    let (y, m) = (pub_date.year(), pub_date.month());
    let past = if month < m || (month == m && !strict) { y } else { y - 1 };
    let future = if month > m || (month == m && !strict) { y } else { y + 1 };
    let first = |y: i32| ymd(y, month, 1);
    let chosen = pick(pub_date, first(past), first(future), tense);
    chosen.map_or((y, month), |d| (d.year(), month))
}

fn resolve_weekday(pub_date: NaiveDate, wd: Weekday, tense: Tense, strict_past: bool) -> NaiveDate {
    let back = (7 + pub_date.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
    let back = if back == 0 && strict_past { 7 } else { back };
    let fwd = (7 + wd.num_days_from_monday() - pub_date.weekday().num_days_from_monday()) % 7;
    let fwd = if fwd == 0 { 7 } else { fwd };
    let past = pub_date - Days::new(u64::from(back));
    let future = pub_date + Days::new(u64::from(fwd));
    pick(pub_date, Some(past), Some(future), tense).unwrap_or(pub_date)
}

/// Start month of a season (meteorological, northern hemisphere).
fn season_start(w: &str) -> Option<u32> {
    match key(w).as_str() {
        "spring" => Some(3),
        "summer" => Some(6),
        "autumn" | "fall" => Some(9),
        "winter" => Some(12),
        _ => None,
    }
}

fn season_range(year: i32, start_month: u32) -> Option<When> {
    let from = ymd(year, start_month, 1)?;
    let to = from.checked_add_months(Months::new(3))?.pred_opt()?;
    Some(When::Range { from, to })
}

fn week_of(d: NaiveDate) -> When {
    let monday = d - Days::new(u64::from(d.weekday().num_days_from_monday()));
    When::Range { from: monday, to: monday + Days::new(6) }
}

fn month_when(d: NaiveDate) -> When {
    When::Month { year: d.year(), month: d.month() }
}

fn shift_months(d: NaiveDate, n: i32) -> NaiveDate {
    if n >= 0 {
        d.checked_add_months(Months::new(n as u32)).unwrap_or(d)
    } else {
        d.checked_sub_months(Months::new(n.unsigned_abs())).unwrap_or(d)
    }
}

/// The tense around tokens `[a, b)`, from the nearest cue in the same sentence, and whether the cue
/// was strong. The look to the right stops at a comma or quotation mark (", the club said" is an
/// attribution, not the tense of the clause).
pub(crate) fn tense_cue(doc: &Doc<'_>, a: usize, b: usize) -> (Tense, bool) {
    let s = doc.sentences[doc.sentence_of[a]];
    let lo = s.tok_start.max(a.saturating_sub(30));
    let hi = s.tok_end.min(b + 12);
    let mut best: Option<(usize, Tense)> = None;
    let mut weak: Option<(usize, Tense)> = None;
    let mut consider = |dist: usize, t: usize| {
        if doc.kind(t) != TokKind::Word {
            return;
        }
        let w = doc.tok(t);
        let k = key(w);
        let strong = if STRONG_PAST.contains(&k.as_str()) {
            Some(Tense::Past)
        } else if STRONG_FUTURE.contains(&k.as_str()) || k.ends_with("'ll") || w == "may" {
            Some(Tense::Future)
        } else {
            None
        };
        if let Some(tense) = strong {
            if best.is_none_or(|(d, _)| dist < d) {
                best = Some((dist, tense));
            }
        } else if k.len() >= 5
            && k.ends_with("ed")
            && w.chars().all(char::is_lowercase)
            && !ED_EXCEPTIONS.contains(&k.as_str())
            && weak.is_none_or(|(d, _)| dist < d)
        {
            weak = Some((dist, Tense::Past));
        }
    };
    for t in lo..a {
        consider(a - t, t);
    }
    for t in b..hi {
        if doc.is_punct(t, ",;“”\"") {
            break;
        }
        consider(t - b + 4, t);
    }
    match (best, weak) {
        (Some((_, t)), _) => (t, true),
        (None, Some((_, t))) => (t, false),
        (None, None) => (Tense::Neutral, false),
    }
}

/// The tense around tokens `[a, b)`; a weak cue ("-ed") counts as [`Tense::Past`].
pub(crate) fn tense_at(doc: &Doc<'_>, a: usize, b: usize) -> Tense {
    tense_cue(doc, a, b).0
}

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

/// Full or partial calendar dates starting at token `i`.
fn date_at(doc: &Doc<'_>, i: usize, pub_date: NaiveDate) -> Option<(usize, usize, When)> {
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

/// "last week", "this month", "next year", "last weekend" at token `i` ("last"/"this"/"next").
fn relative_unit(doc: &Doc<'_>, i: usize, pub_date: NaiveDate, dir: i32) -> Option<(usize, usize, When)> {
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
fn span_phrase(doc: &Doc<'_>, i: usize, pub_date: NaiveDate) -> Option<(usize, usize, When)> {
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
fn offset(pub_date: NaiveDate, n: i32, unit: &str) -> Option<When> {
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
fn season_at(doc: &Doc<'_>, i: usize, pub_date: NaiveDate, dir: Option<i32>) -> Option<(usize, usize, When)> {
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

impl When {
    fn contains(&self, d: NaiveDate) -> bool {
        match *self {
            When::Range { from, to } => from <= d && d <= to,
            _ => false,
        }
    }
}
