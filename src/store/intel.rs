//! The types that cross `EntityStore`: what extraction hands the store, and
//! what the store hands back for entity pages, timelines and the review screen.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::Article;
use crate::intel::Kind;

/// What extraction found in one article, ready to store.
#[derive(Debug, Clone, Default)]
pub struct ArticleIntel {
    pub entities: Vec<FoundEntity>,
    pub events: Vec<FoundEvent>,
    pub quotes: Vec<FoundQuote>,
}

/// A person, place or organisation as extraction names it.
#[derive(Debug, Clone)]
pub struct FoundEntity {
    pub kind: Kind,
    pub name: String,
    /// `intel::slugify(name)`: with `kind`, the key aliases map.
    pub slug: String,
    pub roles: Vec<String>,
    /// The text around a few mentions, for editors.
    pub snippets: Vec<String>,
    pub mentions: u32,
}

/// A dated sentence.
#[derive(Debug, Clone)]
pub struct FoundEvent {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// "24 February 2022".
    pub label: String,
    pub expression: String,
    pub sentence: String,
    /// The id of the article paragraph holding the sentence ("p-3").
    pub anchor: Option<String>,
}

/// A quote and who said it.
#[derive(Debug, Clone)]
pub struct FoundQuote {
    /// The speaker as extraction names it (kind and slug, mapped like entities).
    pub speaker: Option<(Kind, String)>,
    pub speaker_name: Option<String>,
    pub text: String,
    pub anchor: Option<String>,
}

/// An entity.
#[derive(Debug, Clone, Serialize)]
pub struct EntityInfo {
    pub id: i64,
    pub kind: Kind,
    pub name: String,
    pub slug: String,
    pub rejected: bool,
    /// Public articles naming it (filled by lists; 0 elsewhere).
    pub articles: u64,
}

/// An entity named in an article, with the editors' decision.
#[derive(Debug, Clone, Serialize)]
pub struct EntityLink {
    pub entity: EntityInfo,
    /// `found`, `accepted` or `rejected`.
    pub status: String,
    pub roles: Vec<String>,
    pub snippets: Vec<String>,
    pub mentions: u32,
}

/// An editor's decision about an entity in one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityDecision {
    Accept,
    Reject,
    /// Back to what extraction found.
    Reset,
}

impl EntityDecision {
    /// The stored status.
    pub fn status(self) -> &'static str {
        match self {
            EntityDecision::Accept => "accepted",
            EntityDecision::Reject => "rejected",
            EntityDecision::Reset => "found",
        }
    }
}

/// A role as one article gives it.
#[derive(Debug, Clone)]
pub struct RoleUse {
    pub role: String,
    pub article: Article,
}

/// A quote with its article.
#[derive(Debug, Clone)]
pub struct EntityQuote {
    pub text: String,
    pub anchor: Option<String>,
    pub article: Article,
}

/// An event on a timeline, with its article.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
    pub sentence: String,
    pub anchor: Option<String>,
    pub article: Article,
}

/// Joins lines for a text column (a line break never occurs inside a role or snippet).
pub(crate) fn join_lines(items: &[String]) -> String {
    items.iter().map(|s| s.replace(['\n', '\r'], " ")).collect::<Vec<_>>().join("\n")
}

/// Splits a text column written by `join_lines`.
pub(crate) fn split_lines(s: &str) -> Vec<String> {
    s.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}
