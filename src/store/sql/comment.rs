// Comments, spam-model counts, rate-limit events and mail preferences, in the SQL both backends
// share. Included by `store::sqlite` and `store::postgres`, which name the
// dialect's types and helpers (`Db`, `DbRow`, `Conn`, `Ts`, `ts`, `from_ts`, ...).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sqlx::{QueryBuilder, Row};

use super::{backend, from_ts, lock_key, ts, Conn, Db, DbRow, This, Ts};
use crate::domain::spam::{TokenCount, Totals};
use crate::domain::{ArticleId, Comment, CommentId, CommentStatus};
use crate::store::{
    ChangeLog,
    CommentPost, CommentQuery, CommentStore, CommentWrite, Effects, MailPrefStore, Page, PostOutcome, RateStore, SpamStore,
    StoreError, StoreResult,
};

const COLS: &str = "id, article_id, parent_id, author_name, author_email, author_url, body, status, created_at, \
                    updated_at, visitor, ip, spam_score, notify, staff";

fn comment_from_row(r: &DbRow) -> StoreResult<Comment> {
    let status: String = r.get("status");
    Ok(Comment {
        id: CommentId(r.get("id")),
        article_id: ArticleId(r.get("article_id")),
        parent_id: r.get::<Option<i64>, _>("parent_id").map(CommentId),
        author_name: r.get("author_name"),
        author_email: r.get("author_email"),
        author_url: r.get("author_url"),
        body: r.get("body"),
        status: CommentStatus::parse(&status)
            .ok_or_else(|| StoreError::Backend(format!("bad comment status {status}").into()))?,
        created_at: from_ts(r.get::<Ts, _>("created_at"))?,
        updated_at: from_ts(r.get::<Ts, _>("updated_at"))?,
        visitor: r.get("visitor"),
        ip: r.get("ip"),
        spam_score: r.get("spam_score"),
        notify: r.get::<bool, _>("notify"),
        staff: r.get::<bool, _>("staff"),
    })
}

async fn fetch(conn: &mut Conn, id: CommentId) -> StoreResult<Comment> {
    let row = sqlx::query(&format!("SELECT {COLS} FROM comments WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?
        .ok_or(StoreError::NotFound)?;
    comment_from_row(&row)
}

/// Inserts one comment with its mails and reads it back, inside the caller's transaction.
async fn insert_comment(conn: &mut Conn, w: &CommentWrite, log: &ChangeLog) -> StoreResult<Comment> {
    let c = &w.comment;
    let row = sqlx::query(&format!(
        "INSERT INTO comments (article_id, parent_id, author_name, author_email, author_url, body, status,
           created_at, updated_at, visitor, ip, spam_score, notify, staff)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13) RETURNING {COLS}"
    ))
    .bind(c.article_id.0)
    .bind(c.parent_id.map(|p| p.0))
    .bind(&c.author_name)
    .bind(c.author_email.to_lowercase())
    .bind(&c.author_url)
    .bind(&c.body)
    .bind(c.status.as_str())
    .bind(ts(w.at))
    .bind(&c.visitor)
    .bind(&c.ip)
    .bind(c.spam_score)
    .bind(c.notify)
    .bind(c.staff)
    .fetch_one(&mut *conn)
    .await
    .map_err(backend)?;
    super::queue::write_effects(conn, &w.effects, log, w.at).await?;
    comment_from_row(&row)
}

