//! Live coverage on the public site: a live story's block on its page, the
//! pages of all its entries (`…/slug/live/`), their feeds
//! (`…/slug/live/feed.xml`, `atom.xml`, `feed.json`), and the event stream an
//! open page follows (`/live/{id}/events`).

pub mod hub;

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use serde::{Deserialize, Serialize};

pub use hub::Hub;

use crate::domain::change::Key;
use crate::domain::live::{LiveEntry, LiveState};
use crate::domain::{Article, ArticleId, Kind};
use crate::render::feed::{Feed, FeedItem};
use crate::render::live::{EntryView, LiveView};
use crate::render::view::{Layout, Pager};
use crate::service::live::PER_PAGE;
use crate::web::error::AppError;
use crate::web::AppState;

/// The stream route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/live/{id}/events", get(events))
}

/// How often a quiet stream says it is still there (proxies close silent connections).
const HEARTBEAT: Duration = Duration::from_secs(20);

/// How long a browser waits before reconnecting a lost stream, in milliseconds.
const RETRY_MS: u64 = 3000;

/// Builds the entry views of a page, with links to the articles entries became.
pub async fn views(state: &AppState, entries: &[LiveEntry]) -> Result<Vec<EntryView>, AppError> {
    let tz = state.cfg.tz();
    let now = Utc::now();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let full_story = match e.promoted_to {
            Some(p) => state.store.get_article(p).await?.filter(|a| a.is_public(now)).map(|a| a.permalink(tz)),
            None => None,
        };
        out.push(EntryView::new(e, tz, full_story));
    }
    Ok(out)
}

/// The live block of a story's page (its newest entries and key events), the
/// entries its JSON-LD lists, and the keys the page gains; None for a story
/// never covered live.
pub async fn block(state: &AppState, a: &Article, path: &str) -> Result<Option<(LiveView, Vec<LiveEntry>)>, AppError> {
    let Some(c) = &a.live else { return Ok(None) };
    // Read before the entries: a stream opened from this page replays what came after.
    let since = state.changes.last_logged();
    let mut view = LiveView::new(c, a.id, path, state.cfg.tz(), since);
    let page = state.store.list_entries(a.id, PER_PAGE, 0).await?;
    let pinned = state.store.list_pinned(a.id).await?;
    let (entries, places): (Vec<LiveEntry>, Vec<u64>) = pinned.into_iter().unzip();
    view.key_events = views(state, &entries).await?;
    for (v, place) in view.key_events.iter_mut().zip(places) {
        // A key event beyond this page is read on the page of entries that holds it.
        if place > u64::from(PER_PAGE) {
            v.href = format!("{path}live/?page={}#{}", (place - 1) / u64::from(PER_PAGE) + 1, v.anchor);
        }
    }
    view.entries = views(state, &page.items).await?;
    view.total = page.total;
    if page.total > u64::from(PER_PAGE) {
        view.older_url = Some(format!("{path}live/?page=2"));
    }
    Ok(Some((view, page.items)))
}

#[derive(Serialize)]
struct ArchiveCtx {
    layout: Layout,
    headline: String,
    url: String,
    live: LiveView,
    pager: Pager,
}

/// The live story at `slug`, if readers may see it and it has coverage, with its path.
async fn story(state: &AppState, slug: &str) -> Result<(Article, String), AppError> {
    let a = state
        .store
        .get_article_by_slug(Kind::Article, slug)
        .await?
        .filter(|a| a.is_public(Utc::now()) && !a.is_protected() && a.live.is_some())
        .ok_or(AppError::NotFound)?;
    let path = a.permalink(state.cfg.tz());
    Ok((a, path))
}

