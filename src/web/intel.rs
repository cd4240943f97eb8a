//! Reader pages of story intelligence: a page per person, place and
//! organisation (`/people/{slug}/`, `/places/{slug}/`, `/organisations/{slug}/`),
//! a story timeline (`/timeline/{slug}/`), and the entities and related
//! articles shown under an article. Only public articles ever appear, and an
//! entity no public article names has no page (a draft's names stay unknown).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use serde::Serialize;

use crate::domain::change::Key;
use crate::domain::Article;
use crate::intel::Kind;
use crate::render::view::{entity_path, ArticleView, EntityRef, Layout, Pager, When};
use crate::store::EntityInfo;
use crate::web::error::AppError;
use crate::web::public::{layout, moved, render, Paging};
use crate::web::AppState;

/// Related articles shown under an article.
const RELATED: u32 = 4;
/// Quotes shown on an entity page.
const QUOTES: u32 = 20;
/// Events on a timeline.
const EVENTS: u32 = 500;

/// Routes of the entity pages and timelines (cached like every reader page).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{slug}/", get(show_person))
        .route("/places/{slug}/", get(show_place))
        .route("/organisations/{slug}/", get(show_organisation))
        .route("/timeline/{slug}/", get(show_timeline))
}

/// The entities an article names (not rejected) and its related public articles.
pub async fn article_extras(state: &AppState, a: &Article) -> Result<(Vec<EntityRef>, Vec<ArticleView>), AppError> {
    let links = state.store.list_article_entities(a.id).await?;
    let entities = links
        .iter()
        .filter(|l| l.status != "rejected" && !l.entity.rejected)
        .map(|l| EntityRef::new(l.entity.id, l.entity.kind, &l.entity.name, &l.entity.slug, l.mentions >= 2))
        .collect();
    let tz = state.cfg.tz();
    let related = state.store.list_related(a.id, Utc::now(), RELATED).await?;
    Ok((entities, related.iter().map(|r| ArticleView::summary(r, tz)).collect()))
}

#[derive(Serialize)]
struct RoleView {
    role: String,
    date: Option<When>,
    url: String,
    headline: String,
}

#[derive(Serialize)]
struct QuoteView {
    text: String,
    url: String,
    headline: String,
    date: Option<When>,
}

#[derive(Serialize)]
struct EntityCtx {
    layout: Layout,
    entity: EntityRef,
    kind_label: &'static str,
    timeline_url: String,
    roles: Vec<RoleView>,
    quotes: Vec<QuoteView>,
    articles: Vec<ArticleView>,
    pager: Pager,
}

fn kind_label(k: Kind) -> &'static str {
    match k {
        Kind::Person => "Person",
        Kind::Place => "Place",
        Kind::Organisation => "Organisation",
    }
}

/// Finds an entity readers may see: not rejected, named by a public article.
async fn visible_entity(state: &AppState, slug: &str) -> Result<EntityInfo, AppError> {
    if slug.len() > 200 {
        return Err(AppError::NotFound);
    }
    let e = state.store.get_entity_by_slug(slug).await?.filter(|e| !e.rejected).ok_or(AppError::NotFound)?;
    Ok(e)
}

