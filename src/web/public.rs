//! Reader pages: front page, sections, tags, bylines, date archives, articles
//! and static pages. Everything here is the same for every reader, so the page
//! cache may keep it.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::change::Key;
use crate::domain::{Article, ArticleId, Kind};
use crate::render::view::{ArticleView, FeedLink, Layout, Pager};
use crate::store::{ArticleQuery, TermKind};
use crate::web::error::AppError;
use crate::web::AppState;

/// Routes of the public site (the fallback resolves dated paths and pages).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(show_front))
        .route("/section/{slug}/", get(show_section))
        .route("/tag/{slug}/", get(show_tag))
        .route("/author/{slug}/", get(show_author))
        .fallback(show_path)
}

/// The `?page=N` of list pages.
#[derive(Debug, Deserialize)]
pub struct Paging {
    page: Option<String>,
}

impl Paging {
    /// The page number (1 when absent); anything but 1–100,000 is a 404.
    pub(crate) fn number(&self) -> Result<u32, AppError> {
        match self.page.as_deref() {
            None | Some("") => Ok(1),
            Some(p) => p.parse::<u32>().ok().filter(|n| (1..=100_000).contains(n)).ok_or(AppError::NotFound),
        }
    }
}

/// Builds the frame of a public page.
pub async fn layout(state: &AppState, title: String, description: Option<String>) -> Layout {
    let cfg = &state.cfg;
    let mut layout = bare_layout(state, title, description);
    match state.frame.menus(state.store.as_ref(), cfg.tz()).await {
        Ok(m) => {
            layout.nav = m.nav.clone();
            layout.pages = m.pages.clone();
        }
        Err(e) => tracing::warn!(error = %e, "cannot read the menus"),
    }
    layout
}

/// Builds the page frame without the menus that need the database (for
/// answers given while it is away).
pub fn bare_layout(state: &AppState, title: String, description: Option<String>) -> Layout {
    let cfg = &state.cfg;
    let full_title = if title == cfg.site.title { title } else { format!("{title} – {}", cfg.site.title) };
    Layout {
        site_title: cfg.site.title.clone(),
        tagline: cfg.site.tagline.clone(),
        lang: cfg.site.language.clone(),
        base_url: cfg.base_url().to_owned(),
        nav: Vec::new(),
        pages: Vec::new(),
        title: full_title,
        description,
        canonical: None,
        noindex: false,
        viewer: None,
        csrf: None,
        flash: None,
        year: Utc::now().with_timezone(&cfg.tz()).year(),
        feeds: feed_links(cfg, "/", &cfg.site.title),
        meta: Vec::new(),
        jsonld: None,
        oembed: None,
    }
}

/// Builds the autodiscovery links of the three feeds under `path`.
pub fn feed_links(cfg: &crate::config::Config, path: &str, title: &str) -> Vec<FeedLink> {
    let base = cfg.base_url();
    [
        ("application/rss+xml", "RSS", "feed.xml"),
        ("application/atom+xml", "Atom", "atom.xml"),
        ("application/feed+json", "JSON Feed", "feed.json"),
    ]
    .into_iter()
    .map(|(mime, kind, file)| FeedLink { mime, title: format!("{title} ({kind})"), url: format!("{base}{path}{file}") })
    .collect()
}

#[derive(Serialize)]
struct ListCtx {
    layout: Layout,
    heading: String,
    kicker: Option<&'static str>,
    articles: Vec<ArticleView>,
    pager: Pager,
    front: bool,
}

async fn list_page(
    state: &AppState,
    uri_path: &str,
    heading: String,
    kicker: Option<&'static str>,
    mut q: ArticleQuery,
    paging: &Paging,
    front: bool,
) -> Result<Response, AppError> {
    let page = paging.number()?;
    let per = state.cfg.site.per_page;
    q.kind = Some(Kind::Article);
    q.public_at = Some(Utc::now());
    q.limit = per;
    q.offset = (page - 1) * per;
    let list = format!("{:?}", (&q.section, &q.tag, &q.author, q.from, q.to));
    let known = state.cache.total(&list);
    let generation = state.cache.generation();
    q.skip_count = known.is_some();
    let found = state.store.list_articles(&q).await?;
    let total = known.unwrap_or(found.total);
    if known.is_none() {
        state.cache.remember_total(list, total, generation);
    }
    if found.items.is_empty() && (page > 1 || !front) {
        return Err(AppError::NotFound);
    }
    let tz = state.cfg.tz();
    let title = if front { state.cfg.site.title.clone() } else { heading.clone() };
    let mut layout = layout(state, title, Some(state.cfg.site.tagline.clone())).await;
    layout.canonical = Some(format!("{}{}", state.cfg.base_url(), uri_path));
    if front {
        layout.jsonld = Some(crate::render::seo::website_jsonld(&state.cfg));
    } else if ["/section/", "/tag/", "/author/"].iter().any(|p| uri_path.starts_with(p)) {
        let own = feed_links(&state.cfg, uri_path, &format!("{heading} – {}", state.cfg.site.title));
        layout.feeds.extend(own);
    }
    let ids: Vec<ArticleId> = found.items.iter().map(|a| a.id).collect();
    let counts = state.store.count_approved(&ids).await?;
    let articles = found
        .items
        .iter()
        .map(|a| ArticleView { comment_count: counts.get(&a.id).copied().unwrap_or(0), ..ArticleView::summary(a, tz) })
        .collect();
    let ctx = ListCtx { layout, heading, kicker, articles, pager: Pager::new(uri_path, page, per, total), front };
    // A section's list changes with its own stories; the front page and the archives with any.
    let list = match (&q.section, &q.tag, &q.author) {
        (Some(s), _, _) => Key::section(s),
        (_, Some(t), _) => Key::tag(t),
        (_, _, Some(a)) => Key::author(a),
        _ => Key::lists(),
    };
    let mut keys = vec![list, Key::site(), Key::nav()];
    keys.extend(ids.iter().map(|id| Key::article(*id)));
    Ok(crate::web::cache::with_keys(render(state, "public/list.html", &ctx)?, keys))
}

