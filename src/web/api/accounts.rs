//! Users and API tokens over the API.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Permission;
use crate::domain::User;
use crate::store::TokenInfo;
use crate::web::auth::require;
use crate::web::auth::ApiUser;
use crate::web::error::AppError;
use crate::web::AppState;

/// A newsroom account.
#[derive(Serialize, ToSchema)]
pub struct UserJson {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// `author`, `editor` or `admin`.
    pub role: String,
}

impl From<&User> for UserJson {
    fn from(u: &User) -> Self {
        UserJson { id: u.id.0, email: u.email.clone(), name: u.name.clone(), role: u.role.as_str().into() }
    }
}

/// All accounts.
#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub users: Vec<UserJson>,
}

/// An account to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    /// `author`, `editor` or `admin`.
    pub role: String,
    /// At least 10 characters; without one the user cannot log in to the admin.
    pub password: Option<String>,
}

/// An API token's facts (never the token itself).
#[derive(Serialize, ToSchema)]
pub struct TokenJson {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

impl From<TokenInfo> for TokenJson {
    fn from(t: TokenInfo) -> Self {
        TokenJson {
            id: t.id,
            user_id: t.user_id.0,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked: t.revoked,
        }
    }
}

/// Tokens visible to the caller.
#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenJson>,
}

/// Describes the token's user.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = UserJson), (status = 401, body = super::ErrorJson)))]
pub async fn show_me(ApiUser(user): ApiUser) -> Json<UserJson> {
    Json(UserJson::from(&user))
}

/// Lists accounts (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = UserList), (status = 403, body = super::ErrorJson)))]
pub async fn list_users(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<UserList>, AppError> {
    require(&user, Permission::ManageUsers)?;
    let users = state.store.list_users().await?;
    Ok(Json(UserList { users: users.iter().map(UserJson::from).collect() }))
}

/// Creates an account (admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = UserJson), (status = 400, body = super::ErrorJson), (status = 403, body = super::ErrorJson), (status = 409, body = super::ErrorJson), (status = 422, body = super::ErrorJson)))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiJson(n): super::ApiJson<NewUser>,
) -> Result<(StatusCode, Json<UserJson>), AppError> {
    require(&user, Permission::ManageUsers)?;
    let new = crate::domain::NewUser { email: n.email, name: n.name, role: n.role, password: n.password };
    let u = crate::service::account::create_user(state.store.as_ref(), new, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(UserJson::from(&u))))
}

/// Lists the caller's tokens (admins see everyone's).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", responses((status = 200, body = TokenList)))]
pub async fn list_tokens(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<TokenList>, AppError> {
    let scope = (!user.role.can_manage_users()).then_some(user.id);
    let tokens = state.store.list_tokens(scope).await?;
    Ok(Json(TokenList { tokens: tokens.into_iter().map(TokenJson::from).collect() }))
}

/// Revokes a token: it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = super::ErrorJson)))]
pub async fn delete_token(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    super::ApiPath(id): super::ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    let scope = (!user.role.can_manage_users()).then_some(user.id);
    let mine = state.store.list_tokens(scope).await?.into_iter().any(|t| t.id == id);
    if !mine {
        return Err(AppError::NotFound);
    }
    state.store.revoke_token(id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
