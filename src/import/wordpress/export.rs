//! `dateline export wordpress`: the whole site as WXR 1.2, the file
//! WordPress's own importer reads (Tools → Import → WordPress): bylines as
//! authors (and as Co-Authors Plus terms, so every byline survives on sites
//! that use it), sections as categories, tags, articles as posts, pages, lead
//! photos as attachments at their full size (WordPress fetches them from this
//! site), every comment with its thread and status, and every old address.
//!
//! What WordPress has no field for (the dateline, corrections) goes out twice:
//! as post meta that Dateline's importer reads back, and as visible text in
//! the content, between markers, for anyone else reading the file.
//!
//! Articles are read a page at a time and written as they come, so memory
//! stays bounded; only the list of terms is gathered first, because the
//! format puts them before the items.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Article, BodyFormat, Comment, CommentStatus, Correction, Kind, Photo, Status};
use crate::render::markdown::escape_text as esc;
use crate::store::{ArticleQuery, Store};

/// What was written.
#[derive(Debug, Default)]
pub struct Exported {
    pub posts: u64,
    pub pages: u64,
    pub comments: u64,
    pub attachments: u64,
    pub redirects: u64,
}

/// Post meta holding the dateline ("WASHINGTON").
pub const META_DATELINE: &str = "_dateline_dateline";
/// Post meta holding the corrections, as JSON.
pub const META_CORRECTIONS: &str = "_dateline_corrections";
/// Post meta holding every old path that redirects to the post, as JSON.
pub const META_REDIRECTS: &str = "_dateline_redirects";
/// Opens text added for other readers of the file; Dateline's importer drops it.
const VISIBLE_START: &str = "<!-- dateline:visible -->";
const VISIBLE_END: &str = "<!-- /dateline:visible -->";

/// A term as WordPress names it: its slug and its name.
type SlugName = (String, String);

/// The categories and tags a post had on WordPress (recorded by the import),
/// so its export gives them back though here the first is the section and the
/// others tags.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WpTerms {
    /// (slug, name) as WordPress had them.
    pub categories: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    /// The post had no title (here it needs one, "(no title)").
    #[serde(default)]
    pub untitled: bool,
}

impl WpTerms {
    /// Splits an article's section and tags back into WordPress's categories
    /// and tags: what it had there and still has here goes back where it
    /// was; what editors added here goes as here (section → category, tags → tags).
    fn split(&self, a: &Article) -> (Vec<SlugName>, Vec<SlugName>) {
        let slug = |n: &str| crate::domain::Term::from_name(n).map(|t| t.slug).unwrap_or_default();
        let mut here: Vec<(String, String)> =
            a.section.iter().chain(&a.tags).map(|t| (t.slug.clone(), t.name.clone())).collect();
        // A WordPress term still here (by the slug its name makes here) goes back under its own slug and name.
        let still = |(wp_slug, name): &(String, String)| {
            let s = slug(name);
            here.iter().any(|(h, _)| *h == s).then(|| (s, (wp_slug.clone(), name.clone())))
        };
        let (cat_here, categories): (Vec<String>, Vec<(String, String)>) =
            self.categories.iter().filter_map(still).unzip();
        let (tag_here, tags): (Vec<String>, Vec<(String, String)>) = self.tags.iter().filter_map(still).unzip();
        here.retain(|(s, _)| !cat_here.contains(s) && !tag_here.contains(s));
        let mut categories = categories;
        let mut tags = tags;
        for (s, n) in here {
            if a.section.as_ref().is_some_and(|sec| sec.slug == s) {
                categories.insert(0, (s, n));
            } else {
                tags.push((s, n));
            }
        }
        (categories, tags)
    }
}

/// A correction as the meta carries it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CorrectionMeta {
    date: DateTime<Utc>,
    body: String,
}

/// Wraps text in CDATA, splitting any `]]>` inside it.
fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

const ZERO_DATE: &str = "0000-00-00 00:00:00";

/// The headline a post without a title gets here.
pub const UNTITLED: &str = "(no title)";

