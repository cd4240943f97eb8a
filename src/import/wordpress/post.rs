//! One post or page of an export, with its comments: found again by the site
//! it came from and its id there, created, updated from a newer export, or
//! kept as editors changed it.
//!
//! An item's record remembers a digest of the item as the old site had it and
//! a digest of what the import wrote. On a later run an unchanged item adds
//! nothing; one changed on the old site only is updated here; one changed on
//! both sides keeps the editors' version, and the report names it.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use sha2::Digest;

use super::{content, old_path, photo, status, when, wxr, Options, Report, Scan, WpImportError, LEGACY_SOURCE};
use crate::domain::{Article, ArticleId, ArticleInput, BodyFormat, CommentId, CommentStatus, Kind, Status};
use crate::service::SaveError;
use crate::store::{Effects, ImportRecord, NewComment, Store};

/// The most `-N` suffixes tried for a slug another article has.
const SLUG_TRIES: u32 = 100;

/// The key an item is recorded under: its id, or its GUID (or link) in a file
/// without ids.
fn item_key(item: &wxr::WpItem) -> Option<String> {
    if item.id > 0 {
        Some(item.id.to_string())
    } else if !item.guid.trim().is_empty() {
        Some(format!("guid:{}", item.guid.trim()))
    } else if !item.link.trim().is_empty() {
        Some(format!("link:{}", item.link.trim()))
    } else {
        None
    }
}

fn digest(parts: &[&str]) -> String {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// A digest of what the old site had for the item (what the import reads).
fn item_digest(item: &wxr::WpItem) -> String {
    let terms: Vec<String> = item.terms.iter().map(|(d, n, t)| format!("{d}/{n}/{t}")).collect();
    let meta: Vec<String> = item
        .meta
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "_thumbnail_id" | export::META_DATELINE | export::META_CORRECTIONS))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    digest(&[
        &item.title,
        &item.content,
        &item.excerpt,
        &item.status,
        &item.date,
        &item.date_gmt,
        &item.name,
        &item.password,
        &item.comment_status,
        &item.creator,
        &terms.join("\n"),
        &meta.join("\n"),
    ])
}

use super::export;

/// The categories and tags a post had on WordPress, by name: here the first
/// category is the section and the others are tags, so an export reads this
/// to give WordPress back its categories.
fn wp_terms(scan: &Scan, item: &wxr::WpItem) -> String {
    let terms = |domain: &str| -> Vec<(String, String)> {
        item.terms
            .iter()
            .filter(|(d, _, _)| d == domain)
            .map(|(d, s, n)| (s.clone(), term_name(scan, d, s, n)))
            .collect()
    };
    let untitled = item.title.trim().is_empty();
    serde_json::to_string(&export::WpTerms { categories: terms("category"), tags: terms("post_tag"), untitled })
        .unwrap_or_default()
}

/// A term's name: the one the channel lists for its slug, else the item's own.
fn term_name(scan: &Scan, domain: &str, slug: &str, name: &str) -> String {
    match scan.term_names.get(&(domain.to_owned(), slug.to_owned())) {
        Some(n) => n.clone(),
        None => content::decode(name),
    }
}

/// A digest of an article as stored here (to tell whether editors changed it).
fn article_digest(a: &Article) -> String {
    digest(&[&serde_json::to_string(&a.to_input()).unwrap_or_default()])
}

