//! The shared page cache: public pages rendered once, compressed once (gzip and
//! brotli), answered with ETag and Last-Modified, kept warm while the story moves.
//!
//! The key is the path plus the `page` query parameter and nothing else, so no
//! header, cookie or other parameter can change what a cached page holds.
//! Answers marked `Cache-Control: private` or `no-store` never enter it: every
//! handler whose answer depends on anything outside the key must mark it so.
//!
//! Each page names what it was built from ([`PageKeys`], set by its handler);
//! a change makes stale exactly the pages it touches (`pages`). The first
//! request for a stale page renders it afresh (whoever made the change sees
//! it at once), and every request meanwhile is answered the stale copy
//! without waiting; the first requests for a page no copy exists of wait for
//! one render. A page is rendered once per change however many ask. When a
//! render fails on our side (the database is away) the stale copy is served.
//! An edge cache in front gets the same keys (`Surrogate-Key`, `xkey`) and
//! `s-maxage`, `stale-while-revalidate` and `stale-if-error`.

mod page;
mod pages;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use pages::PageCache;

use crate::domain::change::Key;
use crate::web::AppState;
use page::CachedPage;
use pages::Lookup;

/// What a page was built from, set by its handler as a response extension.
/// A page without it depends on everything.
#[derive(Debug, Clone, Default)]
pub struct PageKeys(pub Vec<Key>);

/// Names what an answer was built from.
pub fn with_keys(mut res: Response, keys: Vec<Key>) -> Response {
    res.extensions_mut().insert(PageKeys(keys));
    res
}

/// How long edge caches may keep a page, in seconds.
#[derive(Debug, Clone)]
pub struct EdgePolicy {
    pub cache_control: HeaderValue,
}

