//! [`SqlStore`]: every operation of a resource over one table, from its declaration.

mod connection;
mod errors;
mod serve;
mod values;

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use glue_core::meta::PropertyType;
use glue_core::store::StoredResource;
use glue_core::{Context, GlueError};
use sea_query::Expr;
use sqlx::AnyConnection;

pub use errors::{UniqueAnswer, Violation};

use crate::{Database, Table};

/// How a store gives new items their identifier.
#[derive(Clone)]
pub enum Identifiers {
    /// The database assigns it (an auto-increment or identity column); never written.
    Database,
    /// A random UUID (version 4), as text.
    Uuid,
    /// The client sends it (the identifier is writable), or a hook sets it.
    Given,
    /// The application makes it.
    Function(Arc<dyn Fn() -> String + Send + Sync>),
}

impl fmt::Debug for Identifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Database => f.write_str("Database"),
            Self::Uuid => f.write_str("Uuid"),
            Self::Given => f.write_str("Given"),
            Self::Function(_) => f.write_str("Function(..)"),
        }
    }
}

/// Which write a hook runs around.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// Post.
    Create,
    /// Put.
    Replace,
    /// Patch.
    Update,
    /// Delete.
    Delete,
}

/// One write, as hooks see it: the item, the stored one, the request, extra columns to
/// write, and the transaction (for statements of their own, which commit or roll back with
/// the write).
pub struct Write<'a, R: StoredResource> {
    /// Which write this is.
    pub kind: WriteKind,
    /// The request.
    pub ctx: &'a Context<R>,
    /// Before the statement, the item to write; after it, the item as stored. A hook may
    /// change it (before: what is written; after: what the client is answered).
    pub item: R,
    /// The stored item, for Put, Patch and Delete.
    pub previous: Option<&'a R>,
    columns: Vec<(String, serde_json::Value)>,
    connection: &'a mut AnyConnection,
}

impl<R: StoredResource> fmt::Debug for Write<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Write")
            .field("kind", &self.kind)
            .field("id", &self.item.id())
            .field("columns", &self.columns)
            .finish_non_exhaustive()
    }
}

impl<R: StoredResource> Write<'_, R> {
    /// Writes a column that is not a property (a password's hash), or a property's column
    /// with another value than the item's, in the statement that writes the item (before
    /// hooks only).
    pub fn set_column(&mut self, column: impl Into<String>, value: impl Into<serde_json::Value>) {
        let column = column.into();
        self.columns.retain(|(existing, _)| *existing != column);
        self.columns.push((column, value.into()));
    }

    /// The write's transaction, for statements of the hook's own.
    pub fn connection(&mut self) -> &mut AnyConnection {
        self.connection
    }
}

/// Behaviour around a store's writes, inside their transaction. An error rolls the write
/// back and is the answer.
///
/// ```
/// use glue_core::GlueError;
/// use glue_core::store::StoredResource;
/// use glue_sql::{Hooks, Write, WriteKind};
///
/// /// Stamps the time of creation into a `created_at` column.
/// struct Stamp;
///
/// impl<R: StoredResource> Hooks<R> for Stamp {
///     async fn before_write(&self, write: &mut Write<'_, R>) -> Result<(), GlueError> {
///         if write.kind == WriteKind::Create {
///             write.set_column("created_at", chrono::Utc::now().to_rfc3339());
///         }
///         Ok(())
///     }
/// }
/// ```
pub trait Hooks<R: StoredResource>: Send + Sync + 'static {
    /// Checks that need the store (uniqueness that differs from a constraint's, rules across
    /// rows), reported with the declared rules in one 422 (SPEC §3.8); see
    /// [`Processor::validate`](glue_core::Processor::validate).
    /// `connection` is the request's: inside an atomic request, its transaction, which
    /// sees the writes of the operations before.
    fn validate(
        &self,
        ctx: &Context<R>,
        item: &R,
        previous: Option<&R>,
        connection: &mut AnyConnection,
    ) -> impl Future<Output = Result<Vec<glue_core::FieldError>, GlueError>> + Send {
        let _ = (ctx, item, previous, connection);
        async { Ok(Vec::new()) }
    }

    /// Before the statement that writes.
    fn before_write(
        &self,
        write: &mut Write<'_, R>,
    ) -> impl Future<Output = Result<(), GlueError>> + Send {
        let _ = write;
        async { Ok(()) }
    }

    /// After it, before the transaction commits.
    fn after_write(
        &self,
        write: &mut Write<'_, R>,
    ) -> impl Future<Output = Result<(), GlueError>> + Send {
        let _ = write;
        async { Ok(()) }
    }
}

