//! Managing the newsroom's accounts (admins only).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::domain::Permission;
use crate::domain::{FieldErrors, NewUser};
use crate::render::view::Layout;
use crate::service::account::{self, AccountError};
use crate::web::auth::require;
use crate::web::auth::{no_store, StaffSession};
use crate::web::error::AppError;
use crate::web::public::render;
use crate::web::AppState;

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
    require(&s.0.user, Permission::ManageUsers)?;
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
    require(&s.0.user, Permission::ManageUsers)?;
    let new = NewUser {
        email: f.email.clone(),
        name: f.name.clone(),
        role: f.role.clone(),
        password: Some(f.password.clone()),
    };
    match account::create_user(state.store.as_ref(), new, Utc::now()).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(AccountError::Invalid(e)) => page(&state, &s, f, e).await,
        Err(AccountError::Taken) => {
            let mut e = FieldErrors::default();
            e.add("email", "A user with this email already exists.");
            page(&state, &s, f, e).await
        }
        Err(other) => Err(other.into()),
    }
}
