//! Photos on disk: processed off the async threads, written to a temporary
//! folder, recorded, then moved into `media/{id}/` in one rename, so a
//! half-written upload never has a record. Uploads, imports and the demo all
//! store their photos here.

use std::path::{Path, PathBuf};

use chrono::Utc;

use crate::domain::{Media, UserId};
use crate::media::{self, Limits, MediaError, Processed};
use crate::store::{MediaStore, NewMedia};

/// Why an upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The file is not an image we take (its message says why, for the editor).
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("cannot store the photo: {0}")]
    Internal(#[source] anyhow::Error),
}

/// Where photos are kept and how large an upload may be.
#[derive(Clone)]
pub struct Photos {
    root: PathBuf,
    max_bytes: usize,
}

impl Photos {
    /// Keeps photos under `root`, refusing uploads over `max_bytes`.
    pub fn new(root: PathBuf, max_bytes: usize) -> Photos {
        Photos { root, max_bytes }
    }

    /// The folder holding one stored photo's files.
    pub fn dir(&self, m: &Media) -> PathBuf {
        self.root.join(m.id.0.to_string())
    }

    /// Processes and stores an uploaded image, keeping the name it came under.
    pub async fn upload(
        &self,
        store: &dyn MediaStore,
        bytes: Vec<u8>,
        filename: Option<&str>,
        by: Option<UserId>,
    ) -> Result<Media, UploadError> {
        let limits = Limits { max_bytes: self.max_bytes, ..Limits::default() };
        let processed = tokio::task::spawn_blocking(move || media::process(&bytes, &limits))
            .await
            .map_err(|e| UploadError::Internal(e.into()))?
            .map_err(|e| match e {
                MediaError::Encode(_) => UploadError::Internal(e.into()),
                MediaError::TooLarge { .. } => UploadError::TooLarge(e.to_string()),
                other => UploadError::Refused(other.to_string()),
            })?;
        save_processed(store, &self.root, &processed, filename, by).await.map_err(UploadError::Internal)
    }
}

/// Keeps what a file name may hold: its last part, letters, digits, dots,
/// hyphens and underscores (spaces become hyphens), at most 120 characters.
pub fn clean_filename(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    let kept: String = base
        .chars()
        .map(|c| if c == ' ' { '-' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(120)
        .collect();
    (!kept.is_empty() && !kept.starts_with('.') && kept.contains('.')).then_some(kept)
}

/// Writes processed image files and records them (with the name the photo came under, if any).
pub async fn save_processed(
    store: &dyn MediaStore,
    root: &Path,
    p: &Processed,
    filename: Option<&str>,
    by: Option<UserId>,
) -> anyhow::Result<Media> {
    let tmp = root.join(format!("tmp-{}", crate::secret::random_token()));
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
        filename: filename.and_then(clean_filename),
    };
    let m = store.create_media(&new, Utc::now()).await?;
    tokio::fs::rename(&tmp, root.join(m.id.0.to_string())).await?;
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_their_last_part_and_safe_characters() {
        assert_eq!(clean_filename("C:\\Users\\ed\\My Photo.JPG").as_deref(), Some("My-Photo.JPG"));
        assert_eq!(clean_filename("../../etc/passwd"), None, "no extension, no name");
        assert_eq!(clean_filename("<script>.jpg").as_deref(), Some("script.jpg"));
        assert_eq!(clean_filename(".hidden.jpg"), None);
    }
}
