//! Renders the site's error page around error answers outside `/api`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::app::AppState;
use crate::error::ErrorPage;

#[derive(Serialize)]
struct ErrorCtx {
    layout: crate::render::view::Layout,
    status: u16,
    heading: &'static str,
    message: String,
}

/// Replaces JSON error bodies with the HTML error page for browsers.
pub async fn render_error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if is_api {
        return res;
    }
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
    let layout = crate::web::public::layout(&state, heading.to_owned(), None).await;
    let ctx = ErrorCtx { layout, status: page.status.as_u16(), heading, message: page.message };
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