/// Counts one event against a rate-limit key, inside the caller's transaction
/// (which holds the key's lock): `Some(wait)` when the key is over its limit.
async fn count_hit(
    conn: &mut Conn,
    key: &str,
    now: DateTime<Utc>,
    window: Duration,
    max: u32,
) -> StoreResult<Option<Duration>> {
    sqlx::query("DELETE FROM rate_events WHERE key = $1 AND at < $2")
        .bind(key)
        .bind(ts(now - window))
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    let rows: Vec<Ts> = sqlx::query_scalar("SELECT at FROM rate_events WHERE key = $1 ORDER BY at LIMIT $2")
        .bind(key)
        .bind(i64::from(max))
        .fetch_all(&mut *conn)
        .await
        .map_err(backend)?;
    if rows.len() >= max as usize {
        let free_at = match rows.into_iter().next() {
            Some(oldest) => from_ts(oldest)? + window,
            None => now + window,
        };
        return Ok(Some((free_at - now).max(Duration::seconds(1))));
    }
    sqlx::query("INSERT INTO rate_events (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(ts(now))
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    Ok(None)
}

/// Counts a batch of posts against their rate-limit keys in three statements
/// (inside the caller's transaction, which holds every key's lock): forgets
/// the keys' events older than the longest window, reads the rest, decides
/// post by post as [`count_hit`] would, and records the events counted.
/// `Some(wait)` for each post over a limit.
async fn count_batch(conn: &mut Conn, posts: &[CommentPost]) -> StoreResult<Vec<Option<Duration>>> {
    let mut keys: Vec<&str> = posts.iter().flat_map(|p| p.limits.iter().map(String::as_str)).collect();
    keys.sort_unstable();
    keys.dedup();
    let Some(cutoff) = posts.iter().map(|p| p.write.at - p.window).min() else { return Ok(Vec::new()) };
    if keys.is_empty() {
        return Ok(vec![None; posts.len()]);
    }
    let in_keys = |qb: &mut QueryBuilder<'_, Db>| {
        qb.push(" key IN (");
        let mut sep = qb.separated(", ");
        for k in &keys {
            sep.push_bind(k.to_string());
        }
        qb.push(")");
    };
    let mut del: QueryBuilder<'_, Db> = QueryBuilder::new("DELETE FROM rate_events WHERE");
    in_keys(&mut del);
    del.push(" AND at < ").push_bind(ts(cutoff));
    del.build().execute(&mut *conn).await.map_err(backend)?;
    let mut sel: QueryBuilder<'_, Db> = QueryBuilder::new("SELECT key, at FROM rate_events WHERE");
    in_keys(&mut sel);
    sel.push(" ORDER BY key, at");
    let mut events: HashMap<String, Vec<DateTime<Utc>>> = HashMap::new();
    for r in sel.build().fetch_all(&mut *conn).await.map_err(backend)? {
        events.entry(r.get::<String, _>(0)).or_default().push(from_ts(r.get::<Ts, _>(1))?);
    }
    let mut counted: Vec<(&str, DateTime<Utc>)> = Vec::new();
    let mut out = Vec::with_capacity(posts.len());
    for p in posts {
        let (at, window) = (p.write.at, p.window);
        let mut wait = None;
        for key in &p.limits {
            let seen = events.entry(key.clone()).or_default();
            let live: Vec<DateTime<Utc>> = seen.iter().copied().filter(|t| *t >= at - window).collect();
            if live.len() >= p.burst as usize {
                let free_at = live.iter().min().map_or(at + window, |oldest| *oldest + window);
                wait = Some((free_at - at).max(Duration::seconds(1)));
                break;
            }
            seen.push(at);
            counted.push((key.as_str(), at));
        }
        out.push(wait);
    }
    if !counted.is_empty() {
        let mut ins: QueryBuilder<'_, Db> = QueryBuilder::new("INSERT INTO rate_events (key, at) ");
        ins.push_values(&counted, |mut b, (key, at)| {
            b.push_bind(key.to_string()).push_bind(ts(*at));
        });
        ins.build().execute(&mut *conn).await.map_err(backend)?;
    }
    Ok(out)
}

