//! People, places and organisations.
//!
//! Pass 1 walks each sentence left to right and, at each token, takes the first rule that applies:
//!
//! * an honorific ("Mr.", "Ms.", "Dr.") before a capitalised name: a person;
//! * the longest lexicon phrase or "organisation run", whichever is longer (the lexicon wins a tie):
//!   - a role head ("President", "Secretary of State", "spokeswoman"): with the places, demonyms,
//!     organisations and role modifiers written right before it, it is the role of the capitalised
//!     name that follows it, if one does ("Russian Foreign Minister Sergei Lavrov");
//!   - a place or an organisation: a mention ("Russia-backed" counts as a mention of Russia);
//!   - a demonym ("Russian"): no mention, but part of a following role;
//! * a given name from the list followed by a capitalised surname: a person ("Jen Psaki").
//!
//! A named run is a sequence of capitalised words ending in an organisation word ("Northwind
//! Holdings", "Port Alder Police"), starting with one followed by "of"/"for" ("Ministry of
//! Health"), or ending in a place word ("Kern County", "Harbour Street"). Names not in any list are
//! also taken from their context: a describing noun before ("the grocery chain Kroger") or in
//! apposition after ("Lumenpath, a Seattle startup"), "the city of X", "the X region", and unknown
//! upper-case acronyms ("SNCF") are organisations. In headline case and in shouting paragraphs
//! capitals say nothing about names, so those rules are skipped there and only lexicon phrases count
//! (none at all when shouting).
//!
//! Pass 2 links later mentions: a person's surname alone (and any trailing part of the full name;
//! a place word that is also a known person's surname is the person unless a locative preposition
//! such as "in" or "to" stands before it),
//! organisations found by a run, acronyms defined in brackets ("Northwind Holdings (NWH)") and the
//! dateline's place. Then roles given in apposition ("Jen Psaki, the White House press secretary,")
//! are added and group members are read ("The G7 includes the United States, …").

use std::collections::HashMap;

use super::lexicon::{lexicon, Cat, Entry, Lexicon};
use super::text::{is_capitalised, is_title, is_upper, key, Doc, Style, TokKind};
use super::{slugify, Entity, Kind, Mention, MONTH_NAMES};

/// Function words that open sentences: never the start of a name.
const FUNCTION_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "but",
    "and",
    "or",
    "if",
    "when",
    "while",
    "after",
    "before",
    "as",
    "so",
    "yet",
    "for",
    "from",
    "with",
    "without",
    "by",
    "to",
    "of",
    "about",
    "under",
    "over",
    "since",
    "until",
    "despite",
    "although",
    "though",
    "because",
    "meanwhile",
    "however",
    "still",
    "also",
    "then",
    "now",
    "later",
    "earlier",
    "last",
    "next",
    "some",
    "many",
    "most",
    "all",
    "both",
    "each",
    "every",
    "other",
    "another",
    "such",
    "no",
    "not",
    "none",
    "its",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "what",
    "who",
    "which",
    "where",
    "why",
    "how",
    "yes",
    "according",
    "among",
    "amid",
    "during",
    "between",
    "through",
    "against",
    "into",
    "per",
    "today",
    "tonight",
    "yesterday",
    "tomorrow",
    "than",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
];

/// Capitalised words that never belong to a person's name (besides [`FUNCTION_WORDS`]).
const NON_NAME: &[&str] = &[
    // calendar
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "christmas",
    "easter",
    "ramadan",
    "eid",
    "hanukkah",
    "diwali",
    "thanksgiving",
    "spring",
    "summer",
    "autumn",
    "winter",
    // organisation and place words
    "inc",
    "inc.",
    "corp",
    "corp.",
    "corporation",
    "ltd",
    "ltd.",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "group",
    "holdings",
    "company",
    "co.",
    "bank",
    "airlines",
    "airways",
    "motors",
    "industries",
    "technologies",
    "systems",
    "partners",
    "capital",
    "association",
    "society",
    "federation",
    "council",
    "committee",
    "commission",
    "agency",
    "authority",
    "institute",
    "university",
    "college",
    "school",
    "academy",
    "foundation",
    "party",
    "ministry",
    "department",
    "office",
    "service",
    "services",
    "police",
    "court",
    "club",
    "fc",
    "hospital",
    "trust",
    "board",
    "union",
    "network",
    "times",
    "post",
    "journal",
    "herald",
    "tribune",
    "gazette",
    "news",
    "church",
    "cathedral",
    "museum",
    "orchestra",
    "theatre",
    "theater",
    "assembly",
    "parliament",
    "congress",
    "senate",
    "guard",
    "army",
    "navy",
    "force",
    "forces",
    "corps",
    "street",
    "road",
    "avenue",
    "lane",
    "square",
    "park",
    "bridge",
    "river",
    "lake",
    "mountain",
    "mountains",
    "valley",
    "island",
    "islands",
    "coast",
    "beach",
    "harbor",
    "harbour",
    "airport",
    "station",
    "stadium",
    "arena",
    "hall",
    "centre",
    "center",
    "tower",
    "palace",
    "county",
    "province",
    "state",
    "city",
    "district",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "upper",
    "lower",
    "league",
    "cup",
    "championship",
    "games",
    "olympics",
    "open",
    "act",
    "bill",
    "law",
    "treaty",
    "accord",
    "agreement",
    "plan",
    "day",
    "week",
    "year",
    "democrats",
    "democrat",
    "republicans",
    "republican",
    "conservatives",
    "conservative",
    "labour",
    "liberals",
    "liberal",
    "greens",
    "socialists",
    "communist",
    "god",
    "internet",
    "covid",
    "covid-19",
    "jr",
    "jr.",
    "sr",
    "sr.",
    "ii",
    "iii",
    "iv",
    "phd",
    "md",
    "administration",
    "government",
    "ministers",
    "officials",
    "police",
    "reuters",
];

