//! Persistence behind one trait object, so SQLite (the default) and PostgreSQL
//! serve the same callers.
//!
//! Only `domain` types cross these traits; rows stay inside each backend.
//! Every multi-statement write is one transaction, committed before returning.
//! The SQL itself lives once, in `store/sql/`, and is compiled into both
//! backends; each backend module names its side of the dialect (how a time is
//! bound, how a writer locks a key, `LIKE` or `ILIKE`).

pub mod copy;
mod intel;
pub mod postgres;
pub mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::spam::{TokenCount, Totals};
use crate::domain::{
    Article, ArticleId, ArticleInput, Comment, CommentId, CommentStatus, Kind, Media, MediaId, Role, Status, Term,
    User, UserId,
};

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
    /// The database cannot be reached just now; the caller may retry.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

/// Maps a sqlx error: unique violations become `Conflict`, a missing referenced
/// row `NotFound`, a lost or refused connection `Unavailable`.
pub(crate) fn sqlx_error(e: impl Into<sqlx::Error>) -> StoreError {
    let e = e.into();
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => return StoreError::Conflict(d.message().to_owned()),
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => return StoreError::NotFound,
        // PostgreSQL's connection exceptions (class 08), shutdowns (57P01-57P03),
        // too many connections (53300) and a database closed to connections
        // for maintenance (55000).
        sqlx::Error::Database(d)
            if d.code().is_some_and(|c| {
                c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03" | "53300" | "55000")
            }) =>
        {
            return StoreError::Unavailable(d.message().to_owned())
        }
        // PostgreSQL out of disk space (53100); SQLite's disk full (13), I/O
        // errors (10 and its extended codes) and busy or locked database (5, 6):
        // the write did not happen and may succeed later.
        sqlx::Error::Database(d) if d.code().as_deref() == Some("53100") => {
            return StoreError::Unavailable(d.message().to_owned())
        }
        sqlx::Error::Database(d)
            if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
                && d.code()
                    .and_then(|c| c.parse::<i32>().ok())
                    .is_some_and(|c| matches!(c & 0xff, 5 | 6 | 10 | 13)) =>
        {
            return StoreError::Unavailable(d.message().to_owned())
        }
        sqlx::Error::RowNotFound => return StoreError::NotFound,
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => return StoreError::Unavailable(e.to_string()),
        _ => {}
    }
    StoreError::Backend(Box::new(e))
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
    /// Leave `total` at 0: the caller knows it already or does not need it
    /// (counting every match is the one part of a list that grows with the site).
    pub skip_count: bool,
}

/// A full-text search: the parsed words and the same filters as a list.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: crate::domain::search::SearchQuery,
    /// `public_at`, `section`, `author`, `from`, `to`, `status`, `limit` and `offset` apply.
    pub filter: ArticleQuery,
}

/// One search result.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub article: Article,
    /// Text around the matches, with each match between `MARK_START` and `MARK_END`.
    pub snippet: String,
}

/// Matches are counted up to this many and no further: a page of results
/// never needs more, and counting every match of a common word would cost
/// more than ranking them.
pub const COUNT_CAP: u64 = 1_000;

/// Marks the start of a matched word in a snippet (a private-use character, never in text we index).
pub const MARK_START: char = '\u{E000}';
/// Marks the end of a matched word in a snippet.
pub const MARK_END: char = '\u{E001}';

/// What the search index holds for an article, as plain text.
#[derive(Debug, Clone, Default)]
pub struct SearchDoc {
    pub headline: String,
    /// Standfirst, section, tags and bylines.
    pub summary: String,
    pub caption: String,
    pub body: String,
}