/// Every entry of a live story, newest first, a page at a time (`…/slug/live/?page=N`).
pub async fn archive(state: &AppState, path: &str, slug: &str, page: u32) -> Result<Response, AppError> {
    let (a, story_path) = story(state, slug).await?;
    if format!("{story_path}live/") != path {
        return Err(AppError::NotFound);
    }
    let Some(c) = &a.live else { return Err(AppError::NotFound) };
    let found = state.store.list_entries(a.id, PER_PAGE, (page - 1).saturating_mul(PER_PAGE)).await?;
    if page > 1 && found.items.is_empty() {
        return Err(AppError::NotFound);
    }
    let tz = state.cfg.tz();
    let mut live = LiveView::new(c, a.id, &story_path, tz, state.changes.last_logged());
    // This page is for reading back; the story's own page follows the stream.
    live.stream_url = None;
    live.entries = views(state, &found.items).await?;
    live.total = found.total;
    let headline = crate::render::view::ArticleView::summary(&a, tz).headline;
    let mut layout = crate::web::public::layout(
        state,
        format!("Live updates: {headline}"),
        Some(format!("Every update of {headline}")),
    )
    .await;
    let url = format!("{}{story_path}", state.cfg.base_url());
    layout.canonical = Some(format!("{url}live/{}", if page > 1 { format!("?page={page}") } else { String::new() }));
    let pager = Pager::new(path, page, PER_PAGE, found.total);
    let ctx = ArchiveCtx { layout, headline, url: story_path, live, pager };
    let keys = vec![Key::live(a.id), Key::article(a.id), Key::site(), Key::nav()];
    Ok(crate::web::cache::with_keys(crate::web::public::render(state, "public/live_archive.html", &ctx)?, keys))
}

/// A live story's entries as RSS, Atom or JSON Feed, newest first.
pub async fn feed(state: &AppState, path: &str, slug: &str, file: &str) -> Result<Response, AppError> {
    let kind = crate::web::syndication::FeedKind::from_file(file).ok_or(AppError::NotFound)?;
    let (a, story_path) = story(state, slug).await?;
    if format!("{story_path}live/{file}") != path {
        return Err(AppError::NotFound);
    }
    let cfg = &state.cfg;
    let base = cfg.base_url();
    let tz = cfg.tz();
    let entries = state.store.list_entries(a.id, 50, 0).await?.items;
    let views = views(state, &entries).await?;
    let headline = crate::render::view::ArticleView::summary(&a, tz).headline;
    let url = format!("{base}{story_path}");
    let items = entries
        .iter()
        .zip(&views)
        .map(|(e, v)| {
            let text = crate::render::markdown::plain_text(&e.body);
            let title = v.headline.clone().unwrap_or_else(|| crate::render::markdown::excerpt(&e.body, 90));
            let t = |d: chrono::DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            FeedItem {
                id: format!("{url}#{}", v.anchor),
                url: format!("{url}#{}", v.anchor),
                title,
                summary_html: crate::render::markdown::escape_text(&text),
                summary: text,
                content_html: crate::render::feed::absolutize(&v.body_html, base),
                published_rfc822: e.created_at.to_rfc2822(),
                published: t(e.created_at),
                updated: t(e.updated_at),
                authors: vec![e.author_name.clone()],
                categories: Vec::new(),
                image: None,
            }
        })
        .collect();
    let newest = entries.iter().map(|e| e.updated_at).max().unwrap_or(a.updated_at);
    let feed = Feed {
        title: format!("Live: {headline}"),
        description: format!("Every update of {headline}, newest first."),
        link: url.clone(),
        lang: cfg.site.language.clone(),
        rss_url: format!("{url}live/feed.xml"),
        atom_url: format!("{url}live/atom.xml"),
        json_url: format!("{url}live/feed.json"),
        updated: newest.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        updated_rfc822: newest.to_rfc2822(),
        items,
    };
    let res = crate::web::syndication::write_feed(state, kind, &feed)?;
    Ok(crate::web::cache::with_keys(res, vec![Key::live(a.id), Key::article(a.id), Key::site()]))
}

#[derive(Deserialize)]
struct StreamQuery {
    /// Where a page's first connection starts (the page says which change it was built after).
    since: Option<String>,
}

fn plain(status: StatusCode, msg: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], msg).into_response()
}

/// Reads where a stream starts: `Last-Event-ID` (a reconnecting browser) or
/// `?since=` (a page's first connection); 0 for "from now".
fn start_of(headers: &HeaderMap, q: &StreamQuery) -> Result<i64, ()> {
    let raw = match headers.get("last-event-id") {
        Some(v) => v.to_str().map_err(|_| ())?.trim().to_owned(),
        None => q.since.clone().unwrap_or_default(),
    };
    if raw.is_empty() {
        return Ok(0);
    }
    raw.parse::<i64>().ok().filter(|n| *n >= 0).ok_or(())
}

