//! API keys: `glk_<id>_<secret>`, stored as the SHA-256 of the secret, compared in constant
//! time.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::{AuthError, Principal, PrincipalKind};

const PREFIX: &str = "glk_";
/// Longest id `parse_api_key` accepts, so that garbage never reaches a store.
const MAX_ID_LEN: usize = 64;

/// A key just made by [`generate_api_key`]. `Debug` does not show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct NewApiKey {
    /// The public id (16 lowercase hex characters), under which the key is stored.
    pub id: String,
    /// The whole key, `glk_<id>_<secret>`: show it to its owner once, never store it.
    pub key: String,
    /// The SHA-256 of the secret part in lowercase hex: what is stored.
    pub secret_hash: String,
}

impl fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewApiKey")
            .field("id", &self.id)
            .field("key", &"<redacted>")
            .field("secret_hash", &self.secret_hash)
            .finish()
    }
}

/// Makes a new API key: a random id of 16 hex characters and a secret of 32 random bytes in
/// base64url without padding.
///
/// The id never contains `_`; the secret may, which is why [`parse_api_key`] splits at the
/// first `_` after the prefix.
///
/// # Panics
///
/// When the operating system's random source fails.
#[must_use]
pub fn generate_api_key() -> NewApiKey {
    let id = crate::hex(&crate::random_bytes::<8>());
    let secret = crate::random_token(32);
    NewApiKey {
        key: format!("{PREFIX}{id}_{secret}"),
        secret_hash: crate::sha256_hex(secret.as_bytes()),
        id,
    }
}

/// Splits a presented `glk_<id>_<secret>` key into its id and secret; `None` when it does not
/// have that form (the id must be 1 to 64 ASCII letters or digits, the secret non-empty).
#[must_use]
pub fn parse_api_key(key: &str) -> Option<(&str, &str)> {
    let (id, secret) = key.strip_prefix(PREFIX)?.split_once('_')?;
    let id_ok =
        !id.is_empty() && id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_alphanumeric());
    (id_ok && !secret.is_empty()).then_some((id, secret))
}

/// Whether `secret` hashes to `stored_hash_hex` (lowercase SHA-256 hex, as
/// [`NewApiKey::secret_hash`]), compared in constant time.
#[must_use]
pub fn secret_matches(stored_hash_hex: &str, secret: &str) -> bool {
    let presented = crate::sha256_hex(secret.as_bytes());
    presented
        .as_bytes()
        .ct_eq(stored_hash_hex.as_bytes())
        .into()
}

/// An API key as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredApiKey {
    /// The public id, from the key.
    pub id: String,
    /// A name for people (`erp-sync`); the principal's username.
    pub name: String,
    /// The SHA-256 hex of the secret.
    pub secret_hash: String,
    /// The roles the key grants.
    pub roles: Vec<String>,
    /// When it was created, in seconds since the Unix epoch.
    pub created_at: u64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<u64>,
}

impl StoredApiKey {
    /// What to store for a key just made, created now.
    #[must_use]
    pub fn new(key: &NewApiKey, name: impl Into<String>, roles: Vec<String>) -> Self {
        Self {
            id: key.id.clone(),
            name: name.into(),
            secret_hash: key.secret_hash.clone(),
            roles,
            created_at: crate::now(),
            revoked_at: None,
        }
    }

    /// Whether the key has been revoked.
    #[must_use]
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }

    /// The principal calling with this key: kind `api_key`, the key's id and name, its roles.
    #[must_use]
    pub fn principal(&self) -> Principal {
        self.roles.iter().fold(
            Principal::new(&*self.id, &*self.name, PrincipalKind::ApiKey),
            |principal, role| principal.with_role(role.as_str()),
        )
    }
}

/// Where API keys are kept.
///
/// Implement it over the application's database; [`MemoryStore`](crate::MemoryStore) keeps them
/// in memory.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an API-key store",
    label = "implement `glue_auth::ApiKeyStore` for this type"
)]
pub trait ApiKeyStore: Send + Sync + 'static {
    /// The key with this id, revoked or not.
    fn find(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<StoredApiKey>, AuthError>> + Send;

    /// Stores a new key.
    fn insert(&self, key: StoredApiKey) -> impl Future<Output = Result<(), AuthError>> + Send;

    /// Every key, revoked ones included.
    fn list(&self) -> impl Future<Output = Result<Vec<StoredApiKey>, AuthError>> + Send;

    /// Marks the key revoked at `at` (seconds since the Unix epoch); `false` when it is unknown
    /// or already revoked.
    fn revoke(&self, id: &str, at: u64) -> impl Future<Output = Result<bool, AuthError>> + Send;
}