/// The local and UTC dates WordPress writes: a draft never given a date has
/// its local date and no UTC one (WordPress calls it floating), as
/// WordPress's own export writes it.
fn wp_dates(a: &Article, tz: chrono_tz::Tz) -> (String, String) {
    let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
    match a.published_at {
        Some(t) => (t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string(), fmt(t)),
        None => (a.updated_at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string(), ZERO_DATE.to_owned()),
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Published => "publish",
        Status::Scheduled => "future",
        Status::Draft => "draft",
        Status::Pending => "pending",
        Status::Unpublished => "private",
    }
}

/// Every article and page, a page of the list at a time.
async fn each_article(store: &Arc<dyn Store>, mut f: impl FnMut(Article) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let mut offset = 0;
    loop {
        let q = ArticleQuery { limit: 200, offset, ..Default::default() };
        let page = store.list_articles(&q).await?;
        let n = page.items.len() as u32;
        for a in page.items {
            f(a)?;
        }
        if n < 200 {
            return Ok(());
        }
        offset += n;
    }
}

/// The terms the channel lists before the items, by slug: the bylines.
#[derive(Default)]
struct Terms {
    authors: BTreeMap<String, String>,
}

/// Writes the site as WXR 1.2.
pub async fn export(
    store: &Arc<dyn Store>,
    cfg: &crate::config::Config,
    out: &mut dyn Write,
) -> anyhow::Result<Exported> {
    let tz = cfg.tz();
    let base = cfg.base_url();
    // One pass over the list gathers the terms (which come first in the file)
    // and the ids; each article is then read afresh as it is written.
    let mut terms = Terms::default();
    let mut articles = Vec::new();
    // A page under parents (`about/history`) goes out as `history` under `about`.
    let mut pages = std::collections::HashMap::new();
    each_article(store, |a| {
        articles.push(a.id);
        if a.kind == Kind::Page {
            pages.insert(a.slug.clone(), a.id.0);
        }
        for t in &a.authors {
            terms.authors.insert(t.slug.clone(), t.name.clone());
        }
        Ok(())
    })
    .await?;
    let users = store.list_users().await?;
    write_channel(out, cfg, &terms, &users)?;

    let mut done = Exported::default();
    // Attachment ids follow the largest article id, so they never collide.
    let mut next_attachment = articles.iter().map(|id| id.0).max().unwrap_or(0) + 1;
    for id in articles {
        let Some(a) = store.get_article(id).await? else { continue };
        let comments = store.list_article_comments(a.id, &CommentStatus::ALL).await?;
        let redirects = store.list_redirects(a.id).await?;
        let wp_terms = store
            .get_import_by_local("post", &a.id.0.to_string())
            .await?
            .and_then(|r| r.extra)
            .and_then(|e| serde_json::from_str::<WpTerms>(&e).ok());
        let attachment = a.photo.as_ref().map(|p| {
            let id = next_attachment;
            next_attachment += 1;
            (id, p)
        });
        let parent = a.slug.rsplit_once('/').and_then(|(up, _)| pages.get(up)).copied().unwrap_or(0);
        let item = Item {
            a: &a,
            base,
            tz,
            comments: &comments,
            redirects: &redirects,
            thumbnail: attachment.map(|(i, _)| i),
            parent,
            wp_terms: wp_terms.as_ref(),
        };
        out.write_all(item.to_xml().as_bytes())?;
        done.comments += comments.len() as u64;
        done.redirects += redirects.len() as u64;
        if a.kind == Kind::Page {
            done.pages += 1;
        } else {
            done.posts += 1;
        }
        if let Some((id, p)) = attachment {
            writeln!(out, "{}", attachment_xml(id, p, &a, base, tz))?;
            done.attachments += 1;
        }
    }
    writeln!(out, "</channel>\n</rss>")?;
    out.flush()?;
    Ok(done)
}