/// Renders a template into an HTML answer.
pub fn render(state: &AppState, name: &str, ctx: &impl Serialize) -> Result<Response, AppError> {
    let html = state.renderer.render(name, ctx).map_err(AppError::internal)?;
    Ok(Html(html).into_response())
}

async fn show_front(State(state): State<AppState>, Query(p): Query<Paging>) -> Result<Response, AppError> {
    list_page(&state, "/", "Latest news".into(), None, ArticleQuery::default(), &p, true).await
}

async fn show_term(state: AppState, kind: TermKind, slug: String, p: Paging) -> Result<Response, AppError> {
    let Some(term) = state.store.get_term(kind, &slug).await? else {
        if kind == TermKind::Tag {
            if let Some(ours) = crate::web::legacy::tag_slug(&state, &slug).await? {
                return Ok(moved(&format!("/tag/{ours}/")));
            }
        }
        return Err(AppError::NotFound);
    };
    let (prefix, kicker, q) = match kind {
        TermKind::Section => ("section", "Section", ArticleQuery { section: Some(slug.clone()), ..Default::default() }),
        TermKind::Tag => ("tag", "Topic", ArticleQuery { tag: Some(slug.clone()), ..Default::default() }),
        TermKind::Author => {
            ("author", "Articles by", ArticleQuery { author: Some(slug.clone()), ..Default::default() })
        }
    };
    let path = format!("/{prefix}/{slug}/");
    list_page(&state, &path, term.name, Some(kicker), q, &p, false).await
}

async fn show_section(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<Paging>,
) -> Result<Response, AppError> {
    show_term(state, TermKind::Section, slug, p).await
}

async fn show_tag(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<Paging>,
) -> Result<Response, AppError> {
    show_term(state, TermKind::Tag, slug, p).await
}

async fn show_author(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<Paging>,
) -> Result<Response, AppError> {
    show_term(state, TermKind::Author, slug, p).await
}

#[derive(Serialize)]
struct ArticleCtx {
    layout: Layout,
    article: ArticleView,
    is_page: bool,
    url: String,
    share: Vec<crate::web::share::ShareLink>,
    comments: Option<crate::web::comments::CommentsBlock>,
    /// The people, places and organisations the story names.
    entities: Vec<crate::render::view::EntityRef>,
    related: Vec<ArticleView>,
    /// The live block of a story covered live.
    live: Option<crate::render::live::LiveView>,
}

