//! The store's operations: the provider and processor traits, each one statement (plus the
//! count of an offset page, and the parent's existence for a sub-resource), each write in one
//! transaction tried again while the database is busy.

use std::time::Duration;

use futures_util::StreamExt;
use glue_core::concurrency::precondition_failed;
use glue_core::meta::{PropertyMeta, RelationshipMeta, ResourceMeta, VersionSource};
use glue_core::query::{Query, Scalar};
use glue_core::store::StoredResource;
use glue_core::{
    CollectionProvider, Context, CreateProcessor, DeleteProcessor, FieldError, GlueError,
    ItemProvider, ItemStream, Paginated, Processor, ReplaceProcessor, UpdateProcessor,
};
use sea_query::{Alias, Expr, ExprTrait, SelectStatement};
use serde_json::Value as Json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Row};
use tokio::sync::mpsc;

use super::connection::Conn;
use super::errors::{ErrorMap, Failure, unavailable};
use super::values::{RowSource, expr, from_text};
use super::{Hooks, Identifiers, Inner, SqlStore, Write, WriteKind};
use crate::{Select, Statement, Table, build, rows};

impl<H> Inner<H> {
    fn errors(&self) -> ErrorMap<'_> {
        ErrorMap {
            table: &self.table,
            meta: self.table.meta(),
            constraints: &self.constraints,
            unique: self.unique,
        }
    }

    /// A failure as the answer (a transient one too, once attempts are spent).
    fn answer(&self, error: sqlx::Error) -> GlueError {
        match self.errors().failure(error) {
            Failure::Answer(answer) => answer,
            Failure::Transient(error) => unavailable(error),
        }
    }

    /// The connection of a request: its atomic transaction, else one of the pool.
    async fn connection<'a, R: StoredResource>(
        &self,
        ctx: &'a Context<R>,
    ) -> Result<Conn<'a>, GlueError> {
        Conn::open(&self.db, ctx.transactions())
            .await
            .map_err(|error| self.answer(error))
    }

    fn item<R: StoredResource>(&self, table: &Table, row: &AnyRow) -> Result<R, GlueError> {
        R::from_stored(&mut RowSource { row, table }).map_err(GlueError::internal)
    }

    /// The conditions that address one item from the request: its identifier and every
    /// other uri variable (a parent's key).
    fn address<R: StoredResource>(&self, ctx: &Context<R>) -> Option<Vec<Expr>> {
        let table = self.table_for(ctx.locale());
        let meta = table.meta();
        let mut conditions = self.scope.clone();
        for (variable, text) in ctx.uri_variables() {
            if text.contains('\0') {
                // No text column holds a NUL (PostgreSQL refuses to even compare one).
                return None;
            }
            let property = meta.uri_variable_property(variable)?;
            let column = table.column_of(property.name)?;
            let value = from_text(text, property)?;
            conditions.push(Expr::col(Alias::new(column)).eq(expr(&value, Some(property))));
        }
        Some(conditions)
    }

    /// The conditions that address a stored item: its identifier, and with `If-Match` its
    /// version (or every column, for a hash), so that the statement changes nothing when
    /// another write came first.
    fn stored<R: StoredResource>(&self, table: &Table, item: &R, conditional: bool) -> Vec<Expr> {
        let meta = table.meta();
        let mut conditions = self.scope.clone();
        let mut equal = |property: &'static PropertyMeta, column: &str| {
            let Some(Ok(value)) = item.stored_value(property.name) else {
                return;
            };
            let column = Expr::col(Alias::new(column));
            conditions.push(match value {
                Json::Null => column.is_null(),
                value => column.eq(expr(&value, Some(property))),
            });
        };
        if let Some(identifier) = meta.identifier()
            && let Some(column) = table.column_of(identifier.name)
        {
            equal(identifier, column);
        }
        match meta.concurrency.map(|c| c.source) {
            Some(VersionSource::Counter(name)) if conditional => {
                if let (Some(property), Some(column)) = (meta.property(name), table.column_of(name))
                {
                    equal(property, column);
                }
            }
            Some(VersionSource::Timestamp(name)) if conditional => {
                // As the store wrote it: to the microsecond.
                if let (Some(Scalar::DateTime(instant)), Some(column)) =
                    (item.property_value(name), table.column_of(name))
                {
                    conditions.push(
                        Expr::col(Alias::new(column))
                            .eq(Expr::val(glue_core::concurrency::version_text(&instant))),
                    );
                }
            }
            Some(VersionSource::Hash) if conditional => {
                for (property, column) in table.stored_columns() {
                    if !property.identifier && property.readable {
                        equal(property, column);
                    }
                }
            }
            _ => {}
        }
        conditions
    }

    /// The to-one relationship whose key holds a uri variable's value: the parent of a
    /// sub-resource, stored in a table of its own.
    fn parents(&self) -> impl Iterator<Item = (&'static RelationshipMeta, &'static str)> + '_ {
        let meta = self.table.meta();
        meta.uri_variables.iter().filter_map(move |variable| {
            meta.relationships
                .iter()
                .find(|r| !r.many && r.keys.iter().any(|(own, _)| *own == variable.property))
                .map(|relationship| (relationship, variable.name))
        })
    }

    /// A sub-resource's parent must exist (404 names it); one `SELECT` per parent.
    async fn require_parents<R: StoredResource>(
        &self,
        ctx: &Context<R>,
        connection: &mut AnyConnection,
    ) -> Result<(), GlueError> {
        for (relationship, variable) in self.parents() {
            let target: &'static ResourceMeta = (relationship.target)();
            let Some(value) = ctx.uri_variable(variable) else {
                continue;
            };
            let parent = Table::of(target);
            let Some((_, theirs)) = relationship.keys.first() else {
                continue;
            };
            let (Some(property), Some(column)) =
                (target.property(theirs), parent.column_of(theirs))
            else {
                continue;
            };
            let key = from_text(value, property).filter(|_| !value.contains('\0'));
            let exists = match key {
                Some(key) => {
                    let mut select = SelectStatement::new();
                    select
                        .expr(Expr::cust("1"))
                        .from(Alias::new(parent.name()))
                        .and_where(Expr::col(Alias::new(column)).eq(expr(&key, Some(property))))
                        .limit(1);
                    let statement = build(&select, self.db.dialect());
                    self.db.count_statement();
                    statement
                        .query()
                        .map_err(GlueError::internal)?
                        .fetch_optional(&mut *connection)
                        .await
                        .map_err(|error| self.answer(error))?
                        .is_some()
                }
                None => false,
            };
            if !exists {
                return Err(GlueError::not_found(format!(
                    "{} {value} not found.",
                    target.label
                )));
            }
        }
        Ok(())
    }
}

