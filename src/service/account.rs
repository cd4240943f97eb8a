//! Newsroom accounts: creating users (one set of rules for the admin's form,
//! the API, the command line and the first-admin setup), the one-time setup
//! link, and API tokens.

use chrono::{DateTime, Utc};

use crate::domain::{FieldErrors, NewUser, Role, User};
use crate::secret::{hash_password, hash_secret, random_token};
use crate::store::{Store, StoreError, TokenInfo, UserStore};

/// The setting holding the hash of the one-time setup link's token.
const SETUP_KEY: &str = "setup_token_hash";

/// Why an account was not created.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("A user with this email already exists.")]
    Taken,
    #[error("The setup link is not valid (it works once, while the site has no user).")]
    SetupUsed,
    #[error(transparent)]
    Store(StoreError),
    #[error("cannot hash the password: {0}")]
    Hash(#[source] anyhow::Error),
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => AccountError::Taken,
            other => AccountError::Store(other),
        }
    }
}

/// Checks and creates an account.
pub async fn create_user(store: &dyn UserStore, new: NewUser, now: DateTime<Utc>) -> Result<User, AccountError> {
    let u = new.check().map_err(AccountError::Invalid)?;
    let hash = u.password.as_deref().map(hash_password).transpose().map_err(AccountError::Hash)?;
    Ok(store.create_user(&u.email, &u.name, u.role, hash.as_deref(), now).await?)
}

/// Makes a new one-time setup link when the site has no user yet, and returns it.
pub async fn new_setup_link(store: &dyn Store, base_url: &str) -> Result<Option<String>, StoreError> {
    if store.count_users().await? > 0 {
        return Ok(None);
    }
    let token = random_token();
    store.set_setting(SETUP_KEY, &hash_secret(&token)).await?;
    Ok(Some(format!("{base_url}/setup/{token}")))
}

/// Tells whether a setup token is the current one and the site still has no user.
pub async fn setup_valid(store: &dyn Store, token: &str) -> Result<bool, StoreError> {
    let stored = store.get_setting(SETUP_KEY).await?;
    Ok(stored.is_some_and(|h| crate::secret::ct_eq(h.as_bytes(), hash_secret(token).as_bytes()))
        && store.count_users().await? == 0)
}

/// Creates the first administrator through the setup link, which then stops working.
pub async fn create_first_admin(
    store: &dyn Store,
    token: &str,
    mut new: NewUser,
    now: DateTime<Utc>,
) -> Result<User, AccountError> {
    if !setup_valid(store, token).await? {
        return Err(AccountError::SetupUsed);
    }
    new.role = Role::Admin.as_str().to_owned();
    let user = create_user(store, new, now).await?;
    store.delete_setting(SETUP_KEY).await?;
    Ok(user)
}

/// Creates an API token for a user; returns its facts and the token, which is shown once.
pub async fn create_token(
    store: &dyn UserStore,
    user: &User,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(TokenInfo, String), StoreError> {
    let token = format!("dl_{}", random_token());
    let info = store.create_token(user.id, name, &hash_secret(&token), now).await?;
    Ok((info, token))
}