/// Resolves every other path: `/YYYY/`, `/YYYY/MM/`, `/YYYY/MM/DD/`, `/YYYY/MM/DD/slug/`, `/slug/` and old URLs.
async fn show_path(
    State(state): State<AppState>,
    uri: Uri,
    headers: axum::http::HeaderMap,
    Query(p): Query<Paging>,
) -> Result<Response, AppError> {
    // Browsers may write `%CE%B5` where WordPress wrote `%ce%b5`: one address.
    let lowered = lower_escapes(uri.path());
    let path = lowered.as_ref();
    // A path starting with `//` would become a redirect to another host.
    if path.starts_with("//") || path.contains('\\') {
        return Err(AppError::NotFound);
    }
    if !path.ends_with('/') && !path.contains('.') && path.len() < 2048 {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if !segs.is_empty() && segs.len() <= 5 && looks_like_public(&segs) {
            return Ok(moved(&format!("{path}/")));
        }
    }
    let segs: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let nums: Vec<Option<u32>> = segs.iter().map(|s| s.parse::<u32>().ok()).collect();
    match (segs.len(), nums.as_slice()) {
        (1, [Some(y)]) => archive(&state, path, *y, None, None, &p).await,
        (2, [Some(y), Some(m)]) => archive(&state, path, *y, Some(*m), None, &p).await,
        (3, [Some(y), Some(m), Some(d)]) => archive(&state, path, *y, Some(*m), Some(*d), &p).await,
        (4, [Some(_), Some(_), Some(_), None]) => article(&state, path, segs[3], &headers, &p).await,
        (5, [Some(_), Some(_), Some(_), None, None]) if segs[4] == "comments.xml" => {
            crate::web::syndication::comments_feed(&state, path, segs[3]).await
        }
        (5, [Some(_), Some(_), Some(_), None, None]) if segs[4] == "live" => {
            crate::web::live::archive(&state, path, segs[3], p.number()?).await
        }
        (6, [Some(_), Some(_), Some(_), None, None, None]) if segs[4] == "live" => {
            crate::web::live::feed(&state, path, segs[3], segs[5]).await
        }
        (1, [None]) => page(&state, path, segs[0]).await,
        // A page under its parents (`/about/history/`), as WordPress addresses them.
        (2..=5, [None, ..]) if segs.iter().all(|s| crate::domain::parse_slug(s).is_ok()) => {
            page(&state, path, &segs.join("/")).await
        }
        _ => redirect_or_404(&state, path).await,
    }
}

/// Writes every percent-escape of a path in lower case.
fn lower_escapes(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.contains('%') {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len());
    let mut left = 0;
    for (i, _) in path.match_indices('%') {
        if i < left {
            continue;
        }
        out.push_str(&path[left..i]);
        let esc = path.get(i..i + 3).unwrap_or(&path[i..]);
        out.push_str(&esc.to_ascii_lowercase());
        left = i + esc.len();
    }
    out.push_str(&path[left..]);
    std::borrow::Cow::Owned(out)
}

fn looks_like_public(segs: &[&str]) -> bool {
    segs.iter().all(|s| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '%'))
}

async fn archive(
    state: &AppState,
    path: &str,
    y: u32,
    m: Option<u32>,
    d: Option<u32>,
    p: &Paging,
) -> Result<Response, AppError> {
    let tz = state.cfg.tz();
    let y = i32::try_from(y).ok().filter(|y| (1900..=9999).contains(y)).ok_or(AppError::NotFound)?;
    let start = NaiveDate::from_ymd_opt(y, m.unwrap_or(1), d.unwrap_or(1)).ok_or(AppError::NotFound)?;
    let end = match (m, d) {
        (_, Some(_)) => start.succ_opt(),
        (Some(m), None) => {
            if m == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(y, m + 1, 1)
            }
        }
        (None, None) => NaiveDate::from_ymd_opt(y + 1, 1, 1),
    }
    .ok_or(AppError::NotFound)?;
    let at = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()).earliest().map(|t| t.with_timezone(&Utc))
    };
    let q = ArticleQuery { from: at(start), to: at(end), ..Default::default() };
    let heading = match (m, d) {
        (_, Some(_)) => start.format("%B %-d, %Y").to_string(),
        (Some(_), None) => start.format("%B %Y").to_string(),
        (None, None) => start.format("%Y").to_string(),
    };
    list_page(state, path, heading, Some("Archive"), q, p, false).await
}

async fn article(
    state: &AppState,
    path: &str,
    slug: &str,
    headers: &axum::http::HeaderMap,
    p: &Paging,
) -> Result<Response, AppError> {
    let now = Utc::now();
    match state.store.get_article_by_slug(Kind::Article, slug).await? {
        Some(a) if a.is_public(now) => {
            let canonical = a.permalink(state.cfg.tz());
            if canonical != path {
                // Another story may have had this very address (a merged site's post, now `slug-2`).
                if let Some(id) = state.store.find_redirect(path).await?.filter(|id| *id != a.id) {
                    return target(state, id).await;
                }
                return Ok(moved(&canonical));
            }
            let page = p.number()? as usize;
            // A story behind a password: the same locked page for everyone
            // (cacheable), the whole story only for the browser that gave it.
            let unlocked = crate::web::protected::unlocked(state, &a, headers);
            if !unlocked {
                return crate::web::protected::show_locked(state, &a, None, StatusCode::OK).await;
            }
            // Only a browser told it has comments awaiting moderation gets a
            // personal page (the cache layer lets such requests through).
            let pending = crate::web::cookie::get(headers, crate::web::comments::PENDING_COOKIE).is_some();
            let visitor = if pending { crate::web::comments::visitor_of(headers) } else { None };
            let unlock = crate::web::protected::token_of(&a, headers).unwrap_or_default();
            let form = crate::web::comments::FormState { unlock, ..Default::default() };
            let mut res = render_article(state, &a, page, visitor.as_deref(), form).await?;
            if pending || a.is_protected() {
                res.headers_mut().insert("x-robots-tag", HeaderValue::from_static("noindex"));
                res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            }
            Ok(res)
        }
        _ => redirect_or_404(state, path).await,
    }
}

