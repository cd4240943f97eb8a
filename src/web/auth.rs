//! Who is asking: password hashing, browser sessions with CSRF tokens, API
//! bearer tokens, and the one-time link that creates the first admin.
//!
//! Secrets stored in the database are hashes (SHA-256 of 256-bit random
//! values); the values themselves exist only in cookies and in the token the
//! user was shown once.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::config::Config;
use crate::domain::{FieldErrors, NewUser, Permission, User};
use crate::render::view::Viewer;
use crate::secret::{hash_secret, random_token};
use crate::service::account::{self, AccountError};
use crate::store::{Session, Store};
use crate::web::error::AppError;
use crate::web::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "dl_session";
/// How long a login lasts.
pub const SESSION_DAYS: i64 = 14;

/// Builds a `Set-Cookie` value for the session.
pub fn session_cookie(cfg: &Config, value: &str, max_age: i64) -> HeaderValue {
    crate::web::cookie::set(cfg, SESSION_COOKIE, value, "/", max_age)
}

/// Starts a new session for `user` (a fresh id at every login) and returns its cookie.
pub async fn start_session(store: &Arc<dyn Store>, cfg: &Config, user: &User) -> Result<HeaderValue, AppError> {
    let token = random_token();
    let now = Utc::now();
    store
        .create_session(&hash_secret(&token), user.id, &random_token(), now, now + Duration::days(SESSION_DAYS))
        .await?;
    Ok(session_cookie(cfg, &token, SESSION_DAYS * 86_400))
}

/// Reads the session of the request, if its cookie names a live one.
pub async fn session_of(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, AppError> {
    let Some(token) = crate::web::cookie::get(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(state.store.get_session(&hash_secret(&token), Utc::now()).await?)
}

/// Refuses a state-changing request sent from another site: its Origin (or
/// Referer) must name this site, as the request's Host or the configured base URL.
pub fn check_origin(headers: &HeaderMap) -> Result<(), AppError> {
    check_origin_for(headers, None)
}

/// Like `check_origin`, also accepting the host of the site's public base URL
/// (a proxy may rewrite `Host`).
pub fn check_origin_for(headers: &HeaderMap, base_url: Option<&str>) -> Result<(), AppError> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let base_host = base_url.and_then(|b| b.split_once("://")).map(|(_, r)| r.split('/').next().unwrap_or(""));
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    match source {
        None => Ok(()),
        Some(s) => {
            let rest = s.split_once("://").map(|(_, r)| r).unwrap_or("");
            let origin_host = rest.split('/').next().unwrap_or("");
            let ours = (!host.is_empty() && origin_host.eq_ignore_ascii_case(host))
                || base_host.is_some_and(|b| !b.is_empty() && origin_host.eq_ignore_ascii_case(b));
            if ours {
                Ok(())
            } else {
                Err(AppError::Forbidden("This form was sent from another site and was refused.".into()))
            }
        }
    }
}

/// A logged-in staff member in the browser, with the session's CSRF token.
pub struct StaffSession(pub Session);

impl StaffSession {
    /// Describes the user for templates.
    pub fn viewer(&self) -> Viewer {
        viewer(&self.0.user)
    }

    /// Checks a state-changing form: sent from this site, with this session's CSRF token.
    pub fn check_post(&self, state: &AppState, headers: &HeaderMap, csrf: &str) -> Result<(), AppError> {
        check_origin_for(headers, Some(state.cfg.base_url()))?;
        self.check_csrf(csrf)
    }

    /// Checks a submitted CSRF token against the session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), AppError> {
        if crate::secret::ct_eq(submitted.as_bytes(), self.0.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Forbidden("The form expired. Go back, reload the page and try again.".into()))
        }
    }
}

/// Checks a staff action against the user's role (`domain::require`), as a 403.
pub fn require(user: &User, p: Permission) -> Result<(), AppError> {
    crate::domain::require(user, p).map_err(|m| AppError::Forbidden(m.into()))
}

