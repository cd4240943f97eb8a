//! Articles and static pages: their fields, statuses, permalinks and the rules
//! for who may change what and when.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{parse_slug, slugify, FieldErrors, Role, User, UserId};

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
        }
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

/// The lead photo fields of an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoInput {
    pub media_id: MediaId,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: String,
}

/// Everything an edit may set; stored as each revision's snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleInput {
    pub kind: Kind,
    pub slug: Option<String>,
    pub headline: String,
    pub standfirst: Option<String>,
    pub body: String,
    #[serde(default)]
    pub body_format: BodyFormat,
    pub dateline: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub photo: Option<PhotoInput>,
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
    pub comments_open: bool,
}

/// Field length limits; over-long input is refused, never cut.
pub mod limits {
    pub const HEADLINE: usize = 300;
    pub const STANDFIRST: usize = 600;
    pub const BODY: usize = 200_000;
    pub const DATELINE: usize = 60;
    pub const TERM: usize = 60;
    pub const TAGS: usize = 100;
    pub const AUTHORS: usize = 10;
    pub const CAPTION: usize = 600;
    pub const CREDIT: usize = 200;
    pub const ALT: usize = 300;
    pub const CORRECTION: usize = 2_000;
}

fn too_long(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.add(field, format!("This can have at most {max} characters."));
    }
}

impl ArticleInput {
    /// Checks every field, trims text and fills the slug from the headline when empty; returns all problems at once.
    pub fn normalize(mut self) -> Result<ArticleInput, FieldErrors> {
        let mut e = FieldErrors::default();
        self.headline = super::clean_text(self.headline.trim());
        self.body = super::clean_text(&self.body);
        if self.headline.is_empty() {
            e.add("headline", "Enter a headline.");
        }
        too_long(&mut e, "headline", &self.headline, limits::HEADLINE);
        self.slug = match self.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => match parse_slug(s) {
                Ok(s) => Some(s),
                Err(m) => {
                    e.add("slug", m);
                    Some(s.to_owned())
                }
            },
            None => Some(slugify(&self.headline)).filter(|s| !s.is_empty()),
        };
        if self.slug.is_none() && !self.headline.is_empty() {
            e.add("slug", "Enter a slug: the headline has no letters or digits to make one from.");
        }
        self.standfirst = clean_opt(self.standfirst);
        self.dateline = clean_opt(self.dateline);
        self.section = clean_opt(self.section);
        too_long(&mut e, "standfirst", self.standfirst.as_deref().unwrap_or(""), limits::STANDFIRST);
        too_long(&mut e, "body", &self.body, limits::BODY);
        too_long(&mut e, "dateline", self.dateline.as_deref().unwrap_or(""), limits::DATELINE);
        too_long(&mut e, "section", self.section.as_deref().unwrap_or(""), limits::TERM);
        self.tags = clean_list(self.tags);
        self.authors = clean_list(self.authors);
        check_terms(&mut e, "tags", &self.tags, limits::TAGS);
        check_terms(&mut e, "authors", &self.authors, limits::AUTHORS);
        if let Some(p) = self.photo.as_mut() {
            p.caption = clean_opt(p.caption.take());
            p.credit = clean_opt(p.credit.take());
            p.alt = super::clean_text(p.alt.trim());
            if p.alt.is_empty() {
                e.add("photo_alt", "Describe the photo for readers who cannot see it.");
            }
            too_long(&mut e, "photo_caption", p.caption.as_deref().unwrap_or(""), limits::CAPTION);
            too_long(&mut e, "photo_credit", p.credit.as_deref().unwrap_or(""), limits::CREDIT);
            too_long(&mut e, "photo_alt", &p.alt, limits::ALT);
        }
        if self.status == Status::Scheduled && self.published_at.is_none() {
            e.add("published_at", "Choose the date and time to publish at.");
        }
        e.into_result().map(|()| self)
    }
}

