//! The OAuth2 password and refresh-token grants, without HTTP.

use std::fmt;
use std::sync::Arc;

use glue_core::ClientAddress;

use crate::throttle::{
    DEFAULT_ADDRESS_FAILURES, DEFAULT_WINDOW, HashingPool, LoginThrottle, MemoryThrottle,
};
use crate::{
    AccessTokens, AuthError, Principal, RefreshRecord, RefreshTokenStore, UserStore,
    generate_refresh_token, hash_token, verify_dummy_in, verify_password_in,
};

const BAD_CREDENTIALS: &str = "The username or password is incorrect.";
/// The longest username a login reads.
const MAX_USERNAME_LEN: usize = 256;
const BAD_REFRESH_TOKEN: &str = "The refresh token is invalid, expired or already used.";

/// An access token and a refresh token, as the token endpoints answer them.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenPair {
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// The JWT access token.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The opaque, single-use refresh token.
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: u64,
}

impl fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenPair")
            .field("token_type", &self.token_type)
            .field("access_token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &"<redacted>")
            .field("refresh_expires_in", &self.refresh_expires_in)
            .finish()
    }
}

/// Why a grant was refused, as RFC 6749 §5.2 tells the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GrantError {
    /// The request lacks a parameter or is otherwise malformed; the text is the description
    /// for the client.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The credentials or the refresh token are wrong; the text is the description for the
    /// client.
    #[error("invalid grant: {0}")]
    InvalidGrant(String),
    /// The client asked for a grant type this server does not offer; the text is that grant
    /// type.
    #[error("unsupported grant type `{0}`")]
    UnsupportedGrantType(String),
    /// The username failed to log in too often lately (SPEC §13.2): refused for the given
    /// seconds (429 with `Retry-After`).
    #[error("too many failed logins; retry in {0} s")]
    Throttled(u64),
    /// Every password-hashing slot stayed taken (503 with `Retry-After`).
    #[error("the server is busy hashing passwords")]
    Busy,
    /// The server failed (a store, hashing or signing); the client only learns that.
    #[error("the token grant failed")]
    Server(#[source] AuthError),
}

impl GrantError {
    /// The RFC 6749 §5.2 `error` code: `invalid_request`, `invalid_grant`,
    /// `unsupported_grant_type`, or `server_error` for [`GrantError::Server`].
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidGrant(_) => "invalid_grant",
            Self::UnsupportedGrantType(_) => "unsupported_grant_type",
            Self::Throttled(_) | Self::Busy => "temporarily_unavailable",
            Self::Server(_) => "server_error",
        }
    }

    /// The `error_description` for the client. For [`GrantError::Server`] it is a fixed text
    /// that tells nothing of the cause.
    #[must_use]
    pub fn description(&self) -> String {
        match self {
            Self::InvalidRequest(description) | Self::InvalidGrant(description) => {
                description.clone()
            }
            Self::UnsupportedGrantType(grant_type) => {
                format!("The grant type \"{grant_type}\" is not supported.")
            }
            Self::Throttled(seconds) => {
                format!("Too many failed logins for this username; try again in {seconds} seconds.")
            }
            Self::Busy => "The server is busy; try again in a moment.".to_owned(),
            Self::Server(_) => "The server could not issue a token.".to_owned(),
        }
    }

    /// The status of the answer: 429 throttled, 503 busy, 500 for a server failure, else 400.
    #[must_use]
    pub fn status(&self) -> glue_core::http::StatusCode {
        use glue_core::http::StatusCode;
        match self {
            Self::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Server(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The seconds of `Retry-After`, for a throttled or busy answer.
    #[must_use]
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Throttled(seconds) => Some(*seconds),
            Self::Busy => Some(1),
            _ => None,
        }
    }
}

impl From<AuthError> for GrantError {
    fn from(error: AuthError) -> Self {
        Self::Server(error)
    }
}

/// Issues token pairs for one application (its `audience`, such as `backend` or `storefront`):
/// by username and password, and by refresh token.
#[derive(Clone)]
pub struct TokenService<U: UserStore, R: RefreshTokenStore> {
    tokens: AccessTokens,
    audience: String,
    users: U,
    refresh: R,
    throttle: Arc<dyn LoginThrottle>,
    address_throttle: Arc<dyn LoginThrottle>,
    hashing: HashingPool,
}

impl<U: UserStore + fmt::Debug, R: RefreshTokenStore + fmt::Debug> fmt::Debug
    for TokenService<U, R>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenService")
            .field("audience", &self.audience)
            .field("users", &self.users)
            .field("refresh", &self.refresh)
            .finish_non_exhaustive()
    }
}

