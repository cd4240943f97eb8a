//! What other machines read from a page: Open Graph and Twitter card tags,
//! schema.org JSON-LD (`NewsArticle`, `BreadcrumbList`, `WebSite`), built from
//! serialised structs and escaped so no article text can end the script element.

use chrono::SecondsFormat;
use serde::Serialize;

use super::view::{ArticleView, EntityRef, MetaTag};
use crate::config::Config;
use crate::domain::live::{Coverage, LiveEntry};
use crate::domain::Article;

/// Returns the absolute URL of the social-card crop of an article's photo
/// (none for a story behind a password: only its headline is shown).
pub fn card_image(cfg: &Config, a: &Article) -> Option<String> {
    a.photo
        .as_ref()
        .filter(|_| !a.is_protected())
        .map(|p| format!("{}/media/{}/card.jpg", cfg.base_url(), p.media.id.0))
}

/// Builds the Open Graph and Twitter tags of an article page.
pub fn article_meta(cfg: &Config, a: &Article, v: &ArticleView, url: &str) -> Vec<MetaTag> {
    let og = |key: &'static str, content: String| MetaTag { attr: "property", key, content };
    let tw = |key: &'static str, content: String| MetaTag { attr: "name", key, content };
    let mut m = vec![
        og("og:type", "article".into()),
        og("og:site_name", cfg.site.title.clone()),
        og("og:title", v.headline.clone()),
        og("og:description", v.excerpt.clone()),
        og("og:url", url.to_owned()),
        og("og:locale", cfg.site.language.replace('-', "_")),
    ];
    if let (Some(img), Some(p)) = (card_image(cfg, a), &a.photo) {
        m.push(og("og:image", img.clone()));
        m.push(og("og:image:width", crate::media::CARD.0.to_string()));
        m.push(og("og:image:height", crate::media::CARD.1.to_string()));
        m.push(og("og:image:alt", p.alt.clone()));
        m.push(tw("twitter:image", img));
        m.push(tw("twitter:image:alt", p.alt.clone()));
    }
    if let Some(t) = a.published_at {
        m.push(og("article:published_time", t.to_rfc3339_opts(SecondsFormat::Secs, true)));
    }
    m.push(og("article:modified_time", a.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true)));
    if let Some(s) = &a.section {
        m.push(og("article:section", s.name.clone()));
    }
    for t in &a.tags {
        m.push(og("article:tag", t.name.clone()));
    }
    for au in &a.authors {
        m.push(og("article:author", format!("{}/author/{}/", cfg.base_url(), au.slug)));
    }
    m.push(tw("twitter:card", if a.photo.is_some() { "summary_large_image" } else { "summary" }.into()));
    m.push(tw("twitter:title", v.headline.clone()));
    m.push(tw("twitter:description", v.excerpt.clone()));
    m
}

#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<ImageObject>,
}

#[derive(Serialize)]
struct ImageObject {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    description: &'a str,
    url: &'a str,
    main_entity_of_page: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    image: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    date_modified: String,
    author: Vec<Thing<'a>>,
    publisher: Thing<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dateline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    article_section: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<String>,
    is_accessible_for_free: bool,
    in_language: &'a str,
    /// The people, places and organisations the story is mainly about, and the others it names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<Thing<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mentions: Vec<Thing<'a>>,
}

#[derive(Serialize)]
struct Crumb {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: String,
    item: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BreadcrumbList {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    item_list_element: Vec<Crumb>,
}

#[derive(Serialize)]
struct WebSite<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
    description: &'a str,
    publisher: Thing<'a>,
    #[serde(rename = "potentialAction")]
    potential_action: SearchAction,
}

/// Tells search engines how to search the site.
#[derive(Serialize)]
struct SearchAction {
    #[serde(rename = "@type")]
    kind: &'static str,
    target: EntryPoint,
    #[serde(rename = "query-input")]
    query_input: &'static str,
}

#[derive(Serialize)]
struct EntryPoint {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "urlTemplate")]
    url_template: String,
}

fn publisher(cfg: &Config) -> Thing<'_> {
    Thing {
        kind: "NewsMediaOrganization",
        name: &cfg.site.title,
        url: Some(format!("{}/", cfg.base_url())),
        logo: Some(ImageObject {
            kind: "ImageObject",
            url: format!("{}/static/logo.png", cfg.base_url()),
            width: 512,
            height: 512,
        }),
    }
}

/// Serialises JSON for a `<script type="application/ld+json">` element: `<`, `>`
/// and `&` become `\u` escapes, so text like `</script>` cannot end the element.
pub fn script_json(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn entity_thing<'a>(base: &str, e: &'a EntityRef) -> Thing<'a> {
    Thing { kind: e.schema_type, name: &e.name, url: Some(format!("{base}{}", e.url)), logo: None }
}

