//! Reviewing what story intelligence found in an article: editors accept,
//! correct (rename, change kind), merge or reject each person, place and
//! organisation. Decisions live in the store, so re-extraction keeps them.
//! Editors and admins only.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::Serialize;

use super::{admin_layout, field};
use crate::app::AppState;
use crate::domain::ArticleId;
use crate::error::AppError;
use crate::intel::Kind;
use crate::render::view::{entity_path, Layout};
use crate::store::{EntityDecision, EntityLink, StoreError};
use crate::web::auth::{no_store, StaffSession};
use crate::web::public::render;

#[derive(Serialize)]
struct Row {
    link: EntityLink,
    url: String,
}

#[derive(Serialize)]
struct ReviewCtx {
    layout: Layout,
    id: i64,
    headline: String,
    rows: Vec<Row>,
    kinds: [&'static str; 3],
    notice: Option<&'static str>,
    error: Option<String>,
}

fn require_editor(s: &StaffSession) -> Result<(), AppError> {
    if s.0.user.role.can_publish() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only editors and admins can review the people, places and organisations found.".into(),
        ))
    }
}

/// Shows the entities found in an article, with their snippets and the actions on them.
pub async fn list_entities(
    State(state): State<AppState>,
    s: StaffSession,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, AppError> {
    require_editor(&s)?;
    let notice = q.contains_key("done").then_some("Saved. Readers see the change at once.");
    page(&state, &s, id, notice, None).await
}

async fn page(
    state: &AppState,
    s: &StaffSession,
    id: i64,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let a = state.store.get_article(ArticleId(id)).await?.ok_or(AppError::NotFound)?;
    let rows = state
        .store
        .list_article_entities(a.id)
        .await?
        .into_iter()
        .map(|link| Row { url: entity_path(link.entity.kind, &link.entity.slug), link })
        .collect();
    let failed = error.is_some();
    let ctx = ReviewCtx {
        layout: admin_layout(state, s, "People, places and organisations").await,
        id,
        headline: a.headline,
        rows,
        kinds: ["person", "place", "organisation"],
        notice,
        error,
    };
    let mut res = render(state, "admin/entities.html", &ctx)?;
    if failed {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    no_store(res)
}

/// Applies one decision: `accept`, `reject`, `reset`, `correct` (name, kind),
/// `merge` (into another entity), `reject-everywhere` or `restore-everywhere`.
pub async fn update_entities(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, field(&pairs, "csrf"))?;
    require_editor(&s)?;
    let article = ArticleId(id);
    let entity: i64 = field(&pairs, "entity").parse().map_err(|_| AppError::BadRequest("No entity chosen.".into()))?;
    // The entity must be one this article names: the form offers no other.
    let links = state.store.list_article_entities(article).await?;
    let link = links.iter().find(|l| l.entity.id == entity).ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let result = match field(&pairs, "action") {
        "accept" => state.store.set_entity_decision(article, entity, EntityDecision::Accept).await,
        "reject" => state.store.set_entity_decision(article, entity, EntityDecision::Reject).await,
        "reset" => state.store.set_entity_decision(article, entity, EntityDecision::Reset).await,
        "reject-everywhere" => state.store.set_entity_rejected(entity, true, now).await,
        "restore-everywhere" => state.store.set_entity_rejected(entity, false, now).await,
        "correct" => {
            let kind = Kind::parse(field(&pairs, "kind")).unwrap_or(link.entity.kind);
            let name = field(&pairs, "name").trim();
            let name = if name.is_empty() { link.entity.name.as_str() } else { name };
            match state.store.update_entity(entity, name, kind, now).await {
                Err(StoreError::Conflict(_)) => {
                    let msg = format!(
                        "Another entry already has a page for “{name}”, or the name is not usable; to make them one, merge instead."
                    );
                    return page(&state, &s, id, None, Some(msg)).await;
                }
                other => other.map(|_| ()),
            }
        }
        "merge" => {
            let into = merge_target(&state, &pairs).await?;
            match into {
                Some(into) if into != entity => state.store.merge_entities(entity, into, now).await,
                _ => {
                    let msg = "Choose another entry to merge into (from the list, or by its page address).".to_owned();
                    return page(&state, &s, id, None, Some(msg)).await;
                }
            }
        }
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    result?;
    state.changes.changed();
    Ok(Redirect::to(&format!("/admin/articles/{id}/entities?done")).into_response())
}

/// The entity to merge into: chosen from the article's list, or named by its page slug.
async fn merge_target(state: &AppState, pairs: &[(String, String)]) -> Result<Option<i64>, AppError> {
    let typed = field(pairs, "into_slug").trim().trim_matches('/');
    if !typed.is_empty() {
        let slug = typed.rsplit('/').next().unwrap_or(typed);
        return Ok(state.store.get_entity_by_slug(slug).await?.map(|e| e.id));
    }
    Ok(field(pairs, "into").parse().ok())
}
