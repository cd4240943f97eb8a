//! What every handler can reach: the configuration, the store for reading,
//! the services for every change, and the web layer's own parts.

use std::sync::Arc;

use crate::changes::Changes;
use crate::config::Config;
use crate::render::Renderer;
use crate::secret::Signer;
use crate::service::comment::Comments;
use crate::service::intel::Intel;
use crate::service::media::Photos;
use crate::service::site::Site;
use crate::service::Articles;
use crate::store::Store;
use crate::web::cache::PageCache;
use crate::web::metrics::Metrics;

/// What every handler can reach: one shared pointer, so the layers and
/// handlers that take it (several per request) copy one pointer, not twenty.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

impl AppState {
    pub fn new(parts: Parts) -> AppState {
        AppState(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = Parts;
    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// The parts of the state.
pub struct Parts {
    pub cfg: Arc<Config>,
    /// For reading; every change goes through a service.
    pub store: Arc<dyn Store>,
    pub renderer: Arc<Renderer>,
    pub cache: Arc<PageCache>,
    /// What edge caches in front are told (`Cache-Control`).
    pub edge: crate::web::cache::EdgePolicy,
    pub metrics: Arc<Metrics>,
    pub signer: Arc<Signer>,
    /// Where committed changes are heard (the page cache listens).
    pub changes: Changes,
    pub articles: Articles,
    pub comments: Comments,
    pub intel: Intel,
    pub site: Site,
    pub photos: Photos,
    /// Live coverage: starting and ending it, and its entries.
    pub live: crate::service::live::Live,
    /// The live streams open on this node.
    pub streams: crate::web::live::Hub,
    /// The menus and settings every page shows, held until a change names them.
    pub frame: Arc<crate::web::frame::Frame>,
    /// Backups that run by themselves, and how the last went.
    pub backups: crate::service::backup::Backups,
    /// The breaking-news banner every page shows.
    pub banner: Arc<crate::web::banner::BannerSlot>,
}
