//! Users and API tokens over the API.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::{parse_email, FieldErrors, Role, User};
use crate::error::AppError;
use crate::store::TokenInfo;
use crate::web::auth::{self, ApiUser};

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

fn require_admin(u: &User) -> Result<(), AppError> {
    if u.role.can_manage_users() {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only admins can manage users.".into()))
    }
}

/// Lists accounts (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = UserList), (status = 403, body = super::ErrorJson)))]
pub async fn list_users(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<UserList>, AppError> {
    require_admin(&user)?;
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
    require_admin(&user)?;
    let mut e = FieldErrors::default();
    let email = parse_email(&n.email).map_err(|m| e.add("email", m)).ok();
    let role = Role::parse(&n.role);
    if role.is_none() {
        e.add("role", "Use author, editor or admin.");
    }
    if n.name.trim().is_empty() || n.name.chars().count() > 100 {
        e.add("name", "Enter a name (at most 100 characters).");
    }
    if let Some(Err(m)) = n.password.as_deref().map(auth::check_new_password) {
        e.add("password", m);
    }
    let (Some(email), Some(role), true) = (email, role, e.is_empty()) else {
        return Err(AppError::Invalid(e));
    };
    let hash = n.password.as_deref().map(auth::hash_password).transpose().map_err(AppError::Internal)?;
    let u = state.store.create_user(&email, &n.name, role, hash.as_deref(), Utc::now()).await.map_err(|e| match e {
        crate::store::StoreError::Conflict(_) => AppError::Conflict("A user with this email already exists.".into()),
        other => other.into(),
    })?;
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
