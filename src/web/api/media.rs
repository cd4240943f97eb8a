//! Photo uploads over the API.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Media, MediaId};
use crate::render::view::media_url;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::AppState;

/// An uploaded image and the URLs of its sizes.
#[derive(Serialize, ToSchema)]
pub struct MediaJson {
    pub id: i64,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    /// Resized JPEG variants, by width.
    pub urls: Vec<String>,
    /// The 1200×630 crop for social cards.
    pub card_url: String,
}

impl MediaJson {
    /// Describes an upload.
    pub fn new(m: &Media) -> MediaJson {
        MediaJson {
            id: m.id.0,
            mime: m.mime.clone(),
            width: m.width,
            height: m.height,
            urls: m.widths.iter().map(|w| media_url(m, *w)).collect(),
            card_url: format!("/media/{}/card.jpg", m.id.0),
        }
    }
}

/// Uploads a photo: the request body is the image itself (JPEG, PNG or WebP).
#[utoipa::path(post, path = "/api/v1/media", tag = "media",
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "The image bytes"),
    responses((status = 201, body = MediaJson), (status = 400, body = super::ErrorJson), (status = 413, body = super::ErrorJson)))]
pub async fn create_media(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<MediaJson>), AppError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if ct.starts_with("multipart/") {
        return Err(AppError::BadRequest("Send the image itself as the body, with its image/* content type.".into()));
    }
    if body.is_empty() {
        return Err(AppError::BadRequest("The body is empty; send the image bytes.".into()));
    }
    // The name, as other APIs take it, from `Content-Disposition: attachment; filename="…"`.
    let name = headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').find_map(|p| p.trim().strip_prefix("filename=")))
        .map(|n| n.trim_matches('"'));
    let m = state.photos.upload(state.store.as_ref(), body.to_vec(), name, Some(user.id)).await?;
    Ok((StatusCode::CREATED, Json(MediaJson::new(&m))))
}

/// Describes an upload.
#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media",
    params(("id" = i64, Path, description = "Media id")),
    responses((status = 200, body = MediaJson), (status = 404, body = super::ErrorJson)))]
pub async fn show_media(
    State(state): State<AppState>,
    _u: ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
) -> Result<Json<MediaJson>, AppError> {
    let m = state.store.get_media(MediaId(id)).await?.ok_or(AppError::NotFound)?;
    Ok(Json(MediaJson::new(&m)))
}