impl<R: StoredResource, H: Hooks<R>> ItemProvider<R> for SqlStore<R, H> {
    async fn item(&self, ctx: &Context<R>) -> Result<Option<R>, GlueError> {
        let inner = &*self.inner;
        let Some(conditions) = inner.address(ctx) else {
            return Ok(None);
        };
        let table = inner.table_for(ctx.locale());
        let mut select = SelectStatement::new();
        select
            .columns(all_columns(table))
            .from(Alias::new(table.name()));
        for condition in conditions {
            select.and_where(condition);
        }
        let statement = build(&select, inner.db.dialect());
        let mut connection = inner.connection(ctx).await?;
        inner.db.count_statement();
        let row = statement
            .query()
            .map_err(GlueError::internal)?
            .fetch_optional(&mut *connection)
            .await
            .map_err(|error| inner.answer(error))?;
        match row {
            Some(row) => inner.item(table, &row).map(Some),
            None => {
                // "Customer DE--99 not found." rather than the address's 404.
                inner.require_parents(ctx, &mut connection).await?;
                Ok(None)
            }
        }
    }
}

impl<R: StoredResource, H: Hooks<R>> SqlStore<R, H> {
    /// The request's query, restricted to the sub-resource's parent.
    fn select<'a>(&'a self, ctx: &Context<R>, query: &'a Query) -> Select<'a> {
        let inner = &*self.inner;
        let mut select = inner.table_for(ctx.locale()).select(query);
        if ctx.is_include() {
            for condition in &inner.scope {
                select = select.and_where(condition.clone());
            }
        } else {
            match inner.address(ctx) {
                Some(conditions) => {
                    for condition in conditions {
                        select = select.and_where(condition);
                    }
                }
                // A uri variable no row can hold: no row.
                None => select = select.and_where(Expr::cust("1 = 0")),
            }
        }
        select
    }
}

