//! Articles and pages over the API.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::{self, Article, ArticleId, ArticleInput, BodyFormat, Kind, MediaId, PhotoInput, Status};
use crate::store::ArticleQuery;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::AppState;

/// The lead photo of an article.
#[derive(Serialize, ToSchema)]
pub struct PhotoJson {
    pub media_id: i64,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: String,
    pub width: u32,
    pub height: u32,
    pub urls: Vec<String>,
}

/// A dated correction.
#[derive(Serialize, ToSchema)]
pub struct CorrectionJson {
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// An article or page.
#[derive(Serialize, ToSchema)]
pub struct ArticleJson {
    pub id: i64,
    /// `article` or `page`.
    pub kind: String,
    pub slug: String,
    /// Absolute public URL (answers only while published).
    pub url: String,
    pub headline: String,
    pub standfirst: Option<String>,
    pub body: String,
    /// `markdown` or `html`.
    pub body_format: String,
    pub dateline: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub photo: Option<PhotoJson>,
    /// `draft`, `pending`, `scheduled`, `published` or `unpublished`.
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub comments_open: bool,
    pub corrections: Vec<CorrectionJson>,
    /// Readers must give it to read the story (staff see it here).
    pub password: Option<String>,
}

impl ArticleJson {
    pub(super) fn new(a: &Article, state: &AppState) -> ArticleJson {
        ArticleJson {
            id: a.id.0,
            kind: a.kind.as_str().into(),
            slug: a.slug.clone(),
            url: format!("{}{}", state.cfg.base_url(), a.permalink(state.cfg.tz())),
            headline: a.headline.clone(),
            standfirst: a.standfirst.clone(),
            body: a.body.clone(),
            body_format: a.body_format.as_str().into(),
            dateline: a.dateline.clone(),
            section: a.section.as_ref().map(|s| s.name.clone()),
            tags: a.tags.iter().map(|t| t.name.clone()).collect(),
            authors: a.authors.iter().map(|t| t.name.clone()).collect(),
            photo: a.photo.as_ref().map(|p| PhotoJson {
                media_id: p.media.id.0,
                caption: p.caption.clone(),
                credit: p.credit.clone(),
                alt: p.alt.clone(),
                width: p.media.width,
                height: p.media.height,
                urls: p.media.widths.iter().map(|w| crate::render::view::media_url(&p.media, *w)).collect(),
            }),
            status: a.status.as_str().into(),
            published_at: a.published_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
            comments_open: a.comments_open,
            corrections: a
                .corrections
                .iter()
                .map(|c| CorrectionJson { body: c.body.clone(), created_at: c.created_at })
                .collect(),
            password: a.password.clone(),
        }
    }
}

/// One page of articles.
#[derive(Serialize, ToSchema)]
pub struct ArticleList {
    pub articles: Vec<ArticleJson>,
    /// How many match in all.
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
}

/// Filters of the article list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `draft`, `pending`, `scheduled`, `published` or `unpublished`.
    status: Option<String>,
    /// `article` (default) or `page`.
    kind: Option<String>,
    /// Section slug.
    section: Option<String>,
    /// Tag slug.
    tag: Option<String>,
    /// Byline slug.
    author: Option<String>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    offset: Option<u32>,
}

pub(super) fn parse_status(s: &str) -> Result<Status, AppError> {
    Status::parse(s).ok_or_else(|| {
        AppError::BadRequest(format!("Unknown status {s:?}: use draft, pending, scheduled, published or unpublished."))
    })
}

fn parse_kind(s: Option<&str>) -> Result<Kind, AppError> {
    match s {
        None => Ok(Kind::Article),
        Some(k) => Kind::parse(k).ok_or_else(|| AppError::BadRequest("kind is article or page.".into())),
    }
}

/// Lists articles, newest change first.
#[utoipa::path(get, path = "/api/v1/articles", tag = "articles", params(ListParams),
    responses((status = 200, body = ArticleList), (status = 400, body = super::ErrorJson), (status = 401, body = super::ErrorJson)))]