/// Imports one post or page and its comments.
pub(super) async fn import_item(
    store: &Arc<dyn Store>,
    opts: &Options,
    scan: &Scan,
    gallery: &HashMap<i64, String>,
    item: &wxr::WpItem,
    kind: Kind,
    report: &mut Report,
) -> Result<(), WpImportError> {
    let what = if kind == Kind::Page { "pages" } else { "posts" };
    let label = format!("{} {} {:?}", kind.as_str(), item.id, content::decode(&item.title));
    let Some(status) = status(&item.status) else {
        report.skip(label, format!("status {:?} is not imported", item.status));
        return Ok(());
    };
    let Some(key) = item_key(item) else {
        report.skip(label, "it has no id, GUID or link to know it by");
        return Ok(());
    };
    let src = scan.source.as_str();
    let fingerprint = item_digest(item);
    let record = match store.get_import(src, "post", &key).await.map_err(anyhow::Error::from)? {
        Some(r) => Some(r),
        None => adopt_legacy(store, scan, item, &key).await?,
    };
    let article_id = match record {
        None => {
            let input = to_input(store, opts, scan, gallery, item, kind, status, &label, report).await?;
            let Some(a) = save_unique(opts, None, input, &label, report).await? else { return Ok(()) };
            let rec = ImportRecord {
                local: a.id.0.to_string(),
                fingerprint: Some(fingerprint),
                written: Some(article_digest(&a)),
                extra: Some(wp_terms(scan, item)),
            };
            store.put_import(src, "post", &key, &rec, Utc::now()).await.map_err(anyhow::Error::from)?;
            after_save(store, opts, item, &a).await?;
            report.count(what);
            a.id
        }
        Some(rec) => {
            let id = ArticleId(rec.local.parse().unwrap_or(0));
            if rec.fingerprint.as_deref() != Some(fingerprint.as_str()) {
                update(store, opts, scan, gallery, item, kind, status, (&key, &rec, &fingerprint), report).await?;
            } else {
                report.again(what);
            }
            id
        }
    };
    import_comments(store, opts, src, &key, item, article_id, &label, report).await
}

/// Finds an item an import from before sites were told apart recorded under
/// its bare id, when the article it made still has the item's slug; records
/// it under the site from now on.
async fn adopt_legacy(
    store: &Arc<dyn Store>,
    scan: &Scan,
    item: &wxr::WpItem,
    key: &str,
) -> Result<Option<ImportRecord>, WpImportError> {
    if item.id <= 0 {
        return Ok(None);
    }
    let Some(old) = store.get_import(LEGACY_SOURCE, "post", key).await.map_err(anyhow::Error::from)? else {
        return Ok(None);
    };
    let Some(a) = store.get_article(ArticleId(old.local.parse().unwrap_or(0))).await.map_err(anyhow::Error::from)?
    else {
        return Ok(None);
    };
    if a.slug != item.name {
        return Ok(None);
    }
    // No digest of what the old site had then: today's file and today's article are the baseline.
    let rec = ImportRecord {
        local: old.local,
        fingerprint: Some(item_digest(item)),
        written: Some(article_digest(&a)),
        extra: Some(wp_terms(scan, item)),
    };
    store.put_import(&scan.source, "post", key, &rec, Utc::now()).await.map_err(anyhow::Error::from)?;
    Ok(Some(rec))
}

/// Updates an item the old site changed since the last import, unless
/// editors changed it here too (then theirs is kept and the report says so).
#[allow(clippy::too_many_arguments)]
async fn update(
    store: &Arc<dyn Store>,
    opts: &Options,
    scan: &Scan,
    gallery: &HashMap<i64, String>,
    item: &wxr::WpItem,
    kind: Kind,
    status: Status,
    (key, rec, fingerprint): (&str, &ImportRecord, &str),
    report: &mut Report,
) -> Result<(), WpImportError> {
    let what = if kind == Kind::Page { "pages" } else { "posts" };
    let label = format!("{} {} {:?}", kind.as_str(), item.id, content::decode(&item.title));
    let id = ArticleId(rec.local.parse().unwrap_or(0));
    let Some(current) = store.get_article(id).await.map_err(anyhow::Error::from)? else {
        report.skip(label, "changed on the old site, but deleted here; not brought back");
        return Ok(());
    };
    let mut next = rec.clone();
    next.fingerprint = Some(fingerprint.to_owned());
    if rec.written.as_deref() != Some(article_digest(&current).as_str()) {
        report.conflicts.push(format!(
            "{label}: changed on the old site and here since the last import; the version here was kept"
        ));
    } else {
        let input = to_input(store, opts, scan, gallery, item, kind, status, &label, report).await?;
        let Some(a) = save_unique(opts, Some(id), input, &label, report).await? else { return Ok(()) };
        next.written = Some(article_digest(&a));
        next.extra = Some(wp_terms(scan, item));
        after_save(store, opts, item, &a).await?;
        report.update(what);
    }
    store.put_import(&scan.source, "post", key, &next, Utc::now()).await.map_err(anyhow::Error::from)?;
    Ok(())
}