impl<R: StoredResource, H: Hooks<R>> CollectionProvider<R> for SqlStore<R, H> {
    async fn collection(&self, ctx: &Context<R>) -> Result<Paginated<R>, GlueError> {
        let inner = &*self.inner;
        let mut connection = inner.connection(ctx).await?;
        if !ctx.is_include() {
            inner.require_parents(ctx, &mut connection).await?;
        }
        let query = ctx.query();
        let select = self.select(ctx, query);
        let dialect = inner.db.dialect();
        inner.db.count_statement();
        let rows = select
            .rows(dialect)
            .query()
            .map_err(GlueError::internal)?
            .fetch_all(&mut *connection)
            .await
            .map_err(|error| inner.answer(error))?;
        let table = inner.table_for(ctx.locale());
        let items = rows
            .iter()
            .map(|row| inner.item(table, row))
            .collect::<Result<Vec<R>, _>>()?;
        let total = match query.page() {
            Some(page) if !page.is_keyset() => {
                inner.db.count_statement();
                let row = select
                    .count(dialect)
                    .query()
                    .map_err(GlueError::internal)?
                    .fetch_one(&mut *connection)
                    .await
                    .map_err(|error| inner.answer(error))?;
                let count: i64 = row.try_get(0).map_err(GlueError::internal)?;
                Some(u64::try_from(count).unwrap_or(0))
            }
            _ => None,
        };
        Ok(select.page(items, total))
    }

    fn stream(&self, ctx: &Context<R>) -> Option<ItemStream<R>> {
        if ctx.transactions().is_some()
            || (!ctx.is_include() && self.inner.parents().next().is_some())
        {
            // The parent is checked first: the whole list, not a stream.
            return None;
        }
        let statement = self.select(ctx, ctx.query()).rows(self.inner.db.dialect());
        let locale = ctx.locale().map(str::to_owned);
        Some(stream_rows(self.clone(), statement, locale))
    }
}

/// Rows as items, read while the answer is written: a bounded channel between the query
/// task and the body keeps memory flat.
fn stream_rows<R: StoredResource, H: Hooks<R>>(
    store: SqlStore<R, H>,
    statement: Statement,
    locale: Option<String>,
) -> ItemStream<R> {
    let (sender, receiver) = mpsc::channel::<Result<R, GlueError>>(64);
    store.inner.db.count_statement();
    tokio::spawn(async move {
        let inner = &*store.inner;
        let table = inner.table_for(locale.as_deref());
        let query = match statement.query() {
            Ok(query) => query,
            Err(error) => {
                let _ = sender.send(Err(GlueError::internal(error))).await;
                return;
            }
        };
        let mut rows = query.fetch(inner.db.pool());
        while let Some(row) = rows.next().await {
            let item = row
                .map_err(|error| inner.answer(error))
                .and_then(|row| inner.item(table, &row));
            let failed = item.is_err();
            if sender.send(item).await.is_err() || failed {
                break;
            }
        }
    });
    Box::pin(futures_util::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
    ))
}

impl<R: StoredResource, H: Hooks<R>> Processor<R> for SqlStore<R, H> {
    async fn validate(
        &self,
        ctx: &Context<R>,
        item: &R,
        previous: Option<&R>,
    ) -> Result<Vec<FieldError>, GlueError> {
        // Text the databases cannot hold is refused before any statement sees it.
        let nul: Vec<FieldError> = self
            .inner
            .table
            .stored_columns()
            .filter(|(property, _)| {
                matches!(item.stored_value(property.name), Some(Ok(value)) if holds_nul(&value))
            })
            .map(|(property, _)| FieldError::new(property.name, "must not contain NUL characters"))
            .collect();
        if !nul.is_empty() {
            return Ok(nul);
        }
        let mut connection = self.inner.connection(ctx).await?;
        self.inner
            .hooks
            .validate(ctx, item, previous, &mut connection)
            .await
    }

    fn joins_transactions(&self) -> bool {
        true
    }
}

impl<R: StoredResource, H: Hooks<R>> CreateProcessor<R> for SqlStore<R, H> {
    async fn create(&self, ctx: &Context<R>, item: R) -> Result<R, GlueError> {
        self.write(ctx, WriteKind::Create, item, None).await
    }
}

impl<R: StoredResource, H: Hooks<R>> ReplaceProcessor<R> for SqlStore<R, H> {
    async fn replace(&self, ctx: &Context<R>, item: R, previous: R) -> Result<R, GlueError> {
        self.write(ctx, WriteKind::Replace, item, Some(&previous))
            .await
    }
}

impl<R: StoredResource, H: Hooks<R>> UpdateProcessor<R> for SqlStore<R, H> {
    async fn update(&self, ctx: &Context<R>, item: R, previous: R) -> Result<R, GlueError> {
        self.write(ctx, WriteKind::Update, item, Some(&previous))
            .await
    }
}