fn clean_opt(v: Option<String>) -> Option<String> {
    v.map(|s| super::clean_text(s.trim())).filter(|s| !s.is_empty())
}

fn clean_list(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v {
        let s = super::clean_text(s.trim());
        if !s.is_empty() && !out.iter().any(|o| slugify(o) == slugify(&s)) {
            out.push(s);
        }
    }
    out
}

fn check_terms(e: &mut FieldErrors, field: &'static str, list: &[String], max: usize) {
    if list.len() > max {
        e.add(field, format!("Use at most {max}."));
    }
    if let Some(t) = list.iter().find(|t| t.chars().count() > limits::TERM) {
        e.add(
            field,
            format!("“{}…” is longer than {} characters.", t.chars().take(20).collect::<String>(), limits::TERM),
        );
    }
    if list.iter().any(|t| slugify(t).is_empty()) {
        e.add(field, "Each name needs at least one letter or digit.");
    }
}

/// Explains why a user may not do something to an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("Only editors can publish, schedule or unpublish. Submit the article for review instead.")]
    NeedsEditor,
    #[error("Authors can only change their own articles.")]
    NotYours,
    #[error("This article is already published or scheduled; ask an editor to change it.")]
    Locked,
}

/// Decides whether `user` may save `article` (None for a new one) with the `requested` status.
pub fn may_save(user: &User, article: Option<&Article>, requested: Status) -> Result<(), Denied> {
    if user.role.can_publish() {
        return Ok(());
    }
    if let Some(a) = article {
        if a.created_by != Some(user.id) {
            return Err(Denied::NotYours);
        }
        if a.status.is_live() {
            return Err(Denied::Locked);
        }
    }
    match requested {
        Status::Draft | Status::Pending => Ok(()),
        _ => Err(Denied::NeedsEditor),
    }
}

/// Decides whether a staff member may open an article in the editor: editors
/// and admins any article, authors their own.
pub fn may_open(user: &User, a: &Article) -> bool {
    user.role.can_publish() || a.created_by == Some(user.id)
}

/// Decides whether someone may see an article at `now`: everyone a public
/// one, staff what they may open. The one rule behind every page and answer
/// that shows an article.
pub fn may_see(viewer: Option<&User>, a: &Article, now: DateTime<Utc>) -> bool {
    a.is_public(now) || viewer.is_some_and(|u| may_open(u, a))
}

/// Decides whether `role` may add a correction to a public article.
pub fn may_correct(role: Role) -> Result<(), Denied> {
    if role.can_publish() {
        Ok(())
    } else {
        Err(Denied::NeedsEditor)
    }
}