/// The channel's head: the site, its time zone, authors, categories and tags.
fn write_channel(
    out: &mut dyn Write,
    cfg: &crate::config::Config,
    terms: &Terms,
    users: &[crate::domain::User],
) -> anyhow::Result<()> {
    let base = cfg.base_url();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(out, "<!-- A WordPress eXtended RSS file written by Dateline; WordPress imports it with Tools > Import > WordPress. -->")?;
    writeln!(
        out,
        "<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:wfw=\"http://wellformedweb.org/CommentAPI/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\" \
         xmlns:dateline=\"urn:x-dateline:wxr:1\">\n<channel>"
    )?;
    writeln!(out, "<title>{}</title>\n<link>{}</link>", esc(&cfg.site.title), esc(base))?;
    writeln!(out, "<description>{}</description>", esc(&cfg.site.tagline))?;
    writeln!(out, "<pubDate>{}</pubDate>\n<language>{}</language>", Utc::now().to_rfc2822(), esc(&cfg.site.language))?;
    writeln!(out, "<wp:wxr_version>1.2</wp:wxr_version>")?;
    writeln!(out, "<wp:base_site_url>{0}</wp:base_site_url>\n<wp:base_blog_url>{0}</wp:base_blog_url>", esc(base))?;
    // WXR has no field for the site's zone; Dateline's importer reads this one.
    writeln!(out, "<dateline:timezone>{}</dateline:timezone>", esc(cfg.tz().name()))?;
    for (i, (slug, name)) in terms.authors.iter().enumerate() {
        let email = users.iter().find(|u| u.name == *name).map(|u| u.email.as_str()).unwrap_or("");
        writeln!(
            out,
            "<wp:author><wp:author_id>{}</wp:author_id><wp:author_login>{}</wp:author_login>\
             <wp:author_email>{}</wp:author_email><wp:author_display_name>{}</wp:author_display_name>\
             <wp:author_first_name></wp:author_first_name><wp:author_last_name></wp:author_last_name></wp:author>",
            i + 1,
            cdata(slug),
            cdata(email),
            cdata(name)
        )?;
    }
    // Categories and tags are not listed here: each item names its own (as the
    // post had them), and WordPress's importer makes them as it meets them.
    Ok(())
}

/// One post or page as an item.
struct Item<'a> {
    a: &'a Article,
    base: &'a str,
    tz: chrono_tz::Tz,
    comments: &'a [Comment],
    redirects: &'a [String],
    thumbnail: Option<i64>,
    /// The parent page's id (0 for none).
    parent: i64,
    /// What the post had on WordPress, when it came from there.
    wp_terms: Option<&'a WpTerms>,
}

fn meta(key: &str, value: &str) -> String {
    format!(
        "<wp:postmeta><wp:meta_key>{}</wp:meta_key><wp:meta_value>{}</wp:meta_value></wp:postmeta>\n",
        cdata(key),
        cdata(value)
    )
}

