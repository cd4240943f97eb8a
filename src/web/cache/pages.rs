//! The stored pages and how a change reaches them. Each page records the keys
//! of what it was built from; a change notice marks stale exactly the pages
//! holding one of its keys (a page with no keys depends on everything), or,
//! for a hard change (an unpublished or corrected story), removes them, so no
//! stale copy of it can be served. A stale page is answered at once while one
//! render refreshes it; concurrent first requests for a page wait for one render.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};

use tokio::sync::watch;

use super::page::CachedPage;
use crate::changes::Changes;
use crate::domain::change::{Key, Notice};

/// What the cache holds for a key.
pub(super) enum Lookup {
    Fresh(Arc<CachedPage>),
    Stale(Arc<CachedPage>),
    Missing,
}

struct Entry {
    page: Arc<CachedPage>,
    stored: u64,
    stale: bool,
}

#[derive(Default)]
struct Pages {
    map: HashMap<String, Entry>,
    bytes: usize,
    stored: u64,
    /// Which cached paths hold each key.
    by_key: HashMap<Key, HashSet<String>>,
    /// Paths built from everything (no keys).
    keyless: HashSet<String>,
}

impl Pages {
    fn unindex(&mut self, path: &str, keys: &[Key]) {
        if keys.is_empty() {
            self.keyless.remove(path);
        }
        for k in keys {
            if let Some(set) = self.by_key.get_mut(k) {
                set.remove(path);
                if set.is_empty() {
                    self.by_key.remove(k);
                }
            }
        }
    }

    fn remove(&mut self, path: &str) {
        if let Some(e) = self.map.remove(path) {
            self.bytes -= e.page.bytes();
            let keys = e.page.keys.clone();
            self.unindex(path, &keys);
        }
    }

    /// Drops the pages stored longest ago until both budgets are met (with
    /// room to spare, so a full cache does not evict on every insert).
    fn evict(&mut self, bytes: usize, entries: usize) {
        let mut order: Vec<(u64, String)> = self.map.iter().map(|(k, e)| (e.stored, k.clone())).collect();
        order.sort_unstable();
        for (_, key) in order {
            if self.bytes <= bytes && self.map.len() <= entries {
                break;
            }
            self.remove(&key);
        }
    }

    /// Applies a change: the pages it touches go stale (or, hard, go).
    fn apply(&mut self, notice: &Notice) {
        let mut hit: HashSet<String> = self.keyless.clone();
        if notice.is_everything() {
            hit.extend(self.map.keys().cloned());
        } else {
            for k in &notice.keys {
                if let Some(set) = self.by_key.get(k) {
                    hit.extend(set.iter().cloned());
                }
            }
        }
        for path in hit {
            if notice.hard {
                self.remove(&path);
            } else if let Some(e) = self.map.get_mut(&path) {
                e.stale = true;
            }
        }
    }
}

/// Pages waiting for their best compression, at most this many: one thread
/// makes them one at a time, so a burst of new pages costs one core's share
/// and one compressor's memory, never one of each per page.
const COMPRESS_QUEUE: usize = 64;

type CompressJob = (Arc<PageCache>, String, Arc<CachedPage>, u64);

/// The in-memory cache of rendered public pages.
pub struct PageCache {
    compressor: std::sync::OnceLock<std::sync::mpsc::SyncSender<CompressJob>>,
    pub(super) enabled: bool,
    max_entries: usize,
    max_bytes: usize,
    pages: RwLock<Pages>,
    /// How many articles each public list holds, with the generation it was
    /// counted in: counting is the one query of a list page that grows with
    /// the archive, and only a change to the lists changes it.
    totals: RwLock<HashMap<String, (u64, u64)>>,
    /// Renders under way, by path: later requests wait for the first.
    inflight: Mutex<HashMap<String, watch::Receiver<bool>>>,
    /// Owns the content generation and what changed when; the cache reads it.
    changes: Changes,
    pub(super) hits: AtomicU64,
    pub(super) misses: AtomicU64,
    pub(super) stale_served: AtomicU64,
}

