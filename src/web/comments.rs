//! The reader side of comments: the form under each article (works without
//! JavaScript: POST, then 303 back to `#comment-ID`), replies, a commenter's
//! own pending comments, editing for a few minutes, and the email links
//! (confirm notifications, unsubscribe, delete my comments).
//!
//! Commenter emails never leave this module except into the store and mail.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{self, Article, ArticleId, Comment, CommentId, CommentInput, CommentStatus, FieldErrors, Kind};
use crate::render::view::{ArticleView, Layout, When};
use crate::secret::hash_secret;
use crate::service::comment::{CommentError, Posted, Poster};
use crate::web::auth::{self, no_store};
use crate::web::error::AppError;
use crate::web::limits::limit;
use crate::web::AppState;

/// Cookie naming the browser that posts comments (a random id; its hash is stored).
pub const VISITOR_COOKIE: &str = "dl_commenter";
/// Cookie telling the page cache this browser has comments awaiting moderation.
pub const PENDING_COOKIE: &str = "dl_pending";

/// Routes under `/comments`.
pub fn routes(cfg: &crate::config::Config) -> Router<AppState> {
    let l = crate::web::limits::BodyLimits::new(cfg);
    let form = |r| limit(r, l.form, "The form");
    Router::new()
        .route("/comments", limit(post(create_comment), l.comment, "The comment"))
        .route("/comments/token", get(show_token))
        .route("/comments/{id}/reply", get(show_reply))
        .route("/comments/{id}/edit", limit(get(edit_comment).post(update_comment), l.comment, "The comment"))
        .route("/comments/forget", form(get(show_forget).post(send_forget)))
        .route("/comments/forget/confirm", form(get(show_forget_confirm).post(delete_by_email)))
        .route("/comments/notify", form(get(show_notify).post(confirm_notify)))
        .route("/comments/unsubscribe", form(get(show_unsubscribe).post(unsubscribe)))
}

use crate::web::cookie::get as cookie;

/// Returns the stored form of this browser's commenter id, if it has one.
pub fn visitor_of(headers: &HeaderMap) -> Option<String> {
    cookie(headers, VISITOR_COOKIE).map(|v| hash_secret(&v))
}

fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    crate::web::cookie::set(&state.cfg, name, value, "/", max_age)
}

/// Finds the address a request came from: the connection's, or the last hop of
/// `X-Forwarded-For` when the connection is a configured proxy.
pub fn client_ip(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let ip = peer.ip();
    if !state.cfg.server.trusted_proxies.contains(&ip) {
        return ip;
    }
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(ip)
}

/// A form token: proves the form came from this site and when it was shown.
#[derive(Debug, Clone, Serialize)]
pub struct FormToken {
    pub ts: i64,
    pub sig: String,
    /// Bound to the visitor cookie (set by the JavaScript enhancement).
    pub bound: bool,
}

fn token_msg(article: ArticleId, ts: i64, visitor: Option<&str>) -> String {
    match visitor {
        Some(v) => format!("comment|{}|{ts}|{v}", article.0),
        None => format!("comment|{}|{ts}", article.0),
    }
}

/// Makes the token printed into a (cacheable) page.
pub fn page_token(state: &AppState, article: ArticleId, now: DateTime<Utc>) -> FormToken {
    let ts = now.timestamp();
    FormToken { ts, sig: state.signer.sign(&token_msg(article, ts, None)), bound: false }
}

/// What the comment form shows: the typed values, their errors and a message.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FormState {
    pub name: String,
    pub email: String,
    pub url: String,
    pub body: String,
    pub notify: bool,
    pub parent_id: Option<i64>,
    pub errors: FieldErrors,
    pub message: Option<String>,
}

/// One comment as readers see it.
#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub author_url: Option<String>,
    pub body_html: String,
    pub when: When,
    pub pending: bool,
    pub staff: bool,
    pub editable: bool,
}

/// Everything the comment section of an article page needs.
#[derive(Debug, Clone, Serialize)]
pub struct CommentsBlock {
    pub article_id: i64,
    pub open: bool,
    pub count: usize,
    pub threads: Vec<domain::ThreadNode<CommentView>>,
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub form: FormState,
    pub token: FormToken,
    pub max_chars: usize,
}

fn view(state: &AppState, c: &Comment, visitor: Option<&str>, now: DateTime<Utc>) -> CommentView {
    let own = visitor.is_some() && c.visitor.as_deref() == visitor;
    CommentView {
        id: c.id.0,
        author: c.author_name.clone(),
        author_url: c.author_url.clone(),
        body_html: domain::render_body(&c.body),
        when: When::new(c.created_at, state.cfg.tz()),
        pending: c.status == CommentStatus::Pending,
        staff: c.staff,
        editable: own && now - c.created_at < Duration::minutes(i64::from(state.cfg.comments.edit_minutes)),
    }
}

