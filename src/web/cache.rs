//! The shared page cache: public pages rendered once, compressed once (gzip and
//! brotli), answered with ETag and Last-Modified, dropped when content changes.
//!
//! The key is the path plus the `page` query parameter and nothing else, so no
//! header, cookie or other parameter can change what a cached page holds.
//! Answers marked `Cache-Control: private` or `no-store` never enter it: every
//! handler whose answer depends on anything outside the key must mark it so.
//!
//! A change makes every page stale rather than removing it: a stale page is
//! rendered afresh on its next request, but when that render fails on our side
//! (the database is away) the stale copy is served instead of an error.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::web::AppState;

/// One cached answer in its three encodings.
pub struct CachedPage {
    content_type: HeaderValue,
    etag: HeaderValue,
    last_modified: HeaderValue,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

impl CachedPage {
    fn bytes(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.brotli.len()
    }
}

/// The stored pages: each with the generation it was rendered in and the
/// order it was stored in, and the bytes they take together.
#[derive(Default)]
struct Pages {
    map: HashMap<String, Entry>,
    bytes: usize,
    stored: u64,
}

struct Entry {
    generation: u64,
    stored: u64,
    page: Arc<CachedPage>,
}

/// Pages waiting for their best compression, at most this many: one thread
/// makes them one at a time, so a burst of new pages costs one core's share
/// and one compressor's memory, never one of each per page.
const COMPRESS_QUEUE: usize = 64;

type CompressJob = (Arc<PageCache>, String, Arc<CachedPage>, u64);

/// The in-memory cache of rendered public pages.
pub struct PageCache {
    compressor: std::sync::OnceLock<std::sync::mpsc::SyncSender<CompressJob>>,
    enabled: bool,
    max_entries: usize,
    max_bytes: usize,
    pages: RwLock<Pages>,
    /// How many articles each public list holds, per generation: counting
    /// them is the one query of a list page that grows with the archive.
    totals: RwLock<HashMap<String, (u64, u64)>>,
    /// Owns the content generation this cache reads.
    changes: crate::changes::Changes,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl PageCache {
    /// Makes an empty cache.
    pub fn new(enabled: bool, max_entries: usize, max_bytes: usize, changes: crate::changes::Changes) -> PageCache {
        PageCache {
            compressor: std::sync::OnceLock::new(),
            enabled,
            max_entries,
            max_bytes,
            pages: RwLock::new(Pages::default()),
            totals: RwLock::new(HashMap::new()),
            changes,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Queues the best compression of a page for the compressing thread; when
    /// that thread is behind (a crawl of a thousand uncached pages), the page
    /// keeps its quick gzip until its next render.
    fn compress_later(&self, this: &Arc<PageCache>, key: String, page: Arc<CachedPage>, generation: u64) {
        let job: CompressJob = (this.clone(), key, page, generation);
        let queue = self.compressor.get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<CompressJob>(COMPRESS_QUEUE);
            let spawned = std::thread::Builder::new().name("page-compressor".into()).spawn(move || {
                for (cache, key, page, generation) in rx {
                    cache.insert(key, Arc::new(page.compress_best()), generation);
                }
            });
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "cannot start the page compressor; pages keep their quick gzip");
            }
            tx
        });
        queue.try_send(job).ok();
    }

    /// The current generation (it moves on with every change of content).
    pub fn generation(&self) -> u64 {
        self.changes.generation()
    }

    /// The number of articles in a list, if counted since the last change
    /// (kept whether or not pages are cached).
    pub fn total(&self, list: &str) -> Option<u64> {
        let totals = self.totals.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        totals.get(list).filter(|(g, _)| *g == self.generation()).map(|(_, n)| *n)
    }

    /// Remembers a list's count, made in `generation`.
    pub fn remember_total(&self, list: String, total: u64, generation: u64) {
        let mut totals = self.totals.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if totals.len() >= 10_000 {
            totals.retain(|_, (g, _)| *g == generation);
        }
        totals.insert(list, (generation, total));
    }