impl<S: ApiKeyStore> ApiKeyStore for Arc<S> {
    fn find(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<StoredApiKey>, AuthError>> + Send {
        (**self).find(id)
    }

    fn insert(&self, key: StoredApiKey) -> impl Future<Output = Result<(), AuthError>> + Send {
        (**self).insert(key)
    }

    fn list(&self) -> impl Future<Output = Result<Vec<StoredApiKey>, AuthError>> + Send {
        (**self).list()
    }

    fn revoke(&self, id: &str, at: u64) -> impl Future<Output = Result<bool, AuthError>> + Send {
        (**self).revoke(id, at)
    }
}

/// Keys configured outside any store (from an environment variable, say), each with the
/// principal it authenticates. Only their SHA-256 digests are kept; `Debug` shows how many.
#[derive(Clone, Default)]
pub struct StaticApiKeys {
    keys: Vec<([u8; 32], Principal)>,
}

impl StaticApiKeys {
    /// No keys.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key (any string; it need not have the `glk_` form) and its principal.
    #[must_use]
    pub fn with_key(mut self, key: &str, principal: Principal) -> Self {
        self.keys.push((Sha256::digest(key).into(), principal));
        self
    }

    /// How many keys are configured.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is configured.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The principal of the presented key, if it is one of these. The digest of `presented` is
    /// compared with every configured digest in constant time, without stopping at a match.
    #[must_use]
    pub fn find(&self, presented: &str) -> Option<&Principal> {
        let digest: [u8; 32] = Sha256::digest(presented).into();
        // 0 means none; i + 1 means keys[i].
        let mut found = 0_u64;
        for (index, (candidate, _)) in (1_u64..).zip(&self.keys) {
            found.conditional_assign(&index, candidate[..].ct_eq(&digest[..]));
        }
        let index = usize::try_from(found.checked_sub(1)?).ok()?;
        self.keys.get(index).map(|(_, principal)| principal)
    }
}

impl fmt::Debug for StaticApiKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticApiKeys")
            .field("keys", &self.keys.len())
            .finish()
    }
}