/// Builds the comment section; `visitor` adds that browser's own pending comments.
pub async fn block(
    state: &AppState,
    a: &Article,
    url_path: &str,
    page: usize,
    visitor: Option<&str>,
    form: FormState,
) -> Result<CommentsBlock, AppError> {
    let now = Utc::now();
    let mut list = state.store.list_article_comments(a.id, &[CommentStatus::Approved]).await?;
    let count = list.len();
    if let Some(v) = visitor {
        list.extend(state.store.list_visitor_pending(a.id, v).await?);
        list.sort_by_key(|c| (c.created_at, c.id));
    }
    let views: Vec<CommentView> = list.iter().map(|c| view(state, c, visitor, now)).collect();
    let parents: std::collections::HashMap<i64, Option<i64>> =
        list.iter().map(|c| (c.id.0, c.parent_id.map(|p| p.0))).collect();
    let threads = domain::build_threads(
        &views,
        |v| v.id,
        |v| parents.get(&v.id).copied().flatten(),
        state.cfg.comments.max_depth,
    );
    let per = state.cfg.comments.per_page.max(1);
    let pages = threads.len().div_ceil(per).max(1);
    if page > pages {
        return Err(AppError::NotFound);
    }
    let link = |p: usize| if p == 1 { format!("{url_path}#comments") } else { format!("{url_path}?page={p}#comments") };
    let threads = threads.into_iter().skip((page - 1) * per).take(per).collect();
    let rules = state.cfg.comments.rules();
    Ok(CommentsBlock {
        article_id: a.id.0,
        open: domain::comments_open(a.comments_open, a.published_at, &rules, now),
        count,
        threads,
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        form,
        token: page_token(state, a.id, now),
        max_chars: state.cfg.comments.max_chars,
    })
}

#[derive(Deserialize)]
pub struct TokenQuery {
    article: i64,
}

/// Gives the JavaScript enhancement a token bound to this browser (and the
/// browser its commenter cookie, when it has none yet).
async fn show_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let (raw, fresh) = match cookie(&headers, VISITOR_COOKIE) {
        Some(v) => (v, false),
        None => (crate::secret::random_token(), true),
    };
    let ts = Utc::now().timestamp();
    let sig = state.signer.sign(&token_msg(ArticleId(q.article), ts, Some(&hash_secret(&raw))));
    let mut res = Json(FormToken { ts, sig, bound: true }).into_response();
    if fresh {
        res.headers_mut().insert(header::SET_COOKIE, set_cookie(&state, VISITOR_COOKIE, &raw, 400 * 86_400));
    }
    no_store(res)
}

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

#[allow(clippy::too_many_lines)]
async fn create_comment(
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

fn human_wait(secs: i64) -> String {
    if secs < 90 {
        format!("{secs} seconds")
    } else {
        format!("{} minutes", (secs + 59) / 60)
    }
}

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

/// Shows the form to reply to one comment (the no-JavaScript reply path).
async fn show_reply(
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
    let form = FormState { parent_id: Some(c.id.0), ..Default::default() };
    let mut res = crate::web::public::render_article(&state, &a, 1, visitor_of(&headers).as_deref(), form).await?;
    res.headers_mut().insert("x-robots-tag", HeaderValue::from_static("noindex"));
    no_store(res)
}

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

async fn edit_comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (c, a) = own_comment(&state, &headers, id).await?;
    edit_page(&state, &c, &a, c.body.clone(), None).await
}

#[derive(Deserialize)]
struct EditForm {
    body: String,
}

async fn update_comment(
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

async fn show_forget(State(state): State<AppState>) -> Result<Response, AppError> {
    let msg = "Enter the email address you used. We will send a link to it; opening the link deletes every comment written with that address.";
    simple(&state, "Delete my comments", msg.into(), Some(("/comments/forget".into(), "Send the link", None)), true)
        .await
}

#[derive(Deserialize)]
struct EmailForm {
    email: String,
}

async fn send_forget(
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

#[derive(Deserialize)]
struct TokenParam {
    t: String,
}

fn open_token(state: &AppState, purpose: &str, t: &str) -> Result<String, AppError> {
    state
        .signer
        .open(purpose, t, Utc::now().timestamp())
        .ok_or_else(|| AppError::BadRequest("This link is not valid or has expired.".into()))
}

async fn show_forget_confirm(State(state): State<AppState>, Query(q): Query<TokenParam>) -> Result<Response, AppError> {
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

async fn delete_by_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(q): Form<TokenParam>,
) -> Result<Response, AppError> {
    auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let email = open_token(&state, "forget", &q.t)?;
    let n = state.comments.delete_by_email(&email).await?;
    simple(&state, "Comments deleted", format!("{n} comments were deleted."), None, false).await
}

async fn show_notify(State(state): State<AppState>, Query(q): Query<TokenParam>) -> Result<Response, AppError> {
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

async fn confirm_notify(
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

async fn show_unsubscribe(State(state): State<AppState>, Query(q): Query<TokenParam>) -> Result<Response, AppError> {
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

async fn unsubscribe(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(q): Form<TokenParam>,
) -> Result<Response, AppError> {
    auth::check_origin_for(&headers, Some(state.cfg.base_url()))?;
    let email = open_token(&state, "unsubscribe", &q.t)?;
    state.store.unsubscribe(&email, Utc::now()).await?;
    simple(&state, "Unsubscribed", "This site will not email your address again.".into(), None, false).await
}