impl<U: UserStore, R: RefreshTokenStore> TokenService<U, R> {
    /// A service issuing `tokens` for `audience`, finding users in `users` and keeping refresh
    /// tokens in `refresh`.
    #[must_use]
    pub fn new(tokens: AccessTokens, audience: impl Into<String>, users: U, refresh: R) -> Self {
        Self {
            tokens,
            audience: audience.into(),
            users,
            refresh,
            throttle: Arc::new(MemoryThrottle::default()),
            address_throttle: Arc::new(MemoryThrottle::new(
                DEFAULT_ADDRESS_FAILURES,
                DEFAULT_WINDOW,
            )),
            hashing: HashingPool::shared(),
        }
    }

    /// Counts failed logins in `throttle` (by default in memory: 10 per username within 5
    /// minutes); a replica set passes one they share.
    #[must_use]
    pub fn with_throttle(mut self, throttle: impl LoginThrottle) -> Self {
        self.throttle = Arc::new(throttle);
        self
    }

    /// Counts failed logins per client address in `throttle` (by default in memory: 100 per
    /// address within 5 minutes; IPv6 addresses by their /64); a replica set passes one they
    /// share. Logins whose request carries no [`ClientAddress`] are counted per username only.
    #[must_use]
    pub fn with_address_throttle(mut self, throttle: impl LoginThrottle) -> Self {
        self.address_throttle = Arc::new(throttle);
        self
    }

    /// Verifies passwords in `pool` (by default the process's, one slot per core).
    #[must_use]
    pub fn with_hashing_pool(mut self, pool: HashingPool) -> Self {
        self.hashing = pool;
        self
    }

    /// The application the tokens are issued for.
    #[must_use]
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The access tokens, to verify what this service issued.
    #[must_use]
    pub fn access_tokens(&self) -> &AccessTokens {
        &self.tokens
    }

    /// The user store.
    #[must_use]
    pub fn users(&self) -> &U {
        &self.users
    }

    /// The refresh-token store.
    #[must_use]
    pub fn refresh_store(&self) -> &R {
        &self.refresh
    }

    /// The password grant: a pair for the user with this username and password.
    ///
    /// An unknown username costs as much time as a wrong password and gets the same answer.
    /// The Argon2 verification (tens of milliseconds in release builds) runs on tokio's
    /// blocking threads when a tokio runtime is running, so it does not stall other requests.
    ///
    /// # Errors
    ///
    /// [`GrantError::InvalidGrant`] ("The username or password is incorrect.") for an unknown
    /// user or a wrong password; [`GrantError::Server`] when a store or signing fails.
    pub async fn password_grant(
        &self,
        username: &str,
        password: &str,
    ) -> Result<TokenPair, GrantError> {
        self.password_grant_from(username, password, None).await
    }

    /// [`password_grant`](Self::password_grant) for a request from `client`: its failures
    /// also count against the client's address, which is refused (429) after too many on any
    /// accounts.
    ///
    /// # Errors
    ///
    /// As [`password_grant`](Self::password_grant).
    pub async fn password_grant_from(
        &self,
        username: &str,
        password: &str,
        client: Option<&ClientAddress>,
    ) -> Result<TokenPair, GrantError> {
        // No username is that long: refused before it costs a lookup, a hash or memory.
        if username.len() > MAX_USERNAME_LEN {
            return Err(GrantError::InvalidGrant(BAD_CREDENTIALS.to_owned()));
        }
        let address = client.map(ClientAddress::throttle_key);
        if let Some(address) = &address
            && let Some(seconds) = self.address_throttle.attempt(address).await
        {
            return Err(GrantError::Throttled(seconds));
        }
        // Known or not, a username is throttled the same way (the answer tells nothing); the
        // attempt counts before the check runs, so parallel guesses count too.
        let key = username.trim().to_lowercase();
        if let Some(seconds) = self.throttle.attempt(&key).await {
            return Err(GrantError::Throttled(seconds));
        }
        let user = self.users.find_by_username(username).await?;
        let hash = user.as_ref().map(|user| user.password_hash.clone());
        let password = password.to_owned();
        let mut slot = self.hashing.slot().await.ok_or(GrantError::Busy)?;
        // The slot goes with the work: a client that hangs up does not free it while its
        // hash still runs.
        let verified = off_thread(move || match hash {
            Some(hash) => verify_password_in(&hash, &password, slot.memory()),
            None => {
                verify_dummy_in(&password, slot.memory());
                false
            }
        })
        .await;
        match user {
            Some(user) if verified => {
                self.throttle.succeeded(&key).await;
                if let Some(address) = &address {
                    self.address_throttle.forgive(address).await;
                }
                self.issue_pair(&user.principal, None).await
            }
            _ => Err(GrantError::InvalidGrant(BAD_CREDENTIALS.to_owned())),
        }
    }

