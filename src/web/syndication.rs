//! What the site offers other programs: feeds for the site and for each
//! section, tag and byline; sitemaps (with a Google News one); robots.txt;
//! the oEmbed provider; and the Mastodon share hop. All public and cacheable.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::change::Key;
use crate::domain::{Article, Kind};
use crate::render::feed::Feed;
use crate::render::view::ArticleView;
use crate::store::{ArticleQuery, TermKind};
use crate::web::error::AppError;
use crate::web::AppState;

/// Items in every feed.
const FEED_ITEMS: u32 = 20;
/// URLs per sitemap file before the sitemap becomes an index.
const SITEMAP_PAGE: u32 = 1000;
/// Entity pages listed in the sitemap (with the sections and pages, well under a sitemap's 50,000).
const SITEMAP_ENTITIES: u32 = 20_000;

/// Routes of feeds, sitemaps, robots.txt, oEmbed and share helpers.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feed.xml", get(|s: State<AppState>| site_feed(s, FeedKind::Rss)))
        .route("/atom.xml", get(|s: State<AppState>| site_feed(s, FeedKind::Atom)))
        .route("/feed.json", get(|s: State<AppState>| site_feed(s, FeedKind::Json)))
        .route("/section/{slug}/{file}", get(|s, Path((slug, file))| term_feed(s, "section", slug, file)))
        .route("/tag/{slug}/{file}", get(|s, Path((slug, file))| term_feed(s, "tag", slug, file)))
        .route("/author/{slug}/{file}", get(|s, Path((slug, file))| term_feed(s, "author", slug, file)))
        .route("/sitemap.xml", get(show_sitemap))
        .route("/sitemaps/{file}", get(show_sitemap_page))
        .route("/news-sitemap.xml", get(show_news_sitemap))
        .route("/robots.txt", get(show_robots))
        .route("/oembed", get(show_oembed))
        .route("/share/mastodon", get(show_mastodon))
}

/// The three kinds of feed.
#[derive(Clone, Copy)]
pub(crate) enum FeedKind {
    Rss,
    Atom,
    Json,
}

impl FeedKind {
    /// Reads the kind from a feed's file name.
    pub(crate) fn from_file(f: &str) -> Option<FeedKind> {
        match f {
            "feed.xml" => Some(FeedKind::Rss),
            "atom.xml" => Some(FeedKind::Atom),
            "feed.json" => Some(FeedKind::Json),
            _ => None,
        }
    }
}

fn typed(mime: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static(mime))], body).into_response()
}

async fn feed_response(
    state: &AppState,
    kind: FeedKind,
    title: String,
    path: &str,
    q: ArticleQuery,
    list: Key,
) -> Result<Response, AppError> {
    let q = ArticleQuery {
        kind: Some(Kind::Article),
        public_at: Some(Utc::now()),
        limit: FEED_ITEMS,
        skip_count: true,
        ..q
    };
    let found = state.store.list_articles(&q).await?;
    let cfg = &state.cfg;
    let feed = Feed::new(cfg, title, cfg.site.tagline.clone(), path, &found.items, cfg.feeds.full_text);
    let mut keys = vec![list, Key::site()];
    keys.extend(found.items.iter().map(|a| Key::article(a.id)));
    Ok(crate::web::cache::with_keys(write_feed(state, kind, &feed)?, keys))
}

/// Writes a feed in its kind's format.
pub(crate) fn write_feed(state: &AppState, kind: FeedKind, feed: &Feed) -> Result<Response, AppError> {
    let cfg = &state.cfg;
    Ok(match kind {
        FeedKind::Rss => typed(
            "application/rss+xml; charset=utf-8",
            state.renderer.render("feeds/rss.xml", minijinja::context! { feed }).map_err(AppError::internal)?,
        ),
        FeedKind::Atom => typed(
            "application/atom+xml; charset=utf-8",
            state.renderer.render("feeds/atom.xml", minijinja::context! { feed }).map_err(AppError::internal)?,
        ),
        FeedKind::Json => {
            let json = feed.to_json(&format!("{}/static/logo.png", cfg.base_url()));
            typed("application/feed+json; charset=utf-8", json.to_string())
        }
    })
}

async fn site_feed(State(state): State<AppState>, kind: FeedKind) -> Result<Response, AppError> {
    feed_response(&state, kind, state.cfg.site.title.clone(), "/", ArticleQuery::default(), Key::lists()).await
}

