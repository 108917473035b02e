//! The shop's credentials (SPEC §6, §11.2): back-office users for the backend, customers for
//! the storefront, refresh tokens and API keys, all in the shop's database.

use glue_auth::{
    ApiKeyStore, AuthError, Principal, PrincipalKind, RefreshRecord, RefreshTokenStore,
    StoredApiKey, StoredUser, UserStore,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::{Db, get_bool};

/// The role of storefront customers.
pub const ROLE_CUSTOMER: &str = "ROLE_CUSTOMER";
/// The role that may read the backend.
pub const ROLE_VIEWER: &str = "ROLE_VIEWER";
/// The role that may read and write the backend.
pub const ROLE_ADMIN: &str = "ROLE_ADMIN";

fn storage(error: sqlx::Error) -> AuthError {
    AuthError::storage(error)
}

/// Roles are stored space-separated.
fn roles(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
}

/// Back-office users: the accounts of `POST /token` on the backend.
#[derive(Debug, Clone)]
pub struct BackOfficeUsers {
    db: Db,
}

impl BackOfficeUsers {
    /// The users of the shop's database.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    fn principal(row: &AnyRow) -> Result<Principal, sqlx::Error> {
        let id: i64 = row.try_get("id_user")?;
        let username: String = row.try_get("username")?;
        let role_text: String = row.try_get("roles")?;
        let principal = roles(&role_text).fold(
            Principal::new(id.to_string(), username, PrincipalKind::User),
            Principal::with_role,
        );
        Ok(principal)
    }
}

impl UserStore for BackOfficeUsers {
    async fn find_by_username(&self, username: &str) -> Result<Option<StoredUser>, AuthError> {
        let row = sqlx::query(
            "SELECT id_user, username, password_hash, roles, is_active FROM back_office_users \
             WHERE lower(username) = lower($1)",
        )
        .bind(username)
        .fetch_optional(self.db.pool())
        .await
        .map_err(storage)?;
        let Some(row) = row else {
            return Ok(None);
        };
        if !get_bool(&row, "is_active").map_err(storage)? {
            return Ok(None);
        }
        Ok(Some(StoredUser {
            principal: Self::principal(&row).map_err(storage)?,
            password_hash: row.try_get("password_hash").map_err(storage)?,
        }))
    }

    async fn find_by_id(&self, id: &str) -> Result<Option<Principal>, AuthError> {
        let Ok(id) = id.parse::<i64>() else {
            return Ok(None);
        };
        let row = sqlx::query(
            "SELECT id_user, username, roles, is_active FROM back_office_users WHERE id_user = $1",
        )
        .bind(id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(storage)?;
        match row {
            Some(row) if get_bool(&row, "is_active").map_err(storage)? => {
                Ok(Some(Self::principal(&row).map_err(storage)?))
            }
            _ => Ok(None),
        }
    }
}

/// Customers: the accounts of `POST /access-tokens` on the storefront. The principal's id
/// and its `customerReference` claim are the customer reference.
#[derive(Debug, Clone)]
pub struct CustomerLogins {
    db: Db,
}

impl CustomerLogins {
    /// The customers of the shop's database.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    fn principal(row: &AnyRow) -> Result<Principal, sqlx::Error> {
        let reference: String = row.try_get("customer_reference")?;
        let email: String = row.try_get("email")?;
        Ok(
            Principal::new(reference.clone(), email, PrincipalKind::Customer)
                .with_role(ROLE_CUSTOMER)
                .with_claim("customerReference", reference),
        )
    }
}

impl UserStore for CustomerLogins {
    async fn find_by_username(&self, username: &str) -> Result<Option<StoredUser>, AuthError> {
        let row = sqlx::query(
            "SELECT customer_reference, email, password_hash, is_active FROM customers \
             WHERE lower(email) = lower($1)",
        )
        .bind(username)
        .fetch_optional(self.db.pool())
        .await
        .map_err(storage)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let hash: Option<String> = row.try_get("password_hash").map_err(storage)?;
        // A customer without a password or switched off cannot log in.
        let (Some(password_hash), true) = (hash, get_bool(&row, "is_active").map_err(storage)?)
        else {
            return Ok(None);
        };
        Ok(Some(StoredUser {
            principal: Self::principal(&row).map_err(storage)?,
            password_hash,
        }))
    }

    async fn find_by_id(&self, id: &str) -> Result<Option<Principal>, AuthError> {
        let row = sqlx::query(
            "SELECT customer_reference, email, is_active FROM customers \
             WHERE customer_reference = $1",
        )
        .bind(id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(storage)?;
        match row {
            Some(row) if get_bool(&row, "is_active").map_err(storage)? => {
                Ok(Some(Self::principal(&row).map_err(storage)?))
            }
            _ => Ok(None),
        }
    }
}

/// Refresh tokens of both applications, by the SHA-256 digest of the token.
#[derive(Debug, Clone)]
pub struct RefreshTokens {
    db: Db,
}

impl RefreshTokens {
    /// The refresh tokens of the shop's database.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn unix(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

impl RefreshTokenStore for RefreshTokens {
    async fn save(&self, record: RefreshRecord) -> Result<(), AuthError> {
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, subject, kind, audience, expires_at, family) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(record.token_hash)
        .bind(record.subject)
        .bind(record.kind.name())
        .bind(record.audience)
        .bind(unix(record.expires_at))
        .bind(record.family)
        .execute(self.db.pool())
        .await
        .map_err(storage)?;
        Ok(())
    }