impl<R: StoredResource, H: Hooks<R>> DeleteProcessor<R> for SqlStore<R, H> {
    async fn delete(&self, ctx: &Context<R>, item: R) -> Result<(), GlueError> {
        let previous = item.clone();
        self.write(ctx, WriteKind::Delete, item, Some(&previous))
            .await
            .map(drop)
    }
}

impl<R: StoredResource, H: Hooks<R>> SqlStore<R, H> {
    /// One write in its own transaction, tried again while the database is busy.
    async fn write(
        &self,
        ctx: &Context<R>,
        kind: WriteKind,
        item: R,
        previous: Option<&R>,
    ) -> Result<R, GlueError> {
        let inner = &*self.inner;
        if let Some(transactions) = ctx.transactions() {
            // Part of an atomic request: its transaction, committed by the router.
            let mut connection = Conn::open(&inner.db, Some(transactions))
                .await
                .map_err(|error| inner.answer(error))?;
            return match self
                .write_in(&mut connection, ctx, kind, item, previous)
                .await
            {
                Ok(stored) => Ok(stored),
                Err(Failure::Answer(answer)) => Err(answer),
                Err(Failure::Transient(error)) => Err(unavailable(error)),
            };
        }
        let attempts = inner.db.max_attempts();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut connection = inner
                .db
                .pool()
                .acquire()
                .await
                .map_err(|error| inner.answer(error))?;
            let outcome = async {
                let mut tx = connection
                    .begin()
                    .await
                    .map_err(|error| inner.errors().failure(error))?;
                let stored = self
                    .write_in(&mut tx, ctx, kind, item.clone(), previous)
                    .await?;
                tx.commit()
                    .await
                    .map_err(|error| inner.errors().failure(error))?;
                Ok::<R, Failure>(stored)
            }
            .await;
            match outcome {
                Ok(stored) => return Ok(stored),
                Err(Failure::Answer(answer)) => return Err(answer),
                Err(Failure::Transient(error)) if attempt >= attempts => {
                    return Err(unavailable(error));
                }
                Err(Failure::Transient(_)) => {
                    let pause = 10u64 << Ord::min(attempt, 6);
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            }
        }
    }

    /// One write on a connection inside a transaction: the hooks and the statement.
    pub(crate) async fn write_in(
        &self,
        connection: &mut AnyConnection,
        ctx: &Context<R>,
        kind: WriteKind,
        item: R,
        previous: Option<&R>,
    ) -> Result<R, Failure> {
        let inner = &*self.inner;
        if kind == WriteKind::Create {
            inner.require_parents(ctx, connection).await?;
        }
        let columns = match kind {
            WriteKind::Create => made_identifier(inner).into_iter().collect(),
            _ => Vec::new(),
        };
        let mut write = Write {
            kind,
            ctx,
            item,
            previous,
            columns,
            connection,
        };
        inner.hooks.before_write(&mut write).await?;
        let statement = statement(inner, &write)?;
        inner.db.count_statement();
        let query = statement.query().map_err(GlueError::internal)?;
        let row = query
            .fetch_optional(&mut *write.connection)
            .await
            .map_err(|error| inner.errors().failure(error))?;
        match (row, kind) {
            (Some(row), WriteKind::Delete) => drop(row),
            (Some(row), _) => write.item = inner.item(inner.table_for(ctx.locale()), &row)?,
            (None, WriteKind::Create) => {
                return Err(GlueError::internal("an insert returned no row").into());
            }
            (None, _) if ctx.is_conditional() => {
                return Err(precondition_failed(inner.table.meta()).into());
            }
            (None, _) => {
                return Err(GlueError::not_found(format!(
                    "{} {} not found.",
                    inner.table.meta().label,
                    ctx.raw_id().unwrap_or_default()
                ))
                .into());
            }
        }
        inner.hooks.after_write(&mut write).await?;
        Ok(write.item)
    }
}

/// Whether a value holds a NUL character anywhere.
fn holds_nul(value: &Json) -> bool {
    match value {
        Json::String(text) => text.contains('\0'),
        Json::Array(items) => items.iter().any(holds_nul),
        Json::Object(members) => members
            .iter()
            .any(|(key, value)| key.contains('\0') || holds_nul(value)),
        _ => false,
    }
}

/// Every stored column, for the item statements.
fn all_columns(table: &Table) -> Vec<Alias> {
    table
        .stored_columns()
        .map(|(_, column)| Alias::new(column))
        .collect()
}