async fn term_feed(
    State(state): State<AppState>,
    kind: &'static str,
    slug: String,
    file: String,
) -> Result<Response, AppError> {
    let feed = FeedKind::from_file(&file).ok_or(AppError::NotFound)?;
    let term_kind = match kind {
        "section" => TermKind::Section,
        "tag" => TermKind::Tag,
        "author" => TermKind::Author,
        _ => return Err(AppError::NotFound),
    };
    let term = state.store.get_term(term_kind, &slug).await?.ok_or(AppError::NotFound)?;
    let q = match term_kind {
        TermKind::Section => ArticleQuery { section: Some(slug.clone()), ..Default::default() },
        TermKind::Tag => ArticleQuery { tag: Some(slug.clone()), ..Default::default() },
        TermKind::Author => ArticleQuery { author: Some(slug.clone()), ..Default::default() },
    };
    let title = format!("{} – {}", term.name, state.cfg.site.title);
    let list = match term_kind {
        TermKind::Section => Key::section(&slug),
        TermKind::Tag => Key::tag(&slug),
        TermKind::Author => Key::author(&slug),
    };
    feed_response(&state, feed, title, &format!("/{kind}/{slug}/"), q, list).await
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
    image: Option<String>,
}

fn sitemap_url(state: &AppState, a: &Article) -> SitemapUrl {
    let base = state.cfg.base_url();
    SitemapUrl {
        loc: format!("{base}{}", a.permalink(state.cfg.tz())),
        lastmod: Some(
            a.updated_at.max(a.published_at.unwrap_or(a.created_at)).to_rfc3339_opts(SecondsFormat::Secs, true),
        ),
        image: a.photo.as_ref().map(|p| format!("{base}/media/{}/card.jpg", p.media.id.0)),
    }
}

fn xml(state: &AppState, name: &str, ctx: minijinja::Value) -> Result<Response, AppError> {
    let body = state.renderer.render(name, ctx).map_err(AppError::internal)?;
    Ok(typed("application/xml; charset=utf-8", body))
}

/// The sitemap: one file for a small site, an index of pages for a large one.
async fn show_sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    let now = Utc::now();
    let count = state
        .store
        .list_articles(&ArticleQuery {
            kind: Some(Kind::Article),
            public_at: Some(now),
            limit: 1,
            ..Default::default()
        })
        .await?
        .total;
    let base = state.cfg.base_url();
    if count > u64::from(SITEMAP_PAGE) {
        let pages = count.div_ceil(u64::from(SITEMAP_PAGE));
        let mut sitemaps = vec![format!("{base}/sitemaps/pages.xml")];
        sitemaps.extend((1..=pages).map(|n| format!("{base}/sitemaps/{n}.xml")));
        return xml(&state, "sitemap.xml", minijinja::context! { index => true, sitemaps });
    }
    let mut urls = static_urls(&state).await?;
    let q = ArticleQuery { kind: Some(Kind::Article), public_at: Some(now), limit: SITEMAP_PAGE, ..Default::default() };
    urls.extend(state.store.list_articles(&q).await?.items.iter().map(|a| sitemap_url(&state, a)));
    xml(&state, "sitemap.xml", minijinja::context! { index => false, urls })
}

async fn static_urls(state: &AppState) -> Result<Vec<SitemapUrl>, AppError> {
    let base = state.cfg.base_url();
    let mut urls = vec![SitemapUrl { loc: format!("{base}/"), lastmod: None, image: None }];
    for s in state.store.list_sections().await? {
        urls.push(SitemapUrl { loc: format!("{base}/section/{}/", s.slug), lastmod: None, image: None });
    }
    let pages = state
        .store
        .list_articles(&ArticleQuery {
            kind: Some(Kind::Page),
            public_at: Some(Utc::now()),
            limit: 100,
            ..Default::default()
        })
        .await?;
    urls.extend(pages.items.iter().map(|a| sitemap_url(state, a)));
    // The pages of the people, places and organisations public articles name, most named first.
    let entities = state.store.list_entities(None, Utc::now(), SITEMAP_ENTITIES, 0).await?;
    urls.extend(entities.items.iter().map(|e| SitemapUrl {
        loc: format!("{base}{}", crate::render::view::entity_path(e.kind, &e.slug)),
        lastmod: None,
        image: None,
    }));
    Ok(urls)
}