#[async_trait::async_trait]
impl CommentStore for This {
    async fn create_comments(&self, batch: &[CommentWrite]) -> StoreResult<Vec<Comment>> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let mut out = Vec::with_capacity(batch.len());
        for w in batch {
            out.push(insert_comment(&mut tx, w, &self.log).await?);
        }
        tx.commit().await.map_err(backend)?;
        Ok(out)
    }

    async fn post_comments(&self, posts: &[CommentPost]) -> StoreResult<Vec<PostOutcome>> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        // Every key the batch counts against, locked up front in one order, so
        // two writers' batches cannot wait on each other.
        let mut keys: Vec<&str> = posts.iter().flat_map(|p| p.limits.iter().map(String::as_str)).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            lock_key(&mut tx, key).await?;
        }
        let hits = count_batch(&mut tx, posts).await?;
        let mut out = Vec::with_capacity(posts.len());
        for (p, wait) in posts.iter().zip(hits) {
            out.push(match wait {
                Some(w) => PostOutcome::Limited(w),
                None => PostOutcome::Stored(Box::new(insert_comment(&mut tx, &p.write, &self.log).await?)),
            });
        }
        tx.commit().await.map_err(backend)?;
        Ok(out)
    }

    async fn get_comment(&self, id: CommentId) -> StoreResult<Option<Comment>> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM comments WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        row.as_ref().map(comment_from_row).transpose()
    }

    async fn list_article_comments(&self, article: ArticleId, statuses: &[CommentStatus]) -> StoreResult<Vec<Comment>> {
        let mut qb: QueryBuilder<'_, Db> =
            QueryBuilder::new(format!("SELECT {COLS} FROM comments WHERE article_id = "));
        qb.push_bind(article.0).push(" AND status IN (");
        let mut sep = qb.separated(", ");
        for s in statuses {
            sep.push_bind(s.as_str());
        }
        qb.push(") ORDER BY created_at, id");
        let rows = qb.build().fetch_all(&self.read).await.map_err(backend)?;
        rows.iter().map(comment_from_row).collect()
    }

    async fn is_duplicate_comment(&self, article: ArticleId, email: &str, body: &str) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM comments WHERE author_email = $1 AND article_id = $2 AND body = $3 LIMIT 1",
        )
        .bind(email.to_lowercase())
        .bind(article.0)
        .bind(body)
        .fetch_optional(&self.read)
        .await
        .map_err(backend)?;
        Ok(found.is_some())
    }

    async fn list_visitor_pending(&self, article: ArticleId, visitor: &str) -> StoreResult<Vec<Comment>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM comments WHERE visitor = $1 AND article_id = $2 AND status = 'pending' ORDER BY id"
        ))
        .bind(visitor)
        .bind(article.0)
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        rows.iter().map(comment_from_row).collect()
    }

    async fn list_comments(&self, q: &CommentQuery) -> StoreResult<Page<Comment>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            qb.push(" WHERE 1 = 1");
            if let Some(s) = q.status {
                qb.push(" AND status = ").push_bind(s.as_str());
            }
            if let Some(a) = q.article_id {
                qb.push(" AND article_id = ").push_bind(a.0);
            }
        };
        let mut count: QueryBuilder<'_, Db> = QueryBuilder::new("SELECT COUNT(*) FROM comments");
        filters(&mut count);
        let total: i64 = count.build_query_scalar().fetch_one(&self.read).await.map_err(backend)?;
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(format!("SELECT {COLS} FROM comments"));
        filters(&mut qb);
        qb.push(" ORDER BY created_at DESC, id DESC LIMIT ").push_bind(i64::from(q.limit.clamp(1, 500)));
        qb.push(" OFFSET ").push_bind(i64::from(q.offset));
        let rows = qb.build().fetch_all(&self.read).await.map_err(backend)?;
        Ok(Page { items: rows.iter().map(comment_from_row).collect::<StoreResult<_>>()?, total: total as u64 })
    }

    async fn count_comments_by_status(&self) -> StoreResult<Vec<(CommentStatus, u64)>> {
        let rows = sqlx::query("SELECT status, COUNT(*) FROM comments GROUP BY status")
            .fetch_all(&self.read)
            .await
            .map_err(backend)?;
        let found: HashMap<String, i64> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        Ok(CommentStatus::ALL.iter().map(|s| (*s, found.get(s.as_str()).copied().unwrap_or(0) as u64)).collect())
    }

    async fn count_approved(&self, articles: &[ArticleId]) -> StoreResult<HashMap<ArticleId, u64>> {
        if articles.is_empty() {
            return Ok(HashMap::new());
        }
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT article_id, COUNT(*) FROM comments WHERE status = 'approved' AND article_id IN (",
        );
        let mut sep = qb.separated(", ");
        for a in articles {
            sep.push_bind(a.0);
        }
        qb.push(") GROUP BY article_id");
        let rows = qb.build().fetch_all(&self.read).await.map_err(backend)?;
        Ok(rows.iter().map(|r| (ArticleId(r.get(0)), r.get::<i64, _>(1) as u64)).collect())
    }

    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
        effects: &Effects,
        now: DateTime<Utc>,
    ) -> StoreResult<(Comment, bool)> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let done = sqlx::query("UPDATE comments SET status = $1, updated_at = $2 WHERE id = $3 AND status != $1")
            .bind(status.as_str())
            .bind(ts(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let changed = done.rows_affected() > 0;
        if changed {
            super::queue::write_effects(&mut tx, effects, &self.log, now).await?;
        }
        let c = fetch(&mut tx, id).await?;
        tx.commit().await.map_err(backend)?;
        Ok((c, changed))
    }

    async fn update_comment_body(
        &self,
        id: CommentId,
        body: &str,
        status: Option<CommentStatus>,
        effects: &Effects,
        now: DateTime<Utc>,
    ) -> StoreResult<Comment> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        let done = sqlx::query("UPDATE comments SET body = $1, updated_at = $2, status = COALESCE($3, status) WHERE id = $4")
            .bind(body)
            .bind(ts(now))
            .bind(status.map(CommentStatus::as_str))
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        super::queue::write_effects(&mut tx, effects, &self.log, now).await?;
        let c = fetch(&mut tx, id).await?;
        tx.commit().await.map_err(backend)?;
        Ok(c)
    }

    async fn delete_comments_by_email(&self, email: &str, effects: &Effects) -> StoreResult<u64> {
        let email = email.trim().to_lowercase();
        let mut tx = self.write.begin().await.map_err(backend)?;
        let done = sqlx::query("DELETE FROM comments WHERE author_email = $1")
            .bind(&email)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sqlx::query("DELETE FROM trusted_browsers WHERE email = $1")
            .bind(&email)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        // Keep only a wish for no more mail; forget a notification opt-in.
        sqlx::query("DELETE FROM commenter_emails WHERE email = $1 AND unsubscribed_at IS NULL")
            .bind(&email)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() > 0 {
            super::queue::write_effects(&mut tx, effects, &self.log, Utc::now()).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(done.rows_affected())
    }

    async fn trust_browser(&self, visitor: &str, email: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO trusted_browsers (visitor, email, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(visitor)
        .bind(email.trim().to_lowercase())
        .bind(ts(now))
        .execute(&self.write)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn is_trusted_browser(&self, visitor: &str, email: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM trusted_browsers WHERE visitor = $1 AND email = $2")
            .bind(visitor)
            .bind(email.trim().to_lowercase())
            .fetch_one(&self.read)
            .await
            .map_err(backend)?;
        Ok(n > 0)
    }
}

#[async_trait::async_trait]
impl SpamStore for This {
    async fn spam_totals(&self) -> StoreResult<Totals> {
        let rows = sqlx::query("SELECT label, COUNT(*) FROM spam_training GROUP BY label")
            .fetch_all(&self.read)
            .await
            .map_err(backend)?;
        let mut totals = Totals::default();
        for r in rows {
            let n = r.get::<i64, _>(1) as u64;
            match r.get::<String, _>(0).as_str() {
                "spam" => totals.spam = n,
                _ => totals.ham = n,
            }
        }
        Ok(totals)
    }

    async fn spam_counts(&self, tokens: &[String]) -> StoreResult<HashMap<String, TokenCount>> {
        let mut counts = HashMap::new();
        for chunk in tokens.chunks(400) {
            let mut qb: QueryBuilder<'_, Db> =
                QueryBuilder::new("SELECT token, spam, ham FROM spam_tokens WHERE token IN (");
            let mut sep = qb.separated(", ");
            for t in chunk {
                sep.push_bind(t);
            }
            qb.push(")");
            for r in qb.build().fetch_all(&self.read).await.map_err(backend)? {
                counts.insert(r.get(0), TokenCount { spam: r.get::<i64, _>(1) as u64, ham: r.get::<i64, _>(2) as u64 });
            }
        }
        Ok(counts)
    }

    async fn train_spam(&self, comment: CommentId, tokens: &[String], spam: Option<bool>) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        lock_key(&mut tx, &format!("spam:{}", comment.0)).await?;
        // One order for every writer, so concurrent trainings cannot deadlock.
        let mut tokens = tokens.to_vec();
        tokens.sort_unstable();
        tokens.dedup();
        let old: Option<String> = sqlx::query_scalar("SELECT label FROM spam_training WHERE comment_id = $1")
            .bind(comment.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        let new = spam.map(|s| if s { "spam" } else { "ham" });
        if old.as_deref() == new {
            return Ok(());
        }
        if let Some(old) = &old {
            let col = if old == "spam" { "spam" } else { "ham" };
            for t in &tokens {
                sqlx::query(&format!("UPDATE spam_tokens SET {col} = CASE WHEN {col} > 0 THEN {col} - 1 ELSE 0 END WHERE token = $1"))
                    .bind(t)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
            }
            sqlx::query("DELETE FROM spam_training WHERE comment_id = $1")
                .bind(comment.0)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        if let Some(label) = new {
            for t in &tokens {
                sqlx::query(&format!(
                    "INSERT INTO spam_tokens (token, {label}) VALUES ($1, 1) ON CONFLICT (token) DO UPDATE SET {label} = spam_tokens.{label} + 1"
                ))
                .bind(t)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            }
            sqlx::query("INSERT INTO spam_training (comment_id, label) VALUES ($1, $2)")
                .bind(comment.0)
                .bind(label)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }
}

#[async_trait::async_trait]
impl RateStore for This {
    async fn hit_rate(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window: Duration,
        max: u32,
    ) -> StoreResult<Option<Duration>> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        lock_key(&mut tx, key).await?;
        let wait = count_hit(&mut tx, key, now, window, max).await?;
        tx.commit().await.map_err(backend)?;
        Ok(wait)
    }

}

#[async_trait::async_trait]
impl MailPrefStore for This {
    async fn confirm_notify(&self, email: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO commenter_emails (email, notify_confirmed_at) VALUES ($1, $2)
             ON CONFLICT (email) DO UPDATE SET notify_confirmed_at = excluded.notify_confirmed_at, unsubscribed_at = NULL",
        )
        .bind(email.trim().to_lowercase())
        .bind(ts(now))
        .execute(&self.write)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn notify_allowed(&self, email: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM commenter_emails WHERE email = $1 AND notify_confirmed_at IS NOT NULL AND unsubscribed_at IS NULL",
        )
        .bind(email.trim().to_lowercase())
        .fetch_one(&self.read)
        .await
        .map_err(backend)?;
        Ok(n > 0)
    }

    async fn unsubscribe(&self, email: &str, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO commenter_emails (email, unsubscribed_at) VALUES ($1, $2)
             ON CONFLICT (email) DO UPDATE SET unsubscribed_at = excluded.unsubscribed_at",
        )
        .bind(email.trim().to_lowercase())
        .bind(ts(now))
        .execute(&self.write)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn is_unsubscribed(&self, email: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM commenter_emails WHERE email = $1 AND unsubscribed_at IS NOT NULL",
        )
        .bind(email.trim().to_lowercase())
        .fetch_one(&self.read)
        .await
        .map_err(backend)?;
        Ok(n > 0)
    }
}
