//! Story intelligence: people, places, organisations, dated events and quotes, read from the plain
//! text of a news article.
//!
//! # Method
//!
//! Everything here is rules and word lists, in the spirit of HeidelTime and SUTime: no model, no
//! I/O, no network. [`extract`] runs these steps, each one pass over the tokens:
//!
//! 1. **Tokens and sentences** (`text`): words keep "U.S."-style abbreviations and inner
//!    apostrophes ("O’Brien"); a possessive "’s" is split off so "Russia’s" is a mention of Russia.
//!    Each paragraph is classed as prose, headline case or shouting; capitals are evidence of a
//!    name only in prose.
//! 2. **Entities** (`entities`): lexicon phrases (countries, large cities, regions, organisations,
//!    government metonyms such as "the Kremlin") are matched longest-first; capitalised runs that
//!    end in an organisation word ("… Inc", "… Ministry") or start with one ("Ministry of …") are
//!    organisations. A person needs evidence: a role word right before a capitalised name
//!    ("Foreign Minister Sergei Lavrov"), an honorific ("Ms. Ortiz"), or a known given name followed
//!    by a capitalised surname ("Jen Psaki"). The words before a role that are places, demonyms or
//!    organisations become part of the role ("Russian Foreign Minister", "White House
//!    spokeswoman"). A second pass links later surname-only mentions ("Putin", "Putin’s").
//! 3. **Time** (`time`): dates, months, seasons, years, weekdays and relative expressions are
//!    normalised against the publication date. Where the year or direction is not written, the
//!    tense of the nearest verb decides: past → the latest such day on or before publication,
//!    future → the next on or after it, no cue → the nearer of the two.
//! 4. **Quotes** (`quotes`): double-quoted spans, attributed to the subject of the nearest speech
//!    verb ("said", "told", "warned" …) after or before the quote in the same sentence; pronouns
//!    and role phrases ("the U.S. president said") resolve to the person last mentioned or the one
//!    who holds that role.
//!
//! # Limits
//!
//! The rules prefer silence to a wrong answer: a capitalised name without a known given name, role
//! or honorific is not a person; a place missing from the lists is not found; quotes without a
//! speech verb in their sentence have no speaker; one-word quotes are kept. The lists are English:
//! text in other languages yields mainly the places and organisations it names. Every pass is
//! linear in the length of the text (look-arounds are bounded windows), and all byte offsets fall
//! on character boundaries.

mod entities;
mod lexicon;
mod quotes;
mod text;
mod time;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What [`extract`] reads.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The article's plain text: paragraphs separated by a blank line.
    pub text: &'a str,
    /// The publication date (the newsroom's local date).
    pub published: NaiveDate,
    /// The dateline ("WASHINGTON", "KYIV, Ukraine"), if any: always taken as a place.
    pub dateline: Option<&'a str>,
}

/// Everything found in one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotations {
    pub entities: Vec<Entity>,
    pub events: Vec<Event>,
    pub quotes: Vec<Quote>,
}

/// The type of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Person,
    Place,
    Organisation,
}

impl Kind {
    /// "person", "place" or "organisation".
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Place => "place",
            Kind::Organisation => "organisation",
        }
    }

    /// The first segment of the reader pages of this kind ("people" for `/people/vladimir-putin/`).
    pub fn path_segment(self) -> &'static str {
        match self {
            Kind::Person => "people",
            Kind::Place => "places",
            Kind::Organisation => "organisations",
        }
    }

    /// The schema.org type ("Person", "Place", "Organization").
    pub fn schema_type(self) -> &'static str {
        match self {
            Kind::Person => "Person",
            Kind::Place => "Place",
            Kind::Organisation => "Organization",
        }
    }

    /// The inverse of [`Kind::as_str`] (also accepts "organization" and "org").
    pub fn parse(s: &str) -> Option<Kind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "person" => Some(Kind::Person),
            "place" => Some(Kind::Place),
            "organisation" | "organization" | "org" => Some(Kind::Organisation),
            _ => None,
        }
    }
}

/// A person, place or organisation and where the text names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub kind: Kind,
    /// Canonical name: the fullest form of a person's name, the lexicon's name of a place or
    /// organisation ("United States" for "U.S.", "Kremlin" for "the Kremlin", "G7").
    pub name: String,
    /// Lower-case ASCII with hyphens ("joe-biden").
    pub slug: String,
    /// Roles as the text gives them ("U.S. President"), first occurrence first, without duplicates.
    pub roles: Vec<String>,
    /// Every occurrence in text order. A place known only from the dateline has none.
    pub mentions: Vec<Mention>,
    /// For groups whose members the text lists ("The G7 includes …"): the member places.
    pub members: Vec<String>,
}

/// One occurrence of an entity: `text == &input.text[start..end]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A dated event: a temporal expression and the sentence it dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub when: When,
    /// The expression as written ("February 24", "in June", "earlier in the day").
    pub expression: String,
    /// Byte offsets of the expression.
    pub start: usize,
    pub end: usize,
    /// The sentence holding the expression: the event's description.
    pub sentence: String,
    pub sentence_start: usize,
    /// Canonical names of the entities mentioned in that sentence, in order of appearance.
    pub participants: Vec<String>,
}

