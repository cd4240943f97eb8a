//! The newsroom's side in the browser: login, the article list and editor,
//! corrections, revisions and users. Every answer here is personal
//! (`Cache-Control: private, no-store`) and every POST checks the session's
//! CSRF token and the Origin.

mod articles;
mod comments;
mod session;
mod settings;
mod users;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;
use crate::config::Config;

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
        .route("/users", get(users::list_users).post(users::create_user))
        .route("/settings", get(settings::show_settings).post(settings::update_settings))
        .route("/comments", get(comments::list_comments))
        .route("/comments/bulk", post(comments::bulk))
        .route("/comments/{id}/status", post(comments::update_status))
        .route("/comments/{id}/edit", get(comments::edit_comment).post(comments::update_comment))
        .route("/comments/{id}/reply", post(comments::create_reply))
}
