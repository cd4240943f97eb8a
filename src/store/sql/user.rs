// Users, sessions and API tokens, in the SQL both backends
// share. Included by `store::sqlite` and `store::postgres`, which name the
// dialect's types and helpers (`Db`, `DbRow`, `Conn`, `Ts`, `ts`, `from_ts`, ...).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{backend, from_ts, ts, DbRow, This, Ts};
use crate::domain::{Role, User, UserId};
use crate::store::{Session, StoreError, StoreResult, TokenInfo, UserStore};

fn user_from_row(r: &DbRow) -> StoreResult<User> {
    let role: String = r.get("role");
    Ok(User {
        id: UserId(r.get("id")),
        email: r.get("email"),
        name: r.get("name"),
        role: Role::parse(&role).ok_or_else(|| StoreError::Backend(format!("bad role {role}").into()))?,
        password_hash: r.get("password_hash"),
    })
}

fn token_from_row(r: &DbRow) -> StoreResult<TokenInfo> {
    Ok(TokenInfo {
        id: r.get("id"),
        user_id: UserId(r.get("user_id")),
        name: r.get("name"),
        created_at: from_ts(r.get::<Ts, _>("created_at"))?,
        last_used_at: r.get::<Option<Ts>, _>("last_used_at").map(from_ts).transpose()?,
        revoked: r.get::<Option<Ts>, _>("revoked_at").is_some(),
    })
}

const USER_COLS: &str = "id, email, name, role, password_hash";

#[async_trait::async_trait]
impl UserStore for This {
    async fn create_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        let row = sqlx::query(&format!(
            "INSERT INTO users (email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING {USER_COLS}"
        ))
        .bind(email.trim().to_lowercase())
        .bind(name.trim())
        .bind(role.as_str())
        .bind(password_hash)
        .bind(ts(now))
        .fetch_one(&self.write)
        .await
        .map_err(backend)?;
        user_from_row(&row)
    }

    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn get_user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE email = $1"))
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.read)
            .await
            .map_err(backend)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(&format!("SELECT {USER_COLS} FROM users ORDER BY name, id"))
            .fetch_all(&self.read)
            .await
            .map_err(backend)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn count_users(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.read).await.map_err(backend)?;
        Ok(n as u64)
    }

    async fn set_password(&self, id: UserId, hash: &str) -> StoreResult<()> {
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id.0)
            .execute(&self.write)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(backend)?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(ts(now))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(csrf)
        .bind(ts(now))
        .bind(ts(expires))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn get_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Session>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.role, u.password_hash, s.csrf, s.expires_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(ts(now))
        .fetch_optional(&self.read)
        .await
        .map_err(backend)?;
        row.map(|r| {
            Ok(Session {
                user: user_from_row(&r)?,
                csrf: r.get("csrf"),
                expires_at: from_ts(r.get::<Ts, _>("expires_at"))?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.write)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user: UserId) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(&self.write)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn create_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<TokenInfo> {
        let row = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id, user_id, name, created_at, last_used_at, revoked_at",
        )
        .bind(user.0)
        .bind(name)
        .bind(token_hash)
        .bind(ts(now))
        .fetch_one(&self.write)
        .await
        .map_err(backend)?;
        token_from_row(&row)
    }

    async fn get_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(User, i64)>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.role, u.password_hash, t.id AS token_id, t.last_used_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.read)
        .await
        .map_err(backend)?;
        let Some(r) = row else { return Ok(None) };
        let token_id: i64 = r.get("token_id");
        // Note the use at most once a minute, so API reads do not become writes.
        let last = r.get::<Option<Ts>, _>("last_used_at").map(from_ts).transpose()?;
        if last.is_none_or(|l| now - l > chrono::Duration::minutes(1)) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(ts(now))
                .bind(token_id)
                .execute(&self.write)
                .await
                .map_err(backend)?;
        }
        Ok(Some((user_from_row(&r)?, token_id)))
    }

    async fn list_tokens(&self, user: Option<UserId>) -> StoreResult<Vec<TokenInfo>> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens
             WHERE $1 IS NULL OR user_id = $1 ORDER BY id",
        )
        .bind(user.map(|u| u.0))
        .fetch_all(&self.read)
        .await
        .map_err(backend)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2")
            .bind(ts(now))
            .bind(id)
            .execute(&self.write)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
