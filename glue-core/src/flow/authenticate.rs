//! Authenticate: the application's authenticators, in order, turn credentials into a
//! principal (SPEC §6.3 to §6.5), unless a layer in front of the router already put one into
//! the request (trusted as it is: such a layer answers for checking that it belongs to this
//! application). The principal lands in the request's extensions.

use glue_security::Principal;
use http::request::Parts;

use super::app::Auth;
use crate::auth::AuthRequest;
use crate::error::GlueError;

/// The first valid credentials authenticate; bad ones are refused (401) only when no others
/// are valid (a stale bearer token beside a valid API key is not an error).
pub(crate) async fn authenticate(
    auth: &Auth,
    parts: &mut Parts,
    application: &str,
) -> Result<(), GlueError> {
    if auth.authenticators.is_empty() || parts.extensions.get::<Principal>().is_some() {
        return Ok(());
    }
    let mut found = None;
    let mut refused = None;
    {
        let request = AuthRequest::new(parts, application);
        for authenticator in &auth.authenticators {
            match authenticator.authenticate(&request).await {
                Ok(Some(principal)) => {
                    found = Some(principal);
                    break;
                }
                Ok(None) => {}
                Err(error) => {
                    refused.get_or_insert(error);
                }
            }
        }
    }
    match (found, refused) {
        (Some(principal), _) => {
            parts.extensions.insert(principal);
            Ok(())
        }
        (None, Some(error)) => Err(error),
        (None, None) => Ok(()),
    }
}
