//! The composition root: builds the application from its configuration
//! (open and migrate the store, load templates, create secrets, build the
//! services, seed the demo) and runs the server with its background tasks
//! until a graceful shutdown. Only `cli` (and the tests) use this module.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::changes::Changes;
use crate::config::Config;
use crate::render::Renderer;
use crate::secret::Signer;
use crate::service::comment::Comments;
use crate::service::intel::Intel;
use crate::service::mailbox::Mailbox;
use crate::service::media::Photos;
use crate::service::site::Site;
use crate::service::writer::CommentWriter;
use crate::service::{Articles, Enrich};
use crate::store::Store;
use crate::web::cache::PageCache;
use crate::web::metrics::Metrics;
use crate::web::AppState;

/// A built application, bound to its address and ready to run.
pub struct App {
    listener: TcpListener,
    state: AppState,
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

/// Makes the article service for a command (no cache of its own to tell:
/// running servers follow the change log).
pub fn articles(store: &Arc<dyn Store>, cfg: &Config, enrich: Enrich) -> Articles {
    Articles::new(store.clone(), Changes::new(), cfg.tz(), enrich)
}

impl App {
    /// Binds the listener, opens the store, loads templates, builds the
    /// services and, on an empty site, seeds the demo.
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
        store.set_purge_targets(cfg.cache.purge.clone());
        let renderer = Arc::new(
            Renderer::new(cfg.data_dir.join("theme").is_dir().then(|| cfg.data_dir.join("theme")))
                .context("a template does not compile")?,
        );
        let changes = Changes::new();
        let cache = PageCache::new(
            cfg.cache.enabled,
            cfg.cache.max_entries,
            cfg.cache.max_megabytes * 1024 * 1024,
            changes.clone(),
        );
        let edge = crate::web::cache::EdgePolicy::new(
            cfg.cache.s_maxage_secs,
            cfg.cache.stale_while_revalidate_secs,
            cfg.cache.stale_if_error_secs,
        );
        let tz = cfg.tz();
        let photos = Photos::new(cfg.media_dir(), cfg.server.max_upload_bytes);
        if demo {
            let articles = Articles::new(store.clone(), changes.clone(), tz, Enrich::Inline);
            let root = cfg.media_dir();
            let to = crate::import::markdown::Target { store: &store, articles: &articles, media_root: &root };
            crate::demo::seed_if_empty(&to).await.context("cannot create the demo site")?;
        }
        announce_setup_link(&store, &cfg).await?;
        let signer = Arc::new(load_signer(store.as_ref(), &cfg.data_dir).await.context("cannot load the signing key")?);
        // SQLite has one writer; PostgreSQL commits a few batches side by side.
        let writers = if crate::store::is_postgres(&cfg.database_url()) { 4 } else { 1 };
        let mailbox = Mailbox::new(
            renderer.clone(),
            signer.clone(),
            cfg.site.title.clone(),
            cfg.base_url().to_owned(),
            cfg.mail.enabled,
        );
        let comments = Comments::new(
            store.clone(),
            changes.clone(),
            CommentWriter::start(store.clone(), writers),
            mailbox,
            cfg.comments.clone(),
            tz,
        );
        let articles = Articles::new(store.clone(), changes.clone(), tz, Enrich::Background);
        let streams =
            crate::web::live::Hub::start(store.clone(), renderer.clone(), tz, &changes, cfg.server.max_streams);
        let banner =
            crate::web::banner::BannerSlot::start(store.clone(), renderer.clone(), &changes, cfg.cache.esi).await;
        let state = AppState::new(crate::web::StateParts {
            frame: crate::web::frame::Frame::new(&changes),
            backups: crate::service::backup::Backups::new(
                store.clone(),
                cfg.backup_dir(),
                cfg.media_dir(),
                crate::config::parse_every(&cfg.backup.every),
                cfg.backup.keep,
            ),
            banner,
            live: crate::service::live::Live::new(store.clone(), changes.clone(), articles.clone()),
            streams,
            articles,
            intel: Intel::new(store.clone(), changes.clone(), tz),
            site: Site::new(store.clone(), changes.clone()),
            comments,
            photos,
            signer,
            changes,
            cache,
            edge,
            metrics: Arc::new(Metrics::new()),
            cfg: Arc::new(cfg),
            store,
            renderer,
        });
        Ok(App { listener, state })
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
        let mut tasks = vec![
            tokio::spawn(publish_scheduled(state.articles.clone())),
            tokio::spawn(crate::changes::follow(state.store.clone(), state.changes.clone())),
            tokio::spawn(state.backups.clone().run()),
        ];
        if state.cfg.mail.enabled {
            let mailer = crate::mail::Mailer::new(&state.cfg.mail).context("mail configuration")?;
            tasks.push(tokio::spawn(crate::queue::run(state.store.clone(), Arc::new(mailer), Duration::from_secs(2))));
        }
        if !state.cfg.cache.purge.is_empty() {
            // Woken by this node's own changes at once; other nodes' purges are picked up within a second.
            let wake = Arc::new(tokio::sync::Notify::new());
            let w = wake.clone();
            state.changes.subscribe(move |_, _| w.notify_one());
            let purger = Arc::new(crate::purge::Purger);
            tasks.push(tokio::spawn(crate::queue::run_woken(
                state.store.clone(),
                purger,
                Duration::from_secs(1),
                wake,
            )));
        }
        // Open live streams end at shutdown (browsers reconnect to another node),
        // so requests in flight can finish.
        let streams = state.streams.clone();
        let shutdown = async move {
            shutdown.await;
            streams.close();
        };
        let front_state = state.clone();
        let front: crate::web::server::Front =
            Arc::new(move |req, peer| crate::web::cache::hit(&front_state, req, peer));
        let router = crate::web::router(state);
        tracing::info!(addr = %addr, "serving");
        let limits = crate::web::server::Limits {
            header_timeout: Duration::from_secs(self.state.cfg.server.header_timeout_secs.max(1)),
            max_connections: self.state.cfg.server.max_connections,
        };
        let result = crate::web::server::serve(self.listener, router, Some(front), limits, shutdown).await;
        for t in tasks {
            t.abort();
        }
        result.context("server error")
    }
}