impl Item<'_> {
    fn to_xml(&self) -> String {
        let a = self.a;
        let (local, gmt) = wp_dates(a, self.tz);
        let content = visible_content(a, self.tz);
        let mut item = String::with_capacity(content.len() + 2048);
        let link = format!("{}{}", self.base, a.permalink(self.tz));
        // A post WordPress had without a title needs one here; it goes back without.
        let untitled = self.wp_terms.is_some_and(|t| t.untitled) && a.headline == UNTITLED;
        let title = if untitled { "" } else { a.headline.as_str() };
        item.push_str(&format!("<item>\n<title>{}</title>\n<link>{}</link>\n", esc(title), esc(&link)));
        if let Some(t) = a.published_at {
            item.push_str(&format!("<pubDate>{}</pubDate>\n", t.to_rfc2822()));
        }
        let creator = a.authors.first().map(|t| t.slug.as_str()).unwrap_or("");
        item.push_str(&format!("<dc:creator>{}</dc:creator>\n", cdata(creator)));
        item.push_str(&format!(
            "<guid isPermaLink=\"false\">{}/?p={}</guid>\n<description></description>\n",
            esc(self.base),
            a.id.0
        ));
        item.push_str(&format!("<content:encoded>{}</content:encoded>\n", cdata(&content)));
        item.push_str(&format!(
            "<excerpt:encoded>{}</excerpt:encoded>\n",
            cdata(a.standfirst.as_deref().unwrap_or(""))
        ));
        item.push_str(&format!(
            "<wp:post_id>{}</wp:post_id>\n<wp:post_date>{}</wp:post_date>\n<wp:post_date_gmt>{}</wp:post_date_gmt>\n",
            a.id.0,
            cdata(&local),
            cdata(&gmt)
        ));
        item.push_str(&format!(
            "<wp:comment_status>{}</wp:comment_status>\n<wp:ping_status>closed</wp:ping_status>\n",
            if a.comments_open { "open" } else { "closed" }
        ));
        item.push_str(&format!(
            "<wp:post_name>{}</wp:post_name>\n<wp:status>{}</wp:status>\n<wp:post_parent>{}</wp:post_parent>\n\
             <wp:menu_order>0</wp:menu_order>\n<wp:post_type>{}</wp:post_type>\n<wp:post_password>{}</wp:post_password>\n\
             <wp:is_sticky>0</wp:is_sticky>\n",
            cdata(post_name(a)),
            status(a.status),
            self.parent,
            if a.kind == Kind::Page { "page" } else { "post" },
            cdata(a.password.as_deref().unwrap_or(""))
        ));
        self.push_terms(&mut item);
        self.push_meta(&mut item);
        for c in self.comments {
            item.push_str(&comment_xml(c, self.tz));
        }
        item.push_str("</item>\n");
        item
    }

    fn push_terms(&self, item: &mut String) {
        let a = self.a;
        let (categories, tags) = match self.wp_terms {
            Some(t) => t.split(a),
            None => (
                a.section.iter().map(|s| (s.slug.clone(), s.name.clone())).collect(),
                a.tags.iter().map(|t| (t.slug.clone(), t.name.clone())).collect(),
            ),
        };
        for (slug, name) in &categories {
            item.push_str(&format!(
                "<category domain=\"category\" nicename=\"{}\">{}</category>\n",
                esc(slug),
                cdata(name)
            ));
        }
        for (slug, name) in &tags {
            item.push_str(&format!(
                "<category domain=\"post_tag\" nicename=\"{}\">{}</category>\n",
                esc(slug),
                cdata(name)
            ));
        }
        // Co-Authors Plus's convention: each byline a term of its `author` taxonomy.
        for t in &a.authors {
            item.push_str(&format!(
                "<category domain=\"author\" nicename=\"cap-{}\">{}</category>\n",
                esc(&t.slug),
                cdata(&t.name)
            ));
        }
    }

    fn push_meta(&self, item: &mut String) {
        let a = self.a;
        if let Some(id) = self.thumbnail {
            item.push_str(&meta("_thumbnail_id", &id.to_string()));
        }
        if let Some(d) = a.dateline.as_deref().filter(|d| !d.trim().is_empty()) {
            item.push_str(&meta(META_DATELINE, d));
        }
        if !a.corrections.is_empty() {
            let list: Vec<CorrectionMeta> =
                a.corrections.iter().map(|c| CorrectionMeta { date: c.created_at, body: c.body.clone() }).collect();
            item.push_str(&meta(META_CORRECTIONS, &serde_json::to_string(&list).unwrap_or_default()));
        }
        if !self.redirects.is_empty() {
            item.push_str(&meta(META_REDIRECTS, &serde_json::to_string(self.redirects).unwrap_or_default()));
        }
        // WordPress's own old-address redirects: an old slug, and an old date
        // for a permalink whose date part changed.
        let (slug, date) = (a.slug.as_str(), a.published_at.map(|t| t.with_timezone(&self.tz).date_naive()));
        let mut slugs = Vec::new();
        let mut dates = Vec::new();
        for path in self.redirects {
            let Some((d, s)) = dated_path(path) else { continue };
            if s != slug && !slugs.contains(&s) {
                slugs.push(s);
            }
            if Some(d) != date && !dates.contains(&d) {
                dates.push(d);
            }
        }
        for s in slugs {
            item.push_str(&meta("_wp_old_slug", s));
        }
        for d in dates {
            item.push_str(&meta("_wp_old_date", &d.format("%Y-%m-%d").to_string()));
        }
    }
}

/// The post's name: the last part of its slug; none for a draft whose slug
/// is only the one made from its headline, as WordPress leaves a draft's
/// name empty until it is published or given one.
fn post_name(a: &Article) -> &str {
    let own = a.slug.rsplit('/').next().unwrap_or(&a.slug);
    let unset = matches!(a.status, Status::Draft | Status::Pending) && a.slug == crate::domain::slugify(&a.headline);
    if unset {
        ""
    } else {
        own
    }
}