async fn show_entity(state: AppState, kind: Kind, slug: String, p: Paging) -> Result<Response, AppError> {
    let e = visible_entity(&state, &slug).await?;
    if e.kind != kind {
        // Corrected from one kind to another: its old address moves with it.
        return Ok(moved(&entity_path(e.kind, &e.slug)));
    }
    let page = p.number()?;
    let per = state.cfg.site.per_page;
    let now = Utc::now();
    let found = state.store.list_entity_articles(e.id, now, per, (page - 1) * per).await?;
    if found.items.is_empty() {
        return Err(AppError::NotFound);
    }
    let tz = state.cfg.tz();
    let link = |a: &Article, anchor: Option<&str>| match anchor {
        Some(id) => format!("{}#{id}", a.permalink(tz)),
        None => a.permalink(tz),
    };
    let mut roles: Vec<RoleView> = Vec::new();
    for r in state.store.list_entity_roles(e.id, now).await? {
        // The same role in story after story reads once, at its first article.
        if roles.iter().any(|seen| seen.role == r.role) {
            continue;
        }
        roles.push(RoleView {
            role: r.role,
            date: r.article.published_at.map(|t| When::new(t, tz)),
            url: link(&r.article, None),
            headline: r.article.headline.clone(),
        });
    }
    let quotes = state
        .store
        .list_entity_quotes(e.id, now, QUOTES)
        .await?
        .into_iter()
        .map(|q| QuoteView {
            url: link(&q.article, q.anchor.as_deref()),
            headline: q.article.headline.clone(),
            date: q.article.published_at.map(|t| When::new(t, tz)),
            text: q.text,
        })
        .collect();
    let entity = EntityRef::new(e.id, e.kind, &e.name, &e.slug, true);
    let path = entity.url.clone();
    let mut layout = layout(&state, e.name.clone(), Some(format!("Articles about {}", e.name))).await;
    layout.canonical = Some(format!("{}{path}", state.cfg.base_url()));
    let ctx = EntityCtx {
        layout,
        kind_label: kind_label(e.kind),
        timeline_url: format!("/timeline/{}/", e.slug),
        roles,
        quotes,
        articles: found.items.iter().map(|a| ArticleView::summary(a, tz)).collect(),
        pager: Pager::new(&path, page, per, found.total),
        entity,
    };
    // The page lists the entity's stories (a change to one of them, or a new
    // run of story intelligence, names the entity's key).
    let mut keys = vec![Key::entity(e.id), Key::site(), Key::nav()];
    keys.extend(found.items.iter().map(|a| Key::article(a.id)));
    Ok(crate::web::cache::with_keys(render(&state, "public/entity.html", &ctx)?, keys))
}

async fn show_person(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<Paging>,
) -> Result<Response, AppError> {
    show_entity(s, Kind::Person, slug, p).await
}

async fn show_place(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<Paging>,
) -> Result<Response, AppError> {
    show_entity(s, Kind::Place, slug, p).await
}

async fn show_organisation(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<Paging>,
) -> Result<Response, AppError> {
    show_entity(s, Kind::Organisation, slug, p).await
}

#[derive(Serialize)]
struct EventView {
    /// ISO date of the first day, for `<time datetime>`.
    iso: String,
    label: String,
    sentence: String,
    url: String,
    headline: String,
}

#[derive(Serialize)]
struct TimelineCtx {
    layout: Layout,
    entity: EntityRef,
    events: Vec<EventView>,
}

/// The dated events of the public stories naming an entity, on one time axis.
async fn show_timeline(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, AppError> {
    let e = visible_entity(&state, &slug).await?;
    let now = Utc::now();
    // Like the entity page, a timeline exists once a public article names the entity.
    if state.store.list_entity_articles(e.id, now, 1, 0).await?.total == 0 {
        return Err(AppError::NotFound);
    }
    let tz = state.cfg.tz();
    let events = state
        .store
        .list_timeline(e.id, now, EVENTS)
        .await?
        .into_iter()
        .map(|ev| {
            let base = ev.article.permalink(tz);
            EventView {
                iso: ev.from.format("%Y-%m-%d").to_string(),
                label: ev.label,
                sentence: ev.sentence,
                url: ev.anchor.map_or_else(|| base.clone(), |a| format!("{base}#{a}")),
                headline: ev.article.headline.clone(),
            }
        })
        .collect();
    let entity = EntityRef::new(e.id, e.kind, &e.name, &e.slug, true);
    let title = format!("Timeline: {}", e.name);
    let mut layout = layout(&state, title, Some(format!("Dated events in the stories about {}", e.name))).await;
    layout.canonical = Some(format!("{}/timeline/{}/", state.cfg.base_url(), e.slug));
    let keys = vec![Key::entity(e.id), Key::site(), Key::nav()];
    Ok(crate::web::cache::with_keys(
        render(&state, "public/timeline.html", &TimelineCtx { layout, entity, events })?,
        keys,
    ))
}
