//! The configurations a process serves, kept current (SPEC §9.6): a change made here is
//! served at once; one made by another process sharing the database is seen within a second,
//! when a request finds the stored version moved on.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::config::Configuration;
use crate::storage::Storage;

/// How often a request asks the database whether the configurations changed.
const POLL: Duration = Duration::from_secs(1);

/// The active configurations, by alias.
#[derive(Debug, Default)]
pub struct Loaded {
    version: i64,
    configurations: Vec<Configuration>,
}

impl Loaded {
    /// The active configuration of an alias.
    #[must_use]
    pub fn active(&self, alias: &str) -> Option<&Configuration> {
        self.configurations
            .iter()
            .find(|configuration| configuration.table_alias == alias && configuration.is_active)
    }

    /// Every configuration, active or not.
    #[must_use]
    pub fn all(&self) -> &[Configuration] {
        &self.configurations
    }
}

/// The configurations of a process.
#[derive(Debug)]
pub struct Registry {
    storage: Storage,
    loaded: RwLock<Arc<Loaded>>,
    checked: Mutex<Instant>,
}

impl Registry {
    /// Loads every stored configuration.
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub async fn load(storage: Storage) -> Result<Self, sqlx::Error> {
        let loaded = read(&storage).await?;
        Ok(Self {
            storage,
            loaded: RwLock::new(Arc::new(loaded)),
            checked: Mutex::new(Instant::now()),
        })
    }

    /// The storage.
    #[must_use]
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The configurations now: reloaded when the stored version moved on (asked at most once
    /// a second).
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub async fn current(&self) -> Result<Arc<Loaded>, sqlx::Error> {
        let due = {
            let mut checked = self
                .checked
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = checked.elapsed() >= POLL;
            if due {
                *checked = Instant::now();
            }
            due
        };
        if due && self.storage.version().await? != self.snapshot().version {
            self.reload().await?;
        }
        Ok(self.snapshot())
    }

    /// Reads the configurations again, now (after a change made by this process).
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub async fn reload(&self) -> Result<(), sqlx::Error> {
        let loaded = Arc::new(read(&self.storage).await?);
        *self
            .loaded
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = loaded;
        Ok(())
    }

    fn snapshot(&self) -> Arc<Loaded> {
        Arc::clone(
            &self
                .loaded
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

async fn read(storage: &Storage) -> Result<Loaded, sqlx::Error> {
    // The version first: a change between the two reads is seen at the next poll.
    let version = storage.version().await?;
    let configurations = storage.all().await?;
    Ok(Loaded {
        version,
        configurations,
    })
}
