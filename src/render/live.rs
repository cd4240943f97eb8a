//! View models of live coverage: an entry as readers see it (the same markup
//! on the page, in a stream's event and in the feeds), and the live block of
//! a story's page.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::markdown;
use super::view::{ImageView, When};
use crate::domain::live::{Coverage, LiveEntry, LiveState};

/// A time of day shown beside an entry ("14:05"), with its full form.
#[derive(Debug, Clone, Serialize)]
pub struct Clock {
    pub iso: String,
    pub hhmm: String,
    pub full: String,
}

impl Clock {
    /// Formats a time in the site's zone.
    pub fn new(t: DateTime<Utc>, tz: Tz) -> Clock {
        let l = t.with_timezone(&tz);
        Clock {
            iso: l.to_rfc3339_opts(SecondsFormat::Secs, false),
            hhmm: l.format("%H:%M").to_string(),
            full: l.format("%B %-d, %Y at %H:%M %Z").to_string(),
        }
    }
}

/// One entry of a live story.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub id: i64,
    /// `entry-ID`: the entry's own anchor, stable across pages.
    pub anchor: String,
    pub headline: Option<String>,
    /// The headline, or the start of the text: how a list of key events names it.
    pub label: String,
    pub body_html: String,
    pub author: String,
    pub photo: Option<ImageView>,
    pub posted: Clock,
    /// Set when the entry was changed after it was posted.
    pub updated: Option<Clock>,
    pub pinned: bool,
    /// The public article the entry became, if any.
    pub full_story: Option<String>,
    /// Where the entry is read: its anchor on this page, or the page of
    /// entries that holds it (set for key events).
    pub href: String,
}

impl EntryView {
    /// Builds the view of an entry; `full_story` is the URL of the article it became, if public.
    pub fn new(e: &LiveEntry, tz: Tz, full_story: Option<String>) -> EntryView {
        EntryView {
            id: e.id,
            anchor: format!("entry-{}", e.id),
            headline: e.headline.as_deref().map(markdown::smarten),
            label: match &e.headline {
                Some(h) => markdown::smarten(h),
                None => markdown::excerpt(&e.body, 90),
            },
            body_html: markdown::render_markdown(&e.body),
            author: e.author_name.clone(),
            photo: e.photo.as_ref().map(|p| ImageView::new(p, 720)),
            posted: Clock::new(e.created_at, tz),
            updated: e.edited().then(|| Clock::new(e.updated_at, tz)),
            pinned: e.pinned,
            full_story,
            href: format!("#entry-{}", e.id),
        }
    }
}

/// The live block of a story's page.
#[derive(Debug, Clone, Serialize)]
pub struct LiveView {
    /// "live" or "ended".
    pub state: &'static str,
    pub started: When,
    pub ended: Option<When>,
    /// Pinned entries, oldest first.
    pub key_events: Vec<EntryView>,
    /// Entries newest first.
    pub entries: Vec<EntryView>,
    pub total: u64,
    /// The page of older entries, when there are more than one page holds.
    pub older_url: Option<String>,
    /// The newer page (on the archive of entries), if any.
    pub newer_url: Option<String>,
    /// The stream to follow (only while live).
    pub stream_url: Option<String>,
    /// The change the page was built after: a stream opened from this page starts there.
    pub since: i64,
    /// The feed of entries.
    pub feed_url: String,
}

impl LiveView {
    /// Builds the block of story `id`; `path` is the story's own path.
    pub fn new(c: &Coverage, id: crate::domain::ArticleId, path: &str, tz: Tz, since: i64) -> LiveView {
        let live = c.state == LiveState::Live;
        LiveView {
            state: c.state.as_str(),
            started: When::new(c.started_at, tz),
            ended: c.ended_at.map(|t| When::new(t, tz)),
            key_events: Vec::new(),
            entries: Vec::new(),
            total: 0,
            older_url: None,
            newer_url: None,
            stream_url: live.then(|| format!("/live/{}/events", id.0)),
            since,
            feed_url: format!("{path}live/feed.xml"),
        }
    }
}
