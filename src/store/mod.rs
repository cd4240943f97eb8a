//! Persistence behind one trait object, so SQLite (the default) and PostgreSQL
//! (a later backend) serve the same callers.
//!
//! Only `domain` types cross these traits; row structs stay inside each backend.
//! Every multi-statement write is one transaction, committed before returning.

pub mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::{Article, ArticleId, ArticleInput, Kind, Media, MediaId, Role, Status, Term, User, UserId};

/// Errors every backend maps its own failures onto.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("migration failed: {0}")]
    Migrate(String),
}

/// Result of every store call.
pub type StoreResult<T> = Result<T, StoreError>;

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
}

/// One page of a list and how many there are in all.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
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

/// What is known about a new upload before it is stored.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub widths: Vec<u32>,
    pub bytes: u64,
    pub created_by: Option<UserId>,
}

/// A logged-in browser session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

/// An API token's public facts (never the token itself).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub user_id: UserId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// Stores articles, pages and what hangs off them.
#[async_trait]
pub trait ArticleStore: Send + Sync {
    /// Creates an article from normalised input and records its first revision.
    async fn create_article(
        &self,
        input: &ArticleInput,
        by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Article>;
    /// Replaces an article's fields, records a revision, and keeps `old_path` as a redirect when given.
    async fn update_article(
        &self,
        id: ArticleId,
        input: &ArticleInput,
        by: Option<UserId>,
        now: DateTime<Utc>,
        old_path: Option<&str>,
    ) -> StoreResult<Article>;
    /// Fetches one article with its terms, photo and corrections.
    async fn get_article(&self, id: ArticleId) -> StoreResult<Option<Article>>;
    /// Fetches an article or page by kind and slug.
    async fn get_article_by_slug(&self, kind: Kind, slug: &str) -> StoreResult<Option<Article>>;
    /// Lists articles matching the query, newest publication first.
    async fn list_articles(&self, q: &ArticleQuery) -> StoreResult<Page<Article>>;
    /// Counts articles per status (for the admin's filters).
    async fn count_by_status(&self) -> StoreResult<Vec<(Status, u64)>>;
    /// Publishes scheduled articles whose time has come; returns the ones changed.
    async fn publish_due(&self, now: DateTime<Utc>) -> StoreResult<Vec<ArticleId>>;
    /// Adds a dated correction to an article.
    async fn add_correction(&self, id: ArticleId, body: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Lists an article's revisions, newest first.
    async fn list_revisions(&self, id: ArticleId) -> StoreResult<Vec<Revision>>;
    /// Finds the article an old path now redirects to.
    async fn find_redirect(&self, path: &str) -> StoreResult<Option<ArticleId>>;
    /// Finds a section, tag or byline by slug.
    async fn get_term(&self, kind: TermKind, slug: &str) -> StoreResult<Option<Term>>;
    /// Lists sections that have at least one public article, by name.
    async fn list_sections(&self) -> StoreResult<Vec<Term>>;
}

/// Which list of names a term belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Section,
    Tag,
    Author,
}

/// Stores users, sessions and API tokens.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user; a taken email is a `Conflict`.
    async fn create_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<User>;
    /// Fetches a user by id.
    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// Fetches a user by email, ignoring case.
    async fn get_user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    /// Lists all users by name.
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    /// Counts users (zero means the site still needs its first admin).
    async fn count_users(&self) -> StoreResult<u64>;
    /// Replaces a user's password hash.
    async fn set_password(&self, id: UserId, hash: &str) -> StoreResult<()>;
    /// Stores a new session under the hash of its cookie value.
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Fetches a live session by the hash of its cookie value.
    async fn get_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Session>>;
    /// Ends one session.
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of a user (log out everywhere).
    async fn delete_user_sessions(&self, user: UserId) -> StoreResult<()>;
    /// Stores a new API token under its hash.
    async fn create_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<TokenInfo>;
    /// Finds the user of a live (unrevoked) token and notes its use.
    async fn get_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(User, i64)>>;
    /// Lists tokens, of one user or of everyone.
    async fn list_tokens(&self, user: Option<UserId>) -> StoreResult<Vec<TokenInfo>>;
    /// Revokes a token; it stops working at once.
    async fn revoke_token(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()>;
}

/// Stores uploaded images' facts (the files live in the data folder), settings and form stashes.
#[async_trait]
pub trait SiteStore: Send + Sync {
    /// Records a processed upload and returns its id.
    async fn create_media(&self, m: &NewMedia, now: DateTime<Utc>) -> StoreResult<Media>;
    /// Fetches an upload's facts.
    async fn get_media(&self, id: MediaId) -> StoreResult<Option<Media>>;
    /// Reads a site setting.
    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>>;
    /// Writes a site setting.
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;
    /// Deletes a site setting.
    async fn delete_setting(&self, key: &str) -> StoreResult<()>;
    /// Keeps a submitted form (for an editor whose login expired) until `expires`.
    async fn put_stash(&self, key: &str, data: &str, expires: DateTime<Utc>) -> StoreResult<()>;
    /// Takes a kept form out of the stash, once.
    async fn take_stash(&self, key: &str, now: DateTime<Utc>) -> StoreResult<Option<String>>;
    /// Answers when the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Brings the schema up to date (run at start, before serving).
    async fn migrate(&self) -> StoreResult<()>;
}

/// The whole store, as handlers hold it.
pub trait Store: ArticleStore + UserStore + SiteStore {}
impl<T: ArticleStore + UserStore + SiteStore> Store for T {}

/// Opens the store named by a database URL (`sqlite://path` or a file path) without migrating.
pub async fn open(url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(StoreError::Migrate("PostgreSQL support is not built yet; use SQLite (the default)".into()));
    }
    Ok(std::sync::Arc::new(sqlite::SqliteStore::open(url).await?))
}
