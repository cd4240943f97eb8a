//! Keeping every process of one site current: a change made here clears this
//! node's page cache at once and is announced to the others (PostgreSQL
//! `NOTIFY`); a change made elsewhere (another node, or `dateline import`
//! beside a SQLite server) arrives through the store's change feed and clears
//! the cache here.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::store::Store;
use crate::web::cache::PageCache;

/// Where handlers report that content changed.
#[derive(Clone)]
pub struct Changes {
    cache: Arc<PageCache>,
    announce: mpsc::Sender<()>,
}

impl Changes {
    /// Makes the reporter and the queue its announcements wait in.
    pub fn new(cache: Arc<PageCache>) -> (Changes, mpsc::Receiver<()>) {
        // One waiting announcement covers any number of changes behind it.
        let (announce, rx) = mpsc::channel(1);
        (Changes { cache, announce }, rx)
    }

    /// Content changed and is committed: drop cached pages here and tell the other nodes.
    pub fn changed(&self) {
        self.cache.clear();
        // A full queue already holds an announcement that will go out after this change.
        self.announce.try_send(()).ok();
    }
}

/// Sends queued announcements, retrying while the database is away.
pub async fn announce(store: Arc<dyn Store>, mut rx: mpsc::Receiver<()>) {
    while rx.recv().await.is_some() {
        for attempt in 1..=10 {
            match store.announce_change().await {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "cannot announce a change to other nodes");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}

/// Clears the page cache whenever another process changed content, reopening
/// the feed after a failure.
///
/// While the feed is down the cache is kept, so readers are still served if
/// the database is away; once the feed is back the cache is cleared, since
/// a change may have been missed in between.
pub async fn listen(store: Arc<dyn Store>, cache: Arc<PageCache>) {
    let mut missed = false;
    loop {
        match store.change_feed().await {
            Ok(mut feed) => {
                if std::mem::take(&mut missed) {
                    cache.clear();
                }
                loop {
                    match feed.changed().await {
                        Ok(()) => cache.clear(),
                        Err(e) => {
                            tracing::warn!(error = %e, "change feed lost; reconnecting");
                            missed = true;
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot open the change feed");
                missed = true;
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