/// Words ending a capitalised run that make it an organisation ("Northwind Holdings").
const ORG_SUFFIXES: &[&str] = &[
    "Inc",
    "Inc.",
    "Corp",
    "Corp.",
    "Corporation",
    "Ltd",
    "Ltd.",
    "LLC",
    "PLC",
    "plc",
    "GmbH",
    "AG",
    "SA",
    "Group",
    "Holdings",
    "Company",
    "Co.",
    "Bank",
    "Airlines",
    "Airways",
    "Motors",
    "Industries",
    "Technologies",
    "Systems",
    "Pharmaceuticals",
    "Partners",
    "Capital",
    "Ventures",
    "Labs",
    "Association",
    "Society",
    "Federation",
    "Council",
    "Committee",
    "Commission",
    "Agency",
    "Authority",
    "Institute",
    "University",
    "College",
    "School",
    "Academy",
    "Foundation",
    "Party",
    "Ministry",
    "Department",
    "Office",
    "Service",
    "Police",
    "Court",
    "Club",
    "FC",
    "Hospital",
    "Trust",
    "Board",
    "Network",
    "Times",
    "Post",
    "Journal",
    "Herald",
    "Tribune",
    "Gazette",
    "Church",
    "Museum",
    "Orchestra",
    "Theatre",
    "Assembly",
    "Parliament",
    "Guard",
    "Army",
    "Navy",
    "Corps",
    "Cooperative",
    "Co-op",
    "Clinic",
    "Observatory",
    "Laboratory",
    "Library",
    "Coalition",
    "Alliance",
    "Conservancy",
    "Fund",
    "Energy",
    "Electronics",
    "Pharma",
    "Foods",
    "Petroleum",
    "Steel",
    "Chemicals",
    "Software",
    "Media",
    "Entertainment",
    "Studios",
    "Records",
    "Insurance",
    "Financial",
    "Securities",
    "Logistics",
    "Telecom",
    "Communications",
    "Automotive",
    "Aerospace",
    "League",
    "Athletic",
    "Rovers",
    "Wanderers",
    "Albion",
    "Hotspur",
    "Rangers",
    "Globe",
    "Chronicle",
    "Inquirer",
    "Telegraph",
    "Guardian",
    "Observer",
    "Examiner",
    "Courier",
];

/// Suffixes that make a club of a single place word ("Bristol City", "Leeds United").
const CLUB_SUFFIXES: &[&str] = &["City", "United", "Town", "County"];

/// Words ending a capitalised run that make it a place ("Kern County", "Harbour Street").
const PLACE_SUFFIXES: &[&str] = &[
    "Valley",
    "County",
    "Street",
    "Road",
    "Avenue",
    "Boulevard",
    "Lane",
    "Square",
    "Bridge",
    "River",
    "Lake",
    "Mountains",
    "Mountain",
    "Hills",
    "Island",
    "Islands",
    "Coast",
    "Bay",
    "Harbour",
    "Harbor",
    "Airport",
    "Stadium",
    "Arena",
    "Park",
    "Beach",
    "Peninsula",
    "Canyon",
    "Desert",
    "Forest",
    "Strait",
    "Gulf",
    "Sea",
    "Ocean",
    "Province",
    "Oblast",
    "Region",
    "Centre",
    "Center",
    "Plaza",
    "Heights",
    "Springs",
    "Falls",
];

/// Lower-case nouns after which a capitalised name is a place ("the Novgorod region").
const PLACE_NOUNS_AFTER: &[&str] = &["region", "province", "oblast", "district", "county", "prefecture"];
/// Lower-case nouns before "of" + a capitalised name that is a place ("the city of Chernihiv").
const PLACE_NOUNS_BEFORE: &[&str] = &["city", "town", "village", "port", "region", "province", "island", "state"];

/// Lower-case nouns that describe an organisation: "the grocery chain Kroger", "Lumenpath, a startup".
const ORG_DESCRIPTORS: &[&str] = &[
    "company",
    "firm",
    "startup",
    "start-up",
    "group",
    "chain",
    "retailer",
    "carrier",
    "maker",
    "manufacturer",
    "bank",
    "lender",
    "insurer",
    "airline",
    "operator",
    "broadcaster",
    "newspaper",
    "publisher",
    "broker",
    "charity",
    "nonprofit",
    "non-profit",
    "union",
    "club",
    "agency",
    "rival",
    "supplier",
    "developer",
    "giant",
    "conglomerate",
    "brand",
    "platform",
    "outlet",
    "daily",
    "weekly",
    "radio",
    "network",
    "organisation",
    "organization",
    "association",
    "party",
    "automaker",
    "carmaker",
    "distributor",
    "provider",
    "utility",
];

