//! `GET /api/v1/search`: the editors' full-text search, over every article
//! the token's user may see (drafts and scheduled ones included).

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::articles::ArticleJson;
use crate::domain::search::SearchQuery;
use crate::store::{ArticleQuery, SearchRequest};
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::AppState;

/// What to search for.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words; `"a phrase"`, `-excluded` and `OR` work; anything else is read as words.
    q: String,
    /// `draft`, `pending`, `scheduled`, `published` or `unpublished`.
    status: Option<String>,
    /// Section slug.
    section: Option<String>,
    /// Byline slug.
    author: Option<String>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    offset: Option<u32>,
}

/// One found article and the text around its matches.
#[derive(Serialize, ToSchema)]
pub struct SearchHitJson {
    pub article: ArticleJson,
    /// Plain text; each match is between `<mark>` and `</mark>`, everything else escaped as HTML.
    pub snippet: String,
}

/// One page of results, best match first.
#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    pub hits: Vec<SearchHitJson>,
    /// How many match, counted up to 1,000 (1,000 means "1,000 or more").
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
}

/// Searches articles and pages by their words, best match first.
#[utoipa::path(get, path = "/api/v1/search", tag = "articles", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 400, body = super::ErrorJson), (status = 401, body = super::ErrorJson)))]
pub async fn search(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiQuery(p): super::ApiQuery<SearchParams>,
) -> Result<Json<SearchResults>, AppError> {
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::BadRequest("limit is between 1 and 100.".into()));
    }
    let offset = p.offset.unwrap_or(0).min(10_000);
    let filter = ArticleQuery {
        status: p.status.as_deref().map(super::articles::parse_status).transpose()?,
        section: p.section,
        author: p.author,
        // Authors search their own work only, as they list it.
        created_by: crate::domain::own_scope(&user),
        limit,
        offset,
        ..Default::default()
    };
    let found = state.store.search(&SearchRequest { query: SearchQuery::parse(&p.q), filter }).await?;
    let hits = found
        .items
        .iter()
        .map(|h| SearchHitJson {
            article: ArticleJson::new(&h.article, &state),
            snippet: crate::web::search::highlight(&h.snippet),
        })
        .collect();
    Ok(Json(SearchResults { hits, total: found.total, limit, offset }))
}
