//! The breaking-news banner as pages get it. Every page's layout holds a slot
//! ([`MARK`]) instead of the banner itself, so setting or clearing the banner
//! changes one fragment and no cached page: the page cache fills the slot when
//! it answers (keeping, per page, one compressed copy with the current banner),
//! other HTML answers are filled on their way out ([`fill_uncached`]), and an
//! edge cache that speaks ESI (`[cache] esi = true`) gets an `<esi:include>` of
//! `/_fragments/banner` and fills the slot itself. Open live pages hear the
//! change on their event stream.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Notify;

use crate::changes::Changes;
use crate::domain::change::Key;
use crate::render::Renderer;
use crate::store::Store;
use crate::web::AppState;

/// Where the banner goes in every page (written by `layout.html`).
pub const MARK: &str = "<!--dateline:banner-->";

/// What fills the slot: the banner's HTML (empty when there is none), and a
/// version that moves on with every change of it.
#[derive(Debug)]
pub struct Fragment {
    pub version: u64,
    pub html: Bytes,
}

/// The banner this node shows now.
pub struct BannerSlot {
    current: RwLock<Arc<Fragment>>,
    esi: Arc<Fragment>,
    esi_enabled: bool,
    versions: AtomicU64,
}

/// The ESI fragment's version: it never changes (the edge fetches the banner).
const ESI_VERSION: u64 = u64::MAX;

impl BannerSlot {
    /// Reads the banner and keeps it current: every change of it (this
    /// node's or another's) makes one worker read it again.
    pub async fn start(
        store: Arc<dyn Store>,
        renderer: Arc<Renderer>,
        changes: &Changes,
        esi_enabled: bool,
    ) -> Arc<BannerSlot> {
        let slot = Arc::new(BannerSlot {
            current: RwLock::new(Arc::new(Fragment { version: 0, html: Bytes::new() })),
            esi: Arc::new(Fragment {
                version: ESI_VERSION,
                html: Bytes::from_static(b"<esi:include src=\"/_fragments/banner\"/>"),
            }),
            esi_enabled,
            versions: AtomicU64::new(0),
        });
        slot.reload(store.as_ref(), &renderer).await;
        let wake = Arc::new(Notify::new());
        let w = wake.clone();
        changes.subscribe(move |_, n| {
            if n.keys.contains(&Key::banner()) || n.keys.contains(&Key::all()) {
                w.notify_one();
            }
        });
        let worker = slot.clone();
        tokio::spawn(async move {
            loop {
                wake.notified().await;
                worker.reload(store.as_ref(), &renderer).await;
            }
        });
        slot
    }

    async fn reload(&self, store: &dyn Store, renderer: &Renderer) {
        match crate::service::site::current_banner(store).await {
            Ok(banner) => {
                let html = render(renderer, banner.as_ref());
                let version = self.versions.fetch_add(1, Ordering::SeqCst) + 1;
                *self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Arc::new(Fragment { version, html: Bytes::from(html) });
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the breaking-news banner"),
        }
    }

    /// The banner shown now.
    pub fn current(&self) -> Arc<Fragment> {
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// What fills the slot of a page answered to a request: the ESI include
    /// for an edge that speaks ESI (when enabled), the banner otherwise.
    pub fn for_request(&self, h: &HeaderMap) -> Arc<Fragment> {
        let esi = self.esi_enabled
            && h.get("surrogate-capability").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("ESI/1.0"));
        if esi {
            self.esi.clone()
        } else {
            self.current()
        }
    }
}

/// Renders the banner's HTML (empty without a banner).
pub fn render(renderer: &Renderer, banner: Option<&crate::domain::banner::Banner>) -> String {
    let Some(b) = banner else { return String::new() };
    renderer.render("public/banner.html", minijinja::context! { banner => b }).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot render the banner");
        String::new()
    })
}

/// Fills the slot of a page's bytes (None when the page has no slot).
pub fn fill(page: &[u8], at: usize, fragment: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(page.len() + fragment.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(fragment);
    out.extend_from_slice(&page[at + MARK.len()..]);
    out
}

/// Finds the slot in a page.
pub fn find(page: &[u8]) -> Option<usize> {
    memchr::memmem::find(page, MARK.as_bytes())
}

/// Fills the slot of HTML answers that do not come from the page cache (the
/// cache fills its own), on their way out.
pub async fn fill_uncached(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let fragment = state.banner.current();
    // Without a banner the slot stays as it is, as in cached pages.
    let html = !fragment.html.is_empty()
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !html || res.headers().contains_key("x-cache") || res.headers().contains_key(header::CONTENT_ENCODING) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, 32 * 1024 * 1024).await else {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Some(at) = find(&bytes) else { return Response::from_parts(parts, Body::from(bytes)) };
    let filled = fill(&bytes, at, &fragment.html);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(filled))
}

/// The banner fragment an ESI-speaking edge includes in every page.
pub async fn show_fragment(State(state): State<AppState>) -> Response {
    let f = state.banner.current();
    let mut res = Response::new(Body::from(f.html.clone()));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, state.edge.cache_control.clone());
    h.insert("xkey", HeaderValue::from_static("banner"));
    h.insert("surrogate-key", HeaderValue::from_static("banner"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slot_is_filled_in_place() {
        let page = format!("<body>{MARK}<main>x</main>");
        let at = find(page.as_bytes()).unwrap();
        assert_eq!(fill(page.as_bytes(), at, b"<aside>B</aside>"), b"<body><aside>B</aside><main>x</main>");
        assert_eq!(find(b"<body>no slot</body>"), None);
    }
}
