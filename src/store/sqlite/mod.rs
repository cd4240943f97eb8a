//! The embedded SQLite backend: one file in WAL mode in the data folder.
//!
//! Writes go through a pool of exactly one connection, so transactions never
//! race for SQLite's single write lock (no SQLITE_BUSY on upgrade); reads use a
//! separate pool and run beside the writer thanks to WAL.
//!
//! The queries live in `store/sql/`, shared with PostgreSQL; this module names
//! the SQLite side of the dialect. Times are stored as fixed-width UTC text, so
//! text order is time order.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub(crate) use super::sqlx_error as backend;
use super::{StoreError, StoreResult};

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

pub(crate) type Db = sqlx::Sqlite;
pub(crate) type DbRow = sqlx::sqlite::SqliteRow;
pub(crate) type Conn = sqlx::SqliteConnection;
pub(crate) type Pool = sqlx::SqlitePool;
pub(crate) type This = SqliteStore;
/// How a time is bound and read: fixed-width UTC text.
pub(crate) type Ts = String;
/// SQLite's `LIKE` already ignores ASCII case.
pub(crate) const LIKE: &str = "LIKE";
/// One writer at a time: nothing to skip.
pub(crate) const SKIP_LOCKED: &str = "";
/// One writer at a time: a row read in a write transaction cannot change under it.
pub(crate) const FOR_UPDATE: &str = "";

/// Other processes notice a commit by themselves (`PRAGMA data_version`).
pub(crate) async fn notify_change(_conn: &mut Conn, _id: i64) -> StoreResult<()> {
    Ok(())
}

/// Serialises writers on `key`; SQLite's single writer already does.
pub(crate) async fn lock_key(_conn: &mut Conn, _key: &str) -> StoreResult<()> {
    Ok(())
}

/// The SQLite store.
pub struct SqliteStore {
    write: Pool,
    read: Pool,
    path: PathBuf,
    /// Names this process in the change log, and the edges it purges.
    log: super::ChangeLog,
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
        // The writer keeps SQLite's default 2 MB of pages: it touches the
        // pages it changes, and the operating system's file cache holds the rest.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone().pragma("cache_size", "-2000"))
            .await
            .map_err(open_error)?;
        // Reading the schema finds a damaged file now, with advice, rather
        // than on some reader's request later.
        sqlx::query("SELECT COUNT(*) FROM sqlite_master").fetch_one(&write).await.map_err(open_error)?;
        // Each reader keeps up to 6 MB of pages: a search reads a word's whole
        // doclist and every match's size. Four readers and the writer then
        // stay within 26 MB (docs/PERFORMANCE.md weighs 6 and 8 against 32).
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.read_only(true).pragma("cache_size", "-6000"))
            .await
            .map_err(open_error)?;
        Ok(SqliteStore {
            write,
            read,
            path: PathBuf::from(path),
            log: super::ChangeLog::new(crate::secret::random_token()[..12].to_owned()),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The read-only pool (for copying a whole site out without holding up writes).
    pub fn read_pool(&self) -> &Pool {
        &self.read
    }

    /// Writes a consistent copy of the live database to `dest` (`VACUUM INTO`,
    /// which reads one snapshot), while readers and the writer carry on.
    pub async fn backup_to(&self, dest: &Path) -> StoreResult<()> {
        if dest.exists() {
            return Err(StoreError::Conflict(format!("{} already exists; name a new file", dest.display())));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(dest.to_string_lossy().into_owned())
            .execute(&self.read)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// [`backup_to`](Self::backup_to), then checks the copy.
    async fn copy_database(&self, dest: &Path) -> StoreResult<bool> {
        self.backup_to(dest).await?;
        let copy = SqliteStore::open(&dest.to_string_lossy()).await?;
        let checked = copy.check().await;
        copy.close().await;
        checked.map(|()| true)
    }

    /// Checks a database file: SQLite's own integrity check, and that it holds a Dateline site.
    pub async fn check(&self) -> StoreResult<()> {
        let verdict: String =
            sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&self.read).await.map_err(backend)?;
        if verdict != "ok" {
            return Err(StoreError::Backend(format!("the database is damaged: {verdict}").into()));
        }
        let ours: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'articles')",
        )
        .fetch_one(&self.read)
        .await
        .map_err(backend)?;
        if ours != 2 {
            return Err(StoreError::Backend("this file is not a Dateline database".into()));
        }
        Ok(())
    }

    /// Closes both pools (the file may then be moved or removed).
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    /// Replaces the rows of every table with those of the backup at `src`, in
    /// one transaction: readers see the old site or the restored one, never a
    /// mix, and a running server carries on (its caches follow through
    /// `data_version`). A backup from an older version is first brought to
    /// this version's schema, on a copy. Returns the rows restored per table.
    pub async fn restore_from(&self, src: &Path) -> StoreResult<Vec<(String, u64)>> {
        if !src.is_file() {
            return Err(StoreError::NotFound);
        }
        let staged = self.path.with_extension(format!("restore-{}.db", std::process::id()));
        std::fs::copy(src, &staged).map_err(|e| StoreError::Backend(Box::new(e)))?;
        let result = self.restore_staged(&staged).await;
        for suffix in ["", "-wal", "-shm"] {
            let mut p = staged.clone().into_os_string();
            p.push(suffix);
            std::fs::remove_file(p).ok();
        }
        result
    }

    async fn restore_staged(&self, staged: &Path) -> StoreResult<Vec<(String, u64)>> {
        let backup = SqliteStore::open(&staged.to_string_lossy()).await?;
        let checked = match backup.check().await {
            Ok(()) => backup.run_migrations().await,
            Err(e) => Err(e),
        };
        backup.close().await;
        checked?;
        let mut conn = self.write.acquire().await.map_err(backend)?;
        sqlx::query("ATTACH DATABASE $1 AS backup")
            .bind(staged.to_string_lossy().into_owned())
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        let copied = copy_attached(&mut conn).await;
        if copied.is_err() {
            sqlx::query("ROLLBACK").execute(&mut *conn).await.ok();
        }
        sqlx::query("DETACH DATABASE backup").execute(&mut *conn).await.map_err(backend)?;
        copied
    }

    /// Watches `PRAGMA data_version` on the write connection: it changes
    /// when a connection other than that one commits, which is another
    /// process (an import, a restore, a second server), never this process's
    /// own writes, whose changes this process knows already.
    async fn feed(&self) -> StoreResult<Box<dyn super::ChangeFeed>> {
        let version = data_version(&mut *self.write.acquire().await.map_err(backend)?).await?;
        Ok(Box::new(SqliteFeed { pool: self.write.clone(), version }))
    }

    async fn run_migrations(&self) -> StoreResult<()> {
        site::migrate_with(&self.write, sqlx::migrate!("./migrations/sqlite")).await
    }
}

