//! Authenticate: the application's authenticators, in order, turn credentials into a
//! principal (SPEC §6.3 to §6.5), unless a layer in front of the router already put one into
//! the request (trusted as it is: such a layer answers for checking that it belongs to this
//! application). The principal lands in the request's extensions.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;
use glue_security::Principal;
use http::request::Parts;

use super::app::Auth;
use crate::auth::AuthRequest;
use crate::error::GlueError;

/// Every authenticator looks at the request: the first valid credentials authenticate, and
/// any credentials that are present but not valid refuse the request (RFC 6750 §3.1: an
/// invalid token is 401 whatever else the request carries), with the challenges of every
/// refusal. A panicking authenticator is a 500, logged.
pub(crate) async fn authenticate(
    auth: &Auth,
    parts: &mut Parts,
    application: &str,
) -> Result<(), GlueError> {
    if auth.authenticators.is_empty() || parts.extensions.get::<Principal>().is_some() {
        return Ok(());
    }
    let mut found = None;
    let mut refused: Option<GlueError> = None;
    {
        let request = AuthRequest::new(parts, application);
        for authenticator in &auth.authenticators {
            let outcome = AssertUnwindSafe(authenticator.authenticate(&request))
                .catch_unwind()
                .await
                .map_err(|panic| {
                    let message = super::body::panic_message(&*panic);
                    tracing::error!(application, panic = %message, "an authenticator panicked");
                    GlueError::internal(format!("panic: {message}"))
                })?;
            match outcome {
                Ok(Some(principal)) => {
                    found.get_or_insert(principal);
                }
                Ok(None) => {}
                Err(error) => {
                    refused = Some(match refused.take() {
                        Some(earlier) => earlier.merge(error),
                        None => error,
                    });
                }
            }
        }
    }
    if refused.is_none()
        && let Some(scheme) = unread_scheme(auth, parts)
    {
        let mut error = GlueError::unauthorized(format!(
            "The Authorization scheme {scheme:?} is not one this application reads."
        ));
        for challenge in &auth.challenges {
            error = error.with_appended_header(http::header::WWW_AUTHENTICATE, challenge.clone());
        }
        refused = Some(error);
    }
    match (found, refused) {
        (_, Some(error)) => Err(error),
        (Some(principal), None) => {
            parts.extensions.insert(principal);
            Ok(())
        }
        (None, None) => Ok(()),
    }
}

/// The scheme of an `Authorization` header that no authenticator reads, when some
/// authenticator says which schemes it reads.
fn unread_scheme(auth: &Auth, parts: &Parts) -> Option<String> {
    let value = parts.headers.get(http::header::AUTHORIZATION)?;
    let schemes: Vec<&str> = auth
        .authenticators
        .iter()
        .flat_map(|authenticator| authenticator.authorization_schemes().iter().copied())
        .collect();
    if schemes.is_empty() {
        return None;
    }
    let text = value.to_str().unwrap_or_default().trim();
    let scheme = text.split_whitespace().next().unwrap_or_default();
    (!schemes
        .iter()
        .any(|known| known.eq_ignore_ascii_case(scheme)))
    .then(|| scheme.chars().take(32).collect())
}
