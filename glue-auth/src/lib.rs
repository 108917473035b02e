//! Authentication and authorization for Glue.
//!
//! This crate holds the transport-independent core of authentication (SPEC §6):
//!
//! - [`AccessTokens`]: signed, expiring access tokens (HS256 JWTs) that carry a [`Principal`]
//!   and name the application they were issued for as audience, so that any replica verifies
//!   them and a storefront token is refused by the backend and vice versa;
//! - [`hash_password`] and [`verify_password`]: Argon2id password hashes;
//! - opaque, single-use refresh tokens, stored hashed in a [`RefreshTokenStore`];
//! - [`TokenService`]: the OAuth2 password and refresh-token grants over a [`UserStore`];
//! - API keys (`glk_<id>_<secret>`) kept hashed in an [`ApiKeyStore`] or configured as
//!   [`StaticApiKeys`], checked by [`authenticate_api_key`];
//! - [`MemoryStore`], an in-memory implementation of the three stores.
//!
//! Principals, voters and the security-expression language come from `glue-security` and are
//! re-exported here.
//!
//! ```
//! use glue_auth::{AccessTokens, Principal, PrincipalKind, TokenError, TokenKeys, TokenSettings};
//!
//! let tokens = AccessTokens::new(TokenKeys::random(), TokenSettings::default());
//! let ada = Principal::new("42", "ada", PrincipalKind::User).with_role("ROLE_ADMIN");
//!
//! let issued = tokens.issue(&ada, "backend")?;
//! assert_eq!(issued.expires_in, 28_800);
//! assert_eq!(tokens.verify(&issued.token, "backend")?, ada);
//!
//! // A backend token is no storefront token.
//! assert_eq!(tokens.verify(&issued.token, "storefront"), Err(TokenError::WrongAudience));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod admin;
mod api_key;
mod authenticators;
mod endpoint;
mod error;
mod grant;
mod memory;
mod password;
mod refresh;
mod storefront;
pub mod throttle;
mod token;
mod users;

pub use admin::{ApiKey, ApiKeyAdmin};
pub use api_key::{
    ApiKeyStore, NewApiKey, StaticApiKeys, StoredApiKey, authenticate_api_key, generate_api_key,
    parse_api_key, secret_matches,
};
pub use authenticators::{
    API_KEY_CHALLENGE, API_KEY_HEADER, API_KEY_PARAMETER, ApiKeyAuthenticator, BearerAuthenticator,
};
pub use endpoint::{TokenEndpoint, TokenGrants};
pub use error::AuthError;
pub use glue_security::{
    Expression, ExpressionError, Principal, PrincipalKind, Subject, Vote, Voter,
};
pub use grant::{GrantError, TokenPair, TokenService};
pub use memory::MemoryStore;
pub use password::{
    hash_password, verify_dummy, verify_dummy_in, verify_password, verify_password_in,
};
pub use refresh::{RefreshRecord, RefreshTokenStore, generate_refresh_token, hash_token};
pub use storefront::{AccessToken, RefreshToken, TokenProcessor};
pub use throttle::{HashingPool, HashingSlot, LoginThrottle, MemoryThrottle};
pub use token::{AccessTokens, IssuedToken, MIN_SECRET_LEN, TokenError, TokenKeys, TokenSettings};
pub use users::{StoredUser, UserStore};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

/// Seconds since the Unix epoch (0 if the clock is before it): the unit of every instant
/// the stores keep.
#[must_use]
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// `N` bytes from the operating system's random source.
///
/// Panics when that source fails, as `rand`'s thread RNG does: there is nothing sensible to
/// issue without randomness.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}

/// `len` random bytes in base64url without padding.
fn random_token(len: usize) -> String {
    let mut bytes = vec![0; len];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|byte| {
            [
                DIGITS[usize::from(byte >> 4)],
                DIGITS[usize::from(byte & 0x0f)],
            ]
        })
        .map(char::from)
        .collect()
}

/// The SHA-256 of `data` in lowercase hex.
fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_encodes_lowercase() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn now_is_after_2024() {
        assert!(now() > 1_704_067_200);
    }

    #[test]
    fn random_values_differ() {
        assert_ne!(random_bytes::<16>(), random_bytes::<16>());
        assert_eq!(random_token(32).len(), 43);
    }

    #[test]
    fn public_types_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<AccessTokens>();
        assert_send_sync::<TokenService<MemoryStore, MemoryStore>>();
        assert_send_sync::<StaticApiKeys>();
        assert_send_sync::<GrantError>();
        assert_send_sync::<TokenError>();
    }

    #[test]
    fn grant_futures_are_send() {
        fn assert_send<T: Send>(_: T) {}
        let store = MemoryStore::new();
        let service = TokenService::new(
            AccessTokens::new(TokenKeys::random(), TokenSettings::default()),
            "backend",
            store.clone(),
            store.clone(),
        );
        assert_send(service.password_grant("ada", "pw"));
        assert_send(service.refresh_grant("token"));
        assert_send(authenticate_api_key(&store, &StaticApiKeys::new(), "key"));
    }
}