/// The identifier a store makes for a new item (UUIDs, an application's function); `None`
/// when the database or the client gives it.
fn made_identifier<H>(inner: &Inner<H>) -> Option<(String, Json)> {
    let made = match &inner.identifiers {
        Identifiers::Database | Identifiers::Given => return None,
        Identifiers::Uuid => uuid::Uuid::new_v4().to_string(),
        Identifiers::Function(make) => make(),
    };
    let identifier = inner.table.meta().identifier()?;
    let column = inner.table.column_of(identifier.name)?;
    Some((column.to_owned(), from_text(&made, identifier)?))
}

/// The columns a write sets, with their values: the properties of its kind (Post: the
/// writable ones, a parent's key and a given identifier; Put: the writable ones; Patch: those
/// the request sent), the version, and the hooks' columns.
fn assignments<R: StoredResource, H>(
    inner: &Inner<H>,
    table: &Table,
    write: &Write<'_, R>,
) -> Result<Vec<(String, Expr)>, GlueError> {
    let meta = table.meta();
    let version = meta.concurrency.map(|c| c.source);
    let value_of = |property: &'static PropertyMeta| -> Result<Json, GlueError> {
        match write.item.stored_value(property.name) {
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => Err(GlueError::internal(error)),
            None => Ok(Json::Null),
        }
    };
    // The properties this write sets, by kind.
    let variables: Vec<&str> = meta.uri_variables.iter().map(|v| v.property).collect();
    let sets = |property: &PropertyMeta| match write.kind {
        WriteKind::Create => {
            if property.identifier {
                matches!(inner.identifiers, Identifiers::Given)
            } else {
                property.writable || variables.contains(&property.name)
            }
        }
        WriteKind::Replace => property.writable && !property.identifier,
        WriteKind::Update => {
            property.writable
                && !property.identifier
                && write.ctx.written().contains(&property.name)
        }
        WriteKind::Delete => false,
    };
    let mut assignments: Vec<(String, Expr)> = Vec::new();
    for (property, column) in table.stored_columns() {
        if sets(property) {
            assignments.push((
                column.to_owned(),
                expr(&value_of(property)?, Some(property)),
            ));
        }
    }
    match version {
        Some(VersionSource::Counter(name)) => {
            if let Some(column) = table.column_of(name) {
                let next = if write.kind == WriteKind::Create {
                    Expr::val(1i64)
                } else {
                    Expr::col(Alias::new(column)).add(1i64)
                };
                assignments.push((column.to_owned(), next));
            }
        }
        Some(VersionSource::Timestamp(name)) => {
            if let Some(column) = table.column_of(name) {
                let previous =
                    write
                        .previous
                        .and_then(|previous| match previous.property_value(name) {
                            Some(Scalar::DateTime(instant)) => Some(instant),
                            _ => None,
                        });
                let next = glue_core::concurrency::next_version_time(previous);
                assignments.push((
                    column.to_owned(),
                    Expr::val(glue_core::concurrency::version_text(&next)),
                ));
            }
        }
        _ => {}
    }
    for (column, value) in &write.columns {
        let property = table
            .property_of(column)
            .and_then(|name| meta.property(name));
        assignments.retain(|(existing, _)| existing != column);
        assignments.push((column.clone(), expr(value, property)));
    }
    Ok(assignments)
}

/// The statement of a write: `INSERT ... RETURNING`, `UPDATE ... RETURNING` or `DELETE`.
fn statement<R: StoredResource, H>(
    inner: &Inner<H>,
    write: &Write<'_, R>,
) -> Result<Statement, GlueError> {
    let table = inner.table_for(write.ctx.locale());
    let dialect = inner.db.dialect();
    let assignments = assignments(inner, table, write)?;
    let conditional = write.ctx.is_conditional();
    let columns: Vec<&str> = table.stored_columns().map(|(_, column)| column).collect();
    let key = table
        .meta()
        .identifier()
        .and_then(|p| table.column_of(p.name))
        .unwrap_or_default();
    let previous = write.previous.unwrap_or(&write.item);
    let statement = match write.kind {
        WriteKind::Create => rows::insert(dialect, table.name(), assignments, &columns),
        WriteKind::Replace | WriteKind::Update => rows::update(
            dialect,
            table.name(),
            key,
            assignments,
            inner.stored(table, previous, conditional),
            &columns,
        ),
        WriteKind::Delete => rows::delete(
            dialect,
            table.name(),
            inner.stored(table, previous, conditional),
            &[key]
                .into_iter()
                .filter(|key| !key.is_empty())
                .collect::<Vec<_>>(),
        ),
    };
    Ok(statement)
}
