//! Site settings editors may change in the browser: which share services
//! appear, and the breaking-news banner.

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
    /// The banner as shown now, or as typed when it was refused.
    banner: BannerForm,
    banner_on: bool,
    errors: std::collections::BTreeMap<&'static str, String>,
}

/// The banner form, as typed.
#[derive(Debug, Default, Serialize, serde::Deserialize)]
pub struct BannerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    url: String,
    /// `set` or `clear`.
    #[serde(default)]
    action: String,
}

async fn settings_page(
    state: &AppState,
    s: &StaffSession,
    saved: bool,
    typed: Option<BannerForm>,
    errors: crate::domain::FieldErrors,
) -> Result<Response, AppError> {
    let on = share::enabled(state.store.as_ref()).await?;
    let services =
        share::SERVICES.iter().map(|&(key, label)| Service { key, label, on: on.iter().any(|k| k == key) }).collect();
    let current = crate::service::site::current_banner(state.store.as_ref()).await?;
    let banner_on = current.is_some();
    let banner = typed.unwrap_or_else(|| match current {
        Some(b) => BannerForm { text: b.text, url: b.url.unwrap_or_default(), ..BannerForm::default() },
        None => BannerForm::default(),
    });
    let l = super::admin_layout(state, s, "Settings").await;
    let errors: std::collections::BTreeMap<&'static str, String> = errors.0.into_iter().collect();
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let mut res =
        render(state, "admin/settings.html", &SettingsCtx { layout: l, services, saved, banner, banner_on, errors })?;
    *res.status_mut() = status;
    no_store(res)
}

/// Shows the share services with their state.
pub async fn show_settings(
    State(state): State<AppState>,
    s: StaffSession,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&s.0.user, Permission::ChangeSettings)?;
    settings_page(&state, &s, q.contains_key("saved"), None, crate::domain::FieldErrors::default()).await
}

/// Sets or clears the breaking-news banner; a refused banner comes back as typed.
pub async fn update_banner(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Form(f): Form<BannerForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    let banner =
        (f.action != "clear").then(|| crate::domain::banner::Banner { text: f.text.clone(), url: Some(f.url.clone()) });
    match state.site.set_banner(&s.0.user, banner).await {
        Ok(_) => Ok(Redirect::to("/admin/settings?saved").into_response()),
        Err(crate::service::site::BannerError::Invalid(errors)) => {
            settings_page(&state, &s, false, Some(f), errors).await
        }
        Err(other) => Err(other.into()),
    }
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
