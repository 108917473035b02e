//! Signed, expiring access tokens (JWT, HS256).

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::{AuthError, Principal, PrincipalKind};

/// The claim names a token uses itself; a principal's extra claims may not use them.
const RESERVED_CLAIMS: [&str; 10] = [
    "sub", "iss", "aud", "exp", "iat", "nbf", "jti", "username", "roles", "kind",
];

/// The secret that signs and verifies access tokens (HMAC-SHA-256).
///
/// Every replica that verifies tokens needs the same secret; [`TokenKeys::random`] suits a
/// single process whose tokens may die with it. `Debug` never shows the secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// The shortest secret [`TokenKeys::from_checked_secret`] accepts (SPEC §13.2): 32 bytes, the
/// size of HS256's output.
pub const MIN_SECRET_LEN: usize = 32;

impl TokenKeys {
    /// Keys from a shared secret of at least [`MIN_SECRET_LEN`] bytes: what an application
    /// reads from its configuration at start-up.
    ///
    /// # Errors
    ///
    /// [`AuthError::Configuration`] naming the length when the secret is shorter.
    pub fn from_checked_secret(secret: &[u8]) -> Result<Self, AuthError> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(AuthError::Configuration(format!(
                "the token signing secret is {} bytes long; it needs at least {MIN_SECRET_LEN} \
                 (for example 32 random bytes, base64-encoded)",
                secret.len()
            )));
        }
        Ok(Self::from_secret(secret))
    }

    /// Keys from a shared secret, of any length (tests); applications use
    /// [`from_checked_secret`](Self::from_checked_secret).
    #[must_use]
    pub fn from_secret(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Keys from 32 fresh bytes of the operating system's random source.
    ///
    /// # Panics
    ///
    /// When the operating system's random source fails.
    #[must_use]
    pub fn random() -> Self {
        Self::from_secret(&crate::random_bytes::<32>())
    }
}

impl fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenKeys").finish_non_exhaustive()
    }
}

/// How access tokens are issued and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSettings {
    /// The `iss` claim written into tokens and required of them. Default `glue`.
    pub issuer: String,
    /// How long an access token lives. Default 8 hours (28 800 s).
    pub access_ttl: Duration,
    /// How long a refresh token lives. Default 30 days.
    pub refresh_ttl: Duration,
    /// Seconds of clock skew tolerated on `exp` and `nbf`. Default 0.
    pub leeway: u64,
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self {
            issuer: "glue".to_owned(),
            access_ttl: Duration::from_secs(28_800),
            refresh_ttl: Duration::from_secs(30 * 24 * 60 * 60),
            leeway: 0,
        }
    }
}

/// An access token just issued.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The compact JWT to hand to the client.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: u64,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Why an access token was refused. Every variant means "not authenticated"; the distinction
/// is for logs and `error_description`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not a JWT, or its header or claims are not what this crate issues.
    #[error("the access token is malformed")]
    Malformed,
    /// The signature does not match the token's content under our key.
    #[error("the access token's signature is invalid")]
    BadSignature,
    /// The token names another algorithm than HS256.
    #[error("the access token is signed with an unsupported algorithm")]
    UnsupportedAlgorithm,
    /// The token's `exp` has passed.
    #[error("the access token has expired")]
    Expired,
    /// The token's `nbf` has not come yet.
    #[error("the access token is not valid yet")]
    NotYetValid,
    /// The token was issued for another application.
    #[error("the access token was issued for another audience")]
    WrongAudience,
    /// The token was issued by someone else.
    #[error("the access token was issued by another issuer")]
    WrongIssuer,
}

