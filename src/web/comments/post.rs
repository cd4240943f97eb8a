//! Taking a comment: the form post with every check a refused comment is
//! answered with (closed, unsigned, honeypot, too quick, invalid, duplicate,
//! rate-limited), the no-JavaScript reply page, and a commenter editing their
//! own comment for a few minutes.
//!
//! A refused comment is never lost: the article page comes back with the typed
//! text and the reason. Nothing here may store a comment except through the
//! comment service.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::{client_ip, cookie, set_cookie, token_msg, visitor_of, FormState, PENDING_COOKIE, VISITOR_COOKIE};
use crate::domain::{self, Article, ArticleId, Comment, CommentId, CommentInput, CommentStatus, FieldErrors, Kind};
use crate::render::view::{ArticleView, Layout};
use crate::secret::hash_secret;
use crate::service::comment::{Posted, Poster};
use crate::web::auth::{self, no_store};
use crate::web::error::AppError;
use crate::web::AppState;

/// The comment form as posted.
#[derive(Debug, Deserialize)]
pub struct CommentForm {
    article_id: i64,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    notify: Option<String>,
    #[serde(default)]
    ts: String,
    #[serde(default)]
    sig: String,
    #[serde(default)]
    bound: String,
    /// The honeypot: hidden from people, filled by bots.
    #[serde(default)]
    subject: String,
    /// A story behind a password: proof the browser gave it.
    #[serde(default)]
    unlock: String,
}

impl CommentForm {
    fn state(&self) -> FormState {
        FormState {
            name: self.name.clone(),
            email: self.email.clone(),
            url: self.url.clone(),
            body: self.body.clone(),
            notify: self.notify.is_some(),
            parent_id: self.parent_id.trim().parse().ok(),
            errors: FieldErrors::default(),
            message: None,
            unlock: self.unlock.clone(),
        }
    }
}

/// Answers a refused comment: the article page again with the typed text, the message and a 4xx status.
async fn refuse(
    state: &AppState,
    a: &Article,
    headers: &HeaderMap,
    status: StatusCode,
    mut form: FormState,
    message: String,
) -> Result<Response, AppError> {
    form.message = Some(message);
    let mut res = crate::web::public::render_article(state, a, 1, visitor_of(headers).as_deref(), form).await?;
    *res.status_mut() = status;
    no_store(res)
}

/// Takes a posted comment: stores it and goes back to it, or shows the article again with the reason.
#[allow(clippy::too_many_lines)]
pub(super) async fn create_comment(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<CommentForm>,
) -> Result<Response, AppError> {
    auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let now = Utc::now();
    let article = state.store.get_article(ArticleId(f.article_id)).await?;
    let Some(a) = article.filter(|a| a.kind == Kind::Article && a.is_public(now)) else {
        return Err(AppError::NotFound);
    };
    let form = f.state();
    if !crate::web::protected::token_opens(&state, &a, &f.unlock) {
        let msg = "This story is protected by a password; open it with the password to comment.".to_owned();
        return Err(AppError::Forbidden(msg));
    }
    let rules = state.comments.config().rules();
    if !domain::comments_open(a.comments_open, a.published_at, &rules, now) {
        let msg = "Comments are closed for this article; your comment was not posted.".to_owned();
        return refuse(&state, &a, &headers, StatusCode::FORBIDDEN, form, msg).await;
    }
    let raw_visitor = cookie(&headers, VISITOR_COOKIE);
    let visitor = raw_visitor.as_deref().map(hash_secret);
    let ts: i64 = f.ts.trim().parse().unwrap_or(0);
    let bound = f.bound == "1";
    let signed = if bound {
        visitor.as_deref().is_some_and(|v| state.signer.verify(&token_msg(a.id, ts, Some(v)), &f.sig))
    } else {
        state.signer.verify(&token_msg(a.id, ts, None), &f.sig)
    };
    if !signed {
        let msg = "The comment form could not be verified (it may have expired, or cookies are blocked). \
                   Your comment is kept below; send it again.";
        return refuse(&state, &a, &headers, StatusCode::FORBIDDEN, form, msg.into()).await;
    }
    if !f.subject.is_empty() {
        let msg = "Your comment looks automated and was not posted. If you are a person, clear the extra field and send again.";
        return refuse(&state, &a, &headers, StatusCode::BAD_REQUEST, form, msg.into()).await;
    }
    if now.timestamp() - ts < i64::from(state.cfg.comments.min_seconds) {
        let msg = "That was very quick. Please check your comment and send it again.";
        return refuse(&state, &a, &headers, StatusCode::UNPROCESSABLE_ENTITY, form, msg.into()).await;
    }
    let input = CommentInput {
        name: f.name.clone(),
        email: f.email.clone(),
        url: Some(f.url.clone()),
        body: f.body.clone(),
        parent_id: form.parent_id.map(CommentId),
        notify: f.notify.is_some(),
    };
    let input = match input.normalize(&rules) {
        Ok(i) => i,
        Err(errors) => {
            let form = FormState { errors, ..form };
            let msg = "Please fix the marked fields; your comment is still here.".to_owned();
            return refuse(&state, &a, &headers, StatusCode::UNPROCESSABLE_ENTITY, form, msg).await;
        }
    };
    if let Some(p) = input.parent_id {
        let parent = state.store.get_comment(p).await?;
        if !parent.is_some_and(|p| p.article_id == a.id && p.status == CommentStatus::Approved) {
            let msg =
                "The comment you replied to is no longer there. Your comment is kept below; send it as a new one.";
            let form = FormState { parent_id: None, ..form };
            return refuse(&state, &a, &headers, StatusCode::UNPROCESSABLE_ENTITY, form, msg.into()).await;
        }
    }
    let ip = client_ip(&state, peer, &headers).to_string();
    if state.store.is_duplicate_comment(a.id, &input.email, &input.body).await? {
        let msg = "You already posted this comment on this article.".to_owned();
        return refuse(&state, &a, &headers, StatusCode::CONFLICT, form, msg).await;
    }
    let new_visitor = raw_visitor.is_none().then(crate::secret::random_token);
    let visitor_hash = visitor.or_else(|| new_visitor.as_deref().map(hash_secret));
    let limits =
        vec![format!("comment-ip:{ip}"), format!("comment-email:{}", hash_secret(&input.email.to_lowercase()))];
    let who = Poster { visitor: visitor_hash.as_deref(), ip: &ip, limits };
    let c = match state.comments.post(&a, input, who, now).await? {
        Posted::Stored(c) => c,
        Posted::Limited(wait) => {
            let secs = wait.num_seconds().max(1);
            let msg = format!("You have posted several comments in a short time. Please wait {} and send again; your comment is kept below.", human_wait(secs));
            let mut res = refuse(&state, &a, &headers, StatusCode::TOO_MANY_REQUESTS, form, msg).await?;
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            return Ok(res);
        }
    };
    let to = format!("{}#comment-{}", a.permalink(state.cfg.tz()), c.id.0);
    let mut res = Redirect::to(&to).into_response();
    if let Some(v) = new_visitor {
        res.headers_mut().append(header::SET_COOKIE, set_cookie(&state, VISITOR_COOKIE, &v, 400 * 86_400));
    }
    if c.status == CommentStatus::Pending {
        res.headers_mut().append(header::SET_COOKIE, set_cookie(&state, PENDING_COOKIE, "1", 30 * 86_400));
    }
    no_store(res)
}

