//! Request body limits, set per route.
//!
//! axum's `DefaultBodyLimit` only binds the extractors that honour it, so each
//! route that takes a body gets its own explicit limit here: a declared
//! `Content-Length` over it is answered 413 before a byte of the body is read,
//! and a body without one (chunked, streamed) is read only up to the limit. The
//! answer is an `AppError::TooLarge`: JSON under `/api`, the site's error page
//! elsewhere.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use crate::config::Config;
use crate::domain::limits;
use crate::web::error::AppError;
use crate::web::AppState;

const KB: usize = 1024;

/// The largest body each kind of route accepts, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// The login form: an email and a password of at most 254 and 200 bytes.
    pub login: usize,
    /// A reader's comment (new or edited) and a staff reply or edit: the longest
    /// comment, every character percent-encoded as up to 9 bytes, plus the other fields.
    pub comment: usize,
    /// Other small forms (corrections, settings, users, moderation, logout, …).
    pub form: usize,
    /// The article editor: the longest body (up to 4 bytes a character, unencoded
    /// in multipart), a photo, and the other fields.
    pub editor: usize,
    /// JSON sent to the API: the longest article body, escaped.
    pub api_json: usize,
    /// A photo sent to the API: the image itself is the body.
    pub api_upload: usize,
}

impl BodyLimits {
    /// Derives every limit from the configuration.
    pub fn new(cfg: &Config) -> BodyLimits {
        let upload = cfg.server.max_upload_bytes;
        BodyLimits {
            login: 8 * KB,
            comment: cfg.comments.max_chars * 9 + 16 * KB,
            form: 64 * KB,
            editor: upload + limits::BODY * 4 + 256 * KB,
            api_json: (limits::BODY * 6 + 64 * KB).max(2 * KB * KB),
            api_upload: upload,
        }
    }

    /// The largest body any route accepts: the ceiling for the whole server.
    pub fn largest(&self) -> usize {
        self.login.max(self.comment).max(self.form).max(self.editor).max(self.api_json).max(self.api_upload)
    }
}

/// A route's limit and the words its 413 uses for what was sent.
#[derive(Clone, Copy)]
struct Limit {
    bytes: usize,
    what: &'static str,
}

/// Puts an explicit body limit on a route (every method of it).
pub fn limit(route: MethodRouter<AppState>, bytes: usize, what: &'static str) -> MethodRouter<AppState> {
    route
        .layer::<_, std::convert::Infallible>(middleware::from_fn_with_state(Limit { bytes, what }, enforce))
        .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(bytes))
}

/// Returns the 413 for a body over `bytes`.
pub fn too_large(what: &str, bytes: usize) -> AppError {
    let size =
        if bytes >= 10 * KB * KB { format!("{} MB", bytes / (KB * KB)) } else { format!("{} KB", bytes.div_ceil(KB)) };
    AppError::TooLarge(format!("{what} is larger than this site accepts here (at most {size})."))
}

/// Reads the declared length of a request's body, if it declared one.
pub fn declared_length(req: &Request) -> Option<u64> {
    req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok())
}

async fn enforce(State(l): State<Limit>, req: Request, next: Next) -> Response {
    if declared_length(&req).is_some_and(|n| n > l.bytes as u64) {
        return too_large(l.what, l.bytes).into_response();
    }
    // Without a length (or with a false one), read no more than the limit.
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/x-www-form-urlencoded"));
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, l.bytes).await else {
        return too_large(l.what, l.bytes).into_response();
    };
    let mut res = next.run(Request::from_parts(parts, Body::from(bytes.clone()))).await;
    if form {
        // The error page offers a failed form again with what was typed.
        res.extensions_mut().insert(SentForm(bytes));
    }
    res
}

/// The url-encoded form a request carried, handed to the error page layer with the answer.
#[derive(Clone)]
pub struct SentForm(pub axum::body::Bytes);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_hold_the_longest_valid_input() {
        let cfg = Config::default();
        let l = BodyLimits::new(&cfg);
        assert_eq!(l.login, 8 * KB);
        assert!(l.comment >= cfg.comments.max_chars * 9);
        assert!(l.editor > cfg.server.max_upload_bytes + limits::BODY * 4);
        assert!(l.api_json >= 2 * KB * KB);
        assert_eq!(l.largest(), l.editor);
    }

    #[test]
    fn messages_name_the_limit() {
        assert_eq!(
            too_large("The comment", 106_496).to_string(),
            "The comment is larger than this site accepts here (at most 104 KB)."
        );
        assert!(too_large("The upload", 21 * KB * KB).to_string().contains("21 MB"));
    }
}