impl PageCache {
    /// Makes an empty cache that hears every change through `changes`.
    pub fn new(enabled: bool, max_entries: usize, max_bytes: usize, changes: Changes) -> Arc<PageCache> {
        let cache = Arc::new(PageCache {
            compressor: std::sync::OnceLock::new(),
            enabled,
            max_entries,
            max_bytes,
            pages: RwLock::new(Pages::default()),
            totals: RwLock::new(HashMap::new()),
            inflight: Mutex::new(HashMap::new()),
            changes: changes.clone(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            stale_served: AtomicU64::new(0),
        });
        let weak: Weak<PageCache> = Arc::downgrade(&cache);
        changes.subscribe(move |_, n| {
            if let Some(c) = weak.upgrade() {
                c.pages.write().unwrap_or_else(std::sync::PoisonError::into_inner).apply(n);
            }
        });
        cache
    }

    /// The current generation (it moves on with every change of content).
    pub fn generation(&self) -> u64 {
        self.changes.generation()
    }

    /// The number of articles in a list, if counted since the lists last changed
    /// (kept whether or not pages are cached).
    pub fn total(&self, list: &str) -> Option<u64> {
        let totals = self.totals.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (g, n) = totals.get(list)?;
        (!self.changes.changed_since(&[Key::lists()], *g)).then_some(*n)
    }

    /// Remembers a list's count, made in `generation`.
    pub fn remember_total(&self, list: String, total: u64, generation: u64) {
        let mut totals = self.totals.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if totals.len() >= 10_000 {
            totals.clear();
        }
        totals.insert(list, (generation, total));
    }

    /// Returns (hits, misses, stale copies served) since start.
    pub fn stats(&self) -> (u64, u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
            self.stale_served.load(Ordering::Relaxed),
        )
    }

    /// Looks a page up.
    pub(super) fn lookup(&self, key: &str) -> Lookup {
        let pages = self.pages.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        match pages.map.get(key) {
            Some(e) if !e.stale => Lookup::Fresh(e.page.clone()),
            Some(e) => Lookup::Stale(e.page.clone()),
            None => Lookup::Missing,
        }
    }

    /// Returns the page if it is current.
    pub(super) fn fresh(&self, key: &str) -> Option<Arc<CachedPage>> {
        match self.lookup(key) {
            Lookup::Fresh(p) => Some(p),
            _ => None,
        }
    }

    /// Starts a render of `key` unless one is under way: `Ok(done)` for the
    /// one that renders (it calls `done` when finished), `Err(wait)` for the
    /// others, which may wait for it.
    pub(super) fn begin_render(self: &Arc<Self>, key: &str) -> Result<RenderGuard, watch::Receiver<bool>> {
        let mut inflight = self.inflight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(rx) = inflight.get(key) {
            return Err(rx.clone());
        }
        let (tx, rx) = watch::channel(false);
        inflight.insert(key.to_owned(), rx);
        Ok(RenderGuard { cache: self.clone(), key: key.to_owned(), tx })
    }

    /// Stores a page rendered from generation `generation`. A page that a
    /// change reached while it was being rendered is stored stale: served,
    /// and refreshed by its next request.
    pub(super) fn insert(&self, key: String, page: Arc<CachedPage>, generation: u64) {
        let size = page.bytes();
        if size > self.max_bytes / 4 {
            return; // one huge page must not push out everything else
        }
        let everything = page.keys.is_empty();
        let stale = if everything {
            self.generation() != generation
        } else {
            self.changes.changed_since(&page.keys, generation)
        };
        let mut pages = self.pages.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        pages.remove(&key);
        pages.stored += 1;
        if everything {
            pages.keyless.insert(key.clone());
        }
        for k in &page.keys {
            pages.by_key.entry(k.clone()).or_default().insert(key.clone());
        }
        pages.bytes += size;
        let entry = Entry { stored: pages.stored, page, stale };
        pages.map.insert(key, entry);
        if pages.bytes > self.max_bytes || pages.map.len() > self.max_entries {
            pages.evict(self.max_bytes / 4 * 3, self.max_entries / 4 * 3);
        }
    }

    /// Replaces a page with its better-compressed copy, unless it changed meanwhile.
    fn replace(&self, key: &str, page: Arc<CachedPage>) {
        let mut pages = self.pages.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let bytes = page.bytes();
        if let Some(e) = pages.map.get_mut(key) {
            if e.page.etag == page.etag {
                let before = e.page.bytes();
                e.page = page;
                pages.bytes = pages.bytes + bytes - before;
            }
        }
    }

    /// Queues the best compression of a page for the compressing thread; when
    /// that thread is behind (a crawl of a thousand uncached pages), the page
    /// keeps its quick gzip until its next render.
    pub(super) fn compress_later(self: &Arc<Self>, key: String, page: Arc<CachedPage>, generation: u64) {
        let job: CompressJob = (self.clone(), key, page, generation);
        let queue = self.compressor.get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<CompressJob>(COMPRESS_QUEUE);
            let spawned = std::thread::Builder::new().name("page-compressor".into()).spawn(move || {
                for (cache, key, page, _generation) in rx {
                    cache.replace(&key, Arc::new(page.compress_best()));
                }
            });
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "cannot start the page compressor; pages keep their quick gzip");
            }
            tx
        });
        queue.try_send(job).ok();
    }

    #[cfg(test)]
    pub(super) fn bytes(&self) -> usize {
        self.pages.read().unwrap().bytes
    }
}