impl TokenError {
    /// What jsonwebtoken's refusal means here (kept out of the public API so that the JWT crate
    /// can change without breaking users).
    fn from_jwt(error: &jsonwebtoken::errors::Error) -> Self {
        match error.kind() {
            ErrorKind::InvalidSignature => Self::BadSignature,
            ErrorKind::InvalidAlgorithm
            | ErrorKind::UnsupportedAlgorithm
            | ErrorKind::MissingAlgorithm => Self::UnsupportedAlgorithm,
            ErrorKind::ExpiredSignature => Self::Expired,
            ErrorKind::ImmatureSignature => Self::NotYetValid,
            ErrorKind::InvalidAudience => Self::WrongAudience,
            ErrorKind::InvalidIssuer => Self::WrongIssuer,
            _ => Self::Malformed,
        }
    }
}

/// The claims as written.
#[derive(Serialize)]
struct OutgoingClaims<'a> {
    sub: &'a str,
    iss: &'a str,
    aud: &'a str,
    exp: u64,
    iat: u64,
    nbf: u64,
    jti: String,
    username: &'a str,
    roles: &'a [String],
    kind: &'static str,
    #[serde(flatten)]
    extra: &'a BTreeMap<String, serde_json::Value>,
}

/// The claims as read back.
#[derive(Deserialize)]
struct IncomingClaims {
    sub: String,
    username: String,
    roles: Vec<String>,
    kind: String,
    // Checked by jsonwebtoken's validation; named here so they stay out of `extra`.
    #[serde(rename = "iss")]
    _iss: String,
    #[serde(rename = "aud")]
    _aud: String,
    #[serde(rename = "exp")]
    _exp: u64,
    #[serde(rename = "iat")]
    _iat: u64,
    #[serde(rename = "nbf")]
    _nbf: u64,
    #[serde(rename = "jti")]
    _jti: String,
    #[serde(flatten)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// Issues and verifies access tokens: HS256 JWTs carrying the principal (`sub`, `username`,
/// `roles`, `kind` and its extra claims at top level), `iss`, the application as `aud`,
/// `iat`, `nbf`, `exp` and a random `jti`.
#[derive(Debug, Clone)]
pub struct AccessTokens {
    keys: TokenKeys,
    settings: TokenSettings,
}

impl AccessTokens {
    /// Tokens signed with `keys`, issued and checked per `settings`.
    #[must_use]
    pub fn new(keys: TokenKeys, settings: TokenSettings) -> Self {
        Self { keys, settings }
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> &TokenSettings {
        &self.settings
    }

    /// Issues a token for `principal`, valid for the application named `audience` (such as
    /// `backend` or `storefront`) for [`TokenSettings::access_ttl`].
    ///
    /// # Errors
    ///
    /// [`AuthError::ReservedClaim`] when one of the principal's extra claims is named like a
    /// claim the token uses itself; [`AuthError::TokenEncoding`] when signing fails.
    pub fn issue(&self, principal: &Principal, audience: &str) -> Result<IssuedToken, AuthError> {
        if let Some(name) = principal
            .claims()
            .keys()
            .find(|name| RESERVED_CLAIMS.contains(&name.as_str()))
        {
            return Err(AuthError::ReservedClaim(name.clone()));
        }
        let now = crate::now();
        let expires_in = self.settings.access_ttl.as_secs();
        let claims = OutgoingClaims {
            sub: principal.id(),
            iss: &self.settings.issuer,
            aud: audience,
            exp: now.saturating_add(expires_in),
            iat: now,
            nbf: now,
            jti: crate::random_token(16),
            username: principal.username(),
            roles: principal.roles(),
            kind: principal.kind().name(),
            extra: principal.claims(),
        };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.keys.encoding)
                .map_err(AuthError::token_encoding)?;
        Ok(IssuedToken { token, expires_in })
    }