/// The event stream of a live story. Events: `entry` (an entry posted or
/// changed: its id, whether pinned, and its HTML), `delete` (its id), `state`
/// (`live`, `ended`, or `off`: the stream ends after the last two), `reload`
/// (the reader is too far behind; the page should be read afresh).
async fn events(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<StreamQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(id) = raw.parse::<i64>().ok().filter(|n| *n > 0) else {
        return Ok(plain(StatusCode::NOT_FOUND, "No story has this id.\n"));
    };
    let a = state.store.get_article(ArticleId(id)).await?.filter(|a| a.is_public(Utc::now()) && !a.is_protected());
    let Some(a) = a else {
        return Ok(plain(StatusCode::NOT_FOUND, "No story has this id.\n"));
    };
    match a.live.as_ref().map(|c| c.state) {
        None => return Ok(plain(StatusCode::NOT_FOUND, "This story is not covered live.\n")),
        // 204 tells a browser's EventSource to stop reconnecting.
        Some(LiveState::Ended) => return Ok(StatusCode::NO_CONTENT.into_response()),
        Some(LiveState::Live) => {}
    }
    let Ok(since) = start_of(&headers, &q) else {
        return Ok(plain(
            StatusCode::BAD_REQUEST,
            "Last-Event-ID must be the id of an event this stream sent (a whole number).\n",
        ));
    };
    if since > state.store.last_change().await? {
        return Ok(plain(StatusCode::BAD_REQUEST, "Last-Event-ID names an event this site has not sent.\n"));
    }
    let Ok(slot) = state.streams.take_slot() else {
        let mut res = plain(StatusCode::SERVICE_UNAVAILABLE, "Too many readers are following live stories here.\n");
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        return Ok(res);
    };
    // Subscribed before the replay is read: nothing falls between the two.
    let rx = state.streams.subscribe(a.id);
    let mut first: VecDeque<hub::Event> = VecDeque::new();
    first.push_back(hub::Event { bytes: Bytes::from(format!("retry: {RETRY_MS}\n: live\n\n")), ends: false });
    if since > 0 {
        first.extend(state.streams.replay(a.id, since).await?);
    }
    let tail = Tail { first, rx, closing: state.streams.closing(), _slot: slot, done: false };
    let stream = futures_util::stream::unfold(tail, next_event);
    let mut res = Response::new(Body::from_stream(stream));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store, no-transform"));
    // nginx and other proxies would otherwise hold events back in their buffers.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(res)
}

/// What one open stream holds.
struct Tail {
    first: VecDeque<hub::Event>,
    rx: tokio::sync::broadcast::Receiver<hub::Event>,
    closing: tokio::sync::watch::Receiver<bool>,
    _slot: hub::Slot,
    done: bool,
}

async fn next_event(mut t: Tail) -> Option<(Result<Bytes, Infallible>, Tail)> {
    if t.done {
        return None;
    }
    if let Some(e) = t.first.pop_front() {
        t.done = e.ends;
        return Some((Ok(e.bytes), t));
    }
    tokio::select! {
        got = t.rx.recv() => match got {
            Ok(e) => {
                t.done = e.ends;
                Some((Ok(e.bytes), t))
            }
            // Fallen behind (or the node is shutting the room): end; the
            // browser reconnects with Last-Event-ID and catches up.
            Err(_) => None,
        },
        () = tokio::time::sleep(HEARTBEAT) => Some((Ok(Bytes::from_static(b": keep-alive\n\n")), t)),
        _ = t.closing.changed() => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_starts_where_the_browser_says() {
        let q = |s: Option<&str>| StreamQuery { since: s.map(str::to_owned) };
        let mut h = HeaderMap::new();
        assert_eq!(start_of(&h, &q(None)), Ok(0));
        assert_eq!(start_of(&h, &q(Some("17"))), Ok(17));
        h.insert("last-event-id", HeaderValue::from_static("42"));
        assert_eq!(start_of(&h, &q(Some("17"))), Ok(42), "a reconnecting browser's place wins");
        h.insert("last-event-id", HeaderValue::from_static("forty"));
        assert_eq!(start_of(&h, &q(None)), Err(()));
        h.insert("last-event-id", HeaderValue::from_static("-3"));
        assert_eq!(start_of(&h, &q(None)), Err(()));
    }
}
