//! Articles and static pages: their fields, statuses, permalinks and the rules
//! for who may change what and when.
//!
//! The article as stored lives here; `input` holds what an edit may set and
//! how it is checked, `rules` who may do what and when an edit goes live. Like
//! all of `domain`, none of it does I/O.

mod input;
mod rules;

pub use input::*;
pub use rules::*;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{slugify, UserId};

/// Identifies an article or page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArticleId(pub i64);

/// Identifies an uploaded image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MediaId(pub i64);

/// Tells a news article from a static page (About, Contact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Article,
    Page,
}

impl Kind {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Page => "page",
        }
    }
    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "article" => Some(Kind::Article),
            "page" => Some(Kind::Page),
            _ => None,
        }
    }
}

/// Says where an article is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being written; only staff see it.
    Draft,
    /// Submitted by an author for an editor to publish.
    Pending,
    /// Will appear by itself at its publication time.
    Scheduled,
    /// Public.
    Published,
    /// Taken down after publication; its URL answers 404 again.
    Unpublished,
}

impl Status {
    /// Lists every status, in the order the admin shows them.
    pub const ALL: [Status; 5] =
        [Status::Draft, Status::Pending, Status::Scheduled, Status::Published, Status::Unpublished];

    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Pending => "pending",
            Status::Scheduled => "scheduled",
            Status::Published => "published",
            Status::Unpublished => "unpublished",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Tells whether the status may be public, once its time has come.
    pub fn is_live(self) -> bool {
        matches!(self, Status::Published | Status::Scheduled)
    }
}

/// Tells how an article body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    #[default]
    Markdown,
    Html,
}

impl BodyFormat {
    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyFormat::Markdown => "markdown",
            BodyFormat::Html => "html",
        }
    }
    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<BodyFormat> {
        match s {
            "markdown" => Some(BodyFormat::Markdown),
            "html" => Some(BodyFormat::Html),
            _ => None,
        }
    }
}

/// A named grouping with its own URL (section, tag or byline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    pub name: String,
    pub slug: String,
}

impl Term {
    /// Makes a term from a display name, deriving its slug.
    pub fn from_name(name: &str) -> Option<Term> {
        let name = name.trim();
        let slug = slugify(name);
        (!name.is_empty() && !slug.is_empty()).then(|| Term { name: name.to_owned(), slug })
    }
}

/// An uploaded image as the pages need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Media {
    pub id: MediaId,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    /// Widths of the resized JPEG variants that exist.
    pub widths: Vec<u32>,
    /// The name it was uploaded or imported under (kept for exports).
    pub filename: Option<String>,
}

impl Media {
    /// Returns the height of a variant `w` pixels wide, keeping the aspect ratio.
    pub fn height_at(&self, w: u32) -> u32 {
        if self.width == 0 {
            return 0;
        }
        ((u64::from(self.height) * u64::from(w) + u64::from(self.width) / 2) / u64::from(self.width)) as u32
    }
}

/// The lead photo of an article, with the words that go with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Photo {
    pub media: Media,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: String,
}

/// A dated note shown at the end of an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    pub id: i64,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// An article or page as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    pub id: ArticleId,
    pub kind: Kind,
    pub slug: String,
    pub headline: String,
    pub standfirst: Option<String>,
    pub body: String,
    pub body_format: BodyFormat,
    pub dateline: Option<String>,
    pub section: Option<Term>,
    pub tags: Vec<Term>,
    pub authors: Vec<Term>,
    pub photo: Option<Photo>,
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub comments_open: bool,
    pub created_by: Option<UserId>,
    pub corrections: Vec<Correction>,
    /// Readers must give it to read the story; None for most.
    pub password: Option<String>,
    /// The story's live coverage, if it has had any.
    pub live: Option<crate::domain::live::Coverage>,
}

impl Article {
    /// Tells whether readers may see the article at `now`.
    pub fn is_public(&self, now: DateTime<Utc>) -> bool {
        self.status.is_live() && self.published_at.is_some_and(|p| p <= now)
    }

    /// Returns the public path: `/YYYY/MM/DD/slug/` (date in the site's zone) for articles, `/slug/` for pages.
    pub fn permalink(&self, tz: Tz) -> String {
        permalink(self.kind, &self.slug, self.published_at.unwrap_or(self.created_at), tz)
    }

