//! `POST /token` (SPEC §6.1): the OAuth 2.0 token endpoint of the backend, with the password
//! and refresh_token grants and RFC 6749 §5.2 error bodies.

use std::sync::Arc;

use glue_core::body::BoxFuture;
use glue_core::http::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA, RETRY_AFTER};
use glue_core::http::{HeaderValue, Response, StatusCode};
use glue_core::{Body, ClientAddress, Endpoint, EndpointRequest, GlueError};
use serde::Serialize;

use crate::grant::{GrantError, TokenPair, TokenService};
use crate::refresh::RefreshTokenStore;
use crate::users::UserStore;

/// The two grants, behind a trait object so that endpoints and resources need not carry the
/// stores' types.
pub trait TokenGrants: Send + Sync + 'static {
    /// The password grant, for a request from `client` when the server said whom.
    fn password<'a>(
        &'a self,
        username: &'a str,
        password: &'a str,
        client: Option<&'a ClientAddress>,
    ) -> BoxFuture<'a, Result<TokenPair, GrantError>>;

    /// The refresh_token grant.
    fn refresh<'a>(
        &'a self,
        refresh_token: &'a str,
    ) -> BoxFuture<'a, Result<TokenPair, GrantError>>;
}

impl<U: UserStore, R: RefreshTokenStore> TokenGrants for TokenService<U, R> {
    fn password<'a>(
        &'a self,
        username: &'a str,
        password: &'a str,
        client: Option<&'a ClientAddress>,
    ) -> BoxFuture<'a, Result<TokenPair, GrantError>> {
        Box::pin(self.password_grant_from(username, password, client))
    }

    fn refresh<'a>(
        &'a self,
        refresh_token: &'a str,
    ) -> BoxFuture<'a, Result<TokenPair, GrantError>> {
        Box::pin(self.refresh_grant(refresh_token))
    }
}

/// The token endpoint: mount it with
/// `Application::route("/token", [Method::POST], TokenEndpoint::new(service))`.
///
/// The body is `application/x-www-form-urlencoded` (RFC 6749) or a JSON object of strings.
#[derive(Clone)]
pub struct TokenEndpoint {
    grants: Arc<dyn TokenGrants>,
}

impl std::fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenEndpoint").finish_non_exhaustive()
    }
}

impl TokenEndpoint {
    /// Grants tokens through `grants` (a [`TokenService`]).
    #[must_use]
    pub fn new(grants: impl TokenGrants) -> Self {
        Self {
            grants: Arc::new(grants),
        }
    }

    /// Grants tokens through a shared service.
    #[must_use]
    pub fn shared(grants: Arc<dyn TokenGrants>) -> Self {
        Self { grants }
    }

    async fn grant(&self, request: &EndpointRequest) -> Result<TokenPair, GrantError> {
        let params = parameters(request)?;
        let get = |name: &str| -> Result<&str, GrantError> {
            params
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
                .filter(|value| !value.is_empty())
                .ok_or_else(|| {
                    GrantError::InvalidRequest(format!("The `{name}` parameter is missing."))
                })
        };
        match get("grant_type")? {
            "password" => {
                let username = get("username")?;
                let password = get("password")?;
                let client = request.parts().extensions.get::<ClientAddress>();
                self.grants.password(username, password, client).await
            }
            "refresh_token" => self.grants.refresh(get("refresh_token")?).await,
            other => Err(GrantError::UnsupportedGrantType(other.to_owned())),
        }
    }
}

/// The most parameters a token request may carry; the grants need four at most.
const MAX_PARAMETERS: usize = 16;

/// The parameters of the body; a repeated parameter is an error (RFC 6749 §3.2), and so is a
/// body with more than [`MAX_PARAMETERS`] of them.
fn parameters(request: &EndpointRequest) -> Result<Vec<(String, String)>, GrantError> {
    let media = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let too_many = || {
        GrantError::InvalidRequest(format!(
            "A token request carries at most {MAX_PARAMETERS} parameters."
        ))
    };
    let mut params: Vec<(String, String)> = Vec::new();
    match media.as_str() {
        "application/x-www-form-urlencoded" => {
            for (key, value) in form_urlencoded::parse(request.body()) {
                if params.len() == MAX_PARAMETERS {
                    return Err(too_many());
                }
                params.push((key.into_owned(), value.into_owned()));
            }
        }
        "application/json" => {
            let pairs: JsonParameters = serde_json::from_slice(request.body()).map_err(|_| {
                GrantError::InvalidRequest(
                    "The body is not a JSON object of at most 16 string parameters.".to_owned(),
                )
            })?;
            params = pairs.0;
        }
        _ => {
            return Err(GrantError::InvalidRequest(
                "Send the parameters as application/x-www-form-urlencoded.".to_owned(),
            ));
        }
    }
    let mut seen = std::collections::HashSet::with_capacity(params.len());
    for (key, _) in &params {
        if !seen.insert(key.as_str()) {
            return Err(GrantError::InvalidRequest(format!(
                "The `{key}` parameter is repeated."
            )));
        }
    }
    Ok(params)
}