/// Prints a new one-time setup link when the site has no user yet (on the
/// console only: the link is a secret, never written to the logs).
async fn announce_setup_link(store: &Arc<dyn Store>, cfg: &Config) -> anyhow::Result<()> {
    if let Some(url) = crate::service::account::new_setup_link(store.as_ref(), cfg.base_url()).await? {
        tracing::info!("no user yet: the one-time setup link is printed on the console");
        eprintln!("\n  No user exists yet. Create the first admin here (link works once):\n  {url}\n  or run: dateline user add --email you@example.org --name \"Your Name\" --role admin --password-stdin\n");
    }
    Ok(())
}

/// Loads the site's signing key from the database, storing a new one on
/// first start (or the one an older version kept in `DIR/secret.key`): the
/// first node to start wins, and every node signs with the same key.
async fn load_signer(store: &dyn Store, dir: &std::path::Path) -> anyhow::Result<Signer> {
    let legacy = std::fs::read_to_string(dir.join("secret.key")).ok();
    let candidate = Signer::new_key_text(legacy.as_deref())?;
    let stored = store.init_setting(crate::secret::KEY_SETTING, &candidate).await?;
    Signer::from_key_text(&stored)
}

/// Publishes scheduled articles when their time comes, as a click on Publish would.
async fn publish_scheduled(articles: Articles) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        match articles.publish_due(chrono::Utc::now()).await {
            Ok(ids) if !ids.is_empty() => tracing::info!(count = ids.len(), "published scheduled articles"),
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