/// Builds the JSON-LD of an article page: the `NewsArticle` (with the
/// entities it is about and mentions, linked to their pages) and its
/// breadcrumbs; a story covered live is a `LiveBlogPosting` whose updates are
/// the `updates` its page shows.
pub fn article_jsonld(
    cfg: &Config,
    a: &Article,
    v: &ArticleView,
    url: &str,
    entities: &[EntityRef],
    updates: &[LiveEntry],
) -> String {
    let base = cfg.base_url();
    let (main, other): (Vec<&EntityRef>, Vec<&EntityRef>) = entities.iter().partition(|e| e.main);
    let mut image = Vec::new();
    if let Some(p) = a.photo.as_ref().filter(|_| !a.is_protected()) {
        image.push(format!("{base}/media/{}/card.jpg", p.media.id.0));
        if let Some(w) = p.media.widths.iter().max() {
            image.push(format!("{base}/media/{}/{w}.jpg", p.media.id.0));
        }
    }
    let keywords = (!a.tags.is_empty()).then(|| a.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "));
    let article = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        headline: &v.headline,
        description: &v.excerpt,
        url,
        main_entity_of_page: url,
        image,
        date_published: a.published_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        date_modified: a.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        author: a
            .authors
            .iter()
            .map(|au| Thing {
                kind: "Person",
                name: &au.name,
                url: Some(format!("{base}/author/{}/", au.slug)),
                logo: None,
            })
            .collect(),
        publisher: publisher(cfg),
        dateline: a.dateline.as_deref(),
        article_section: a.section.as_ref().map(|s| s.name.as_str()),
        keywords,
        is_accessible_for_free: !a.is_protected(),
        in_language: &cfg.site.language,
        about: main.iter().map(|e| entity_thing(base, e)).collect(),
        mentions: other.iter().map(|e| entity_thing(base, e)).collect(),
    };
    let mut crumbs =
        vec![Crumb { kind: "ListItem", position: 1, name: cfg.site.title.clone(), item: format!("{base}/") }];
    if let Some(s) = &a.section {
        crumbs.push(Crumb {
            kind: "ListItem",
            position: 2,
            name: s.name.clone(),
            item: format!("{base}/section/{}/", s.slug),
        });
    }
    crumbs.push(Crumb { kind: "ListItem", position: crumbs.len() + 1, name: v.headline.clone(), item: url.to_owned() });
    let trail = BreadcrumbList { context: "https://schema.org", kind: "BreadcrumbList", item_list_element: crumbs };
    let article = match &a.live {
        Some(c) => live_posting(serde_json::to_value(&article).unwrap_or_default(), c, url, updates),
        None => serde_json::to_value(&article).unwrap_or_default(),
    };
    format!("[{},{}]", script_json(&article), script_json(&trail))
}

/// Makes an article's JSON-LD a `LiveBlogPosting`: when coverage started and
/// ended, and its updates, each a `BlogPosting` at the entry's own anchor.
fn live_posting(mut article: serde_json::Value, c: &Coverage, url: &str, updates: &[LiveEntry]) -> serde_json::Value {
    let time = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let Some(o) = article.as_object_mut() else { return article };
    o.insert("@type".into(), "LiveBlogPosting".into());
    o.insert("coverageStartTime".into(), time(c.started_at).into());
    if let Some(end) = c.ended_at {
        o.insert("coverageEndTime".into(), time(end).into());
    }
    let posts: Vec<serde_json::Value> = updates
        .iter()
        .map(|e| {
            let text = super::markdown::plain_text(&e.body);
            let headline = e.headline.clone().unwrap_or_else(|| text.chars().take(110).collect());
            serde_json::json!({
                "@type": "BlogPosting",
                "headline": headline,
                "url": format!("{url}#entry-{}", e.id),
                "datePublished": time(e.created_at),
                "dateModified": time(e.updated_at),
                "articleBody": text,
                "author": { "@type": "Person", "name": e.author_name },
            })
        })
        .collect();
    o.insert("liveBlogUpdate".into(), posts.into());
    article
}

/// Builds the JSON-LD of the front page: the `WebSite`.
///
/// A `SearchAction` joins it once the site has search (issue #11).
pub fn website_jsonld(cfg: &Config) -> String {
    script_json(&WebSite {
        context: "https://schema.org",
        kind: "WebSite",
        name: &cfg.site.title,
        url: format!("{}/", cfg.base_url()),
        description: &cfg.site.tagline,
        publisher: publisher(cfg),
        potential_action: SearchAction {
            kind: "SearchAction",
            target: EntryPoint {
                kind: "EntryPoint",
                url_template: format!("{}/search?q={{search_term_string}}", cfg.base_url()),
            },
            query_input: "required name=search_term_string",
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let s = script_json(&serde_json::json!({"headline": "</script><script>alert(1)</script> & more"}));
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["headline"], "</script><script>alert(1)</script> & more");
    }
}