/// Works out the status and publication time an edit really gets at `now`.
///
/// Publishing with a time in the future schedules; scheduling with a time that
/// has passed publishes; publishing without a time publishes now; a published
/// article keeps its original time unless one is given.
pub fn resolve_publication(
    requested: Status,
    at: Option<DateTime<Utc>>,
    previous: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (Status, Option<DateTime<Utc>>) {
    match requested {
        Status::Published | Status::Scheduled => {
            let when = at.or(previous).unwrap_or(now);
            if when > now {
                (Status::Scheduled, Some(when))
            } else {
                (Status::Published, Some(when))
            }
        }
        other => (other, at.or(previous)),
    }
}

/// Parses a `datetime-local` form value (YYYY-MM-DDTHH:MM) in the site's zone.
pub fn parse_local_datetime(raw: &str, tz: Tz) -> Result<Option<DateTime<Utc>>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .map_err(|_| "Enter a date and time like 2026-03-01T09:30.".to_owned())?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|d| Some(d.with_timezone(&Utc)))
        .ok_or_else(|| "That time does not exist in the site's time zone (a clock change).".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn input() -> ArticleInput {
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
        }
    }

    fn user(role: Role, id: i64) -> User {
        User { id: UserId(id), email: "u@example.org".into(), name: "U".into(), role, password_hash: None }
    }

    #[test]
    fn normalize_trims_fills_slug_and_dedupes_tags() {
        let a = input().normalize().unwrap();
        assert_eq!(a.headline, "Council Votes On Tram Line");
        assert_eq!(a.slug.as_deref(), Some("council-votes-on-tram-line"));
        assert_eq!(a.standfirst, None);
        assert_eq!(a.tags, vec!["Transport".to_string()]);
    }

    #[test]
    fn normalize_reports_every_bad_field_at_once() {
        let mut i = input();
        i.headline = " ".into();
        i.slug = Some("Bad Slug".into());
        i.body = "x".repeat(limits::BODY + 1);
        let e = i.normalize().unwrap_err();
        assert!(e.0.contains_key("headline"));
        assert!(e.0.contains_key("slug"));
        assert!(e.0.contains_key("body"));
    }

    #[test]
    fn a_photo_needs_alt_text() {
        let mut i = input();
        i.photo = Some(PhotoInput { media_id: MediaId(1), caption: None, credit: None, alt: " ".into() });
        assert!(i.normalize().unwrap_err().0.contains_key("photo_alt"));
    }

    #[test]
    fn authors_may_draft_and_submit_but_not_publish() {
        let a = user(Role::Author, 1);
        assert!(may_save(&a, None, Status::Draft).is_ok());
        assert!(may_save(&a, None, Status::Pending).is_ok());
        assert_eq!(may_save(&a, None, Status::Published), Err(Denied::NeedsEditor));
        assert_eq!(may_save(&a, None, Status::Scheduled), Err(Denied::NeedsEditor));
        assert!(may_save(&user(Role::Editor, 2), None, Status::Published).is_ok());
    }

    #[test]
    fn authors_cannot_touch_others_or_live_articles() {
        let now = Utc::now();
        let mut art = Article {
            id: ArticleId(1),
            kind: Kind::Article,
            slug: "s".into(),
            headline: "h".into(),
            standfirst: None,
            body: String::new(),
            body_format: BodyFormat::Markdown,
            dateline: None,
            section: None,
            tags: vec![],
            authors: vec![],
            photo: None,
            status: Status::Draft,
            published_at: None,
            created_at: now,
            updated_at: now,
            comments_open: true,
            created_by: Some(UserId(9)),
            corrections: vec![],
        };
        let a = user(Role::Author, 1);
        assert_eq!(may_save(&a, Some(&art), Status::Draft), Err(Denied::NotYours));
        art.created_by = Some(UserId(1));
        assert!(may_save(&a, Some(&art), Status::Draft).is_ok());
        art.status = Status::Published;
        assert_eq!(may_save(&a, Some(&art), Status::Draft), Err(Denied::Locked));
        assert!(may_correct(Role::Author).is_err());
        assert!(may_correct(Role::Editor).is_ok());
    }

    #[test]
    fn publishing_in_the_future_schedules_and_the_past_publishes() {
        let now = Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap();
        let later = now + chrono::Duration::hours(3);
        let earlier = now - chrono::Duration::days(1);
        assert_eq!(resolve_publication(Status::Published, Some(later), None, now), (Status::Scheduled, Some(later)));
        assert_eq!(
            resolve_publication(Status::Scheduled, Some(earlier), None, now),
            (Status::Published, Some(earlier))
        );
        assert_eq!(resolve_publication(Status::Published, None, None, now), (Status::Published, Some(now)));
        assert_eq!(
            resolve_publication(Status::Published, None, Some(earlier), now),
            (Status::Published, Some(earlier))
        );
        assert_eq!(resolve_publication(Status::Draft, None, None, now), (Status::Draft, None));
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

    #[test]
    fn local_datetimes_are_read_in_the_site_zone() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let d = parse_local_datetime("2026-07-01T10:00", tz).unwrap().unwrap();
        assert_eq!(d, Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).unwrap());
        assert_eq!(parse_local_datetime("", tz).unwrap(), None);
        assert!(parse_local_datetime("tomorrow", tz).is_err());
    }
}
