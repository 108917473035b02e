//! The shop's database: SQLite by default, PostgreSQL when `DATABASE_URL` says so.
//!
//! Both run through sqlx's `Any` driver with the same SQL (`$1` placeholders work on both);
//! only the migrations differ. Timestamps are stored as RFC 3339 text in UTC. The pool and
//! its dialect are `glue_sql`'s [`Database`], which the resources' stores share.

use chrono::{DateTime, Utc};
use glue_core::GlueError;
use glue_sql::{Database, Dialect};
use sqlx::any::AnyRow;
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database the shop runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, in a file or in memory.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A connection pool to the shop's database.
#[derive(Debug, Clone)]
pub struct Db {
    database: Database,
}

impl Db {
    /// Connects to `url` (`sqlite://shop.db`, `sqlite::memory:`, `postgres://...`); a SQLite
    /// file is created when missing.
    ///
    /// # Errors
    ///
    /// When the URL names no supported database or the connection fails.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        Ok(Self {
            database: Database::connect(url).await?,
        })
    }

    /// The pool.
    #[must_use]
    pub fn pool(&self) -> &AnyPool {
        self.database.pool()
    }

    /// The database as the stores see it.
    #[must_use]
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Which database this is.
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self.database.dialect() {
            Dialect::Sqlite => Backend::Sqlite,
            Dialect::Postgres => Backend::Postgres,
        }
    }

    /// How many statements the stores have run (for benchmarks that report statements per
    /// request).
    #[must_use]
    pub fn statements(&self) -> u64 {
        self.database.statements()
    }

    /// The SQL dialect of the database.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        self.database.dialect()
    }

    /// Creates or updates the tables.
    ///
    /// # Errors
    ///
    /// When a migration fails.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend() {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(self.pool()).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(self.pool()).await,
        }
    }
}

/// A database failure as a 500 (the cause goes to the log).
pub(crate) fn db_error(error: sqlx::Error) -> GlueError {
    GlueError::internal(error)
}

/// Reads a column that a sparse fieldset may have left out of the `SELECT`: its value, or
/// the type's default when the column is absent (the property is not shown then anyway).
pub(crate) fn get<'r, T>(row: &'r AnyRow, column: &str) -> Result<T, sqlx::Error>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + Default,
{
    match row.try_get::<T, _>(column) {
        Err(sqlx::Error::ColumnNotFound(_)) => Ok(T::default()),
        other => other,
    }
}

/// Reads a boolean column: PostgreSQL `BOOLEAN` or SQLite `INTEGER`.
pub(crate) fn get_bool(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    match row.try_get::<bool, _>(column) {
        Ok(value) => Ok(value),
        Err(sqlx::Error::ColumnNotFound(_)) => Ok(false),
        Err(_) => Ok(row.try_get::<i64, _>(column)? != 0),
    }
}

/// Writes an instant the way the tables store it.
pub(crate) fn date_time_text(instant: &DateTime<Utc>) -> String {
    glue_core::date::format_date_time(instant)
}
