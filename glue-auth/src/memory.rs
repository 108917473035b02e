//! Stores in memory, for tests, examples and small applications.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::{
    ApiKeyStore, AuthError, Principal, RefreshRecord, RefreshTokenStore, StoredApiKey, StoredUser,
    UserStore, hash_password,
};

/// A [`UserStore`], [`RefreshTokenStore`] and [`ApiKeyStore`] in memory. Clones share the same
/// contents; nothing survives the process.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    /// By login name.
    users: BTreeMap<String, StoredUser>,
    /// By token hash, with whether the token was used.
    refresh_tokens: HashMap<String, (RefreshRecord, bool)>,
    /// The revoked refresh-token families.
    revoked_families: HashSet<String>,
    /// By id.
    api_keys: BTreeMap<String, StoredApiKey>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every update is a single insert or field write, so a panic elsewhere cannot leave
        // the maps half-updated.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds (or replaces) the user who logs in as `username` with `password`, which is hashed
    /// with Argon2id.
    ///
    /// # Errors
    ///
    /// [`AuthError::Hashing`] when hashing fails.
    pub fn add_user(
        &self,
        username: impl Into<String>,
        password: &str,
        principal: Principal,
    ) -> Result<(), AuthError> {
        let password_hash = hash_password(password)?;
        self.insert_user(
            username,
            StoredUser {
                principal,
                password_hash,
            },
        );
        Ok(())
    }

    /// Adds (or replaces) the user who logs in as `username`, with an existing password hash.
    pub fn insert_user(&self, username: impl Into<String>, user: StoredUser) {
        self.lock().users.insert(username.into(), user);
    }

    /// Removes the user who logs in as `username`; `false` when there was none.
    pub fn remove_user(&self, username: &str) -> bool {
        self.lock().users.remove(username).is_some()
    }
}

impl UserStore for MemoryStore {
    async fn find_by_username(&self, username: &str) -> Result<Option<StoredUser>, AuthError> {
        Ok(self.lock().users.get(username).cloned())
    }

    async fn find_by_id(&self, id: &str) -> Result<Option<Principal>, AuthError> {
        Ok(self
            .lock()
            .users
            .values()
            .find(|user| user.principal.id() == id)
            .map(|user| user.principal.clone()))
    }
}

impl RefreshTokenStore for MemoryStore {
    async fn save(&self, record: RefreshRecord) -> Result<(), AuthError> {
        let now = crate::now();
        let mut inner = self.lock();
        inner
            .refresh_tokens
            .retain(|_, (stored, _)| stored.expires_at > now);
        inner
            .refresh_tokens
            .insert(record.token_hash.clone(), (record, false));
        Ok(())
    }

    async fn consume(
        &self,
        token_hash: &str,
        audience: &str,
    ) -> Result<Option<RefreshRecord>, AuthError> {
        let mut inner = self.lock();
        let Inner {
            refresh_tokens,
            revoked_families,
            ..
        } = &mut *inner;
        Ok(match refresh_tokens.get_mut(token_hash) {
            Some((record, used))
                if !*used
                    && record.audience == audience
                    && !revoked_families.contains(&record.family) =>
            {
                *used = true;
                Some(record.clone())
            }
            _ => None,
        })
    }

    async fn spent_family(&self, token_hash: &str) -> Result<Option<String>, AuthError> {
        Ok(match self.lock().refresh_tokens.get(token_hash) {
            Some((record, true)) => Some(record.family.clone()),
            _ => None,
        })
    }

    async fn revoke_family(&self, family: &str) -> Result<(), AuthError> {
        let mut inner = self.lock();
        inner.revoked_families.insert(family.to_owned());
        for (record, used) in inner.refresh_tokens.values_mut() {
            if record.family == family {
                *used = true;
            }
        }
        Ok(())
    }
}

impl ApiKeyStore for MemoryStore {
    async fn find(&self, id: &str) -> Result<Option<StoredApiKey>, AuthError> {
        Ok(self.lock().api_keys.get(id).cloned())
    }

    async fn insert(&self, key: StoredApiKey) -> Result<(), AuthError> {
        self.lock().api_keys.insert(key.id.clone(), key);
        Ok(())
    }

    /// Ordered by id.
    async fn list(&self) -> Result<Vec<StoredApiKey>, AuthError> {
        Ok(self.lock().api_keys.values().cloned().collect())
    }

