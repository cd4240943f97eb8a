// Media facts, settings, import identities, form stashes and the database itself, in the SQL both backends
// share. Included by `store::sqlite` and `store::postgres`, which name the
// dialect's types and helpers (`Db`, `DbRow`, `Conn`, `Ts`, `ts`, `from_ts`, ...).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{backend, ts, Pool, This};
use crate::domain::{Media, MediaId};
use crate::store::{Effects, ImportRecord, NewMedia, StoreResult};

pub(super) fn widths_to_text(w: &[u32]) -> String {
    w.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

pub(super) fn widths_from_text(s: &str) -> Vec<u32> {
    s.split(',').filter_map(|p| p.trim().parse().ok()).collect()
}

async fn create_media(pool: &Pool, m: &NewMedia, now: DateTime<Utc>) -> StoreResult<Media> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO media (mime, width, height, widths, bytes, created_at, created_by, filename)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&m.mime)
    .bind(i64::from(m.width))
    .bind(i64::from(m.height))
    .bind(widths_to_text(&m.widths))
    .bind(m.bytes as i64)
    .bind(ts(now))
    .bind(m.created_by.map(|u| u.0))
    .bind(&m.filename)
    .fetch_one(pool)
    .await
    .map_err(backend)?;
    Ok(Media {
        id: MediaId(id),
        mime: m.mime.clone(),
        width: m.width,
        height: m.height,
        widths: m.widths.clone(),
        filename: m.filename.clone(),
    })
}

async fn get_media(pool: &Pool, id: MediaId) -> StoreResult<Option<Media>> {
    let row = sqlx::query("SELECT id, mime, width, height, widths, filename FROM media WHERE id = $1")
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    Ok(row.map(|r| Media {
        id: MediaId(r.get("id")),
        mime: r.get("mime"),
        width: r.get::<i64, _>("width") as u32,
        height: r.get::<i64, _>("height") as u32,
        widths: widths_from_text(r.get("widths")),
        filename: r.get("filename"),
    }))
}

async fn put_stash(pool: &Pool, key: &str, data: &str, expires: DateTime<Utc>) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(backend)?;
    sqlx::query("DELETE FROM form_stash WHERE expires_at < $1")
        .bind(ts(Utc::now()))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    sqlx::query("INSERT INTO form_stash (key, data, expires_at) VALUES ($1, $2, $3)")
        .bind(key)
        .bind(data)
        .bind(ts(expires))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    tx.commit().await.map_err(backend)
}

async fn take_stash(pool: &Pool, key: &str, now: DateTime<Utc>) -> StoreResult<Option<String>> {
    sqlx::query_scalar("DELETE FROM form_stash WHERE key = $1 AND expires_at >= $2 RETURNING data")
        .bind(key)
        .bind(ts(now))
        .fetch_optional(pool)
        .await
        .map_err(backend)
}

#[async_trait::async_trait]
impl crate::store::MediaStore for This {
    async fn create_media(&self, m: &NewMedia, now: DateTime<Utc>) -> StoreResult<Media> {
        create_media(&self.write, m, now).await
    }
    async fn get_media(&self, id: MediaId) -> StoreResult<Option<Media>> {
        get_media(&self.read, id).await
    }
}

#[async_trait::async_trait]
impl crate::store::SettingStore for This {
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
    async fn set_settings(&self, pairs: &[(String, String)], effects: &Effects) -> StoreResult<Option<i64>> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        for (key, value) in pairs {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        let logged = super::queue::write_effects(&mut tx, effects, &self.log, Utc::now()).await?;
        tx.commit().await.map_err(backend)?;
        Ok(logged)
    }
    async fn delete_setting(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM settings WHERE key = $1").bind(key).execute(&self.write).await.map_err(backend)?;
        Ok(())
    }
    async fn init_setting(&self, key: &str, value: &str) -> StoreResult<String> {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(value)
            .execute(&self.write)
            .await
            .map_err(backend)?;
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_one(&self.write)
            .await
            .map_err(backend)
    }
}