/// Authenticates a presented API key: the static keys first, then `glk_` keys by id from the
/// store. A revoked, unknown or non-matching key is `Ok(None)`.
///
/// # Errors
///
/// [`AuthError`] when the store fails.
pub async fn authenticate_api_key<S: ApiKeyStore>(
    store: &S,
    statics: &StaticApiKeys,
    presented: &str,
) -> Result<Option<Principal>, AuthError> {
    if let Some(principal) = statics.find(presented) {
        return Ok(Some(principal.clone()));
    }
    let Some((id, secret)) = parse_api_key(presented) else {
        return Ok(None);
    };
    Ok(store
        .find(id)
        .await?
        .filter(|key| !key.is_revoked() && secret_matches(&key.secret_hash, secret))
        .map(|key| key.principal()))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::MemoryStore;

    #[test]
    fn generated_key_parses_into_its_id_and_a_matching_secret() {
        for _ in 0..200 {
            let new = generate_api_key();
            assert!(new.key.starts_with("glk_"));
            assert!(new.id.len() >= 12 && !new.id.contains('_'), "{}", new.id);
            let (id, secret) = parse_api_key(&new.key).expect("a well-formed key");
            assert_eq!(id, new.id);
            assert_eq!(secret.len(), 43);
            assert!(secret_matches(&new.secret_hash, secret));
            assert!(!new.secret_hash.contains(secret));
        }
    }

    #[test]
    fn generated_keys_differ() {
        let keys: Vec<NewApiKey> = (0..50).map(|_| generate_api_key()).collect();
        let ids: HashSet<&str> = keys.iter().map(|key| key.id.as_str()).collect();
        let hashes: HashSet<&str> = keys.iter().map(|key| key.secret_hash.as_str()).collect();
        assert_eq!((ids.len(), hashes.len()), (50, 50));
    }

    #[test]
    fn secret_with_underscores_splits_at_the_first_one() {
        assert_eq!(
            parse_api_key("glk_abc123_s_e_c_"),
            Some(("abc123", "s_e_c_"))
        );
    }

    #[test]
    fn malformed_keys_do_not_parse() {
        for key in [
            "",
            "glk_",
            "glk__secret",
            "glk_abc",
            "glk_abc_",
            "abc_secret",
            "GLK_abc_secret",
            "glk_a-b_secret",
            "glk_a b_secret",
            "xglk_abc_secret",
        ] {
            assert_eq!(parse_api_key(key), None, "{key:?}");
        }
        let long_id = format!("glk_{}_secret", "a".repeat(65));
        assert_eq!(parse_api_key(&long_id), None);
    }

    #[test]
    fn mismatched_secret_does_not_match() {
        let new = generate_api_key();
        let (_, secret) = parse_api_key(&new.key).unwrap();
        assert!(!secret_matches(&new.secret_hash, &format!("{secret}x")));
        assert!(!secret_matches(&new.secret_hash, ""));
        assert!(!secret_matches(&new.secret_hash, &secret[1..]));
        assert!(!secret_matches("", secret));
        assert!(!secret_matches(&new.secret_hash.to_uppercase(), secret));
    }

    #[test]
    fn stored_key_principal() {
        let new = generate_api_key();
        let stored = StoredApiKey::new(&new, "erp-sync", vec!["ROLE_IMPORT".to_owned()]);
        assert_eq!(
            stored.principal(),
            Principal::new(new.id.as_str(), "erp-sync", PrincipalKind::ApiKey)
                .with_role("ROLE_IMPORT")
        );
        assert!(!stored.is_revoked());
        assert!(!format!("{new:?}").contains(&new.key));
    }

    #[test]
    fn static_keys_find_their_principal_and_nothing_else() {
        let ci = Principal::new("ci", "ci", PrincipalKind::ApiKey).with_role("ROLE_DEPLOY");
        let erp = Principal::new("erp", "erp", PrincipalKind::ApiKey).with_role("ROLE_IMPORT");
        let statics = StaticApiKeys::new()
            .with_key("ci-key-123", ci.clone())
            .with_key("erp-key-456", erp.clone());
        assert_eq!(statics.len(), 2);
        assert_eq!(statics.find("ci-key-123"), Some(&ci));
        assert_eq!(statics.find("erp-key-456"), Some(&erp));
        assert_eq!(statics.find("ci-key-12"), None);
        assert_eq!(statics.find(""), None);
        assert_eq!(StaticApiKeys::new().find(""), None);
        assert!(!format!("{statics:?}").contains("ci-key"));
    }

    async fn store_with(name: &str, roles: &[&str]) -> (MemoryStore, NewApiKey) {
        let store = MemoryStore::new();
        let new = generate_api_key();
        let roles = roles.iter().map(|&role| role.to_owned()).collect();
        store
            .insert(StoredApiKey::new(&new, name, roles))
            .await
            .unwrap();
        (store, new)
    }

    #[tokio::test]
    async fn stored_key_authenticates() {
        let (store, new) = store_with("erp-sync", &["ROLE_IMPORT"]).await;
        let principal = authenticate_api_key(&store, &StaticApiKeys::new(), &new.key)
            .await
            .unwrap()
            .expect("authenticated");
        assert_eq!(principal.id(), new.id);
        assert_eq!(principal.username(), "erp-sync");
        assert_eq!(principal.kind(), PrincipalKind::ApiKey);
        assert_eq!(principal.roles(), ["ROLE_IMPORT"]);
    }

    #[tokio::test]
    async fn revoked_key_does_not_authenticate() {
        let (store, new) = store_with("erp-sync", &[]).await;
        assert!(store.revoke(&new.id, 1_700_000_000).await.unwrap());
        assert!(!store.revoke(&new.id, 1_700_000_001).await.unwrap());
        assert!(!store.revoke("unknown", 1).await.unwrap());
        assert_eq!(
            store.find(&new.id).await.unwrap().unwrap().revoked_at,
            Some(1_700_000_000)
        );
        let result = authenticate_api_key(&store, &StaticApiKeys::new(), &new.key).await;
        assert_eq!(result.unwrap(), None);
    }

    #[tokio::test]
    async fn valid_id_with_another_keys_secret_does_not_authenticate() {
        let (store, first) = store_with("first", &["ROLE_A"]).await;
        let second = generate_api_key();
        store
            .insert(StoredApiKey::new(&second, "second", Vec::new()))
            .await
            .unwrap();
        let (_, second_secret) = parse_api_key(&second.key).unwrap();
        let forged = format!("glk_{}_{second_secret}", first.id);
        let result = authenticate_api_key(&store, &StaticApiKeys::new(), &forged).await;
        assert_eq!(result.unwrap(), None);
    }

    #[tokio::test]
    async fn unknown_and_malformed_keys_do_not_authenticate() {
        let (store, _) = store_with("erp-sync", &[]).await;
        let statics = StaticApiKeys::new();
        for presented in [
            generate_api_key().key,
            String::new(),
            "glk_".to_owned(),
            "nonsense".to_owned(),
        ] {
            let result = authenticate_api_key(&store, &statics, &presented).await;
            assert_eq!(result.unwrap(), None, "{presented:?}");
        }
    }

    #[tokio::test]
    async fn static_keys_are_checked_before_the_store() {
        let (store, new) = store_with("stored", &[]).await;
        let configured = Principal::new("ops", "ops", PrincipalKind::ApiKey).with_role("ROLE_OPS");
        let statics = StaticApiKeys::new()
            .with_key("static-ops-key", configured.clone())
            // A static key that happens to be a stored key's full text wins over the store.
            .with_key(&new.key, configured.clone());
        for presented in ["static-ops-key", new.key.as_str()] {
            let result = authenticate_api_key(&store, &statics, presented).await;
            assert_eq!(result.unwrap(), Some(configured.clone()));
        }
    }

    #[tokio::test]
    async fn list_returns_every_key() {
        let (store, first) = store_with("first", &[]).await;
        let second = generate_api_key();
        store
            .insert(StoredApiKey::new(&second, "second", Vec::new()))
            .await
            .unwrap();
        store.revoke(&first.id, 5).await.unwrap();
        let mut names: Vec<String> = store
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|key| key.name)
            .collect();
        names.sort();
        assert_eq!(names, ["first", "second"]);
    }
}
