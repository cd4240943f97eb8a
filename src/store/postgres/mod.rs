//! The PostgreSQL backend, for newsrooms that run several web nodes on one
//! database.
//!
//! The queries live in `store/sql/`, shared with SQLite; this module names the
//! PostgreSQL side of the dialect: times are `timestamptz`, writers that must
//! not interleave take a transaction-scoped advisory lock, and the mail queue
//! is claimed with `SKIP LOCKED` so two nodes never send the same message.
//! The pool reconnects by itself: a connection that died while PostgreSQL
//! restarted is tested and replaced before it is handed out.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::RngCore;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};

pub(crate) use super::sqlx_error as backend;
use super::{StoreError, StoreResult};
use crate::config::PoolConfig;

mod article {
    include!("../sql/article.rs");
}
mod change {
    include!("../sql/change.rs");
}
mod comment {
    include!("../sql/comment.rs");
}
mod intel {
    include!("../sql/intel.rs");
}
mod live {
    include!("../sql/live.rs");
}
mod queue {
    include!("../sql/queue.rs");
}
mod site {
    include!("../sql/site.rs");
}
mod user {
    include!("../sql/user.rs");
}
pub(crate) mod search;

pub(crate) type Db = sqlx::Postgres;
pub(crate) type DbRow = sqlx::postgres::PgRow;
pub(crate) type Conn = sqlx::PgConnection;
pub(crate) type Pool = sqlx::PgPool;
pub(crate) type This = PostgresStore;
/// How a time is bound and read: `timestamptz`.
pub(crate) type Ts = DateTime<Utc>;
/// The staff headline filter ignores case, as SQLite's `LIKE` does.
pub(crate) const LIKE: &str = "ILIKE";
/// Rows another node is claiming are left to it.
pub(crate) const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";
/// A row read in a write transaction stays as read until the commit.
pub(crate) const FOR_UPDATE: &str = " FOR UPDATE";

/// Announces a logged change to every node; PostgreSQL delivers it at commit,
/// and not at all if the transaction rolls back.
pub(crate) async fn notify_change(conn: &mut Conn, id: i64) -> StoreResult<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    Ok(())
}

/// Serialises writers on `key` until the transaction ends, on every node.
pub(crate) async fn lock_key(conn: &mut Conn, key: &str) -> StoreResult<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(key)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    Ok(())
}

pub(crate) fn ts(t: DateTime<Utc>) -> Ts {
    t
}

pub(crate) fn from_ts(t: Ts) -> StoreResult<DateTime<Utc>> {
    Ok(t)
}

/// The `LISTEN`/`NOTIFY` channel on which nodes announce changes.
const CHANNEL: &str = "dateline_changes";

struct PgFeed {
    listener: PgListener,
}

#[async_trait::async_trait]
impl super::ChangeFeed for PgFeed {
    async fn changed(&mut self) -> StoreResult<()> {
        // Any notification, or `None` (the connection dropped and was remade,
        // so one may have been missed), sends the reader to the change log.
        self.listener.try_recv().await.map_err(backend)?;
        Ok(())
    }
}

/// The PostgreSQL store.
pub struct PostgresStore {
    // One pool serves both; the shared SQL names them apart for SQLite's sake.
    write: Pool,
    read: Pool,
    url: String,
    /// Names this process in the change log, and the edges it purges.
    log: super::ChangeLog,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host/db`).
    pub async fn open(url: &str, cfg: &PoolConfig) -> StoreResult<PostgresStore> {
        let opts = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(format!("bad PostgreSQL URL: {e}").into()))?
            .application_name("dateline")
            .options([("statement_timeout", cfg.statement_timeout_ms.to_string())]);
        let pool = PgPoolOptions::new()
            .max_connections(cfg.pool_size.max(1))
            .acquire_timeout(Duration::from_millis(cfg.connect_timeout_ms.max(100)))
            .test_before_acquire(true)
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot connect to PostgreSQL: {e}")))?;
        let mut id = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut id);
        Ok(PostgresStore {
            read: pool.clone(),
            write: pool,
            url: url.to_owned(),
            log: super::ChangeLog::new(hex::encode(id)),
        })
    }

    /// The pool, for the copy into a new database and for `LISTEN`.
    pub fn pool(&self) -> &Pool {
        &self.write
    }

    /// The URL this store was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    async fn feed(&self) -> StoreResult<Box<dyn super::ChangeFeed>> {
        let mut listener = PgListener::connect_with(&self.write).await.map_err(backend)?;
        listener.listen(CHANNEL).await.map_err(backend)?;
        Ok(Box::new(PgFeed { listener }))
    }

    /// PostgreSQL is copied by its own tools (`pg_dump`, docs/DEPLOY.md).
    async fn copy_database(&self, _dest: &std::path::Path) -> StoreResult<bool> {
        Ok(false)
    }

    async fn run_migrations(&self) -> StoreResult<()> {
        // sqlx holds an advisory lock while migrating, so nodes starting
        // together take turns.
        site::migrate_with(&self.write, sqlx::migrate!("./migrations/postgres")).await
    }
}
