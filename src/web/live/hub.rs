//! The live streams of one node: every open page of a live story holds a
//! Server-Sent Events stream, and every change to the story's coverage (this
//! node's or another's, heard through the change log) becomes one event,
//! rendered and encoded once and shared by every stream of that story.
//!
//! An event's id is the id the change log gave the change, the same on every
//! node, so a reader who reconnects to any node with `Last-Event-ID` gets what
//! it missed ([`Hub::replay`]). A reader who falls behind by more than
//! [`BUFFER`] events is dropped (its browser reconnects and catches up that
//! way): nothing is buffered without bound.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use chrono_tz::Tz;
use tokio::sync::{broadcast, mpsc, watch};

use crate::changes::Changes;
use crate::domain::change::{Key, Notice};
use crate::domain::live::LiveState;
use crate::domain::ArticleId;
use crate::render::live::EntryView;
use crate::render::Renderer;
use crate::store::Store;

/// Events a stream may fall behind by before it is dropped.
pub const BUFFER: usize = 256;

/// Changes a replay reads at most; a reader further behind is told to reload.
const REPLAY_SCAN: u32 = 2000;

/// PostgreSQL can commit change ids out of order (ids are taken when a write
/// starts): a replay starts this many changes early. Events are idempotent
/// (an entry replaces itself), so an event seen twice does no harm.
const REPLAY_OVERLAP: i64 = 32;

/// One encoded event, shared by every stream of a story.
#[derive(Debug, Clone)]
pub struct Event {
    pub bytes: Bytes,
    /// The coverage ended (or the story went away): streams end after it.
    pub ends: bool,
}

impl Event {
    fn new(bytes: Bytes) -> Event {
        Event { bytes, ends: false }
    }
}

/// The live streams of this node.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    rooms: Mutex<HashMap<ArticleId, broadcast::Sender<Event>>>,
    store: Arc<dyn Store>,
    renderer: Arc<Renderer>,
    tz: Tz,
    open: AtomicUsize,
    max_streams: usize,
    closing: watch::Sender<bool>,
}

/// A stream's hold on its slot: released when the stream ends.
pub struct Slot {
    inner: Arc<Inner>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.inner.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Why a stream was not opened.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// This node holds as many streams as it may.
    Full,
}

impl Hub {
    /// Makes the hub and starts turning `changes` into events.
    pub fn start(store: Arc<dyn Store>, renderer: Arc<Renderer>, tz: Tz, changes: &Changes, max_streams: usize) -> Hub {
        let (closing, _) = watch::channel(false);
        let hub = Hub {
            inner: Arc::new(Inner {
                rooms: Mutex::new(HashMap::new()),
                store,
                renderer,
                tz,
                open: AtomicUsize::new(0),
                max_streams,
                closing,
            }),
        };
        // The listener only queues (it runs inside whoever applied the change);
        // one task renders, in the order the changes were heard.
        let (tx, mut rx) = mpsc::unbounded_channel::<(Option<i64>, Notice)>();
        changes.subscribe(move |id, n| {
            if n.keys.iter().any(|k| k.live_story().is_some()) || n.keys.contains(&Key::banner()) {
                // Only fails when the worker is gone (the runtime is ending).
                tx.send((id, n.clone())).ok();
            }
        });
        let worker = hub.clone();
        tokio::spawn(async move {
            while let Some((id, n)) = rx.recv().await {
                worker.publish(id, &n).await;
            }
        });
        hub
    }

    /// Streams open on this node now.
    pub fn open_streams(&self) -> usize {
        self.inner.open.load(Ordering::SeqCst)
    }

    /// Takes a slot for a new stream.
    pub fn take_slot(&self) -> Result<Slot, Refused> {
        let n = self.inner.open.fetch_add(1, Ordering::SeqCst);
        if n >= self.inner.max_streams {
            self.inner.open.fetch_sub(1, Ordering::SeqCst);
            return Err(Refused::Full);
        }
        Ok(Slot { inner: self.inner.clone() })
    }

    /// Subscribes to a story's events.
    pub fn subscribe(&self, story: ArticleId) -> broadcast::Receiver<Event> {
        let mut rooms = self.inner.rooms.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        rooms.entry(story).or_insert_with(|| broadcast::channel(BUFFER).0).subscribe()
    }

