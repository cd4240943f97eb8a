//! Moving a whole site from SQLite into an empty PostgreSQL database
//! (`dateline migrate-db`).
//!
//! Every table is copied row by row inside one PostgreSQL transaction, from
//! one SQLite read transaction (a consistent snapshot, so the site may keep
//! serving while it is copied). Each value is converted to the type the
//! PostgreSQL column declares, read from its catalogue, so the copy follows
//! the schema rather than a list kept by hand. Identity sequences are moved
//! past the copied ids, and the row counts are compared at the end.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row};

use super::postgres::PostgresStore;
use super::sqlite::SqliteStore;
use super::{sqlx_error, StoreError, StoreResult};
use crate::domain::search::SearchDoc;

/// The tables of a site, parents before children.
pub const TABLES: &[&str] = &[
    "users",
    "sessions",
    "api_tokens",
    "media",
    "sections",
    "tags",
    "authors",
    "articles",
    "article_tags",
    "article_authors",
    "corrections",
    "revisions",
    "redirects",
    "settings",
    "form_stash",
    "comments",
    "trusted_browsers",
    "commenter_emails",
    "spam_tokens",
    "search_words",
    "spam_training",
    "rate_events",
    "import_ids",
    "live_entries",
    "outbox",
    "jobs",
    "changes",
    "entities",
    "entity_aliases",
    "article_entities",
    "article_events",
    "article_quotes",
    "article_intel",
];

/// How many rows one `INSERT` carries.
const BATCH: usize = 500;

/// Rows copied per table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub table: &'static str,
    pub rows: u64,
}

/// What the caller is told as the copy goes.
pub trait Progress {
    /// A table of `rows` rows starts.
    fn table(&self, table: &str, rows: u64);
    /// `n` more rows of it are copied.
    fn rows(&self, n: u64);
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Int,
    Text,
    Time,
    Bool,
    Real,
}

enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Time(Option<DateTime<Utc>>),
    Bool(Option<bool>),
    Real(Option<f64>),
}

fn bad(what: String) -> StoreError {
    StoreError::Backend(what.into())
}

async fn columns(pg: &sqlx::PgPool, table: &str) -> StoreResult<Vec<(String, Kind)>> {
    let rows = sqlx::query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(pg)
    .await
    .map_err(sqlx_error)?;
    rows.iter()
        .map(|r| {
            let (name, ty): (String, String) = (r.get(0), r.get(1));
            let kind = match ty.as_str() {
                "bigint" | "integer" => Kind::Int,
                "text" => Kind::Text,
                "timestamp with time zone" => Kind::Time,
                "boolean" => Kind::Bool,
                "double precision" | "real" => Kind::Real,
                other => return Err(bad(format!("{table}.{name} has a type the copy does not know: {other}"))),
            };
            Ok((name, kind))
        })
        .collect()
}

fn read(row: &sqlx::sqlite::SqliteRow, i: usize, kind: Kind) -> StoreResult<Value> {
    let err = |e: sqlx::Error| bad(format!("column {i}: {e}"));
    Ok(match kind {
        Kind::Int => Value::Int(row.try_get(i).map_err(err)?),
        Kind::Text => Value::Text(row.try_get(i).map_err(err)?),
        Kind::Bool => Value::Bool(row.try_get::<Option<i64>, _>(i).map_err(err)?.map(|v| v != 0)),
        Kind::Real => Value::Real(row.try_get(i).map_err(err)?),
        Kind::Time => {
            Value::Time(row.try_get::<Option<String>, _>(i).map_err(err)?.map(super::sqlite::from_ts).transpose()?)
        }
    })
}

/// Counts the rows of every site table in PostgreSQL.
async fn pg_counts(pg: &sqlx::PgPool) -> StoreResult<Vec<u64>> {
    let mut out = Vec::new();
    for t in TABLES {
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {t}")).fetch_one(pg).await.map_err(sqlx_error)?;
        out.push(n as u64);
    }
    Ok(out)
}