#[async_trait::async_trait]
impl crate::store::ImportStore for This {
    async fn get_import(&self, source: &str, kind: &str, external: &str) -> StoreResult<Option<ImportRecord>> {
        let row = sqlx::query(
            "SELECT local, fingerprint, written, extra FROM import_ids WHERE source = $1 AND kind = $2 AND external = $3",
        )
        .bind(source)
        .bind(kind)
        .bind(external)
        .fetch_optional(&self.read)
        .await
        .map_err(backend)?;
        Ok(row.map(|r| ImportRecord { local: r.get(0), fingerprint: r.get(1), written: r.get(2), extra: r.get(3) }))
    }
    async fn put_import(
        &self,
        source: &str,
        kind: &str,
        external: &str,
        record: &ImportRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO import_ids (source, kind, external, local, fingerprint, written, imported_at, extra)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (source, kind, external) DO UPDATE SET local = excluded.local,
               fingerprint = excluded.fingerprint, written = excluded.written, imported_at = excluded.imported_at,
               extra = excluded.extra",
        )
        .bind(source)
        .bind(kind)
        .bind(external)
        .bind(&record.local)
        .bind(&record.fingerprint)
        .bind(&record.written)
        .bind(ts(now))
        .bind(&record.extra)
        .execute(&self.write)
        .await
        .map_err(backend)?;
        Ok(())
    }
    async fn get_import_by_local(&self, kind: &str, local: &str) -> StoreResult<Option<ImportRecord>> {
        let row = sqlx::query(
            "SELECT local, fingerprint, written, extra FROM import_ids WHERE kind = $1 AND local = $2
             ORDER BY CASE WHEN imported_at IS NULL THEN 0 ELSE 1 END DESC, imported_at DESC LIMIT 1",
        )
        .bind(kind)
        .bind(local)
        .fetch_optional(&self.read)
        .await
        .map_err(backend)?;
        Ok(row.map(|r| ImportRecord { local: r.get(0), fingerprint: r.get(1), written: r.get(2), extra: r.get(3) }))
    }
    async fn find_import(&self, kind: &str, external: &str) -> StoreResult<Option<String>> {
        // Rows from before import times were kept (NULL) count as the oldest.
        sqlx::query_scalar(
            "SELECT local FROM import_ids WHERE kind = $1 AND external = $2
             ORDER BY CASE WHEN imported_at IS NULL THEN 0 ELSE 1 END, imported_at LIMIT 1",
        )
        .bind(kind)
        .bind(external)
        .fetch_optional(&self.read)
        .await
        .map_err(backend)
    }
}

#[async_trait::async_trait]
impl crate::store::StashStore for This {
    async fn put_stash(&self, key: &str, data: &str, expires: DateTime<Utc>) -> StoreResult<()> {
        put_stash(&self.write, key, data, expires).await
    }
    async fn take_stash(&self, key: &str, now: DateTime<Utc>) -> StoreResult<Option<String>> {
        take_stash(&self.write, key, now).await
    }
}

#[async_trait::async_trait]
impl crate::store::SystemStore for This {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.read).await.map_err(backend)?;
        Ok(())
    }
    async fn migrate(&self) -> StoreResult<()> {
        self.run_migrations().await
    }
    async fn backup_database(&self, dest: &std::path::Path) -> StoreResult<bool> {
        self.copy_database(dest).await
    }
}

/// Brings the schema up to date with `migrator`, after refusing a schema
/// newer than it knows (a fresh database has no table of migrations yet:
/// nothing to compare).
pub(crate) async fn migrate_with(pool: &Pool, migrator: sqlx::migrate::Migrator) -> StoreResult<()> {
    let applied: Option<(i64, String)> =
        sqlx::query_as(crate::store::NEWEST_MIGRATION).fetch_optional(pool).await.unwrap_or(None);
    crate::store::check_schema(applied, &migrator)?;
    migrator.run(pool).await.map_err(|e| crate::store::StoreError::Migrate(e.to_string()))
}