/// Upper-case words that are not organisations.
const NOT_ACRONYMS: &[&str] = &[
    "CEO", "CFO", "COO", "CTO", "GDP", "GNP", "TV", "DNA", "RNA", "HIV", "AIDS", "COVID", "SARS", "USD", "EUR", "GBP",
    "VAT", "IPO", "ETF", "OK", "ID", "PDF", "FAQ", "PM", "AM", "BC", "AD", "MP", "MPS", "MEP", "MEPS", "LGBT", "LGBTQ",
    "UFO", "ICU", "GPS", "SUV", "EV", "EVS", "PHD", "MBA", "USB", "PIN", "ATM", "HQ", "DIY", "II", "III", "IV", "VI",
    "VII", "VIII", "IX", "XI", "XII", "AI", "API", "URL", "CCTV", "LED", "LNG", "CO2", "RSVP", "ASAP", "FYI", "NB",
    "PS", "TBD", "AKA", "ETA", "MPH", "KPH", "KM", "BBQ", "VIP", "PR", "HR", "IT",
];

/// Legal-form suffixes dropped from a company's canonical name ("Apple Inc." -> "Apple").
const LEGAL_SUFFIXES: &[&str] =
    &["Inc", "Inc.", "Corp", "Corp.", "Ltd", "Ltd.", "LLC", "PLC", "plc", "GmbH", "AG", "SA", "Co."];

/// Words that start an organisation when followed by "of" or "for" ("Ministry of Health").
const ORG_HEADS: &[&str] = &[
    "Ministry",
    "Department",
    "University",
    "Bank",
    "Institute",
    "Office",
    "Court",
    "Council",
    "Federation",
    "Union",
    "Association",
    "Church",
    "Academy",
    "Museum",
    "Board",
    "Commission",
    "Committee",
    "Organization",
    "Organisation",
    "Society",
    "School",
    "College",
    "League",
    "Chamber",
    "Party",
    "Bureau",
    "Agency",
    "Service",
    "Journal",
    "Federal",
    "National",
];

/// Lower-case particles inside names ("Ursula von der Leyen", "Luiz Inácio Lula da Silva").
const PARTICLES: &[&str] = &[
    "de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "du", "dos", "das", "bin", "ibn", "al",
    "el", "ter", "ten", "zu",
];

/// Verbs of speech, in the forms news copy uses them.
pub(crate) const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "tell",
    "added",
    "adds",
    "asked",
    "asks",
    "stated",
    "states",
    "warned",
    "warns",
    "warning",
    "wrote",
    "writes",
    "declared",
    "declares",
    "insisted",
    "insists",
    "noted",
    "notes",
    "explained",
    "explains",
    "argued",
    "argues",
    "claimed",
    "claims",
    "announced",
    "announces",
    "replied",
    "replies",
    "recalled",
    "recalls",
    "reiterated",
    "reiterates",
    "urged",
    "urges",
    "acknowledged",
    "admitted",
    "conceded",
    "remarked",
    "tweeted",
    "posted",
    "continued",
    "concluded",
    "testified",
    "promised",
    "vowed",
    "cautioned",
    "predicted",
    "responded",
    "answered",
    "joked",
];

pub(crate) fn is_speech_verb(w: &str) -> bool {
    SPEECH_VERBS.contains(&w)
}

/// Prepositions before a place name: "in Washington" stays the place even when a Washington is a person.
const LOCATIVES: &[&str] = &[
    "in", "to", "from", "at", "near", "of", "across", "outside", "around", "via", "toward", "towards", "into",
    "between",
];

/// Verbs that introduce a list of members ("The G7 includes …").
const MEMBERSHIP_VERBS: &[&str] =
    &["includes", "include", "included", "comprises", "comprise", "comprised", "groups", "unites", "brings"];

/// One occurrence: token range and byte range (the byte range may be part of a token, as in
/// "Russia-backed").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub tok_start: usize,
    pub tok_end: usize,
    pub start: usize,
    pub end: usize,
    pub entity: usize,
}

/// An entity while it is being built.
#[derive(Debug, Clone)]
pub(crate) struct Ent {
    pub kind: Kind,
    pub name: String,
    pub roles: Vec<String>,
    pub members: Vec<String>,
    /// A person's name as tokens ("Joe", "Biden").
    pub tokens: Vec<String>,
    /// Known from the dateline: kept without mentions.
    dateline: bool,
    /// Merged into another entity.
    merged_into: Option<usize>,
}

/// The result of [`find`].
pub(crate) struct Found {
    pub ents: Vec<Ent>,
    /// Sorted by position.
    pub hits: Vec<Hit>,
    index: HashMap<(Kind, String), usize>,
    /// For each token, the hit covering it.
    cover: Vec<Option<usize>>,
    /// Phrases to link in pass 2: first token key -> (token keys, entity).
    linkable: HashMap<String, Vec<(Vec<String>, usize)>>,
}

impl Found {
    fn entity(&mut self, kind: Kind, name: &str) -> usize {
        let k = (kind, key(name));
        if let Some(&i) = self.index.get(&k) {
            return i;
        }
        self.ents.push(Ent {
            kind,
            name: name.to_string(),
            roles: Vec::new(),
            members: Vec::new(),
            tokens: Vec::new(),
            dateline: false,
            merged_into: None,
        });
        self.index.insert(k, self.ents.len() - 1);
        self.ents.len() - 1
    }

