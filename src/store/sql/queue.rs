// The durable queue and the effects every write commits (change notice, jobs),
// in the SQL both backends share. Included by `store::sqlite` and
// `store::postgres`, which name the dialect's types and helpers.

use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

use super::{backend, notify_change, ts, Conn, This, SKIP_LOCKED};
use crate::store::{ChangeLog, Effects, Job, NewJob, Purge, QueueCounts, QueueStore, StoreResult, PURGE};

/// Commits a write's effects inside its transaction: the change notice (logged,
/// and on PostgreSQL announced at commit), a purge job per edge cache, and
/// the jobs it causes.
pub(crate) async fn write_effects(
    conn: &mut Conn,
    e: &Effects,
    log: &ChangeLog,
    now: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    let mut logged = None;
    if let Some(n) = &e.notice {
        let id: i64 = sqlx::query_scalar("INSERT INTO changes (at, node, keys) VALUES ($1, $2, $3) RETURNING id")
            .bind(ts(now))
            .bind(&log.node)
            .bind(n.to_line())
            .fetch_one(&mut *conn)
            .await
            .map_err(backend)?;
        notify_change(conn, id).await?;
        logged = Some(id);
        let targets = log.purge.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let purges = targets.into_iter().enumerate().map(|(i, target)| {
            // Every page an edge holds without narrower keys carries `any`: every purge names it.
            let mut keys: Vec<String> = n.keys.iter().map(|k| k.as_str().to_owned()).collect();
            keys.push(crate::domain::change::Key::any().as_str().to_owned());
            let purge = Purge { target, keys, hard: n.hard };
            NewJob { kind: PURGE.into(), key: format!("purge-{id}-{i}"), payload: serde_json::to_string(&purge).unwrap_or_default() }
        });
        insert_jobs(conn, &purges.collect::<Vec<_>>(), now).await?;
    }
    insert_jobs(conn, &e.jobs, now).await?;
    Ok(logged)
}

async fn insert_jobs(conn: &mut Conn, jobs: &[NewJob], now: DateTime<Utc>) -> StoreResult<()> {
    for j in jobs {
        sqlx::query(
            "INSERT INTO jobs (kind, key, payload, created_at, run_at) VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(&j.kind)
        .bind(&j.key)
        .bind(&j.payload)
        .bind(ts(now))
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl QueueStore for This {
    async fn enqueue(&self, jobs: &[NewJob], now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        insert_jobs(&mut tx, jobs, now).await?;
        tx.commit().await.map_err(backend)
    }

    async fn claim_jobs(&self, kind: &str, now: DateTime<Utc>, lease: Duration, limit: u32) -> StoreResult<Vec<Job>> {
        // Claiming pushes the next attempt out by the lease, so a crash mid-run
        // retries the job later instead of losing it.
        let rows = sqlx::query(&format!(
            "UPDATE jobs SET attempts = attempts + 1, run_at = $1
             WHERE id IN (SELECT id FROM jobs WHERE kind = $2 AND done_at IS NULL AND failed_at IS NULL
                          AND run_at <= $3 ORDER BY run_at, id LIMIT $4{SKIP_LOCKED})
             RETURNING id, kind, key, payload, attempts"
        ))
        .bind(ts(now + lease))
        .bind(kind)
        .bind(ts(now))
        .bind(i64::from(limit))
        .fetch_all(&self.write)
        .await
        .map_err(backend)?;
        let mut jobs: Vec<Job> = rows
            .iter()
            .map(|r| Job {
                id: r.get(0),
                kind: r.get(1),
                key: r.get(2),
                payload: r.get(3),
                attempts: r.get::<i64, _>(4) as u32,
            })
            .collect();
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    async fn finish_job(
        &self,
        id: i64,
        result: Result<(), (String, Option<DateTime<Utc>>)>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let q = match &result {
            Ok(()) => sqlx::query("UPDATE jobs SET done_at = $1, last_error = NULL WHERE id = $2").bind(ts(now)).bind(id),
            Err((err, Some(next))) => sqlx::query("UPDATE jobs SET last_error = $1, run_at = $2 WHERE id = $3")
                .bind(err.clone())
                .bind(ts(*next))
                .bind(id),
            Err((err, None)) => sqlx::query("UPDATE jobs SET last_error = $1, failed_at = $2 WHERE id = $3")
                .bind(err.clone())
                .bind(ts(now))
                .bind(id),
        };
        q.execute(&self.write).await.map_err(backend)?;
        Ok(())
    }

    async fn count_jobs(&self, kind: &str) -> StoreResult<QueueCounts> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN done_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN done_at IS NOT NULL THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0)
             FROM jobs WHERE kind = $1",
        )
        .bind(kind)
        .fetch_one(&self.read)
        .await
        .map_err(backend)?;
        Ok(QueueCounts {
            waiting: row.get::<i64, _>(0) as u64,
            done: row.get::<i64, _>(1) as u64,
            failed: row.get::<i64, _>(2) as u64,
        })
    }
}