/// Says a wait in words: seconds under a minute and a half, else whole minutes.
fn human_wait(secs: i64) -> String {
    if secs < 90 {
        format!("{secs} seconds")
    } else {
        format!("{} minutes", (secs + 59) / 60)
    }
}

/// Shows the form to reply to one comment (the no-JavaScript reply path).
pub(super) async fn show_reply(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let c = state
        .store
        .get_comment(CommentId(id))
        .await?
        .filter(|c| c.status == CommentStatus::Approved)
        .ok_or(AppError::NotFound)?;
    let a =
        state.store.get_article(c.article_id).await?.filter(|a| a.is_public(Utc::now())).ok_or(AppError::NotFound)?;
    // A story behind a password is read (and replied to) at its own address only.
    if a.is_protected() {
        return Ok(crate::web::public::moved(&a.permalink(state.cfg.tz())));
    }
    let form = FormState { parent_id: Some(c.id.0), ..Default::default() };
    let mut res = crate::web::public::render_article(&state, &a, 1, visitor_of(&headers).as_deref(), form).await?;
    res.headers_mut().insert("x-robots-tag", HeaderValue::from_static("noindex"));
    no_store(res)
}

/// Loads the comment `id` and its article, if this browser wrote it and may still edit it.
async fn own_comment(state: &AppState, headers: &HeaderMap, id: i64) -> Result<(Comment, Article), AppError> {
    Ok(state.comments.own_comment(visitor_of(headers).as_deref(), CommentId(id), Utc::now()).await?)
}

#[derive(Serialize)]
struct EditCtx {
    layout: Layout,
    id: i64,
    body: String,
    error: Option<String>,
    article_url: String,
    article: ArticleView,
}

/// Renders the edit page of one's own comment; with an error it answers 422.
async fn edit_page(
    state: &AppState,
    c: &Comment,
    a: &Article,
    body: String,
    error: Option<String>,
) -> Result<Response, AppError> {
    let mut layout = crate::web::public::layout(state, "Edit your comment".into(), None).await;
    layout.noindex = true;
    let article = ArticleView::summary(a, state.cfg.tz());
    let ctx = EditCtx { layout, id: c.id.0, body, error: error.clone(), article_url: article.url.clone(), article };
    let mut res = crate::web::public::render(state, "public/comment_edit.html", &ctx)?;
    if error.is_some() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    no_store(res)
}

/// Shows the edit page of one's own comment.
pub(super) async fn edit_comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (c, a) = own_comment(&state, &headers, id).await?;
    edit_page(&state, &c, &a, c.body.clone(), None).await
}

/// Carries the edited text of one's own comment.
#[derive(Deserialize)]
pub(super) struct EditForm {
    body: String,
}

/// Saves an edit of one's own comment and goes back to it.
pub(super) async fn update_comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Result<Response, AppError> {
    auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let (c, a) = own_comment(&state, &headers, id).await?;
    if let Err(message) = state.comments.edit_own(&c, &f.body, Utc::now()).await? {
        return edit_page(&state, &c, &a, f.body, Some(message)).await;
    }
    no_store(Redirect::to(&format!("{}#comment-{}", a.permalink(state.cfg.tz()), c.id.0)).into_response())
}
