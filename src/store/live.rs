//! Live coverage: a story's live state and its entries.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Effects, Page, StoreResult};
use crate::domain::live::{EntryInput, LiveEntry, LiveState};
use crate::domain::{ArticleId, UserId};

/// An entry about to be stored.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub article: ArticleId,
    pub author: Option<UserId>,
    pub author_name: &'a str,
    pub input: &'a EntryInput,
    pub at: DateTime<Utc>,
}

/// What a write to live coverage returns: the entry, and the id of the change
/// logged with it (a stream's event id).
pub type Logged<T> = (T, Option<i64>);

/// Stores live coverage.
#[async_trait]
pub trait LiveStore: Send + Sync {
    /// Switches a story's live coverage on (`Live`), off (`Ended`) or away
    /// (`None`), with its effects; returns the logged change's id.
    async fn set_live(
        &self,
        article: ArticleId,
        state: Option<LiveState>,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<Option<i64>>;
    /// Stores an entry with its effects.
    async fn create_entry(&self, e: &NewEntry<'_>, effects: &Effects) -> StoreResult<Logged<LiveEntry>>;
    /// Replaces an entry's text, photo and pin, with its effects; `edited`
    /// says whether readers are told it was updated (a pin alone is no edit).
    async fn update_entry(
        &self,
        id: i64,
        input: &EntryInput,
        edited: bool,
        now: DateTime<Utc>,
        effects: &Effects,
    ) -> StoreResult<Logged<LiveEntry>>;
    /// Deletes an entry (kept as deleted, so a stream can say so), with its effects.
    async fn delete_entry(&self, id: i64, now: DateTime<Utc>, effects: &Effects) -> StoreResult<Logged<LiveEntry>>;
    /// Records the article an entry became.
    async fn set_entry_promoted(&self, id: i64, article: ArticleId) -> StoreResult<()>;
    /// Fetches an entry, deleted or not.
    async fn get_entry(&self, id: i64) -> StoreResult<Option<LiveEntry>>;
    /// Lists a story's entries that are not deleted, newest first.
    async fn list_entries(&self, article: ArticleId, limit: u32, offset: u32) -> StoreResult<Page<LiveEntry>>;
    /// Lists a story's pinned entries (its key events), oldest first, each
    /// with its place among the story's entries (1 for the newest).
    async fn list_pinned(&self, article: ArticleId) -> StoreResult<Vec<(LiveEntry, u64)>>;
}
