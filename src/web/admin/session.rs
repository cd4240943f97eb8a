//! Logging in and out of `/admin`.

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::render::view::Layout;
use crate::web::auth::{self, no_store, StaffSession};
use crate::web::error::AppError;
use crate::web::public::{layout, render};
use crate::web::AppState;

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(Serialize)]
struct LoginCtx {
    layout: Layout,
    next: String,
    email: String,
    error: Option<&'static str>,
}

async fn login_page(
    state: &AppState,
    next: String,
    email: String,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let mut layout = layout(state, "Log in".into(), None).await;
    layout.noindex = true;
    render(state, "admin/login.html", &LoginCtx { layout, next, email, error })
}

/// Shows the login form.
pub async fn show_login(State(state): State<AppState>, Query(q): Query<LoginQuery>) -> Result<Response, AppError> {
    no_store(login_page(&state, auth::safe_next(q.next.as_deref()), String::new(), None).await?)
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// Checks the password and starts a new session (a fresh id at every login).
pub async fn create_session(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let next = auth::safe_next(f.next.as_deref());
    if f.email.len() > 254 || f.password.len() > 200 {
        return Err(AppError::BadRequest("That email or password is too long.".into()));
    }
    // Guessing is slowed per address and per account: argon2 makes each guess
    // costly, these limits make many guesses impossible.
    let ip = crate::web::comments::client_ip(&state, peer, &headers);
    let now = Utc::now();
    let window = chrono::Duration::minutes(15);
    for (key, max) in [
        (format!("login-ip:{ip}"), 30),
        (format!("login-email:{}", crate::secret::hash_secret(&f.email.trim().to_lowercase())), 10),
    ] {
        if let Some(wait) = state.store.hit_rate(&key, now, window, max).await? {
            let mut res = login_page(
                &state,
                next.clone(),
                f.email.clone(),
                Some("Too many attempts. Wait a few minutes and try again."),
            )
            .await?;
            *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            res.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from(wait.num_seconds().max(1)));
            return no_store(res);
        }
    }
    let user = state.store.get_user_by_email(&f.email).await?;
    let ok = crate::secret::verify_password(&f.password, user.as_ref().and_then(|u| u.password_hash.as_deref()));
    let Some(user) = user.filter(|_| ok) else {
        let mut res =
            login_page(&state, next, f.email, Some("That email and password do not match an account.")).await?;
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        return no_store(res);
    };
    if let Some(old) = session_token(&headers) {
        state.store.delete_session(&crate::secret::hash_secret(&old)).await?;
    }
    let cookie = auth::start_session(&state.store, &state.cfg, &user).await?;
    tracing::info!(user = user.id.0, "logged in");
    let mut res = Redirect::to(&next).into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    no_store(res)
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    crate::web::cookie::get(headers, auth::SESSION_COOKIE)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Ends this browser's session.
pub async fn delete_session(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    if let Some(t) = session_token(&headers) {
        state.store.delete_session(&crate::secret::hash_secret(&t)).await?;
    }
    logged_out(&state)
}

/// Ends every session of the user, on every device.
pub async fn delete_all_sessions(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    state.store.delete_user_sessions(s.0.user.id).await?;
    tracing::info!(user = s.0.user.id.0, at = %Utc::now(), "logged out everywhere");
    logged_out(&state)
}

fn logged_out(state: &AppState) -> Result<Response, AppError> {
    let mut res = Redirect::to("/admin/login").into_response();
    res.headers_mut().insert(header::SET_COOKIE, auth::session_cookie(&state.cfg, "", 0));
    no_store(res)
}