/// No hooks.
impl<R: StoredResource> Hooks<R> for () {}

/// Reads and writes a resource in one table, from its declaration.
///
/// ```no_run
/// use glue_core::{Application, ApiResource};
/// use glue_sql::{Database, SqlStore};
///
/// type Books = SqlStore<Book>;
///
/// #[derive(ApiResource, Clone, Debug)]
/// #[api(
///     table = "books",
///     operations(Get, GetCollection, Post, Put, Patch, Delete),
///     provider = Books,
///     processor = Books,
///     concurrency(version = "version"),
/// )]
/// struct Book {
///     #[api(identifier, writable = false)]
///     id: i64,
///     title: String,
///     #[api(writable = false)]
///     version: i64,
/// }
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let db = Database::connect("sqlite://books.db").await?;
/// let store = SqlStore::<Book>::new(&db);
/// let app = Application::new("api").resource::<Book>(store.clone(), store).build();
/// # Ok(()) }
/// ```
///
/// - **Reads** push the filter, sort, page and sparse fieldset down to SQL (see [`Table`]);
///   `pagination=false` streams rows as they are read.
/// - **Writes** run in one transaction each: `INSERT ... RETURNING` for Post, an `UPDATE` of
///   every writable column for Put, and of only the columns the request sent for Patch
///   (SPEC §12.2), `DELETE` for Delete. The version column is incremented (or the
///   `updated_at` set) in the same statement, and with `If-Match` the statement only
///   matches the version the framework checked: a concurrent change gives 412, never a lost
///   update (SPEC §12.1).
/// - **Identifiers** are made by the database (an integer identifier that is not writable),
///   as UUIDs (a text identifier that is not writable), by the client (a writable one), or
///   by an application function ([`Identifiers`]).
/// - **Errors** of the database become answers by constraint (see [`UniqueAnswer`]); a busy
///   database is tried again, then answered with 503 and `Retry-After`.
/// - **Behaviour** is added with [`Hooks`], which run inside the write's transaction.
///
/// [`Table`]: crate::Table
pub struct SqlStore<R, H = ()> {
    inner: Arc<Inner<H>>,
    resource: PhantomData<fn() -> R>,
}

struct Inner<H> {
    db: Database,
    table: Table,
    hooks: H,
    identifiers: Identifiers,
    constraints: Vec<(String, &'static str)>,
    unique: UniqueAnswer,
    /// Tables for requests in a locale whose text is in other columns.
    locales: Vec<(String, Table)>,
    /// Conditions every statement has (the rows this store may see and change).
    scope: Vec<Expr>,
}

impl<H> Inner<H> {
    /// The table as a request in `locale` sees it.
    fn table_for(&self, locale: Option<&str>) -> &Table {
        locale
            .and_then(|locale| self.locales.iter().find(|(l, _)| l == locale))
            .map_or(&self.table, |(_, table)| table)
    }
}

impl<R, H> Clone for SqlStore<R, H> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            resource: PhantomData,
        }
    }
}

impl<R, H> fmt::Debug for SqlStore<R, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore")
            .field("table", &self.inner.table.name())
            .field("identifiers", &self.inner.identifiers)
            .finish_non_exhaustive()
    }
}

impl<R: StoredResource> SqlStore<R> {
    /// A store of `R` in the table its declaration names, without hooks.
    #[must_use]
    pub fn new(db: &Database) -> Self {
        Self::with_table(db, Table::of(R::meta()))
    }

    /// A store of `R` in a table described by hand.
    #[must_use]
    pub fn with_table(db: &Database, table: Table) -> Self {
        let meta = R::meta();
        let identifiers = match meta.identifier() {
            Some(identifier) if identifier.writable => Identifiers::Given,
            Some(identifier) if identifier.ty == PropertyType::Integer => Identifiers::Database,
            Some(_) => Identifiers::Uuid,
            None => Identifiers::Database,
        };
        Self {
            inner: Arc::new(Inner {
                db: db.clone(),
                table,
                hooks: (),
                identifiers,
                constraints: Vec::new(),
                unique: UniqueAnswer::Conflict,
                locales: Vec::new(),
                scope: Vec::new(),
            }),
            resource: PhantomData,
        }
    }
}