    /// Returns (hits, misses) since start.
    pub fn stats(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// Returns the page if it is current, or else its stale copy.
    fn get(&self, key: &str) -> Result<Arc<CachedPage>, Option<Arc<CachedPage>>> {
        let pages = self.pages.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        match pages.map.get(key) {
            Some(e) if e.generation == self.generation() => Ok(e.page.clone()),
            Some(e) => Err(Some(e.page.clone())),
            None => Err(None),
        }
    }

    fn insert(&self, key: String, page: Arc<CachedPage>, generation: u64) {
        let mut pages = self.pages.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        // A page rendered before a change must not outlive the change.
        if self.generation() != generation {
            return;
        }
        let size = page.bytes();
        if size > self.max_bytes / 4 {
            return; // one huge page must not push out everything else
        }
        pages.stored += 1;
        let entry = Entry { generation, stored: pages.stored, page };
        if let Some(old) = pages.map.insert(key, entry) {
            pages.bytes -= old.page.bytes();
        }
        pages.bytes += size;
        if pages.bytes > self.max_bytes || pages.map.len() > self.max_entries {
            pages.evict(self.max_bytes / 4 * 3, self.max_entries / 4 * 3);
        }
    }
}

impl Pages {
    /// Drops the pages stored longest ago until both budgets are met (with
    /// room to spare, so a full cache does not evict on every insert).
    fn evict(&mut self, bytes: usize, entries: usize) {
        let mut order: Vec<(u64, String)> = self.map.iter().map(|(k, e)| (e.stored, k.clone())).collect();
        order.sort_unstable();
        for (_, key) in order {
            if self.bytes <= bytes && self.map.len() <= entries {
                break;
            }
            if let Some(e) = self.map.remove(&key) {
                self.bytes -= e.page.bytes();
            }
        }
    }
}

/// Builds the key from the path and the `page` parameter decoded exactly as the
/// handlers decode it, so no spelling of the query can file a page under another key.
fn cache_key(req: &Request) -> String {
    use axum::extract::Query;
    use std::collections::HashMap;
    let page = Query::<HashMap<String, String>>::try_from_uri(req.uri())
        .ok()
        .and_then(|q| q.0.get("page").cloned())
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|p| *p > 1);
    match page {
        Some(p) => format!("{}?page={p}", req.uri().path()),
        None => req.uri().path().to_owned(),
    }
}

/// The fast lane, outside every other layer: a current cached page for a
/// plain GET (no query string) is answered here, with no tracing span, timer
/// or per-route metric (hits are counted in `dateline_cache_hits_total`).
/// Everything else, including stale pages, goes on to the full stack.
pub async fn fast_hit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match hit(&state, &req) {
        Some(res) => res,
        None => next.run(req).await,
    }
}

fn hit(state: &AppState, req: &Request) -> Option<Response> {
    let cache = &state.cache;
    if !cache.enabled
        || req.uri().query().is_some()
        || !matches!(*req.method(), Method::GET | Method::HEAD)
        || personal(req.headers())
    {
        return None;
    }
    let page = cache.get(req.uri().path()).ok()?;
    cache.hits.fetch_add(1, Ordering::Relaxed);
    state.metrics.cache_hits.inc();
    let mut res = answer(&page, req.headers(), "hit");
    crate::web::set_security_headers(res.headers_mut(), crate::web::over_https(state, req));
    Some(res)
}

/// Answers from the cache when it can, and fills it from the handler when it cannot.
pub async fn serve_cached(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cache = state.cache.clone();
    if !cache.enabled || !matches!(*req.method(), Method::GET | Method::HEAD) || personal(req.headers()) {
        return next.run(req).await;
    }
    let key = cache_key(&req);
    let stale = match cache.get(&key) {
        Ok(page) => {
            cache.hits.fetch_add(1, Ordering::Relaxed);
            return answer(&page, req.headers(), "hit");
        }
        Err(stale) => stale,
    };
    let req_headers = req.headers().clone();
    cache.misses.fetch_add(1, Ordering::Relaxed);
    let generation = cache.generation();
    let res = next.run(req).await;
    if res.status().is_server_error() {
        if let Some(page) = stale {
            tracing::warn!(status = res.status().as_u16(), path = %key, "serving a stale page");
            return answer(&page, &req_headers, "stale");
        }
    }
    if res.status() != StatusCode::OK || !cacheable(res.headers()) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, 16 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("text/html; charset=utf-8"));
    // The page is stored and answered at once with a quick gzip; brotli and
    // gzip at their best take tens of milliseconds on a long page, so they are
    // made on a blocking thread and replace the entry when ready.
    let page = Arc::new(compress(content_type, bytes));
    cache.insert(key.clone(), page.clone(), generation);
    cache.compress_later(&cache, key, page.clone(), generation);
    answer(&page, &req_headers, "miss")
}

