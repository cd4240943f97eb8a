//! Comments over the API: the moderation queue and status changes. Commenter
//! emails appear here only because every API caller is authenticated staff.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::Permission;
use crate::domain::{ArticleId, Comment, CommentId, CommentStatus};
use crate::store::CommentQuery;
use crate::web::auth::require;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::AppState;

/// A comment as moderators see it.
#[derive(Serialize, ToSchema)]
pub struct CommentJson {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    /// Shown to authenticated staff only; never on a public page.
    pub author_email: String,
    pub author_url: Option<String>,
    pub body: String,
    /// `pending`, `approved`, `spam` or `trash`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub spam_score: Option<f64>,
}

impl From<&Comment> for CommentJson {
    fn from(c: &Comment) -> Self {
        CommentJson {
            id: c.id.0,
            article_id: c.article_id.0,
            parent_id: c.parent_id.map(|p| p.0),
            author_name: c.author_name.clone(),
            author_email: c.author_email.clone(),
            author_url: c.author_url.clone(),
            body: c.body.clone(),
            status: c.status.as_str().into(),
            created_at: c.created_at,
            spam_score: c.spam_score,
        }
    }
}

/// One page of comments.
#[derive(Serialize, ToSchema)]
pub struct CommentList {
    pub comments: Vec<CommentJson>,
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
}

/// Filters of the comment list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentParams {
    /// `pending`, `approved`, `spam` or `trash`; all when missing.
    status: Option<String>,
    article_id: Option<i64>,
    /// 1–100, default 50.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    offset: Option<u32>,
}

/// A moderation decision.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentPatch {
    /// `pending`, `approved`, `spam` or `trash`.
    pub status: Option<String>,
    /// New text (editors may correct a comment).
    pub body: Option<String>,
}

fn parse_status(s: &str) -> Result<CommentStatus, AppError> {
    CommentStatus::parse(s).ok_or_else(|| AppError::BadRequest("status is pending, approved, spam or trash.".into()))
}

/// Lists comments, newest first.
#[utoipa::path(get, path = "/api/v1/comments", tag = "comments", params(CommentParams),
    responses((status = 200, body = CommentList), (status = 400, body = super::ErrorJson), (status = 403, body = super::ErrorJson)))]
pub async fn list_comments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiQuery(p): super::ApiQuery<CommentParams>,
) -> Result<Json<CommentList>, AppError> {
    require(&user, Permission::Moderate)?;
    let limit = p.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(AppError::BadRequest("limit is between 1 and 100.".into()));
    }
    let offset = p.offset.unwrap_or(0);
    let q = CommentQuery {
        status: p.status.as_deref().map(parse_status).transpose()?,
        article_id: p.article_id.map(ArticleId),
        limit,
        offset,
    };
    let found = state.store.list_comments(&q).await?;
    Ok(Json(CommentList {
        comments: found.items.iter().map(CommentJson::from).collect(),
        total: found.total,
        limit,
        offset,
    }))
}

/// Moderates a comment (status) or corrects its text (body).
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "comments", params(("id" = i64, Path, description = "Comment id")), request_body = CommentPatch,
    responses((status = 200, body = CommentJson), (status = 400, body = super::ErrorJson), (status = 403, body = super::ErrorJson), (status = 404, body = super::ErrorJson), (status = 422, body = super::ErrorJson)))]
pub async fn update_comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
    super::ApiJson(p): super::ApiJson<CommentPatch>,
) -> Result<Json<CommentJson>, AppError> {
    require(&user, Permission::Moderate)?;
    let now = Utc::now();
    let id = CommentId(id);
    state.store.get_comment(id).await?.ok_or(AppError::NotFound)?;
    // Check everything before changing anything.
    let status = p.status.as_deref().map(parse_status).transpose()?;
    if let Some(body) = p.body.as_deref() {
        // Checked before anything changes: a bad status never follows a changed text.
        crate::domain::check_body(body, state.comments.config().max_chars).map_err(|m| {
            let mut f = crate::domain::FieldErrors::default();
            f.add("body", m);
            AppError::Invalid(f)
        })?;
        state.comments.edit_as_staff(id, body, now).await?;
    }
    if let Some(s) = status {
        state.comments.moderate(id, s, now).await?;
    }
    let c = state.store.get_comment(id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(CommentJson::from(&c)))
}
