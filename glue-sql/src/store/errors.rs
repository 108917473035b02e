//! Database errors as answers, by the kind the driver reports (SQLSTATE on PostgreSQL, the
//! extended result code on SQLite), never by a client's data turning into a 500.

use std::borrow::Cow;

use glue_core::http::{HeaderValue, StatusCode, header};
use glue_core::meta::ResourceMeta;
use glue_core::{ErrorSource, FieldError, GlueError};
use sqlx::error::{DatabaseError, ErrorKind};

use crate::Table;

/// How the store answers a unique violation on one property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueAnswer {
    /// 409 Conflict, pointing at the property.
    Conflict,
    /// 422 with the property's error ("is already in use"), next to validation errors.
    Invalid,
}

/// What went wrong, as the store sorts it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Worth another attempt: the database was busy or a transaction conflicted.
    Transient(sqlx::Error),
    /// The answer to give.
    Answer(GlueError),
}

impl From<GlueError> for Failure {
    fn from(error: GlueError) -> Self {
        Self::Answer(error)
    }
}

/// Maps the errors of one store: its table names the columns, its declaration the properties.
pub(crate) struct ErrorMap<'a> {
    pub(crate) table: &'a Table,
    pub(crate) meta: &'static ResourceMeta,
    /// Constraint or index names the database reports, with the property each guards.
    pub(crate) constraints: &'a [(String, &'static str)],
    pub(crate) unique: UniqueAnswer,
}

impl ErrorMap<'_> {
    /// Sorts an error of a statement.
    pub(crate) fn failure(&self, error: sqlx::Error) -> Failure {
        match &error {
            sqlx::Error::Database(db) if transient(db.as_ref()) => Failure::Transient(error),
            sqlx::Error::Database(db) if data_exception(db.as_ref()) => {
                Failure::Answer(self.unstorable(db.as_ref()))
            }
            sqlx::Error::Database(db) => Failure::Answer(self.database(db.as_ref(), &error)),
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => Failure::Answer(unavailable(error)),
            _ => Failure::Answer(GlueError::internal(error)),
        }
    }

    fn database(&self, db: &dyn DatabaseError, error: &sqlx::Error) -> GlueError {
        let property = self.property(db);
        let label = self.meta.label;
        match db.kind() {
            ErrorKind::UniqueViolation => match (property, self.unique) {
                (Some(property), UniqueAnswer::Invalid) => {
                    GlueError::validation([FieldError::new(property, "is already in use")])
                        .with_code("unique")
                }
                (Some(property), UniqueAnswer::Conflict) => {
                    GlueError::conflict(format!("Another {label} has this {property}."))
                        .with_code("unique")
                        .with_source(self.source(property))
                }
                (None, _) => GlueError::conflict(format!(
                    "The {label} conflicts with one that is already stored."
                ))
                .with_code("unique"),
            },
            ErrorKind::ForeignKeyViolation => {
                let error = GlueError::conflict(format!(
                    "The {label} refers to an item that does not exist, or is referred to by \
                     items that still exist."
                ))
                .with_code("reference");
                match property {
                    Some(property) => error.with_source(self.source(property)),
                    None => error,
                }
            }
            ErrorKind::NotNullViolation | ErrorKind::CheckViolation => {
                let message = if db.kind() == ErrorKind::NotNullViolation {
                    "is required"
                } else {
                    "is not allowed by the store"
                };
                match property {
                    Some(property) => GlueError::validation([FieldError::new(property, message)])
                        .with_code("constraint"),
                    None => GlueError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        format!("The {label} breaks a rule of the store."),
                    )
                    .with_code("constraint"),
                }
            }
            _ => GlueError::internal(error.to_string()),
        }
    }

    /// 422: a value the database cannot hold, at its property when the database names it.
    fn unstorable(&self, db: &dyn DatabaseError) -> GlueError {
        let property = db
            .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            .and_then(|pg| pg.column())
            .and_then(|column| self.table.property_of(column));
        match property {
            Some(property) => GlueError::validation([FieldError::new(
                property,
                "is not a value the store can hold",
            )])
            .with_code("unstorable"),
            None => GlueError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "A value of the {} is not one the store can hold.",
                    self.meta.label
                ),
            )
            .with_code("unstorable"),
        }
    }

    /// Where an error about a property points: the identifier is `/data/id`, not an
    /// attribute.
    fn source(&self, property: &str) -> ErrorSource {
        if self.meta.property(property).is_some_and(|p| p.identifier) {
            ErrorSource::Identifier(property.to_owned())
        } else {
            ErrorSource::Property(property.to_owned())
        }
    }

    /// The property a constraint guards: by the name the database gives it (declared with
    /// `SqlStore::constraint`, or PostgreSQL's default `{table}_{column}_key`), by the column
    /// PostgreSQL reports, or by the `table.column` SQLite names in its message (SQLite has
    /// no field for it).
    fn property(&self, db: &dyn DatabaseError) -> Option<&'static str> {
        let table = self.table.name();
        let of_column = |column: &str| self.table.property_of(column);
        if let Some(name) = db.constraint() {
            if let Some((_, property)) = self.constraints.iter().find(|(n, _)| n == name) {
                return Some(property);
            }
            let column = name
                .strip_prefix(table)
                .and_then(|rest| rest.strip_prefix('_'))
                .and_then(|rest| {
                    rest.strip_suffix("_key")
                        .or_else(|| rest.strip_suffix("_fkey"))
                        .or_else(|| rest.strip_suffix("_check"))
                });
            if let Some(property) = column.and_then(of_column) {
                return Some(property);
            }
        }
        if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            && let Some(column) = pg.column()
        {
            return of_column(column);
        }
        // SQLite: "UNIQUE constraint failed: customers.email" or "... index 'name'";
        // "CHECK constraint failed: position > 0" (the name, or the expression).
        let message = db.message();
        let (_, named) = message.split_once("constraint failed: ")?;
        let named = named
            .strip_prefix("index '")
            .map_or(named, |index| index.trim_end_matches('\''));
        if let Some((_, property)) = self.constraints.iter().find(|(n, _)| n == named) {
            return Some(property);
        }
        if db.kind() == ErrorKind::CheckViolation {
            let mut columns: Vec<&'static str> = named
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter_map(of_column)
                .collect();
            columns.sort_unstable();
            columns.dedup();
            return match columns.as_slice() {
                [property] => Some(property),
                _ => None,
            };
        }
        let mut properties = named.split(", ").filter_map(|qualified| {
            let column = qualified.strip_prefix(table)?.strip_prefix('.')?;
            of_column(column)
        });
        let first = properties.next()?;
        // A constraint over several columns is no one property's.
        properties.next().is_none().then_some(first)
    }
}