    async fn revoke(&self, id: &str, at: u64) -> Result<bool, AuthError> {
        Ok(match self.lock().api_keys.get_mut(id) {
            Some(key) if key.revoked_at.is_none() => {
                key.revoked_at = Some(at);
                true
            }
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PrincipalKind, generate_refresh_token};

    fn record(hash: &str, expires_at: u64) -> RefreshRecord {
        RefreshRecord {
            token_hash: hash.to_owned(),
            subject: "u-1".to_owned(),
            kind: PrincipalKind::User,
            audience: "backend".to_owned(),
            expires_at,
            family: "login-1".to_owned(),
        }
    }

    /// A renewal that consumed its token before the family was revoked, and saves the new
    /// token after, still leaves the family with nothing that renews.
    #[tokio::test]
    async fn a_token_saved_after_its_family_was_revoked_is_refused() {
        let store = MemoryStore::new();
        let (_, first) = generate_refresh_token();
        store.save(record(&first, crate::now() + 60)).await.unwrap();
        assert!(store.consume(&first, "backend").await.unwrap().is_some());
        store.revoke_family("login-1").await.unwrap();
        let (_, late) = generate_refresh_token();
        store.save(record(&late, crate::now() + 60)).await.unwrap();
        assert_eq!(store.consume(&late, "backend").await.unwrap(), None);
        // Another family is not touched.
        let (_, other) = generate_refresh_token();
        let mut unrelated = record(&other, crate::now() + 60);
        unrelated.family = "login-2".to_owned();
        store.save(unrelated.clone()).await.unwrap();
        assert_eq!(
            store.consume(&other, "backend").await.unwrap(),
            Some(unrelated)
        );
    }

    #[tokio::test]
    async fn refresh_token_is_consumed_once() {
        let store = MemoryStore::new();
        let (_, hash) = generate_refresh_token();
        let stored = record(&hash, crate::now() + 60);
        store.save(stored.clone()).await.unwrap();
        // Not for another application, and not used up by the attempt.
        assert_eq!(store.consume(&hash, "storefront").await.unwrap(), None);
        assert_eq!(store.spent_family(&hash).await.unwrap(), None);
        assert_eq!(store.consume(&hash, "backend").await.unwrap(), Some(stored));
        assert_eq!(store.consume(&hash, "backend").await.unwrap(), None);
        assert_eq!(
            store.spent_family(&hash).await.unwrap().as_deref(),
            Some("login-1")
        );
        assert_eq!(store.consume("unknown", "backend").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_revoked_family_renews_no_more() {
        let store = MemoryStore::new();
        store
            .save(record("first", crate::now() + 60))
            .await
            .unwrap();
        store
            .save(record("second", crate::now() + 60))
            .await
            .unwrap();
        let mut other = record("other", crate::now() + 60);
        other.family = "login-2".to_owned();
        store.save(other).await.unwrap();
        store.revoke_family("login-1").await.unwrap();
        assert_eq!(store.consume("second", "backend").await.unwrap(), None);
        assert!(store.consume("other", "backend").await.unwrap().is_some());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 8)]
    async fn concurrent_consumes_have_exactly_one_winner() {
        for _ in 0..20 {
            let store = MemoryStore::new();
            let (_, hash) = generate_refresh_token();
            store.save(record(&hash, crate::now() + 60)).await.unwrap();
            let barrier = Arc::new(tokio::sync::Barrier::new(16));
            let tasks: Vec<_> = (0..16)
                .map(|_| {
                    let store = store.clone();
                    let hash = hash.clone();
                    let barrier = Arc::clone(&barrier);
                    tokio::spawn(async move {
                        barrier.wait().await;
                        store.consume(&hash, "backend").await.unwrap().is_some()
                    })
                })
                .collect();
            let mut winners = 0;
            for task in tasks {
                winners += usize::from(task.await.unwrap());
            }
            assert_eq!(winners, 1);
        }
    }

    #[tokio::test]
    async fn saving_drops_expired_tokens() {
        let store = MemoryStore::new();
        store.save(record("old", crate::now() - 1)).await.unwrap();
        store.save(record("new", crate::now() + 60)).await.unwrap();
        assert_eq!(store.consume("old", "backend").await.unwrap(), None);
        assert!(store.consume("new", "backend").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn users_are_found_by_name_and_id() {
        let store = MemoryStore::new();
        let ada = Principal::new("u-1", "Ada", PrincipalKind::User);
        store.insert_user(
            "ada",
            StoredUser {
                principal: ada.clone(),
                password_hash: "hash".to_owned(),
            },
        );
        let found = store.find_by_username("ada").await.unwrap().unwrap();
        assert_eq!(found.principal, ada);
        assert_eq!(store.find_by_username("Ada").await.unwrap(), None);
        assert_eq!(store.find_by_id("u-1").await.unwrap(), Some(ada));
        assert_eq!(store.find_by_id("u-2").await.unwrap(), None);
        assert!(store.remove_user("ada"));
        assert!(!store.remove_user("ada"));
        assert_eq!(store.find_by_id("u-1").await.unwrap(), None);
    }

    #[test]
    fn add_user_hashes_the_password() {
        let store = MemoryStore::new();
        store
            .add_user(
                "ada",
                "s3cret",
                Principal::new("u-1", "ada", PrincipalKind::User),
            )
            .unwrap();
        let hash = store.lock().users["ada"].password_hash.clone();
        assert!(hash.starts_with("$argon2id$"));
        assert!(crate::verify_password(&hash, "s3cret"));
    }
}