/// Copies every table of `from` into `to`, which must be migrated and empty.
pub async fn sqlite_to_postgres(
    from: &SqliteStore,
    to: &PostgresStore,
    progress: &dyn Progress,
) -> StoreResult<Vec<Copied>> {
    let pg = to.pool();
    if let Some((t, n)) = TABLES.iter().zip(pg_counts(pg).await?).find(|(_, n)| *n > 0) {
        return Err(StoreError::Conflict(format!(
            "the PostgreSQL database is not empty ({t} has {n} rows); copy into a new, empty database"
        )));
    }
    let mut src = from.read_pool().begin().await.map_err(sqlx_error)?;
    let mut dst = pg.begin().await.map_err(sqlx_error)?;
    let mut copied = Vec::new();
    for &table in TABLES {
        let cols = columns(pg, table).await?;
        let names = cols.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *src)
            .await
            .map_err(sqlx_error)?;
        progress.table(table, total as u64);
        // A batch at a time, in rowid order, so memory stays bounded on a big site.
        let page = format!("SELECT {names}, rowid FROM {table} WHERE rowid > $1 ORDER BY rowid LIMIT {BATCH}");
        let (mut after, mut count) = (i64::MIN, 0u64);
        loop {
            let chunk = sqlx::query(&page).bind(after).fetch_all(&mut *src).await.map_err(sqlx_error)?;
            let Some(last) = chunk.last() else { break };
            after = last.get(cols.len());
            let mut values = Vec::with_capacity(chunk.len());
            for row in &chunk {
                let v = cols.iter().enumerate().map(|(i, (_, k))| read(row, i, *k)).collect::<StoreResult<Vec<_>>>();
                values.push(v.map_err(|e| bad(format!("{table}: {e}")))?);
            }
            let mut qb: QueryBuilder<'_, sqlx::Postgres> = QueryBuilder::new(format!("INSERT INTO {table} ({names}) "));
            qb.push_values(values, |mut b, row| {
                for v in row {
                    match v {
                        Value::Int(x) => b.push_bind(x),
                        Value::Text(x) => b.push_bind(x),
                        Value::Time(x) => b.push_bind(x),
                        Value::Bool(x) => b.push_bind(x),
                        Value::Real(x) => b.push_bind(x),
                    };
                }
            });
            qb.build().execute(&mut *dst).await.map_err(|e| bad(format!("{table}: {}", sqlx_error(e))))?;
            progress.rows(chunk.len() as u64);
            count += chunk.len() as u64;
        }
        if cols.iter().any(|(n, _)| n == "id") {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            ))
            .execute(&mut *dst)
            .await
            .map_err(sqlx_error)?;
        }
        copied.push(Copied { table, rows: count });
    }
    // The search index is each engine's own: PostgreSQL's is built from the
    // plain text SQLite's index holds (the same text a save would index).
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM articles ORDER BY id").fetch_all(&mut *src).await.map_err(sqlx_error)?;
    progress.table("article_search", ids.len() as u64);
    for chunk in ids.chunks(BATCH) {
        for id in chunk {
            let row = sqlx::query("SELECT headline, summary, caption, body FROM article_search WHERE rowid = $1")
                .bind(id)
                .fetch_optional(&mut *src)
                .await
                .map_err(sqlx_error)?;
            let Some(r) = row else { continue };
            let doc = SearchDoc { headline: r.get(0), summary: r.get(1), caption: r.get(2), body: r.get(3) };
            super::postgres::search::index(&mut dst, crate::domain::ArticleId(*id), &doc).await?;
        }
        progress.rows(chunk.len() as u64);
    }
    dst.commit().await.map_err(sqlx_error)?;
    src.rollback().await.map_err(sqlx_error)?;
    // Fresh statistics, so the planner knows the new tables' sizes from the first query.
    sqlx::query("ANALYZE").execute(pg).await.map_err(sqlx_error)?;
    // Count again from the committed database, not from what was sent.
    for (c, n) in copied.iter().zip(pg_counts(pg).await?) {
        if c.rows != n {
            return Err(bad(format!("{} has {} rows in SQLite but {n} in PostgreSQL", c.table, c.rows)));
        }
    }
    Ok(copied)
}