    fn add_hit(&mut self, doc: &Doc<'_>, entity: usize, tok_start: usize, tok_end: usize) {
        let (start, end) = (doc.tokens[tok_start].start, doc.tokens[tok_end - 1].end);
        self.add_hit_bytes(entity, tok_start, tok_end, start, end);
    }

    fn add_hit_bytes(&mut self, entity: usize, tok_start: usize, tok_end: usize, start: usize, end: usize) {
        if self.cover[tok_start..tok_end].iter().any(Option::is_some) {
            return;
        }
        let h = self.hits.len();
        self.hits.push(Hit { tok_start, tok_end, start, end, entity });
        for c in &mut self.cover[tok_start..tok_end] {
            *c = Some(h);
        }
    }

    fn add_role(&mut self, entity: usize, role: &str) {
        let role = role.trim();
        if !role.is_empty() && !self.ents[entity].roles.iter().any(|r| r.eq_ignore_ascii_case(role)) {
            self.ents[entity].roles.push(role.to_string());
        }
    }

    fn linkable(&mut self, tokens: Vec<String>, entity: usize) {
        if let Some(first) = tokens.first().cloned() {
            let list = self.linkable.entry(first).or_default();
            if !list.iter().any(|(t, _)| *t == tokens) {
                list.push((tokens, entity));
            }
        }
    }

    /// The hit covering token `i`, if any.
    pub fn hit_at(&self, i: usize) -> Option<&Hit> {
        self.cover.get(i).copied().flatten().map(|h| &self.hits[h])
    }

    /// Follow merges to the entity that survived.
    pub fn resolve(&self, mut e: usize) -> usize {
        while let Some(m) = self.ents[e].merged_into {
            e = m;
        }
        e
    }

    /// Canonical names of the entities mentioned in tokens `[from, to)`, in order, without repeats.
    pub fn names_in(&self, from: usize, to: usize) -> Vec<String> {
        let first = self.hits.partition_point(|h| h.tok_start < from);
        let mut out: Vec<String> = Vec::new();
        for h in self.hits[first..].iter().take_while(|h| h.tok_start < to) {
            let name = &self.ents[self.resolve(h.entity)].name;
            if !out.contains(name) {
                out.push(name.clone());
            }
        }
        out
    }

    /// The entities in their public form, in order of first mention (dateline-only places first).
    pub fn into_entities(self, text: &str) -> Vec<Entity> {
        let mut mentions: Vec<Vec<Mention>> = vec![Vec::new(); self.ents.len()];
        for h in &self.hits {
            let e = self.resolve(h.entity);
            mentions[e].push(Mention { start: h.start, end: h.end, text: text[h.start..h.end].to_string() });
        }
        let mut out: Vec<(usize, Entity)> = Vec::new();
        for (ent, mentions) in self.ents.into_iter().zip(mentions) {
            if ent.merged_into.is_some() || (mentions.is_empty() && !ent.dateline) {
                continue;
            }
            let first = mentions.first().map_or(0, |m| m.start + 1);
            out.push((
                first,
                Entity {
                    kind: ent.kind,
                    slug: slugify(&ent.name),
                    name: ent.name,
                    roles: ent.roles,
                    mentions,
                    members: ent.members,
                },
            ));
        }
        out.sort_by_key(|(first, _)| *first);
        out.into_iter().map(|(_, e)| e).collect()
    }
}

fn non_name(w: &str) -> bool {
    let k = key(w);
    NON_NAME.contains(&k.as_str()) || FUNCTION_WORDS.contains(&k.as_str())
}

fn function_word(w: &str) -> bool {
    FUNCTION_WORDS.contains(&key(w).as_str())
}

fn is_initial(w: &str) -> bool {
    let mut c = w.chars();
    matches!((c.next(), c.next(), c.next()), (Some(a), Some('.'), None) if a.is_uppercase())
}

/// Could token `j` be part of a person's name?
fn name_like(doc: &Doc<'_>, lex: &Lexicon, j: usize) -> bool {
    if !doc.is_word(j) {
        return false;
    }
    let w = doc.tok(j);
    if is_initial(w) {
        return true;
    }
    // "al-Assad", "el-Sisi"
    let core = w.split_once('-').filter(|(p, _)| PARTICLES.contains(p)).map_or(w, |(_, rest)| rest);
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
fn parse_name(doc: &Doc<'_>, lex: &Lexicon, j: usize, max: usize) -> Option<usize> {
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
        } else if k > j && PARTICLES.contains(&doc.tok(k)) && name_like(doc, lex, k + 1) && doc.same_sentence(j, k + 1)
        {
            k += 1;
        } else {
            break;
        }
    }
    end
}

