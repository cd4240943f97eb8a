//! Renders the site's error page around error answers outside `/api`.
//!
//! When a form post fails on our side (a 5xx: the database is away, say), the
//! page carries what the person sent back to them in a form that sends it
//! again, so nothing typed is lost even when the error leaves no way to
//! render the original page. Passwords are never echoed.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::web::error::ErrorPage;
use crate::web::AppState;

#[derive(Serialize)]
struct ErrorCtx {
    layout: crate::render::view::Layout,
    status: u16,
    heading: &'static str,
    message: String,
    resend: Option<Resend>,
}

/// A form post to offer again.
#[derive(Serialize)]
struct Resend {
    action: String,
    fields: Vec<ResendField>,
}

#[derive(Serialize)]
struct ResendField {
    name: String,
    value: String,
    /// Shown as a text box (the person's writing), not carried hidden.
    shown: bool,
}

fn is_form_post(req: &Request) -> bool {
    req.method() == Method::POST
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn resend(action: String, body: &[u8]) -> Option<Resend> {
    let fields: Vec<ResendField> = form_urlencoded::parse(body)
        .filter(|(name, _)| !name.contains("password"))
        .map(|(name, value)| {
            let shown = value.contains('\n') || value.chars().count() > 60 || name == "body";
            ResendField { name: name.into_owned(), value: value.into_owned(), shown }
        })
        .collect();
    fields.iter().any(|f| f.shown).then_some(Resend { action, fields })
}

/// Replaces JSON error bodies with the HTML error page for browsers.
pub async fn render_error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    if is_api {
        return next.run(req).await;
    }
    // A form's fields come back with the answer from the route's body limit, which read them.
    let action =
        is_form_post(&req).then(|| req.uri().path_and_query().map_or(req.uri().path(), |p| p.as_str()).to_owned());
    let res = next.run(req).await;
    let sent = action.zip(res.extensions().get::<crate::web::limits::SentForm>().map(|f| f.0.clone()));
    let Some(page) = res.extensions().get::<ErrorPage>().cloned() else {
        return res;
    };
    let heading = match page.status.as_u16() {
        404 => "Page not found",
        401 | 403 => "Not allowed",
        413 => "Too large",
        503 => "Try again in a moment",
        s if s >= 500 => "Something went wrong",
        _ => "That did not work",
    };
    let server_side = page.status.is_server_error();
    // The menus need the database, which may be what failed.
    let layout = if server_side {
        crate::web::public::bare_layout(&state, heading.to_owned(), None)
    } else {
        crate::web::public::layout(&state, heading.to_owned(), None).await
    };
    let resend = sent.filter(|_| server_side).and_then(|(action, bytes)| resend(action, &bytes));
    let ctx = ErrorCtx { layout, status: page.status.as_u16(), heading, message: page.message, resend };
    let html = match state.renderer.render("error.html", &ctx) {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, "cannot render the error page");
            format!("<!doctype html><title>{}</title><p>{}", page.status, heading)
        }
    };
    let (mut parts, _) = res.into_parts();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resent_forms_show_writing_and_never_passwords() {
        let r = resend("/comments".into(), b"article_id=3&name=Ann&body=Hello%0Athere&password=x&sig=abc").unwrap();
        let names: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["article_id", "name", "body", "sig"]);
        assert_eq!(r.fields[2].value, "Hello\nthere");
        assert!(r.fields[2].shown && !r.fields[0].shown);
        assert!(resend("/admin/login".into(), b"email=a%40b.c&password=secret").is_none(), "nothing written to keep");
    }
}
