//! Saving articles: role rules, publication time, redirects for changed permalinks.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::domain::{self, Article, ArticleId, ArticleInput, Denied, FieldErrors, User};
use crate::store::{Store, StoreError};

/// Why a save did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Denied(#[from] Denied),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => SaveError::NotFound,
            StoreError::Conflict(_) => {
                let mut f = FieldErrors::default();
                f.add("slug", "Another article already uses this slug; choose another.");
                SaveError::Invalid(f)
            }
            other => SaveError::Store(other),
        }
    }
}

impl From<SaveError> for crate::error::AppError {
    fn from(e: SaveError) -> Self {
        use crate::error::AppError;
        match e {
            SaveError::Invalid(f) => AppError::Invalid(f),
            SaveError::Denied(d) => AppError::Forbidden(d.to_string()),
            SaveError::NotFound => AppError::NotFound,
            SaveError::Store(s) => s.into(),
        }
    }
}

/// Saves a new or changed article for `user` (None for trusted tools such as imports).
///
/// Applies the role rules, settles the publication time, keeps a redirect from
/// the old public URL when the permalink changes, and records a revision.
pub async fn save_article(
    store: &Arc<dyn Store>,
    tz: chrono_tz::Tz,
    user: Option<&User>,
    id: Option<ArticleId>,
    input: ArticleInput,
    now: DateTime<Utc>,
) -> Result<Article, SaveError> {
    let mut input = input.normalize().map_err(SaveError::Invalid)?;
    let existing = match id {
        Some(id) => Some(store.get_article(id).await?.ok_or(SaveError::NotFound)?),
        None => None,
    };
    if let Some(u) = user {
        domain::may_save(u, existing.as_ref(), input.status)?;
    }
    let previous = existing.as_ref().and_then(|a| a.published_at);
    let (status, at) = domain::resolve_publication(input.status, input.published_at, previous, now);
    input.status = status;
    input.published_at = at;
    let by = user.map(|u| u.id);
    match existing {
        None => Ok(store.create_article(&input, by, now).await?),
        Some(old) => {
            let old_path = old.permalink(tz);
            let new_path = domain::permalink(
                input.kind,
                input.slug.as_deref().unwrap_or(&old.slug),
                input.published_at.unwrap_or(old.created_at),
                tz,
            );
            // Only a URL readers could have seen deserves a redirect.
            let keep = (old.status.is_live() || old.status == domain::Status::Unpublished)
                && old.published_at.is_some()
                && old_path != new_path;
            let redirect = keep.then_some(old_path.as_str());
            Ok(store.update_article(old.id, &input, by, now, redirect).await?)
        }
    }
}
