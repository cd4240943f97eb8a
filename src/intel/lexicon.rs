//! The word lists: places, organisations, demonyms, role words and given names.
//!
//! The lists live in `data/` as plain text, are compiled in with `include_str!` and parsed once
//! into a process-wide static on first use. Multi-word entries are stored under the same token
//! keys the tokenizer produces for the article text, so a phrase lookup is a hash probe per
//! phrase length (at most [`Lexicon::max_len`] probes per token).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::text::{is_capitalised, is_upper, key, tokenize};

/// What a lexicon phrase names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cat {
    Country,
    City,
    Region,
    Org,
    /// "Russian": not a mention, but part of a role ("Russian Foreign Minister").
    Demonym,
    /// The head noun of a role ("president", "secretary of state", "spokeswoman").
    Role,
}

impl Cat {
    pub fn is_place(self) -> bool {
        matches!(self, Cat::Country | Cat::City | Cat::Region)
    }
}

/// One phrase of the lexicon.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub cat: Cat,
    /// The canonical name ("United States" for "U.S.", "Russia" for "Russian").
    pub canonical: &'static str,
    /// The alias as written in the list, split into tokens: used for the case rule.
    pub alias: Vec<&'static str>,
    /// Acronyms ("NATO", "US") match only when written exactly so.
    pub exact: bool,
}

/// All lists, parsed.
pub(crate) struct Lexicon {
    phrases: HashMap<String, Vec<Entry>>,
    /// Lower-case first tokens of all phrases: a cheap pre-check before building longer keys.
    first_words: HashSet<String>,
    pub max_len: usize,
    pub first_names: HashSet<&'static str>,
    pub modifiers: HashSet<&'static str>,
    pub honorifics: HashSet<&'static str>,
}

const COUNTRIES: &str = include_str!("data/countries.txt");
const CITIES: &str = include_str!("data/cities.txt");
const REGIONS: &str = include_str!("data/regions.txt");
const ORGS: &str = include_str!("data/orgs.txt");
const DEMONYMS: &str = include_str!("data/demonyms.txt");
const ROLES: &str = include_str!("data/roles.txt");
const FIRST_NAMES: &str = include_str!("data/first_names.txt");

fn lines(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The lexicon, parsed on first use.
pub(crate) fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::load)
}

/// The key of a phrase: its tokens' keys joined by single spaces.
pub(crate) fn phrase_key(phrase: &str) -> String {
    let mut out = String::new();
    for t in tokenize(phrase) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&key(&phrase[t.start..t.end]));
    }
    out
}

impl Lexicon {
    fn load() -> Lexicon {
        let mut lex = Lexicon {
            phrases: HashMap::new(),
            first_words: HashSet::new(),
            max_len: 1,
            first_names: lines(FIRST_NAMES).collect(),
            modifiers: HashSet::new(),
            honorifics: HashSet::new(),
        };
        // Order matters only for display: entries of one key are tried in insertion order.
        for (data, cat) in [(ORGS, Cat::Org), (COUNTRIES, Cat::Country), (CITIES, Cat::City), (REGIONS, Cat::Region)] {
            for line in lines(data) {
                let mut parts = line.split('|').map(str::trim).filter(|p| !p.is_empty());
                let Some(canonical) = parts.next() else { continue };
                lex.add(canonical, canonical, cat);
                for alias in parts {
                    lex.add(alias, canonical, cat);
                }
            }
        }
        for line in lines(DEMONYMS) {
            if let Some((adjective, place)) = line.split_once('|') {
                lex.add(adjective.trim(), place.trim(), Cat::Demonym);
            }
        }
        let mut section = "";
        for line in lines(ROLES) {
            if line.starts_with('[') {
                section = line;
                continue;
            }
            match section {
                "[heads]" => lex.add(line, line, Cat::Role),
                "[modifiers]" => {
                    lex.modifiers.insert(line);
                }
                "[honorifics]" => {
                    lex.honorifics.insert(line);
                }
                _ => {}
            }
        }
        lex
    }