impl SearchDoc {
    /// Builds the indexed text of an article: markup stripped, terms spelled out.
    pub fn from_input(i: &ArticleInput) -> SearchDoc {
        let strip = |s: &str| s.replace([MARK_START, MARK_END], " ");
        let body = match i.body_format {
            crate::domain::BodyFormat::Markdown => crate::render::markdown::plain_text(&i.body),
            crate::domain::BodyFormat::Html => crate::render::markdown::html_text(&i.body),
        };
        let mut summary: Vec<&str> = i.standfirst.iter().map(String::as_str).collect();
        summary.extend(i.section.iter().map(String::as_str));
        summary.extend(i.tags.iter().map(String::as_str));
        summary.extend(i.authors.iter().map(String::as_str));
        let photo = i.photo.as_ref();
        let caption = [photo.and_then(|p| p.caption.as_deref()), photo.map(|p| p.alt.as_str())];
        SearchDoc {
            headline: strip(&i.headline),
            summary: strip(&summary.join(" \n")),
            caption: strip(&caption.iter().flatten().copied().collect::<Vec<_>>().join(" ")),
            body: strip(&body),
        }
    }
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
    /// Makes an old path answer with a 301 to an article (kept if the path already has one).
    async fn add_redirect(&self, path: &str, id: ArticleId) -> StoreResult<()>;
    /// Finds a section, tag or byline by slug.
    async fn get_term(&self, kind: TermKind, slug: &str) -> StoreResult<Option<Term>>;
    /// Lists sections that have at least one public article, by name.
    async fn list_sections(&self) -> StoreResult<Vec<Term>>;
}

/// Full-text search, in each backend's own engine (SQLite FTS5, PostgreSQL
/// `tsvector`), over an index kept current in each article write's transaction.
#[async_trait]
pub trait SearchStore: Send + Sync {
    /// Finds articles by their words, best match first (recency breaks ties).
    async fn search(&self, q: &SearchRequest) -> StoreResult<Page<SearchHit>>;
    /// Returns the indexed word nearest to `word` (for "did you mean"), if one is near.
    async fn nearest_word(&self, word: &str) -> StoreResult<Option<String>>;
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
    /// Stores `value` unless `key` already has one, and returns the stored
    /// value: the first writer wins, whichever node it runs on.
    async fn init_setting(&self, key: &str, value: &str) -> StoreResult<String>;
    /// Returns what an imported item became here (`source` like `wordpress`, `kind` like `post`).
    async fn get_import_id(&self, source: &str, kind: &str, external: &str) -> StoreResult<Option<String>>;
    /// Records what an imported item became here.
    async fn put_import_id(&self, source: &str, kind: &str, external: &str, local: &str) -> StoreResult<()>;
    /// Keeps a submitted form (for an editor whose login expired) until `expires`.
    async fn put_stash(&self, key: &str, data: &str, expires: DateTime<Utc>) -> StoreResult<()>;
    /// Takes a kept form out of the stash, once.
    async fn take_stash(&self, key: &str, now: DateTime<Utc>) -> StoreResult<Option<String>>;
    /// Answers when the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Tells the site's other processes that content changed (after the commit).
    async fn announce_change(&self) -> StoreResult<()>;
    /// Opens a feed of changes other processes made to the database.
    async fn change_feed(&self) -> StoreResult<Box<dyn ChangeFeed>>;
    /// Brings the schema up to date (run at start, before serving).
    async fn migrate(&self) -> StoreResult<()>;
}

/// A comment about to be stored.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub article_id: ArticleId,
    pub parent_id: Option<CommentId>,
    pub author_name: String,
    pub author_email: String,
    pub author_url: Option<String>,
    pub body: String,
    pub status: CommentStatus,
    pub visitor: Option<String>,
    pub ip: String,
    pub spam_score: Option<f64>,
    pub notify: bool,
    pub staff: bool,
}

/// One comment to store, with the mails it causes and the time it was posted.
#[derive(Debug, Clone)]
pub struct CommentWrite {
    pub comment: NewComment,
    pub mails: Vec<NewMail>,
    pub at: DateTime<Utc>,
}

/// A reader's comment as the batching writer stores it: the rate-limit keys it
/// counts against (each allows `burst` within `window`), then the comment.
#[derive(Debug, Clone)]
pub struct CommentPost {
    pub limits: Vec<String>,
    pub window: chrono::Duration,
    pub burst: u32,
    pub write: CommentWrite,
}

/// What became of a [`CommentPost`].
#[derive(Debug, Clone)]
pub enum PostOutcome {
    Stored(Box<Comment>),
    /// A key was over its limit: nothing was stored; try again after this long.
    Limited(chrono::Duration),
}

/// A message for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// A queued message with its id.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attempts: u32,
}