/// Reads a permalink of the form `/YYYY/MM/DD/slug/`.
pub(super) fn dated_path(path: &str) -> Option<(chrono::NaiveDate, &str)> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let [y, m, d, slug] = parts.as_slice() else { return None };
    let date = chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    (!slug.is_empty()).then_some((date, *slug))
}

/// The body as HTML, with the dateline and corrections as visible text
/// between markers (the meta carries them for Dateline's importer).
fn visible_content(a: &Article, tz: chrono_tz::Tz) -> String {
    let mut content = match a.body_format {
        BodyFormat::Markdown => crate::render::markdown::render_markdown(&a.body),
        BodyFormat::Html => crate::render::markdown::sanitize_html(&a.body),
    };
    if let Some(d) = a.dateline.as_deref().filter(|d| !d.trim().is_empty()) {
        let mark = format!("{VISIBLE_START}<strong>{} —</strong> {VISIBLE_END}", esc(&d.to_uppercase()));
        match content.find("<p>") {
            Some(i) => content.insert_str(i + 3, &mark),
            None => content.insert_str(0, &mark),
        }
    }
    if !a.corrections.is_empty() {
        content.push_str(&format!("\n{VISIBLE_START}<h2>Corrections</h2>"));
        for c in &a.corrections {
            let day = c.created_at.with_timezone(&tz).format("%B %-d, %Y");
            content.push_str(&format!("<p><em>{day}:</em> {}</p>", esc(&c.body)));
        }
        content.push_str(VISIBLE_END);
    }
    content
}

