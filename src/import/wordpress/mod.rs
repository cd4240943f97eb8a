//! `dateline import wordpress`: a whole WordPress site from its WXR export.
//!
//! The file is read twice, as a stream. The first pass checks all of it
//! (a malformed file stops with its line and column before anything is
//! written) and keeps the small things later items refer to: authors,
//! categories, attachments, the site's own facts. The second pass writes.
//!
//! Every item written is recorded (`import_ids`) under the site it came from
//! (its address, or for a file that names none the file's own digest) and its
//! id there (or its GUID, for files without ids), so a second site never
//! collides with the first, a second run of the same file adds nothing, an
//! interrupted run resumes, and a newer export of the same site updates what
//! changed there while keeping what editors changed here (see `post`).

pub mod content;
pub mod export;
mod post;
pub mod wxr;

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

use crate::domain::{Kind, PhotoInput, Role, Status, Term};
use crate::store::Store;
use wxr::{Entry, WxrReader};

/// The `source` under which imports before sites were told apart recorded
/// their WordPress ids; a re-run of such an import still finds them.
pub const LEGACY_SOURCE: &str = "wordpress";

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
    /// Items changed on the old site since the last import, updated here.
    pub updated: BTreeMap<&'static str, u64>,
    /// Items changed on both sides since the last import: editors' version kept.
    pub conflicts: Vec<String>,
    /// The site the file came from: its name, tagline, address and time zone.
    pub site: SiteFacts,
    /// (what, why)
    pub skipped: Vec<(String, String)>,
    pub not_understood: Vec<String>,
    /// Media left at their old address.
    pub external_media: Vec<String>,
    /// Items of kinds not imported (menus, custom post types), by kind.
    pub other_types: BTreeMap<String, u64>,
}

/// What the export says about the site it came from.
#[derive(Debug, Default, Clone)]
pub struct SiteFacts {
    pub title: String,
    pub tagline: String,
    pub url: String,
    /// The time zone the file names, or the one its posts' dates agree with.
    pub timezone: Option<String>,
    /// True when the time zone was worked out from the posts' dates.
    pub timezone_guessed: bool,
}