impl<R: StoredResource, H: Hooks<R>> SqlStore<R, H> {
    fn configure(self, change: impl FnOnce(&mut Inner<H>)) -> Self {
        let mut inner = Arc::try_unwrap(self.inner)
            .unwrap_or_else(|_| panic!("configure a SqlStore before cloning it"));
        change(&mut inner);
        Self {
            inner: Arc::new(inner),
            resource: PhantomData,
        }
    }

    /// The same store with hooks around its writes.
    ///
    /// # Panics
    ///
    /// When the store was already cloned.
    #[must_use]
    pub fn hooks<H2: Hooks<R>>(self, hooks: H2) -> SqlStore<R, H2> {
        let inner = Arc::try_unwrap(self.inner)
            .unwrap_or_else(|_| panic!("configure a SqlStore before cloning it"));
        SqlStore {
            inner: Arc::new(Inner {
                db: inner.db,
                table: inner.table,
                hooks,
                identifiers: inner.identifiers,
                constraints: inner.constraints,
                unique: inner.unique,
                locales: inner.locales,
                scope: inner.scope,
            }),
            resource: PhantomData,
        }
    }

    /// How new items get their identifier, when the default does not fit.
    ///
    /// # Panics
    ///
    /// When the store was already cloned.
    #[must_use]
    pub fn identifiers(self, identifiers: Identifiers) -> Self {
        self.configure(|inner| inner.identifiers = identifiers)
    }

    /// Names the property a constraint or unique index guards, when the database's name for
    /// it does not say (`customers_email` on `lower(email)`): its violations then point at
    /// the property.
    ///
    /// # Panics
    ///
    /// When `R` has no such property, or the store was already cloned.
    #[must_use]
    #[track_caller]
    pub fn constraint(self, name: impl Into<String>, property: &str) -> Self {
        let Some(property) = R::meta().property(property) else {
            panic!("{} has no property {property:?}", R::meta().short_name);
        };
        let name = name.into();
        self.configure(|inner| inner.constraints.push((name, property.name)))
    }

    /// How a unique violation on one property is answered: 409 (the default) or 422.
    ///
    /// # Panics
    ///
    /// When the store was already cloned.
    #[must_use]
    pub fn unique_violations(self, answer: UniqueAnswer) -> Self {
        self.configure(|inner| inner.unique = answer)
    }

    /// Requests in `locale` (`de_DE`) read and write some properties in other columns:
    /// `change` gets the table and names them (`.column("name", "name_de")`).
    ///
    /// # Panics
    ///
    /// When the store was already cloned.
    #[must_use]
    pub fn localized(self, locale: &str, change: impl FnOnce(Table) -> Table) -> Self {
        let locale = locale.to_owned();
        self.configure(|inner| {
            let table = change(inner.table.clone());
            inner.locales.push((locale, table));
        })
    }

    /// A condition every statement of the store has: the rows it may read, change and
    /// delete (`is_active = TRUE` for a public catalogue). Other rows do not exist for it.
    ///
    /// # Panics
    ///
    /// When the store was already cloned.
    #[must_use]
    pub fn scope(self, condition: Expr) -> Self {
        self.configure(|inner| inner.scope.push(condition))
    }

    /// The table.
    #[must_use]
    pub fn table(&self) -> &Table {
        &self.inner.table
    }

    /// The database.
    #[must_use]
    pub fn database(&self) -> &Database {
        &self.inner.db
    }

    /// The hooks.
    #[must_use]
    pub fn hooks_ref(&self) -> &H {
        &self.inner.hooks
    }
}

/// Mounts a resource stored by a plain [`SqlStore`] in one line.
pub trait SqlResources {
    /// Registers `R`, read and written by a [`SqlStore`] over `db`.
    #[must_use]
    fn sql_resource<R>(self, db: &Database) -> Self
    where
        R: StoredResource<Provider = SqlStore<R>, Processor = SqlStore<R>>;
}

impl SqlResources for glue_core::Application {
    fn sql_resource<R>(self, db: &Database) -> Self
    where
        R: StoredResource<Provider = SqlStore<R>, Processor = SqlStore<R>>,
    {
        let store = SqlStore::<R>::new(db);
        self.resource::<R>(store.clone(), store)
    }
}
