//! Serving stored photos by id and file, never by a name a person chose
//! (`service::media` stores them).

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::domain::MediaId;
use crate::web::error::AppError;
use crate::web::AppState;

/// Serves `/media/{id}/{width}.jpg`, `/media/{id}/card.jpg` and `/media/{id}/original`.
pub async fn show(
    State(state): State<AppState>,
    UrlPath((id, file)): UrlPath<(i64, String)>,
) -> Result<Response, AppError> {
    serve(&state, id, &file, None).await
}

/// Serves the original under a file name (`/media/{id}/original/{name}`), as
/// exports link it: a program saving it (WordPress's importer) keeps the name.
pub async fn show_named(
    State(state): State<AppState>,
    UrlPath((id, name)): UrlPath<(i64, String)>,
) -> Result<Response, AppError> {
    let safe: String =
        name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).take(120).collect();
    if safe.is_empty() || safe.starts_with('.') {
        return Err(AppError::NotFound);
    }
    serve(&state, id, "original", Some(&safe)).await
}

async fn serve(state: &AppState, id: i64, file: &str, download: Option<&str>) -> Result<Response, AppError> {
    let m = state.store.get_media(MediaId(id)).await?.ok_or(AppError::NotFound)?;
    let (name, mime) = if file == "card.jpg" {
        ("card.jpg".to_owned(), "image/jpeg".to_owned())
    } else if file == "original" {
        let ext = m.mime.rsplit('/').next().unwrap_or("jpg").replace("jpeg", "jpg");
        (format!("original.{ext}"), m.mime.clone())
    } else {
        let w: u32 = file.strip_suffix(".jpg").and_then(|w| w.parse().ok()).ok_or(AppError::NotFound)?;
        if !m.widths.contains(&w) {
            return Err(AppError::NotFound);
        }
        (format!("{w}.jpg"), "image/jpeg".to_owned())
    };
    let path = state.photos.dir(&m).join(name);
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        tracing::warn!(path = %path.display(), error = %e, "media file missing");
        AppError::NotFound
    })?;
    let mut res = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_str(&mime).unwrap_or(HeaderValue::from_static("image/jpeg"))),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        ],
        bytes,
    )
        .into_response();
    if let Some(name) = download.and_then(|n| HeaderValue::from_str(&format!("inline; filename=\"{n}\"")).ok()) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, name);
    }
    Ok(res)
}
