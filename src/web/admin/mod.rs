//! The newsroom's side in the browser: login, the article list and editor,
//! corrections, revisions, the review of story intelligence and users. Every answer here is personal
//! (`Cache-Control: private, no-store`) and every POST checks the session's
//! CSRF token and the Origin.

mod articles;
mod comments;
mod entities;
mod live;
mod session;
mod settings;
mod users;

use axum::routing::{get, post};
use axum::Router;

use crate::config::Config;
use crate::render::view::Layout;
use crate::web::auth::StaffSession;
use crate::web::limits::{limit, BodyLimits};
use crate::web::AppState;

/// Routes under `/admin`.
pub fn routes(cfg: &Config) -> Router<AppState> {
    let l = BodyLimits::new(cfg);
    Router::new()
        .route("/", get(articles::list_articles))
        .route("/login", limit(get(session::show_login).post(session::create_session), l.login, "The login form"))
        .route("/logout", limit(post(session::delete_session), l.form, "The form"))
        .route("/logout-everywhere", limit(post(session::delete_all_sessions), l.form, "The form"))
        .route(
            "/articles/new",
            limit(get(articles::new_article).post(articles::create_article), l.editor, "The article"),
        )
        .route(
            "/articles/{id}",
            limit(get(articles::edit_article).post(articles::update_article), l.editor, "The article"),
        )
        .route("/articles/{id}/corrections", limit(post(articles::create_correction), l.form, "The correction"))
        .route("/articles/{id}/revisions", get(articles::list_revisions))
        .route("/articles/{id}/live", get(live::show_desk))
        .route("/articles/{id}/live/state", limit(post(live::switch), l.form, "The form"))
        .route("/articles/{id}/live/entries", limit(post(live::post_entry), l.editor, "The update"))
        .route("/articles/{id}/live/entries/{entry}/{action}", limit(post(live::act), l.form, "The form"))
        .route(
            "/articles/{id}/entities",
            limit(get(entities::list_entities).post(entities::update_entities), l.form, "The form"),
        )
        .route("/users", limit(get(users::list_users).post(users::create_user), l.form, "The form"))
        .route("/settings", limit(get(settings::show_settings).post(settings::update_settings), l.form, "The form"))
        .route("/banner", limit(post(settings::update_banner), l.form, "The form"))
        .route("/comments", get(comments::list_comments))
        .route("/comments/bulk", limit(post(comments::bulk), l.form, "The form"))
        .route("/comments/{id}/status", limit(post(comments::update_status), l.form, "The form"))
        .route(
            "/comments/{id}/edit",
            limit(get(comments::edit_comment).post(comments::update_comment), l.comment, "The comment"),
        )
        .route("/comments/{id}/reply", limit(post(comments::create_reply), l.comment, "The reply"))
        // Everything here is personal, error pages and redirects included.
        .layer(axum::middleware::map_response(crate::web::auth::private))
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
