//! `access-tokens` and `refresh-tokens` (SPEC §6.2): the storefront's token endpoints as
//! JSON:API resources, so that they speak the convention of every other storefront resource.

use std::sync::Arc;

use glue_core::http::HeaderValue;
use glue_core::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use glue_core::{ApiResource, ClientAddress, Context, CreateProcessor, GlueError, Processor};

use crate::endpoint::TokenGrants;
use crate::grant::{GrantError, TokenPair};

/// A login: the client sends `username` and `password`, the answer carries the tokens.
#[derive(ApiResource, Clone, Debug, Default)]
#[api(
    name = "AccessTokens",
    short_name = "access-tokens",
    label = "Access token",
    description = "Log in with a username and password to receive an access token and a refresh token.",
    operations(Post(description = "Logs in")),
    processor = TokenProcessor,
    cache_control = "no-store"
)]
pub struct AccessToken {
    /// An id of this grant (the tokens themselves are the credentials).
    #[api(identifier, writable = false)]
    pub id: String,
    /// The login name.
    #[api(required, readable = false, example = "customer1@example.com")]
    pub username: String,
    /// The password.
    #[api(required, readable = false, format = "password", example = "change123")]
    pub password: String,
    /// Always `Bearer`.
    #[api(writable = false, example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[api(writable = false, example = 28800)]
    pub expires_in: u64,
    /// The access token, sent as `Authorization: Bearer <token>`.
    #[api(writable = false)]
    pub access_token: String,
    /// The refresh token, for `refresh-tokens`.
    #[api(writable = false)]
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    #[api(writable = false, example = 2_592_000)]
    pub refresh_token_expires_in: u64,
}

/// A renewal: the client sends a `refreshToken`, the answer carries a new pair; the token sent
/// cannot be used again.
#[derive(ApiResource, Clone, Debug, Default)]
#[api(
    name = "RefreshTokens",
    short_name = "refresh-tokens",
    label = "Refresh token",
    description = "Trade a refresh token for a new access token and refresh token.",
    operations(Post(description = "Renews the tokens")),
    processor = TokenProcessor,
    cache_control = "no-store"
)]
pub struct RefreshToken {
    /// An id of this grant.
    #[api(identifier, writable = false)]
    pub id: String,
    /// Sent: the refresh token to trade; answered: the new one.
    #[api(required)]
    pub refresh_token: String,
    /// Always `Bearer`.
    #[api(writable = false, example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[api(writable = false, example = 28800)]
    pub expires_in: u64,
    /// The access token.
    #[api(writable = false)]
    pub access_token: String,
    /// Seconds until the new refresh token expires.
    #[api(writable = false, example = 2_592_000)]
    pub refresh_token_expires_in: u64,
}

/// Grants the tokens of both resources through a token service.
#[derive(Clone)]
pub struct TokenProcessor {
    grants: Arc<dyn TokenGrants>,
}

impl std::fmt::Debug for TokenProcessor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenProcessor").finish_non_exhaustive()
    }
}

impl TokenProcessor {
    /// Grants through `grants` (a [`TokenService`](crate::TokenService)).
    #[must_use]
    pub fn new(grants: impl TokenGrants) -> Self {
        Self {
            grants: Arc::new(grants),
        }
    }

    /// Grants through a shared service.
    #[must_use]
    pub fn shared(grants: Arc<dyn TokenGrants>) -> Self {
        Self { grants }
    }
}

/// A refused grant: 401 for credentials (SPEC §6.2), with the scheme the tokens are used
/// with as challenge; 429 or 503 with `Retry-After` under a flood (SPEC §13.2); 500 for
/// failures.
fn refused(error: GrantError, detail: &str) -> GlueError {
    match error {
        GrantError::Server(cause) => GlueError::internal(cause),
        GrantError::Throttled(_) | GrantError::Busy => unavailable(&error),
        _ => GlueError::unauthorized(detail)
            .with_code("invalid_grant")
            .with_header(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")),
    }
}

/// 429 or 503 with `Retry-After`: a throttled login, or a full hashing pool.
pub(crate) fn unavailable(error: &GrantError) -> GlueError {
    let seconds = error.retry_after().unwrap_or(1);
    GlueError::new(error.status(), error.description())
        .with_code(error.code())
        .with_header(RETRY_AFTER, HeaderValue::from(seconds))
}

fn grant_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Processor<AccessToken> for TokenProcessor {}

impl CreateProcessor<AccessToken> for TokenProcessor {
    async fn create(
        &self,
        ctx: &Context<AccessToken>,
        login: AccessToken,
    ) -> Result<AccessToken, GlueError> {
        let pair = self
            .grants
            .password(
                &login.username,
                &login.password,
                ctx.extensions().get::<ClientAddress>(),
            )
            .await
            .map_err(|error| refused(error, "The username or password is incorrect."))?;
        Ok(access_token(pair))
    }
}

fn access_token(pair: TokenPair) -> AccessToken {
    AccessToken {
        id: grant_id(),
        username: String::new(),
        password: String::new(),
        token_type: pair.token_type.to_owned(),
        expires_in: pair.expires_in,
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
        refresh_token_expires_in: pair.refresh_expires_in,
    }
}

impl Processor<RefreshToken> for TokenProcessor {}

impl CreateProcessor<RefreshToken> for TokenProcessor {
    async fn create(
        &self,
        _ctx: &Context<RefreshToken>,
        renewal: RefreshToken,
    ) -> Result<RefreshToken, GlueError> {
        let pair = self
            .grants
            .refresh(&renewal.refresh_token)
            .await
            .map_err(|error| {
                refused(
                    error,
                    "The refresh token is unknown, expired or already used.",
                )
            })?;
        Ok(RefreshToken {
            id: grant_id(),
            refresh_token: pair.refresh_token,
            token_type: pair.token_type.to_owned(),
            expires_in: pair.expires_in,
            access_token: pair.access_token,
            refresh_token_expires_in: pair.refresh_expires_in,
        })
    }
}