/// The longest lexicon phrase at token `i` that passes its case rule.
fn lexicon_match<'l>(doc: &Doc<'_>, lex: &'l Lexicon, i: usize) -> Option<(usize, &'l Entry)> {
    if !doc.is_word(i) || !lex.starts_phrase(doc.tok(i)) {
        return None;
    }
    let mut phrase = String::new();
    let mut best = None;
    for len in 1..=lex.max_len {
        let j = i + len - 1;
        if j >= doc.tokens.len() || !doc.same_sentence(i, j) || (len > 1 && !doc.adjacent(j - 1)) {
            break;
        }
        if len > 1 {
            phrase.push(' ');
        }
        phrase.push_str(&key(doc.tok(j)));
        if let Some(entries) = lex.get(&phrase) {
            let written: Vec<&str> = (i..=j).map(|t| doc.tok(t)).collect();
            // Priority: organisation, place, role, demonym.
            let rank = |c: Cat| match c {
                Cat::Org => 0,
                Cat::Country | Cat::City | Cat::Region => 1,
                Cat::Role => 2,
                Cat::Demonym => 3,
            };
            if let Some(e) = entries.iter().filter(|e| Lexicon::case_ok(e, &written)).min_by_key(|e| rank(e.cat)) {
                best = Some((len, e));
            }
        }
    }
    best
}

/// A capitalised run that names an organisation or a place: its end (exclusive), name and kind.
fn named_run(doc: &Doc<'_>, lex: &Lexicon, i: usize) -> Option<(usize, String, Kind)> {
    let first = doc.tok(i);
    if !doc.is_word(i)
        || !is_capitalised(first)
        || function_word(first)
        || ORG_DESCRIPTORS.contains(&key(first).as_str())
    {
        return None;
    }
    let mut k = i;
    let mut end: Option<(usize, Kind)> = None;
    let mut head_of = false;
    while k < doc.tokens.len() && k - i < 8 && doc.same_sentence(i, k) && (k == i || doc.adjacent(k - 1)) {
        let w = doc.tok(k);
        if doc.is_word(k) && is_capitalised(w) {
            if k > i && ORG_SUFFIXES.contains(&w) {
                end = Some((k + 1, Kind::Organisation));
            } else if k > i && PLACE_SUFFIXES.contains(&w) {
                end = Some((k + 1, Kind::Place));
            } else if k == i + 1 && CLUB_SUFFIXES.contains(&w) && is_city(lex, doc.tok(i)) {
                end = Some((k + 1, Kind::Organisation));
            }
            if ORG_HEADS.contains(&w) && matches!(doc.get(k + 1), Some("of" | "for")) {
                head_of = true;
            }
            if head_of {
                end = Some((k + 1, Kind::Organisation));
            }
            k += 1;
        } else if matches!(w, "of" | "for") && head_of_or_before(doc, i, k)
            || (matches!(w, "and" | "&" | "the" | "on")
                || doc.kind(k) == TokKind::Possessive && lex.word_entry(doc.tok(k - 1), Cat::is_place).is_none())
                && k > i
                && doc.get(k + 1).is_some_and(is_capitalised)
                && doc.is_word(k + 1)
        {
            k += 1;
        } else {
            break;
        }
    }
    let (end, kind) = end?;
    if end - i < 2 {
        return None;
    }
    let mut last = end - 1;
    while last > i && LEGAL_SUFFIXES.contains(&doc.tok(last)) {
        last -= 1;
    }
    let name = doc.text[doc.tokens[i].start..doc.tokens[last].end].to_string();
    Some((end, name, kind))
}

fn is_city(lex: &Lexicon, w: &str) -> bool {
    lex.word_entry(w, |c| matches!(c, Cat::City | Cat::Region)).is_some()
}

/// A run of capitalised, name-like words at `i` (at most `max`), for organisation and place names
/// found by their context. Returns its end.
fn proper_run(doc: &Doc<'_>, lex: &Lexicon, i: usize, max: usize) -> Option<usize> {
    let mut k = i;
    while k < i + max && doc.same_sentence(i, k) && (k == i || doc.adjacent(k - 1)) && doc.is_word(k) {
        let w = doc.tok(k);
        let ok = (is_capitalised(w)
            || w.split_once('-').is_some_and(|(p, r)| PARTICLES.contains(&p) && is_capitalised(r)))
            && !non_name(w)
            && !w.ends_with('.')
            && lex.word_entry(w, |c| matches!(c, Cat::Role | Cat::Demonym | Cat::Country)).is_none()
            && month_word(w).is_none();
        if !ok {
            break;
        }
        k += 1;
    }
    (k > i).then_some(k)
}

fn month_word(w: &str) -> Option<usize> {
    MONTH_NAMES.iter().position(|m| *m == w)
}

fn head_of_or_before(doc: &Doc<'_>, i: usize, k: usize) -> bool {
    k > i && ORG_HEADS.contains(&doc.tok(k - 1))
}

/// The contiguous run of role-prefix material (places, organisations, demonyms, modifiers).
#[derive(Default)]
struct Run {
    start: usize,
    end: usize,
}

impl Run {
    fn extend(&mut self, a: usize, b: usize) {
        if self.end != a || self.start == self.end {
            self.start = a;
        }
        self.end = b;
    }

    /// Start of the role whose head begins at `head`.
    fn role_start(&self, head: usize) -> usize {
        if self.end == head && self.start < head {
            self.start
        } else {
            head
        }
    }
}