/// One page of a large sitemap (`/sitemaps/pages.xml` or `/sitemaps/N.xml`).
async fn show_sitemap_page(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, AppError> {
    let name = file.strip_suffix(".xml").ok_or(AppError::NotFound)?;
    if name == "pages" {
        let urls = static_urls(&state).await?;
        return xml(&state, "sitemap.xml", minijinja::context! { index => false, urls });
    }
    let n: u32 = name.parse().ok().filter(|n| (1..=100_000).contains(n)).ok_or(AppError::NotFound)?;
    let q = ArticleQuery {
        kind: Some(Kind::Article),
        public_at: Some(Utc::now()),
        limit: SITEMAP_PAGE,
        offset: (n - 1) * SITEMAP_PAGE,
        ..Default::default()
    };
    let found = state.store.list_articles(&q).await?;
    if found.items.is_empty() {
        return Err(AppError::NotFound);
    }
    let urls: Vec<SitemapUrl> = found.items.iter().map(|a| sitemap_url(&state, a)).collect();
    xml(&state, "sitemap.xml", minijinja::context! { index => false, urls })
}

#[derive(Serialize)]
struct NewsUrl {
    loc: String,
    published: String,
    title: String,
}

/// The Google News sitemap: articles of the last 48 hours.
async fn show_news_sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    let now = Utc::now();
    let q = ArticleQuery {
        kind: Some(Kind::Article),
        public_at: Some(now),
        from: Some(now - Duration::hours(48)),
        limit: 1000,
        ..Default::default()
    };
    let found = state.store.list_articles(&q).await?;
    let tz = state.cfg.tz();
    let urls: Vec<NewsUrl> = found
        .items
        .iter()
        .map(|a| NewsUrl {
            loc: format!("{}{}", state.cfg.base_url(), a.permalink(tz)),
            published: a.published_at.unwrap_or(a.created_at).to_rfc3339_opts(SecondsFormat::Secs, true),
            title: ArticleView::summary(a, tz).headline,
        })
        .collect();
    xml(
        &state,
        "news-sitemap.xml",
        minijinja::context! { urls, site => state.cfg.site.title.clone(), lang => state.cfg.site.language.clone() },
    )
}

async fn show_robots(State(state): State<AppState>) -> Response {
    let base = state.cfg.base_url();
    typed(
        "text/plain; charset=utf-8",
        format!("User-agent: *\nDisallow: /admin\nDisallow: /api/\nDisallow: /setup/\nDisallow: /share/\n\nSitemap: {base}/sitemap.xml\nSitemap: {base}/news-sitemap.xml\n"),
    )
}

#[derive(Deserialize)]
struct OembedQuery {
    url: String,
    format: Option<String>,
    maxwidth: Option<u32>,
}

/// The oEmbed answer for an article: a `rich` card (a quoted headline and
/// summary linking back), never an iframe.
#[derive(Serialize)]
struct Oembed {
    version: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    author_name: Option<String>,
    author_url: Option<String>,
    provider_name: String,
    provider_url: String,
    html: String,
    width: u32,
    height: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_height: Option<u32>,
}

use crate::render::markdown::escape_text as escape;

async fn show_oembed(State(state): State<AppState>, Query(q): Query<OembedQuery>) -> Result<Response, AppError> {
    if q.format.as_deref().is_some_and(|f| f != "json") {
        return crate::web::auth::no_store(
            (StatusCode::NOT_IMPLEMENTED, "Only format=json is offered.\n").into_response(),
        );
    }
    let base = state.cfg.base_url();
    let path = q.url.strip_prefix(base).filter(|p| p.starts_with('/')).ok_or(AppError::NotFound)?;
    let slug = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let a = state
        .store
        .get_article_by_slug(Kind::Article, slug)
        .await?
        .filter(|a| a.is_public(Utc::now()))
        .ok_or(AppError::NotFound)?;
    let tz = state.cfg.tz();
    if a.permalink(tz) != path {
        return Err(AppError::NotFound);
    }
    let v = ArticleView::summary(&a, tz);
    let url = format!("{base}{}", v.url);
    let width = q.maxwidth.unwrap_or(600).clamp(200, 600);
    let html = format!(
        "<blockquote class=\"dateline-embed\"><p><a href=\"{}\">{}</a></p><p>{}</p><p>— {}</p></blockquote>",
        escape(&url),
        escape(&v.headline),
        escape(&v.excerpt),
        escape(&state.cfg.site.title)
    );
    let thumb = crate::render::seo::card_image(&state.cfg, &a);
    let body = Oembed {
        version: "1.0",
        kind: "rich",
        title: v.headline.clone(),
        author_name: (!a.authors.is_empty())
            .then(|| a.authors.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")),
        author_url: a.authors.first().map(|t| format!("{base}/author/{}/", t.slug)),
        provider_name: state.cfg.site.title.clone(),
        provider_url: format!("{base}/"),
        html,
        width,
        height: width * 9 / 16,
        thumbnail_width: thumb.as_ref().map(|_| crate::media::CARD.0),
        thumbnail_height: thumb.as_ref().map(|_| crate::media::CARD.1),
        thumbnail_url: thumb,
    };
    // The answer depends on the query, which the page cache does not key on.
    crate::web::auth::no_store(Json(body).into_response())
}

#[derive(Deserialize)]
struct MastodonQuery {
    text: Option<String>,
    instance: Option<String>,
}

/// Checks a Mastodon server name typed by a reader: a host name, nothing else.
pub fn parse_instance(raw: &str) -> Option<String> {
    let s = raw.trim().trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
    let s = s.strip_prefix('@').map_or(s, |rest| rest.rsplit('@').next().unwrap_or(rest));
    let ok = !s.is_empty()
        && s.len() <= 253
        && s.contains('.')
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
        });
    ok.then(|| s.to_ascii_lowercase())
}