pub async fn list_articles(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiQuery(p): super::ApiQuery<ListParams>,
) -> Result<Json<ArticleList>, AppError> {
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::BadRequest("limit is between 1 and 100.".into()));
    }
    let offset = p.offset.unwrap_or(0);
    let q = ArticleQuery {
        kind: Some(parse_kind(p.kind.as_deref())?),
        status: p.status.as_deref().map(parse_status).transpose()?,
        section: p.section,
        tag: p.tag,
        author: p.author,
        created_by: domain::own_scope(&user),
        limit,
        offset,
        ..Default::default()
    };
    let found = state.store.list_articles(&q).await?;
    Ok(Json(ArticleList {
        articles: found.items.iter().map(|a| ArticleJson::new(a, &state)).collect(),
        total: found.total,
        limit,
        offset,
    }))
}

/// The lead photo fields of a new or changed article.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoIn {
    pub media_id: i64,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// Required: describes the photo for readers who cannot see it.
    pub alt: String,
}

/// A new article or page.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArticle {
    /// `article` (default) or `page`.
    pub kind: Option<String>,
    pub headline: String,
    /// Made from the headline when missing.
    pub slug: Option<String>,
    pub standfirst: Option<String>,
    #[serde(default)]
    pub body: String,
    /// `markdown` (default) or `html`.
    pub body_format: Option<String>,
    pub dateline: Option<String>,
    pub section: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub photo: Option<PhotoIn>,
    /// `draft` (default), `pending`, `scheduled` or `published`.
    pub status: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub comments_open: Option<bool>,
    /// Readers must give it to read the story (none when absent).
    pub password: Option<String>,
}

fn body_format(s: Option<&str>) -> Result<BodyFormat, AppError> {
    match s {
        None => Ok(BodyFormat::Markdown),
        Some(f) => BodyFormat::parse(f).ok_or_else(|| AppError::BadRequest("body_format is markdown or html.".into())),
    }
}

fn photo_in(p: PhotoIn) -> PhotoInput {
    PhotoInput { media_id: MediaId(p.media_id), caption: p.caption, credit: p.credit, alt: p.alt }
}

async fn check_photo(state: &AppState, p: Option<&PhotoInput>) -> Result<(), AppError> {
    if let Some(p) = p {
        if state.store.get_media(p.media_id).await?.is_none() {
            let mut f = domain::FieldErrors::default();
            f.add("photo", "No media with this id; upload it first with POST /api/v1/media.");
            return Err(AppError::Invalid(f));
        }
    }
    Ok(())
}

/// Creates an article or page.
#[utoipa::path(post, path = "/api/v1/articles", tag = "articles", request_body = NewArticle,
    responses((status = 201, body = ArticleJson), (status = 400, body = super::ErrorJson), (status = 403, body = super::ErrorJson), (status = 422, body = super::ErrorJson)))]
pub async fn create_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiJson(n): super::ApiJson<NewArticle>,
) -> Result<(StatusCode, Json<ArticleJson>), AppError> {
    let input = ArticleInput {
        kind: parse_kind(n.kind.as_deref())?,
        slug: n.slug,
        headline: n.headline,
        standfirst: n.standfirst,
        body: n.body,
        body_format: body_format(n.body_format.as_deref())?,
        dateline: n.dateline,
        section: n.section,
        tags: n.tags,
        authors: if n.authors.is_empty() { vec![user.name.clone()] } else { n.authors },
        photo: n.photo.map(photo_in),
        status: n.status.as_deref().map(parse_status).transpose()?.unwrap_or(Status::Draft),
        published_at: n.published_at,
        comments_open: n.comments_open.unwrap_or(true),
        password: n.password,
    };
    check_photo(&state, input.photo.as_ref()).await?;
    let a = state.articles.save(Some(&user), None, input, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(ArticleJson::new(&a, &state))))
}

/// Fetches one article.
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "articles", params(("id" = i64, Path, description = "Article id")),
    responses((status = 200, body = ArticleJson), (status = 404, body = super::ErrorJson)))]
pub async fn show_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
) -> Result<Json<ArticleJson>, AppError> {
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    if !domain::may_see(Some(&user), &a, Utc::now()) {
        return Err(AppError::NotFound);
    }
    Ok(Json(ArticleJson::new(&a, &state)))
}

pub(super) fn double<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to an article: only the fields sent change; `null` clears an optional field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticlePatch {
    pub headline: Option<String>,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<String>)]
    pub standfirst: Option<Option<String>>,
    pub body: Option<String>,
    pub body_format: Option<String>,
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<String>)]
    pub dateline: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<String>)]
    pub section: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub authors: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<PhotoIn>)]
    pub photo: Option<Option<PhotoIn>>,
    /// `draft`, `pending`, `scheduled`, `published` or `unpublished`.
    pub status: Option<String>,
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub published_at: Option<Option<DateTime<Utc>>>,
    pub comments_open: Option<bool>,
    /// Readers must give it to read the story; `null` or `""` removes it.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<String>)]
    pub password: Option<Option<String>>,
}

