//! Feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) and sitemaps: the view models
//! the feed templates read, with every URL absolute.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::view::ArticleView;
use crate::config::Config;
use crate::domain::Article;

/// One entry of a feed.
#[derive(Debug, Clone, Serialize)]
pub struct FeedItem {
    pub id: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    /// The summary as HTML (escaped text), for RSS's `<description>`, which
    /// readers take as HTML: the template escapes it once more for XML.
    pub summary_html: String,
    /// Sanitised HTML with absolute links; empty when the site serves summaries only.
    pub content_html: String,
    pub published_rfc822: String,
    pub published: String,
    pub updated: String,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    pub image: Option<FeedImage>,
}

/// The lead photo of a feed entry.
#[derive(Debug, Clone, Serialize)]
pub struct FeedImage {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// A whole feed.
#[derive(Debug, Clone, Serialize)]
pub struct Feed {
    pub title: String,
    pub description: String,
    /// The HTML page the feed follows.
    pub link: String,
    pub lang: String,
    pub rss_url: String,
    pub atom_url: String,
    pub json_url: String,
    pub updated: String,
    pub updated_rfc822: String,
    pub items: Vec<FeedItem>,
}

/// Makes root-relative `href`/`src` URLs absolute, for readers outside the site.
pub fn absolutize(html: &str, base: &str) -> String {
    html.replace("href=\"/", &format!("href=\"{base}/")).replace("src=\"/", &format!("src=\"{base}/"))
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl FeedItem {
    /// Builds an entry from an article.
    pub fn new(cfg: &Config, a: &Article, full_text: bool) -> FeedItem {
        let base = cfg.base_url();
        let v = if full_text { ArticleView::full(a, cfg.tz()) } else { ArticleView::summary(a, cfg.tz()) };
        let url = format!("{base}{}", v.url);
        let published = a.published_at.unwrap_or(a.created_at);
        let mut categories: Vec<String> = a.section.iter().map(|s| s.name.clone()).collect();
        categories.extend(a.tags.iter().map(|t| t.name.clone()));
        FeedItem {
            id: url.clone(),
            url,
            title: v.headline.clone(),
            summary_html: crate::render::markdown::escape_text(&v.excerpt),
            summary: v.excerpt.clone(),
            content_html: absolutize(&v.body_html, base),
            published_rfc822: published.to_rfc2822(),
            published: rfc3339(published),
            updated: rfc3339(a.updated_at.max(published)),
            authors: a.authors.iter().map(|t| t.name.clone()).collect(),
            categories,
            image: a.photo.as_ref().map(|p| {
                let w = p.media.widths.iter().copied().max().unwrap_or(p.media.width);
                FeedImage {
                    url: format!("{base}{}", super::view::media_url(&p.media, w)),
                    width: w,
                    height: p.media.height_at(w),
                    alt: p.alt.clone(),
                }
            }),
        }
    }
}

impl Feed {
    /// Builds a feed whose HTML page is `path` and whose feed URLs sit below it.
    pub fn new(
        cfg: &Config,
        title: String,
        description: String,
        path: &str,
        articles: &[Article],
        full_text: bool,
    ) -> Feed {
        let base = cfg.base_url();
        let items: Vec<FeedItem> = articles.iter().map(|a| FeedItem::new(cfg, a, full_text)).collect();
        let newest = articles
            .iter()
            .map(|a| a.updated_at.max(a.published_at.unwrap_or(a.created_at)))
            .max()
            .unwrap_or(DateTime::UNIX_EPOCH);
        Feed {
            title,
            description,
            link: format!("{base}{path}"),
            lang: cfg.site.language.clone(),
            rss_url: format!("{base}{path}feed.xml"),
            atom_url: format!("{base}{path}atom.xml"),
            json_url: format!("{base}{path}feed.json"),
            updated: rfc3339(newest),
            updated_rfc822: newest.to_rfc2822(),
            items,
        }
    }

    /// Serialises the feed as JSON Feed 1.1.
    pub fn to_json(&self, icon: &str) -> serde_json::Value {
        let items: Vec<serde_json::Value> = self
            .items
            .iter()
            .map(|i| {
                let mut item = serde_json::json!({
                    "id": i.id,
                    "url": i.url,
                    "title": i.title,
                    "summary": i.summary,
                    "date_published": i.published,
                    "date_modified": i.updated,
                    "authors": i.authors.iter().map(|a| serde_json::json!({"name": a})).collect::<Vec<_>>(),
                    "tags": i.categories,
                });
                if i.content_html.is_empty() {
                    item["content_text"] = i.summary.clone().into();
                } else {
                    item["content_html"] = i.content_html.clone().into();
                }
                if let Some(img) = &i.image {
                    item["image"] = img.url.clone().into();
                }
                item
            })
            .collect();
        serde_json::json!({
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.title,
            "home_page_url": self.link,
            "feed_url": self.json_url,
            "description": self.description,
            "icon": icon,
            "language": self.lang,
            "items": items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_relative_links_become_absolute() {
        let html = absolutize(
            r#"<a href="/section/city/">x</a><img src="/media/1/480.jpg"><a href="https://e.org/">y</a>"#,
            "https://news.example",
        );
        assert_eq!(
            html,
            r#"<a href="https://news.example/section/city/">x</a><img src="https://news.example/media/1/480.jpg"><a href="https://e.org/">y</a>"#
        );
    }
}
