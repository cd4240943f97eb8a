//! Site settings editors may change in the browser: which share services appear.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Serialize;

use crate::domain::Permission;
use crate::render::view::Layout;
use crate::web::auth::require;
use crate::web::auth::{no_store, StaffSession};
use crate::web::error::AppError;
use crate::web::public::render;
use crate::web::share;
use crate::web::AppState;

#[derive(Serialize)]
struct Service {
    key: &'static str,
    label: &'static str,
    on: bool,
}

#[derive(Serialize)]
struct SettingsCtx {
    layout: Layout,
    services: Vec<Service>,
    saved: bool,
}

/// Shows the share services with their state.
pub async fn show_settings(
    State(state): State<AppState>,
    s: StaffSession,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&s.0.user, Permission::ChangeSettings)?;
    let on = share::enabled(state.store.as_ref()).await?;
    let services =
        share::SERVICES.iter().map(|&(key, label)| Service { key, label, on: on.iter().any(|k| k == key) }).collect();
    let l = super::admin_layout(&state, &s, "Settings").await;
    no_store(render(
        &state,
        "admin/settings.html",
        &SettingsCtx { layout: l, services, saved: q.contains_key("saved") },
    )?)
}

/// Saves the chosen share services.
pub async fn update_settings(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, super::field(&pairs, "csrf"))?;
    require(&s.0.user, Permission::ChangeSettings)?;
    let chosen: Vec<String> = pairs.into_iter().filter(|(k, _)| k == "share").map(|(_, v)| v).collect();
    state.site.save(&[share::setting(&chosen)]).await?;
    Ok(Redirect::to("/admin/settings?saved").into_response())
}
