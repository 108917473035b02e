//! The error of the authentication core.

use std::error::Error as StdError;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// A failure of the authentication machinery itself, as opposed to a client presenting bad
/// credentials (which is an `Ok(None)`, a [`TokenError`](crate::TokenError) or a
/// [`GrantError`](crate::GrantError)).
///
/// The message never includes a password, token, key or hash; the cause is kept as the
/// [`source`](StdError::source) for the log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// A user, refresh-token or API-key store failed.
    #[error("the authentication store failed")]
    Storage(#[source] BoxError),
    /// Hashing a password failed.
    #[error("hashing the password failed")]
    Hashing(#[source] BoxError),
    /// Signing or encoding an access token failed.
    #[error("encoding the access token failed")]
    TokenEncoding(#[source] BoxError),
    /// A principal carries an extra claim whose name a token reserves for itself (such as
    /// `sub` or `roles`), so it could not survive the round trip through a token.
    #[error("the principal's claim `{0}` collides with a reserved token claim")]
    ReservedClaim(String),
    /// The configuration is unusable (a signing secret too short); the text says how.
    #[error("{0}")]
    Configuration(String),
}

impl AuthError {
    /// Wraps the failure of a store (a database error, a lost connection).
    pub fn storage(error: impl StdError + Send + Sync + 'static) -> Self {
        Self::Storage(Box::new(error))
    }

    pub(crate) fn hashing(error: impl StdError + Send + Sync + 'static) -> Self {
        Self::Hashing(Box::new(error))
    }

    pub(crate) fn token_encoding(error: impl StdError + Send + Sync + 'static) -> Self {
        Self::TokenEncoding(Box::new(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("connection to db at postgres://admin:hunter2@db refused")]
    struct DbError;

    #[test]
    fn storage_error_keeps_the_cause_as_source_but_not_in_the_message() {
        let error = AuthError::storage(DbError);
        assert_eq!(error.to_string(), "the authentication store failed");
        let source = error.source().expect("a source");
        assert!(source.to_string().contains("refused"));
    }

    #[test]
    fn auth_error_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<AuthError>();
    }
}