/// PostgreSQL's data exceptions (SQLSTATE class 22): a value the column's type cannot hold
/// (text with NUL, a number out of range, a date that does not exist).
fn data_exception(db: &dyn DatabaseError) -> bool {
    db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .is_some_and(|pg| pg.code().starts_with("22"))
}

/// Whether a database error goes away when the transaction is tried again: SQLite busy or
/// locked, PostgreSQL serialization failure or deadlock.
fn transient(db: &dyn DatabaseError) -> bool {
    let code = db.code().unwrap_or(Cow::Borrowed(""));
    if db
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .is_some()
    {
        return matches!(&*code, "40001" | "40P01");
    }
    // SQLite's primary result code is the low byte of the extended one.
    code.parse::<i64>()
        .is_ok_and(|code| matches!(code & 0xff, 5 | 6))
}

/// 503 with `Retry-After`: the database cannot be reached, or stayed busy.
pub(crate) fn unavailable(cause: sqlx::Error) -> GlueError {
    GlueError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "The database is busy or cannot be reached; try again shortly.",
    )
    .with_code("unavailable")
    .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
    .with_cause(cause)
}

/// What a database error says about the data written, by the kind the driver reports: for
/// stores that answer in their own words (the Data Exchange API's numbered codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Violation {
    /// A unique constraint or index refused a duplicate.
    Unique,
    /// A foreign key refers to a row that does not exist, or a deleted row is still referred to.
    ForeignKey,
    /// A column that takes no null got one.
    NotNull,
    /// A check constraint refused the value.
    Check,
    /// A value the column's type cannot hold (PostgreSQL's data exceptions).
    Unstorable,
    /// The database is busy or a transaction conflicted: worth another try.
    Busy,
    /// The database cannot be reached.
    Unavailable,
}

impl Violation {
    /// The violation an error reports, if it reports one.
    #[must_use]
    pub fn of(error: &sqlx::Error) -> Option<Self> {
        match error {
            sqlx::Error::Database(db) if transient(db.as_ref()) => Some(Self::Busy),
            sqlx::Error::Database(db) if data_exception(db.as_ref()) => Some(Self::Unstorable),
            sqlx::Error::Database(db) => match db.kind() {
                ErrorKind::UniqueViolation => Some(Self::Unique),
                ErrorKind::ForeignKeyViolation => Some(Self::ForeignKey),
                ErrorKind::NotNullViolation => Some(Self::NotNull),
                ErrorKind::CheckViolation => Some(Self::Check),
                _ => None,
            },
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => Some(Self::Unavailable),
            _ => None,
        }
    }
}