/// Describes a user for templates.
pub fn viewer(u: &User) -> Viewer {
    Viewer {
        name: u.name.clone(),
        role: u.role.as_str(),
        can_publish: u.role.can_publish(),
        can_manage_users: u.role.can_manage_users(),
    }
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match session_of(state, &parts.headers).await {
            Ok(Some(s)) => Ok(StaffSession(s)),
            Ok(None) => {
                // Inside `/admin` the router sees the path without its prefix; the original has it.
                let uri = parts.extensions.get::<axum::extract::OriginalUri>().map_or(&parts.uri, |o| &o.0);
                let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/admin");
                let to = format!("/admin/login?next={}", urlencode(next));
                Err(Redirect::to(&to).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

/// The user behind an API bearer token.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or(AppError::Unauthorized)?;
        match state.store.get_token_user(&hash_secret(token), Utc::now()).await? {
            Some((user, _)) => Ok(ApiUser(user)),
            None => Err(AppError::Unauthorized),
        }
    }
}

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Keeps a `next` target on this site (a path, never another origin).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace())
                && n.len() < 2000 =>
        {
            n.to_owned()
        }
        _ => "/admin".to_owned(),
    }
}

#[derive(Serialize)]
struct SetupCtx {
    layout: crate::render::view::Layout,
    token: String,
    email: String,
    name: String,
    errors: FieldErrors,
}

/// Shows the form that creates the first admin.
pub async fn show_setup(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    if !account::setup_valid(state.store.as_ref(), &token).await? {
        return Err(AppError::NotFound);
    }
    let mut layout = crate::web::public::layout(&state, "Set up your newsroom".into(), None).await;
    layout.noindex = true;
    let ctx = SetupCtx { layout, token, email: String::new(), name: String::new(), errors: FieldErrors::default() };
    no_store(crate::web::public::render(&state, "admin/setup.html", &ctx)?)
}

/// The setup form.
#[derive(Deserialize)]
pub struct SetupForm {
    email: String,
    name: String,
    password: String,
}

/// Creates the first admin, logs them in and retires the link.
pub async fn create_first_admin(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(f): Form<SetupForm>,
) -> Result<Response, AppError> {
    check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let new = NewUser { email: f.email.clone(), name: f.name.clone(), role: String::new(), password: Some(f.password) };
    let user = match account::create_first_admin(state.store.as_ref(), &token, new, Utc::now()).await {
        Ok(u) => u,
        Err(AccountError::Invalid(errors)) => {
            let mut layout = crate::web::public::layout(&state, "Set up your newsroom".into(), None).await;
            layout.noindex = true;
            let ctx = SetupCtx { layout, token, email: f.email, name: f.name, errors };
            let mut res = crate::web::public::render(&state, "admin/setup.html", &ctx)?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return no_store(res);
        }
        Err(e) => return Err(e.into()),
    };
    let cookie = start_session(&state.store, &state.cfg, &user).await?;
    let mut res = Redirect::to("/admin").into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

/// Marks every answer of a router as personal (a layer for `/admin` and `/api`).
pub async fn private(res: Response) -> Response {
    no_store(res).unwrap_or_else(IntoResponse::into_response)
}

/// Marks an answer as personal: never cached anywhere.
pub fn no_store(mut res: Response) -> Result<Response, AppError> {
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_stay_on_this_site() {
        assert_eq!(safe_next(Some("/admin/articles/3")), "/admin/articles/3");
        assert_eq!(safe_next(Some("//evil.example/")), "/admin");
        assert_eq!(safe_next(Some("https://evil.example/")), "/admin");
        assert_eq!(safe_next(None), "/admin");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/admin");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/admin");
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("news.example:8080"));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://news.example:8080"));
        assert!(check_origin(&h).is_ok());
        h.insert(header::ORIGIN, HeaderValue::from_static("http://evil.example"));
        assert!(check_origin(&h).is_err());
    }
}
