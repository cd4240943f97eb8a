//! Keeping every process of one site current. A service commits its change
//! with a [`Notice`] of what it touched (the store logs it in the same
//! transaction) and hands the notice to [`Changes::apply`], which tells this
//! process's caches at once. Changes committed by other processes (the other
//! nodes on PostgreSQL, `dateline import` beside a SQLite server) arrive
//! through the change log, which [`follow`] reads.
//!
//! `Changes` owns the content generation: it moves on with every change, and
//! the page cache reads it (a page rendered before a change is not stored
//! after it). Caches register to hear each notice; this module knows none of
//! them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::Utc;

use crate::domain::change::{Key, Notice};
use crate::store::ChangeStore;

/// Hears a change: the id the change log gave it (when known) and its notice.
type Listener = Box<dyn Fn(Option<i64>, &Notice) + Send + Sync>;

/// Where committed changes are reported and heard.
#[derive(Clone, Default)]
pub struct Changes {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    generation: AtomicU64,
    /// The newest change log id heard (0 until one is).
    last_logged: std::sync::atomic::AtomicI64,
    /// The generation each key last changed in (`all` included).
    changed_in: RwLock<HashMap<Key, u64>>,
    listeners: RwLock<Vec<Listener>>,
}

/// Keys remembered at most; past it the oldest half is forgotten, which only
/// makes [`Changes::changed_since`] answer "yes" more often.
const KEYS_KEPT: usize = 100_000;

impl Changes {
    /// Makes a reporter with no listener.
    pub fn new() -> Changes {
        Changes::default()
    }

    /// The current generation: it moves on with every change.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::SeqCst)
    }

    /// Registers a listener (a cache) that hears every notice, this process's and others'.
    pub fn subscribe(&self, listener: impl Fn(Option<i64>, &Notice) + Send + Sync + 'static) {
        self.inner.listeners.write().unwrap_or_else(std::sync::PoisonError::into_inner).push(Box::new(listener));
    }

    /// A change committed: moves the generation on and tells every listener.
    pub fn apply(&self, notice: &Notice) {
        self.apply_logged(None, notice);
    }

    /// The newest change log id this process has heard of: a page built now
    /// shows everything logged up to it.
    pub fn last_logged(&self) -> i64 {
        self.inner.last_logged.load(Ordering::SeqCst)
    }

    /// Notes that the log holds changes up to `id` (read when following starts).
    pub fn note_logged(&self, id: i64) {
        self.inner.last_logged.fetch_max(id, Ordering::SeqCst);
    }

    /// A change committed and logged under `id` (a live stream's event id).
    pub fn apply_logged(&self, id: Option<i64>, notice: &Notice) {
        if let Some(id) = id {
            self.note_logged(id);
        }
        let g = self.inner.generation.fetch_add(1, Ordering::SeqCst) + 1;
        {
            let mut map = self.inner.changed_in.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            if map.len() >= KEYS_KEPT {
                let mut gens: Vec<u64> = map.values().copied().collect();
                gens.sort_unstable();
                let cut = gens[gens.len() / 2];
                map.retain(|_, v| *v > cut);
                // Forgetting must not make an old page look current.
                map.insert(Key::all(), cut);
            }
            for k in &notice.keys {
                map.insert(k.clone(), g);
            }
        }
        for l in self.inner.listeners.read().unwrap_or_else(std::sync::PoisonError::into_inner).iter() {
            l(id, notice);
        }
    }

    /// Tells whether anything a page built from `keys` changed after `generation`.
    pub fn changed_since(&self, keys: &[Key], generation: u64) -> bool {
        let map = self.inner.changed_in.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let after = |k: &Key| map.get(k).is_some_and(|g| *g > generation);
        after(&Key::all()) || keys.iter().any(after)
    }
}

/// How long the change log keeps a change: long enough for a node that was
/// away for a while to catch up on what it missed.
const KEEP_LOG: chrono::Duration = chrono::Duration::days(2);

/// Follows the change log for the changes other processes commit, and applies
/// them here; reopens the feed after a failure. Runs until the process ends.
///
/// While the feed is down the caches are kept, so readers are still served if
/// the database is away; once it is back, whatever was missed is read from the
/// log (or, if the log was replaced by a restore, everything is dropped).
pub async fn follow(store: Arc<dyn ChangeStore>, changes: Changes) {
    let mut last = loop {
        match store.last_change().await {
            Ok(id) => {
                changes.note_logged(id);
                break id;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the change log; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    let mut pruned = std::time::Instant::now();
    loop {
        match store.change_feed().await {
            Ok(mut feed) => loop {
                if let Err(e) = catch_up(store.as_ref(), &changes, &mut last).await {
                    tracing::warn!(error = %e, "cannot read the change log");
                }
                if pruned.elapsed() > Duration::from_secs(3600) {
                    pruned = std::time::Instant::now();
                    if let Err(e) = store.prune_changes(Utc::now() - KEEP_LOG).await {
                        tracing::warn!(error = %e, "cannot prune the change log");
                    }
                }
                if let Err(e) = feed.changed().await {
                    tracing::warn!(error = %e, "change feed lost; reconnecting");
                    break;
                }
            },
            Err(e) => tracing::warn!(error = %e, "cannot open the change feed"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Applies every change logged after `last` by another process.
pub async fn catch_up(store: &dyn ChangeStore, changes: &Changes, last: &mut i64) -> crate::store::StoreResult<()> {
    let newest = store.last_change().await?;
    if newest < *last {
        // The log went back in time: the database was restored from a backup.
        tracing::info!("the change log was replaced (a restore); dropping every cached page");
        changes.apply(&Notice::everything());
        *last = newest;
        return Ok(());
    }
    while *last < newest {
        let batch = store.list_changes(*last, 500).await?;
        let Some(end) = batch.last().map(|c| c.id) else { break };
        for c in batch.iter().filter(|c| c.node != store.node()) {
            changes.apply_logged(Some(c.id), &c.notice);
        }
        *last = end;
        changes.note_logged(end);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ArticleId;

    #[test]
    fn a_change_reaches_listeners_and_moves_the_generation() {
        let c = Changes::new();
        let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
        let h = heard.clone();
        c.subscribe(move |_, n| h.lock().unwrap().push(n.to_line()));
        let g = c.generation();
        c.apply(&Notice::of([Key::article(ArticleId(3))]));
        assert_eq!(c.generation(), g + 1);
        assert_eq!(heard.lock().unwrap().as_slice(), ["a3"]);
    }

    #[test]
    fn only_pages_built_from_a_changed_key_are_behind() {
        let c = Changes::new();
        let g = c.generation();
        c.apply(&Notice::of([Key::article(ArticleId(3))]));
        assert!(c.changed_since(&[Key::article(ArticleId(3))], g));
        assert!(!c.changed_since(&[Key::article(ArticleId(4))], g));
        c.apply(&Notice::everything());
        assert!(c.changed_since(&[Key::article(ArticleId(4))], g), "a change to everything reaches every page");
    }
}
