//! The tense around a temporal expression, which decides the direction of a date written without
//! its year ("February 24") or a weekday written without "last" or "next".
//!
//! Cues are read from the words of the expression's own sentence; this module must not look at
//! the calendar, only at the verbs.

use crate::intel::text::{key, Doc, TokKind};

/// Names the direction a sentence's verbs give an expression that does not say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tense {
    Past,
    Future,
    Neutral,
}

/// Lists irregular past forms and words that mark the past on their own.
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

/// Lists auxiliaries and words that mark the future on their own.
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