/// Tells whether the request must get a page of its own: the browser has
/// comments awaiting moderation that only it may see.
fn personal(h: &HeaderMap) -> bool {
    crate::web::cookie::get(h, crate::web::comments::PENDING_COOKIE).is_some()
        || crate::web::protected::carries_unlock(h)
}

fn cacheable(h: &HeaderMap) -> bool {
    let cc = h.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or("");
    !(cc.contains("private") || cc.contains("no-store") || h.contains_key(header::SET_COOKIE))
}

/// Makes the cached page with a quick gzip only (about a millisecond for a
/// long article page); [`CachedPage::compress_best`] adds the rest.
fn compress(content_type: HeaderValue, body: Bytes) -> CachedPage {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(&body);
    let etag = format!("\"{}\"", hex::encode(&digest[..12]));
    CachedPage {
        content_type,
        etag: HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"0\"")),
        last_modified: HeaderValue::from_str(&httpdate::fmt_http_date(std::time::SystemTime::now()))
            .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT")),
        gzip: gzip(&body, flate2::Compression::fast()).into(),
        brotli: Bytes::new(),
        identity: body,
    }
}

fn gzip(body: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), level);
    gz.write_all(body).and_then(|()| gz.finish()).unwrap_or_default()
}

impl CachedPage {
    /// The same page (same ETag and date) with gzip and brotli at their best,
    /// made once per render, off the request path.
    fn compress_best(&self) -> CachedPage {
        let mut br = Vec::new();
        // A 256 KB window covers a whole page and keeps the encoder's memory small.
        let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 18, ..Default::default() };
        let brotli = match brotli::BrotliCompress(&mut self.identity.as_ref(), &mut br, &params) {
            Ok(_) => br,
            Err(_) => Vec::new(),
        };
        CachedPage {
            content_type: self.content_type.clone(),
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
            identity: self.identity.clone(),
            gzip: gzip(&self.identity, flate2::Compression::best()).into(),
            brotli: brotli.into(),
        }
    }
}

fn accepts(h: &HeaderMap, coding: &str) -> bool {
    h.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.trim().split(';');
            let name = it.next().unwrap_or("").trim();
            let q0 = it.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            name.eq_ignore_ascii_case(coding) && !q0
        })
    })
}

fn not_modified(page: &CachedPage, h: &HeaderMap) -> bool {
    if let Some(inm) = h.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        let tag = page.etag.to_str().unwrap_or("");
        return inm.split(',').any(|t| t.trim() == tag || t.trim() == "*" || t.trim().trim_start_matches("W/") == tag);
    }
    let since =
        h.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()).and_then(|s| httpdate::parse_http_date(s).ok());
    let modified = page.last_modified.to_str().ok().and_then(|s| httpdate::parse_http_date(s).ok());
    matches!((since, modified), (Some(s), Some(m)) if m <= s)
}

