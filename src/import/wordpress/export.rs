//! `dateline export wordpress`: the whole site as WXR 1.2, the file
//! WordPress's own importer reads (Tools → Import → WordPress): bylines as
//! authors, sections as categories, tags, articles as posts, pages, lead
//! photos as attachments (WordPress fetches them from this site), and every
//! comment with its thread and status.
//!
//! Articles are read a page at a time and written as they come, so memory
//! stays bounded; only the list of terms is gathered first, because the
//! format puts them before the items.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::domain::{Article, BodyFormat, CommentStatus, Kind, Status};
use crate::store::{ArticleQuery, Store};

/// What was written.
#[derive(Debug, Default)]
pub struct Exported {
    pub posts: u64,
    pub pages: u64,
    pub comments: u64,
    pub attachments: u64,
}

use crate::render::markdown::escape_text as esc;

/// Wraps text in CDATA, splitting any `]]>` inside it.
fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

fn wp_date(t: Option<DateTime<Utc>>, tz: chrono_tz::Tz) -> (String, String) {
    match t {
        Some(t) => {
            (t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string(), t.format("%Y-%m-%d %H:%M:%S").to_string())
        }
        None => ("0000-00-00 00:00:00".into(), "0000-00-00 00:00:00".into()),
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

/// Writes the site as WXR 1.2.
#[allow(clippy::too_many_lines)]
pub async fn export(
    store: &Arc<dyn Store>,
    cfg: &crate::config::Config,
    out: &mut dyn Write,
) -> anyhow::Result<Exported> {
    let tz = cfg.tz();
    let base = cfg.base_url();
    // Terms first: bylines, sections and tags, by slug.
    let mut authors = BTreeMap::new();
    let mut sections = BTreeMap::new();
    let mut tags = BTreeMap::new();
    // One pass over the list gathers the terms (which come first in the file)
    // and the ids; each article is then read afresh as it is written.
    let mut articles = Vec::new();
    each_article(store, |a| {
        articles.push(a.id);
        for t in &a.authors {
            authors.insert(t.slug.clone(), t.name.clone());
        }
        if let Some(s) = &a.section {
            sections.insert(s.slug.clone(), s.name.clone());
        }
        for t in &a.tags {
            tags.insert(t.slug.clone(), t.name.clone());
        }
        Ok(())
    })
    .await?;
    let users = store.list_users().await?;

    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(out, "<!-- A WordPress eXtended RSS file written by Dateline; WordPress imports it with Tools > Import > WordPress. -->")?;
    writeln!(
        out,
        "<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:wfw=\"http://wellformedweb.org/CommentAPI/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>"
    )?;
    writeln!(out, "<title>{}</title>\n<link>{}</link>", esc(&cfg.site.title), esc(base))?;
    writeln!(out, "<description>{}</description>", esc(&cfg.site.tagline))?;
    writeln!(out, "<pubDate>{}</pubDate>\n<language>{}</language>", Utc::now().to_rfc2822(), esc(&cfg.site.language))?;
    writeln!(out, "<wp:wxr_version>1.2</wp:wxr_version>")?;
    writeln!(out, "<wp:base_site_url>{0}</wp:base_site_url>\n<wp:base_blog_url>{0}</wp:base_blog_url>", esc(base))?;
    for (i, (slug, name)) in authors.iter().enumerate() {
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
    for (i, (slug, name)) in sections.iter().enumerate() {
        writeln!(
            out,
            "<wp:category><wp:term_id>{}</wp:term_id><wp:category_nicename>{}</wp:category_nicename>\
             <wp:category_parent></wp:category_parent><wp:cat_name>{}</wp:cat_name></wp:category>",
            i + 1,
            cdata(slug),
            cdata(name)
        )?;
    }
    for (i, (slug, name)) in tags.iter().enumerate() {
        writeln!(
            out,
            "<wp:tag><wp:term_id>{}</wp:term_id><wp:tag_slug>{}</wp:tag_slug><wp:tag_name>{}</wp:tag_name></wp:tag>",
            sections.len() + i + 1,
            cdata(slug),
            cdata(name)
        )?;
    }

    let mut done = Exported::default();

    // Attachment ids follow the largest article id, so they never collide.
    let mut next_attachment = articles.iter().map(|id| id.0).max().unwrap_or(0) + 1;
    for id in articles {
        let Some(a) = store.get_article(id).await? else { continue };
        let comments = store.list_article_comments(a.id, &CommentStatus::ALL).await?;
        let (local, gmt) = wp_date(a.published_at, tz);
        let content = match a.body_format {
            BodyFormat::Markdown => crate::render::markdown::render_markdown(&a.body),
            BodyFormat::Html => crate::render::markdown::sanitize_html(&a.body),
        };
        let mut item = String::with_capacity(content.len() + 2048);
        let link = format!("{base}{}", a.permalink(tz));
        item.push_str(&format!("<item>\n<title>{}</title>\n<link>{}</link>\n", esc(&a.headline), esc(&link)));
        if let Some(t) = a.published_at {
            item.push_str(&format!("<pubDate>{}</pubDate>\n", t.to_rfc2822()));
        }
        let creator = a.authors.first().map(|t| t.slug.as_str()).unwrap_or("");
        item.push_str(&format!("<dc:creator>{}</dc:creator>\n", cdata(creator)));
        item.push_str(&format!(
            "<guid isPermaLink=\"false\">{}/?p={}</guid>\n<description></description>\n",
            esc(base),
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
            "<wp:post_name>{}</wp:post_name>\n<wp:status>{}</wp:status>\n<wp:post_parent>0</wp:post_parent>\n\
             <wp:menu_order>0</wp:menu_order>\n<wp:post_type>{}</wp:post_type>\n<wp:post_password></wp:post_password>\n\
             <wp:is_sticky>0</wp:is_sticky>\n",
            cdata(&a.slug),
            status(a.status),
            if a.kind == Kind::Page { "page" } else { "post" }
        ));
        if let Some(s) = &a.section {
            item.push_str(&format!(
                "<category domain=\"category\" nicename=\"{}\">{}</category>\n",
                esc(&s.slug),
                cdata(&s.name)
            ));
        }
        for t in &a.tags {
            item.push_str(&format!(
                "<category domain=\"post_tag\" nicename=\"{}\">{}</category>\n",
                esc(&t.slug),
                cdata(&t.name)
            ));
        }
        let attachment = a.photo.as_ref().map(|p| {
            let id = next_attachment;
            next_attachment += 1;
            (id, p)
        });
        if let Some((id, _)) = attachment {
            item.push_str(&format!(
                "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{}</wp:meta_value></wp:postmeta>\n",
                cdata(&id.to_string())
            ));
        }
        for c in &comments {
            let (clocal, cgmt) = wp_date(Some(c.created_at), tz);
            let approved = match c.status {
                CommentStatus::Approved => "1",
                CommentStatus::Pending => "0",
                CommentStatus::Spam => "spam",
                CommentStatus::Trash => "trash",
            };
            item.push_str(&format!(
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
            ));
            done.comments += 1;
        }
        item.push_str("</item>\n");
        out.write_all(item.as_bytes())?;
        if a.kind == Kind::Page {
            done.pages += 1;
        } else {
            done.posts += 1;
        }
        if let Some((id, p)) = attachment {
            let width = p.media.widths.iter().copied().max().unwrap_or(p.media.width);
            let url = format!("{base}/media/{}/{width}.jpg", p.media.id.0);
            writeln!(
                out,
                "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"false\">{}</guid>\n\
                 <excerpt:encoded>{}</excerpt:encoded>\n<content:encoded>{}</content:encoded>\n<wp:post_id>{id}</wp:post_id>\n\
                 <wp:post_date>{}</wp:post_date>\n<wp:post_date_gmt>{}</wp:post_date_gmt>\n<wp:post_name>{}</wp:post_name>\n\
                 <wp:status>inherit</wp:status>\n<wp:post_parent>{}</wp:post_parent>\n<wp:post_type>attachment</wp:post_type>\n\
                 <wp:attachment_url>{}</wp:attachment_url>\n\
                 <wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>{}</wp:meta_value></wp:postmeta>\n</item>",
                esc(&p.alt),
                esc(&url),
                esc(&url),
                cdata(p.caption.as_deref().unwrap_or("")),
                cdata(p.credit.as_deref().unwrap_or("")),
                cdata(&local),
                cdata(&gmt),
                cdata(&format!("photo-{}", p.media.id.0)),
                a.id.0,
                esc(&url),
                cdata(&p.alt),
            )?;
            done.attachments += 1;
        }
    }
    writeln!(out, "</channel>\n</rss>")?;
    out.flush()?;
    Ok(done)
}
