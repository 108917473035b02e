//! Authentication: how a request becomes a [`Principal`] (SPEC §6.3 to §6.5).
//!
//! An application runs its authenticators in the order they were added, after routing and
//! negotiation and before the query is parsed. The first valid credentials yield the
//! principal; bad credentials (401) count only when no authenticator accepts any. A request
//! whose extensions already hold a [`Principal`] (set by the user's own tower layer) is not
//! authenticated again.

use std::borrow::Cow;
use std::future::Future;

use glue_security::Principal;
use http::request::Parts;
use http::{Extensions, HeaderMap, HeaderValue, Method, Uri};

use crate::body::BoxFuture;
use crate::error::GlueError;

/// The address of the client a request came from, as the server that accepted the
/// connection saw it: `glue_server::Server` puts it into every request's extensions, and a
/// login throttle counts failures per address with it (SPEC §13.2).
///
/// Behind a reverse proxy the peer is the proxy: a layer that trusts the proxy's
/// `Forwarded` header may insert the client's address instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddress(pub std::net::IpAddr);

impl ClientAddress {
    /// The key a throttle counts this client under: the address itself for IPv4, its /64
    /// network for IPv6 (where one client holds a whole /64).
    #[must_use]
    pub fn throttle_key(&self) -> String {
        match self.0 {
            std::net::IpAddr::V4(address) => address.to_string(),
            std::net::IpAddr::V6(address) => {
                let segments = address.segments();
                let network = std::net::Ipv6Addr::new(
                    segments[0],
                    segments[1],
                    segments[2],
                    segments[3],
                    0,
                    0,
                    0,
                    0,
                );
                format!("{network}/64")
            }
        }
    }
}

/// The request head an authenticator reads.
#[derive(Debug, Clone, Copy)]
pub struct AuthRequest<'a> {
    parts: &'a Parts,
    application: &'a str,
}

impl<'a> AuthRequest<'a> {
    /// A request to authenticate for an application (its name is the audience of its tokens).
    #[must_use]
    pub fn new(parts: &'a Parts, application: &'a str) -> Self {
        Self { parts, application }
    }

    /// The application the request is addressed to (`backend`).
    #[must_use]
    pub fn application(&self) -> &'a str {
        self.application
    }

    /// The request method.
    #[must_use]
    pub fn method(&self) -> &'a Method {
        &self.parts.method
    }

    /// The request URI.
    #[must_use]
    pub fn uri(&self) -> &'a Uri {
        &self.parts.uri
    }

    /// The request headers.
    #[must_use]
    pub fn headers(&self) -> &'a HeaderMap {
        &self.parts.headers
    }

    /// The request extensions.
    #[must_use]
    pub fn extensions(&self) -> &'a Extensions {
        &self.parts.extensions
    }

    /// A query parameter, percent-decoded (`api_key`).
    #[must_use]
    pub fn query_parameter(&self, name: &str) -> Option<Cow<'a, str>> {
        let query = self.parts.uri.query()?;
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// The credentials of an `Authorization` header of the given scheme (`Bearer`), the scheme
    /// compared without regard to case as RFC 9110 says; empty when the header names the
    /// scheme alone. `None` without such a header.
    #[must_use]
    pub fn authorization(&self, scheme: &str) -> Option<&'a str> {
        let value = self
            .parts
            .headers
            .get(http::header::AUTHORIZATION)?
            .to_str()
            .ok()?
            .trim();
        let (given, credentials) = value.split_once(' ').unwrap_or((value, ""));
        given
            .eq_ignore_ascii_case(scheme)
            .then(|| credentials.trim())
    }
}

/// Turns credentials into a [`Principal`].
///
/// ```
/// use glue_core::{AuthRequest, Authenticator, GlueError, Principal, PrincipalKind};
///
/// /// Trusts an `X-User` header set by a gateway in front of the service.
/// struct GatewayHeader;
///
/// impl Authenticator for GatewayHeader {
///     async fn authenticate(
///         &self,
///         request: &AuthRequest<'_>,
///     ) -> Result<Option<Principal>, GlueError> {
///         let Some(user) = request.headers().get("x-user") else {
///             return Ok(None);
///         };
///         let user = user
///             .to_str()
///             .map_err(|_| GlueError::unauthorized("The X-User header is not text."))?;
///         Ok(Some(
///             Principal::new(user, user, PrincipalKind::User).with_role("ROLE_VIEWER"),
///         ))
///     }
/// }
/// ```
pub trait Authenticator: Send + Sync + 'static {
    /// `Ok(None)` when the request carries no credentials of this kind (the next
    /// authenticator is asked); `Ok(Some(_))` when they are valid; `Err` (401, with a
    /// `WWW-Authenticate` header where the scheme has one) when they are present but wrong.
    fn authenticate(
        &self,
        request: &AuthRequest<'_>,
    ) -> impl Future<Output = Result<Option<Principal>, GlueError>> + Send;

    /// The `WWW-Authenticate` challenge sent with a 401 when an operation needs a principal
    /// and the request has none (`Bearer`).
    fn challenge(&self) -> Option<HeaderValue> {
        None
    }

    /// The query parameters that carry this authenticator's credentials (`api_key`): they
    /// never reach the query parser and never appear in links.
    fn credential_parameters(&self) -> &'static [&'static str] {
        &[]
    }

    /// The OpenAPI security schemes this authenticator accepts, by name
    /// (`("bearerAuth", {"type": "http", "scheme": "bearer"})`), for the OpenAPI document.
    fn security_schemes(&self) -> Vec<(&'static str, serde_json::Value)> {
        Vec::new()
    }

    /// The `Authorization` schemes this authenticator reads (`Bearer`). When some
    /// authenticator names schemes, an `Authorization` header in a scheme none of them reads
    /// is refused with 401 (SPEC §13.4: credentials the application cannot check are not
    /// ignored).
    fn authorization_schemes(&self) -> &'static [&'static str] {
        &[]
    }
}

/// The object-safe face of [`Authenticator`].
pub(crate) trait ErasedAuthenticator: Send + Sync {
    fn authenticate<'a>(
        &'a self,
        request: &'a AuthRequest<'a>,
    ) -> BoxFuture<'a, Result<Option<Principal>, GlueError>>;
    fn challenge(&self) -> Option<HeaderValue>;
    fn credential_parameters(&self) -> &'static [&'static str];
    fn security_schemes(&self) -> Vec<(&'static str, serde_json::Value)>;
    fn authorization_schemes(&self) -> &'static [&'static str];
}

impl<A: Authenticator> ErasedAuthenticator for A {
    fn authenticate<'a>(
        &'a self,
        request: &'a AuthRequest<'a>,
    ) -> BoxFuture<'a, Result<Option<Principal>, GlueError>> {
        Box::pin(Authenticator::authenticate(self, request))
    }

    fn challenge(&self) -> Option<HeaderValue> {
        Authenticator::challenge(self)
    }

    fn credential_parameters(&self) -> &'static [&'static str] {
        Authenticator::credential_parameters(self)
    }

    fn security_schemes(&self) -> Vec<(&'static str, serde_json::Value)> {
        Authenticator::security_schemes(self)
    }

    fn authorization_schemes(&self) -> &'static [&'static str] {
        Authenticator::authorization_schemes(self)
    }
}
