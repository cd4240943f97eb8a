// The change log, in the SQL both backends share. Included by `store::sqlite`
// and `store::postgres`, which name the dialect's types and helpers and how
// another process's commit is noticed (`feed`).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{backend, from_ts, ts, This, Ts};
use crate::domain::change::Notice;
use crate::store::{ChangeFeed, ChangeStore, Effects, LoggedChange, StoreResult};

#[async_trait::async_trait]
impl ChangeStore for This {
    fn node(&self) -> &str {
        &self.log.node
    }

    fn set_purge_targets(&self, targets: Vec<String>) {
        *self.log.purge.write().unwrap_or_else(std::sync::PoisonError::into_inner) = targets;
    }

    async fn log_change(&self, notice: &Notice, now: DateTime<Utc>) -> StoreResult<i64> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        super::queue::write_effects(&mut tx, &Effects::notice(notice.clone()), &self.log, now).await?;
        let id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM changes")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(id)
    }

    async fn last_change(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM changes").fetch_one(&self.write).await.map_err(backend)
    }

    async fn list_changes(&self, after: i64, limit: u32) -> StoreResult<Vec<LoggedChange>> {
        // Read on the writer's pool: on SQLite it sees every commit at once.
        let rows = sqlx::query("SELECT id, node, at, keys FROM changes WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.write)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(LoggedChange {
                    id: r.get("id"),
                    node: r.get("node"),
                    at: from_ts(r.get::<Ts, _>("at"))?,
                    notice: Notice::from_line(r.get::<&str, _>("keys")),
                })
            })
            .collect()
    }

    async fn prune_changes(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        // The newest row stays whatever its age, so ids never restart after a prune.
        let done = sqlx::query("DELETE FROM changes WHERE at < $1 AND id < (SELECT MAX(id) FROM changes)")
            .bind(ts(before))
            .execute(&self.write)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected())
    }

    async fn change_feed(&self) -> StoreResult<Box<dyn ChangeFeed>> {
        self.feed().await
    }
}