    fn add(&mut self, alias: &'static str, canonical: &'static str, cat: Cat) {
        let k = phrase_key(alias);
        let Some(first) = k.split(' ').next() else { return };
        if first.is_empty() {
            return;
        }
        self.first_words.insert(first.to_string());
        self.max_len = self.max_len.max(k.split(' ').count());
        let exact =
            is_upper(alias) || (alias.len() <= 3 && alias.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()));
        let list = self.phrases.entry(k).or_default();
        if !list.iter().any(|e| e.cat == cat && e.canonical == canonical) {
            let alias = tokenize(alias).iter().map(|t| &alias[t.start..t.end]).collect();
            list.push(Entry { cat, canonical, alias, exact });
        }
    }

    /// Whether `word` (any case) starts some phrase.
    pub fn starts_phrase(&self, word: &str) -> bool {
        self.first_words.contains(&key(word))
    }

    /// Entries stored under an exact phrase key.
    pub fn get(&self, phrase_key: &str) -> Option<&[Entry]> {
        self.phrases.get(phrase_key).map(Vec::as_slice)
    }

    /// Whether `written` (the tokens as they appear in the text) satisfies the case rule of `entry`:
    /// acronyms must match exactly; roles match in any case; other phrases need each word that is
    /// capitalised in the list to be capitalised in the text.
    pub fn case_ok(entry: &Entry, written: &[&str]) -> bool {
        if entry.cat == Cat::Role {
            return true;
        }
        let alias_tokens = &entry.alias;
        if alias_tokens.len() != written.len() {
            return false;
        }
        if entry.exact {
            return alias_tokens.iter().zip(written).all(|(a, w)| a.replace('’', "'") == w.replace('’', "'"));
        }
        alias_tokens.iter().zip(written).all(|(a, w)| !is_capitalised(a) || is_capitalised(w))
            // An all-capitals word in the text ("PARIS") is not the place unless it is a dateline.
            && written.iter().all(|w| !is_upper(w) || w.contains('.') || w.len() <= 2)
    }

    /// Whether `word` is a given name in the list (exact case: "Joe", not "JOE" or "joe").
    pub fn is_first_name(&self, word: &str) -> bool {
        self.first_names.contains(word)
    }

    pub fn is_modifier(&self, word: &str) -> bool {
        self.modifiers.contains(key(word).as_str())
    }

    pub fn is_honorific(&self, word: &str) -> bool {
        self.honorifics.contains(key(word).as_str())
    }

    /// The first entry of category `pred` for a single word (any case rule ignored).
    pub fn word_entry(&self, word: &str, pred: impl Fn(Cat) -> bool) -> Option<&Entry> {
        self.get(&key(word))?.iter().find(|e| pred(e.cat))
    }

    /// Place named by a whole string in any case ("WASHINGTON" -> "Washington").
    pub fn place_any_case(&self, s: &str) -> Option<&'static str> {
        self.get(&phrase_key(s))?.iter().find(|e| e.cat.is_place()).map(|e| e.canonical)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_loads_and_finds_phrases() {
        let lex = lexicon();
        assert!(lex.is_first_name("Joe"));
        assert!(!lex.is_first_name("May"));
        let us = lex.get("u.s.").unwrap();
        assert_eq!(us[0].canonical, "United States");
        assert!(Lexicon::case_ok(&us[0], &["U.S."]));
        let g7 = lex.get("group of seven").unwrap();
        assert_eq!(g7[0].canonical, "G7");
        assert!(Lexicon::case_ok(&g7[0], &["Group", "of", "Seven"]));
        assert!(!Lexicon::case_ok(&g7[0], &["group", "of", "seven"]));
        let nato = lex.get("nato").unwrap();
        assert!(!Lexicon::case_ok(&nato[0], &["nato"]));
        assert_eq!(lex.place_any_case("WASHINGTON"), Some("Washington"));
        assert!(lex.get("secretary of state").is_some());
    }
}
