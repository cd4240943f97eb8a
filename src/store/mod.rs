//! Persistence behind one trait object, so SQLite (the default) and PostgreSQL
//! serve the same callers.
//!
//! One trait per noun, each in its own file beside the types that cross it;
//! [`Store`] bundles them. Only `domain` types cross these traits; rows stay
//! inside each backend. Every multi-statement write is one transaction,
//! committed before returning, and a write that changes what readers see
//! commits its [`Effects`] (change notice, queued jobs) in that transaction.
//! The SQL itself lives once, in `store/sql/`, and is compiled into both
//! backends; each backend module names its side of the dialect (how a time is
//! bound, how a writer locks a key, `LIKE` or `ILIKE`, how a change is announced).

mod article;
mod change;
mod comment;
pub mod copy;
mod inspect;
mod intel;
mod live;
pub mod postgres;
mod queue;
mod search;
mod site;
pub mod sqlite;
mod user;

pub use article::{ArticleQuery, ArticleStore, ArticleWrite, Revision, TermKind};
pub use change::{ChangeFeed, ChangeLog, ChangeStore, LoggedChange, Purge, PURGE};
pub use comment::{
    CommentPost, CommentQuery, CommentStore, CommentWrite, MailPrefStore, NewComment, PostOutcome, RateStore, SpamStore,
};
pub use inspect::{inspect, DbFacts};
pub use intel::{
    ArticleIntel, EntityDecision, EntityInfo, EntityLink, EntityQuote, EntityStore, FoundEntity, FoundEvent,
    FoundQuote, RoleUse, TimelineEvent,
};
pub use live::{LiveStore, Logged, NewEntry};
pub use queue::{Effects, Job, NewJob, NewMail, QueueCounts, QueueStore, MAIL};
pub use search::{SearchHit, SearchRequest, SearchStore, COUNT_CAP};
pub use site::{ImportRecord, ImportStore, MediaStore, NewMedia, SettingStore, StashStore, SystemStore};
pub use user::{Session, TokenInfo, UserStore};

use crate::config::PoolConfig;

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

/// Refuses a database whose schema is newer than this binary knows: an
/// older node started against it (a rollback, or a rolling upgrade taken
/// out of order) would otherwise fail on the first unknown migration with
/// sqlx's words, or worse, run against columns it does not know.
/// The newest migration a database holds (version and name).
pub(crate) const NEWEST_MIGRATION: &str =
    "SELECT version, description FROM _sqlx_migrations WHERE success ORDER BY version DESC LIMIT 1";

/// The newest migration `migrator` knows.
pub(crate) fn newest_known(migrator: &sqlx::migrate::Migrator) -> i64 {
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

pub(crate) fn check_schema(applied: Option<(i64, String)>, migrator: &sqlx::migrate::Migrator) -> StoreResult<()> {
    let known = newest_known(migrator);
    match applied {
        Some((version, name)) if version > known => Err(StoreError::Migrate(format!(
            "the database's schema is at version {version} ({name}), newer than this Dateline knows \
             (version {known}); run the release that upgraded it (or a newer one), or restore a backup \
             taken before the upgrade"
        ))),
        _ => Ok(()),
    }
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

/// One page of a list and how many there are in all.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// The whole store, as the application holds it.
pub trait Store:
    ArticleStore
    + SearchStore
    + UserStore
    + MediaStore
    + SettingStore
    + ImportStore
    + StashStore
    + SystemStore
    + ChangeStore
    + QueueStore
    + CommentStore
    + SpamStore
    + RateStore
    + MailPrefStore
    + EntityStore
    + LiveStore
{
}
impl<T> Store for T where
    T: ArticleStore
        + SearchStore
        + UserStore
        + MediaStore
        + SettingStore
        + ImportStore
        + StashStore
        + SystemStore
        + ChangeStore
        + QueueStore
        + CommentStore
        + SpamStore
        + RateStore
        + MailPrefStore
        + EntityStore
        + LiveStore
{
}

/// Tells whether a database URL names PostgreSQL.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens the store named by a database URL (`postgres://…`, `sqlite://path`
/// or a file path) without migrating.
pub async fn open(url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    open_with(url, &PoolConfig::default()).await
}

/// Opens the store named by a database URL with PostgreSQL pool settings.
pub async fn open_with(url: &str, pool: &PoolConfig) -> StoreResult<std::sync::Arc<dyn Store>> {
    if is_postgres(url) {
        return Ok(std::sync::Arc::new(postgres::PostgresStore::open(url, pool).await?));
    }
    Ok(std::sync::Arc::new(sqlite::SqliteStore::open(url).await?))
}
