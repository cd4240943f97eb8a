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
//!
//! The words the rules test against live in `lexicon` (loaded from `data/`); this module and its
//! submodules hold only the rules and must not grow word lists of their own. Like the rest of
//! `intel`, it does no I/O.

mod link;
mod people;
mod scan;
mod unlisted;

use std::collections::HashMap;

use super::lexicon::{lexicon, words};
use super::text::{key, Doc, Style};
use super::{slugify, Entity, Kind, Mention};

/// Tells whether `w` is a verb of speech ("said", "told"), in the forms news copy uses.
pub(crate) fn is_speech_verb(w: &str) -> bool {
    words().speech_verbs.contains(w)
}

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
            scan::scan_sentence(doc, lex, &mut f, s.tok_start, s.tok_end, s.style);
        }
    }
    link::merge_single_names(&mut f);
    link::link(doc, &mut f);
    f.hits.sort_by_key(|h| h.start);
    for (i, h) in f.hits.iter().enumerate() {
        for c in &mut f.cover[h.tok_start..h.tok_end] {
            *c = Some(i);
        }
    }
    link::appositive_roles(doc, lex, &mut f);
    link::members(doc, &mut f);
    f
}

/// Writes a dateline part typed in capitals in title case ("PORT ALDER" becomes "Port Alder").
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