/// Saves an article; a slug another article has gets `-2`, `-3` … as
/// WordPress would give it (the old link then redirects to the new one).
async fn save_unique(
    opts: &Options,
    id: Option<ArticleId>,
    mut input: ArticleInput,
    label: &str,
    report: &mut Report,
) -> Result<Option<Article>, WpImportError> {
    let base = input.slug.clone();
    for n in 1..=SLUG_TRIES {
        if n > 1 {
            input.slug = base.as_ref().map(|s| format!("{s}-{n}"));
        }
        match opts.articles.save(None, id, input.clone(), Utc::now()).await {
            Ok(a) => return Ok(Some(a)),
            Err(SaveError::Invalid(f)) if f.0.contains_key("slug") && base.is_some() => continue,
            Err(e) => {
                report.skip(label.to_owned(), e.to_string());
                return Ok(None);
            }
        }
    }
    report.skip(label.to_owned(), format!("its slug and {SLUG_TRIES} variants of it are taken"));
    Ok(None)
}

/// What follows a save: the old address redirects to the new one, and the
/// corrections the file carries are added (once each).
async fn after_save(
    store: &Arc<dyn Store>,
    opts: &Options,
    item: &wxr::WpItem,
    a: &Article,
) -> Result<(), WpImportError> {
    if let Some(old) = old_path(&item.link).filter(|p| *p != a.permalink(opts.tz)) {
        store.add_redirect(&old, a.id).await.map_err(anyhow::Error::from)?;
    }
    for (path, _date) in export::old_addresses(item) {
        if path != a.permalink(opts.tz) {
            store.add_redirect(&path, a.id).await.map_err(anyhow::Error::from)?;
        }
    }
    for c in export::corrections(item) {
        if !a.corrections.iter().any(|k| k.body == c.body) {
            store
                .add_correction(a.id, &c.body, c.created_at, &Effects::default())
                .await
                .map_err(anyhow::Error::from)?;
        }
    }
    Ok(())
}

/// Builds the article an item becomes.
#[allow(clippy::too_many_arguments)]
async fn to_input(
    store: &Arc<dyn Store>,
    opts: &Options,
    scan: &Scan,
    gallery: &HashMap<i64, String>,
    item: &wxr::WpItem,
    kind: Kind,
    status: Status,
    label: &str,
    report: &mut Report,
) -> Result<ArticleInput, WpImportError> {
    let mut notes = content::Notes::default();
    let dateline = item.meta(export::META_DATELINE).map(content::decode).filter(|d| !d.trim().is_empty());
    // Text our own exports add for other readers of the file: the meta above carries it.
    let raw = export::strip_visible_additions(&item.content);
    let body = content::to_html(&raw, gallery, &mut notes);
    for n in notes.unknown_shortcodes {
        report.not_understood.push(format!("{label}: shortcode [{n}] left as text"));
    }
    // A draft keeps a date only when it was given one (WordPress then has its GMT date too).
    let dated = status != Status::Draft || !item.date_gmt.starts_with("0000");
    let published_at = when(&item.date_gmt, &item.date, opts.tz).filter(|_| dated);
    // The first category is the section; further ones are kept as tags.
    let names = |domain: &str| -> Vec<String> {
        item.terms.iter().filter(|(d, _, _)| d == domain).map(|(d, s, n)| term_name(scan, d, s, n)).collect()
    };
    let mut categories = names("category").into_iter();
    let section = categories.next();
    let mut tags: Vec<String> = categories.collect();
    for n in names("post_tag") {
        if !tags.contains(&n) {
            tags.push(n);
        }
    }
    // Co-Authors Plus keeps every byline as a term; otherwise the one author.
    let mut authors = names("author");
    if authors.is_empty() {
        let byline = scan.authors.get(&item.creator).map(|a| a.display_name.clone()).filter(|n| !n.is_empty());
        authors.extend(byline.or_else(|| Some(item.creator.clone()).filter(|c| !c.is_empty())));
    }
    let excerpt = content::comment_text(&item.excerpt);
    let title = content::decode(&item.title);
    let mut input = ArticleInput {
        kind,
        slug: slug(item, kind),
        headline: if title.trim().is_empty() { export::UNTITLED.into() } else { title },
        standfirst: Some(excerpt).filter(|e| !e.is_empty() && e.chars().count() <= 600),
        body: if body.trim().is_empty() { "<p></p>".into() } else { body },
        body_format: BodyFormat::Html,
        dateline,
        section: if kind == Kind::Article { section } else { None },
        tags: if kind == Kind::Article { tags } else { Vec::new() },
        authors,
        photo: None,
        status,
        published_at,
        comments_open: item.comment_status == "open",
        password: Some(item.password.clone()).filter(|p| !p.is_empty()),
    };
    if let Some(thumb) = item.meta("_thumbnail_id").and_then(|t| t.trim().parse::<i64>().ok()) {
        input.photo = photo(store, opts, scan, thumb, report).await?;
    }
    if item.sticky {
        report.not_understood.push(format!("{label}: sticky (Dateline orders by date)"));
    }
    Ok(input)
}

