//! Logins under attack (SPEC §13.2): a throttle of failed logins per username, and a bounded
//! pool for password hashing.
//!
//! - [`LoginThrottle`] counts failures per key; after `limit` failures within `window` the key
//!   is refused with 429 and `Retry-After` until the oldest failure leaves the window.
//!   [`MemoryThrottle`] keeps the counts in the process; a replica set shares one by
//!   implementing the trait over its database or cache. A token service keeps two: one per
//!   username (lower-cased; 10 failures in 5 minutes by default) against guessing one
//!   account's password, and one per client address (100 in 5 minutes) against trying a few
//!   passwords on many accounts.
//! - [`HashingPool`] admits about one Argon2 computation per core at a time; a login that
//!   finds every slot taken waits briefly, then is answered 503 with `Retry-After`, so a flood
//!   of logins cannot hold more than a few Argon2 memory blocks (19 MiB each).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use glue_core::body::BoxFuture;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Failed logins allowed per key within the window, by default.
pub const DEFAULT_FAILURES: usize = 10;
/// Failed logins allowed per client address within the window, by default: more than per
/// username, as many people may share an address.
pub const DEFAULT_ADDRESS_FAILURES: usize = 100;
/// The window of the default throttle.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(5 * 60);
/// How long a login waits for a hashing slot before it is answered 503.
pub const HASHING_WAIT: Duration = Duration::from_secs(2);

/// Counts login attempts per key, to refuse a key that failed too often.
pub trait LoginThrottle: Send + Sync + 'static {
    /// Seconds until `key` may try again when it is refused now; else the attempt is
    /// recorded (as a failure until [`succeeded`](Self::succeeded) says otherwise), in one
    /// step, so that parallel attempts count too.
    fn attempt<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<u64>>;

    /// Records a successful login of `key`: its failures are forgotten.
    fn succeeded<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()>;

    /// Records that the last attempt of `key` succeeded, keeping its earlier failures: a
    /// client address that logs into one account has not made up for the failures it had on
    /// others. By default the attempt keeps counting as a failure.
    fn forgive<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        let _ = key;
        Box::pin(async {})
    }
}

/// A throttle in the process's memory: `limit` failures per key within `window`.
#[derive(Debug, Clone)]
pub struct MemoryThrottle {
    limit: usize,
    window: Duration,
    failures: Arc<Mutex<HashMap<String, VecDeque<Instant>>>>,
}

impl Default for MemoryThrottle {
    fn default() -> Self {
        Self::new(DEFAULT_FAILURES, DEFAULT_WINDOW)
    }
}

/// The most keys a memory throttle remembers; beyond it, the keys without recent failures
/// are forgotten first (so a flood of made-up usernames cannot grow it without end).
const MAX_KEYS: usize = 100_000;

impl MemoryThrottle {
    /// `limit` failures per key within `window` (at least one of each).
    #[must_use]
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window: window.max(Duration::from_secs(1)),
            failures: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The failures of `key` still in the window.
    fn recent<'m>(
        &self,
        map: &'m mut HashMap<String, VecDeque<Instant>>,
        key: &str,
    ) -> Option<&'m mut VecDeque<Instant>> {
        let now = Instant::now();
        let times = map.get_mut(key)?;
        while times
            .front()
            .is_some_and(|time| now.duration_since(*time) >= self.window)
        {
            times.pop_front();
        }
        Some(times)
    }
}

impl LoginThrottle for MemoryThrottle {
    fn attempt<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<u64>> {
        Box::pin(async move {
            let mut map = self.lock();
            if let Some(times) = self.recent(&mut map, key)
                && times.len() >= self.limit
            {
                let oldest = *times.front()?;
                let left = self.window.saturating_sub(oldest.elapsed());
                return Some(left.as_secs().max(1));
            }
            if map.len() >= MAX_KEYS && !map.contains_key(key) {
                let window = self.window;
                map.retain(|_, times| times.back().is_some_and(|time| time.elapsed() < window));
            }
            let times = map.entry(key.to_owned()).or_default();
            times.push_back(Instant::now());
            // Only the last `limit` attempts matter.
            while times.len() > self.limit {
                times.pop_front();
            }
            None
        })
    }

