//! Prometheus metrics: requests by route and status, latency, cache hits.

use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::web::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

/// The registry and the metrics the server updates.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    pub(crate) cache_hits: Counter,
    cache_misses: Counter,
    live_streams: Gauge,
    jobs: Family<JobLabels, Gauge>,
    backup_success: Gauge,
    backup_failed: Gauge,
}

/// A kind of queued job and where it is.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: &'static str,
    state: &'static str,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("dateline");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0001, 2.5, 14))
        });
        let cache_hits = Counter::default();
        let cache_misses = Counter::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register("http_request_duration_seconds", "Time to answer a request", latency.clone());
        registry.register("page_cache_hits", "Pages answered from the page cache", cache_hits.clone());
        registry.register("page_cache_misses", "Pages rendered because the cache missed", cache_misses.clone());
        let live_streams = Gauge::default();
        registry.register("live_streams", "Live-story event streams open on this node", live_streams.clone());
        let jobs = Family::<JobLabels, Gauge>::default();
        registry.register("jobs", "Queued jobs (mail, edge purges) by state", jobs.clone());
        let backup_success = Gauge::default();
        registry.register(
            "backup_last_success_timestamp_seconds",
            "When the last backup that succeeded was made (Unix time; 0: none known)",
            backup_success.clone(),
        );
        let backup_failed = Gauge::default();
        registry.register("backup_last_failed", "1 when the last backup attempt failed", backup_failed.clone());
        Metrics {
            registry: Mutex::new(registry),
            requests,
            latency,
            cache_hits,
            cache_misses,
            live_streams,
            jobs,
            backup_success,
            backup_failed,
        }
    }
}

/// Counts and times every request by its route pattern (never the raw path, which is unbounded).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_owned();
    let route =
        req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "other".to_owned());
    let res = next.run(req).await;
    let m = &state.metrics;
    m.requests.get_or_create(&RequestLabels { method, route: route.clone(), status: res.status().as_u16() }).inc();
    m.latency.get_or_create(&RouteLabels { route }).observe(start.elapsed().as_secs_f64());
    match res.headers().get("x-cache").map(HeaderValue::as_bytes) {
        Some(b"hit") => {
            m.cache_hits.inc();
        }
        Some(b"miss") => {
            m.cache_misses.inc();
        }
        _ => {}
    }
    res
}

/// Writes the metrics in Prometheus text format, to this machine and the
/// addresses in `server.metrics_from` only.
pub async fn show(State(state): State<AppState>, ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>) -> Response {
    if !peer.ip().is_loopback() && !state.cfg.server.metrics_from.contains(&peer.ip()) {
        return crate::web::error::AppError::NotFound.into_response();
    }
    let m = &state.metrics;
    m.live_streams.set(i64::try_from(state.streams.open_streams()).unwrap_or(i64::MAX));
    m.backup_success.set(state.backups.last_success().map_or(0, |t| t.timestamp()));
    m.backup_failed.set(i64::from(state.backups.last().is_some_and(|r| !r.ok)));
    for kind in [crate::store::MAIL, crate::store::PURGE] {
        match state.store.count_jobs(kind).await {
            Ok(c) => {
                for (st, n) in [("waiting", c.waiting), ("done", c.done), ("failed", c.failed)] {
                    m.jobs.get_or_create(&JobLabels { kind, state: st }).set(i64::try_from(n).unwrap_or(i64::MAX));
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot count the queued jobs"),
        }
    }
    let mut out = String::new();
    let registry = m.registry.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &registry) {
        return crate::web::error::AppError::internal(anyhow::anyhow!("cannot encode metrics: {e}")).into_response();
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], out).into_response()
}
