//! The reader side of comments: the form under each article (works without
//! JavaScript: POST, then 303 back to `#comment-ID`), replies, a commenter's
//! own pending comments, editing for a few minutes, and the email links
//! (confirm notifications, unsubscribe, delete my comments).
//!
//! Commenter emails never leave this module except into the store and mail.
//!
//! This file holds the routes, the commenter cookie and the signed form token;
//! `block` builds the comment section of an article page, `post` takes a new
//! or edited comment, and `links` answers the links sent by email.

mod block;
mod links;
mod post;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ArticleId;
use crate::secret::hash_secret;
use crate::web::auth::no_store;
use crate::web::cookie::get as cookie;
use crate::web::error::AppError;
use crate::web::limits::limit;
use crate::web::AppState;

pub use block::{block, CommentView, CommentsBlock, FormState};
use links::{
    confirm_notify, delete_by_email, send_forget, show_forget, show_forget_confirm, show_notify, show_unsubscribe,
    unsubscribe,
};
pub use post::CommentForm;
use post::{create_comment, edit_comment, show_reply, update_comment};

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

/// Returns the stored form of this browser's commenter id, if it has one.
pub fn visitor_of(headers: &HeaderMap) -> Option<String> {
    cookie(headers, VISITOR_COOKIE).map(|v| hash_secret(&v))
}

/// Builds a commenter cookie for the whole site.
fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    crate::web::cookie::set(&state.cfg, name, value, "/", max_age)
}

/// Finds the address a request came from: the connection's, or the last hop of
/// `X-Forwarded-For` when the connection is a configured proxy.
pub fn client_ip(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    forwarded_client(peer.ip(), &state.cfg.server.trusted_proxies, forwarded)
}

/// Walks `X-Forwarded-For` from the right while each hop is a trusted proxy
/// (a TLS terminator in front of an edge cache adds one hop, the edge
/// another): the first address no proxy of ours vouches for is the reader.
/// Anything left of it was written by the reader and is not believed.
fn forwarded_client(peer: IpAddr, trusted: &[IpAddr], forwarded: Option<&str>) -> IpAddr {
    let mut reader = peer;
    if !trusted.contains(&reader) {
        return reader;
    }
    for hop in forwarded.unwrap_or("").rsplit(',') {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else { break };
        reader = ip;
        if !trusted.contains(&ip) {
            break;
        }
    }
    reader
}

/// A form token: proves the form came from this site and when it was shown.
#[derive(Debug, Clone, Serialize)]
pub struct FormToken {
    pub ts: i64,
    pub sig: String,
    /// Bound to the visitor cookie (set by the JavaScript enhancement).
    pub bound: bool,
}

/// Builds the text a form token signs: the article and time, and the visitor when the token is bound to one.
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

/// Names the article a bound token is asked for.
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

#[cfg(test)]
mod forwarding_tests {
    use super::forwarded_client;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_hops_are_believed() {
        let trusted = [ip("127.0.0.1"), ip("10.0.0.5")];
        // Not from a proxy: the header is the reader's own words.
        assert_eq!(forwarded_client(ip("192.0.2.1"), &trusted, Some("203.0.113.7")), ip("192.0.2.1"));
        // One proxy: the address it added, not what the reader claimed before it.
        assert_eq!(forwarded_client(ip("127.0.0.1"), &trusted, Some("203.0.113.7, 198.51.100.4")), ip("198.51.100.4"));
        // TLS terminator (10.0.0.5), then an edge cache (127.0.0.1): both hops skipped.
        assert_eq!(
            forwarded_client(ip("127.0.0.1"), &trusted, Some("6.6.6.6, 198.51.100.4, 10.0.0.5")),
            ip("198.51.100.4")
        );
        // A proxy that sent no header, or garbage: the proxy itself, or the last hop believed.
        assert_eq!(forwarded_client(ip("127.0.0.1"), &trusted, None), ip("127.0.0.1"));
        assert_eq!(forwarded_client(ip("127.0.0.1"), &trusted, Some("nonsense, 10.0.0.5")), ip("10.0.0.5"));
    }
}