impl Report {
    fn update(&mut self, what: &'static str) {
        *self.updated.entry(what).or_default() += 1;
    }
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
    /// Names the site the file came from, for `import_ids`.
    source: String,
    site: SiteFacts,
    authors: HashMap<String, wxr::WpAuthor>,
    categories: Vec<wxr::WpTerm>,
    tags: Vec<wxr::WpTerm>,
    /// (domain, slug) → the term's name as the channel lists it, which is
    /// the one name WordPress keeps for a slug (items may spell it otherwise).
    term_names: HashMap<(String, String), String>,
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
    let mut evidence: Vec<ZoneEvidence> = Vec::new();
    while let Some(entry) = r.next_entry().map_err(|e| malformed(file, e))? {
        match entry {
            Entry::Author(a) => {
                s.authors.insert(a.login.clone(), a);
            }
            Entry::Category(c) => s.categories.push(c),
            Entry::Tag(t) => s.tags.push(t),
            Entry::Item(i) => {
                s.items += 1;
                if evidence.len() < 1000 {
                    evidence.extend(zone_evidence(&i));
                }
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
    let listed = s.categories.iter().map(|t| ("category", t)).chain(s.tags.iter().map(|t| ("post_tag", t)));
    s.term_names = listed.map(|(d, t)| ((d.to_owned(), t.slug.clone()), content::decode(&t.name))).collect();
    let url = [&r.base_url, &r.base_site_url].into_iter().find(|u| !u.trim().is_empty()).cloned().unwrap_or_default();
    s.source = site_source(&url, file)?;
    let named = r.timezone.parse::<chrono_tz::Tz>().ok().map(|t| t.name().to_owned());
    let guessed = if named.is_none() { guess_timezone(&evidence) } else { None };
    s.site = SiteFacts {
        title: content::decode(&r.title),
        tagline: content::decode(&r.description),
        url,
        timezone_guessed: guessed.is_some(),
        timezone: named.or(guessed),
    };
    Ok(s)
}

/// Names the site an export came from: `wordpress:` and its address without
/// scheme or trailing slash (so http and https are one site), or, for a file
/// that names no address, `wordpress:file:` and a digest of the file.
fn site_source(url: &str, file: &Path) -> Result<String, WpImportError> {
    let u = url.trim();
    if !u.is_empty() {
        let rest = u.split_once("://").map_or(u, |(_, r)| r);
        return Ok(format!("wordpress:{}", rest.trim_end_matches('/').to_lowercase()));
    }
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let mut f = File::open(file).map_err(|source| WpImportError::Read { file: file.to_owned(), source })?;
    std::io::copy(&mut f, &mut hasher).map_err(|source| WpImportError::Read { file: file.to_owned(), source })?;
    Ok(format!("wordpress:file:{}", hex::encode(&hasher.finalize()[..12])))
}

/// What an item says about the site's time zone: its UTC time, and the
/// local date and time the site gave it (when the file has both), or the
/// local day its dated address shows.
#[derive(Debug, Clone, Copy)]
enum ZoneEvidence {
    Time { local: NaiveDateTime, utc: NaiveDateTime },
    Day { day: chrono::NaiveDate, utc: NaiveDateTime },
}

fn zone_evidence(i: &wxr::WpItem) -> Vec<ZoneEvidence> {
    let parse = |s: &str| NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S").ok();
    let Some(utc) = parse(&i.date_gmt).filter(|_| !i.date_gmt.starts_with("0000")) else { return Vec::new() };
    let mut out = Vec::new();
    if let Some(local) = parse(&i.date).filter(|_| !i.date.starts_with("0000")) {
        out.push(ZoneEvidence::Time { local, utc });
    }
    if i.status == "publish" {
        if let Some((day, _)) = old_path(&i.link).as_deref().and_then(export::dated_path) {
            out.push(ZoneEvidence::Day { day, utc });
        }
    }
    out
}

/// Zones tried first when several agree equally (the ones newsrooms use most).
const COMMON_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Australia/Sydney",
    "Asia/Tokyo",
    "UTC",
];

/// Works out the site's time zone from its posts: the zone that agrees with
/// most of their local times and address dates (common zones first among
/// equals), when it agrees with at least four in five.
fn guess_timezone(evidence: &[ZoneEvidence]) -> Option<String> {
    if evidence.is_empty() {
        return None;
    }
    let agrees = |tz: chrono_tz::Tz, e: &ZoneEvidence| match *e {
        ZoneEvidence::Time { local, utc } => Utc.from_utc_datetime(&utc).with_timezone(&tz).naive_local() == local,
        ZoneEvidence::Day { day, utc } => Utc.from_utc_datetime(&utc).with_timezone(&tz).date_naive() == day,
    };
    let common = COMMON_ZONES.iter().filter_map(|z| z.parse::<chrono_tz::Tz>().ok());
    let rest =
        chrono_tz::TZ_VARIANTS.iter().copied().filter(|z| z.name().contains('/') && !z.name().starts_with("Etc/"));
    let mut best: Option<(usize, chrono_tz::Tz)> = None;
    for tz in common.chain(rest) {
        let n = evidence.iter().filter(|e| agrees(tz, e)).count();
        if best.is_none_or(|(m, _)| n > m) {
            best = Some((n, tz));
        }
    }
    best.filter(|(n, _)| *n * 5 >= evidence.len() * 4).map(|(_, tz)| tz.name().to_owned())
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

/// Reads what an export says about its site (a pass over the whole file,
/// which also checks it reads to its end).
pub fn site_facts(file: &Path) -> Result<SiteFacts, WpImportError> {
    Ok(scan(file)?.site)
}

/// Imports a WXR file. Nothing is written if the file does not read to its end.
pub async fn import(
    store: &Arc<dyn Store>,
    file: &Path,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Report, WpImportError> {
    let scan = scan(file)?;
    let mut report = Report { site: scan.site.clone(), ..Report::default() };
    progress.start(scan.items);
    let src = scan.source.as_str();
    import_authors(store, &scan, &mut report).await?;
    // Sections and tags are made as posts use them; remember how WordPress spelled their slugs.
    for (kind, what, terms) in [("category", "categories", &scan.categories), ("tag", "tags", &scan.tags)] {
        for t in terms.iter() {
            let Some(ours) = Term::from_name(&content::decode(&t.name)) else { continue };
            if store.get_import_id(src, kind, &t.slug).await.map_err(anyhow::Error::from)?.is_some() {
                report.again(what);
                continue;
            }
            store.put_import_id(src, kind, &t.slug, &ours.slug).await.map_err(anyhow::Error::from)?;
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
        post::import_item(store, opts, &scan, &gallery, &item, kind, &mut report).await?;
    }
    // Comments and redirects came in without notices of their own: one for
    // everything tells a running server (and its other nodes) at once.
    if !report.imported.is_empty() || !report.updated.is_empty() {
        store
            .log_change(&crate::domain::change::Notice::everything(), Utc::now())
            .await
            .map_err(anyhow::Error::from)?;
    }
    Ok(report)
}

/// Makes an account for each author of the old site (no password: an admin
/// sets one with `dateline user` if they are to log in), or finds theirs.
async fn import_authors(store: &Arc<dyn Store>, scan: &Scan, report: &mut Report) -> Result<(), WpImportError> {
    let now = Utc::now();
    for a in scan.authors.values() {
        if store.get_import_id(&scan.source, "author", &a.login).await.map_err(anyhow::Error::from)?.is_some() {
            report.again("authors");
            continue;
        }
        let name = if a.display_name.trim().is_empty() { a.login.clone() } else { a.display_name.clone() };
        let user = match crate::domain::parse_email(&a.email) {
            Ok(email) => match store.get_user_by_email(&email).await.map_err(anyhow::Error::from)? {
                Some(u) => u,
                None => {
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
        store
            .put_import_id(&scan.source, "author", &a.login, &user.id.0.to_string())
            .await
            .map_err(anyhow::Error::from)?;
        report.count("authors");
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
    let name = rel.rsplit('/').next();
    let m = crate::service::media::save_processed(store.as_ref(), &opts.media_root, &processed, name, None).await?;
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