/// Asks the reader for their Mastodon server, then forwards the share there.
async fn show_mastodon(State(state): State<AppState>, Query(q): Query<MastodonQuery>) -> Result<Response, AppError> {
    let text: String = q.text.unwrap_or_default().chars().take(1000).collect();
    let mut error = None;
    if let Some(raw) = q.instance.as_deref().filter(|s| !s.trim().is_empty()) {
        match parse_instance(raw) {
            Some(host) => {
                let to = format!("https://{host}/share?text={}", crate::web::auth::urlencode(&text));
                return crate::web::auth::no_store(Redirect::to(&to).into_response());
            }
            None => error = Some("Enter the name of your Mastodon server, like mastodon.social."),
        }
    }
    let mut layout = crate::web::public::layout(&state, "Share on Mastodon".into(), None).await;
    layout.noindex = true;
    let mut res =
        crate::web::public::render(&state, "public/mastodon.html", &minijinja::context! { layout, text, error })?;
    if error.is_some() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    // The form goes to the reader's own server by a redirect, which `form-action 'self'` would block.
    res.headers_mut().insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; \
             form-action 'self' https:; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
        ),
    );
    crate::web::auth::no_store(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_instances_are_host_names_only() {
        assert_eq!(parse_instance("mastodon.social").as_deref(), Some("mastodon.social"));
        assert_eq!(parse_instance("https://Mastodon.Social/").as_deref(), Some("mastodon.social"));
        assert_eq!(parse_instance("@ed@fosstodon.org").as_deref(), Some("fosstodon.org"));
        assert_eq!(parse_instance("evil.example/phish?x="), None);
        assert_eq!(parse_instance("localhost"), None);
        assert_eq!(parse_instance("a..b"), None);
    }
}

#[derive(Serialize)]
struct CommentItem {
    title: String,
    url: String,
    author: String,
    published_rfc822: String,
    body_html: String,
}

/// The feed of an article's approved comments (`…/slug/comments.xml`).
pub async fn comments_feed(state: &AppState, path: &str, slug: &str) -> Result<Response, AppError> {
    // The comments of a story behind a password are for those who gave it.
    let a = state
        .store
        .get_article_by_slug(Kind::Article, slug)
        .await?
        .filter(|a| a.is_public(Utc::now()) && !a.is_protected());
    let a = a.ok_or(AppError::NotFound)?;
    let tz = state.cfg.tz();
    let article_path = a.permalink(tz);
    if format!("{article_path}comments.xml") != path {
        return Err(AppError::NotFound);
    }
    let base = state.cfg.base_url();
    let url = format!("{base}{article_path}");
    let mut comments = state.store.list_article_comments(a.id, &[crate::domain::CommentStatus::Approved]).await?;
    comments.reverse();
    comments.truncate(50);
    let items: Vec<CommentItem> = comments
        .iter()
        .map(|c| CommentItem {
            title: format!("Comment by {}", c.author_name),
            url: format!("{url}#comment-{}", c.id.0),
            author: c.author_name.clone(),
            published_rfc822: c.created_at.to_rfc2822(),
            body_html: crate::domain::render_body(&c.body),
        })
        .collect();
    let headline = ArticleView::summary(&a, tz).headline;
    let ctx = minijinja::context! { headline, url, items, self_url => format!("{url}comments.xml"), lang => state.cfg.site.language.clone() };
    let body = state.renderer.render("feeds/comments.xml", ctx).map_err(AppError::internal)?;
    Ok(typed("application/rss+xml; charset=utf-8", body))
}