/// Find the entities of `doc`; `dateline` names a place.
pub(crate) fn find(doc: &Doc<'_>, dateline: Option<&str>) -> Found {
    let lex = lexicon();
    let mut f = Found {
        ents: Vec::new(),
        hits: Vec::new(),
        index: HashMap::new(),
        cover: vec![None; doc.tokens.len()],
        linkable: HashMap::new(),
    };
    if let Some(d) = dateline {
        for part in d.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let name = lex.place_any_case(part).map_or_else(|| title_case(part), str::to_string);
            let e = f.entity(Kind::Place, &name);
            f.ents[e].dateline = true;
            f.linkable(super::text::tokenize(&name).iter().map(|t| key(&name[t.start..t.end])).collect(), e);
        }
    }
    for s in &doc.sentences {
        if s.style != Style::Shouting {
            scan_sentence(doc, lex, &mut f, s.tok_start, s.tok_end, s.style);
        }
    }
    merge_single_names(&mut f);
    link(doc, &mut f);
    f.hits.sort_by_key(|h| h.start);
    for (i, h) in f.hits.iter().enumerate() {
        for c in &mut f.cover[h.tok_start..h.tok_end] {
            *c = Some(i);
        }
    }
    appositive_roles(doc, lex, &mut f);
    members(doc, &mut f);
    f
}

fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or_else(String::new, |first| first.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[allow(clippy::too_many_lines)]
fn scan_sentence(doc: &Doc<'_>, lex: &Lexicon, f: &mut Found, from: usize, to: usize, style: Style) {
    let prose = style == Style::Normal;
    let mut mods = Run::default();
    let mut i = from;
    while i < to {
        if !doc.is_word(i) {
            i += 1;
            continue;
        }
        let w = doc.tok(i);
        // Honorific + name.
        if lex.is_honorific(w) && is_capitalised(w) {
            if let Some(end) = parse_name(doc, lex, i + 1, 4) {
                add_person(doc, f, i + 1, end, None);
                i = end;
                continue;
            }
        }
        let lexical = lexicon_match(doc, lex, i);
        let run = if prose { named_run(doc, lex, i) } else { None };
        if let Some((end, name, kind)) = &run {
            if lexical.is_none_or(|(len, _)| i + len < *end) {
                let canonical = if *kind == Kind::Organisation { canonical_org(lex, name) } else { name.clone() };
                let e = f.entity(*kind, &canonical);
                f.add_hit(doc, e, i, *end);
                f.linkable(tokens_of(&canonical), e);
                acronym(doc, f, *end, e);
                mods.extend(i, *end);
                i = *end;
                continue;
            }
        }
        if prose && lexical.is_none() {
            if let Some((end, kind)) = by_context(doc, lex, f, i) {
                let name = doc.text[doc.tokens[i].start..doc.tokens[end - 1].end].to_string();
                let e = f.entity(kind, &name);
                f.add_hit(doc, e, i, end);
                f.linkable(tokens_of(&name), e);
                mods.extend(i, end);
                i = end;
                continue;
            }
        }
        if let Some((len, entry)) = lexical {
            let end = i + len;
            match entry.cat {
                Cat::Role => {
                    let role_start = mods.role_start(i);
                    if prose {
                        if let Some(name_end) = parse_name(doc, lex, end, 4) {
                            let role = &doc.text[doc.tokens[role_start].start..doc.tokens[end - 1].end];
                            add_person(doc, f, end, name_end, Some(role));
                            i = name_end;
                            continue;
                        }
                    }
                    mods.extend(i, end);
                    i = end;
                    continue;
                }
                Cat::Demonym => {
                    mods.extend(i, end);
                    i = end;
                    continue;
                }
                Cat::Country | Cat::City | Cat::Region | Cat::Org => {
                    // A given name that is also a place ("Jordan Henderson") before a surname.
                    let person_first = len == 1
                        && prose
                        && entry.cat != Cat::Org
                        && lex.is_first_name(w)
                        && doc.adjacent(i)
                        && parse_name(doc, lex, i + 1, 3).is_some();
                    if !person_first {
                        let kind = if entry.cat == Cat::Org { Kind::Organisation } else { Kind::Place };
                        let e = f.entity(kind, entry.canonical);
                        f.add_hit(doc, e, i, end);
                        if kind == Kind::Organisation {
                            acronym(doc, f, end, e);
                        }
                        mods.extend(i, end);
                        i = end;
                        continue;
                    }
                }
            }
        } else if let Some((prefix, _)) = w.split_once('-') {
            // "Russia-backed", "Moscow-based": the place part is a mention.
            if let Some(e) = lex.get(&key(prefix)).and_then(|es| {
                es.iter().find(|e| e.cat.is_place() && Lexicon::case_ok(e, &[prefix]) && e.alias.len() == 1)
            }) {
                let ent = f.entity(Kind::Place, e.canonical);
                let start = doc.tokens[i].start;
                f.add_hit_bytes(ent, i, i + 1, start, start + prefix.len());
                i += 1;
                continue;
            }
        }
        if lex.is_modifier(w) && (prose || is_capitalised(w)) {
            mods.extend(i, i + 1);
            i += 1;
            continue;
        }
        // Given name + surname.
        if prose && lex.is_first_name(w) {
            if let Some(end) = parse_name(doc, lex, i + 1, 3) {
                add_person(doc, f, i, end, None);
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// Organisations and places known by their context rather than a list:
/// "the grocery chain Kroger", "Lumenpath, a Seattle startup", "the Novgorod region",
/// "the city of Chernihiv", and unknown acronyms ("SNCF").
fn by_context(doc: &Doc<'_>, lex: &Lexicon, f: &Found, i: usize) -> Option<(usize, Kind)> {
    let w = doc.tok(i);
    let prev = (i > 0 && doc.same_sentence(i, i - 1)).then(|| doc.tok(i - 1));
    if lex.is_first_name(w) && name_like(doc, lex, i + 1) {
        return None;
    }
    // Acronyms.
    if is_upper(w)
        && (3..=6).contains(&w.len())
        && w.chars().all(|c| c.is_ascii_uppercase())
        && !NOT_ACRONYMS.contains(&w)
        && lex.place_any_case(w).is_none()
        && lex.get(&key(w)).is_none()
    {
        return Some((i + 1, Kind::Organisation));
    }
    let end = proper_run(doc, lex, i, 4)?;
    if f.cover[i..end].iter().any(Option::is_some) {
        return None;
    }
    let next = doc.get(end).filter(|_| doc.same_sentence(i, end));
    if let Some(p) = prev {
        if ORG_DESCRIPTORS.contains(&p) {
            return Some((end, Kind::Organisation));
        }
        if p == "of" && i >= 2 && PLACE_NOUNS_BEFORE.contains(&doc.tok(i - 2)) && doc.same_sentence(i, i - 2) {
            return Some((end, Kind::Place));
        }
    }
    // Only a whole capitalised sequence is named by what follows it ("France Inter radio" is not "Inter").
    if prev.is_some_and(|p| doc.is_word(i - 1) && is_capitalised(p)) {
        return None;
    }
    if next.is_some_and(|n| PLACE_NOUNS_AFTER.contains(&n)) {
        return Some((end, Kind::Place));
    }
    if next.is_some_and(|n| matches!(n, "radio" | "newspaper" | "magazine" | "television")) {
        return Some((end, Kind::Organisation));
    }
    // "Lumenpath, a Seattle startup that …" (a name at the start of a clause only).
    if next == Some(",") && prev.is_none_or(|p| !doc.is_word(i - 1) || p == "and" || p == "of") {
        let mut k = end + 1;
        if matches!(doc.get(k), Some("a" | "an" | "the")) {
            k += 1;
            let stop = (k + 4).min(doc.tokens.len());
            while k < stop && doc.same_sentence(i, k) && doc.is_word(k) {
                if ORG_DESCRIPTORS.contains(&doc.tok(k)) {
                    return Some((end, Kind::Organisation));
                }
                k += 1;
            }
        }
    }
    None
}

fn tokens_of(name: &str) -> Vec<String> {
    super::text::tokenize(name).iter().map(|t| key(&name[t.start..t.end])).collect()
}

/// The lexicon's name for an organisation found by a run ("Apple Inc" -> "Apple"), or the run.
fn canonical_org(lex: &Lexicon, name: &str) -> String {
    lex.get(&super::lexicon::phrase_key(name))
        .and_then(|es| es.iter().find(|e| e.cat == Cat::Org))
        .map_or_else(|| name.to_string(), |e| e.canonical.to_string())
}

/// "(NWH)" right after an organisation: an alias to link later.
fn acronym(doc: &Doc<'_>, f: &mut Found, end: usize, e: usize) {
    if doc.is_punct(end, "(") && doc.is_word(end + 1) && doc.is_punct(end + 2, ")") {
        let a = doc.tok(end + 1);
        if is_upper(a) && a.len() <= 8 {
            f.linkable(vec![key(a)], e);
        }
    }
}

fn add_person(doc: &Doc<'_>, f: &mut Found, start: usize, end: usize, role: Option<&str>) {
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

/// "Biden" found alone (after "President" or "Mr.") joins "Joe Biden" when one full name ends so.
fn merge_single_names(f: &mut Found) {
    let people: Vec<usize> = (0..f.ents.len()).filter(|&e| f.ents[e].kind == Kind::Person).collect();
    for &single in &people {
        if f.ents[single].tokens.len() != 1 {
            continue;
        }
        let surname = f.ents[single].tokens[0].clone();
        let target = people
            .iter()
            .copied()
            .find(|&p| p != single && f.ents[p].tokens.len() > 1 && f.ents[p].tokens.last() == Some(&surname));
        if let Some(t) = target {
            let roles = std::mem::take(&mut f.ents[single].roles);
            for r in roles {
                f.add_role(t, &r);
            }
            f.ents[single].merged_into = Some(t);
        }
    }
}

/// Pass 2: surnames, organisation names and aliases, the dateline's place.
fn link(doc: &Doc<'_>, f: &mut Found) {
    // surname -> people with that last name word
    let mut surnames: HashMap<String, Vec<usize>> = HashMap::new();
    for (e, ent) in f.ents.iter().enumerate() {
        if ent.kind == Kind::Person && ent.merged_into.is_none() {
            if let Some(last) = ent.tokens.last() {
                surnames.entry(last.clone()).or_default().push(e);
            }
        }
    }
    // Most recent mention of each entity, to choose among people sharing a surname.
    let mut last_seen: HashMap<usize, usize> = HashMap::new();
    let mut hit_order: Vec<(usize, usize)> = f.hits.iter().map(|h| (h.tok_start, h.entity)).collect();
    hit_order.sort_unstable();
    let mut next_hit = 0;
    let mut i = 0;
    while i < doc.tokens.len() {
        while next_hit < hit_order.len() && hit_order[next_hit].0 <= i {
            last_seen.insert(f.resolve(hit_order[next_hit].1), hit_order[next_hit].0);
            next_hit += 1;
        }
        if doc.kind(i) != TokKind::Word || doc.style(i) == Style::Shouting {
            i += 1;
            continue;
        }
        let w = doc.tok(i);
        if let Some(h) = f.cover[i] {
            // A place word that is also a person's surname, followed by a speech verb: the person.
            let hit = f.hits[h];
            if hit.tok_end == i + 1 && f.ents[hit.entity].kind == Kind::Place {
                if let Some(people) = surnames.get(w) {
                    let locative =
                        i > 0 && doc.same_sentence(i, i - 1) && LOCATIVES.contains(&key(doc.tok(i - 1)).as_str());
                    if !locative {
                        f.hits[h].entity = people[0];
                    }
                }
            }
            i += 1;
            continue;
        }
        if let Some(people) = surnames.get(w).filter(|_| is_capitalised(w)) {
            let p = *people.iter().max_by_key(|p| last_seen.get(p).copied().map_or(0, |x| x + 1)).unwrap_or(&people[0]);
            // Extend back over earlier parts of the name ("Joe" before "Biden").
            let toks = &f.ents[p].tokens;
            let mut start = i;
            let mut k = toks.len() - 1;
            while k > 0 && start > 0 && f.cover[start - 1].is_none() && doc.tok(start - 1) == toks[k - 1] {
                start -= 1;
                k -= 1;
            }
            f.add_hit(doc, p, start, i + 1);
            last_seen.insert(p, i);
            i += 1;
            continue;
        }
        if is_capitalised(w) {
            if let Some(cands) = f.linkable.get(&key(w)) {
                let matched = cands.iter().find(|(toks, _)| {
                    toks.iter().enumerate().all(|(n, t)| {
                        doc.get(i + n).is_some_and(|x| key(x) == *t)
                            && f.cover.get(i + n).is_some_and(Option::is_none)
                            && doc.same_sentence(i, i + n)
                    })
                });
                if let Some((toks, e)) = matched.cloned() {
                    f.add_hit(doc, e, i, i + toks.len());
                    i += toks.len();
                    continue;
                }
            }
        }
        i += 1;
    }
}

/// "Jen Psaki, the White House press secretary, said": the role after the comma.
fn appositive_roles(doc: &Doc<'_>, lex: &Lexicon, f: &mut Found) {
    let mut found: Vec<(usize, String)> = Vec::new();
    for h in &f.hits {
        let e = f.resolve(h.entity);
        if f.ents[e].kind != Kind::Person || !doc.is_punct(h.tok_end, ",") {
            continue;
        }
        let mut k = h.tok_end + 1;
        if matches!(doc.get(k), Some("the" | "a" | "an")) {
            k += 1;
        }
        let role_start = k;
        while k < doc.tokens.len() && k < role_start + 6 && doc.same_sentence(h.tok_start, k) {
            if let Some((len, entry)) = lexicon_match(doc, lex, k) {
                if entry.cat == Cat::Role {
                    let end = k + len;
                    let closes = doc.get(end).is_none_or(|t| matches!(t, "," | "." | ";" | "who" | "said"));
                    if closes {
                        let role = &doc.text[doc.tokens[role_start].start..doc.tokens[end - 1].end];
                        found.push((e, role.to_string()));
                    }
                    break;
                }
                if entry.cat == Cat::Demonym || f.hit_at(k).is_some() {
                    k += len;
                    continue;
                }
            }
            if f.hit_at(k).is_some() || (doc.is_word(k) && lex.is_modifier(doc.tok(k))) {
                k += 1;
                continue;
            }
            break;
        }
    }
    for (e, role) in found {
        f.add_role(e, &role);
    }
}

/// "The G7 includes the United States, United Kingdom, France …": members of the group.
fn members(doc: &Doc<'_>, f: &mut Found) {
    let mut found: Vec<(usize, String)> = Vec::new();
    for h in &f.hits {
        let g = f.resolve(h.entity);
        if f.ents[g].kind != Kind::Organisation {
            continue;
        }
        let mut k = h.tok_end;
        if matches!(doc.get(k), Some("now" | "currently" | "also")) {
            k += 1;
        }
        let verb = doc.get(k).unwrap_or("");
        let consists = matches!(verb, "consists" | "is") && matches!(doc.get(k + 1), Some("of" | "made"));
        if !(MEMBERSHIP_VERBS.contains(&verb) || consists) || !doc.same_sentence(h.tok_start, k) {
            continue;
        }
        let sentence = doc.sentences[doc.sentence_of[k]];
        let mut j = k + 1;
        while j < sentence.tok_end && j < k + 80 {
            if let Some(m) = f.hit_at(j) {
                let e = f.resolve(m.entity);
                if f.ents[e].kind == Kind::Place {
                    found.push((g, f.ents[e].name.clone()));
                }
                j = m.tok_end.max(j + 1);
            } else {
                j += 1;
            }
        }
    }
    for (g, name) in found {
        if !f.ents[g].members.contains(&name) {
            f.ents[g].members.push(name);
        }
    }
}