/// Changes an article (publishing, scheduling and unpublishing are status changes).
#[utoipa::path(patch, path = "/api/v1/articles/{id}", tag = "articles", params(("id" = i64, Path, description = "Article id")), request_body = ArticlePatch,
    responses((status = 200, body = ArticleJson), (status = 400, body = super::ErrorJson), (status = 403, body = super::ErrorJson), (status = 404, body = super::ErrorJson), (status = 422, body = super::ErrorJson)))]
pub async fn update_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
    super::ApiJson(p): super::ApiJson<ArticlePatch>,
) -> Result<Json<ArticleJson>, AppError> {
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    // Someone else's unpublished work does not exist for an author, here as in GET.
    if !domain::may_see(Some(&user), &a, Utc::now()) {
        return Err(AppError::NotFound);
    }
    let mut i = a.to_input();
    if let Some(v) = p.headline {
        i.headline = v;
    }
    if let Some(v) = p.slug {
        i.slug = Some(v);
    }
    if let Some(v) = p.standfirst {
        i.standfirst = v;
    }
    if let Some(v) = p.body {
        i.body = v;
    }
    if let Some(v) = p.body_format {
        i.body_format = body_format(Some(&v))?;
    }
    if let Some(v) = p.dateline {
        i.dateline = v;
    }
    if let Some(v) = p.section {
        i.section = v;
    }
    if let Some(v) = p.tags {
        i.tags = v;
    }
    if let Some(v) = p.authors {
        i.authors = v;
    }
    if let Some(v) = p.photo {
        i.photo = v.map(photo_in);
    }
    if let Some(v) = p.status {
        i.status = parse_status(&v)?;
    }
    if let Some(v) = p.published_at {
        i.published_at = v;
    }
    if let Some(v) = p.comments_open {
        i.comments_open = v;
    }
    if let Some(v) = p.password {
        i.password = v;
    }
    check_photo(&state, i.photo.as_ref()).await?;
    let saved = state.articles.save(Some(&user), Some(a.id), i, Utc::now()).await?;
    Ok(Json(ArticleJson::new(&saved, &state)))
}

/// A correction to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCorrection {
    pub body: String,
}

/// Adds a dated correction (editors and admins).
#[utoipa::path(post, path = "/api/v1/articles/{id}/corrections", tag = "articles", params(("id" = i64, Path, description = "Article id")), request_body = NewCorrection,
    responses((status = 201, body = ArticleJson), (status = 400, body = super::ErrorJson), (status = 403, body = super::ErrorJson), (status = 404, body = super::ErrorJson), (status = 422, body = super::ErrorJson)))]
pub async fn create_correction(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
    super::ApiJson(c): super::ApiJson<NewCorrection>,
) -> Result<(StatusCode, Json<ArticleJson>), AppError> {
    state.articles.correct(&user, ArticleId(id), &c.body, Utc::now()).await?;
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(ArticleJson::new(&a, &state))))
}

/// A saved edit.
#[derive(Serialize, ToSchema)]
pub struct RevisionJson {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub user_name: Option<String>,
    pub headline: String,
    pub status: String,
    pub body: String,
}

/// Every saved edit of an article, newest first.
#[derive(Serialize, ToSchema)]
pub struct RevisionList {
    pub revisions: Vec<RevisionJson>,
}

/// Lists an article's revisions.
#[utoipa::path(get, path = "/api/v1/articles/{id}/revisions", tag = "articles", params(("id" = i64, Path, description = "Article id")),
    responses((status = 200, body = RevisionList), (status = 404, body = super::ErrorJson)))]
pub async fn list_revisions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
) -> Result<Json<RevisionList>, AppError> {
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    if !domain::may_open(&user, &a) {
        return Err(AppError::NotFound);
    }
    let revisions = state
        .store
        .list_revisions(a.id)
        .await?
        .into_iter()
        .map(|r| RevisionJson {
            id: r.id,
            created_at: r.created_at,
            user_name: r.user_name,
            headline: r.headline,
            status: r.snapshot.status.as_str().into(),
            body: r.snapshot.body,
        })
        .collect();
    Ok(Json(RevisionList { revisions }))
}
