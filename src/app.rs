//! The application: shared state, start-up (open and migrate the store, load
//! templates, create secrets, seed the demo) and the server loop with graceful
//! shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::render::Renderer;
use crate::store::Store;
use crate::web::cache::PageCache;
use crate::web::metrics::Metrics;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub cfg: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub renderer: Arc<Renderer>,
    pub cache: Arc<PageCache>,
    pub metrics: Arc<Metrics>,
    pub signer: Arc<crate::web::signing::Signer>,
    /// Report content changes here (clears caches on every node).
    pub changes: crate::changes::Changes,
    /// Readers' comments go through here, committed in batches.
    pub comments: crate::service::writer::CommentWriter,
}

/// A built application, bound to its address and ready to run.
pub struct App {
    listener: TcpListener,
    state: AppState,
    announcements: tokio::sync::mpsc::Receiver<()>,
}

/// Fails early, and plainly, when the data folder cannot be written to.
fn check_writable(dir: &std::path::Path) -> anyhow::Result<()> {
    let probe = dir.join(format!(".dateline-write-check-{}", std::process::id()));
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            std::fs::remove_file(&probe).ok();
            Ok(())
        }
        Err(e) => anyhow::bail!(
            "the data folder {} is not writable ({e}). Dateline keeps its database, media and keys there: \
             mount it read-write, give this user write access, or choose another folder with --data",
            dir.display()
        ),
    }
}

/// Opens and migrates the store named by the configuration, creating the data folder.
pub async fn open_store(cfg: &Config) -> anyhow::Result<Arc<dyn Store>> {
    std::fs::create_dir_all(&cfg.data_dir)
        .with_context(|| format!("cannot create the data folder {}", cfg.data_dir.display()))?;
    check_writable(&cfg.data_dir)?;
    let url = cfg.database_url();
    let store = crate::store::open_with(&url, &cfg.database.pool())
        .await
        .with_context(|| format!("cannot open the database {}", crate::config::redact_url(&url)))?;
    store.migrate().await.context("cannot bring the database schema up to date")?;
    Ok(store)
}

impl App {
    /// Binds the listener, opens the store, loads templates and, on an empty site, seeds the demo.
    pub async fn build(mut cfg: Config, demo: bool) -> anyhow::Result<App> {
        let listener = TcpListener::bind(cfg.server.listen)
            .await
            .with_context(|| format!("cannot listen on {}", cfg.server.listen))?;
        // Without a configured public address, links point at where we listen.
        if cfg.site.base_url == crate::config::SiteConfig::default().base_url {
            if let Some(addr) = listener.local_addr().ok().filter(|a| a.ip().is_loopback()) {
                cfg.site.base_url = format!("http://{addr}");
            }
        }
        let store = open_store(&cfg).await?;
        let renderer = Renderer::new(cfg.data_dir.join("theme").is_dir().then(|| cfg.data_dir.join("theme")))
            .context("a template does not compile")?;
        if demo {
            crate::demo::seed_if_empty(&store, &cfg).await.context("cannot create the demo site")?;
        }
        crate::web::auth::announce_setup_link(&store, &cfg).await?;
        let signer =
            crate::web::signing::Signer::load(&*store, &cfg.data_dir).await.context("cannot load the signing key")?;
        let cache =
            Arc::new(PageCache::new(cfg.cache.enabled, cfg.cache.max_entries, cfg.cache.max_megabytes * 1024 * 1024));
        let (changes, announcements) = crate::changes::Changes::new(cache.clone());
        // SQLite has one writer; PostgreSQL commits a few batches side by side.
        let writers = if crate::store::is_postgres(&cfg.database_url()) { 4 } else { 1 };
        let state = AppState {
            comments: crate::service::writer::CommentWriter::start(store.clone(), writers),
            signer: Arc::new(signer),
            changes,
            cache,
            metrics: Arc::new(Metrics::new()),
            cfg: Arc::new(cfg),
            store,
            renderer: Arc::new(renderer),
        };
        Ok(App { listener, state, announcements })
    }

    /// Returns the address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| self.state.cfg.server.listen)
    }

    /// Returns the shared state (tests use its store).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes requests in flight.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let state = self.state.clone();
        let addr = self.local_addr();
        let ticker = tokio::spawn(publish_scheduled(state.clone()));
        let announcer = tokio::spawn(crate::changes::announce(state.store.clone(), self.announcements));
        let listener = tokio::spawn(crate::changes::listen(state.store.clone(), state.cache.clone()));
        let mailer = if state.cfg.mail.enabled {
            let mailer = crate::mail::Mailer::new(&state.cfg.mail).context("mail configuration")?;
            Some(tokio::spawn(crate::mail::run(mailer, state.store.clone())))
        } else {
            None
        };
        let router = crate::web::router(state);
        tracing::info!(addr = %addr, "serving");
        let limits = crate::web::server::Limits {
            header_timeout: Duration::from_secs(self.state.cfg.server.header_timeout_secs.max(1)),
            max_connections: self.state.cfg.server.max_connections,
        };
        let result = crate::web::server::serve(self.listener, router, limits, shutdown).await;
        ticker.abort();
        announcer.abort();
        listener.abort();
        if let Some(m) = mailer {
            m.abort();
        }
        result.context("server error")
    }
}

/// Publishes scheduled articles when their time comes and drops cached pages.
async fn publish_scheduled(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        match state.store.publish_due(chrono::Utc::now()).await {
            Ok(ids) if !ids.is_empty() => {
                tracing::info!(count = ids.len(), "published scheduled articles");
                state.changes.changed();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot publish scheduled articles"),
        }
    }
}

/// Resolves when the process gets SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down; finishing requests in flight");
}
