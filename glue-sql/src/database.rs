//! A connection pool to SQLite or PostgreSQL through sqlx's `Any` driver, with the dialect
//! the statements are written in and a count of the statements the stores ran.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};

use crate::Dialect;

/// A pool, its dialect, and how often a write that met a busy database is tried again.
#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    dialect: Dialect,
    statements: Arc<AtomicU64>,
    attempts: u32,
}

impl Database {
    /// Connects to `url`: `sqlite://file.db` (created when missing, in WAL mode),
    /// `sqlite::memory:` (one connection, since each opens its own database) or
    /// `postgres://...`.
    ///
    /// # Errors
    ///
    /// When the URL names no supported database or the connection fails.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Dialect::Postgres
        } else if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                format!("unsupported database URL {url:?}: use sqlite://... or postgres://...")
                    .into(),
            ));
        };
        let memory = dialect == Dialect::Sqlite && url.contains(":memory:");
        let url = if dialect == Dialect::Sqlite && !memory && !url.contains("mode=") {
            let separator = if url.contains('?') { '&' } else { '?' };
            format!("{url}{separator}mode=rwc")
        } else {
            url.to_owned()
        };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let options = if memory {
            options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            options.max_connections(8)
        };
        let pool = options.connect(&url).await?;
        if dialect == Dialect::Sqlite && !memory {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        Ok(Self::new(pool, dialect))
    }

    /// A database over a pool the application made.
    #[must_use]
    pub fn new(pool: AnyPool, dialect: Dialect) -> Self {
        Self {
            pool,
            dialect,
            statements: Arc::new(AtomicU64::new(0)),
            attempts: 3,
        }
    }

    /// How many times a write is tried when the database is busy or a serializable
    /// transaction conflicts (3 by default); after the last, the client gets 503 with
    /// `Retry-After`.
    #[must_use]
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The pool.
    #[must_use]
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The dialect.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// How many statements the stores over this database have run: to show, in benchmarks
    /// and tests, what a request costs.
    #[must_use]
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Counts a statement (for code that runs its own next to a store's).
    pub fn count_statement(&self) {
        self.statements.fetch_add(1, Ordering::Relaxed);
    }

    /// What tells this database's pool apart from others: the key of its transaction in an
    /// atomic request.
    pub(crate) fn key(&self) -> usize {
        // The pool's options are one allocation per pool, shared by its clones: two
        // `Database`s over one pool share one transaction.
        Arc::as_ptr(&self.pool.connect_options()) as usize
    }

    /// How many times a write that found the database busy is tried in all (3 by default,
    /// [`Database::attempts`]).
    #[must_use]
    pub fn max_attempts(&self) -> u32 {
        self.attempts
    }
}
