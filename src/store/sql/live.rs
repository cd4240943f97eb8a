// Live coverage, in the SQL both backends share. Included by `store::sqlite`
// and `store::postgres`, which name the dialect's types and helpers.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::site::widths_from_text;
use super::{backend, from_ts, ts, Conn, Db, DbRow, This, Ts};
use crate::domain::live::{EntryInput, LiveEntry, LiveState};
use crate::domain::{ArticleId, Media, MediaId, Photo, UserId};
use crate::store::{Effects, LiveStore, Logged, NewEntry, Page, StoreError, StoreResult};

const COLS: &str = "e.id, e.article_id, e.author_id, e.author_name, e.headline, e.body, e.photo_id, e.photo_alt,
    e.pinned, e.created_at, e.updated_at, e.deleted_at, e.promoted_to, m.mime, m.width, m.height, m.widths, m.filename";
const FROM: &str = "FROM live_entries e LEFT JOIN media m ON m.id = e.photo_id";

fn entry_from_row(r: &DbRow) -> StoreResult<LiveEntry> {
    let photo = match (r.get::<Option<i64>, _>("photo_id"), r.get::<Option<String>, _>("mime")) {
        (Some(id), Some(mime)) => Some(Photo {
            media: Media {
                id: MediaId(id),
                mime,
                width: r.get::<i64, _>("width") as u32,
                height: r.get::<i64, _>("height") as u32,
                widths: widths_from_text(r.get("widths")),
                filename: r.get("filename"),
            },
            caption: None,
            credit: None,
            alt: r.get::<Option<String>, _>("photo_alt").unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(LiveEntry {
        id: r.get("id"),
        article_id: ArticleId(r.get("article_id")),
        author_id: r.get::<Option<i64>, _>("author_id").map(UserId),
        author_name: r.get("author_name"),
        headline: r.get("headline"),
        body: r.get("body"),
        photo,
        pinned: r.get::<bool, _>("pinned"),
        created_at: from_ts(r.get::<Ts, _>("created_at"))?,
        updated_at: from_ts(r.get::<Ts, _>("updated_at"))?,
        deleted: r.get::<Option<Ts>, _>("deleted_at").is_some(),
        promoted_to: r.get::<Option<i64>, _>("promoted_to").map(ArticleId),
    })
}

async fn fetch(conn: &mut Conn, id: i64) -> StoreResult<LiveEntry> {
    let row = sqlx::query(&format!("SELECT {COLS} {FROM} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?
        .ok_or(StoreError::NotFound)?;
    entry_from_row(&row)
}

impl This {
    /// Ends a change of one entry: not found when no row changed, else its
    /// effects written and the entry read back, all in the change's transaction.
    async fn finish_entry_change(
        &self,
        mut tx: sqlx::Transaction<'_, Db>,
        changed: u64,
        id: i64,
        effects: &Effects,
        now: DateTime<Utc>,
    ) -> StoreResult<Logged<LiveEntry>> {
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        let logged = super::queue::write_effects(&mut tx, effects, &self.log, now).await?;
        let entry = fetch(&mut tx, id).await?;
        tx.commit().await.map_err(backend)?;
        Ok((entry, logged))
    }
}

#[async_trait::async_trait]
impl LiveStore for This {
    async fn set_live(
        &self,
        article: ArticleId,
        state: Option<LiveState>,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        // Starting keeps the first start; ending stamps the end; a restart clears it.
        let done = sqlx::query(
            "UPDATE articles SET live_state = $1,
               live_started_at = CASE WHEN $1 IS NULL THEN NULL ELSE COALESCE(live_started_at, $2) END,
               live_ended_at = CASE WHEN $1 = 'ended' THEN $2 ELSE NULL END
             WHERE id = $3",
        )
        .bind(state.map(LiveState::as_str))
        .bind(ts(now))
        .bind(article.0)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let logged = super::queue::write_effects(&mut tx, effects, &self.log, now).await?;
        tx.commit().await.map_err(backend)?;
        Ok(logged)
    }

    async fn create_entry(&self, e: &NewEntry<'_>, effects: &Effects) -> StoreResult<Logged<LiveEntry>> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let i = e.input;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO live_entries (article_id, author_id, author_name, headline, body, photo_id, photo_alt,
               pinned, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(e.article.0)
        .bind(e.author.map(|u| u.0))
        .bind(e.author_name)
        .bind(&i.headline)
        .bind(&i.body)
        .bind(i.photo.map(|m| m.0))
        .bind(&i.photo_alt)
        .bind(i.pinned)
        .bind(ts(e.at))
        .fetch_one(&mut *tx)
        .await
        .map_err(backend)?;
        let mut effects = effects.clone();
        if let Some(n) = effects.notice.as_mut() {
            n.keys.insert(crate::domain::change::Key::entry(id));
        }
        let logged = super::queue::write_effects(&mut tx, &effects, &self.log, e.at).await?;
        let entry = fetch(&mut tx, id).await?;
        tx.commit().await.map_err(backend)?;
        Ok((entry, logged))
    }

    async fn update_entry(
        &self,
        id: i64,
        input: &EntryInput,
        edited: bool,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<Logged<LiveEntry>> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let done = sqlx::query(
            "UPDATE live_entries SET headline = $1, body = $2, photo_id = $3, photo_alt = $4, pinned = $5,
               updated_at = CASE WHEN $8 THEN $6 ELSE updated_at END WHERE id = $7 AND deleted_at IS NULL",
        )
        .bind(&input.headline)
        .bind(&input.body)
        .bind(input.photo.map(|m| m.0))
        .bind(&input.photo_alt)
        .bind(input.pinned)
        .bind(ts(now))
        .bind(id)
        .bind(edited)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        self.finish_entry_change(tx, done.rows_affected(), id, effects, now).await
    }

    async fn delete_entry(&self, id: i64, now: DateTime<Utc>, effects: &Effects) -> StoreResult<Logged<LiveEntry>> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let done = sqlx::query("UPDATE live_entries SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL")
            .bind(ts(now))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        self.finish_entry_change(tx, done.rows_affected(), id, effects, now).await
    }

    async fn set_entry_promoted(&self, id: i64, article: ArticleId) -> StoreResult<()> {
        sqlx::query("UPDATE live_entries SET promoted_to = $1 WHERE id = $2")
            .bind(article.0)
            .bind(id)
            .execute(&self.write)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn get_entry(&self, id: i64) -> StoreResult<Option<LiveEntry>> {
        let row = sqlx::query(&format!("SELECT {COLS} {FROM} WHERE e.id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        row.as_ref().map(entry_from_row).transpose()
    }

    async fn list_entries(&self, article: ArticleId, limit: u32, offset: u32) -> StoreResult<Page<LiveEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} {FROM} WHERE e.article_id = $1 AND e.deleted_at IS NULL
             ORDER BY e.created_at DESC, e.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(article.0)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM live_entries WHERE article_id = $1 AND deleted_at IS NULL")
                .bind(article.0)
                .fetch_one(&self.read)
                .await
                .map_err(backend)?;
        Ok(Page { items: rows.iter().map(entry_from_row).collect::<StoreResult<_>>()?, total: total as u64 })
    }

    async fn list_pinned(&self, article: ArticleId) -> StoreResult<Vec<(LiveEntry, u64)>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS}, e.place FROM (
               SELECT x.*, ROW_NUMBER() OVER (ORDER BY x.created_at DESC, x.id DESC) AS place
               FROM live_entries x WHERE x.article_id = $1 AND x.deleted_at IS NULL
             ) e LEFT JOIN media m ON m.id = e.photo_id
             WHERE e.pinned = $2 ORDER BY e.created_at, e.id LIMIT 50"
        ))
        .bind(article.0)
        .bind(true)
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        rows.iter().map(|r| Ok((entry_from_row(r)?, r.get::<i64, _>("place") as u64))).collect()
    }
}