/// Renders an article page; `visitor` adds that browser's own pending comments
/// and `form` refills the comment form (both make the answer personal).
pub async fn render_article(
    state: &AppState,
    a: &Article,
    page: usize,
    visitor: Option<&str>,
    form: crate::web::comments::FormState,
) -> Result<Response, AppError> {
    let cfg = &state.cfg;
    let canonical = a.permalink(cfg.tz());
    // Callers render a story behind a password only for a browser that gave it.
    let view = ArticleView::unlocked(a, cfg.tz());
    let url = format!("{}{}", cfg.base_url(), canonical);
    let mut layout = layout(state, view.headline.clone(), Some(view.excerpt.clone())).await;
    layout.canonical = Some(url.clone());
    layout.meta = crate::render::seo::article_meta(cfg, a, &view, &url);
    let (entities, related) = crate::web::intel::article_extras(state, a).await?;
    let (live, updates) = match crate::web::live::block(state, a, &canonical).await? {
        Some((v, entries)) => (Some(v), entries),
        None => (None, Vec::new()),
    };
    if !a.is_protected() {
        layout.jsonld = Some(crate::render::seo::article_jsonld(cfg, a, &view, &url, &entities, &updates));
    }
    if live.is_some() {
        layout.feeds.push(FeedLink {
            mime: "application/rss+xml",
            title: format!("Live updates: {}", view.headline),
            url: format!("{url}live/feed.xml"),
        });
    }
    layout.oembed = Some(format!("{}/oembed?url={}&format=json", cfg.base_url(), crate::web::auth::urlencode(&url)));
    layout.feeds.push(FeedLink {
        mime: "application/rss+xml",
        title: format!("Comments on “{}”", view.headline),
        url: format!("{url}comments.xml"),
    });
    let personal = visitor.is_some() || form.message.is_some() || form.parent_id.is_some();
    if personal {
        layout.noindex = true;
    }
    let enabled = state.frame.share(state.store.as_ref()).await?;
    let share = crate::web::share::links(&url, &view.headline, &enabled);
    let comments = crate::web::comments::block(state, a, &canonical, page, visitor, form).await?;
    // The page shows the story, its comments, the entities it names and the related stories' headlines.
    let mut keys = vec![Key::article(a.id), Key::site(), Key::nav()];
    if live.is_some() {
        keys.push(Key::live(a.id));
    }
    keys.extend(entities.iter().map(|e| Key::entity(e.id)));
    keys.extend(related.iter().map(|r| Key::article(ArticleId(r.id))));
    let ctx = ArticleCtx {
        layout,
        article: view,
        is_page: false,
        url,
        share,
        comments: Some(comments),
        entities,
        related,
        live,
    };
    Ok(crate::web::cache::with_keys(render(state, "public/article.html", &ctx)?, keys))
}

async fn page(state: &AppState, path: &str, slug: &str) -> Result<Response, AppError> {
    let now = Utc::now();
    match state.store.get_article_by_slug(Kind::Page, slug).await? {
        Some(a) if a.is_public(now) => {
            let view = ArticleView::full(&a, state.cfg.tz());
            let url = format!("{}{}", state.cfg.base_url(), path);
            let mut layout = layout(state, view.headline.clone(), Some(view.excerpt.clone())).await;
            layout.canonical = Some(url.clone());
            let ctx = ArticleCtx {
                layout,
                article: view,
                is_page: true,
                url,
                share: Vec::new(),
                comments: None,
                entities: Vec::new(),
                related: Vec::new(),
                live: None,
            };
            let keys = vec![Key::article(a.id), Key::site(), Key::nav()];
            Ok(crate::web::cache::with_keys(render(state, "public/article.html", &ctx)?, keys))
        }
        _ => redirect_or_404(state, path).await,
    }
}

async fn redirect_or_404(state: &AppState, path: &str) -> Result<Response, AppError> {
    if path.len() > 1024 {
        return Err(AppError::NotFound);
    }
    let Some(id) = state.store.find_redirect(path).await? else {
        return Err(AppError::NotFound);
    };
    target(state, id).await
}

async fn target(state: &AppState, id: ArticleId) -> Result<Response, AppError> {
    match state.store.get_article(id).await? {
        Some(a) if a.is_public(Utc::now()) => Ok(moved(&a.permalink(state.cfg.tz()))),
        _ => Err(AppError::NotFound),
    }
}

/// Answers 301 Moved Permanently, as WordPress does for old URLs.
pub fn moved(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(loc) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, loc)]).into_response(),
        Err(_) => AppError::NotFound.into_response(),
    }
}