    /// The refresh-token grant: uses up the refresh token and answers a new pair of the same
    /// family, issued from the principal as the user store returns it now (so changed roles
    /// apply).
    ///
    /// A token issued for another application is refused and not used up. A token used
    /// before is a theft or a replay: every token of its family is revoked (SPEC §13.2), so
    /// the one issued from it stops renewing too.
    ///
    /// # Errors
    ///
    /// [`GrantError::InvalidGrant`] when the token is unknown, already used, expired, issued for
    /// another audience, or its principal no longer exists; [`GrantError::Server`] when a store
    /// or signing fails.
    pub async fn refresh_grant(&self, refresh_token: &str) -> Result<TokenPair, GrantError> {
        let refused = || GrantError::InvalidGrant(BAD_REFRESH_TOKEN.to_owned());
        let hash = hash_token(refresh_token);
        let Some(record) = self.refresh.consume(&hash, &self.audience).await? else {
            if let Some(family) = self.refresh.spent_family(&hash).await? {
                tracing::warn!("a spent refresh token was presented again: its family is revoked");
                self.refresh.revoke_family(&family).await?;
            }
            return Err(refused());
        };
        if record.expires_at <= crate::now() {
            return Err(refused());
        }
        let principal = self
            .users
            .find_by_id(&record.subject)
            .await?
            .filter(|principal| principal.kind() == record.kind)
            .ok_or_else(refused)?;
        self.issue_pair(&principal, Some(record.family)).await
    }

    /// Issues an access token and a stored refresh token for `principal`, for this service's
    /// audience: of `family` when renewed, else the first of a new family (a login).
    ///
    /// # Errors
    ///
    /// [`GrantError::Server`] when signing or storing the refresh token fails.
    pub async fn issue_pair(
        &self,
        principal: &Principal,
        family: Option<String>,
    ) -> Result<TokenPair, GrantError> {
        let access = self.tokens.issue(principal, &self.audience)?;
        let (refresh_token, token_hash) = generate_refresh_token();
        let refresh_expires_in = self.tokens.settings().refresh_ttl.as_secs();
        self.refresh
            .save(RefreshRecord {
                family: family.unwrap_or_else(|| token_hash.clone()),
                token_hash,
                subject: principal.id().to_owned(),
                kind: principal.kind(),
                audience: self.audience.clone(),
                expires_at: crate::now().saturating_add(refresh_expires_in),
            })
            .await?;
        Ok(TokenPair {
            token_type: "Bearer",
            access_token: access.token,
            expires_in: access.expires_in,
            refresh_token,
            refresh_expires_in,
        })
    }
}

