//! The breaking-news banner over the API (editors and admins set it; anyone
//! with a token reads it).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::banner::Banner;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::AppState;

/// The banner every page shows.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BannerJson {
    /// One line, 1–200 characters.
    pub text: String,
    /// A path on this site or an http(s) address.
    #[serde(default)]
    pub url: Option<String>,
}

/// Reads the banner (404 when none is shown).
#[utoipa::path(get, path = "/api/v1/banner", tag = "live",
    responses((status = 200, body = BannerJson), (status = 401, body = super::ErrorJson), (status = 404, body = super::ErrorJson)))]
pub async fn show_banner(State(state): State<AppState>, ApiUser(_): ApiUser) -> Result<Json<BannerJson>, AppError> {
    let b = crate::service::site::current_banner(state.store.as_ref()).await?.ok_or(AppError::NotFound)?;
    Ok(Json(BannerJson { text: b.text, url: b.url }))
}

/// Shows a banner on every page at once (editors and admins).
#[utoipa::path(put, path = "/api/v1/banner", tag = "live", request_body = BannerJson,
    responses((status = 200, body = BannerJson), (status = 400, body = super::ErrorJson), (status = 401, body = super::ErrorJson), (status = 403, body = super::ErrorJson), (status = 422, body = super::ErrorJson)))]
pub async fn set_banner(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiJson(b): super::ApiJson<BannerJson>,
) -> Result<Json<BannerJson>, AppError> {
    let set = state.site.set_banner(&user, Some(Banner { text: b.text, url: b.url })).await?;
    let b = set.ok_or(AppError::NotFound)?;
    Ok(Json(BannerJson { text: b.text, url: b.url }))
}

/// Clears the banner (editors and admins).
#[utoipa::path(delete, path = "/api/v1/banner", tag = "live",
    responses((status = 204), (status = 401, body = super::ErrorJson), (status = 403, body = super::ErrorJson)))]
pub async fn clear_banner(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<StatusCode, AppError> {
    state.site.set_banner(&user, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