/// A normalised point or span of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum When {
    Day { date: NaiveDate },
    Month { year: i32, month: u32 },
    Year { year: i32 },
    Range { from: NaiveDate, to: NaiveDate },
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl When {
    /// The first day covered, for sorting a timeline.
    pub fn sort_key(&self) -> NaiveDate {
        match *self {
            When::Day { date } => date,
            When::Month { year, month } => NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN),
            When::Year { year } => NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
            When::Range { from, .. } => from,
        }
    }

    /// Human label: "24 February 2022", "June 2021", "2021", "20–27 February 2022".
    pub fn label(&self) -> String {
        let month = |m: u32| MONTH_NAMES.get(m.wrapping_sub(1) as usize).copied().unwrap_or("?");
        let day = |d: NaiveDate| format!("{} {} {}", d.day(), month(d.month()), d.year());
        match *self {
            When::Day { date } => day(date),
            When::Month { year, month: m } => format!("{} {year}", month(m)),
            When::Year { year } => year.to_string(),
            When::Range { from, to } if from == to => day(from),
            When::Range { from, to } if from.year() == to.year() && from.month() == to.month() => {
                format!("{}–{} {} {}", from.day(), to.day(), month(from.month()), from.year())
            }
            When::Range { from, to } if from.year() == to.year() => {
                format!("{} {} – {} {} {}", from.day(), month(from.month()), to.day(), month(to.month()), to.year())
            }
            When::Range { from, to } => format!("{} – {}", day(from), day(to)),
        }
    }
}

/// A quoted span and who said it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The words inside the quotation marks (a trailing comma dropped).
    pub text: String,
    /// Canonical name of the speaker (a person, or an organisation or country speaking as one).
    pub speaker: Option<String>,
    /// Byte offsets of `text`.
    pub start: usize,
    pub end: usize,
}

/// Read people, places, organisations, dated events and quotes from an article.
pub fn extract(input: &Input<'_>) -> Annotations {
    let doc = text::Doc::new(input.text);
    let found = entities::find(&doc, input.dateline);
    let events = time::find(&doc, input.published)
        .into_iter()
        .map(|t| {
            let s = doc.sentences[doc.sentence_of[t.tok_start]];
            Event {
                when: t.when,
                expression: input.text[t.start..t.end].to_string(),
                start: t.start,
                end: t.end,
                sentence: input.text[s.start..s.end].to_string(),
                sentence_start: s.start,
                participants: found.names_in(s.tok_start, s.tok_end),
            }
        })
        .collect();
    let quotes = quotes::find(&doc, &found);
    Annotations { entities: found.into_entities(input.text), events, quotes }
}

/// Lower-case ASCII slug with hyphens; common accented letters are folded ("Élysée" -> "elysee").
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_hyphen = false;
    for c in s.chars() {
        let folded = fold_char(c);
        for f in folded.chars() {
            if f.is_ascii_alphanumeric() {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push(f.to_ascii_lowercase());
            } else if f != '\'' && f != '’' {
                pending_hyphen = true;
            }
        }
    }
    out
}

/// ASCII for a Latin letter with a diacritic; other characters unchanged.
fn fold_char(c: char) -> String {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'ç' | 'ć' | 'č' | 'ĉ' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'ď' | 'đ' => "d",
        'Ď' | 'Đ' => "D",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => "E",
        'ğ' | 'ģ' => "g",
        'Ğ' => "G",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'İ' => "I",
        'ķ' => "k",
        'ł' | 'ľ' | 'ļ' => "l",
        'Ł' | 'Ľ' => "L",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "O",
        'ř' => "r",
        'Ř' => "R",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'Ś' | 'Š' | 'Ş' | 'Ș' => "S",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'Ť' | 'Ţ' | 'Ț' => "T",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        'þ' => "th",
        'ð' => "d",
        _ => return c.to_string(),
    };
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents() {
        assert_eq!(slugify("Joe Biden"), "joe-biden");
        assert_eq!(slugify("Élysée"), "elysee");
        assert_eq!(slugify("Recep Tayyip Erdoğan"), "recep-tayyip-erdogan");
        assert_eq!(slugify("O’Brien & Co."), "obrien-co");
        assert_eq!(slugify("G7"), "g7");
    }

    #[test]
    fn kinds_round_trip() {
        for k in [Kind::Person, Kind::Place, Kind::Organisation] {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("city"), None);
    }

    #[test]
    fn labels() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(When::Day { date: d(2022, 2, 24) }.label(), "24 February 2022");
        assert_eq!(When::Month { year: 2021, month: 6 }.label(), "June 2021");
        assert_eq!(When::Year { year: 2021 }.label(), "2021");
        assert_eq!(When::Range { from: d(2022, 2, 20), to: d(2022, 2, 27) }.label(), "20–27 February 2022");
        assert_eq!(When::Range { from: d(2022, 2, 20), to: d(2022, 3, 6) }.label(), "20 February – 6 March 2022");
        assert_eq!(When::Month { year: 2021, month: 6 }.sort_key(), d(2021, 6, 1));
    }
}
