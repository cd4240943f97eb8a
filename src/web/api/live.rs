//! Live coverage over the API: a story's coverage state and its entries, with
//! the same roles as the live desk (see `service::live`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::live::{EntryInput, LiveEntry, LiveState};
use crate::domain::{self, Article, ArticleId, MediaId, User};
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::AppState;

/// A story's live coverage.
#[derive(Serialize, ToSchema)]
pub struct LiveJson {
    /// `live`, `ended`, or `off` (never covered live, or coverage removed).
    pub state: String,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The event stream readers follow (only while live).
    pub stream: Option<String>,
}

impl LiveJson {
    fn new(a: &Article) -> LiveJson {
        LiveJson {
            state: a.live.as_ref().map_or("off", |c| c.state.as_str()).to_owned(),
            started_at: a.live.as_ref().map(|c| c.started_at),
            ended_at: a.live.as_ref().and_then(|c| c.ended_at),
            stream: a.live.as_ref().filter(|c| c.state == LiveState::Live).map(|_| format!("/live/{}/events", a.id.0)),
        }
    }
}

/// An entry's photo.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryPhotoJson {
    /// An uploaded photo (`POST /api/v1/media`).
    pub media_id: i64,
    /// What the photo shows, for readers who cannot see it.
    pub alt: String,
}

/// One update of a live story.
#[derive(Serialize, ToSchema)]
pub struct EntryJson {
    pub id: i64,
    pub article_id: i64,
    pub author: String,
    pub headline: Option<String>,
    /// Markdown.
    pub body: String,
    /// The body as readers get it (sanitised HTML).
    pub body_html: String,
    pub photo: Option<EntryPhotoJson>,
    /// A key event.
    pub pinned: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The article this entry became, if any.
    pub promoted_to: Option<i64>,
    /// The entry on the public page (while the story is public).
    pub url: Option<String>,
}

impl EntryJson {
    fn new(e: &LiveEntry, story_url: Option<&str>) -> EntryJson {
        EntryJson {
            id: e.id,
            article_id: e.article_id.0,
            author: e.author_name.clone(),
            headline: e.headline.clone(),
            body: e.body.clone(),
            body_html: crate::render::markdown::render_markdown(&e.body),
            photo: e.photo.as_ref().map(|p| EntryPhotoJson { media_id: p.media.id.0, alt: p.alt.clone() }),
            pinned: e.pinned,
            created_at: e.created_at,
            updated_at: e.updated_at,
            promoted_to: e.promoted_to.map(|a| a.0),
            url: story_url.map(|u| format!("{u}#entry-{}", e.id)),
        }
    }
}

/// A page of a story's entries, newest first, with its coverage.
#[derive(Serialize, ToSchema)]
pub struct EntryList {
    pub live: LiveJson,
    pub entries: Vec<EntryJson>,
    pub total: u64,
}

/// Paging of the entry list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryParams {
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// Entries to skip, 0–100,000.
    #[param(minimum = 0, maximum = 100000)]
    offset: Option<i64>,
}

/// An entry to post.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntryJson {
    pub headline: Option<String>,
    /// Markdown, 1–20,000 characters.
    pub body: String,
    pub photo: Option<EntryPhotoJson>,
    /// A key event (editors and admins).
    #[serde(default)]
    pub pinned: bool,
}

/// Changes to an entry; absent fields stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryPatch {
    /// A headline, or null to remove it.
    #[serde(default, deserialize_with = "super::articles::double")]
    #[schema(value_type = Option<String>)]
    pub headline: Option<Option<String>>,
    pub body: Option<String>,
    /// A photo, or null to remove it.
    #[serde(default, deserialize_with = "super::articles::double")]
    #[schema(value_type = Option<EntryPhotoJson>)]
    pub photo: Option<Option<EntryPhotoJson>>,
    pub pinned: Option<bool>,
}

/// The coverage state to switch to.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiveSwitch {
    /// `live`, `ended` or `off`.
    pub state: String,
}

/// The story, if `user` may see it or it is live (a live story is written by the whole desk).
async fn story(state: &AppState, user: &User, id: i64) -> Result<Article, AppError> {
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    let live = a.live.as_ref().is_some_and(|c| c.state == LiveState::Live);
    if !(live || domain::may_see(Some(user), &a, Utc::now())) {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

fn public_url(state: &AppState, a: &Article) -> Option<String> {
    a.is_public(Utc::now()).then(|| format!("{}{}", state.cfg.base_url(), a.permalink(state.cfg.tz())))
}

/// Lists a story's entries, newest first.
#[utoipa::path(get, path = "/api/v1/articles/{id}/entries", tag = "live", params(("id" = i64, Path, description = "Article id"), EntryParams),
    responses((status = 200, body = EntryList), (status = 400, body = super::ErrorJson), (status = 401, body = super::ErrorJson), (status = 404, body = super::ErrorJson)))]
