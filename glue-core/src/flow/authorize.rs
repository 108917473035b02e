//! Authorize: a `security` rule that reads no item runs before the provider (SPEC §6.6):
//! 401 without a principal, 403 with one. Rules that read the item run in the handler, once
//! it is loaded.

use super::app::Auth;
use super::negotiate::Chosen;
use crate::context::RequestContext;
use crate::error::GlueError;
use crate::security::Guard;

/// Checks the operation's `security` when it can run before the provider.
pub(crate) fn early(
    auth: &Auth,
    chosen: &Chosen<'_>,
    request: &RequestContext,
) -> Result<(), GlueError> {
    let security = &chosen.operation.security;
    match &security.security {
        Some(rule) if security.security_is_early(chosen.operation.operation.kind) => {
            // Voters are user code: a panic is a 500, logged, not a reset connection.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                guard(auth).check_early(rule, &request.facts())
            }))
            .unwrap_or_else(|panic| {
                let message = super::body::panic_message(&*panic);
                tracing::error!(panic = %message, "a voter panicked");
                Err(GlueError::internal(format!("panic: {message}")))
            })
        }
        _ => Ok(()),
    }
}

/// What security checks need from the application.
pub(crate) fn guard(auth: &Auth) -> Guard<'_> {
    Guard {
        voters: &auth.voters,
        challenges: &auth.challenges,
    }
}
