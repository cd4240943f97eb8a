//! Photo uploads on disk: processed off the async threads, written to a
//! temporary folder, recorded, then moved into `media/{id}/` in one rename, so
//! a half-written upload never has a record. Served by id, never by file name.

use std::path::{Path, PathBuf};

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use crate::app::AppState;
use crate::domain::{Media, MediaId, UserId};
use crate::error::AppError;
use crate::media::{self, Limits, MediaError, Processed};
use crate::store::NewMedia;

fn media_root(state: &AppState) -> PathBuf {
    state.cfg.media_dir()
}

/// Processes and stores an uploaded image; bad images are a `BadRequest` with a message for the editor.
pub async fn store_upload(state: &AppState, bytes: Vec<u8>, by: Option<UserId>) -> Result<Media, AppError> {
    let limits = Limits { max_bytes: state.cfg.server.max_upload_bytes, ..Limits::default() };
    let processed = tokio::task::spawn_blocking(move || media::process(&bytes, &limits))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| match e {
            MediaError::Encode(_) => AppError::internal(e),
            MediaError::TooLarge { .. } => AppError::TooLarge(e.to_string()),
            other => AppError::BadRequest(other.to_string()),
        })?;
    save_processed(state.store.as_ref(), &media_root(state), &processed, by).await.map_err(AppError::internal)
}

/// Writes processed image files and records them; used by uploads, imports and the demo.
pub async fn save_processed(
    store: &dyn crate::store::Store,
    root: &Path,
    p: &Processed,
    by: Option<UserId>,
) -> anyhow::Result<Media> {
    let tmp = root.join(format!("tmp-{}", crate::web::auth::random_token()));
    tokio::fs::create_dir_all(&tmp).await?;
    tokio::fs::write(tmp.join(format!("original.{}", p.format.ext())), &p.original).await?;
    for v in &p.variants {
        tokio::fs::write(tmp.join(format!("{}.jpg", v.width)), &v.jpeg).await?;
    }
    tokio::fs::write(tmp.join("card.jpg"), &p.card).await?;
    let new = NewMedia {
        mime: p.format.mime().to_owned(),
        width: p.width,
        height: p.height,
        widths: p.variants.iter().map(|v| v.width).collect(),
        bytes: p.original.len() as u64,
        created_by: by,
    };
    let m = store.create_media(&new, Utc::now()).await?;
    tokio::fs::rename(&tmp, root.join(m.id.0.to_string())).await?;
    Ok(m)
}

/// Serves `/media/{id}/{width}.jpg`, `/media/{id}/card.jpg` and `/media/{id}/original`.
pub async fn show(
    State(state): State<AppState>,
    UrlPath((id, file)): UrlPath<(i64, String)>,
) -> Result<Response, AppError> {
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
    let path = media_root(&state).join(m.id.0.to_string()).join(name);
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        tracing::warn!(path = %path.display(), error = %e, "media file missing");
        AppError::NotFound
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_str(&mime).unwrap_or(HeaderValue::from_static("image/jpeg"))),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        ],
        bytes,
    )
        .into_response())
}
