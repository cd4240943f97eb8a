//! Reviewing what story intelligence found in an article: editors accept,
//! correct (rename, change kind), merge or reject each person, place and
//! organisation. Decisions live in the store, so re-extraction keeps them.
//! Editors and admins only.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Serialize;

use super::{admin_layout, field};
use crate::domain::ArticleId;
use crate::domain::Permission;
use crate::intel::Kind;
use crate::render::view::{entity_path, Layout};
use crate::service::intel::Decision;
use crate::store::{EntityLink, StoreError};
use crate::web::auth::require;
use crate::web::auth::{no_store, StaffSession};
use crate::web::error::AppError;
use crate::web::public::render;
use crate::web::AppState;

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

/// Shows the entities found in an article, with their snippets and the actions on them.
pub async fn list_entities(
    State(state): State<AppState>,
    s: StaffSession,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&s.0.user, Permission::ReviewEntities)?;
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
    require(&s.0.user, Permission::ReviewEntities)?;
    let article = ArticleId(id);
    let entity: i64 = field(&pairs, "entity").parse().map_err(|_| AppError::BadRequest("No entity chosen.".into()))?;
    // The entity must be one this article names: the form offers no other.
    let links = state.store.list_article_entities(article).await?;
    let link = links.iter().find(|l| l.entity.id == entity).ok_or(AppError::NotFound)?;
    let decision = match field(&pairs, "action") {
        "accept" => Decision::Accept,
        "reject" => Decision::Reject,
        "reset" => Decision::Reset,
        "reject-everywhere" => Decision::RejectEverywhere,
        "restore-everywhere" => Decision::RestoreEverywhere,
        "correct" => {
            let kind = Kind::parse(field(&pairs, "kind")).unwrap_or(link.entity.kind);
            let name = field(&pairs, "name").trim();
            let name = if name.is_empty() { link.entity.name.as_str() } else { name };
            Decision::Correct { name: name.to_owned(), kind }
        }
        "merge" => match merge_target(&state, &pairs).await? {
            Some(into) if into != entity => Decision::Merge { into },
            _ => {
                let msg = "Choose another entry to merge into (from the list, or by its page address).".to_owned();
                return page(&state, &s, id, None, Some(msg)).await;
            }
        },
        _ => return Err(AppError::BadRequest("Unknown action.".into())),
    };
    let correcting = match &decision {
        Decision::Correct { name, .. } => Some(name.clone()),
        _ => None,
    };
    match state.intel.decide(article, entity, decision).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) if correcting.is_some() => {
            let name = correcting.unwrap_or_default();
            let msg = format!(
                "Another entry already has a page for “{name}”, or the name is not usable; to make them one, merge instead."
            );
            return page(&state, &s, id, None, Some(msg)).await;
        }
        Err(e) => return Err(e.into()),
    }
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
