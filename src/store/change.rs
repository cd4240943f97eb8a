//! The change log: every committed change's notice, written in the change's
//! own transaction (with `pg_notify` on PostgreSQL, delivered at commit), so
//! every process of the site learns what changed, in order, and none is lost
//! by a crash between the commit and the announcement.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::change::Notice;

/// One logged change.
#[derive(Debug, Clone)]
pub struct LoggedChange {
    /// Increases with every change, on every node alike.
    pub id: i64,
    /// The process that made it (see [`ChangeStore::node`]).
    pub node: String,
    pub at: DateTime<Utc>,
    pub notice: Notice,
}

/// Wakes up when another process may have committed a change.
#[async_trait]
pub trait ChangeFeed: Send {
    /// Waits until another process may have changed content. A feed that lost
    /// its connection wakes up too, since it may have missed something.
    async fn changed(&mut self) -> StoreResult<()>;
}

/// Reads and follows the change log.
#[async_trait]
pub trait ChangeStore: Send + Sync {
    /// Names this process in the changes it logs.
    fn node(&self) -> &str;
    /// Logs a change on its own (one that has no other write, or a command's).
    async fn log_change(&self, notice: &Notice, now: DateTime<Utc>) -> StoreResult<i64>;
    /// Returns the id of the newest logged change (0 for none).
    async fn last_change(&self) -> StoreResult<i64>;
    /// Lists changes logged after `after`, oldest first, at most `limit`.
    async fn list_changes(&self, after: i64, limit: u32) -> StoreResult<Vec<LoggedChange>>;
    /// Forgets changes logged before `before`; returns how many.
    async fn prune_changes(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    /// Opens a feed that wakes up when another process commits.
    async fn change_feed(&self) -> StoreResult<Box<dyn ChangeFeed>>;
}