pub async fn list_entries(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
    super::ApiQuery(p): super::ApiQuery<EntryParams>,
) -> Result<Json<EntryList>, AppError> {
    let limit = p.limit.unwrap_or(20);
    let offset = p.offset.unwrap_or(0);
    if !(1..=100).contains(&limit) || !(0..=100_000).contains(&offset) {
        return Err(AppError::BadRequest("limit is between 1 and 100, offset between 0 and 100000.".into()));
    }
    let a = story(&state, &user, id).await?;
    let page = state.store.list_entries(a.id, limit as u32, offset as u32).await?;
    let url = public_url(&state, &a);
    Ok(Json(EntryList {
        live: LiveJson::new(&a),
        entries: page.items.iter().map(|e| EntryJson::new(e, url.as_deref())).collect(),
        total: page.total,
    }))
}

/// Posts an entry to a live story (409 when the story is not live).
#[utoipa::path(post, path = "/api/v1/articles/{id}/entries", tag = "live", params(("id" = i64, Path, description = "Article id")), request_body = NewEntryJson,
    responses((status = 201, body = EntryJson), (status = 400, body = super::ErrorJson), (status = 401, body = super::ErrorJson), (status = 403, body = super::ErrorJson), (status = 404, body = super::ErrorJson), (status = 409, body = super::ErrorJson), (status = 422, body = super::ErrorJson)))]
pub async fn create_entry(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
    super::ApiJson(n): super::ApiJson<NewEntryJson>,
) -> Result<(StatusCode, Json<EntryJson>), AppError> {
    let a = story(&state, &user, id).await?;
    let input = EntryInput {
        headline: n.headline,
        body: n.body,
        photo: n.photo.as_ref().map(|p| MediaId(p.media_id)),
        photo_alt: n.photo.map(|p| p.alt),
        pinned: n.pinned,
    };
    let e = state.live.post(&user, a.id, input, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(EntryJson::new(&e, public_url(&state, &a).as_deref()))))
}

/// Changes an entry (its author, editors and admins).
#[utoipa::path(patch, path = "/api/v1/articles/{id}/entries/{entry}", tag = "live",
    params(("id" = i64, Path, description = "Article id"), ("entry" = i64, Path, description = "Entry id")), request_body = EntryPatch,
    responses((status = 200, body = EntryJson), (status = 400, body = super::ErrorJson), (status = 401, body = super::ErrorJson), (status = 403, body = super::ErrorJson), (status = 404, body = super::ErrorJson), (status = 422, body = super::ErrorJson)))]
pub async fn update_entry(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath((id, entry)): super::ApiPath<(i64, i64)>,
    super::ApiJson(p): super::ApiJson<EntryPatch>,
) -> Result<Json<EntryJson>, AppError> {
    let a = story(&state, &user, id).await?;
    let old = state.store.get_entry(entry).await?.filter(|e| e.article_id == a.id && !e.deleted);
    let old = old.ok_or(AppError::NotFound)?;
    let (photo, photo_alt) = match p.photo {
        None => (old.photo.as_ref().map(|x| x.media.id), old.photo.as_ref().map(|x| x.alt.clone())),
        Some(None) => (None, None),
        Some(Some(x)) => (Some(MediaId(x.media_id)), Some(x.alt)),
    };
    let input = EntryInput {
        headline: p.headline.unwrap_or(old.headline),
        body: p.body.unwrap_or(old.body),
        photo,
        photo_alt,
        pinned: p.pinned.unwrap_or(old.pinned),
    };
    let e = state.live.edit(&user, entry, input, Utc::now()).await?;
    Ok(Json(EntryJson::new(&e, public_url(&state, &a).as_deref())))
}

/// Deletes an entry (its author, editors and admins); readers stop seeing it at once.
#[utoipa::path(delete, path = "/api/v1/articles/{id}/entries/{entry}", tag = "live",
    params(("id" = i64, Path, description = "Article id"), ("entry" = i64, Path, description = "Entry id")),
    responses((status = 204), (status = 401, body = super::ErrorJson), (status = 403, body = super::ErrorJson), (status = 404, body = super::ErrorJson)))]
pub async fn delete_entry(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath((id, entry)): super::ApiPath<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    let a = story(&state, &user, id).await?;
    let old = state.store.get_entry(entry).await?.filter(|e| e.article_id == a.id && !e.deleted);
    old.ok_or(AppError::NotFound)?;
    state.live.delete(&user, entry, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts (`live`), ends (`ended`) or removes (`off`) a story's live coverage
/// (editors, admins and the story's author).
#[utoipa::path(put, path = "/api/v1/articles/{id}/live", tag = "live", params(("id" = i64, Path, description = "Article id")), request_body = LiveSwitch,
    responses((status = 200, body = LiveJson), (status = 400, body = super::ErrorJson), (status = 401, body = super::ErrorJson), (status = 403, body = super::ErrorJson), (status = 404, body = super::ErrorJson)))]
pub async fn switch_live(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
    super::ApiJson(s): super::ApiJson<LiveSwitch>,
) -> Result<Json<LiveJson>, AppError> {
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    if !domain::may_see(Some(&user), &a, Utc::now()) {
        return Err(AppError::NotFound);
    }
    let to = match s.state.as_str() {
        "off" => None,
        other => {
            Some(LiveState::parse(other).ok_or_else(|| AppError::BadRequest("state is live, ended or off.".into()))?)
        }
    };
    let a = state.live.set_state(&user, a.id, to, Utc::now()).await?;
    Ok(Json(LiveJson::new(&a)))
}