    /// Tells whether the article was edited noticeably after it was published (shown as "Updated").
    pub fn shows_update(&self) -> bool {
        self.published_at.is_some_and(|p| self.updated_at - p > chrono::Duration::minutes(5))
    }

    /// Turns the stored article back into the input that would recreate it.
    pub fn to_input(&self) -> ArticleInput {
        ArticleInput {
            kind: self.kind,
            slug: Some(self.slug.clone()),
            headline: self.headline.clone(),
            standfirst: self.standfirst.clone(),
            body: self.body.clone(),
            body_format: self.body_format,
            dateline: self.dateline.clone(),
            section: self.section.as_ref().map(|s| s.name.clone()),
            tags: self.tags.iter().map(|t| t.name.clone()).collect(),
            authors: self.authors.iter().map(|t| t.name.clone()).collect(),
            photo: self.photo.as_ref().map(|p| PhotoInput {
                media_id: p.media.id,
                caption: p.caption.clone(),
                credit: p.credit.clone(),
                alt: p.alt.clone(),
            }),
            status: self.status,
            published_at: self.published_at,
            comments_open: self.comments_open,
            password: self.password.clone(),
        }
    }

    /// Tells whether readers must give a password to read the story.
    pub fn is_protected(&self) -> bool {
        self.password.is_some()
    }
}

/// Returns the "last modified" time of a new article: its publication time
/// when that is in the past (an imported archive story was last changed when it
/// was published, not when it was imported), otherwise `now`.
pub fn first_updated_at(published_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    published_at.map_or(now, |p| p.min(now))
}

/// Builds the public path of an article or page.
pub fn permalink(kind: Kind, slug: &str, at: DateTime<Utc>, tz: Tz) -> String {
    match kind {
        Kind::Page => format!("/{slug}/"),
        Kind::Article => {
            let d = at.with_timezone(&tz);
            format!("/{:04}/{:02}/{:02}/{slug}/", d.year(), d.month(), d.day())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, User};
    use chrono::TimeZone;

    // Shared with the tests of `input` and `rules`.
    /// Builds an untrimmed draft input with a repeated tag.
    pub(super) fn input() -> ArticleInput {
        ArticleInput {
            kind: Kind::Article,
            slug: None,
            headline: "  Council Votes On Tram Line ".into(),
            standfirst: Some("   ".into()),
            body: "Body".into(),
            body_format: BodyFormat::Markdown,
            dateline: Some("Port Alder".into()),
            section: Some("City".into()),
            tags: vec!["Transport".into(), " transport ".into(), "".into()],
            authors: vec!["Mara Ellison".into()],
            photo: None,
            status: Status::Draft,
            published_at: None,
            comments_open: true,
            password: None,
        }
    }

    /// Builds a user with `role` and `id`.
    pub(super) fn user(role: Role, id: i64) -> User {
        User { id: UserId(id), email: "u@example.org".into(), name: "U".into(), role, password_hash: None }
    }

    #[test]
    fn scheduled_articles_become_public_at_their_time() {
        let now = Utc::now();
        let mut i = input().normalize().unwrap();
        i.status = Status::Scheduled;
        let art_at = |p: DateTime<Utc>| Article {
            id: ArticleId(1),
            kind: Kind::Article,
            slug: "s".into(),
            headline: i.headline.clone(),
            standfirst: None,
            body: String::new(),
            body_format: BodyFormat::Markdown,
            dateline: None,
            section: None,
            tags: vec![],
            authors: vec![],
            photo: None,
            status: Status::Scheduled,
            published_at: Some(p),
            created_at: now,
            updated_at: now,
            comments_open: true,
            created_by: None,
            corrections: vec![],
            password: None,
            live: None,
        };
        assert!(!art_at(now + chrono::Duration::minutes(1)).is_public(now));
        assert!(art_at(now - chrono::Duration::minutes(1)).is_public(now));
    }

    #[test]
    fn permalinks_use_the_site_time_zone_date() {
        let at = Utc.with_ymd_and_hms(2022, 2, 21, 2, 30, 0).unwrap();
        let tz: Tz = "America/New_York".parse().unwrap();
        assert_eq!(permalink(Kind::Article, "summit", at, tz), "/2022/02/20/summit/");
        assert_eq!(permalink(Kind::Article, "summit", at, chrono_tz::UTC), "/2022/02/21/summit/");
        assert_eq!(permalink(Kind::Page, "about", at, tz), "/about/");
    }
}