    /// Resolves when the server is shutting down (streams end then).
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.inner.closing.subscribe()
    }

    /// Ends every stream (the server is shutting down; browsers reconnect elsewhere).
    pub fn close(&self) {
        let _ = self.inner.closing.send(true);
    }

    /// Renders the events of one change and sends them to the story's streams
    /// (a change of the banner: to every stream).
    async fn publish(&self, id: Option<i64>, n: &Notice) {
        if n.keys.contains(&Key::banner()) {
            self.publish_banner(id).await;
        }
        for story in n.keys.iter().filter_map(|k| k.live_story()) {
            let tx = {
                let mut rooms = self.inner.rooms.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                // Rooms nobody listens to any more are forgotten here.
                rooms.retain(|_, tx| tx.receiver_count() > 0);
                match rooms.get(&story) {
                    Some(tx) => tx.clone(),
                    None => continue,
                }
            };
            let entries: BTreeSet<i64> = n.keys.iter().filter_map(|k| k.live_entry()).collect();
            match self.events(story, id, &entries).await {
                Ok(events) => {
                    for e in events {
                        // Fails only when every stream has just ended.
                        tx.send(e).ok();
                    }
                }
                Err(e) => tracing::warn!(error = %e, story = story.0, "cannot render a live event"),
            }
        }
    }

    async fn publish_banner(&self, id: Option<i64>) {
        let banner = match crate::service::site::current_banner(self.inner.store.as_ref()).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the banner for the live streams");
                return;
            }
        };
        let html = crate::web::banner::render(&self.inner.renderer, banner.as_ref());
        let event = Event::new(encode(id, "banner", &serde_json::json!({ "html": html })));
        let rooms = self.inner.rooms.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for tx in rooms.values() {
            // Fails only when every stream of that story has just ended.
            tx.send(event.clone()).ok();
        }
    }

    /// The events that tell a page about `entries` (their state now), or
    /// about the story's coverage when no entry is named.
    async fn events(
        &self,
        story: ArticleId,
        id: Option<i64>,
        entries: &BTreeSet<i64>,
    ) -> Result<Vec<Event>, crate::store::StoreError> {
        let store = &self.inner.store;
        let mut out = Vec::new();
        if entries.is_empty() {
            let state = match store.get_article(story).await? {
                Some(a) if a.is_public(chrono::Utc::now()) && !a.is_protected() => a.live.map(|c| c.state),
                _ => None,
            };
            let name = state.map_or("off", LiveState::as_str);
            let bytes = encode(id, "state", &serde_json::json!({ "state": name }));
            out.push(Event { bytes, ends: state != Some(LiveState::Live) });
            return Ok(out);
        }
        for &e in entries {
            let Some(entry) = store.get_entry(e).await? else { continue };
            if entry.article_id != story {
                continue;
            }
            if entry.deleted {
                out.push(Event::new(encode(id, "delete", &serde_json::json!({ "id": e }))));
                continue;
            }
            let full_story = match entry.promoted_to {
                Some(p) => store
                    .get_article(p)
                    .await?
                    .filter(|a| a.is_public(chrono::Utc::now()))
                    .map(|a| a.permalink(self.inner.tz)),
                None => None,
            };
            let view = EntryView::new(&entry, self.inner.tz, full_story);
            let html = match self.inner.renderer.render("public/live_entry.html", minijinja::context! { entry => view })
            {
                Ok(h) => h,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot render a live entry");
                    continue;
                }
            };
            let data = serde_json::json!({
                "id": e, "pinned": entry.pinned, "created": entry.created_at.timestamp(), "html": html,
            });
            out.push(Event::new(encode(id, "entry", &data)));
        }
        Ok(out)
    }

    /// The events a reader missed since change `since`: the current state of
    /// every entry changed after it, and of the coverage if it changed. Ends
    /// with an event telling the page to reload when the reader is too far
    /// behind for the log (the log keeps two days).
    pub async fn replay(&self, story: ArticleId, since: i64) -> Result<Vec<Event>, crate::store::StoreError> {
        let store = &self.inner.store;
        let from = (since - REPLAY_OVERLAP).max(0);
        let changes = store.list_changes(from, REPLAY_SCAN).await?;
        if changes.len() == REPLAY_SCAN as usize {
            // More than a replay reads: the page starts afresh.
            let last = changes.last().map_or(since, |c| c.id);
            return Ok(vec![Event::new(encode(Some(last), "reload", &serde_json::json!({})))]);
        }
        let mut entries = BTreeSet::new();
        let mut state = false;
        let mut banner = false;
        let mut last = since;
        for c in &changes {
            last = last.max(c.id);
            banner |= c.notice.keys.contains(&Key::banner());
            if !c.notice.keys.iter().any(|k| k.live_story() == Some(story)) {
                continue;
            }
            let named: Vec<i64> = c.notice.keys.iter().filter_map(|k| k.live_entry()).collect();
            if named.is_empty() {
                state = true;
            }
            entries.extend(named);
        }
        let mut out = self.events(story, Some(last), &entries).await?;
        if state {
            out.extend(self.events(story, Some(last), &BTreeSet::new()).await?);
        }
        if banner {
            let b = crate::service::site::current_banner(store.as_ref()).await?;
            let html = crate::web::banner::render(&self.inner.renderer, b.as_ref());
            out.push(Event::new(encode(Some(last), "banner", &serde_json::json!({ "html": html }))));
        }
        if out.is_empty() && last > since {
            // Nothing for this story, but the reader's place moves on.
            out.push(Event::new(Bytes::from(format!("id: {last}\n\n"))));
        }
        Ok(out)
    }
}

/// Encodes one Server-Sent Event. The data is JSON on one line, so it needs
/// no splitting.
pub fn encode(id: Option<i64>, event: &str, data: &serde_json::Value) -> Bytes {
    let mut s = String::new();
    if let Some(id) = id {
        s.push_str(&format!("id: {id}\n"));
    }
    s.push_str(&format!("event: {event}\ndata: {data}\n\n"));
    Bytes::from(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_event_is_one_block_with_its_id() {
        let e = super::encode(Some(41), "entry", &serde_json::json!({"html": "<p>a\nb</p>"}));
        assert_eq!(&e[..], b"id: 41\nevent: entry\ndata: {\"html\":\"<p>a\\nb</p>\"}\n\n");
        let e = super::encode(None, "state", &serde_json::json!({"state": "ended"}));
        assert!(!e.starts_with(b"id:"));
    }
}
