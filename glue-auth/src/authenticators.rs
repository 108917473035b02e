//! The two authenticators of SPEC §6.4 and §6.5: Bearer access tokens and API keys.

use std::sync::Arc;

use glue_core::http::HeaderValue;
use glue_core::http::header::WWW_AUTHENTICATE;
use glue_core::{AuthRequest, Authenticator, GlueError, Principal};

use crate::api_key::{ApiKeyStore, StaticApiKeys, authenticate_api_key};
use crate::token::{AccessTokens, TokenError};

/// Authenticates `Authorization: Bearer <token>` with the application's name as the token's
/// audience (SPEC §6.4): a token of another application, or a malformed, tampered or expired
/// one, is refused with 401 and `WWW-Authenticate: Bearer error="invalid_token"`.
#[derive(Debug, Clone)]
pub struct BearerAuthenticator {
    tokens: Arc<AccessTokens>,
}

impl BearerAuthenticator {
    /// Verifies tokens with these keys and settings.
    #[must_use]
    pub fn new(tokens: Arc<AccessTokens>) -> Self {
        Self { tokens }
    }
}

/// What `error_description` says of a refused token.
fn describe(error: &TokenError) -> &'static str {
    match error {
        TokenError::Expired => "The access token expired.",
        TokenError::WrongAudience => "The access token was issued for another application.",
        TokenError::BadSignature => "The access token signature does not verify.",
        TokenError::NotYetValid => "The access token is not valid yet.",
        TokenError::WrongIssuer => "The access token was issued by someone else.",
        _ => "The access token is malformed.",
    }
}

fn invalid_token(description: &'static str) -> GlueError {
    GlueError::unauthorized(description).with_header(
        WWW_AUTHENTICATE,
        HeaderValue::from_str(&format!(
            "Bearer error=\"invalid_token\", error_description=\"{description}\""
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("Bearer error=\"invalid_token\"")),
    )
}

impl Authenticator for BearerAuthenticator {
    async fn authenticate(
        &self,
        request: &AuthRequest<'_>,
    ) -> Result<Option<Principal>, GlueError> {
        // No `Authorization`, or another scheme: another authenticator's business.
        let Some(token) = request.authorization("Bearer") else {
            return Ok(None);
        };
        if token.is_empty() {
            return Err(invalid_token("The Bearer credentials are empty."));
        }
        match self.tokens.verify(token, request.application()) {
            Ok(principal) => Ok(Some(principal)),
            Err(error) => Err(invalid_token(describe(&error))),
        }
    }

    fn challenge(&self) -> Option<HeaderValue> {
        Some(HeaderValue::from_static("Bearer"))
    }

    fn authorization_schemes(&self) -> &'static [&'static str] {
        &["Bearer"]
    }

    fn security_schemes(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![(
            "bearerAuth",
            serde_json::json!({
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "An access token of this application (SPEC §6.1, §6.2).",
            }),
        )]
    }
}

/// The header that carries an API key.
pub const API_KEY_HEADER: &str = "x-api-key";
/// The query parameter that carries an API key.
pub const API_KEY_PARAMETER: &str = "api_key";

/// Authenticates `X-Api-Key: <key>` or `?api_key=<key>` (SPEC §6.5) against keys configured
/// in the application ([`StaticApiKeys`]) and keys created through the store; an unknown or
/// revoked key is refused with 401.
#[derive(Debug, Clone)]
pub struct ApiKeyAuthenticator<S> {
    store: S,
    statics: Arc<StaticApiKeys>,
}

impl<S: ApiKeyStore> ApiKeyAuthenticator<S> {
    /// Keys of `store`, and those of `statics`.
    #[must_use]
    pub fn new(store: S, statics: StaticApiKeys) -> Self {
        Self {
            store,
            statics: Arc::new(statics),
        }
    }
}

impl<S: ApiKeyStore> Authenticator for ApiKeyAuthenticator<S> {
    async fn authenticate(
        &self,
        request: &AuthRequest<'_>,
    ) -> Result<Option<Principal>, GlueError> {
        // The header and the query parameter: each key presented must be valid (SPEC §13.4),
        // the first decides who is calling.
        let mut presented: Vec<String> = Vec::with_capacity(2);
        if let Some(value) = request.headers().get(API_KEY_HEADER) {
            let text = value.to_str().map_err(|_| invalid_key())?;
            presented.push(text.trim().to_owned());
        }
        if let Some(value) = request.query_parameter(API_KEY_PARAMETER)
            && !presented.iter().any(|key| *key == *value)
        {
            presented.push(value.into_owned());
        }
        let mut principal = None;
        for key in &presented {
            if key.is_empty() {
                return Err(invalid_key());
            }
            match authenticate_api_key(&self.store, &self.statics, key).await {
                Ok(Some(found)) => {
                    principal.get_or_insert(found);
                }
                Ok(None) => return Err(invalid_key()),
                Err(error) => return Err(GlueError::internal(error)),
            }
        }
        Ok(principal)
    }

    fn credential_parameters(&self) -> &'static [&'static str] {
        &[API_KEY_PARAMETER]
    }

    fn security_schemes(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![
            (
                "apiKeyHeader",
                serde_json::json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"}),
            ),
            (
                "apiKeyQuery",
                serde_json::json!({"type": "apiKey", "in": "query", "name": API_KEY_PARAMETER}),
            ),
        ]
    }

    // No `challenge()`: a request without credentials is told about `Bearer` (SPEC §6.4);
    // a refused key carries [`API_KEY_CHALLENGE`].
}

/// The challenge of a refused key (RFC 9110 §11.6.1: every 401 names a scheme).
pub const API_KEY_CHALLENGE: &str = "ApiKey header=\"X-Api-Key\", query=\"api_key\"";

fn invalid_key() -> GlueError {
    GlueError::unauthorized("The API key is unknown or revoked.").with_header(
        WWW_AUTHENTICATE,
        HeaderValue::from_static(API_KEY_CHALLENGE),
    )
}
