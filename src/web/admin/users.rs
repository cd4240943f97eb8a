//! Managing the newsroom's accounts (admins only).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::domain::{parse_email, FieldErrors, Role};
use crate::error::AppError;
use crate::render::view::Layout;
use crate::web::auth::{self, no_store, StaffSession};
use crate::web::public::render;

#[derive(Serialize)]
struct UserRow {
    name: String,
    email: String,
    role: &'static str,
}

#[derive(Serialize, Deserialize, Default)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    email: String,
    name: String,
    role: String,
    password: String,
}

#[derive(Serialize)]
struct UsersCtx {
    layout: Layout,
    users: Vec<UserRow>,
    form: UserForm,
    errors: FieldErrors,
}

fn require_admin(s: &StaffSession) -> Result<(), AppError> {
    if s.0.user.role.can_manage_users() {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only admins can manage users.".into()))
    }
}

async fn page(
    state: &AppState,
    s: &StaffSession,
    mut form: UserForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let users = state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| UserRow { name: u.name, email: u.email, role: u.role.as_str() })
        .collect();
    let l = super::admin_layout(state, s, "Users").await;
    form.password = String::new();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut res = render(state, "admin/users.html", &UsersCtx { layout: l, users, form, errors })?;
    *res.status_mut() = status;
    no_store(res)
}

/// Lists users with a form to add one.
pub async fn list_users(State(state): State<AppState>, s: StaffSession) -> Result<Response, AppError> {
    require_admin(&s)?;
    page(&state, &s, UserForm { role: "author".into(), ..Default::default() }, FieldErrors::default()).await
}

/// Adds a user.
pub async fn create_user(
    State(state): State<AppState>,
    s: StaffSession,
    headers: HeaderMap,
    Form(f): Form<UserForm>,
) -> Result<Response, AppError> {
    s.check_post(&state, &headers, &f.csrf)?;
    require_admin(&s)?;
    let mut e = FieldErrors::default();
    let email = parse_email(&f.email).map_err(|m| e.add("email", m)).ok();
    let role = Role::parse(&f.role);
    if role.is_none() {
        e.add("role", "Choose author, editor or admin.");
    }
    if f.name.trim().is_empty() || f.name.chars().count() > 100 {
        e.add("name", "Enter a name (at most 100 characters).");
    }
    if let Err(m) = auth::check_new_password(&f.password) {
        e.add("password", m);
    }
    let (Some(email), Some(role)) = (email, role) else {
        return page(&state, &s, f, e).await;
    };
    if !e.is_empty() {
        return page(&state, &s, f, e).await;
    }
    let hash = auth::hash_password(&f.password).map_err(AppError::Internal)?;
    match state.store.create_user(&email, &f.name, role, Some(&hash), Utc::now()).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(crate::store::StoreError::Conflict(_)) => {
            e.add("email", "A user with this email already exists.");
            page(&state, &s, f, e).await
        }
        Err(other) => Err(other.into()),
    }
}
