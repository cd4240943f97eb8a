//! View models: what the templates read, computed once from domain values.
//!
//! Fields ending in `_html` hold markup that was produced here from escaped or
//! sanitised input; templates print them with `|safe`. Everything else is text
//! and is escaped by the template engine.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::markdown;
use crate::domain::{Article, BodyFormat, Media, Photo, Term};

/// A link with a label.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
    pub current: bool,
}

/// The person looking at an admin page.
#[derive(Debug, Clone, Serialize)]
pub struct Viewer {
    pub name: String,
    pub role: &'static str,
    pub can_publish: bool,
    pub can_manage_users: bool,
}

/// What every page's frame needs.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub site_title: String,
    pub tagline: String,
    pub lang: String,
    pub base_url: String,
    pub nav: Vec<Link>,
    pub pages: Vec<Link>,
    pub title: String,
    pub description: Option<String>,
    pub canonical: Option<String>,
    pub noindex: bool,
    pub viewer: Option<Viewer>,
    pub csrf: Option<String>,
    pub flash: Option<String>,
    pub year: i32,
    /// Feed autodiscovery links (the site's three feeds, plus the page's own).
    pub feeds: Vec<FeedLink>,
    /// Open Graph and Twitter card tags of the page.
    pub meta: Vec<MetaTag>,
    /// JSON-LD, already escaped for a `<script>` element.
    pub jsonld: Option<String>,
    /// oEmbed discovery URL of an article.
    pub oembed: Option<String>,
}

/// A `<link rel="alternate">` to a feed.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub mime: &'static str,
    pub title: String,
    pub url: String,
}

/// A `<meta property|name=… content=…>` tag.
#[derive(Debug, Clone, Serialize)]
pub struct MetaTag {
    /// `property` for Open Graph, `name` for Twitter.
    pub attr: &'static str,
    pub key: &'static str,
    pub content: String,
}

/// A date shown to readers, with its machine-readable form.
#[derive(Debug, Clone, Serialize)]
pub struct When {
    pub iso: String,
    pub date: String,
    pub full: String,
}

impl When {
    /// Formats a time in the site's zone.
    pub fn new(t: DateTime<Utc>, tz: Tz) -> When {
        let l = t.with_timezone(&tz);
        When {
            iso: l.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            date: l.format("%B %-d, %Y").to_string(),
            full: l.format("%B %-d, %Y at %-I:%M %p %Z").to_string(),
        }
    }
}

/// A responsive image.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub src: String,
    pub srcset: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// Returns the URL of a resized variant of an upload.
pub fn media_url(m: &Media, width: u32) -> String {
    format!("/media/{}/{}.jpg", m.id.0, width)
}

impl ImageView {
    /// Describes a lead photo; `prefer` is the width used for `src` when it exists.
    pub fn new(p: &Photo, prefer: u32) -> ImageView {
        let m = &p.media;
        let src_w = m
            .widths
            .iter()
            .copied()
            .filter(|w| *w <= prefer)
            .max()
            .or_else(|| m.widths.iter().copied().min())
            .unwrap_or(m.width);
        let srcset = m.widths.iter().map(|w| format!("{} {w}w", media_url(m, *w))).collect::<Vec<_>>().join(", ");
        ImageView {
            src: media_url(m, src_w),
            srcset,
            width: src_w,
            height: m.height_at(src_w),
            alt: p.alt.clone(),
            caption: p.caption.as_deref().map(markdown::smarten),
            credit: p.credit.clone(),
        }
    }
}

/// A term with its public URL.
#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub name: String,
    pub url: String,
}

impl TermView {
    /// A section and its page.
    pub fn section(t: &Term) -> TermView {
        TermView { name: t.name.clone(), url: format!("/section/{}/", t.slug) }
    }
}

fn terms(list: &[Term], prefix: &str) -> Vec<TermView> {
    list.iter().map(|t| TermView { name: t.name.clone(), url: format!("/{prefix}/{}/", t.slug) }).collect()
}

/// A dated correction.
#[derive(Debug, Clone, Serialize)]
pub struct CorrectionView {
    pub when: When,
    pub body: String,
}

/// An article as readers see it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    pub id: i64,
    pub url: String,
    pub headline: String,
    pub headline_nowidow: String,
    pub standfirst: Option<String>,
    pub excerpt: String,
    pub body_html: String,
    pub section: Option<TermView>,
    pub tags: Vec<TermView>,
    pub authors: Vec<TermView>,
    pub photo: Option<ImageView>,
    pub published: Option<When>,
    pub updated: Option<When>,
    pub corrections: Vec<CorrectionView>,
    pub comments_open: bool,
    pub status: &'static str,
    /// Approved comments (filled in by list pages).
    pub comment_count: u64,
    /// Readers must give a password: only the headline, byline and dates are shown.
    pub protected: bool,
}

