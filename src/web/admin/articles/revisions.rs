//! After publication: dated corrections (editors only) and the list of every
//! saved revision of an article.
//!
//! Corrections are only ever added, through the article service; nothing here
//! edits or removes one, and revisions are read-only.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::super::admin_layout;
use super::open_article;
use crate::domain::ArticleId;
use crate::render::view::{Layout, When};
use crate::service::SaveError;
use crate::store::Revision;
use crate::web::auth::{no_store, StaffSession};
use crate::web::error::AppError;
use crate::web::public::render;
use crate::web::AppState;

/// Carries the correction form as posted.
#[derive(Deserialize)]
pub struct CorrectionForm {
    csrf: String,
    body: String,
}

/// Adds a dated correction (editors only).
pub async fn create_correction(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CorrectionForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    match state.articles.correct(&s.0.user, ArticleId(id), &f.body, Utc::now()).await {
        Ok(()) => {}
        Err(SaveError::Invalid(e)) => {
            let why = e.0.values().next().cloned().unwrap_or_default();
            return Err(AppError::BadRequest(format!("{why} Go back to keep your text.")));
        }
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to(&format!("/admin/articles/{id}?saved=correction")).into_response())
}

#[derive(Serialize)]
struct RevisionsCtx {
    layout: Layout,
    id: i64,
    headline: String,
    revisions: Vec<RevisionRow>,
}

/// Describes one saved revision as the list shows it.
#[derive(Serialize)]
struct RevisionRow {
    id: i64,
    when: When,
    by: Option<String>,
    headline: String,
    status: &'static str,
    body_chars: usize,
    body: String,
}

/// Lists every saved revision of an article.
pub async fn list_revisions(
    State(state): State<AppState>,
    s: StaffSession,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let a = open_article(&state, &s, id).await?;
    let tz = state.cfg.tz();
    let revisions: Vec<Revision> = state.store.list_revisions(a.id).await?;
    let rows = revisions
        .into_iter()
        .map(|r| RevisionRow {
            id: r.id,
            when: When::new(r.created_at, tz),
            by: r.user_name,
            headline: r.headline,
            status: r.snapshot.status.as_str(),
            body_chars: r.snapshot.body.chars().count(),
            body: r.snapshot.body,
        })
        .collect();
    let ctx =
        RevisionsCtx { layout: admin_layout(&state, &s, "Revisions").await, id, headline: a.headline, revisions: rows };
    no_store(render(&state, "admin/revisions.html", &ctx)?)
}
