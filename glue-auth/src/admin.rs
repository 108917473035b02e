//! `api-keys` (SPEC §6.5): API keys created and revoked by an administrator. The key itself
//! is shown once, in the answer to its creation; the store keeps only a digest of its secret.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use glue_core::body::BoxFuture;
use glue_core::{
    ApiResource, CollectionProvider, Context, CreateProcessor, DeleteProcessor, FieldError,
    GlueError, ItemProvider, Paginated, Processor,
};
use validator::Validate;

use crate::api_key::{ApiKeyStore, StoredApiKey, generate_api_key};
use crate::error::AuthError;

/// An API key as administrators see it.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    name = "ApiKeys",
    short_name = "api-keys",
    label = "API key",
    description = "Keys for integrations, sent as `X-Api-Key` or `api_key`. Only administrators manage them.",
    operations(
        Get,
        GetCollection,
        Post(
            description = "Creates a key; the answer is the only one that shows it",
            cache_control = "no-store"
        ),
        Delete(description = "Revokes a key; it stays listed with `revokedAt`")
    ),
    provider = ApiKeyAdmin,
    processor = ApiKeyAdmin,
    pagination(enabled = false),
    security = "is_granted('ROLE_ADMIN')",
    security_message = "Only administrators manage API keys."
)]
pub struct ApiKey {
    /// The key's id (the part of the key before its secret).
    #[api(identifier, writable = false)]
    pub id: String,
    /// What the key is for.
    #[api(required, example = "ERP import")]
    #[validate(length(min = 1, max = 100))]
    pub name: String,
    /// The roles the key carries, such as `ROLE_VIEWER`.
    #[api(required)]
    #[validate(length(min = 1, max = 20))]
    pub roles: Vec<String>,
    /// The key: present only in the answer to its creation.
    #[api(writable = false)]
    pub key: Option<String>,
    /// When the key was created.
    #[api(writable = false)]
    pub created_at: DateTime<Utc>,
    /// When the key was revoked, if it was.
    #[api(writable = false)]
    pub revoked_at: Option<DateTime<Utc>>,
}

fn instant(seconds: u64) -> DateTime<Utc> {
    DateTime::from_timestamp(i64::try_from(seconds).unwrap_or(i64::MAX), 0).unwrap_or_default()
}

impl From<StoredApiKey> for ApiKey {
    fn from(stored: StoredApiKey) -> Self {
        Self {
            id: stored.id,
            name: stored.name,
            roles: stored.roles,
            key: None,
            created_at: instant(stored.created_at),
            revoked_at: stored.revoked_at.map(instant),
        }
    }
}

/// The store of [`ApiKeyAdmin`], behind a trait object.
trait DynStore: Send + Sync + 'static {
    fn find<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<StoredApiKey>, AuthError>>;
    fn insert(&self, key: StoredApiKey) -> BoxFuture<'_, Result<(), AuthError>>;
    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredApiKey>, AuthError>>;
    fn revoke<'a>(&'a self, id: &'a str, at: u64) -> BoxFuture<'a, Result<bool, AuthError>>;
}

impl<S: ApiKeyStore> DynStore for S {
    fn find<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<StoredApiKey>, AuthError>> {
        Box::pin(ApiKeyStore::find(self, id))
    }

    fn insert(&self, key: StoredApiKey) -> BoxFuture<'_, Result<(), AuthError>> {
        Box::pin(ApiKeyStore::insert(self, key))
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredApiKey>, AuthError>> {
        Box::pin(ApiKeyStore::list(self))
    }

    fn revoke<'a>(&'a self, id: &'a str, at: u64) -> BoxFuture<'a, Result<bool, AuthError>> {
        Box::pin(ApiKeyStore::revoke(self, id, at))
    }
}

/// Provider and processor of [`ApiKey`] over an [`ApiKeyStore`].
#[derive(Clone)]
pub struct ApiKeyAdmin {
    store: Arc<dyn DynStore>,
}

impl std::fmt::Debug for ApiKeyAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyAdmin").finish_non_exhaustive()
    }
}

impl ApiKeyAdmin {
    /// Manages the keys of `store`.
    #[must_use]
    pub fn new(store: impl ApiKeyStore) -> Self {
        Self {
            store: Arc::new(store),
        }
    }
}

fn failed(error: AuthError) -> GlueError {
    GlueError::internal(error)
}

impl ItemProvider<ApiKey> for ApiKeyAdmin {
    async fn item(&self, ctx: &Context<ApiKey>) -> Result<Option<ApiKey>, GlueError> {
        let Some(id) = ctx.id() else {
            return Ok(None);
        };
        let found = self.store.find(id).await.map_err(failed)?;
        Ok(found.map(ApiKey::from))
    }
}

impl CollectionProvider<ApiKey> for ApiKeyAdmin {
    async fn collection(&self, _ctx: &Context<ApiKey>) -> Result<Paginated<ApiKey>, GlueError> {
        let keys = self.store.list().await.map_err(failed)?;
        Ok(Paginated::unpaginated(
            keys.into_iter().map(ApiKey::from).collect(),
        ))
    }
}

impl Processor<ApiKey> for ApiKeyAdmin {
    async fn validate(
        &self,
        _ctx: &Context<ApiKey>,
        key: &ApiKey,
        _previous: Option<&ApiKey>,
    ) -> Result<Vec<FieldError>, GlueError> {
        let mut errors = Vec::new();
        if key.name.trim().is_empty() {
            errors.push(FieldError::new("name", "must not be blank"));
        }
        for (index, role) in key.roles.iter().enumerate() {
            if !role.starts_with("ROLE_") || role.len() == 5 || role.contains(char::is_whitespace) {
                errors.push(FieldError::new(
                    format!("roles[{index}]"),
                    "must be a role name such as ROLE_VIEWER",
                ));
            }
        }
        Ok(errors)
    }
}

impl CreateProcessor<ApiKey> for ApiKeyAdmin {
    async fn create(&self, _ctx: &Context<ApiKey>, key: ApiKey) -> Result<ApiKey, GlueError> {
        let generated = generate_api_key();
        let stored = StoredApiKey {
            id: generated.id,
            name: key.name,
            secret_hash: generated.secret_hash,
            roles: key.roles,
            created_at: crate::now(),
            revoked_at: None,
        };
        self.store.insert(stored.clone()).await.map_err(failed)?;
        let mut created = ApiKey::from(stored);
        created.key = Some(generated.key);
        Ok(created)
    }
}

impl DeleteProcessor<ApiKey> for ApiKeyAdmin {
    async fn delete(&self, _ctx: &Context<ApiKey>, key: ApiKey) -> Result<(), GlueError> {
        // Revoking twice is not an error: the key stays revoked.
        self.store
            .revoke(&key.id, crate::now())
            .await
            .map_err(failed)?;
        Ok(())
    }
}