/// Selects comments for the moderation queue.
#[derive(Debug, Clone, Default)]
pub struct CommentQuery {
    pub status: Option<CommentStatus>,
    pub article_id: Option<ArticleId>,
    pub limit: u32,
    pub offset: u32,
}

/// Stores comments, what moderation learns, rate-limit events and the mail outbox.
#[async_trait]
pub trait CommentStore: Send + Sync {
    /// Stores a comment and the mails it causes in one transaction.
    async fn create_comment(&self, c: &NewComment, mails: &[NewMail], now: DateTime<Utc>) -> StoreResult<Comment> {
        let write = CommentWrite { comment: c.clone(), mails: mails.to_vec(), at: now };
        self.create_comments(std::slice::from_ref(&write)).await?.pop().ok_or(StoreError::NotFound)
    }
    /// Stores several comments (each with its mails) in one transaction: one
    /// commit for the lot, which is how comment posting batches its writes.
    async fn create_comments(&self, batch: &[CommentWrite]) -> StoreResult<Vec<Comment>>;
    /// Fetches one comment.
    async fn get_comment(&self, id: CommentId) -> StoreResult<Option<Comment>>;
    /// Lists an article's comments with the given statuses, oldest first.
    async fn list_article_comments(&self, article: ArticleId, statuses: &[CommentStatus]) -> StoreResult<Vec<Comment>>;
    /// Whether this email already posted this very text on the article (any status).
    async fn is_duplicate_comment(&self, article: ArticleId, email: &str, body: &str) -> StoreResult<bool>;
    /// Lists the pending comments one browser posted on an article.
    async fn list_visitor_pending(&self, article: ArticleId, visitor: &str) -> StoreResult<Vec<Comment>>;
    /// Lists comments for moderators, newest first.
    async fn list_comments(&self, q: &CommentQuery) -> StoreResult<Page<Comment>>;
    /// Counts comments per status.
    async fn count_comments_by_status(&self) -> StoreResult<Vec<(CommentStatus, u64)>>;
    /// Counts approved comments of each of these articles.
    async fn count_approved(&self, articles: &[ArticleId]) -> StoreResult<std::collections::HashMap<ArticleId, u64>>;
    /// Changes a comment's status, queueing `mails` in the same transaction; tells whether
    /// this call changed it (so two moderators acting at once cause one set of side effects).
    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
        mails: &[NewMail],
        now: DateTime<Utc>,
    ) -> StoreResult<(Comment, bool)>;
    /// Replaces a comment's text.
    async fn update_comment_body(&self, id: CommentId, body: &str, now: DateTime<Utc>) -> StoreResult<Comment>;
    /// Deletes every comment written with this email; returns how many.
    async fn delete_comments_by_email(&self, email: &str) -> StoreResult<u64>;
    /// Remembers that this browser proved to be the commenter with this email.
    async fn trust_browser(&self, visitor: &str, email: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Tells whether this browser proved to be the commenter with this email.
    async fn is_trusted_browser(&self, visitor: &str, email: &str) -> StoreResult<bool>;
    /// Reads the spam model's counts for these tokens and its totals.
    async fn spam_counts(
        &self,
        tokens: &[String],
    ) -> StoreResult<(std::collections::HashMap<String, TokenCount>, Totals)>;
    /// Trains the model with a comment's tokens as spam or ham (undoing an earlier opposite label).
    async fn train_spam(&self, comment: CommentId, tokens: &[String], spam: Option<bool>) -> StoreResult<()>;
    /// Records an event under `key` and tells how long to wait when more than `max` happened within `window`.
    async fn hit_rate(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window: chrono::Duration,
        max: u32,
    ) -> StoreResult<Option<chrono::Duration>>;
    /// Counts each post against its rate limits and stores the ones within
    /// them, all in one transaction: the group commit behind comment posting.
    async fn post_comments(&self, posts: &[CommentPost]) -> StoreResult<Vec<PostOutcome>>;
    /// Queues mails.
    async fn enqueue_mails(&self, mails: &[NewMail], now: DateTime<Utc>) -> StoreResult<()>;
    /// Takes up to `limit` due mails (they are not due again for a while).
    async fn claim_mails(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<QueuedMail>>;
    /// Marks a mail sent, or failed with a retry time.
    async fn finish_mail(
        &self,
        id: i64,
        result: Result<(), (String, DateTime<Utc>)>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Records that an email confirmed it wants reply notifications.
    async fn confirm_notify(&self, email: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Tells whether an email confirmed notifications and has not unsubscribed.
    async fn notify_allowed(&self, email: &str) -> StoreResult<bool>;
    /// Stops all mail to an email.
    async fn unsubscribe(&self, email: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Tells whether an email asked for no more mail.
    async fn is_unsubscribed(&self, email: &str) -> StoreResult<bool>;
}

pub use intel::{
    ArticleIntel, EntityDecision, EntityInfo, EntityLink, EntityQuote, FoundEntity, FoundEvent, FoundQuote, RoleUse,
    TimelineEvent,
};

/// Stores story intelligence: entities, what each article names, its dated
/// events and quotes, and the editors' decisions, which re-extraction keeps.
#[async_trait]
pub trait EntityStore: Send + Sync {
    /// Replaces what extraction found in an article, in one transaction:
    /// names map through aliases (merges, corrections) to entities, new ones
    /// are created, editors' accepted and rejected links are kept.
    async fn save_intel(&self, article: ArticleId, found: &ArticleIntel, now: DateTime<Utc>) -> StoreResult<()>;
    /// Lists the ids of articles (not pages) the extractor has not read yet, oldest first.
    async fn list_unenriched(&self, limit: u32) -> StoreResult<Vec<ArticleId>>;
    /// Fetches an entity by its page's slug.
    async fn get_entity_by_slug(&self, slug: &str) -> StoreResult<Option<EntityInfo>>;
    /// Fetches an entity by id.
    async fn get_entity(&self, id: i64) -> StoreResult<Option<EntityInfo>>;
    /// Lists the entities an article names (rejected ones too, for editors), in order of appearance.
    async fn list_article_entities(&self, article: ArticleId) -> StoreResult<Vec<EntityLink>>;
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
    async fn set_entity_decision(&self, article: ArticleId, entity: i64, d: EntityDecision) -> StoreResult<()>;
    /// Renames an entity or changes its kind; its old name keeps mapping to it. A taken slug is a `Conflict`.
    async fn update_entity(
        &self,
        id: i64,
        name: &str,
        kind: crate::intel::Kind,
        now: DateTime<Utc>,
    ) -> StoreResult<EntityInfo>;
    /// Rejects (or restores) an entity everywhere.
    async fn set_entity_rejected(&self, id: i64, rejected: bool, now: DateTime<Utc>) -> StoreResult<()>;
    /// Merges `from` into `into`: its spellings, articles and quotes move over, then it is deleted.
    async fn merge_entities(&self, from: i64, into: i64, now: DateTime<Utc>) -> StoreResult<()>;
}

/// Changes made by the site's other processes: the other nodes on PostgreSQL,
/// a command such as `dateline import` beside the server on SQLite.
#[async_trait]
pub trait ChangeFeed: Send {
    /// Waits until another process may have changed content. A feed that lost
    /// its connection reports a change too, since it may have missed one.
    async fn changed(&mut self) -> StoreResult<()>;
}

/// The whole store, as handlers hold it.
pub trait Store: ArticleStore + SearchStore + UserStore + SiteStore + CommentStore + EntityStore {}
impl<T: ArticleStore + SearchStore + UserStore + SiteStore + CommentStore + EntityStore> Store for T {}

/// Tells whether a database URL names PostgreSQL.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens the store named by a database URL (`postgres://…`, `sqlite://path`
/// or a file path) without migrating.
pub async fn open(url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    open_with(url, &postgres::PoolConfig::default()).await
}

/// Opens the store named by a database URL with PostgreSQL pool settings.
pub async fn open_with(url: &str, pool: &postgres::PoolConfig) -> StoreResult<std::sync::Arc<dyn Store>> {
    if is_postgres(url) {
        return Ok(std::sync::Arc::new(postgres::PostgresStore::open(url, pool).await?));
    }
    Ok(std::sync::Arc::new(sqlite::SqliteStore::open(url).await?))
}
