//! The newsroom's side in the browser: login, the article list and editor,
//! corrections, revisions, the review of story intelligence and users. Every answer here is personal
//! (`Cache-Control: private, no-store`) and every POST checks the session's
//! CSRF token and the Origin.

mod articles;
mod comments;
mod entities;
mod session;
mod settings;
mod users;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;
use crate::config::Config;
use crate::render::view::Layout;
use crate::web::auth::StaffSession;

/// Routes under `/admin`.
pub fn routes(cfg: &Config) -> Router<AppState> {
    let upload_limit = cfg.server.max_upload_bytes + 1024 * 1024;
    Router::new()
        .route("/", get(articles::list_articles))
        .route("/login", get(session::show_login).post(session::create_session))
        .route("/logout", post(session::delete_session))
        .route("/logout-everywhere", post(session::delete_all_sessions))
        .route(
            "/articles/new",
            get(articles::new_article).post(articles::create_article).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/articles/{id}",
            get(articles::edit_article).post(articles::update_article).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/articles/{id}/corrections", post(articles::create_correction))
        .route("/articles/{id}/revisions", get(articles::list_revisions))
        .route("/articles/{id}/entities", get(entities::list_entities).post(entities::update_entities))
        .route("/users", get(users::list_users).post(users::create_user))
        .route("/settings", get(settings::show_settings).post(settings::update_settings))
        .route("/comments", get(comments::list_comments))
        .route("/comments/bulk", post(comments::bulk))
        .route("/comments/{id}/status", post(comments::update_status))
        .route("/comments/{id}/edit", get(comments::edit_comment).post(comments::update_comment))
        .route("/comments/{id}/reply", post(comments::create_reply))
}

/// Builds the frame of an admin page: never indexed, with the viewer and the session's CSRF token.
pub(crate) async fn admin_layout(state: &AppState, s: &StaffSession, title: &str) -> Layout {
    let mut l = crate::web::public::layout(state, title.to_owned(), None).await;
    l.noindex = true;
    l.viewer = Some(s.viewer());
    l.csrf = Some(s.0.csrf.clone());
    l
}

/// Returns the first value of a field in a form read as pairs ("" when absent).
pub(crate) fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}
