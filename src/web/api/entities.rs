//! Story intelligence over the API: what an article names, the entities of
//! the site, and an entity's timeline. A token is needed, as everywhere in
//! the API; lists and timelines hold public articles only.

use axum::extract::State;
use axum::Json;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::ArticleId;
use crate::intel::Kind;
use crate::render::view::entity_path;
use crate::store::EntityInfo;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::AppState;

/// A person, place or organisation.
#[derive(Serialize, ToSchema)]
pub struct EntityJson {
    pub id: i64,
    /// `person`, `place` or `organisation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub slug: String,
    /// The reader page.
    pub url: String,
    /// Public articles naming it.
    pub articles: u64,
}

impl EntityJson {
    fn new(e: &EntityInfo, state: &AppState) -> EntityJson {
        EntityJson {
            id: e.id,
            kind: e.kind.as_str().to_owned(),
            name: e.name.clone(),
            slug: e.slug.clone(),
            url: format!("{}{}", state.cfg.base_url(), entity_path(e.kind, &e.slug)),
            articles: e.articles,
        }
    }
}

/// An entity as one article names it.
#[derive(Serialize, ToSchema)]
pub struct ArticleEntityJson {
    pub entity: EntityJson,
    /// `found` (by extraction), `accepted` or `rejected` (by an editor).
    pub status: String,
    /// Whether the entity was rejected on the whole site.
    pub rejected_everywhere: bool,
    pub roles: Vec<String>,
    /// Text around the first mentions.
    pub snippets: Vec<String>,
    pub mentions: u32,
}

/// The entities an article names.
#[derive(Serialize, ToSchema)]
pub struct ArticleEntities {
    pub entities: Vec<ArticleEntityJson>,
}

/// A page of entities.
#[derive(Serialize, ToSchema)]
pub struct EntityList {
    pub entities: Vec<EntityJson>,
    pub total: u64,
}

/// A dated event from an article.
#[derive(Serialize, ToSchema)]
pub struct EventJson {
    /// First day covered.
    pub from: NaiveDate,
    /// Last day covered.
    pub to: NaiveDate,
    /// "24 February 2022", "June 2021".
    pub label: String,
    pub sentence: String,
    pub article_id: i64,
    pub headline: String,
    /// The article, at the paragraph holding the sentence when known.
    pub url: String,
}

/// An entity's timeline: the events of the public articles naming it, earliest first.
#[derive(Serialize, ToSchema)]
pub struct Timeline {
    pub entity: EntityJson,
    pub events: Vec<EventJson>,
}

/// Which entities to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntityParams {
    /// `person`, `place` or `organisation`; all when absent.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    kind: Option<String>,
    /// 1–500, default 50.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
    offset: Option<u32>,
}

/// Whose timeline.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// The entity's slug (as in `/people/{slug}/`).
    entity: String,
}

/// Lists the people, places and organisations an article names, with the editors' decisions.
#[utoipa::path(get, path = "/api/v1/articles/{id}/entities", tag = "intelligence",
    params(("id" = i64, Path, description = "Article id")),
    responses((status = 200, body = ArticleEntities), (status = 401, body = super::ErrorJson), (status = 404, body = super::ErrorJson)))]
pub async fn list_article_entities(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
) -> Result<Json<ArticleEntities>, AppError> {
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    if !crate::domain::may_see(Some(&user), &a, Utc::now()) {
        return Err(AppError::NotFound);
    }
    let mut links = state.store.list_article_entities(a.id).await?;
    let ids: Vec<i64> = links.iter().map(|l| l.entity.id).collect();
    let counts = state.store.count_entity_articles(&ids, Utc::now()).await?;
    for l in &mut links {
        l.entity.articles = counts.get(&l.entity.id).copied().unwrap_or(0);
    }
    let entities = links
        .into_iter()
        .map(|l| ArticleEntityJson {
            entity: EntityJson::new(&l.entity, &state),
            rejected_everywhere: l.entity.rejected,
            status: l.status,
            roles: l.roles,
            snippets: l.snippets,
            mentions: l.mentions,
        })
        .collect();
    Ok(Json(ArticleEntities { entities }))
}

/// Lists the entities public articles name, most named first.
#[utoipa::path(get, path = "/api/v1/entities", tag = "intelligence", params(EntityParams),
    responses((status = 200, body = EntityList), (status = 400, body = super::ErrorJson), (status = 401, body = super::ErrorJson)))]
pub async fn list_entities(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    super::ApiQuery(p): super::ApiQuery<EntityParams>,
) -> Result<Json<EntityList>, AppError> {
    let kind = match p.kind.as_deref() {
        None | Some("") => None,
        Some(k) => {
            Some(Kind::parse(k).ok_or_else(|| AppError::BadRequest("type is person, place or organisation.".into()))?)
        }
    };
    let limit = p.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(AppError::BadRequest("limit is between 1 and 500.".into()));
    }
    let found = state.store.list_entities(kind, Utc::now(), limit, p.offset.unwrap_or(0).min(1_000_000)).await?;
    let entities = found.items.iter().map(|e| EntityJson::new(e, &state)).collect();
    Ok(Json(EntityList { entities, total: found.total }))
}

/// Returns the dated events of the public articles naming an entity, earliest first.
#[utoipa::path(get, path = "/api/v1/timeline", tag = "intelligence", params(TimelineParams),
    responses((status = 200, body = Timeline), (status = 400, body = super::ErrorJson), (status = 401, body = super::ErrorJson), (status = 404, body = super::ErrorJson)))]
pub async fn show_timeline(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    super::ApiQuery(p): super::ApiQuery<TimelineParams>,
) -> Result<Json<Timeline>, AppError> {
    let e = state.store.get_entity_by_slug(p.entity.trim()).await?.filter(|e| !e.rejected).ok_or(AppError::NotFound)?;
    let tz = state.cfg.tz();
    let base = state.cfg.base_url();
    let events = state
        .store
        .list_timeline(e.id, Utc::now(), 1000)
        .await?
        .into_iter()
        .map(|ev| {
            let path = ev.article.permalink(tz);
            EventJson {
                from: ev.from,
                to: ev.to,
                label: ev.label,
                sentence: ev.sentence,
                article_id: ev.article.id.0,
                headline: ev.article.headline.clone(),
                url: match ev.anchor {
                    Some(a) => format!("{base}{path}#{a}"),
                    None => format!("{base}{path}"),
                },
            }
        })
        .collect();
    Ok(Json(Timeline { entity: EntityJson::new(&e, &state), events }))
}
