//! The word lists: places, organisations, demonyms, role words and given names, and the closed
//! classes of words the entity rules test against (function words, organisation and place
//! suffixes, speech verbs …).
//!
//! The lists live in `data/` as plain text, are compiled in with `include_str!` and parsed once
//! into a process-wide static on first use. Multi-word entries are stored under the same token
//! keys the tokenizer produces for the article text, so a phrase lookup is a hash probe per
//! phrase length (at most [`Lexicon::max_len`] probes per token). This module only loads and
//! answers look-ups; what a word means for a name is decided by the rules in `entities`.

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
    /// Tells whether the category is a place (country, city or region).
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
const NAME_WORDS: &str = include_str!("data/name_words.txt");
const ORG_WORDS: &str = include_str!("data/org_words.txt");
const PLACE_WORDS: &str = include_str!("data/place_words.txt");
const VERBS: &str = include_str!("data/verbs.txt");

fn lines(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Returns the entries of section `[name]` of a list split into `[section]` blocks.
fn section(data: &'static str, name: &str) -> HashSet<&'static str> {
    let mut inside = false;
    let mut out = HashSet::new();
    for line in lines(data) {
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = header == name;
        } else if inside {
            out.insert(line);
        }
    }
    out
}

/// The lexicon, parsed on first use.
pub(crate) fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::load)
}

/// Holds the closed classes of words, each a set so a test is one hash probe. Which sets compare the word
/// as written and which its lower-case key is said in the data files' headers.
pub(crate) struct Words {
    /// Words that open sentences and clauses: never the start of a name.
    pub function: HashSet<&'static str>,
    /// Capitalised words that never belong to a person's name (besides `function`).
    pub not_names: HashSet<&'static str>,
    /// Lower-case particles inside names ("von der Leyen").
    pub particles: HashSet<&'static str>,
    /// Words ending a capitalised run that make it an organisation ("… Holdings").
    pub org_suffixes: HashSet<&'static str>,
    /// Legal forms dropped from a company's canonical name ("Inc.").
    pub legal_suffixes: HashSet<&'static str>,
    /// Words that make a club of a single place word ("… United").
    pub club_suffixes: HashSet<&'static str>,
    /// Words that start an organisation when "of" or "for" follows ("Ministry of …").
    pub org_heads: HashSet<&'static str>,
    /// Lower-case nouns that describe an organisation ("the grocery chain …").
    pub org_descriptors: HashSet<&'static str>,
    /// Upper-case words that are not organisations ("CEO").
    pub not_acronyms: HashSet<&'static str>,
    /// Words ending a capitalised run that make it a place ("… County").
    pub place_suffixes: HashSet<&'static str>,
    /// Lower-case nouns after which a capitalised name is a place ("… region").
    pub place_nouns_after: HashSet<&'static str>,
    /// Lower-case nouns before "of" + a capitalised name that is a place ("city of …").
    pub place_nouns_before: HashSet<&'static str>,
    /// Prepositions before a place name ("in", "to").
    pub locatives: HashSet<&'static str>,
    /// Verbs of speech ("said", "told").
    pub speech_verbs: HashSet<&'static str>,
    /// Verbs that introduce a list of members ("includes").
    pub membership_verbs: HashSet<&'static str>,
}

/// Returns the closed word classes, parsed on first use.
pub(crate) fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| Words {
        function: section(NAME_WORDS, "function"),
        not_names: section(NAME_WORDS, "not_names"),
        particles: section(NAME_WORDS, "particles"),
        org_suffixes: section(ORG_WORDS, "suffixes"),
        legal_suffixes: section(ORG_WORDS, "legal"),
        club_suffixes: section(ORG_WORDS, "club"),
        org_heads: section(ORG_WORDS, "heads"),
        org_descriptors: section(ORG_WORDS, "descriptors"),
        not_acronyms: section(ORG_WORDS, "not_acronyms"),
        place_suffixes: section(PLACE_WORDS, "suffixes"),
        place_nouns_after: section(PLACE_WORDS, "nouns_after"),
        place_nouns_before: section(PLACE_WORDS, "nouns_before"),
        locatives: section(PLACE_WORDS, "locatives"),
        speech_verbs: section(VERBS, "speech"),
        membership_verbs: section(VERBS, "membership"),
    })
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

    /// Tells whether `word` (any case) may stand before a role head and belong to the role.
    pub fn is_modifier(&self, word: &str) -> bool {
        self.modifiers.contains(key(word).as_str())
    }

    /// Tells whether `word` (any case) is an honorific ("Mr.", "Dr.").
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

    #[test]
    fn every_word_class_has_its_section() {
        let w = words();
        let samples = [
            (&w.function, "the"),
            (&w.not_names, "january"),
            (&w.particles, "von"),
            (&w.org_suffixes, "Holdings"),
            (&w.legal_suffixes, "Inc."),
            (&w.club_suffixes, "United"),
            (&w.org_heads, "Ministry"),
            (&w.org_descriptors, "startup"),
            (&w.not_acronyms, "CEO"),
            (&w.place_suffixes, "County"),
            (&w.place_nouns_after, "region"),
            (&w.place_nouns_before, "city"),
            (&w.locatives, "in"),
            (&w.speech_verbs, "said"),
            (&w.membership_verbs, "includes"),
        ];
        for (set, word) in samples {
            assert!(set.contains(word), "{word}");
        }
        // Sizes catch a misspelt section header (an empty set) and one section running into the next.
        let sizes = [&w.function, &w.not_names, &w.particles, &w.org_suffixes, &w.legal_suffixes, &w.club_suffixes]
            .map(HashSet::len);
        assert_eq!(sizes, [103, 194, 21, 117, 13, 4]);
        let sizes = [&w.org_heads, &w.org_descriptors, &w.not_acronyms, &w.place_suffixes, &w.place_nouns_after]
            .map(HashSet::len);
        assert_eq!(sizes, [31, 46, 78, 42, 6]);
        let sizes = [&w.place_nouns_before, &w.locatives, &w.speech_verbs, &w.membership_verbs].map(HashSet::len);
        assert_eq!(sizes, [8, 14, 56, 9]);
    }
}