    async fn consume(
        &self,
        token_hash: &str,
        audience: &str,
    ) -> Result<Option<RefreshRecord>, AuthError> {
        // One statement marks the token used and reads it: of two concurrent uses, one
        // finds `used_at` already set and gets no row.
        let row = sqlx::query(
            "UPDATE refresh_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND audience = $3 AND used_at IS NULL \
               AND NOT EXISTS (SELECT 1 FROM revoked_refresh_families r \
                               WHERE r.family = refresh_tokens.family) \
             RETURNING subject, kind, audience, expires_at, family",
        )
        .bind(unix(glue_auth::now()))
        .bind(token_hash)
        .bind(audience)
        .fetch_optional(self.db.pool())
        .await
        .map_err(storage)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let kind: String = row.try_get("kind").map_err(storage)?;
        let Some(kind) = PrincipalKind::from_name(&kind) else {
            return Ok(None);
        };
        Ok(Some(RefreshRecord {
            token_hash: token_hash.to_owned(),
            subject: row.try_get("subject").map_err(storage)?,
            kind,
            audience: row.try_get("audience").map_err(storage)?,
            expires_at: unsigned(row.try_get("expires_at").map_err(storage)?),
            family: row
                .try_get::<Option<String>, _>("family")
                .map_err(storage)?
                .unwrap_or_else(|| token_hash.to_owned()),
        }))
    }

    async fn spent_family(&self, token_hash: &str) -> Result<Option<String>, AuthError> {
        let row = sqlx::query(
            "SELECT COALESCE(family, token_hash) FROM refresh_tokens \
             WHERE token_hash = $1 AND used_at IS NOT NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.db.pool())
        .await
        .map_err(storage)?;
        row.map(|row| row.try_get::<String, _>(0))
            .transpose()
            .map_err(storage)
    }

    async fn revoke_family(&self, family: &str) -> Result<(), AuthError> {
        let now = unix(glue_auth::now());
        // The mark first: a renewal that saves its token after this still finds it refused.
        sqlx::query(
            "INSERT INTO revoked_refresh_families (family, revoked_at) VALUES ($1, $2) \
             ON CONFLICT (family) DO NOTHING",
        )
        .bind(family)
        .bind(now)
        .execute(self.db.pool())
        .await
        .map_err(storage)?;
        sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE family = $2 AND used_at IS NULL")
            .bind(now)
            .bind(family)
            .execute(self.db.pool())
            .await
            .map_err(storage)?;
        Ok(())
    }
}

/// API keys created through the backend's `api-keys` resource.
#[derive(Debug, Clone)]
pub struct ApiKeys {
    db: Db,
}

impl ApiKeys {
    /// The API keys of the shop's database.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    fn key(row: &AnyRow) -> Result<StoredApiKey, sqlx::Error> {
        let role_text: String = row.try_get("roles")?;
        let revoked: Option<i64> = row.try_get("revoked_at")?;
        Ok(StoredApiKey {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            secret_hash: row.try_get("secret_hash")?,
            roles: roles(&role_text).map(str::to_owned).collect(),
            created_at: unsigned(row.try_get("created_at")?),
            revoked_at: revoked.map(unsigned),
        })
    }
}

/// The columns an API key is read from.
macro_rules! api_key_columns {
    () => {
        "id, name, secret_hash, roles, created_at, revoked_at"
    };
}

impl ApiKeyStore for ApiKeys {
    async fn find(&self, id: &str) -> Result<Option<StoredApiKey>, AuthError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            api_key_columns!(),
            " FROM api_keys WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(storage)?;
        row.as_ref().map(Self::key).transpose().map_err(storage)
    }

    async fn insert(&self, key: StoredApiKey) -> Result<(), AuthError> {
        sqlx::query(
            "INSERT INTO api_keys (id, name, secret_hash, roles, created_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(key.id)
        .bind(key.name)
        .bind(key.secret_hash)
        .bind(key.roles.join(" "))
        .bind(unix(key.created_at))
        .bind(key.revoked_at.map(unix))
        .execute(self.db.pool())
        .await
        .map_err(storage)?;
        Ok(())
    }

    async fn list(&self) -> Result<Vec<StoredApiKey>, AuthError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            api_key_columns!(),
            " FROM api_keys ORDER BY created_at, id"
        ))
        .fetch_all(self.db.pool())
        .await
        .map_err(storage)?;
        rows.iter()
            .map(Self::key)
            .collect::<Result<_, _>>()
            .map_err(storage)
    }

    async fn revoke(&self, id: &str, at: u64) -> Result<bool, AuthError> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(unix(at))
                .bind(id)
                .execute(self.db.pool())
                .await
                .map_err(storage)?;
        Ok(done.rows_affected() > 0)
    }
}
