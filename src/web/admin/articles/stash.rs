//! Keeping an editor's save across an expired login: the posted form is
//! stored for two days under a random key in an HttpOnly cookie, and restored
//! into the editor after logging in again.
//!
//! Only a browser that had a session gets its text kept, and the key must
//! never travel in a URL.

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};

use super::form::EditForm;
use crate::domain::ArticleId;
use crate::web::auth;
use crate::web::error::AppError;
use crate::web::form::FormData;
use crate::web::AppState;

/// Explains, when a stashed form comes back, why the editor holds unsaved text.
pub(super) const RESTORED: &str = "Your login had expired, so your text was kept. Review it and save again.";

/// Takes this browser's kept form out of the stash (so it comes back only once).
pub(super) async fn restore(state: &AppState, headers: &HeaderMap) -> Result<Option<EditForm>, AppError> {
    let Some(key) = crate::web::cookie::get(headers, STASH_COOKIE) else { return Ok(None) };
    let Some(data) = state.store.take_stash(&crate::secret::hash_secret(&key), Utc::now()).await? else {
        return Ok(None);
    };
    Ok(serde_json::from_str(&data).ok())
}

/// Largest form kept for an editor whose login expired.
const MAX_STASH_BYTES: usize = 2 * 1024 * 1024;

/// Names the cookie holding the key of this browser's stash.
const STASH_COOKIE: &str = "dl_stash";

/// Sends the editor to log in again, keeping the posted form for after.
pub(super) async fn stash_and_login(
    state: &AppState,
    headers: &HeaderMap,
    id: Option<ArticleId>,
    data: &FormData,
) -> Result<Response, AppError> {
    let to_login = match id {
        Some(id) => format!("/admin/articles/{}?restore=1", id.0),
        None => "/admin/articles/new?restore=1".to_owned(),
    };
    let login = Redirect::to(&format!("/admin/login?next={}", auth::urlencode(&to_login))).into_response();
    // Only a browser that had a session (now expired) gets its text kept.
    if crate::web::cookie::get(headers, auth::SESSION_COOKIE).is_none() {
        return Ok(login);
    }
    let json = serde_json::to_string(&EditForm::from_fields(data)).map_err(AppError::internal)?;
    if json.len() > MAX_STASH_BYTES {
        return Ok(login);
    }
    // The key travels in an HttpOnly cookie, not the URL, so nobody can hand
    // an editor a link that fills their editor with someone else's text.
    let key = crate::secret::random_token();
    state.store.put_stash(&crate::secret::hash_secret(&key), &json, Utc::now() + Duration::days(2)).await?;
    let mut res = login;
    res.headers_mut().insert(
        axum::http::header::SET_COOKIE,
        crate::web::cookie::set(&state.cfg, STASH_COOKIE, &key, "/admin", 172_800),
    );
    Ok(res)
}
