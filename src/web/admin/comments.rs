//! Moderation in the browser: the queue with counts per status, each comment
//! in its article's context with the spam model's explanation, single and bulk
//! actions, editing, and replying as staff. Editors and admins only.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::domain::Permission;
use crate::domain::{self, ArticleId, CommentId, CommentStatus};
use crate::render::view::{Layout, When};
use crate::service::comment::CommentError;
use crate::store::CommentQuery;
use crate::web::auth::require;
use crate::web::auth::{self, no_store, StaffSession};
use crate::web::error::AppError;
use crate::web::public::render;
use crate::web::AppState;

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    status: Option<String>,
    article: Option<i64>,
    page: Option<u32>,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    author: String,
    email: String,
    url: Option<String>,
    ip: String,
    body_html: String,
    status: &'static str,
    when: When,
    article_headline: String,
    article_url: String,
    article_id: i64,
    parent_excerpt: Option<String>,
    spam: Option<String>,
    staff: bool,
}

#[derive(Serialize)]
struct QueueCtx {
    layout: Layout,
    rows: Vec<Row>,
    counts: Vec<(&'static str, u64)>,
    status: String,
    total: u64,
    page: u32,
    prev: Option<u32>,
    next: Option<u32>,
    back: String,
}

const PER_PAGE: u32 = 30;

/// Shows the moderation queue.
pub async fn list_comments(
    State(state): State<AppState>,
    s: StaffSession,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    require(&s.0.user, Permission::Moderate)?;
    let status = match q.status.as_deref() {
        None | Some("") => Some(CommentStatus::Pending),
        Some("all") => None,
        Some(x) => Some(CommentStatus::parse(x).ok_or_else(|| AppError::BadRequest("Unknown status.".into()))?),
    };
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let cq =
        CommentQuery { status, article_id: q.article.map(ArticleId), limit: PER_PAGE, offset: (page - 1) * PER_PAGE };
    let found = state.store.list_comments(&cq).await?;
    let tz = state.cfg.tz();
    let mut articles = HashMap::new();
    let mut rows = Vec::new();
    for c in &found.items {
        if let std::collections::hash_map::Entry::Vacant(slot) = articles.entry(c.article_id) {
            slot.insert(state.store.get_article(c.article_id).await?);
        }
        let a = articles.get(&c.article_id).and_then(Option::as_ref);
        let parent = match c.parent_id {
            Some(p) => state
                .store
                .get_comment(p)
                .await?
                .map(|p| format!("{}: {}", p.author_name, p.body.chars().take(140).collect::<String>())),
            None => None,
        };
        let text = format!("{} {} {}", c.author_name, c.author_url.as_deref().unwrap_or(""), c.body);
        let spam = state.comments.spam_score(&text).await?.map(|s| s.explain());
        rows.push(Row {
            id: c.id.0,
            author: c.author_name.clone(),
            email: c.author_email.clone(),
            url: c.author_url.clone(),
            ip: c.ip.clone(),
            body_html: domain::render_body(&c.body),
            status: c.status.as_str(),
            when: When::new(c.created_at, tz),
            article_headline: a.map(|a| a.headline.clone()).unwrap_or_default(),
            article_url: a.map(|a| a.permalink(tz)).unwrap_or_default(),
            article_id: c.article_id.0,
            parent_excerpt: parent,
            spam,
            staff: c.staff,
        });
    }
    let counts = state.store.count_comments_by_status().await?.into_iter().map(|(s, n)| (s.as_str(), n)).collect();
    let l = super::admin_layout(&state, &s, "Comments").await;
    let status_name = status.map_or("all", CommentStatus::as_str).to_owned();
    let ctx = QueueCtx {
        layout: l,
        rows,
        counts,
        back: format!("/admin/comments?status={status_name}&page={page}"),
        status: status_name,
        total: found.total,
        page,
        prev: (page > 1).then(|| page - 1),
        next: (u64::from(page) * u64::from(PER_PAGE) < found.total).then_some(page + 1),
    };
    no_store(render(&state, "admin/comments.html", &ctx)?)
}

#[derive(Deserialize)]
pub struct StatusForm {
    csrf: String,
    status: String,
    #[serde(default)]
    back: String,
}

/// Approves, marks spam, trashes or sends back one comment.
pub async fn update_status(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    require(&s.0.user, Permission::Moderate)?;
    let status = CommentStatus::parse(&f.status).ok_or_else(|| AppError::BadRequest("Unknown status.".into()))?;
    state.comments.moderate(CommentId(id), status, Utc::now()).await?;
    let back = if f.back.is_empty() { "/admin/comments".to_owned() } else { auth::safe_next(Some(&f.back)) };
    Ok(Redirect::to(&back).into_response())
}

/// Applies one action to every ticked comment.
pub async fn bulk(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let get = |k: &str| super::field(&pairs, k);
    s.check_post(&state, &headers, get("csrf"))?;
    require(&s.0.user, Permission::Moderate)?;
    let status = CommentStatus::parse(get("action")).ok_or_else(|| AppError::BadRequest("Choose an action.".into()))?;
    let ids: Vec<i64> =
        pairs.iter().filter(|(k, _)| k == "ids").filter_map(|(_, v)| v.parse().ok()).take(500).collect();
    let now = Utc::now();
    for id in ids {
        state.comments.moderate(CommentId(id), status, now).await?;
    }
    Ok(Redirect::to(&auth::safe_next(Some(get("back")))).into_response())
}

#[derive(Serialize)]
struct EditCtx {
    layout: Layout,
    id: i64,
    body: String,
    back: String,
}

/// Shows a comment's text for a moderator to edit.
pub async fn edit_comment(
    State(state): State<AppState>,
    s: StaffSession,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    require(&s.0.user, Permission::Moderate)?;
    let c = state.store.get_comment(CommentId(id)).await?.ok_or(AppError::NotFound)?;
    let l = super::admin_layout(&state, &s, "Edit comment").await;
    no_store(render(
        &state,
        "admin/comment_edit.html",
        &EditCtx { layout: l, id, body: c.body, back: "/admin/comments".into() },
    )?)
}

#[derive(Deserialize)]
pub struct BodyForm {
    csrf: String,
    body: String,
}

/// Saves a moderator's edit.
pub async fn update_comment(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<BodyForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    require(&s.0.user, Permission::Moderate)?;
    match state.comments.edit_as_staff(CommentId(id), &f.body, Utc::now()).await {
        Ok(_) => {}
        Err(CommentError::BadRequest(m)) => {
            return Err(AppError::BadRequest(format!("{m} Go back to keep your text.")))
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to("/admin/comments?status=all").into_response())
}

/// Publishes a staff reply under a comment.
pub async fn create_reply(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<BodyForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    require(&s.0.user, Permission::Moderate)?;
    let parent = state.store.get_comment(CommentId(id)).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    if parent.status != CommentStatus::Approved {
        state.comments.moderate(parent.id, CommentStatus::Approved, now).await?;
    }
    let c = state.comments.staff_reply(&parent, &s.0.user, &f.body, now).await?;
    let a = state.store.get_article(c.article_id).await?.ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!("{}#comment-{}", a.permalink(state.cfg.tz()), c.id.0)).into_response())
}