    /// Verifies a token for the application named `audience` and rebuilds the principal it
    /// was issued for.
    ///
    /// The token must be an HS256 JWT signed with our key, carry `exp`, `iss`, `aud` and
    /// `sub`, name [`TokenSettings::issuer`] and exactly `audience`, and be within its `nbf`
    /// and `exp` (give or take [`TokenSettings::leeway`]).
    ///
    /// # Errors
    ///
    /// The [`TokenError`] saying why the token is refused.
    pub fn verify(&self, token: &str, audience: &str) -> Result<Principal, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[self.settings.issuer.as_str()]);
        validation.set_audience(&[audience]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.leeway = self.settings.leeway;
        let data = jsonwebtoken::decode::<IncomingClaims>(token, &self.keys.decoding, &validation)
            .map_err(|error| TokenError::from_jwt(&error))?;
        let claims = data.claims;
        let kind = PrincipalKind::from_name(&claims.kind).ok_or(TokenError::Malformed)?;
        let principal = claims.roles.into_iter().fold(
            Principal::new(claims.sub, claims.username, kind),
            Principal::with_role,
        );
        Ok(claims
            .extra
            .into_iter()
            .fold(principal, |principal, (name, value)| {
                principal.with_claim(name, value)
            }))
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn tokens() -> AccessTokens {
        AccessTokens::new(TokenKeys::from_secret(SECRET), TokenSettings::default())
    }

    fn customer() -> Principal {
        Principal::new("c-17", "ada@example.com", PrincipalKind::Customer)
            .with_role("ROLE_CUSTOMER")
            .with_role("ROLE_VIP")
            .with_claim("customerReference", "DE--17")
            .with_claim("tier", 3)
            .with_claim("flags", json!({"newsletter": true, "tags": ["a", "b"]}))
    }

    /// Signs arbitrary claims with our secret, as an attacker holding the key (or a test) would.
    fn sign(header: &Header, claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(SECRET)).unwrap()
    }