/// Renders an article's body as readers get it, before the dateline and paragraph ids.
pub fn body_html(a: &Article) -> String {
    match a.body_format {
        BodyFormat::Markdown => markdown::render_markdown(&a.body),
        BodyFormat::Html => markdown::sanitize_html(&a.body),
    }
}

impl ArticleView {
    /// Builds the full view (body rendered) of an article; of a story behind
    /// a password, only what anyone may see ([`ArticleView::summary`]).
    pub fn full(a: &Article, tz: Tz) -> ArticleView {
        if a.is_protected() {
            return ArticleView::summary(a, tz);
        }
        ArticleView::unlocked(a, tz)
    }

    /// Builds the full view of an article, password or not: for staff, and
    /// for a reader who gave the password.
    pub fn unlocked(a: &Article, tz: Tz) -> ArticleView {
        let body = body_html(a);
        let body_html = match &a.dateline {
            Some(place) => markdown::insert_dateline(&body, place),
            None => body,
        };
        // Numbered after the dateline: it goes into the first paragraph, or makes one of its own
        // only when there is none to number.
        let body_html = markdown::number_paragraphs(&body_html);
        ArticleView { body_html, ..ArticleView::view(a, tz, false) }
    }

    /// Builds the view of an article in a list (no body); of a story behind a
    /// password, the headline, byline and dates only.
    pub fn summary(a: &Article, tz: Tz) -> ArticleView {
        ArticleView::view(a, tz, a.is_protected())
    }

    fn view(a: &Article, tz: Tz, protected: bool) -> ArticleView {
        let headline = markdown::smarten(&a.headline);
        let excerpt = match &a.standfirst {
            _ if protected => String::new(),
            Some(s) => markdown::smarten(s),
            None => markdown::excerpt(&a.body, 220),
        };
        ArticleView {
            id: a.id.0,
            url: a.permalink(tz),
            headline_nowidow: markdown::no_widow(&headline),
            headline,
            standfirst: a.standfirst.as_deref().filter(|_| !protected).map(markdown::smarten),
            excerpt,
            body_html: String::new(),
            section: a
                .section
                .as_ref()
                .map(|s| TermView { name: s.name.clone(), url: format!("/section/{}/", s.slug) }),
            tags: terms(&a.tags, "tag"),
            authors: terms(&a.authors, "author"),
            photo: a.photo.as_ref().filter(|_| !protected).map(|p| ImageView::new(p, 960)),
            published: a.published_at.map(|t| When::new(t, tz)),
            updated: a.shows_update().then(|| When::new(a.updated_at, tz)),
            corrections: a
                .corrections
                .iter()
                .filter(|_| !protected)
                .map(|c| CorrectionView { when: When::new(c.created_at, tz), body: c.body.clone() })
                .collect(),
            comments_open: a.comments_open,
            status: a.status.as_str(),
            comment_count: 0,
            protected,
        }
    }
}

/// A person, place or organisation, linked to its page.
#[derive(Debug, Clone, Serialize)]
pub struct EntityRef {
    /// The entity's id (for cache keys; not shown).
    #[serde(skip)]
    pub id: i64,
    pub name: String,
    /// The page's path (`/people/vladimir-putin/`).
    pub url: String,
    /// "person", "place" or "organisation".
    pub kind: &'static str,
    /// "Person", "Place" or "Organization".
    pub schema_type: &'static str,
    /// One of an article's main subjects (JSON-LD `about`), not only mentioned.
    pub main: bool,
}

impl EntityRef {
    /// Builds the link to an entity's page.
    pub fn new(id: i64, kind: crate::intel::Kind, name: &str, slug: &str, main: bool) -> EntityRef {
        EntityRef {
            id,
            name: name.to_owned(),
            url: entity_path(kind, slug),
            kind: kind.as_str(),
            schema_type: kind.schema_type(),
            main,
        }
    }
}

/// Returns the path of an entity's page (`/people/vladimir-putin/`).
pub fn entity_path(kind: crate::intel::Kind, slug: &str) -> String {
    format!("/{}/{slug}/", kind.path_segment())
}

/// Links to the neighbouring pages of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    pub page: u32,
    pub pages: u32,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// Computes the pager of page `page` (1-based) of `total` items for a list at `base`.
    pub fn new(base: &str, page: u32, per_page: u32, total: u64) -> Pager {
        let pages = (total.div_ceil(u64::from(per_page.max(1)))).max(1) as u32;
        let link = |p: u32| {
            if p == 1 {
                base.to_owned()
            } else {
                format!("{base}?page={p}")
            }
        };
        Pager { page, pages, prev: (page > 1).then(|| link(page - 1)), next: (page < pages).then(|| link(page + 1)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_links_neighbours_and_drops_page_one_query() {
        let p = Pager::new("/section/city/", 2, 10, 25);
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev.as_deref(), Some("/section/city/"));
        assert_eq!(p.next.as_deref(), Some("/section/city/?page=3"));
        let last = Pager::new("/", 1, 10, 0);
        assert_eq!(last.pages, 1);
        assert!(last.prev.is_none() && last.next.is_none());
    }
}