    fn succeeded<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            self.lock().remove(key);
        })
    }

    fn forgive<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Some(times) = self.lock().get_mut(key) {
                times.pop_back();
            }
        })
    }
}

/// Slots to hash or verify passwords in: a login waits at most `wait` for one. Each slot
/// keeps Argon2's working memory between logins, so a flood reuses a few blocks of 19 MiB
/// instead of allocating one per login.
#[derive(Debug, Clone)]
pub struct HashingPool {
    slots: Arc<Semaphore>,
    memory: Arc<Mutex<Vec<Vec<argon2::Block>>>>,
    wait: Duration,
}

/// A slot of a [`HashingPool`]: its working memory, given back when the slot is dropped.
#[derive(Debug)]
pub struct HashingSlot {
    memory: Vec<argon2::Block>,
    pool: Arc<Mutex<Vec<Vec<argon2::Block>>>>,
    _permit: OwnedSemaphorePermit,
}

impl HashingSlot {
    /// Argon2's working memory, kept with the slot between logins.
    pub fn memory(&mut self) -> &mut Vec<argon2::Block> {
        &mut self.memory
    }
}

impl Drop for HashingSlot {
    fn drop(&mut self) {
        let memory = std::mem::take(&mut self.memory);
        if memory.capacity() > 0 {
            self.pool
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(memory);
        }
    }
}

/// The process's pool: one slot per core.
static SHARED: LazyLock<HashingPool> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    HashingPool::new(cores, HASHING_WAIT)
});

impl HashingPool {
    /// A pool of `slots` (at least one), each waited for at most `wait`.
    #[must_use]
    pub fn new(slots: usize, wait: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            memory: Arc::new(Mutex::new(Vec::new())),
            wait,
        }
    }

    /// The process's pool, one slot per core, shared by every service that does not set its
    /// own.
    #[must_use]
    pub fn shared() -> Self {
        SHARED.clone()
    }

    /// [`slot`](Self::slot) for an application's own writes that hash a password (a new
    /// customer's): `Err` is the 503 with `Retry-After` that a login finding the pool full
    /// gets.
    ///
    /// # Errors
    ///
    /// When every slot stayed taken for the pool's wait.
    pub async fn slot_or_busy(&self) -> Result<HashingSlot, glue_core::GlueError> {
        self.slot()
            .await
            .ok_or_else(|| crate::storefront::unavailable(&crate::GrantError::Busy))
    }

    /// A slot, or `None` when every slot stayed taken for the pool's wait (answer 503 with
    /// `Retry-After`).
    pub async fn slot(&self) -> Option<HashingSlot> {
        let permit = tokio::time::timeout(self.wait, Arc::clone(&self.slots).acquire_owned())
            .await
            .ok()?
            .ok()?;
        let memory = self
            .memory
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
            .unwrap_or_default();
        Some(HashingSlot {
            memory,
            pool: Arc::clone(&self.memory),
            _permit: permit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_key_is_refused_after_its_limit_and_others_are_not() {
        let throttle = MemoryThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert_eq!(throttle.attempt("ada").await, None);
        }
        let wait = throttle.attempt("ada").await.expect("refused");
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(throttle.attempt("bob").await, None);
        throttle.succeeded("ada").await;
        assert_eq!(throttle.attempt("ada").await, None);
    }

    #[tokio::test]
    async fn failures_leave_the_window() {
        let throttle = MemoryThrottle::new(1, Duration::from_secs(1));
        assert_eq!(throttle.attempt("ada").await, None);
        assert!(throttle.attempt("ada").await.is_some());
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(throttle.attempt("ada").await, None);
    }

    #[tokio::test]
    async fn hashing_slots_are_bounded() {
        let pool = HashingPool::new(2, Duration::from_millis(50));
        let first = pool.slot().await.expect("a slot");
        let _second = pool.slot().await.expect("a slot");
        assert!(pool.slot().await.is_none());
        drop(first);
        assert!(pool.slot().await.is_some());
    }
}
