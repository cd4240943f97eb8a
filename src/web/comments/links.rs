//! The pages behind the links sent by email: delete my comments (asked for
//! here, confirmed from the email), confirm reply notifications, and stop all
//! email. Each link opens a page with a button; only the POST acts.
//!
//! Until an address is proved, the answers must not reveal whether it has
//! commented; the signed token in a link is the only proof accepted here.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::client_ip;
use crate::render::view::Layout;
use crate::service::comment::CommentError;
use crate::web::auth::{self, no_store};
use crate::web::error::AppError;
use crate::web::AppState;

#[derive(Serialize)]
struct SimpleCtx {
    layout: Layout,
    heading: String,
    message: String,
    form_action: Option<String>,
    button: Option<&'static str>,
    token: Option<String>,
    ask_email: bool,
}

/// Renders a short message page, with an optional one-button form (action, label, token) and email field.
async fn simple(
    state: &AppState,
    heading: &str,
    message: String,
    form: Option<(String, &'static str, Option<String>)>,
    ask_email: bool,
) -> Result<Response, AppError> {
    let mut layout = crate::web::public::layout(state, heading.to_owned(), None).await;
    layout.noindex = true;
    let (form_action, button, token) = match form {
        Some((a, b, t)) => (Some(a), Some(b), t),
        None => (None, None, None),
    };
    let ctx = SimpleCtx { layout, heading: heading.to_owned(), message, form_action, button, token, ask_email };
    no_store(crate::web::public::render(state, "public/comment_message.html", &ctx)?)
}

/// Asks for the address whose comments should be deleted.
pub(super) async fn show_forget(State(state): State<AppState>) -> Result<Response, AppError> {
    let msg = "Enter the email address you used. We will send a link to it; opening the link deletes every comment written with that address.";
    simple(&state, "Delete my comments", msg.into(), Some(("/comments/forget".into(), "Send the link", None)), true)
        .await
}

/// Carries the address typed into the deletion form.
#[derive(Deserialize)]
pub(super) struct EmailForm {
    email: String,
}

/// Emails a deletion link, answering the same whether or not the address commented.
pub(super) async fn send_forget(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(f): Form<EmailForm>,
) -> Result<Response, AppError> {
    auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let ip = client_ip(&state, peer, &headers).to_string();
    match state.comments.send_forget_link(&f.email, &ip, Utc::now()).await {
        Ok(()) => {}
        Err(CommentError::Limited(wait)) => {
            let mut res = AppError::TooMany("Too many requests; try again later.".into()).into_response();
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.num_seconds().max(1)));
            return Ok(res);
        }
        Err(e) => return Err(e.into()),
    }
    // The same answer whether or not the address wrote anything: the page must not reveal who commented.
    let msg = "If comments were written with that address, a link to delete them is on its way. It works for 2 days.";
    simple(&state, "Check your email", msg.into(), None, false).await
}

/// Carries the signed token of an email link, in the query or the confirming form.
#[derive(Deserialize)]
pub(super) struct TokenParam {
    t: String,
}

/// Opens a link's token: the address it was signed for, if it is valid for `purpose` and not expired.
fn open_token(state: &AppState, purpose: &str, t: &str) -> Result<String, AppError> {
    state
        .signer
        .open(purpose, t, Utc::now().timestamp())
        .ok_or_else(|| AppError::BadRequest("This link is not valid or has expired.".into()))
}

/// Asks to confirm deleting every comment of the address in the link.
pub(super) async fn show_forget_confirm(
    State(state): State<AppState>,
    Query(q): Query<TokenParam>,
) -> Result<Response, AppError> {
    open_token(&state, "forget", &q.t)?;
    let msg = "Delete every comment written with your address? This cannot be undone.";
    simple(
        &state,
        "Delete my comments",
        msg.into(),
        Some(("/comments/forget/confirm".into(), "Delete my comments", Some(q.t))),
        false,
    )
    .await
}

/// Deletes every comment of the address in the link.
pub(super) async fn delete_by_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(q): Form<TokenParam>,
) -> Result<Response, AppError> {
    auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let email = open_token(&state, "forget", &q.t)?;
    let n = state.comments.delete_by_email(&email).await?;
    simple(&state, "Comments deleted", format!("{n} comments were deleted."), None, false).await
}

/// Asks to confirm reply notifications.
pub(super) async fn show_notify(
    State(state): State<AppState>,
    Query(q): Query<TokenParam>,
) -> Result<Response, AppError> {
    open_token(&state, "notify", &q.t)?;
    let msg = "Confirm that you want an email when someone replies to your comments.";
    simple(
        &state,
        "Reply notifications",
        msg.into(),
        Some(("/comments/notify".into(), "Yes, send me replies", Some(q.t))),
        false,
    )
    .await
}

/// Turns on reply notifications for the address in the link.
pub(super) async fn confirm_notify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(q): Form<TokenParam>,
) -> Result<Response, AppError> {
    auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let email = open_token(&state, "notify", &q.t)?;
    state.store.confirm_notify(&email, Utc::now()).await?;
    simple(
        &state,
        "Confirmed",
        "You will get an email when someone replies. Every message has a link to stop them.".into(),
        None,
        false,
    )
    .await
}

/// Asks to confirm stopping all email.
pub(super) async fn show_unsubscribe(
    State(state): State<AppState>,
    Query(q): Query<TokenParam>,
) -> Result<Response, AppError> {
    open_token(&state, "unsubscribe", &q.t)?;
    simple(
        &state,
        "Stop emails",
        "Stop every email from this site to your address?".into(),
        Some(("/comments/unsubscribe".into(), "Stop all emails", Some(q.t))),
        false,
    )
    .await
}

/// Stops all email to the address in the link.
pub(super) async fn unsubscribe(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(q): Form<TokenParam>,
) -> Result<Response, AppError> {
    auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let email = open_token(&state, "unsubscribe", &q.t)?;
    state.store.unsubscribe(&email, Utc::now()).await?;
    simple(&state, "Unsubscribed", "This site will not email your address again.".into(), None, false).await
}
