//! `dateline import wordpress`: a whole WordPress site from its WXR export.
//!
//! The file is read twice, as a stream. The first pass checks all of it
//! (a malformed file stops with its line and column before anything is
//! written) and keeps the small things later items refer to: authors,
//! categories, attachments. The second pass writes. Every item written is
//! recorded with its WordPress id (`import_ids`), so a second run adds
//! nothing and an interrupted run resumes where it stopped.

pub mod content;
pub mod export;
pub mod wxr;

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

use crate::domain::{
    ArticleId, ArticleInput, BodyFormat, CommentId, CommentStatus, Kind, PhotoInput, Role, Status, Term,
};
use crate::store::{Effects, NewComment, Store};
use wxr::{Entry, WpItem, WxrReader};

/// The `source` under which WordPress ids are recorded.
pub const SOURCE: &str = "wordpress";

/// Why an import stopped before writing anything (or while writing).
#[derive(Debug, thiserror::Error)]
pub enum WpImportError {
    #[error("cannot read {file}: {source}")]
    Read { file: PathBuf, source: std::io::Error },
    #[error("{file}:{line}:{column}: {message}; nothing was imported")]
    Malformed { file: PathBuf, line: u64, column: u64, message: String },
    #[error("{0}")]
    Write(#[from] anyhow::Error),
}

/// Where media and times come from.
pub struct Options {
    /// A copy of the old site's `wp-content/uploads`.
    pub media: Option<PathBuf>,
    /// Where Dateline keeps media.
    pub media_root: PathBuf,
    pub tz: chrono_tz::Tz,
    /// Saves each post and page (rules, revisions, story intelligence).
    pub articles: crate::service::Articles,
}

/// What the import did, for the summary.
#[derive(Debug, Default)]
pub struct Report {
    pub imported: BTreeMap<&'static str, u64>,
    pub already: BTreeMap<&'static str, u64>,
    /// (what, why)
    pub skipped: Vec<(String, String)>,
    pub not_understood: Vec<String>,
    /// Media left at their old address.
    pub external_media: Vec<String>,
    /// Items of kinds not imported (menus, custom post types), by kind.
    pub other_types: BTreeMap<String, u64>,
}

impl Report {
    fn count(&mut self, what: &'static str) {
        *self.imported.entry(what).or_default() += 1;
    }
    fn again(&mut self, what: &'static str) {
        *self.already.entry(what).or_default() += 1;
    }
    fn skip(&mut self, what: impl Into<String>, why: impl Into<String>) {
        self.skipped.push((what.into(), why.into()));
    }
}

/// Told as the import goes (a progress bar on the terminal).
pub trait Progress {
    fn start(&self, items: u64);
    fn item(&self);
}

/// What the first pass keeps.
#[derive(Default)]
struct Scan {
    items: u64,
    authors: HashMap<String, wxr::WpAuthor>,
    categories: Vec<wxr::WpTerm>,
    tags: Vec<wxr::WpTerm>,
    /// Attachment id → (URL, alt text, caption).
    attachments: HashMap<i64, (String, String, String)>,
}

fn open(file: &Path) -> Result<WxrReader<BufReader<File>>, WpImportError> {
    let f = File::open(file).map_err(|source| WpImportError::Read { file: file.to_owned(), source })?;
    Ok(WxrReader::new(BufReader::new(f)))
}

fn malformed(file: &Path, e: wxr::WxrError) -> WpImportError {
    let (line, column) = File::open(file).map(|f| wxr::locate(BufReader::new(f), e.offset)).unwrap_or((0, 0));
    WpImportError::Malformed { file: file.to_owned(), line, column, message: e.message }
}

fn scan(file: &Path) -> Result<Scan, WpImportError> {
    let mut r = open(file)?;
    let mut s = Scan::default();
    while let Some(entry) = r.next_entry().map_err(|e| malformed(file, e))? {
        match entry {
            Entry::Author(a) => {
                s.authors.insert(a.login.clone(), a);
            }
            Entry::Category(c) => s.categories.push(c),
            Entry::Tag(t) => s.tags.push(t),
            Entry::Item(i) => {
                s.items += 1;
                if i.post_type == "attachment" {
                    let alt = i.meta("_wp_attachment_image_alt").unwrap_or("").to_owned();
                    s.attachments.insert(i.id, (i.attachment_url.clone(), alt, i.excerpt.clone()));
                }
            }
        }
    }
    if r.version.is_empty() {
        return Err(malformed(
            file,
            wxr::WxrError { offset: 0, message: "no <wp:wxr_version>: this is RSS, not a WordPress export".into() },
        ));
    }
    Ok(s)
}

/// Reads a WordPress date: the GMT one when set, else the local one in the site's zone.
fn when(gmt: &str, local: &str, tz: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let parse = |s: &str| NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S").ok();
    match parse(gmt).filter(|_| !gmt.starts_with("0000")) {
        Some(t) => Some(Utc.from_utc_datetime(&t)),
        None => parse(local)
            .filter(|_| !local.starts_with("0000"))
            .and_then(|t| tz.from_local_datetime(&t).earliest())
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// The path of an old link, without its site (`https://old/2013/01/x/` → `/2013/01/x/`).
fn old_path(link: &str) -> Option<String> {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    let path = &rest[rest.find('/')?..];
    (path.len() > 1 && !path.starts_with("/?")).then(|| path.to_owned())
}

fn status(s: &str) -> Option<Status> {
    Some(match s {
        "publish" => Status::Published,
        "future" => Status::Scheduled,
        "draft" | "auto-draft" => Status::Draft,
        "pending" => Status::Pending,
        // Private posts were only for logged-in users: not public here either.
        "private" => Status::Unpublished,
        _ => return None,
    })
}

/// Imports a WXR file. Nothing is written if the file does not read to its end.
pub async fn import(
    store: &Arc<dyn Store>,
    file: &Path,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Report, WpImportError> {
    let scan = scan(file)?;
    let mut report = Report::default();
    progress.start(scan.items);
    let now = Utc::now();

    for a in scan.authors.values() {
        if store.get_import_id(SOURCE, "author", &a.login).await.map_err(anyhow::Error::from)?.is_some() {
            report.again("authors");
            continue;
        }
        let name = if a.display_name.trim().is_empty() { a.login.clone() } else { a.display_name.clone() };
        let user = match crate::domain::parse_email(&a.email) {
            Ok(email) => match store.get_user_by_email(&email).await.map_err(anyhow::Error::from)? {
                Some(u) => u,
                None => {
                    // No password: an admin sets one (`dateline user`) if they are to log in.
                    let name: String = name.chars().take(crate::domain::MAX_USER_NAME).collect();
                    let new =
                        crate::domain::NewUser { email, name, role: Role::Author.as_str().into(), password: None };
                    crate::service::account::create_user(store.as_ref(), new, now).await.map_err(anyhow::Error::from)?
                }
            },
            Err(_) => {
                report.skip(format!("author {}", a.login), "no usable email; their byline is kept");
                continue;
            }
        };
        store.put_import_id(SOURCE, "author", &a.login, &user.id.0.to_string()).await.map_err(anyhow::Error::from)?;
        report.count("authors");
    }
    // Sections and tags are made as posts use them; remember how WordPress spelled their slugs.
    for (kind, what, terms) in [("category", "categories", &scan.categories), ("tag", "tags", &scan.tags)] {
        for t in terms.iter() {
            let Some(ours) = Term::from_name(&t.name) else { continue };
            if store.get_import_id(SOURCE, kind, &t.slug).await.map_err(anyhow::Error::from)?.is_some() {
                report.again(what);
                continue;
            }
            store.put_import_id(SOURCE, kind, &t.slug, &ours.slug).await.map_err(anyhow::Error::from)?;
            report.count(what);
        }
    }

    let gallery: HashMap<i64, String> = scan.attachments.iter().map(|(id, (url, _, _))| (*id, url.clone())).collect();
    let mut r = open(file)?;
    while let Some(entry) = r.next_entry().map_err(|e| malformed(file, e))? {
        let Entry::Item(item) = entry else { continue };
        progress.item();
        let kind = match item.post_type.as_str() {
            "post" => Kind::Article,
            "page" => Kind::Page,
            "attachment" => continue,
            other => {
                *report.other_types.entry(other.to_owned()).or_default() += 1;
                continue;
            }
        };
        import_item(store, opts, &scan, &gallery, &item, kind, &mut report).await?;
    }
    // Comments and redirects came in without notices of their own: one for
    // everything tells a running server (and its other nodes) at once.
    if !report.imported.is_empty() {
        store
            .log_change(&crate::domain::change::Notice::everything(), Utc::now())
            .await
            .map_err(anyhow::Error::from)?;
    }
    Ok(report)
}

#[allow(clippy::too_many_lines)]
async fn import_item(
    store: &Arc<dyn Store>,
    opts: &Options,
    scan: &Scan,
    gallery: &HashMap<i64, String>,
    item: &WpItem,
    kind: Kind,
    report: &mut Report,
) -> Result<(), WpImportError> {
    let what = if kind == Kind::Page { "pages" } else { "posts" };
    let label = format!("{} {} {:?}", kind.as_str(), item.id, item.title);
    let Some(status) = status(&item.status) else {
        report.skip(label, format!("status {:?} is not imported", item.status));
        return Ok(());
    };
    let key = item.id.to_string();
    let article_id = match store.get_import_id(SOURCE, "post", &key).await.map_err(anyhow::Error::from)? {
        Some(id) => {
            report.again(what);
            ArticleId(id.parse().unwrap_or(0))
        }
        None => {
            let mut notes = content::Notes::default();
            let body = content::to_html(&item.content, gallery, &mut notes);
            for n in notes.unknown_shortcodes {
                report.not_understood.push(format!("{label}: shortcode [{n}] left as text"));
            }
            let status = if item.password.is_empty() { status } else { Status::Unpublished };
            if !item.password.is_empty() {
                report.not_understood.push(format!("{label}: password-protected, imported unpublished"));
            }
            let published_at = when(&item.date_gmt, &item.date, opts.tz).filter(|_| status != Status::Draft);
            // The first category is the section; further ones are kept as tags.
            let mut categories = item.terms.iter().filter(|(d, _, _)| d == "category").map(|(_, _, n)| n.clone());
            let section = categories.next();
            let mut tags: Vec<String> = categories.collect();
            for (_, _, n) in item.terms.iter().filter(|(d, _, _)| d == "post_tag") {
                if !tags.contains(n) {
                    tags.push(n.clone());
                }
            }
            let byline = scan.authors.get(&item.creator).map(|a| a.display_name.clone()).filter(|n| !n.is_empty());
            let excerpt = content::comment_text(&item.excerpt);
            let mut input = ArticleInput {
                kind,
                slug: Some(item.name.clone()).filter(|s| crate::domain::parse_slug(s).is_ok()),
                headline: if item.title.trim().is_empty() { "(no title)".into() } else { item.title.clone() },
                standfirst: Some(excerpt).filter(|e| !e.is_empty() && e.chars().count() <= 600),
                body: if body.trim().is_empty() { "<p></p>".into() } else { body },
                body_format: BodyFormat::Html,
                dateline: None,
                section: if kind == Kind::Article { section } else { None },
                tags: if kind == Kind::Article { tags } else { Vec::new() },
                authors: byline.or_else(|| Some(item.creator.clone()).filter(|c| !c.is_empty())).into_iter().collect(),
                photo: None,
                status,
                published_at,
                comments_open: item.comment_status == "open",
            };
            if let Some(thumb) = item.meta("_thumbnail_id").and_then(|t| t.trim().parse::<i64>().ok()) {
                input.photo = photo(store, opts, scan, thumb, report).await?;
            }
            if item.sticky {
                report.not_understood.push(format!("{label}: sticky (Dateline orders by date)"));
            }
            let saved = opts.articles.save(None, None, input, Utc::now()).await;
            let a = match saved {
                Ok(a) => a,
                Err(e) => {
                    report.skip(label, e.to_string());
                    return Ok(());
                }
            };
            store.put_import_id(SOURCE, "post", &key, &a.id.0.to_string()).await.map_err(anyhow::Error::from)?;
            // The old address answers with a 301 when it is not the new one.
            if let Some(old) = old_path(&item.link).filter(|p| *p != a.permalink(opts.tz)) {
                store.add_redirect(&old, a.id).await.map_err(anyhow::Error::from)?;
            }
            report.count(what);
            a.id
        }
    };
    let mut comments: Vec<&wxr::WpComment> = item.comments.iter().collect();
    comments.sort_by_key(|c| c.id);
    for c in comments {
        let key = c.id.to_string();
        if store.get_import_id(SOURCE, "comment", &key).await.map_err(anyhow::Error::from)?.is_some() {
            report.again("comments");
            continue;
        }
        if !c.kind.is_empty() && c.kind != "comment" {
            report.skip(format!("comment {} on {label}", c.id), format!("{}s are not imported", c.kind));
            continue;
        }
        let status = match c.approved.as_str() {
            "1" => CommentStatus::Approved,
            "spam" => CommentStatus::Spam,
            "trash" => CommentStatus::Trash,
            _ => CommentStatus::Pending,
        };
        let parent = if c.parent > 0 {
            store
                .get_import_id(SOURCE, "comment", &c.parent.to_string())
                .await
                .map_err(anyhow::Error::from)?
                .and_then(|id| id.parse().ok())
                .map(CommentId)
        } else {
            None
        };
        let new = NewComment {
            article_id,
            parent_id: parent,
            author_name: if c.author.trim().is_empty() { "Anonymous".into() } else { c.author.trim().to_owned() },
            author_email: c.email.trim().to_lowercase(),
            author_url: Some(c.url.trim().to_owned()).filter(|u| u.starts_with("http://") || u.starts_with("https://")),
            body: content::comment_text(&c.content),
            status,
            visitor: None,
            ip: c.ip.clone(),
            spam_score: None,
            notify: false,
            staff: false,
        };
        let at = when(&c.date_gmt, &c.date, opts.tz).unwrap_or_else(Utc::now);
        let saved = store.create_comment(&new, &Effects::default(), at).await.map_err(anyhow::Error::from)?;
        store.put_import_id(SOURCE, "comment", &key, &saved.id.0.to_string()).await.map_err(anyhow::Error::from)?;
        report.count("comments");
    }
    Ok(())
}

/// Where an uploaded file sits inside `wp-content/uploads`: after that folder
/// in the URL, or (WordPress.com) the `YYYY/MM/file` path after the host.
fn uploads_path(url: &str) -> Option<&str> {
    if let Some((_, rel)) = url.split_once("/wp-content/uploads/") {
        return Some(rel);
    }
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = &rest[rest.find('/')? + 1..];
    let b = path.as_bytes();
    let dated = b.len() > 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'/'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'/';
    (dated && !path.contains("..")).then_some(path)
}

/// The featured image: from the uploads copy when given, else listed as left behind.
async fn photo(
    store: &Arc<dyn Store>,
    opts: &Options,
    scan: &Scan,
    id: i64,
    report: &mut Report,
) -> Result<Option<PhotoInput>, WpImportError> {
    let Some((url, alt, caption)) = scan.attachments.get(&id) else { return Ok(None) };
    let Some(dir) = &opts.media else {
        report.external_media.push(url.clone());
        return Ok(None);
    };
    let Some(rel) = uploads_path(url) else {
        report.external_media.push(url.clone());
        return Ok(None);
    };
    let Ok(bytes) = std::fs::read(dir.join(rel)) else {
        report.skip(format!("image {url}"), format!("not found in {}", dir.display()));
        return Ok(None);
    };
    let processed = match crate::media::process(&bytes, &crate::media::Limits::default()) {
        Ok(p) => p,
        Err(e) => {
            report.skip(format!("image {url}"), e.to_string());
            return Ok(None);
        }
    };
    let m = crate::service::media::save_processed(store.as_ref(), &opts.media_root, &processed, None).await?;
    report.count("images");
    let caption = content::comment_text(caption);
    Ok(Some(PhotoInput {
        media_id: m.id,
        caption: Some(caption).filter(|c| !c.is_empty()),
        credit: None,
        // Alt text is required here; WordPress often lacks it.
        alt: if alt.trim().is_empty() { "Photo".into() } else { alt.clone() },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_prefer_gmt_and_fall_back_to_local() {
        let tz: chrono_tz::Tz = "America/New_York".parse().unwrap();
        assert_eq!(when("2013-01-11 20:22:19", "x", tz).unwrap().to_rfc3339(), "2013-01-11T20:22:19+00:00");
        assert_eq!(
            when("0000-00-00 00:00:00", "2013-01-11 15:22:19", tz).unwrap().to_rfc3339(),
            "2013-01-11T20:22:19+00:00"
        );
        assert!(when("0000-00-00 00:00:00", "0000-00-00 00:00:00", tz).is_none());
    }

    #[test]
    fn uploads_are_found_by_their_dated_path() {
        assert_eq!(uploads_path("https://old.example/wp-content/uploads/2013/03/a.jpg"), Some("2013/03/a.jpg"));
        assert_eq!(uploads_path("https://x.files.wordpress.com/2008/06/b.jpg"), Some("2008/06/b.jpg"));
        assert_eq!(uploads_path("https://old.example/images/c.jpg"), None);
        assert_eq!(uploads_path("https://old.example/2008/06/../../etc/passwd"), None);
    }

    #[test]
    fn old_links_keep_their_path() {
        assert_eq!(old_path("https://old.example/2013/01/11/x/").as_deref(), Some("/2013/01/11/x/"));
        assert_eq!(old_path("https://old.example/?p=5"), None);
        assert_eq!(old_path("https://old.example"), None);
    }
}
