//! What the site keeps besides content: uploads' facts, settings, the
//! identities of imported items, stashed forms, and the database itself.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Effects, StoreResult};
use crate::domain::{Media, MediaId, UserId};

/// What is known about a new upload before it is stored.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub widths: Vec<u32>,
    pub bytes: u64,
    pub created_by: Option<UserId>,
    /// The name it was uploaded or imported under.
    pub filename: Option<String>,
}

/// Stores uploaded images' facts (the files live in the data folder).
#[async_trait]
pub trait MediaStore: Send + Sync {
    /// Records a processed upload and returns its id.
    async fn create_media(&self, m: &NewMedia, now: DateTime<Utc>) -> StoreResult<Media>;
    /// Fetches an upload's facts.
    async fn get_media(&self, id: MediaId) -> StoreResult<Option<Media>>;
}

/// Stores the site's settings (name, tagline, keys made on first start).
#[async_trait]
pub trait SettingStore: Send + Sync {
    /// Reads a site setting.
    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>>;
    /// Writes a site setting.
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;
    /// Writes several settings readers see, with their effects, in one
    /// transaction; returns the logged change's id.
    async fn set_settings(&self, pairs: &[(String, String)], effects: &Effects) -> StoreResult<Option<i64>>;
    /// Deletes a site setting.
    async fn delete_setting(&self, key: &str) -> StoreResult<()>;
    /// Stores `value` unless `key` already has one, and returns the stored
    /// value: the first writer wins, whichever node it runs on.
    async fn init_setting(&self, key: &str, value: &str) -> StoreResult<String>;
}

/// What an imported item became here, and what the import read and wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportRecord {
    /// The local id (an article's, a comment's) or slug (a term's).
    pub local: String,
    /// A digest of the item as the source had it when last imported.
    pub fingerprint: Option<String>,
    /// A digest of what the import wrote here, to tell whether editors changed it since.
    pub written: Option<String>,
    /// What the item had that the model here keeps another way, as JSON.
    pub extra: Option<String>,
}

/// Remembers what each imported item became here, so a second run skips it,
/// a newer export updates it, and old links find it.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Returns what an imported item became here (`source` names the site it
    /// came from, `kind` is like `post`).
    async fn get_import(&self, source: &str, kind: &str, external: &str) -> StoreResult<Option<ImportRecord>>;
    /// Records (or updates) what an imported item became here.
    async fn put_import(
        &self,
        source: &str,
        kind: &str,
        external: &str,
        record: &ImportRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Finds the record of what became this local item (the latest, when several sources made it).
    async fn get_import_by_local(&self, kind: &str, local: &str) -> StoreResult<Option<ImportRecord>>;
    /// Finds what an item of any source with this id became (for old links
    /// such as `/?p=ID`): the one imported first when several sites had it.
    async fn find_import(&self, kind: &str, external: &str) -> StoreResult<Option<String>>;
    /// Returns the id of what an imported item became here (`get_import`'s `local`).
    async fn get_import_id(&self, source: &str, kind: &str, external: &str) -> StoreResult<Option<String>> {
        Ok(self.get_import(source, kind, external).await?.map(|r| r.local))
    }
    /// Records what an imported item became here, with nothing more to remember.
    async fn put_import_id(&self, source: &str, kind: &str, external: &str, local: &str) -> StoreResult<()> {
        let record = ImportRecord { local: local.to_owned(), ..ImportRecord::default() };
        self.put_import(source, kind, external, &record, Utc::now()).await
    }
}

/// Keeps forms sent after a login expired, so no typed text is lost.
#[async_trait]
pub trait StashStore: Send + Sync {
    /// Keeps a submitted form (for an editor whose login expired) until `expires`.
    async fn put_stash(&self, key: &str, data: &str, expires: DateTime<Utc>) -> StoreResult<()>;
    /// Takes a kept form out of the stash, once.
    async fn take_stash(&self, key: &str, now: DateTime<Utc>) -> StoreResult<Option<String>>;
}

/// The database as a whole: reachable, and its schema current.
#[async_trait]
pub trait SystemStore: Send + Sync {
    /// Answers when the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Brings the schema up to date (run at start, before serving).
    async fn migrate(&self) -> StoreResult<()>;
    /// Writes a consistent, checked copy of the database to `dest` while the
    /// site serves; `false` when the backend's own tools do that (PostgreSQL: `pg_dump`).
    async fn backup_database(&self, dest: &std::path::Path) -> StoreResult<bool>;
}
