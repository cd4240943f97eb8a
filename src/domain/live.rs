//! Live coverage of a developing story: the story's live state, and its
//! entries (short, timestamped, signed updates, newest first, some pinned as
//! key events), with the checks an entry passes before it is stored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ArticleId, FieldErrors, MediaId, Photo, UserId};

/// Whether a story is covered live now, or was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LiveState {
    Live,
    Ended,
}

impl LiveState {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            LiveState::Live => "live",
            LiveState::Ended => "ended",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<LiveState> {
        match s {
            "live" => Some(LiveState::Live),
            "ended" => Some(LiveState::Ended),
            _ => None,
        }
    }
}

/// A story's live coverage: when it started, and when it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub state: LiveState,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// One update of a live story.
#[derive(Debug, Clone, Serialize)]
pub struct LiveEntry {
    pub id: i64,
    pub article_id: ArticleId,
    pub author_id: Option<UserId>,
    pub author_name: String,
    pub headline: Option<String>,
    /// Markdown, rendered and sanitised like an article's body.
    pub body: String,
    pub photo: Option<Photo>,
    /// A key event: shown again at the top of the story.
    pub pinned: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted: bool,
    /// The article this entry became, if an editor made it one.
    pub promoted_to: Option<ArticleId>,
}

impl LiveEntry {
    /// Tells whether the entry was edited after it was posted (shown as "Updated HH:MM").
    pub fn edited(&self) -> bool {
        self.updated_at > self.created_at
    }
}

/// What an author writes into an entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryInput {
    #[serde(default)]
    pub headline: Option<String>,
    pub body: String,
    #[serde(default)]
    pub photo: Option<MediaId>,
    #[serde(default)]
    pub photo_alt: Option<String>,
    #[serde(default)]
    pub pinned: bool,
}

/// Field length limits of an entry.
pub mod limits {
    pub const HEADLINE: usize = 200;
    pub const BODY: usize = 20_000;
    pub const ALT: usize = 300;
}

impl EntryInput {
    /// Trims and checks an entry; returns every problem at once.
    pub fn normalize(mut self) -> Result<EntryInput, FieldErrors> {
        let mut e = FieldErrors::default();
        self.headline = self.headline.map(|h| super::clean_text(h.trim())).filter(|h| !h.is_empty());
        self.body = super::clean_text(self.body.trim());
        self.photo_alt = self.photo_alt.map(|a| super::clean_text(a.trim())).filter(|a| !a.is_empty());
        if self.body.is_empty() {
            e.add("body", "Write the update.");
        }
        if self.body.chars().count() > limits::BODY {
            e.add("body", format!("An update can have at most {} characters.", limits::BODY));
        }
        if self.headline.as_deref().is_some_and(|h| h.chars().count() > limits::HEADLINE) {
            e.add("headline", format!("A headline can have at most {} characters.", limits::HEADLINE));
        }
        if self.photo.is_some() && self.photo_alt.is_none() {
            e.add("photo_alt", "Describe the photo for readers who cannot see it.");
        }
        if self.photo_alt.as_deref().is_some_and(|a| a.chars().count() > limits::ALT) {
            e.add("photo_alt", format!("This can have at most {} characters.", limits::ALT));
        }
        e.into_result().map(|()| self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_needs_text_and_a_photo_its_description() {
        let ok = EntryInput {
            body: "  Crowds gather at the quay. ".into(),
            headline: Some(" ".into()),
            ..Default::default()
        };
        let n = ok.normalize().unwrap();
        assert_eq!((n.body.as_str(), n.headline), ("Crowds gather at the quay.", None));
        assert!(EntryInput::default().normalize().unwrap_err().0.contains_key("body"));
        let photo = EntryInput { body: "x".into(), photo: Some(MediaId(3)), ..Default::default() };
        assert!(photo.normalize().unwrap_err().0.contains_key("photo_alt"));
        let long = EntryInput { body: "x".repeat(limits::BODY + 1), ..Default::default() };
        assert!(long.normalize().is_err());
    }

    #[test]
    fn states_round_trip_through_their_names() {
        for s in [LiveState::Live, LiveState::Ended] {
            assert_eq!(LiveState::parse(s.as_str()), Some(s));
        }
        assert_eq!(LiveState::parse("paused"), None);
    }
}