/// Drops the text an export added between markers for other readers.
pub fn strip_visible_additions(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(i) = rest.find(VISIBLE_START) {
        out.push_str(&rest[..i]);
        match rest[i..].find(VISIBLE_END) {
            Some(j) => rest = &rest[i + j + VISIBLE_END.len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The corrections an item's meta carries.
pub fn corrections(item: &super::wxr::WpItem) -> Vec<Correction> {
    let Some(json) = item.meta(META_CORRECTIONS) else { return Vec::new() };
    let list: Vec<CorrectionMeta> = serde_json::from_str(json).unwrap_or_default();
    list.into_iter()
        .filter(|c| !c.body.trim().is_empty())
        .map(|c| Correction { id: 0, body: c.body, created_at: c.date })
        .collect()
}

/// The old addresses an item's meta carries: Dateline's exact paths, and
/// WordPress's old slugs at the item's own date (`/YYYY/MM/DD/old-slug/`)
/// when its link has that shape.
pub fn old_addresses(item: &super::wxr::WpItem) -> Vec<(String, Option<chrono::NaiveDate>)> {
    let mut out: Vec<(String, Option<chrono::NaiveDate>)> = item
        .meta(META_REDIRECTS)
        .and_then(|j| serde_json::from_str::<Vec<String>>(j).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && p.len() < 500)
        .map(|p| (p, None))
        .collect();
    let link_path = super::old_path(&item.link);
    if let Some((date, _)) = link_path.as_deref().and_then(dated_path) {
        for (k, v) in &item.meta {
            if k == "_wp_old_slug" && crate::domain::parse_slug(v.trim()).is_ok() {
                let p = format!("/{}/{}/", date.format("%Y/%m/%d"), v.trim());
                if !out.iter().any(|(q, _)| *q == p) {
                    out.push((p, Some(date)));
                }
            }
        }
    }
    out
}

/// A comment as WordPress stores it.
fn comment_xml(c: &Comment, tz: chrono_tz::Tz) -> String {
    let clocal = c.created_at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string();
    let cgmt = c.created_at.format("%Y-%m-%d %H:%M:%S").to_string();
    let approved = match c.status {
        CommentStatus::Approved => "1",
        CommentStatus::Pending => "0",
        CommentStatus::Spam => "spam",
        CommentStatus::Trash => "trash",
    };
    format!(
        "<wp:comment>\n<wp:comment_id>{}</wp:comment_id>\n<wp:comment_author>{}</wp:comment_author>\n\
         <wp:comment_author_email>{}</wp:comment_author_email>\n<wp:comment_author_url>{}</wp:comment_author_url>\n\
         <wp:comment_author_IP>{}</wp:comment_author_IP>\n<wp:comment_date>{}</wp:comment_date>\n\
         <wp:comment_date_gmt>{}</wp:comment_date_gmt>\n<wp:comment_content>{}</wp:comment_content>\n\
         <wp:comment_approved>{}</wp:comment_approved>\n<wp:comment_type></wp:comment_type>\n\
         <wp:comment_parent>{}</wp:comment_parent>\n<wp:comment_user_id>0</wp:comment_user_id>\n</wp:comment>\n",
        c.id.0,
        cdata(&c.author_name),
        cdata(&c.author_email),
        cdata(c.author_url.as_deref().unwrap_or("")),
        cdata(&c.ip),
        cdata(&clocal),
        cdata(&cgmt),
        // A WordPress comment is HTML; ours is text, so its `<` is escaped.
        cdata(&esc(&c.body)),
        approved,
        c.parent_id.map_or(0, |p| p.0),
    )
}

/// The file name a photo goes out under: the one it came under, or for a
/// photo stored before names were kept, one made from its caption or the slug.
fn photo_file_name(p: &Photo, a: &Article) -> String {
    if let Some(name) = &p.media.filename {
        return name.clone();
    }
    let ext = if p.media.mime == "image/png" {
        "png"
    } else if p.media.mime == "image/webp" {
        "webp"
    } else {
        "jpg"
    };
    let from = p.caption.as_deref().filter(|c| !c.trim().is_empty()).unwrap_or(&a.slug);
    let stem: String = crate::domain::slugify(from).chars().take(60).collect();
    format!("{}.{ext}", if stem.is_empty() { format!("photo-{}", p.media.id.0) } else { stem })
}

/// A lead photo as an attachment: its original at full size, its alt text,
/// caption and credit, the article's author, comments closed.
fn attachment_xml(id: i64, p: &Photo, a: &Article, base: &str, tz: chrono_tz::Tz) -> String {
    let (local, gmt) = wp_dates(a, tz);
    let name = photo_file_name(p, a);
    let url = format!("{base}/media/{}/original/{name}", p.media.id.0);
    let creator = a.authors.first().map(|t| t.slug.as_str()).unwrap_or("");
    format!(
        "<item>\n<title>{}</title>\n<link>{}</link>\n<dc:creator>{}</dc:creator>\n<guid isPermaLink=\"false\">{}</guid>\n\
         <excerpt:encoded>{}</excerpt:encoded>\n<content:encoded>{}</content:encoded>\n<wp:post_id>{id}</wp:post_id>\n\
         <wp:post_date>{}</wp:post_date>\n<wp:post_date_gmt>{}</wp:post_date_gmt>\n\
         <wp:comment_status>closed</wp:comment_status>\n<wp:ping_status>closed</wp:ping_status>\n<wp:post_name>{}</wp:post_name>\n\
         <wp:status>inherit</wp:status>\n<wp:post_parent>{}</wp:post_parent>\n<wp:post_type>attachment</wp:post_type>\n\
         <wp:attachment_url>{}</wp:attachment_url>\n{}</item>",
        esc(name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s)),
        esc(&url),
        cdata(creator),
        esc(&url),
        cdata(p.caption.as_deref().unwrap_or("")),
        cdata(p.credit.as_deref().unwrap_or("")),
        cdata(&local),
        cdata(&gmt),
        cdata(name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s)),
        a.id.0,
        esc(&url),
        meta("_wp_attachment_image_alt", &p.alt),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn additions_for_other_readers_are_dropped_on_the_way_back() {
        let c = format!("<p>{VISIBLE_START}<strong>WASHINGTON —</strong> {VISIBLE_END}Text.</p>\n{VISIBLE_START}<h2>Corrections</h2>{VISIBLE_END}");
        assert_eq!(strip_visible_additions(&c), "<p>Text.</p>\n");
        assert_eq!(strip_visible_additions("<p>plain</p>"), "<p>plain</p>");
    }

    #[test]
    fn dated_paths_give_their_date_and_slug() {
        let (d, s) = dated_path("/2022/02/18/old-slug/").unwrap();
        assert_eq!((d.to_string(), s), ("2022-02-18".to_owned(), "old-slug"));
        assert!(dated_path("/about/").is_none());
        assert!(dated_path("/2022/13/40/x/").is_none());
    }
}
