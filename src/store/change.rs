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

/// What a process writes into the change log beside each notice: its name,
/// and the edge caches each change is purged from (a job per edge, in the
/// change's own transaction).
#[derive(Debug, Default)]
pub struct ChangeLog {
    pub(crate) node: String,
    pub(crate) purge: std::sync::RwLock<Vec<String>>,
}

impl ChangeLog {
    /// Names a process.
    pub fn new(node: String) -> ChangeLog {
        ChangeLog { node, purge: std::sync::RwLock::new(Vec::new()) }
    }
}

/// The kind of the jobs that purge edge caches.
pub const PURGE: &str = "purge";

/// A purge for one edge cache: the keys a change touched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Purge {
    /// The edge cache's address (`http://varnish:6081/`).
    pub target: String,
    pub keys: Vec<String>,
    /// Drop the pages rather than keep them as stale copies.
    pub hard: bool,
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
    /// Sets the edge caches every change is purged from from now on.
    fn set_purge_targets(&self, targets: Vec<String>);
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
