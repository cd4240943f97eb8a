//! Old WordPress links, for sites moved here with `dateline import wordpress`:
//! `/?p=ID`, `/?page_id=ID`, `/category/…/slug/` and tag slugs WordPress
//! spelled differently all answer with a 301 to their new place. (Old
//! permalinks themselves are ordinary redirects, stored at import.)

use axum::extract::{Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::domain::ArticleId;
use crate::web::error::AppError;
use crate::web::public::moved;
use crate::web::AppState;

/// The post id an old `/?p=ID` or `/?page_id=ID` link carries.
fn post_id(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, v)| (k == "p" || k == "page_id") && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .map(|(_, v)| v.into_owned())
}

/// Answers `/?p=ID` before the page cache, whose key ignores `p`.
pub async fn post_links(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path() == "/" {
        if let Some(id) = req.uri().query().and_then(post_id) {
            return match target(&state, &id).await {
                Ok(Some(to)) => moved(&to),
                Ok(None) => AppError::NotFound.into_response(),
                Err(e) => e.into_response(),
            };
        }
    }
    next.run(req).await
}

async fn target(state: &AppState, wp_id: &str) -> Result<Option<String>, AppError> {
    let Some(local) = state.store.find_import("post", wp_id).await? else { return Ok(None) };
    let Some(a) = state.store.get_article(ArticleId(local.parse().unwrap_or(0))).await? else { return Ok(None) };
    Ok(a.is_public(chrono::Utc::now()).then(|| a.permalink(state.cfg.tz())))
}

/// `/category/parent/child/` → `/section/child/` (or `/tag/child/`).
pub async fn category(State(state): State<AppState>, Path(rest): Path<String>) -> Result<Response, AppError> {
    let slug = rest.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let ours = match state.store.find_import("category", slug).await? {
        Some(s) => s,
        None => slug.to_owned(),
    };
    use crate::store::TermKind;
    // A post's first category became its section, the others tags.
    if state.store.get_term(TermKind::Section, &ours).await?.is_some() {
        return Ok(moved(&format!("/section/{ours}/")));
    }
    if state.store.get_term(TermKind::Tag, &ours).await?.is_some() {
        return Ok(moved(&format!("/tag/{ours}/")));
    }
    Err(AppError::NotFound)
}

/// A tag slug as WordPress spelled it, when ours differs.
pub async fn tag_slug(state: &AppState, slug: &str) -> Result<Option<String>, AppError> {
    Ok(state.store.find_import("tag", slug).await?.filter(|ours| ours != slug))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numeric_post_ids_are_read() {
        assert_eq!(post_id("p=12").as_deref(), Some("12"));
        assert_eq!(post_id("utm=x&page_id=7").as_deref(), Some("7"));
        assert_eq!(post_id("p=abc"), None);
        assert_eq!(post_id("page=2"), None);
    }
}