impl EdgePolicy {
    /// Makes the `Cache-Control` of public pages: browsers revalidate (ETag),
    /// edges keep a page `s_maxage` seconds (a purge ends it sooner), serve it
    /// stale while refetching and when the origin fails.
    pub fn new(s_maxage: u32, stale_while_revalidate: u32, stale_if_error: u32) -> EdgePolicy {
        let v = format!(
            "public, max-age=0, s-maxage={s_maxage}, stale-while-revalidate={stale_while_revalidate}, \
             stale-if-error={stale_if_error}"
        );
        EdgePolicy { cache_control: HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static("public, max-age=0")) }
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

/// The fast lane, in front of the router and every layer: a current cached
/// page for a plain GET (no query string) is answered from here, with no
/// tracing span, timer or per-route metric (hits are counted in
/// `dateline_cache_hits_total`). `None` sends the request on to the router,
/// which also answers stale pages.
pub fn hit<B>(state: &AppState, req: &axum::http::Request<B>, peer: std::net::SocketAddr) -> Option<Response> {
    let cache = &state.cache;
    if !cache.enabled
        || req.uri().query().is_some()
        || !matches!(*req.method(), Method::GET | Method::HEAD)
        || personal(req.headers())
        || from_edge(req.headers())
    {
        return None;
    }
    let page = cache.fresh(req.uri().path())?;
    cache.hits.fetch_add(1, Ordering::Relaxed);
    state.metrics.cache_hits.inc();
    let mut res = answer(state, &page, req.headers(), "hit");
    crate::web::set_security_headers(res.headers_mut(), crate::web::over_https_from(state, req.headers(), Some(peer)));
    Some(res)
}

/// How long a request waits for another's render of the same page.
const WAIT_FOR_RENDER: Duration = Duration::from_secs(10);

/// Answers from the cache when it can, and fills it from the handler when it cannot.
pub async fn serve_cached(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cache = state.cache.clone();
    if !cache.enabled || !matches!(*req.method(), Method::GET | Method::HEAD) || personal(req.headers()) {
        return next.run(req).await;
    }
    if from_edge(req.headers()) {
        heard_everything(&state).await;
    }
    let key = cache_key(&req);
    match cache.lookup(&key) {
        Lookup::Fresh(page) => {
            cache.hits.fetch_add(1, Ordering::Relaxed);
            answer(&state, &page, req.headers(), "hit")
        }
        Lookup::Stale(page) => match cache.begin_render(&key) {
            // The first request after a change renders the page (so whoever
            // made the change sees it); every other request meanwhile gets the
            // stale copy at once: one render per change, however many ask.
            Ok(guard) => {
                let headers = req.headers().clone();
                let res = render(&state, key, req, next, Some(&headers)).await;
                drop(guard);
                res
            }
            Err(_) => {
                cache.stale_served.fetch_add(1, Ordering::Relaxed);
                answer(&state, &page, req.headers(), "stale")
            }
        },
        Lookup::Missing => {
            match cache.begin_render(&key) {
                Ok(guard) => {
                    let headers = req.headers().clone();
                    let res = render(&state, key, req, next, Some(&headers)).await;
                    drop(guard);
                    res
                }
                Err(mut wait) => {
                    // Another request is rendering this page: wait for it, then answer from the cache.
                    // (The value read is dropped at once: it must not be held across an await.)
                    let done = matches!(
                        tokio::time::timeout(WAIT_FOR_RENDER, wait.wait_for(|d| *d)).await.map(|r| r.is_ok()),
                        Ok(true)
                    );
                    match (done, cache.lookup(&key)) {
                        (true, Lookup::Fresh(page) | Lookup::Stale(page)) => {
                            cache.hits.fetch_add(1, Ordering::Relaxed);
                            answer(&state, &page, req.headers(), "hit")
                        }
                        _ => {
                            let headers = req.headers().clone();
                            render(&state, cache_key(&req), req, next, Some(&headers)).await
                        }
                    }
                }
            }
        }
    }
}

/// Renders a page through the handler, stores it when it may be shared, and
/// answers it to the reader whose headers are given.
async fn render(state: &AppState, key: String, req: Request, next: Next, reader: Option<&HeaderMap>) -> Response {
    let cache = &state.cache;
    cache.misses.fetch_add(1, Ordering::Relaxed);
    let generation = cache.generation();
    let res = next.run(req).await;
    if res.status().is_server_error() {
        if let (Some(h), Lookup::Stale(page)) = (reader, cache.lookup(&key)) {
            tracing::warn!(status = res.status().as_u16(), path = %key, "serving a stale page");
            return answer(state, &page, h, "stale");
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
    let keys = parts.extensions.get::<PageKeys>().map(|k| k.0.clone()).unwrap_or_default();
    // The page is stored and answered at once with a quick gzip; brotli and
    // gzip at their best take tens of milliseconds on a long page, so they are
    // made on one background thread and replace the entry when ready.
    let page = Arc::new(CachedPage::new(content_type, bytes, keys));
    cache.insert(key.clone(), page.clone(), generation);
    cache.compress_later(key, page.clone(), generation);
    match reader {
        Some(h) => answer(state, &page, h, "miss"),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

/// Tells whether an edge cache asks (Varnish sends `Surrogate-Capability`,
/// as `docs/edge/dateline.vcl` sets it).
fn from_edge(h: &HeaderMap) -> bool {
    h.contains_key("surrogate-capability")
}

/// How long an edge's fetch waits for this node to hear the changes already committed.
const EDGE_WAIT: Duration = Duration::from_secs(1);

/// Waits until this node has heard every change committed so far. An edge
/// refetches a page as soon as a change's purge reaches it, which can be
/// before another node heard of the change: that node would hand the edge
/// its old copy, kept there for `s-maxage`. Edges ask rarely (only when
/// their own copy is gone or stale), so the query this costs is cheap.
async fn heard_everything(state: &AppState) {
    let Ok(newest) = state.store.last_change().await else { return };
    let start = std::time::Instant::now();
    while state.changes.last_logged() < newest && start.elapsed() < EDGE_WAIT {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Tells whether the request must get a page of its own: the browser has
/// comments awaiting moderation that only it may see, or gave a story's password.
fn personal(h: &HeaderMap) -> bool {
    crate::web::cookie::get(h, crate::web::comments::PENDING_COOKIE).is_some()
        || crate::web::protected::carries_unlock(h)
}

fn cacheable(h: &HeaderMap) -> bool {
    let cc = h.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or("");
    !(cc.contains("private") || cc.contains("no-store") || h.contains_key(header::SET_COOKIE))
}

const SURROGATE_CONTROL: HeaderName = HeaderName::from_static("surrogate-control");
const SURROGATE_KEY: HeaderName = HeaderName::from_static("surrogate-key");
const XKEY: HeaderName = HeaderName::from_static("xkey");
const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

fn answer(state: &AppState, page: &CachedPage, req: &HeaderMap, status: &'static str) -> Response {
    // The banner's slot, filled with the banner shown now (or an ESI include for an edge).
    let fragment = page.slot.map(|at| (at, state.banner.for_request(req)));
    let filled = fragment.as_ref().filter(|(_, f)| !f.html.is_empty()).map(|(at, f)| page.filled(*at, f));
    let (etag, identity, gzip, brotli) = match &filled {
        Some(f) => (&f.etag, &f.identity, &f.gzip, &Bytes::new()),
        None => (&page.etag, &page.identity, &page.gzip, &page.brotli),
    };
    let mut res = if page::not_modified(page, etag, req) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (body, coding) = if !brotli.is_empty() && page::accepts(req, "br") {
            (brotli.clone(), Some("br"))
        } else if !gzip.is_empty() && page::accepts(req, "gzip") {
            (gzip.clone(), Some("gzip"))
        } else {
            (identity.clone(), None)
        };
        let mut r = Response::new(Body::from(body));
        if let Some(c) = coding {
            r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
        }
        r.headers_mut().insert(header::CONTENT_TYPE, page.content_type.clone());
        r
    };
    if fragment.as_ref().is_some_and(|(_, f)| f.html.starts_with(b"<esi:")) {
        res.headers_mut().insert(SURROGATE_CONTROL, HeaderValue::from_static("content=\"ESI/1.0\""));
    }
    let h = res.headers_mut();
    h.insert(header::ETAG, etag.clone());
    h.insert(header::LAST_MODIFIED, page.last_modified.clone());
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::CACHE_CONTROL, state.edge.cache_control.clone());
    let keys = page.key_header.clone().unwrap_or(HeaderValue::from_static("any"));
    h.insert(SURROGATE_KEY, keys.clone());
    h.insert(XKEY, keys);
    h.insert(X_CACHE, HeaderValue::from_static(status));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn edges_may_serve_stale_copies_browsers_revalidate() {
        let p = EdgePolicy::new(300, 30, 86_400);
        let cc = p.cache_control.to_str().unwrap();
        assert!(cc.contains("max-age=0") && cc.contains("s-maxage=300") && cc.contains("stale-if-error=86400"));
    }
}
