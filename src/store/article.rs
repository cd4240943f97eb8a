//! Articles and pages, their revisions, corrections, redirects and terms.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Effects, Page, StoreResult};
use crate::domain::search::SearchDoc;
use crate::domain::{Article, ArticleId, ArticleInput, Kind, Status, Term, UserId};

/// Selects articles for a list page.
#[derive(Debug, Clone, Default)]
pub struct ArticleQuery {
    pub kind: Option<Kind>,
    /// Only articles readers may see at this time.
    pub public_at: Option<DateTime<Utc>>,
    pub status: Option<Status>,
    pub section: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub created_by: Option<UserId>,
    /// Published within `[from, to)`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Words that must appear in the headline (staff filter).
    pub text: Option<String>,
    pub limit: u32,
    pub offset: u32,
    /// Leave `total` at 0: the caller knows it already or does not need it
    /// (counting every match is the one part of a list that grows with the site).
    pub skip_count: bool,
}

/// One write of an article: the normalised input, its search document, who
/// made it and when, and for an update the redirect to keep.
#[derive(Debug, Clone, Copy)]
pub struct ArticleWrite<'a> {
    pub input: &'a ArticleInput,
    pub search: &'a SearchDoc,
    pub by: Option<UserId>,
    pub at: DateTime<Utc>,
    /// An update keeps this old public path as a redirect to the article.
    pub old_path: Option<&'a str>,
    /// An update happens only if the stored status is still this one.
    pub if_status: Option<Status>,
}

/// A saved edit of an article.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Revision {
    pub id: i64,
    pub article_id: ArticleId,
    pub user_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub headline: String,
    pub snapshot: ArticleInput,
}

/// Which list of names a term belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Section,
    Tag,
    Author,
}

/// Stores articles, pages and what hangs off them.
#[async_trait]
pub trait ArticleStore: Send + Sync {
    /// Creates an article from normalised input, indexes it, records its first
    /// revision and commits its effects, in one transaction.
    async fn create_article(&self, w: &ArticleWrite<'_>, effects: &Effects) -> StoreResult<Article>;
    /// Replaces an article's fields, indexes it, records a revision, keeps
    /// `old_path` as a redirect when given and commits its effects, in one
    /// transaction. With `if_status`, a stored status that moved on is a `Conflict`.
    async fn update_article(&self, id: ArticleId, w: &ArticleWrite<'_>, effects: &Effects) -> StoreResult<Article>;
    /// Fetches one article with its terms, photo and corrections.
    async fn get_article(&self, id: ArticleId) -> StoreResult<Option<Article>>;
    /// Fetches an article or page by kind and slug.
    async fn get_article_by_slug(&self, kind: Kind, slug: &str) -> StoreResult<Option<Article>>;
    /// Lists articles matching the query, newest publication first.
    async fn list_articles(&self, q: &ArticleQuery) -> StoreResult<Page<Article>>;
    /// Counts articles per status (for the admin's filters).
    async fn count_by_status(&self) -> StoreResult<Vec<(Status, u64)>>;
    /// Lists scheduled articles whose time has come, oldest first.
    async fn list_due(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<ArticleId>>;
    /// Adds a dated correction to an article, with its effects.
    async fn add_correction(&self, id: ArticleId, body: &str, now: DateTime<Utc>, effects: &Effects)
        -> StoreResult<()>;
    /// Lists an article's revisions, newest first.
    async fn list_revisions(&self, id: ArticleId) -> StoreResult<Vec<Revision>>;
    /// Finds the article an old path now redirects to.
    async fn find_redirect(&self, path: &str) -> StoreResult<Option<ArticleId>>;
    /// Lists the old paths that redirect to an article, oldest first.
    async fn list_redirects(&self, id: ArticleId) -> StoreResult<Vec<String>>;
    /// Makes an old path answer with a 301 to an article (kept if the path already has one).
    async fn add_redirect(&self, path: &str, id: ArticleId) -> StoreResult<()>;
    /// Finds a section, tag or byline by slug.
    async fn get_term(&self, kind: TermKind, slug: &str) -> StoreResult<Option<Term>>;
    /// Lists sections that have at least one public article, by name.
    async fn list_sections(&self) -> StoreResult<Vec<Term>>;
}
