//! Story intelligence's store, `EntityStore`, and the types that cross it: what extraction hands the store, and
//! what the store hands back for entity pages, timelines and the review screen.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{Effects, Page, StoreResult};
use crate::domain::{Article, ArticleId};
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
    /// Public articles naming it (filled by lists and `count_entity_articles`; 0 elsewhere).
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

/// Stores story intelligence: entities, what each article names, its dated
/// events and quotes, and the editors' decisions, which re-extraction keeps.
#[async_trait]
pub trait EntityStore: Send + Sync {
    /// Replaces what extraction found in an article, in one transaction:
    /// names map through aliases (merges, corrections) to entities, new ones
    /// are created, editors' accepted and rejected links are kept.
    async fn save_intel(
        &self,
        article: ArticleId,
        found: &ArticleIntel,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<Vec<i64>>;
    /// Lists the ids of articles (not pages) the extractor has not read yet, oldest first.
    async fn list_unenriched(&self, limit: u32) -> StoreResult<Vec<ArticleId>>;
    /// Fetches an entity by its page's slug.
    async fn get_entity_by_slug(&self, slug: &str) -> StoreResult<Option<EntityInfo>>;
    /// Fetches an entity by id.
    async fn get_entity(&self, id: i64) -> StoreResult<Option<EntityInfo>>;
    /// Lists the entities an article names (rejected ones too, for editors), in order of appearance.
    async fn list_article_entities(&self, article: ArticleId) -> StoreResult<Vec<EntityLink>>;
    /// Counts the public articles naming each of these entities (links not rejected).
    async fn count_entity_articles(
        &self,
        entities: &[i64],
        public_at: DateTime<Utc>,
    ) -> StoreResult<std::collections::HashMap<i64, u64>>;
    /// Lists entities not rejected that public articles name, of one kind or
    /// all, with how many articles name them; most named first.
    async fn list_entities(
        &self,
        kind: Option<crate::intel::Kind>,
        public_at: DateTime<Utc>,
        limit: u32,
        offset: u32,
    ) -> StoreResult<Page<EntityInfo>>;
    /// Lists the public articles naming an entity (links not rejected), newest first.
    async fn list_entity_articles(
        &self,
        entity: i64,
        public_at: DateTime<Utc>,
        limit: u32,
        offset: u32,
    ) -> StoreResult<Page<Article>>;
    /// Lists an entity's roles as public articles give them, oldest article first.
    async fn list_entity_roles(&self, entity: i64, public_at: DateTime<Utc>) -> StoreResult<Vec<RoleUse>>;
    /// Lists what an entity said in public articles, newest article first.
    async fn list_entity_quotes(
        &self,
        entity: i64,
        public_at: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<EntityQuote>>;
    /// Lists the dated events of the public articles naming an entity, earliest first.
    async fn list_timeline(&self, entity: i64, public_at: DateTime<Utc>, limit: u32)
        -> StoreResult<Vec<TimelineEvent>>;
    /// Lists public articles sharing the most entities with this one (never itself), newest first among equals.
    async fn list_related(&self, article: ArticleId, public_at: DateTime<Utc>, limit: u32)
        -> StoreResult<Vec<Article>>;
    /// Records an editor's decision about an entity in an article.
    async fn set_entity_decision(
        &self,
        article: ArticleId,
        entity: i64,
        d: EntityDecision,
        effects: &Effects,
    ) -> StoreResult<()>;
    /// Renames an entity or changes its kind; its old name keeps mapping to it. A taken slug is a `Conflict`.
    async fn update_entity(
        &self,
        id: i64,
        name: &str,
        kind: crate::intel::Kind,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<EntityInfo>;
    /// Rejects (or restores) an entity everywhere.
    async fn set_entity_rejected(
        &self,
        id: i64,
        rejected: bool,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<()>;
    /// Merges `from` into `into`: its spellings, articles and quotes move over, then it is deleted.
    async fn merge_entities(&self, from: i64, into: i64, now: DateTime<Utc>, effects: &Effects) -> StoreResult<()>;
}