/// Held by the one render of a page; when dropped, the waiting requests go on.
pub(super) struct RenderGuard {
    cache: Arc<PageCache>,
    key: String,
    tx: watch::Sender<bool>,
}

impl Drop for RenderGuard {
    fn drop(&mut self) {
        self.cache.inflight.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&self.key);
        self.tx.send(true).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ArticleId;
    use axum::body::Bytes;
    use axum::http::HeaderValue;

    fn page(keys: Vec<Key>) -> Arc<CachedPage> {
        Arc::new(CachedPage::new(HeaderValue::from_static("text/html"), Bytes::from("x".repeat(1000)), keys))
    }

    #[test]
    fn a_change_stales_only_the_pages_built_from_its_keys() {
        let changes = Changes::new();
        let c = PageCache::new(true, 100, 1 << 20, changes.clone());
        let g = c.generation();
        c.insert("/a/".into(), page(vec![Key::article(ArticleId(1))]), g);
        c.insert("/b/".into(), page(vec![Key::article(ArticleId(2))]), g);
        c.insert("/sitemap.xml".into(), page(vec![]), g);
        changes.apply(&Notice::of([Key::article(ArticleId(1))]));
        assert!(matches!(c.lookup("/a/"), Lookup::Stale(_)));
        assert!(matches!(c.lookup("/b/"), Lookup::Fresh(_)), "another story's page stays fresh");
        assert!(matches!(c.lookup("/sitemap.xml"), Lookup::Stale(_)), "a page with no keys follows every change");
    }

    #[test]
    fn a_hard_change_leaves_nothing_to_serve() {
        let changes = Changes::new();
        let c = PageCache::new(true, 100, 1 << 20, changes.clone());
        c.insert("/a/".into(), page(vec![Key::article(ArticleId(1))]), c.generation());
        changes.apply(&Notice { hard: true, ..Notice::of([Key::article(ArticleId(1))]) });
        assert!(matches!(c.lookup("/a/"), Lookup::Missing));
    }

    #[test]
    fn a_page_rendered_across_a_change_is_kept_stale() {
        let changes = Changes::new();
        let c = PageCache::new(true, 10, 1 << 20, changes.clone());
        let g = c.generation();
        changes.apply(&Notice::of([Key::article(ArticleId(1))]));
        c.insert("/a/".into(), page(vec![Key::article(ArticleId(1))]), g);
        assert!(matches!(c.lookup("/a/"), Lookup::Stale(_)));
        c.insert("/b/".into(), page(vec![Key::article(ArticleId(2))]), g);
        assert!(matches!(c.lookup("/b/"), Lookup::Fresh(_)), "a change elsewhere does not reach it");
    }

    #[test]
    fn a_full_cache_drops_the_pages_stored_longest_ago() {
        let size = page(vec![]).bytes();
        let c = PageCache::new(true, 100, size * 4, Changes::new());
        for key in ["/a", "/b", "/c", "/d", "/e"] {
            c.insert(key.into(), page(vec![]), 0);
        }
        // Over four pages' worth, it evicted down to three: the oldest went first.
        assert!(matches!(c.lookup("/a"), Lookup::Missing));
        assert!(matches!(c.lookup("/b"), Lookup::Missing));
        assert!(c.fresh("/e").is_some() && c.fresh("/d").is_some() && c.fresh("/c").is_some());
        assert_eq!(c.bytes(), size * 3);
    }

    #[test]
    fn a_list_count_is_kept_until_the_lists_change() {
        let changes = Changes::new();
        let c = PageCache::new(false, 10, 1 << 20, changes.clone());
        c.remember_total("front".into(), 91_717, c.generation());
        assert_eq!(c.total("front"), Some(91_717), "kept even with page caching off");
        changes.apply(&Notice::of([Key::article(ArticleId(3))]));
        assert_eq!(c.total("front"), Some(91_717), "an edit of a story does not recount");
        changes.apply(&Notice::of([Key::lists()]));
        assert_eq!(c.total("front"), None);
    }

    #[test]
    fn one_render_at_a_time_per_page() {
        let c = PageCache::new(true, 10, 1 << 20, Changes::new());
        let first = c.begin_render("/a/").ok().unwrap();
        let mut wait = c.begin_render("/a/").err().unwrap();
        assert!(c.begin_render("/b/").is_ok(), "another page renders beside it");
        drop(first);
        assert!(*wait.borrow_and_update(), "the waiters are told");
        assert!(c.begin_render("/a/").is_ok());
    }
}
