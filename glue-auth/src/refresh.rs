//! Opaque, single-use refresh tokens, stored hashed.

use std::future::Future;
use std::sync::Arc;

use crate::{AuthError, PrincipalKind};

/// Makes a refresh token: 32 random bytes, base64url without padding (43 characters, shown to
/// the client once), and its SHA-256 in lowercase hex (what the store keeps).
///
/// # Panics
///
/// When the operating system's random source fails.
#[must_use]
pub fn generate_refresh_token() -> (String, String) {
    let token = crate::random_token(32);
    let hash = hash_token(&token);
    (token, hash)
}

/// The SHA-256 of a token in lowercase hex: how a presented refresh token is looked up.
#[must_use]
pub fn hash_token(token: &str) -> String {
    crate::sha256_hex(token.as_bytes())
}

/// A stored refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRecord {
    /// The SHA-256 hex of the token ([`hash_token`]); the token itself is never stored.
    pub token_hash: String,
    /// The id of the principal it was issued to.
    pub subject: String,
    /// The kind of that principal.
    pub kind: PrincipalKind,
    /// The application it was issued for; it renews only there.
    pub audience: String,
    /// When it expires, in seconds since the Unix epoch.
    pub expires_at: u64,
    /// The login it descends from: the hash of the first refresh token of its chain. Every
    /// token renewed from it shares the family, so a reused token revokes them all
    /// (SPEC §13.2, refresh token rotation).
    pub family: String,
}

/// Where refresh tokens are kept.
///
/// Implement it over the application's database; [`MemoryStore`](crate::MemoryStore) keeps them
/// in memory.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a refresh-token store",
    label = "implement `glue_auth::RefreshTokenStore` for this type"
)]
pub trait RefreshTokenStore: Send + Sync + 'static {
    /// Stores a newly issued refresh token.
    fn save(&self, record: RefreshRecord) -> impl Future<Output = Result<(), AuthError>> + Send;

    /// Marks the token with this hash as used and returns it, if it exists, was unused and was
    /// issued for `audience` (a token presented to the wrong application is not used up).
    ///
    /// Must be atomic: of two concurrent calls for one hash, at most one gets `Some` (for
    /// example `UPDATE ... SET used_at = ? WHERE token_hash = ? AND audience = ? AND used_at
    /// IS NULL RETURNING ...`), and refuse a token whose family was revoked. Expiry is checked
    /// by the caller.
    fn consume(
        &self,
        token_hash: &str,
        audience: &str,
    ) -> impl Future<Output = Result<Option<RefreshRecord>, AuthError>> + Send;

    /// The family of the token with this hash if it was already used: a reuse, which the
    /// caller answers by revoking the family.
    fn spent_family(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<Option<String>, AuthError>> + Send;

    /// Marks every unused token of a family used, so that none renews again, and remembers the
    /// family as revoked: [`consume`](Self::consume) refuses its tokens from then on, also one
    /// saved afterwards by a renewal that raced with the revocation.
    fn revoke_family(&self, family: &str) -> impl Future<Output = Result<(), AuthError>> + Send;
}

impl<S: RefreshTokenStore> RefreshTokenStore for Arc<S> {
    fn save(&self, record: RefreshRecord) -> impl Future<Output = Result<(), AuthError>> + Send {
        (**self).save(record)
    }

    fn consume(
        &self,
        token_hash: &str,
        audience: &str,
    ) -> impl Future<Output = Result<Option<RefreshRecord>, AuthError>> + Send {
        (**self).consume(token_hash, audience)
    }

    fn spent_family(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<Option<String>, AuthError>> + Send {
        (**self).spent_family(token_hash)
    }

    fn revoke_family(&self, family: &str) -> impl Future<Output = Result<(), AuthError>> + Send {
        (**self).revoke_family(family)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn generated_token_is_long_url_safe_and_hashed() {
        let (token, hash) = generate_refresh_token();
        assert_eq!(token.len(), 43);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{token}"
        );
        assert_eq!(hash, hash_token(&token));
        assert_eq!(hash.len(), 64);
        assert!(hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    }

    #[test]
    fn generated_tokens_differ() {
        let tokens: HashSet<String> = (0..100).map(|_| generate_refresh_token().0).collect();
        assert_eq!(tokens.len(), 100);
    }

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hash_token(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
