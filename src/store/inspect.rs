//! What `dateline doctor` asks of a database: its server's version, the
//! schema it holds against the one this binary knows, its integrity and
//! write-ahead log on SQLite, and the database server's clock on PostgreSQL.
//! Each question is answered on a connection of its own, opened read-only
//! where it can be, so a check never changes what it looks at.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::{is_postgres, sqlx_error as backend, StoreResult};

/// What a database told about itself.
#[derive(Debug, Clone)]
pub struct DbFacts {
    /// `SQLite 3.45.1` or `PostgreSQL 15.8`.
    pub server: String,
    /// The newest migration applied (version, name); `None` before the first start.
    pub schema: Option<(i64, String)>,
    /// The newest migration this binary knows.
    pub known: i64,
    /// SQLite's `quick_check` verdict (`ok` when sound); PostgreSQL: `None`.
    pub integrity: Option<String>,
    /// The SQLite file, and the size of its write-ahead log in bytes.
    pub file: Option<PathBuf>,
    pub wal_bytes: Option<u64>,
    /// The database server's clock (PostgreSQL).
    pub clock: Option<DateTime<Utc>>,
}

/// Connects to the database named by `url` and reads its facts, giving up after `timeout`.
pub async fn inspect(url: &str, timeout: Duration) -> StoreResult<DbFacts> {
    match tokio::time::timeout(timeout, read_facts(url)).await {
        Ok(r) => r,
        Err(_) => Err(super::StoreError::Unavailable(format!("no answer within {} s", timeout.as_secs()))),
    }
}

async fn read_facts(url: &str) -> StoreResult<DbFacts> {
    if is_postgres(url) {
        let mut conn = sqlx::PgConnection::connect(url).await.map_err(backend)?;
        let version: String = sqlx::query_scalar("SHOW server_version").fetch_one(&mut conn).await.map_err(backend)?;
        let schema = sqlx::query_as(super::NEWEST_MIGRATION).fetch_optional(&mut conn).await.unwrap_or(None);
        let clock: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(&mut conn).await.map_err(backend)?;
        conn.close().await.ok();
        return Ok(DbFacts {
            server: format!("PostgreSQL {version}"),
            schema,
            known: super::newest_known(&sqlx::migrate!("./migrations/postgres")),
            integrity: None,
            file: None,
            wal_bytes: None,
            clock: Some(clock),
        });
    }
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:").to_owned();
    let file = PathBuf::from(&path);
    if !file.exists() {
        return Err(super::StoreError::NotFound);
    }
    let opts = SqliteConnectOptions::from_str(&format!("sqlite://{path}")).map_err(backend)?.read_only(true);
    let mut conn = opts.connect().await.map_err(backend)?;
    let version: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(&mut conn).await.map_err(backend)?;
    let schema = sqlx::query_as(super::NEWEST_MIGRATION).fetch_optional(&mut conn).await.unwrap_or(None);
    let integrity: String = sqlx::query_scalar("PRAGMA quick_check").fetch_one(&mut conn).await.map_err(backend)?;
    conn.close().await.ok();
    let wal = PathBuf::from(format!("{path}-wal"));
    Ok(DbFacts {
        server: format!("SQLite {version}"),
        schema,
        known: super::newest_known(&sqlx::migrate!("./migrations/sqlite")),
        integrity: Some(integrity),
        wal_bytes: Some(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0)),
        file: Some(file),
        clock: None,
    })
}