/// A JSON object of string members, in order and with repeated names kept (so that they can
/// be refused), of at most [`MAX_PARAMETERS`] members.
struct JsonParameters(Vec<(String, String)>);

impl<'de> serde::Deserialize<'de> for JsonParameters {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;

        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = JsonParameters;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of string parameters")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    if pairs.len() == MAX_PARAMETERS {
                        return Err(serde::de::Error::custom("too many parameters"));
                    }
                    pairs.push((key, value));
                }
                Ok(JsonParameters(pairs))
            }
        }

        deserializer.deserialize_map(Members)
    }
}

#[derive(Serialize)]
struct Success<'a> {
    token_type: &'a str,
    expires_in: u64,
    access_token: &'a str,
    refresh_token: &'a str,
}

#[derive(Serialize)]
struct Failure<'a> {
    error: &'a str,
    error_description: &'a str,
}

/// A JSON answer that caches may not keep (RFC 6749 §5.1).
fn answer(status: StatusCode, body: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

impl Endpoint for TokenEndpoint {
    fn describe(&self, _method: &glue_core::http::Method) -> Option<serde_json::Value> {
        let form = serde_json::json!({
            "type": "object",
            "required": ["grant_type"],
            "properties": {
                "grant_type": {"enum": ["password", "refresh_token"]},
                "username": {"type": "string", "description": "For the password grant."},
                "password": {
                    "type": "string",
                    "format": "password",
                    "writeOnly": true,
                    "description": "For the password grant.",
                },
                "refresh_token": {
                    "type": "string",
                    "description": "For the refresh_token grant: a refresh token, usable once.",
                },
            },
            "additionalProperties": false,
        });
        let no_store = serde_json::json!({
            "Cache-Control": {"schema": {"type": "string", "const": "no-store"}},
        });
        Some(serde_json::json!({
            "tags": ["token"],
            "operationId": "token.post",
            "summary": "Issues an access token and a refresh token (OAuth 2.0 password and refresh_token grants)",
            "requestBody": {
                "required": true,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": form},
                    "application/json": {"schema": form},
                },
            },
            "responses": {
                "200": {
                    "description": "The tokens",
                    "headers": no_store,
                    "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["token_type", "expires_in", "access_token", "refresh_token"],
                        "properties": {
                            "token_type": {"const": "Bearer"},
                            "expires_in": {"type": "integer", "minimum": 0},
                            "access_token": {"type": "string"},
                            "refresh_token": {"type": "string"},
                        },
                        "additionalProperties": false,
                    }}},
                },
                "400": {
                    "description": "RFC 6749 §5.2: invalid_request, invalid_grant, unsupported_grant_type",
                    "headers": no_store,
                    "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["error"],
                        "properties": {
                            "error": {"enum": ["invalid_request", "invalid_grant", "unsupported_grant_type"]},
                            "error_description": {"type": "string"},
                        },
                        "additionalProperties": false,
                    }}},
                },
                "413": {"description": "The body is too large."},
                "429": {
                    "description": "Too many failed logins for this username lately (SPEC §13.2).",
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    "content": {"application/json": {"schema": {"type": "object", "required": ["error"]}}},
                },
                "503": {
                    "description": "Every password-hashing slot is busy; try again.",
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    "content": {"application/json": {"schema": {"type": "object", "required": ["error"]}}},
                },
            },
        }))
    }

    async fn call(&self, request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        match self.grant(&request).await {
            Ok(pair) => {
                let body = serde_json::to_vec(&Success {
                    token_type: pair.token_type,
                    expires_in: pair.expires_in,
                    access_token: &pair.access_token,
                    refresh_token: &pair.refresh_token,
                })
                .map_err(GlueError::internal)?;
                Ok(answer(StatusCode::OK, body))
            }
            Err(error) => {
                if let GrantError::Server(cause) = &error {
                    tracing::error!(error = %cause, "the token endpoint failed");
                }
                let description = error.description();
                let body = serde_json::to_vec(&Failure {
                    error: error.code(),
                    error_description: &description,
                })
                .map_err(GlueError::internal)?;
                let mut response = answer(error.status(), body);
                if let Some(seconds) = error.retry_after() {
                    response
                        .headers_mut()
                        .insert(RETRY_AFTER, HeaderValue::from(seconds));
                }
                Ok(response)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use glue_core::http::{Method, Request, StatusCode};
    use glue_core::{Application, ClientAddress, Router};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;
    use crate::{
        AccessToken, AccessTokens, MemoryStore, MemoryThrottle, Principal, PrincipalKind,
        TokenKeys, TokenProcessor, TokenSettings,
    };

    /// `POST /token` and `POST /access-tokens` over one service whose client addresses may
    /// fail twice.
    fn router() -> Router {
        let store = MemoryStore::new();
        store
            .add_user(
                "ada",
                "s3cret",
                Principal::new("u-1", "ada", PrincipalKind::Customer),
            )
            .unwrap();
        let service = TokenService::new(
            AccessTokens::new(
                TokenKeys::from_secret(b"endpoint-test-secret"),
                TokenSettings::default(),
            ),
            "shop",
            store.clone(),
            store,
        )
        .with_address_throttle(MemoryThrottle::new(2, Duration::from_secs(60)));
        let grants: Arc<dyn TokenGrants> = Arc::new(service);
        Application::new("shop")
            .convention(glue_jsonapi::JsonApi::new())
            .route(
                "/token",
                [Method::POST],
                TokenEndpoint::shared(Arc::clone(&grants)),
            )
            .resource::<AccessToken>((), TokenProcessor::shared(grants))
            .build()
    }

    async fn status(router: &Router, request: Request<String>) -> StatusCode {
        let response = router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        let status = response.status();
        let _ = response.into_body().collect().await;
        status
    }

    fn form(user: &str, password: &str, client: Option<&str>) -> Request<String> {
        let mut request = Request::post("/token")
            .header("host", "shop.test")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=password&username={user}&password={password}"
            ))
            .unwrap();
        if let Some(client) = client {
            request
                .extensions_mut()
                .insert(ClientAddress(client.parse().unwrap()));
        }
        request
    }

    fn resource(user: &str, password: &str, client: &str) -> Request<String> {
        let mut request = Request::post("/access-tokens")
            .header("host", "shop.test")
            .header("content-type", "application/vnd.api+json")
            .body(format!(
                r#"{{"data":{{"type":"access-tokens","attributes":{{"username":"{user}","password":"{password}"}}}}}}"#
            ))
            .unwrap();
        request
            .extensions_mut()
            .insert(ClientAddress(client.parse().unwrap()));
        request
    }

    /// Both login routes read the client's address from the request and count failures
    /// against it (SPEC §13.2).
    #[tokio::test]
    async fn both_login_routes_throttle_the_client_address() {
        let router = router();
        let client = Some("198.51.100.4");
        for user in ["u1", "u2"] {
            let answer = status(&router, form(user, "guess", client)).await;
            assert_eq!(answer, StatusCode::BAD_REQUEST);
        }
        assert_eq!(
            status(&router, form("u3", "guess", client)).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            status(&router, resource("ada", "s3cret", "198.51.100.4")).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        // Another address logs in, through either route; a request without an address is
        // counted per username only.
        assert_eq!(
            status(&router, form("ada", "s3cret", Some("198.51.100.5"))).await,
            StatusCode::OK
        );
        assert_eq!(
            status(&router, resource("ada", "s3cret", "198.51.100.6")).await,
            StatusCode::CREATED
        );
        assert_eq!(
            status(&router, form("ada", "s3cret", None)).await,
            StatusCode::OK
        );
        // The storefront route counts failures too.
        for user in ["u4", "u5"] {
            let answer = status(&router, resource(user, "guess", "198.51.100.7")).await;
            assert_eq!(answer, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(
            status(&router, form("ada", "s3cret", Some("198.51.100.7"))).await,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
}
