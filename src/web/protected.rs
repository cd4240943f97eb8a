//! Stories behind a password (WordPress's password-protected posts): anyone
//! sees the headline, byline and date and a form; the right password sets a
//! signed cookie scoped to the story's address, and that browser then gets
//! the whole story and its comments, rendered for it alone and never cached.
//!
//! Attempts are limited per address, and a changed password retires every
//! cookie made with the old one.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Article, ArticleId};
use crate::render::view::{ArticleView, Layout};
use crate::web::auth::no_store;
use crate::web::error::AppError;
use crate::web::limits::limit;
use crate::web::AppState;

/// Cookies that unlock a story start with this, then its id.
pub const COOKIE_PREFIX: &str = "dl_pw_";
/// How long a browser that gave the password keeps reading.
const UNLOCKED_DAYS: i64 = 30;
/// Attempts allowed per network address within ten minutes.
const ATTEMPTS: u32 = 10;

/// Routes for unlocking stories.
pub fn routes(cfg: &crate::config::Config) -> Router<AppState> {
    let l = crate::web::limits::BodyLimits::new(cfg);
    Router::new().route("/protected/{id}", limit(post(unlock), l.form, "The form"))
}

fn cookie_name(id: ArticleId) -> String {
    format!("{COOKIE_PREFIX}{}", id.0)
}

/// What the cookie proves: this story, with this password.
fn subject(a: &Article) -> String {
    let pw = a.password.as_deref().unwrap_or("");
    format!("{}:{}", a.id.0, &crate::secret::hash_secret(pw)[..16])
}

/// Tells whether this browser gave the story's password (always true for a story without one).
pub fn unlocked(state: &AppState, a: &Article, headers: &HeaderMap) -> bool {
    token_of(a, headers).is_some_and(|t| token_opens(state, a, &t)) || !a.is_protected()
}

/// Tells whether a token (the cookie's value, sent again by the comment form)
/// unlocks the story; always true for a story without a password.
pub fn token_opens(state: &AppState, a: &Article, token: &str) -> bool {
    !a.is_protected()
        || state.signer.open("story-password", token, Utc::now().timestamp()).is_some_and(|s| s == subject(a))
}

/// Returns this browser's token for the story, when it gave the password.
pub fn token_of(a: &Article, headers: &HeaderMap) -> Option<String> {
    crate::web::cookie::get(headers, &cookie_name(a.id))
}

/// Tells whether a request carries any story's unlocking cookie (the page
/// cache lets such requests through: their answer is theirs alone).
pub fn carries_unlock(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|kv| kv.trim_start().starts_with(COOKIE_PREFIX))
}

#[derive(Serialize)]
struct LockedCtx {
    layout: Layout,
    article: ArticleView,
    action: String,
    message: Option<String>,
}

/// The page of a story behind a password: what anyone may see, and the form.
pub async fn show_locked(
    state: &AppState,
    a: &Article,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let view = ArticleView::summary(a, state.cfg.tz());
    let url = format!("{}{}", state.cfg.base_url(), view.url);
    let mut layout = crate::web::public::layout(state, view.headline.clone(), None).await;
    layout.canonical = Some(url);
    // Search engines get the headline only; the text is not theirs to index.
    layout.noindex = true;
    let ctx = LockedCtx { layout, article: view, action: format!("/protected/{}", a.id.0), message };
    let mut res = crate::web::public::render(state, "public/protected.html", &ctx)?;
    *res.status_mut() = status;
    Ok(res)
}

#[derive(Deserialize)]
struct UnlockForm {
    #[serde(default)]
    password: String,
}

async fn unlock(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<UnlockForm>,
) -> Result<Response, AppError> {
    crate::web::auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let a = state
        .store
        .get_article(ArticleId(id))
        .await?
        .filter(|a| a.is_public(Utc::now()) && a.is_protected())
        .ok_or(AppError::NotFound)?;
    let ip = crate::web::comments::client_ip(&state, peer, &headers);
    let now = Utc::now();
    let window = Duration::minutes(10);
    if let Some(wait) = state.store.hit_rate(&format!("story-password:{ip}"), now, window, ATTEMPTS).await? {
        let msg = format!("Too many attempts. Try again in {} minutes.", (wait.num_seconds() + 59) / 60);
        let mut res = show_locked(&state, &a, Some(msg), StatusCode::TOO_MANY_REQUESTS).await?;
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.num_seconds().max(1)));
        return no_store(res);
    }
    let right = a.password.as_deref().unwrap_or("");
    if !crate::secret::ct_eq(f.password.as_bytes(), right.as_bytes()) {
        let msg = "That is not the password of this story.".to_owned();
        return no_store(show_locked(&state, &a, Some(msg), StatusCode::FORBIDDEN).await?);
    }
    let path = a.permalink(state.cfg.tz());
    let token = state.signer.token("story-password", &subject(&a), (now + Duration::days(UNLOCKED_DAYS)).timestamp());
    let mut res = Redirect::to(&path).into_response();
    let cookie = crate::web::cookie::set(&state.cfg, &cookie_name(a.id), &token, &path, UNLOCKED_DAYS * 86_400);
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    no_store(res)
}