/// The slug an item keeps: its name, or for a page under parents the path
/// of its old address (`about/history`), so the page keeps that address.
fn slug(item: &wxr::WpItem, kind: Kind) -> Option<String> {
    if kind == Kind::Page {
        if let Some(path) = old_path(&item.link) {
            let p = path.trim_matches('/');
            if p.rsplit('/').next() == Some(item.name.as_str()) {
                if let Ok(p) = crate::domain::parse_page_path(p) {
                    return Some(p);
                }
            }
        }
    }
    Some(item.name.clone()).filter(|s| crate::domain::parse_slug(s).is_ok())
}

/// Imports an item's comments that are not here yet, replies under their parents.
#[allow(clippy::too_many_arguments)]
async fn import_comments(
    store: &Arc<dyn Store>,
    opts: &Options,
    src: &str,
    post_key: &str,
    item: &wxr::WpItem,
    article_id: ArticleId,
    label: &str,
    report: &mut Report,
) -> Result<(), WpImportError> {
    let mut comments: Vec<&wxr::WpComment> = item.comments.iter().collect();
    comments.sort_by_key(|c| c.id);
    for c in comments {
        let key = if c.id > 0 {
            c.id.to_string()
        } else {
            format!("{post_key}#{}", digest(&[&c.author, &c.date_gmt, &c.date, &c.content]))
        };
        if store.get_import_id(src, "comment", &key).await.map_err(anyhow::Error::from)?.is_some() {
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
                .get_import_id(src, "comment", &c.parent.to_string())
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
        store.put_import_id(src, "comment", &key, &saved.id.0.to_string()).await.map_err(anyhow::Error::from)?;
        report.count("comments");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_known_by_id_then_guid_then_link() {
        let mut i = wxr::WpItem { id: 7, guid: "https://a.example/?p=7".into(), ..Default::default() };
        assert_eq!(item_key(&i).as_deref(), Some("7"));
        i.id = 0;
        assert_eq!(item_key(&i).as_deref(), Some("guid:https://a.example/?p=7"));
        i.guid.clear();
        i.link = "https://a.example/x/".into();
        assert_eq!(item_key(&i).as_deref(), Some("link:https://a.example/x/"));
        i.link.clear();
        assert_eq!(item_key(&i), None);
    }

    #[test]
    fn a_change_on_the_old_site_changes_the_digest() {
        let i = wxr::WpItem { id: 7, title: "A".into(), content: "<p>x</p>".into(), ..Default::default() };
        let mut j = i.clone();
        assert_eq!(item_digest(&i), item_digest(&j));
        j.content = "<p>y</p>".into();
        assert_ne!(item_digest(&i), item_digest(&j));
        // Fields are length-prefixed: moving text between them is a change.
        let k = wxr::WpItem { id: 7, title: "A<p>x</p>".into(), content: String::new(), ..Default::default() };
        assert_ne!(item_digest(&i), item_digest(&k));
    }
}
