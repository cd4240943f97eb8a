//! The article list: articles or pages, filtered by status and by words
//! anywhere in them, fifty to a page, with a count per status.
//!
//! Authors see only their own work here; the list must not show anyone
//! else's drafts to them.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::super::admin_layout;
use crate::domain::{self, Kind, Status};
use crate::render::view::{Layout, When};
use crate::store::ArticleQuery;
use crate::web::auth::{no_store, StaffSession};
use crate::web::error::AppError;
use crate::web::public::render;
use crate::web::AppState;

/// Carries the list's filters as given in the query string.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    kind: Option<String>,
    q: Option<String>,
    page: Option<u32>,
}

/// Describes one line of the list.
#[derive(Serialize)]
struct Row {
    id: i64,
    headline: String,
    status: &'static str,
    kind: &'static str,
    section: Option<String>,
    authors: String,
    updated: When,
    published: Option<When>,
    url: String,
}

#[derive(Serialize)]
struct ListCtx {
    layout: Layout,
    rows: Vec<Row>,
    counts: Vec<(&'static str, u64)>,
    status: String,
    kind: String,
    q: String,
    total: u64,
    page: u32,
    next: Option<u32>,
    prev: Option<u32>,
}

/// Lists articles (or pages) with filters by status and by words anywhere in them.
pub async fn list_articles(
    State(state): State<AppState>,
    s: StaffSession,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    let tz = state.cfg.tz();
    let status = lq.status.as_deref().and_then(Status::parse);
    let kind = if lq.kind.as_deref() == Some("page") { Kind::Page } else { Kind::Article };
    let page = lq.page.unwrap_or(1).clamp(1, 10_000);
    let words = lq.q.as_deref().map(crate::domain::search::SearchQuery::parse).filter(|w| w.is_searchable());
    let q = ArticleQuery {
        kind: Some(kind),
        status,
        limit: 50,
        offset: (page - 1) * 50,
        // Authors see their own work only; drafts and embargoed stories of others stay private.
        created_by: domain::own_scope(&s.0.user),
        ..Default::default()
    };
    // Words search the full text of every article the viewer may see, drafts included.
    let found = match words {
        Some(query) => {
            let hits = state.store.search(&crate::store::SearchRequest { query, filter: q }).await?;
            crate::store::Page { items: hits.items.into_iter().map(|h| h.article).collect(), total: hits.total }
        }
        None => state.store.list_articles(&q).await?,
    };
    let rows = found
        .items
        .iter()
        .map(|a| Row {
            id: a.id.0,
            headline: a.headline.clone(),
            status: a.status.as_str(),
            kind: a.kind.as_str(),
            section: a.section.as_ref().map(|t| t.name.clone()),
            authors: a.authors.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
            updated: When::new(a.updated_at, tz),
            published: a.published_at.map(|t| When::new(t, tz)),
            url: a.permalink(tz),
        })
        .collect();
    let counts = state.store.count_by_status().await?.into_iter().map(|(s, n)| (s.as_str(), n)).collect();
    let ctx = ListCtx {
        layout: admin_layout(&state, &s, "Articles").await,
        rows,
        counts,
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        kind: kind.as_str().to_owned(),
        q: lq.q.unwrap_or_default(),
        total: found.total,
        page,
        next: (u64::from(page) * 50 < found.total).then_some(page + 1),
        prev: (page > 1).then(|| page - 1),
    };
    no_store(render(&state, "admin/articles.html", &ctx)?)
}