/// Runs a password check on tokio's blocking threads when inside a tokio runtime, else here;
/// a check that panicked fails.
async fn off_thread(work: impl FnOnce() -> bool + Send + 'static) -> bool {
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::task::spawn_blocking(work).await.unwrap_or(false)
    } else {
        work()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::{MemoryStore, PrincipalKind, StoredUser, TokenKeys, TokenSettings};

    fn service_with(settings: TokenSettings, audience: &str, store: &MemoryStore) -> Service {
        TokenService::new(
            AccessTokens::new(TokenKeys::from_secret(b"grant-test-secret"), settings),
            audience,
            store.clone(),
            store.clone(),
        )
    }

    type Service = TokenService<MemoryStore, MemoryStore>;

    fn ada() -> Principal {
        Principal::new("u-1", "ada", PrincipalKind::User).with_role("ROLE_ADMIN")
    }

    async fn setup() -> (MemoryStore, Service) {
        let store = MemoryStore::new();
        store.add_user("ada", "s3cret", ada()).unwrap();
        let service = service_with(TokenSettings::default(), "backend", &store);
        (store, service)
    }

    /// SPEC §13.2, spraying: a few wrong passwords on many accounts from one address are
    /// refused after the address's limit, whatever the username; other addresses, and the
    /// failures a success does not undo, behave as they should.
    #[tokio::test]
    async fn failures_on_many_accounts_throttle_the_client_address() {
        let (_, service) = setup().await;
        let service =
            service.with_address_throttle(MemoryThrottle::new(3, Duration::from_secs(60)));
        let attacker = ClientAddress("203.0.113.7".parse().unwrap());
        let neighbour = ClientAddress("203.0.113.8".parse().unwrap());
        let wrong = |user: &'static str, client| service.password_grant_from(user, "guess", client);
        assert!(matches!(
            wrong("u1", Some(&attacker)).await,
            Err(GrantError::InvalidGrant(_))
        ));
        // A success from the address is forgiven itself, and forgives nothing else.
        service
            .password_grant_from("ada", "s3cret", Some(&attacker))
            .await
            .unwrap();
        for user in ["u2", "u3"] {
            assert!(matches!(
                wrong(user, Some(&attacker)).await,
                Err(GrantError::InvalidGrant(_))
            ));
        }
        // Three failures on three accounts: the address is refused, even for a new name and
        // the right password.
        assert!(matches!(
            wrong("u4", Some(&attacker)).await,
            Err(GrantError::Throttled(seconds)) if (1..=60).contains(&seconds)
        ));
        assert!(matches!(
            service
                .password_grant_from("ada", "s3cret", Some(&attacker))
                .await,
            Err(GrantError::Throttled(_))
        ));
        // Another address, and a request without one, are not.
        service
            .password_grant_from("ada", "s3cret", Some(&neighbour))
            .await
            .unwrap();
        service.password_grant("ada", "s3cret").await.unwrap();
        // IPv6 clients count by their /64.
        let first = ClientAddress("2001:db8:1:2::1".parse().unwrap());
        let second = ClientAddress("2001:db8:1:2:ffff::9".parse().unwrap());
        assert_eq!(first.throttle_key(), second.throttle_key());
        assert_eq!(first.throttle_key(), "2001:db8:1:2::/64");
    }

    #[tokio::test]
    async fn password_grant_issues_a_verifiable_pair() {
        let (_, service) = setup().await;
        let pair = service.password_grant("ada", "s3cret").await.unwrap();
        assert_eq!(pair.token_type, "Bearer");
        assert_eq!(pair.expires_in, 28_800);
        assert_eq!(pair.refresh_expires_in, 30 * 24 * 3600);
        assert_eq!(
            service
                .access_tokens()
                .verify(&pair.access_token, "backend"),
            Ok(ada())
        );
        assert!(!format!("{pair:?}").contains(&pair.refresh_token));
    }

    #[tokio::test]
    async fn wrong_password_and_unknown_user_get_the_same_error() {
        let (_, service) = setup().await;
        let wrong = service.password_grant("ada", "nope").await.unwrap_err();
        let unknown = service.password_grant("bob", "s3cret").await.unwrap_err();
        assert!(matches!(wrong, GrantError::InvalidGrant(_)), "{wrong:?}");
        assert!(
            matches!(unknown, GrantError::InvalidGrant(_)),
            "{unknown:?}"
        );
        assert_eq!(wrong.code(), unknown.code());
        assert_eq!(wrong.description(), unknown.description());
        assert_eq!(wrong.to_string(), unknown.to_string());
        assert_eq!(wrong.code(), "invalid_grant");
        assert_eq!(
            wrong.description(),
            "The username or password is incorrect."
        );
    }

    #[tokio::test]
    async fn refresh_grant_renews_once() {
        let (_, service) = setup().await;
        let first = service.password_grant("ada", "s3cret").await.unwrap();
        let second = service.refresh_grant(&first.refresh_token).await.unwrap();
        assert_ne!(second.refresh_token, first.refresh_token);
        assert_eq!(
            service
                .access_tokens()
                .verify(&second.access_token, "backend"),
            Ok(ada())
        );
        let replay = service
            .refresh_grant(&first.refresh_token)
            .await
            .unwrap_err();
        assert_eq!(replay.code(), "invalid_grant");
        // The replay was a theft: the token renewed from it is revoked too (SPEC §13.2),
        // while another login's family is not.
        assert!(service.refresh_grant(&second.refresh_token).await.is_err());
        let other = service.password_grant("ada", "s3cret").await.unwrap();
        let renewed = service.refresh_grant(&other.refresh_token).await.unwrap();
        service.refresh_grant(&renewed.refresh_token).await.unwrap();
    }

    #[tokio::test]
    async fn unknown_refresh_token_is_an_invalid_grant() {
        let (_, service) = setup().await;
        for token in ["", "nope", &generate_refresh_token().0] {
            let error = service.refresh_grant(token).await.unwrap_err();
            assert!(matches!(error, GrantError::InvalidGrant(_)), "{error:?}");
        }
    }

    #[tokio::test]
    async fn refresh_token_is_bound_to_its_audience() {
        let (store, backend) = setup().await;
        let storefront = service_with(TokenSettings::default(), "storefront", &store);
        let pair = backend.password_grant("ada", "s3cret").await.unwrap();
        let error = storefront
            .refresh_grant(&pair.refresh_token)
            .await
            .unwrap_err();
        assert!(matches!(error, GrantError::InvalidGrant(_)), "{error:?}");
        // Presenting it to the wrong application did not use it up.
        backend.refresh_grant(&pair.refresh_token).await.unwrap();
    }

    #[tokio::test]
    async fn expired_refresh_token_is_refused() {
        let store = MemoryStore::new();
        store.add_user("ada", "s3cret", ada()).unwrap();
        let settings = TokenSettings {
            refresh_ttl: Duration::ZERO,
            ..TokenSettings::default()
        };
        let service = service_with(settings, "backend", &store);
        let pair = service.password_grant("ada", "s3cret").await.unwrap();
        assert_eq!(pair.refresh_expires_in, 0);
        let error = service
            .refresh_grant(&pair.refresh_token)
            .await
            .unwrap_err();
        assert!(matches!(error, GrantError::InvalidGrant(_)), "{error:?}");
    }

    #[tokio::test]
    async fn refresh_for_a_deleted_user_is_refused() {
        let (store, service) = setup().await;
        let pair = service.password_grant("ada", "s3cret").await.unwrap();
        assert!(store.remove_user("ada"));
        let error = service
            .refresh_grant(&pair.refresh_token)
            .await
            .unwrap_err();
        assert!(matches!(error, GrantError::InvalidGrant(_)), "{error:?}");
    }

    #[tokio::test]
    async fn refresh_applies_changed_roles() {
        let (store, service) = setup().await;
        let pair = service.password_grant("ada", "s3cret").await.unwrap();
        let demoted = Principal::new("u-1", "ada", PrincipalKind::User).with_role("ROLE_VIEWER");
        let hash = store
            .find_by_username("ada")
            .await
            .unwrap()
            .unwrap()
            .password_hash;
        store.insert_user(
            "ada",
            StoredUser {
                principal: demoted.clone(),
                password_hash: hash,
            },
        );
        let renewed = service.refresh_grant(&pair.refresh_token).await.unwrap();
        assert_eq!(
            service
                .access_tokens()
                .verify(&renewed.access_token, "backend"),
            Ok(demoted)
        );
    }

    #[tokio::test]
    async fn refresh_for_a_principal_of_another_kind_is_refused() {
        let (store, service) = setup().await;
        let pair = service.password_grant("ada", "s3cret").await.unwrap();
        let hash = store
            .find_by_username("ada")
            .await
            .unwrap()
            .unwrap()
            .password_hash;
        store.insert_user(
            "ada",
            StoredUser {
                principal: Principal::new("u-1", "ada", PrincipalKind::Customer),
                password_hash: hash,
            },
        );
        assert!(service.refresh_grant(&pair.refresh_token).await.is_err());
    }

    #[test]
    fn error_codes_and_descriptions() {
        let cases = [
            (
                GrantError::InvalidRequest("The parameter \"username\" is missing.".to_owned()),
                "invalid_request",
                "The parameter \"username\" is missing.",
            ),
            (
                GrantError::InvalidGrant("The refresh token is unknown.".to_owned()),
                "invalid_grant",
                "The refresh token is unknown.",
            ),
            (
                GrantError::UnsupportedGrantType("client_credentials".to_owned()),
                "unsupported_grant_type",
                "The grant type \"client_credentials\" is not supported.",
            ),
        ];
        for (error, code, description) in cases {
            assert_eq!(error.code(), code);
            assert_eq!(error.description(), description);
        }
    }

    #[test]
    fn server_error_does_not_leak_its_cause() {
        #[derive(Debug, thiserror::Error)]
        #[error("table users is locked by pid 4242")]
        struct Locked;
        let error = GrantError::from(AuthError::storage(Locked));
        assert_eq!(error.code(), "server_error");
        assert!(!error.description().contains("4242"));
        assert!(!error.to_string().contains("4242"));
        let mut source: Option<&dyn std::error::Error> = Some(&error);
        let mut chain = String::new();
        while let Some(current) = source {
            chain.push_str(&current.to_string());
            source = current.source();
        }
        assert!(
            chain.contains("4242"),
            "the log still gets the cause: {chain}"
        );
    }
}
