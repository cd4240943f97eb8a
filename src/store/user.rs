//! Staff accounts, their browser sessions and API tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::{Role, User, UserId};

/// A logged-in browser session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

/// An API token's public facts (never the token itself).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub user_id: UserId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// Stores users, sessions and API tokens.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user; a taken email is a `Conflict`.
    async fn create_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<User>;
    /// Fetches a user by id.
    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// Fetches a user by email, ignoring case.
    async fn get_user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    /// Lists all users by name.
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    /// Counts users (zero means the site still needs its first admin).
    async fn count_users(&self) -> StoreResult<u64>;
    /// Replaces a user's password hash.
    async fn set_password(&self, id: UserId, hash: &str) -> StoreResult<()>;
    /// Stores a new session under the hash of its cookie value.
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Fetches a live session by the hash of its cookie value.
    async fn get_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Session>>;
    /// Ends one session.
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of a user (log out everywhere).
    async fn delete_user_sessions(&self, user: UserId) -> StoreResult<()>;
    /// Stores a new API token under its hash.
    async fn create_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<TokenInfo>;
    /// Finds the user of a live (unrevoked) token and notes its use.
    async fn get_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(User, i64)>>;
    /// Lists tokens, of one user or of everyone.
    async fn list_tokens(&self, user: Option<UserId>) -> StoreResult<Vec<TokenInfo>>;
    /// Revokes a token; it stops working at once.
    async fn revoke_token(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()>;
}