/// Copies every table of the attached `backup` over `main`, in one transaction.
async fn copy_attached(conn: &mut Conn) -> StoreResult<Vec<(String, u64)>> {
    let mut tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM main.sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(backend)?;
    // A virtual table (the search index) is copied through itself, never
    // through the shadow tables that hold its data.
    let virtual_tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(backend)?;
    tables.retain(|t| !virtual_tables.iter().any(|v| t.starts_with(&format!("{v}_"))));
    // Parents before children.
    tables.sort_by_key(|t| super::copy::TABLES.iter().position(|k| k == t).unwrap_or(usize::MAX));
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await.map_err(backend)?;
    // Empty every table before filling any: a delete's ON DELETE CASCADE
    // would otherwise empty a table already filled.
    for t in &tables {
        sqlx::query(&format!("DELETE FROM main.\"{t}\"")).execute(&mut *conn).await.map_err(backend)?;
    }
    let mut restored = Vec::new();
    for t in tables {
        let sql = if virtual_tables.contains(&t) {
            // `SELECT *` leaves out a virtual table's rowid, which is the article's id.
            let cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                .bind(&t)
                .fetch_all(&mut *conn)
                .await
                .map_err(backend)?;
            let cols = cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
            format!("INSERT INTO main.\"{t}\" (rowid, {cols}) SELECT rowid, {cols} FROM backup.\"{t}\"")
        } else {
            format!("INSERT INTO main.\"{t}\" SELECT * FROM backup.\"{t}\"")
        };
        let done = sqlx::query(&sql).execute(&mut *conn).await.map_err(backend)?;
        restored.push((t, done.rows_affected()));
    }
    sqlx::query("COMMIT").execute(&mut *conn).await.map_err(backend)?;
    Ok(restored)
}

struct SqliteFeed {
    pool: Pool,
    version: i64,
}

async fn data_version(conn: &mut Conn) -> StoreResult<i64> {
    sqlx::query_scalar("PRAGMA data_version").fetch_one(&mut *conn).await.map_err(backend)
}

#[async_trait::async_trait]
impl super::ChangeFeed for SqliteFeed {
    async fn changed(&mut self) -> StoreResult<()> {
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let now = data_version(&mut *self.pool.acquire().await.map_err(backend)?).await?;
            if now != self.version {
                self.version = now;
                return Ok(());
            }
        }
    }
}

fn open_error(e: sqlx::Error) -> StoreError {
    let code = match &e {
        sqlx::Error::Database(d) => d.code().and_then(|c| c.parse::<i32>().ok()).map(|c| c & 0xff),
        _ => None,
    };
    let advice = match code {
        // SQLITE_CORRUPT, SQLITE_NOTADB
        Some(11 | 26) => {
            "the database file is damaged. Do not write to it: restore the latest backup with \
             `dateline restore BACKUP.db` (it keeps the damaged file aside), or take what can be \
             read with the sqlite3 shell's `.recover`"
        }
        // SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM
        Some(8 | 14 | 3) => {
            "the database cannot be opened for writing: the data folder must be writable by this \
             user, with room for the database and its -wal and -shm files"
        }
        _ => "",
    };
    if advice.is_empty() {
        StoreError::Backend(format!("cannot open the SQLite database: {e}").into())
    } else {
        StoreError::Backend(format!("cannot open the SQLite database ({e}): {advice}").into())
    }
}

/// Formats a time the way every table stores it, so text order is time order.
pub(crate) fn ts(t: DateTime<Utc>) -> Ts {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Reads a stored time.
pub(crate) fn from_ts(s: Ts) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(&s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| StoreError::Backend(format!("bad stored time {s:?}: {e}").into()))
}
