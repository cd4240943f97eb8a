//! Who is asking: password hashing, browser sessions with CSRF tokens, API
//! bearer tokens, and the one-time link that creates the first admin.
//!
//! Secrets stored in the database are hashes (SHA-256 of 256-bit random
//! values); the values themselves exist only in cookies and in the token the
//! user was shown once.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::sync::Arc;

use crate::app::AppState;
use crate::config::Config;
use crate::domain::{parse_email, FieldErrors, Role, User};
use crate::error::AppError;
use crate::render::view::Viewer;
use crate::store::{Session, Store};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "dl_session";
/// How long a login lasts.
pub const SESSION_DAYS: i64 = 14;
const SETUP_KEY: &str = "setup_token_hash";

/// Makes a URL-safe random secret of 256 bits.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Hashes a high-entropy secret (session id, API token) for storage.
pub fn hash_secret(s: &str) -> String {
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(pw: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))
}

/// Checks a password against a stored hash; a missing hash never matches.
///
/// Users without a password are checked against a real hash of a random value,
/// so answering takes as long as for a wrong password.
pub fn verify_password(pw: &str, hash: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default());
    let stored = hash.unwrap_or(dummy);
    let ok = PasswordHash::new(stored)
        .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
        .unwrap_or(false);
    ok && hash.is_some()
}

/// Checks a new password's length.
pub fn check_new_password(pw: &str) -> Result<(), String> {
    let n = pw.chars().count();
    if n < 10 {
        return Err("Use at least 10 characters.".into());
    }
    if n > 200 {
        return Err("Use at most 200 characters.".into());
    }
    Ok(())
}

/// Reads a cookie of the request (values over 100 bytes are ignored: none of ours is that long).
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 100)
}

fn is_https(cfg: &Config) -> bool {
    cfg.site.base_url.starts_with("https://")
}

/// Builds a `Set-Cookie` value for the session.
pub fn session_cookie(cfg: &Config, value: &str, max_age: i64) -> HeaderValue {
    let secure = if is_https(cfg) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("dl_session=; Path=/; Max-Age=0"))
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
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
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
        use subtle_eq::ct_eq;
        if ct_eq(submitted.as_bytes(), self.0.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Forbidden("The form expired. Go back, reload the page and try again.".into()))
        }
    }
}

mod subtle_eq {
    /// Compares two byte strings in time independent of where they differ.
    pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
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

/// Prints (and returns) a new one-time setup link when the site has no user yet.
pub async fn announce_setup_link(store: &Arc<dyn Store>, cfg: &Config) -> anyhow::Result<Option<String>> {
    if store.count_users().await? > 0 {
        return Ok(None);
    }
    let token = random_token();
    store.set_setting(SETUP_KEY, &hash_secret(&token)).await?;
    let url = format!("{}/setup/{token}", cfg.base_url());
    // The link is a secret: printed to the console, never written to the logs.
    tracing::info!("no user yet: the one-time setup link is printed on the console");
    eprintln!("\n  No user exists yet. Create the first admin here (link works once):\n  {url}\n  or run: dateline user add --email you@example.org --name \"Your Name\" --role admin --password-stdin\n");
    Ok(Some(url))
}

#[derive(Serialize)]
struct SetupCtx {
    layout: crate::render::view::Layout,
    token: String,
    email: String,
    name: String,
    errors: FieldErrors,
}

async fn setup_valid(state: &AppState, token: &str) -> Result<bool, AppError> {
    let stored = state.store.get_setting(SETUP_KEY).await?;
    Ok(stored.is_some_and(|h| subtle_eq::ct_eq(h.as_bytes(), hash_secret(token).as_bytes()))
        && state.store.count_users().await? == 0)
}

/// Shows the form that creates the first admin.
pub async fn show_setup(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    if !setup_valid(&state, &token).await? {
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
    if !setup_valid(&state, &token).await? {
        return Err(AppError::NotFound);
    }
    let mut errors = FieldErrors::default();
    let email = parse_email(&f.email).map_err(|m| errors.add("email", m)).ok();
    if f.name.trim().is_empty() || f.name.chars().count() > 100 {
        errors.add("name", "Enter your name (at most 100 characters).");
    }
    if let Err(m) = check_new_password(&f.password) {
        errors.add("password", m);
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        let mut layout = crate::web::public::layout(&state, "Set up your newsroom".into(), None).await;
        layout.noindex = true;
        let ctx = SetupCtx { layout, token, email: f.email, name: f.name, errors };
        let mut res = crate::web::public::render(&state, "admin/setup.html", &ctx)?;
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return no_store(res);
    };
    let hash = hash_password(&f.password).map_err(AppError::Internal)?;
    let user = state.store.create_user(&email, &f.name, Role::Admin, Some(&hash), Utc::now()).await?;
    state.store.delete_setting(SETUP_KEY).await?;
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
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&h)));
        assert!(!verify_password("wrong horse battery", Some(&h)));
        assert!(!verify_password("anything", None));
    }

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

    #[test]
    fn session_cookies_are_http_only_and_lax() {
        let mut cfg = Config::default();
        let c = session_cookie(&cfg, "abc", 60);
        let s = c.to_str().unwrap();
        assert!(s.contains("HttpOnly") && s.contains("SameSite=Lax") && !s.contains("Secure"));
        cfg.site.base_url = "https://news.example".into();
        assert!(session_cookie(&cfg, "abc", 60).to_str().unwrap().contains("Secure"));
    }
}
