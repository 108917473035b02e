//! The shop's database: SQLite by default, PostgreSQL when `DATABASE_URL` says so.
//!
//! Both run through sqlx's `Any` driver with the same SQL (`$1` placeholders work on both);
//! only the migrations differ. Timestamps are stored as RFC 3339 text in UTC.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use glue_core::query::Query;
use glue_core::{GlueError, ItemStream, Paginated};
use glue_sql::{Dialect, Select, Statement};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor, Row};
use tokio::sync::mpsc;

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
    pool: AnyPool,
    backend: Backend,
    statements: Arc<AtomicU64>,
}

impl Db {
    /// Connects to `url` (`sqlite://shop.db`, `sqlite::memory:`, `postgres://...`); a SQLite
    /// file is created when missing.
    ///
    /// # Errors
    ///
    /// When the URL names no supported database or the connection fails.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                format!("unsupported DATABASE_URL {url:?}: use sqlite://... or postgres://...")
                    .into(),
            ));
        };
        let memory = backend == Backend::Sqlite && url.contains(":memory:");
        let url = if backend == Backend::Sqlite && !memory && !url.contains("mode=") {
            let separator = if url.contains('?') { '&' } else { '?' };
            format!("{url}{separator}mode=rwc")
        } else {
            url.to_owned()
        };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let options = if memory {
            // Every connection to `:memory:` opens its own database: keep exactly one.
            options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            options.max_connections(8)
        };
        let pool = options.connect(&url).await?;
        if backend == Backend::Sqlite && !memory {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        Ok(Self {
            pool,
            backend,
            statements: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The pool.
    #[must_use]
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which database this is.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many statements the providers' collection queries have run (for benchmarks that
    /// report statements per request).
    #[must_use]
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub(crate) fn count_statement(&self) {
        self.statements.fetch_add(1, Ordering::Relaxed);
    }

    /// The SQL dialect of the database.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite => Dialect::Sqlite,
            Backend::Postgres => Dialect::Postgres,
        }
    }

    /// Creates or updates the tables.
    ///
    /// # Errors
    ///
    /// When a migration fails.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }
}

/// A database failure as a 500 (the cause goes to the log), or a 422 when a unique index
/// refused the write.
pub(crate) fn db_error(error: sqlx::Error) -> GlueError {
    GlueError::internal(error)
}

/// Whether an error is a unique index refusing a write.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
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

/// Reads an RFC 3339 text column.
pub(crate) fn get_date_time(row: &AnyRow, column: &str) -> Result<DateTime<Utc>, sqlx::Error> {
    let text: String = get(row, column)?;
    if text.is_empty() {
        return Ok(DateTime::default());
    }
    DateTime::parse_from_rfc3339(&text)
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|error| sqlx::Error::ColumnDecode {
            index: column.to_owned(),
            source: Box::new(error),
        })
}

/// Reads a nullable `YYYY-MM-DD` text column.
pub(crate) fn get_date(row: &AnyRow, column: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
    let text: Option<String> = get(row, column)?;
    text.map(|text| {
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|error| sqlx::Error::ColumnDecode {
            index: column.to_owned(),
            source: Box::new(error),
        })
    })
    .transpose()
}

/// Runs the statements of a collection request: the page of rows, and their count when the
/// request is paginated by offset (cursor pages need none). At most two statements, whatever
/// the page size.
pub(crate) async fn fetch_page<T>(
    db: &Db,
    select: &Select<'_>,
    query: &Query,
    from_row: fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Paginated<T>, GlueError> {
    let dialect = db.dialect();
    db.count_statement();
    let rows = select
        .rows(dialect)
        .query()
        .map_err(db_error)?
        .fetch_all(db.pool())
        .await
        .map_err(db_error)?;
    let items = rows
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_error)?;
    let total = match query.page() {
        Some(page) if !page.is_keyset() => {
            db.count_statement();
            let row = select
                .count(dialect)
                .query()
                .map_err(db_error)?
                .fetch_one(db.pool())
                .await
                .map_err(db_error)?;
            Some(count(&row).map_err(db_error)?)
        }
        _ => None,
    };
    Ok(select.page(items, total))
}

/// The rows of a statement as a stream of items, read from the database as the response is
/// written: a bounded channel between the query task and the body keeps memory flat.
pub(crate) fn stream_rows<T: Send + 'static>(
    db: &Db,
    statement: &Statement,
    from_row: fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> ItemStream<T> {
    let (sender, receiver) = mpsc::channel::<Result<T, GlueError>>(64);
    let pool = db.pool().clone();
    let query = statement.query();
    db.count_statement();
    tokio::spawn(async move {
        let query = match query {
            Ok(query) => query,
            Err(error) => {
                let _ = sender.send(Err(db_error(error))).await;
                return;
            }
        };
        let mut rows = query.fetch(&pool);
        while let Some(row) = rows.next().await {
            let item = row.and_then(|row| from_row(&row)).map_err(db_error);
            let failed = item.is_err();
            if sender.send(item).await.is_err() || failed {
                // The client went away, or the rest cannot be read.
                break;
            }
        }
    });
    Box::pin(futures_util::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
    ))
}

/// Writes an instant the way the tables store it.
pub(crate) fn date_time_text(instant: &DateTime<Utc>) -> String {
    glue_core::date::format_date_time(instant)
}

/// A number of rows as `u64`.
pub(crate) fn count(row: &AnyRow) -> Result<u64, sqlx::Error> {
    let count: i64 = row.try_get(0)?;
    Ok(u64::try_from(count).unwrap_or(0))
}