fn answer(page: &CachedPage, req: &HeaderMap, status: &'static str) -> Response {
    let mut res = if not_modified(page, req) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (body, coding) = if !page.brotli.is_empty() && accepts(req, "br") {
            (page.brotli.clone(), Some("br"))
        } else if !page.gzip.is_empty() && accepts(req, "gzip") {
            (page.gzip.clone(), Some("gzip"))
        } else {
            (page.identity.clone(), None)
        };
        let mut r = Response::new(Body::from(body));
        if let Some(c) = coding {
            r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
        }
        r.headers_mut().insert(header::CONTENT_TYPE, page.content_type.clone());
        r
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, page.etag.clone());
    h.insert(header::LAST_MODIFIED, page.last_modified.clone());
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=0, must-revalidate"));
    h.insert("x-cache", HeaderValue::from_static(status));
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::change::Notice;

    #[test]
    fn every_spelling_of_the_page_parameter_gets_the_same_key() {
        let key = |q: &str| cache_key(&Request::builder().uri(format!("/x/{q}")).body(Body::empty()).unwrap());
        assert_eq!(key("?page=2"), "/x/?page=2");
        assert_eq!(key("?page=%32"), "/x/?page=2");
        assert_eq!(key("?pag%65=2"), "/x/?page=2");
        assert_eq!(key("?page=1"), "/x/");
        assert_eq!(key("?utm_source=feed"), "/x/");
    }

    #[test]
    fn accept_encoding_respects_q_zero() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, br;q=0"));
        assert!(accepts(&h, "gzip"));
        assert!(!accepts(&h, "br"));
    }

    #[test]
    fn compressed_bodies_decompress_to_the_page() {
        let quick = compress(HeaderValue::from_static("text/html"), Bytes::from("<p>hello hello hello</p>".repeat(50)));
        assert!(quick.brotli.is_empty() && !quick.gzip.is_empty(), "a quick gzip first, brotli later");
        let page = quick.compress_best();
        assert_eq!(page.etag, quick.etag, "the same page under the same tag");
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&page.gzip[..]), &mut out).unwrap();
        assert_eq!(out.as_bytes(), &page.identity[..]);
        let mut br = Vec::new();
        brotli::BrotliDecompress(&mut &page.brotli[..], &mut br).unwrap();
        assert_eq!(&br[..], &page.identity[..]);
    }

    #[test]
    fn a_page_rendered_before_a_clear_is_not_kept() {
        let c = PageCache::new(true, 10, 1 << 20, Default::default());
        let g = c.generation();
        c.changes.apply(&Notice::everything());
        c.insert("/".into(), Arc::new(compress(HeaderValue::from_static("text/html"), Bytes::from("x"))), g);
        assert!(matches!(c.get("/"), Err(None)));
    }

    #[test]
    fn a_full_cache_drops_the_pages_stored_longest_ago() {
        let page = || Arc::new(compress(HeaderValue::from_static("text/html"), Bytes::from("x".repeat(1000))));
        let size = page().bytes();
        let c = PageCache::new(true, 100, size * 4, Default::default());
        for key in ["/a", "/b", "/c", "/d", "/e"] {
            c.insert(key.into(), page(), 0);
        }
        // Over four pages' worth, it evicted down to three: the oldest went first.
        assert!(matches!(c.get("/a"), Err(None)));
        assert!(matches!(c.get("/b"), Err(None)));
        assert!(c.get("/e").is_ok() && c.get("/d").is_ok() && c.get("/c").is_ok());
        let stored = c.pages.read().unwrap();
        assert_eq!(stored.bytes, size * 3);
    }

    #[test]
    fn a_list_count_is_kept_until_the_content_changes() {
        let c = PageCache::new(false, 10, 1 << 20, Default::default());
        let g = c.generation();
        c.remember_total("front".into(), 91_717, g);
        assert_eq!(c.total("front"), Some(91_717), "kept even with page caching off");
        c.changes.apply(&Notice::everything());
        assert_eq!(c.total("front"), None);
        c.remember_total("front".into(), 3, g);
        assert_eq!(c.total("front"), None, "a count made before a change is not kept");
    }

    #[test]
    fn a_change_leaves_a_stale_copy_behind() {
        let c = PageCache::new(true, 10, 1 << 20, Default::default());
        let page = Arc::new(compress(HeaderValue::from_static("text/html"), Bytes::from("x")));
        c.insert("/".into(), page, c.generation());
        assert!(c.get("/").is_ok());
        c.changes.apply(&Notice::everything());
        assert!(matches!(c.get("/"), Err(Some(_))), "stale, kept for when a render fails");
    }
}
