//! The embedded SQLite backend: one file in WAL mode in the data folder.
//!
//! Writes go through a pool of exactly one connection, so transactions never
//! race for SQLite's single write lock (no SQLITE_BUSY on upgrade); reads use a
//! separate pool and run beside the writer thanks to WAL.

mod article;
mod comment;
mod site;
mod user;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use super::{StoreError, StoreResult};

/// The SQLite store.
pub struct SqliteStore {
    write: SqlitePool,
    read: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://path`, `sqlite:path` or a plain path).
    pub async fn open(url: &str) -> StoreResult<SqliteStore> {
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
            .map_err(backend)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory");
        // WAL with synchronous=NORMAL survives a process kill (kill -9) with
        // every committed transaction; FULL is only needed against power loss.
        let write = SqlitePoolOptions::new().max_connections(1).connect_with(opts.clone()).await.map_err(open_error)?;
        let read =
            SqlitePoolOptions::new().max_connections(4).connect_with(opts.read_only(true)).await.map_err(open_error)?;
        Ok(SqliteStore { write, read })
    }
}

fn open_error(e: sqlx::Error) -> StoreError {
    StoreError::Backend(format!("cannot open the SQLite database: {e}").into())
}

/// Maps a sqlx error, turning unique violations into `Conflict`.
pub(crate) fn backend(e: impl Into<sqlx::Error>) -> StoreError {
    let e = e.into();
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            return StoreError::Conflict(d.message().to_owned());
        }
    }
    if matches!(e, sqlx::Error::RowNotFound) {
        return StoreError::NotFound;
    }
    StoreError::Backend(Box::new(e))
}

/// Formats a time the way every table stores it, so text order is time order.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Parses a stored time.
pub(crate) fn parse_ts(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| StoreError::Backend(format!("bad stored time {s:?}: {e}").into()))
}

pub(crate) fn parse_ts_opt(s: Option<&str>) -> StoreResult<Option<DateTime<Utc>>> {
    s.map(parse_ts).transpose()
}

#[async_trait::async_trait]
impl super::SiteStore for SqliteStore {
    async fn create_media(&self, m: &super::NewMedia, now: DateTime<Utc>) -> StoreResult<crate::domain::Media> {
        site::create_media(&self.write, m, now).await
    }
    async fn get_media(&self, id: crate::domain::MediaId) -> StoreResult<Option<crate::domain::Media>> {
        site::get_media(&self.read, id).await
    }
    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.read)
            .await
            .map_err(backend)
    }
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.write)
        .await
        .map_err(backend)?;
        Ok(())
    }
    async fn delete_setting(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM settings WHERE key = $1").bind(key).execute(&self.write).await.map_err(backend)?;
        Ok(())
    }
    async fn put_stash(&self, key: &str, data: &str, expires: DateTime<Utc>) -> StoreResult<()> {
        site::put_stash(&self.write, key, data, expires).await
    }
    async fn take_stash(&self, key: &str, now: DateTime<Utc>) -> StoreResult<Option<String>> {
        site::take_stash(&self.write, key, now).await
    }
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.read).await.map_err(backend)?;
        Ok(())
    }
    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/sqlite").run(&self.write).await.map_err(|e| StoreError::Migrate(e.to_string()))
    }
}
