//! HTTP: routing, the layers every request passes, and thin handlers that
//! parse the request, ask the domain and the store, and render.

pub mod admin;
pub mod api;
pub mod auth;
pub mod banner;
pub mod cache;
pub mod comments;
pub mod cookie;
pub mod error;
pub mod errors;
pub mod form;
pub mod frame;
pub mod intel;
pub mod legacy;
pub mod limits;
pub mod live;
pub mod media;
pub mod metrics;
pub mod protected;
pub mod public;
pub mod search;
pub mod server;
pub mod share;
mod state;
pub mod syndication;

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use state::{AppState, Parts as StateParts};

#[derive(rust_embed::Embed)]
#[folder = "static/"]
struct Static;

/// Builds the whole router with its layers.
pub fn router(state: AppState) -> Router {
    let cfg = state.cfg.clone();
    let body = limits::BodyLimits::new(&cfg);
    let public = public::routes()
        .merge(syndication::routes())
        .merge(intel::routes())
        .layer(middleware::from_fn_with_state(state.clone(), cache::serve_cached))
        .layer(middleware::from_fn_with_state(state.clone(), legacy::post_links));
    Router::new()
        .merge(public)
        .merge(comments::routes(&cfg))
        .merge(search::routes())
        .merge(protected::routes(&cfg))
        .merge(live::routes())
        .route("/category/{*rest}", get(legacy::category))
        .nest("/admin", admin::routes(&cfg))
        // People type both; the router knows only the first.
        .route("/admin/", get(|| async { axum::response::Redirect::permanent("/admin") }))
        .nest("/api/v1", api::routes(&cfg))
        .route(
            "/setup/{token}",
            limits::limit(get(auth::show_setup).post(auth::create_first_admin), body.form, "The form"),
        )
        .route("/_fragments/banner", get(banner::show_fragment))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::show))
        .route("/static/{*path}", get(static_file))
        .route("/media/{id}/{file}", get(media::show))
        .route("/media/{id}/original/{name}", get(media::show_named))
        .layer(middleware::from_fn_with_state(state.clone(), errors::render_error_pages))
        .layer(middleware::from_fn_with_state(state.clone(), banner::fill_uncached))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(middleware::from_fn_with_state(state.clone(), security_headers))
        // Routes that take a body set their own limits (`limits`), which answer first;
        // these bind everything else, and stop any body beyond the largest of them.
        .layer(DefaultBodyLimit::max(cfg.server.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(body.largest() + 64 * 1024))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(cfg.server.request_timeout_secs),
        ))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Answers 200 when the database answers, 503 otherwise; `?detail` adds, as
/// JSON, the last backup's result (for an operator's monitoring).
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    let db = state.store.ping().await;
    if let Err(e) = &db {
        tracing::warn!(error = %e, "health check failed");
    }
    let status = if db.is_ok() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    if uri.query().is_some_and(|q| q.split('&').any(|p| p == "detail" || p.starts_with("detail="))) {
        let body = serde_json::json!({
            "database": if db.is_ok() { "ok" } else { "unavailable" },
            "backup": {
                "last": state.backups.last(),
                "last_success": state.backups.last_success(),
            },
        });
        return (status, axum::Json(body)).into_response();
    }
    (status, if db.is_ok() { "ok\n" } else { "database unavailable\n" }).into_response()
}

/// Serves the embedded stylesheet, scripts and icons, cacheable for a day.
async fn static_file(axum::extract::Path(path): axum::extract::Path<String>) -> axum::response::Response {
    let Some(file) = Static::get(&path) else {
        return crate::web::error::AppError::NotFound.into_response();
    };
    let mime = match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
        ],
        file.data.into_owned(),
    )
        .into_response()
}

/// Tells whether the reader came over HTTPS: the site's address says so, or a
/// configured proxy says so in `X-Forwarded-Proto`.
pub(crate) fn over_https<B>(state: &AppState, req: &axum::http::Request<B>) -> bool {
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    over_https_from(state, req.headers(), peer)
}

/// [`over_https`] for a request whose peer is known apart from it.
pub(crate) fn over_https_from(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> bool {
    if state.cfg.site.base_url.starts_with("https://") {
        return true;
    }
    let from_proxy = peer.is_some_and(|p| state.cfg.server.trusted_proxies.contains(&p.ip()));
    from_proxy && headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// Adds the headers every answer carries.
async fn security_headers(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let https = over_https(&state, &req);
    let mut res = next.run(req).await;
    set_security_headers(res.headers_mut(), https);
    res
}

/// Sets the headers every answer carries, keeping a handler's own policy.
pub(crate) fn set_security_headers(h: &mut axum::http::HeaderMap, https: bool) {
    if https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    // A handler may set a narrower or wider policy of its own (the Mastodon hop must forward off-site).
    if h.contains_key(header::CONTENT_SECURITY_POLICY) {
        return;
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
        ),
    );
}