    fn payload(token: &str) -> serde_json::Value {
        let part = token.split('.').nth(1).unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    fn valid_claims() -> serde_json::Value {
        let now = crate::now();
        json!({
            "sub": "u-1", "iss": "glue", "aud": "backend",
            "exp": now + 60, "iat": now, "nbf": now, "jti": "j",
            "username": "ada", "roles": ["ROLE_ADMIN"], "kind": "user",
        })
    }

    #[test]
    fn round_trip_rebuilds_the_same_principal() {
        let tokens = tokens();
        let principal = customer();
        let issued = tokens.issue(&principal, "storefront").unwrap();
        assert_eq!(issued.expires_in, 28_800);
        assert_eq!(tokens.verify(&issued.token, "storefront"), Ok(principal));
    }

    #[test]
    fn round_trip_keeps_role_order_and_kinds() {
        let tokens = tokens();
        for kind in [
            PrincipalKind::User,
            PrincipalKind::Customer,
            PrincipalKind::ApiKey,
        ] {
            let principal = Principal::new("id", "name", kind)
                .with_role("ROLE_Z")
                .with_role("ROLE_A");
            let issued = tokens.issue(&principal, "backend").unwrap();
            assert_eq!(tokens.verify(&issued.token, "backend"), Ok(principal));
        }
    }

    #[test]
    fn token_carries_the_registered_and_principal_claims() {
        let tokens = tokens();
        let issued = tokens.issue(&customer(), "storefront").unwrap();
        let claims = payload(&issued.token);
        let now = crate::now();
        assert_eq!(claims["sub"], "c-17");
        assert_eq!(claims["iss"], "glue");
        assert_eq!(claims["aud"], "storefront");
        assert_eq!(claims["username"], "ada@example.com");
        assert_eq!(claims["roles"], json!(["ROLE_CUSTOMER", "ROLE_VIP"]));
        assert_eq!(claims["kind"], "customer");
        assert_eq!(claims["customerReference"], "DE--17");
        assert_eq!(claims["tier"], 3);
        let iat = claims["iat"].as_u64().unwrap();
        assert!(iat <= now && iat + 5 >= now);
        assert_eq!(claims["nbf"].as_u64(), Some(iat));
        assert_eq!(claims["exp"].as_u64(), Some(iat + 28_800));
        assert!(claims["jti"].as_str().unwrap().len() >= 16);
        let header = jsonwebtoken::decode_header(&issued.token).unwrap();
        assert_eq!(header.alg, Algorithm::HS256);
    }

    #[test]
    fn every_token_has_its_own_jti() {
        let tokens = tokens();
        let first = tokens.issue(&customer(), "storefront").unwrap();
        let second = tokens.issue(&customer(), "storefront").unwrap();
        assert_ne!(payload(&first.token)["jti"], payload(&second.token)["jti"]);
    }

    #[test]
    fn wrong_audience_is_refused() {
        let tokens = tokens();
        let issued = tokens.issue(&customer(), "storefront").unwrap();
        assert_eq!(
            tokens.verify(&issued.token, "backend"),
            Err(TokenError::WrongAudience)
        );
    }

    #[test]
    fn wrong_issuer_is_refused() {
        let other = AccessTokens::new(
            TokenKeys::from_secret(SECRET),
            TokenSettings {
                issuer: "someone-else".to_owned(),
                ..TokenSettings::default()
            },
        );
        let issued = other.issue(&customer(), "backend").unwrap();
        assert_eq!(
            tokens().verify(&issued.token, "backend"),
            Err(TokenError::WrongIssuer)
        );
    }

    #[test]
    fn another_key_is_a_bad_signature() {
        let other = AccessTokens::new(TokenKeys::random(), TokenSettings::default());
        let issued = other.issue(&customer(), "backend").unwrap();
        assert_eq!(
            tokens().verify(&issued.token, "backend"),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn tampered_signature_is_refused() {
        let tokens = tokens();
        let issued = tokens.issue(&customer(), "backend").unwrap();
        let (message, signature) = issued.token.rsplit_once('.').unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
        bytes[0] ^= 0x01;
        let tampered = format!("{message}.{}", URL_SAFE_NO_PAD.encode(bytes));
        assert_eq!(
            tokens.verify(&tampered, "backend"),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn altered_payload_is_refused() {
        let tokens = tokens();
        let issued = tokens.issue(&customer(), "backend").unwrap();
        let mut parts: Vec<String> = issued.token.split('.').map(str::to_owned).collect();
        let mut claims = payload(&issued.token);
        claims["roles"] = json!(["ROLE_ADMIN"]);
        parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        assert_eq!(
            tokens.verify(&parts.join("."), "backend"),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn alg_none_is_refused() {
        let tokens = tokens();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&valid_claims()).unwrap());
        for token in [
            format!("{header}.{claims}."),
            format!("{header}.{claims}"),
            format!("{header}.{claims}.c2lnbmF0dXJl"),
        ] {
            assert_eq!(
                tokens.verify(&token, "backend"),
                Err(TokenError::Malformed),
                "{token}"
            );
        }
    }

    #[test]
    fn other_algorithms_are_refused_even_with_our_secret() {
        let token = sign(&Header::new(Algorithm::HS512), &valid_claims());
        assert_eq!(
            tokens().verify(&token, "backend"),
            Err(TokenError::UnsupportedAlgorithm)
        );
    }

    #[test]
    fn a_token_we_could_have_issued_verifies() {
        // Pins the claim layout accepted from other replicas or earlier versions.
        let principal = tokens()
            .verify(
                &sign(&Header::new(Algorithm::HS256), &valid_claims()),
                "backend",
            )
            .unwrap();
        assert_eq!(
            principal,
            Principal::new("u-1", "ada", PrincipalKind::User).with_role("ROLE_ADMIN")
        );
    }

    #[test]
    fn expired_token_is_refused() {
        let mut claims = valid_claims();
        claims["exp"] = json!(crate::now() - 10);
        claims["iat"] = json!(crate::now() - 100);
        claims["nbf"] = json!(crate::now() - 100);
        let token = sign(&Header::new(Algorithm::HS256), &claims);
        assert_eq!(tokens().verify(&token, "backend"), Err(TokenError::Expired));
    }

    #[test]
    fn leeway_tolerates_a_recently_expired_token() {
        let mut claims = valid_claims();
        claims["exp"] = json!(crate::now() - 10);
        let token = sign(&Header::new(Algorithm::HS256), &claims);
        let lenient = AccessTokens::new(
            TokenKeys::from_secret(SECRET),
            TokenSettings {
                leeway: 60,
                ..TokenSettings::default()
            },
        );
        assert!(lenient.verify(&token, "backend").is_ok());
    }

    #[test]
    fn token_from_the_future_is_not_yet_valid() {
        let mut claims = valid_claims();
        claims["nbf"] = json!(crate::now() + 30);
        let token = sign(&Header::new(Algorithm::HS256), &claims);
        assert_eq!(
            tokens().verify(&token, "backend"),
            Err(TokenError::NotYetValid)
        );
    }

    #[test]
    fn token_without_exp_is_refused() {
        let mut claims = valid_claims();
        claims.as_object_mut().unwrap().remove("exp");
        let token = sign(&Header::new(Algorithm::HS256), &claims);
        assert_eq!(
            tokens().verify(&token, "backend"),
            Err(TokenError::Malformed)
        );
    }

    #[test]
    fn signed_tokens_with_foreign_claims_are_malformed() {
        let tokens = tokens();
        let mut unknown_kind = valid_claims();
        unknown_kind["kind"] = json!("robot");
        let mut audience_list = valid_claims();
        audience_list["aud"] = json!(["backend", "storefront"]);
        let mut no_username = valid_claims();
        no_username.as_object_mut().unwrap().remove("username");
        for claims in [unknown_kind, audience_list, no_username] {
            let token = sign(&Header::new(Algorithm::HS256), &claims);
            assert_eq!(
                tokens.verify(&token, "backend"),
                Err(TokenError::Malformed),
                "{claims}"
            );
        }
    }

    #[test]
    fn garbage_is_malformed() {
        let tokens = tokens();
        for garbage in [
            "",
            ".",
            "..",
            "abc",
            "a.b.c",
            "Bearer x.y.z",
            "eyJhbGciOiJIUzI1NiJ9",
            "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.!!!",
            "💥.💥.💥",
        ] {
            assert_eq!(
                tokens.verify(garbage, "backend"),
                Err(TokenError::Malformed),
                "{garbage:?}"
            );
        }
    }

    #[test]
    fn signed_payload_that_is_not_json_is_malformed() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let message = format!("{header}.{}", URL_SAFE_NO_PAD.encode(b"not json"));
        let signature = jsonwebtoken::crypto::sign(
            message.as_bytes(),
            &EncodingKey::from_secret(SECRET),
            Algorithm::HS256,
        )
        .unwrap();
        assert_eq!(
            tokens().verify(&format!("{message}.{signature}"), "backend"),
            Err(TokenError::Malformed)
        );
    }

    #[test]
    fn reserved_claim_names_cannot_be_issued() {
        let principal =
            Principal::new("u", "ada", PrincipalKind::User).with_claim("roles", "ROLE_ADMIN");
        match tokens().issue(&principal, "backend") {
            Err(AuthError::ReservedClaim(name)) => assert_eq!(name, "roles"),
            other => panic!("expected a reserved-claim error, got {other:?}"),
        }
    }

    #[test]
    fn debug_output_hides_secrets() {
        let keys = TokenKeys::from_secret(b"super-secret-value");
        assert!(!format!("{keys:?}").contains("super-secret-value"));
        let issued = tokens().issue(&customer(), "backend").unwrap();
        assert!(!format!("{issued:?}").contains(&issued.token));
    }

    #[test]
    fn default_settings() {
        let settings = TokenSettings::default();
        assert_eq!(settings.issuer, "glue");
        assert_eq!(settings.access_ttl, Duration::from_secs(28_800));
        assert_eq!(settings.refresh_ttl, Duration::from_secs(2_592_000));
        assert_eq!(settings.leeway, 0);
    }
}
