//! Glue queries as parameterised SQL for SQLite and PostgreSQL (SPEC §3.4 to §3.6, §5).
//!
//! A [`Table`] maps a resource's properties to columns (by default the Rust field name,
//! `createdAt` -> `created_at`). From a request's [`Query`] it builds, with `sea-query`:
//!
//! - `WHERE` from the filter tree, every value a bound parameter;
//! - `ORDER BY` from the sort, with null first and the identifier as the last, stable key;
//! - `LIMIT`/`OFFSET` from the page;
//! - the column list from the sparse fieldset.
//!
//! Identifiers (table and columns) only ever come from the table description, never from the
//! request. The semantics match `glue_core::query::memory`, so an in-memory provider and a SQL
//! provider answer the same: comparisons with null are false, strings compare by code point
//! (PostgreSQL compares with `COLLATE "C"`), `contains`/`starts_with`/`ends_with` are
//! case-sensitive.
//!
//! ```
//! use glue_core::query::Query;
//! use glue_core::{ApiResource, Resource};
//! use glue_sql::{Dialect, Table};
//! # #[derive(ApiResource, Clone)]
//! # #[api(operations(GetCollection), provider = Books)]
//! # struct Book { #[api(identifier)] isbn: String, page_count: u32 }
//! # struct Books;
//! # impl glue_core::CollectionProvider<Book> for Books {
//! #     async fn collection(&self, _: &glue_core::Context<Book>) -> Result<glue_core::Paginated<Book>, glue_core::GlueError> { Ok(Vec::new().into()) }
//! # }
//!
//! let table = Table::new("books", Book::meta());
//! let statement = table.select(&Query::default()).rows(Dialect::Postgres);
//! assert_eq!(
//!     statement.sql,
//!     r#"SELECT "isbn", "page_count" FROM "books" ORDER BY "isbn" COLLATE "C" ASC NULLS FIRST"#
//! );
//! ```

use glue_core::meta::{PropertyMeta, PropertyType, ResourceMeta};
use glue_core::pagination::{Cursor, Direction};
use glue_core::query::Query;
use glue_core::query::{Condition, Filter, FilterValue, Operand, Operator, Scalar};
use sea_query::{
    Alias, Expr, ExprTrait, Func, NullOrdering, Order, PostgresQueryBuilder, QueryStatementWriter,
    SelectStatement, SqliteQueryBuilder, Values,
};

pub use sea_query;

#[cfg(feature = "sqlx")]
mod database;
#[cfg(feature = "sqlx")]
pub mod rows;
#[cfg(feature = "sqlx")]
mod store;

#[cfg(feature = "sqlx")]
pub use database::Database;
#[cfg(feature = "sqlx")]
pub use store::{
    Hooks, Identifiers, SqlResources, SqlStore, UniqueAnswer, Violation, Write, WriteKind,
};

/// The SQL dialect to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.30 or later.
    Sqlite,
    /// PostgreSQL 11 or later.
    Postgres,
}

/// A statement and the values to bind to its placeholders, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The SQL text.
    pub sql: String,
    /// The values of its placeholders.
    pub values: Values,
}

/// How a resource is stored: a table, and the column of each property.
#[derive(Debug, Clone)]
pub struct Table {
    name: String,
    meta: &'static ResourceMeta,
    columns: Vec<(&'static str, Option<String>)>,
    always: Vec<String>,
    tie_breaker: Option<String>,
}

impl Table {
    /// The resource stored in table `name`, each property in the column its declaration
    /// names (`column = "..."`), else the one named like its Rust field; `stored = false`
    /// properties in none.
    #[must_use]
    pub fn new(name: impl Into<String>, meta: &'static ResourceMeta) -> Self {
        Self {
            name: name.into(),
            meta,
            columns: meta
                .properties
                .iter()
                .map(|property| (property.name, property.column_name().map(str::to_owned)))
                .collect(),
            always: Vec::new(),
            tie_breaker: None,
        }
    }

    /// Stores a property in another column.
    ///
    /// # Panics
    ///
    /// When the resource has no such property.
    #[must_use]
    #[track_caller]
    pub fn column(mut self, property: &str, column: impl Into<String>) -> Self {
        let slot = self.slot(property);
        slot.1 = Some(column.into());
        self
    }

    /// A property that has no column (computed, or stored elsewhere): never selected,
    /// filtered or sorted in SQL.
    ///
    /// # Panics
    ///
    /// When the resource has no such property.
    #[must_use]
    #[track_caller]
    pub fn without(mut self, property: &str) -> Self {
        self.slot(property).1 = None;
        self
    }

    /// A column selected even when a sparse fieldset leaves its property out (keys that
    /// relationships or links need).
    #[must_use]
    pub fn always_select(mut self, column: impl Into<String>) -> Self {
        self.always.push(column.into());
        self
    }

    /// The last sort key, making the order total: the identifier's column unless named here.
    #[must_use]
    pub fn tie_breaker(mut self, column: impl Into<String>) -> Self {
        self.tie_breaker = Some(column.into());
        self
    }

    #[track_caller]
    fn slot(&mut self, property: &str) -> &mut (&'static str, Option<String>) {
        let resource = self.meta.short_name;
        self.columns
            .iter_mut()
            .find(|(name, _)| *name == property)
            .unwrap_or_else(|| panic!("{resource} has no property {property:?}"))
    }

    /// The table name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The resource stored in the table its declaration names (`table = "..."`), else in one
    /// named after its type (`customer-addresses` -> `customer_addresses`).
    #[must_use]
    pub fn of(meta: &'static ResourceMeta) -> Self {
        let name = meta
            .table
            .map_or_else(|| meta.short_name.replace('-', "_"), str::to_owned);
        Self::new(name, meta)
    }

    /// The resource's metadata.
    #[must_use]
    pub fn meta(&self) -> &'static ResourceMeta {
        self.meta
    }

    /// The property stored in a column.
    #[must_use]
    pub fn property_of(&self, column: &str) -> Option<&'static str> {
        self.columns
            .iter()
            .find(|(_, stored)| stored.as_deref() == Some(column))
            .map(|(name, _)| *name)
    }

    /// Every stored property with its column, in declaration order.
    pub fn stored_columns(&self) -> impl Iterator<Item = (&'static PropertyMeta, &str)> {
        self.columns
            .iter()
            .filter_map(|(name, column)| Some((self.meta.property(name)?, column.as_deref()?)))
    }

    /// The column of a property, when it has one.
    #[must_use]
    pub fn column_of(&self, property: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(name, _)| *name == property)
            .and_then(|(_, column)| column.as_deref())
    }

    /// A `SELECT` of the items `query` asks for; add conditions of your own with
    /// [`Select::and_where`].
    #[must_use]
    pub fn select<'a>(&'a self, query: &'a Query) -> Select<'a> {
        Select {
            table: self,
            query,
            conditions: Vec::new(),
        }
    }

    fn stored(&self, property: &PropertyMeta) -> Option<&str> {
        self.column_of(property.name)
    }
}

/// The statements of one request: the rows of the page, and the count of all matching rows.
#[derive(Debug)]
pub struct Select<'a> {
    table: &'a Table,
    query: &'a Query,
    conditions: Vec<Expr>,
}

impl Select<'_> {
    /// Adds a condition of the provider's own (a parent key, a visibility rule), combined with
    /// the request's filter by AND.
    #[must_use]
    pub fn and_where(mut self, condition: Expr) -> Self {
        self.conditions.push(condition);
        self
    }

    /// The columns selected: every property's, or those of the sparse fieldset plus what the
    /// framework needs to build the document (the identifier, uri variables for links,
    /// relationship keys, filtered properties) and the columns always selected.
    #[must_use]
    pub fn columns(&self) -> Vec<&str> {
        let meta = self.table.meta;
        let requested = self.query.fields(meta.short_name);
        let needed = |property: &PropertyMeta| {
            property.identifier
                || meta
                    .uri_variables
                    .iter()
                    .any(|variable| variable.property == property.name)
                || meta
                    .relationships
                    .iter()
                    .flat_map(|relationship| relationship.keys)
                    .any(|(own, _)| *own == property.name)
                || self
                    .query
                    .filter()
                    .is_some_and(|filter| filter.conditions().any(|c| c.property == property))
        };
        let mut columns: Vec<&str> = Vec::new();
        for property in meta.properties {
            let wanted = match requested {
                None => property.readable,
                Some(fields) => {
                    (property.readable && fields.iter().any(|f| f == property.name))
                        || needed(property)
                }
            };
            if let Some(column) = self.table.stored(property).filter(|_| wanted)
                && !columns.contains(&column)
            {
                columns.push(column);
            }
        }
        for column in &self.table.always {
            if !columns.contains(&column.as_str()) {
                columns.push(column);
            }
        }
        columns
    }

    fn base(&self, dialect: Dialect) -> SelectStatement {
        let mut statement = SelectStatement::new();
        statement.from(Alias::new(self.table.name.clone()));
        if let Some(filter) = self.query.filter() {
            statement.and_where(self.filter(filter, dialect));
        }
        for condition in &self.conditions {
            statement.and_where(condition.clone());
        }
        statement
    }

    /// The order of the statement: the sort keys, then the tie-breaker (the table's, else the
    /// column of the resource's tie-breaker property), each with its direction, whether it
    /// holds text, and its property when it is one.
    fn order(&self) -> Vec<OrderKey<'_>> {
        let meta = self.table.meta;
        let mut keys: Vec<OrderKey<'_>> = Vec::new();
        for key in self.query.sort() {
            if let Some(column) = self.table.stored(key.property) {
                keys.push(OrderKey {
                    column,
                    descending: key.descending,
                    text: text_stored(key.property),
                    property: Some(key.property),
                });
            }
        }
        let tie_breaker = match &self.table.tie_breaker {
            Some(column) => Some((
                column.as_str(),
                meta.properties
                    .iter()
                    .find(|p| self.table.stored(p) == Some(column.as_str())),
            )),
            None => meta
                .order_key()
                .and_then(|property| self.table.stored(property).map(|c| (c, Some(property)))),
        };
        if let Some((column, property)) = tie_breaker
            && !keys.iter().any(|key| key.column == column)
        {
            keys.push(OrderKey {
                column,
                descending: false,
                text: property.is_some_and(text_stored),
                property,
            });
        }
        keys
    }

    /// `SELECT <columns> ... ORDER BY ... LIMIT ... OFFSET ...` for the page of the query (or
    /// every row when the query has no page). A cursor page selects by position instead of
    /// offset, and one row more than the page, so that [`Select::page`] can tell whether more
    /// follow.
    #[must_use]
    pub fn rows(&self, dialect: Dialect) -> Statement {
        let mut statement = self.base(dialect);
        let mut columns = self.columns();
        let order = self.order();
        let keyset = self.query.page().filter(|page| page.is_keyset());
        if keyset.is_some() {
            // The outer query orders by the sort columns: they must be selected.
            for key in &order {
                if !columns.contains(&key.column) {
                    columns.push(key.column);
                }
            }
        }
        for column in &columns {
            statement.column(Alias::new(*column));
        }
        let backwards = keyset
            .and_then(|page| page.cursor())
            .is_some_and(|cursor| cursor.direction() == Direction::Before);
        for key in &order {
            add_order(&mut statement, key, backwards, dialect);
        }
        match self.query.page() {
            Some(page) if page.is_keyset() => {
                if let Some(cursor) = page.cursor() {
                    statement.and_where(beyond(&order, cursor, dialect));
                }
                statement.limit(page.limit.saturating_add(1));
            }
            Some(page) => {
                statement.limit(page.limit);
                statement.offset(page.offset);
            }
            None => {}
        }
        if !backwards {
            return build(&statement, dialect);
        }
        // Backwards, the nearest rows come first: turn them round in an outer query.
        let mut outer = SelectStatement::new();
        for column in &columns {
            outer.column(Alias::new(*column));
        }
        outer.from_subquery(statement, Alias::new("page"));
        for key in &order {
            add_order(&mut outer, key, false, dialect);
        }
        build(&outer, dialect)
    }

    /// The page of the rows [`rows`](Self::rows) fetched: with `total` (from
    /// [`count`](Self::count)) for offset pages; for cursor pages, without the extra row and
    /// saying whether more rows follow in the direction of travel.
    #[must_use]
    pub fn page<T>(&self, mut items: Vec<T>, total: Option<u64>) -> glue_core::Paginated<T> {
        match self.query.page() {
            Some(page) if page.is_keyset() => {
                let limit = page.limit_usize();
                let has_more = items.len() > limit;
                if has_more {
                    let backwards = page
                        .cursor()
                        .is_some_and(|cursor| cursor.direction() == Direction::Before);
                    if backwards {
                        items.drain(..items.len() - limit);
                    } else {
                        items.truncate(limit);
                    }
                }
                glue_core::Paginated::partial(items, has_more)
            }
            _ => {
                let total = total.unwrap_or(items.len() as u64);
                glue_core::Paginated::new(items, total)
            }
        }
    }

    /// `SELECT COUNT(*) ...` of every row the filter and conditions let through.
    #[must_use]
    pub fn count(&self, dialect: Dialect) -> Statement {
        let mut statement = self.base(dialect);
        statement.expr(Expr::cust("COUNT(*)"));
        build(&statement, dialect)
    }

    fn filter(&self, filter: &Filter, dialect: Dialect) -> Expr {
        match filter {
            Filter::Condition(condition) => self.condition(condition, dialect),
            Filter::All(filters) => filters
                .iter()
                .map(|filter| self.filter(filter, dialect))
                .reduce(ExprTrait::and)
                .unwrap_or_else(|| Expr::cust("1 = 1")),
            Filter::Any(filters) => filters
                .iter()
                .map(|filter| self.filter(filter, dialect))
                .reduce(ExprTrait::or)
                .unwrap_or_else(|| Expr::cust("1 = 0")),
            Filter::Not(filter) => self.filter(filter, dialect).not(),
        }
    }

    fn condition(&self, condition: &Condition, dialect: Dialect) -> Expr {
        let Some(column) = self.table.stored(condition.property) else {
            // A property without a column cannot match in SQL.
            return Expr::cust("1 = 0");
        };
        let text = text_stored(condition.property);
        let plain = Expr::col(Alias::new(column));
        let ordered = || sortable(column, text, dialect);
        let one = || match &condition.operand {
            Operand::One(value) => Some(value),
            _ => None,
        };
        let single = |compare: fn(Expr, Expr) -> Expr, ordering: bool| match one() {
            Some(value) => compare(
                if ordering { ordered() } else { plain.clone() },
                bind(value),
            ),
            None => Expr::cust("1 = 0"),
        };
        match condition.operator {
            Operator::Eq => single(|column, value| column.eq(value), false),
            Operator::Ne => single(|column, value| column.ne(value), false),
            Operator::Lt => single(|column, value| column.lt(value), true),
            Operator::Lte => single(|column, value| column.lte(value), true),
            Operator::Gt => single(|column, value| column.gt(value), true),
            Operator::Gte => single(|column, value| column.gte(value), true),
            Operator::In | Operator::NotIn => {
                let values: Vec<Expr> = match &condition.operand {
                    Operand::List(list) => list.iter().map(bind).collect(),
                    _ => Vec::new(),
                };
                if condition.operator == Operator::In {
                    plain.is_in(values)
                } else {
                    plain.is_not_in(values)
                }
            }
            Operator::Between | Operator::NotBetween => match &condition.operand {
                Operand::Range(low, high) if condition.operator == Operator::Between => {
                    ordered().between(bind(low), bind(high))
                }
                Operand::Range(low, high) => ordered().not_between(bind(low), bind(high)),
                _ => Expr::cust("1 = 0"),
            },
            Operator::Contains
            | Operator::NotContains
            | Operator::StartsWith
            | Operator::NotStartsWith
            | Operator::EndsWith
            | Operator::NotEndsWith => {
                let Some(FilterValue::String(pattern)) = one() else {
                    return Expr::cust("1 = 0");
                };
                textual(plain, condition.operator, pattern, dialect)
            }
            Operator::IsNull => plain.is_null(),
            Operator::IsNotNull => plain.is_not_null(),
            Operator::IsEmpty => plain.eq(""),
            Operator::IsNotEmpty => plain.ne(""),
        }
    }
}

/// One key of an order.
#[derive(Debug, Clone, Copy)]
struct OrderKey<'a> {
    column: &'a str,
    descending: bool,
    text: bool,
    property: Option<&'static PropertyMeta>,
}

/// Orders by a key (null first ascending, last descending, as in memory), or the reverse.
fn add_order(statement: &mut SelectStatement, key: &OrderKey<'_>, reverse: bool, dialect: Dialect) {
    let descending = key.descending != reverse;
    let (order, nulls) = if descending {
        (Order::Desc, NullOrdering::Last)
    } else {
        (Order::Asc, NullOrdering::First)
    };
    statement.order_by_expr_with_nulls(sortable(key.column, key.text, dialect), order, nulls);
}

/// The rows beyond a cursor position in its direction (keyset pagination): for each key,
/// "equal on the keys before it and past it on this one", with null before every value.
fn beyond(order: &[OrderKey<'_>], cursor: &Cursor, dialect: Dialect) -> Expr {
    let forward = cursor.direction() == Direction::After;
    let mut alternatives: Vec<Expr> = Vec::new();
    let mut equal_so_far: Vec<Expr> = Vec::new();
    for (key, value) in order.iter().zip(cursor.values()) {
        let typed = key
            .property
            .and_then(|property| glue_core::query::typed_value(property, value.reborrow()));
        if !value.is_null() && typed.is_none() {
            // A position that does not fit the key's type selects nothing.
            return Expr::cust("1 = 0");
        }
        let plain = Expr::col(Alias::new(key.column));
        let ordered = sortable(key.column, key.text, dialect);
        // Whether travel goes towards larger values on this key.
        let upwards = forward != key.descending;
        let past = match (&typed, upwards) {
            (None, true) => plain.clone().is_not_null(),
            (None, false) => Expr::cust("1 = 0"),
            (Some(value), true) => ordered.gt(bind(value)),
            (Some(value), false) => ordered.lt(bind(value)).or(plain.clone().is_null()),
        };
        let alternative = equal_so_far
            .iter()
            .cloned()
            .fold(past, |condition, equal| equal.and(condition));
        alternatives.push(alternative);
        equal_so_far.push(match &typed {
            None => plain.is_null(),
            Some(value) => plain.eq(bind(value)),
        });
    }
    alternatives
        .into_iter()
        .reduce(ExprTrait::or)
        .unwrap_or_else(|| Expr::cust("1 = 0"))
}

/// `contains`, `starts_with`, `ends_with` and their negations, case-sensitive in both
/// dialects (SQLite's `LIKE` is not): `instr`/`strpos`, `substr`, `right`. A negation never
/// lets a null column through (`NOT` of null stays null), as in memory.
#[must_use]
pub fn textual(column: Expr, operator: Operator, pattern: &str, dialect: Dialect) -> Expr {
    let found = matching(column.clone(), operator, pattern, dialect);
    if matches!(
        operator,
        Operator::NotContains | Operator::NotStartsWith | Operator::NotEndsWith
    ) {
        column.is_not_null().and(found.not())
    } else {
        found
    }
}

/// The positive test of [`textual`].
fn matching(column: Expr, operator: Operator, pattern: &str, dialect: Dialect) -> Expr {
    if pattern.is_empty() {
        // Every string contains, starts and ends with the empty string.
        return column.is_not_null();
    }
    let value = || Expr::val(pattern.to_owned());
    let length = || Func::cust("length").arg(value());
    match operator {
        Operator::Contains | Operator::NotContains => {
            let function = match dialect {
                Dialect::Sqlite => "instr",
                Dialect::Postgres => "strpos",
            };
            Expr::from(Func::cust(function).arg(column).arg(value())).gt(0)
        }
        Operator::StartsWith | Operator::NotStartsWith => {
            // A literal 1: PostgreSQL's substr takes an integer, and a bound 1 is a bigint.
            let first = Expr::cust("1");
            Expr::from(Func::cust("substr").arg(column).arg(first).arg(length())).eq(value())
        }
        _ => match dialect {
            Dialect::Sqlite => Expr::from(
                Func::cust("substr")
                    .arg(column)
                    .arg(Expr::cust("0").sub(length())),
            )
            .eq(value()),
            Dialect::Postgres => {
                Expr::from(Func::cust("right").arg(column).arg(length())).eq(value())
            }
        },
    }
}

/// Whether the property's values are stored as text (strings, and dates in RFC 3339).
fn text_stored(property: &PropertyMeta) -> bool {
    property.ty == PropertyType::String
}

/// A column as compared by order: PostgreSQL text compares by code point (`COLLATE "C"`), as
/// SQLite's default and Rust's `str` do.
#[must_use]
pub fn sortable(column: &str, text: bool, dialect: Dialect) -> Expr {
    let quoted = format!("\"{}\"", column.replace('"', "\"\""));
    match (dialect, text) {
        (Dialect::Postgres, true) => Expr::cust(format!("{quoted} COLLATE \"C\"")),
        _ => Expr::cust(quoted),
    }
}

/// A filter value as a bound parameter: dates as the text they are stored as, numbers as
/// doubles (the columns are floating point).
///
/// A decimal is bound through `CAST(? AS DOUBLE PRECISION)`: an integer column may be compared
/// with an integer (`stock < 3`) or with a decimal beyond 64 bits (`stock < 1e20`), and
/// PostgreSQL keeps the parameter types of a statement prepared for the same text, so the
/// two must not share a text.
fn bind(value: &Scalar<'_>) -> Expr {
    let value: sea_query::Value = match value {
        Scalar::String(text) => text.to_string().into(),
        Scalar::Integer(number) => (*number).into(),
        Scalar::Decimal(number) => {
            use rust_decimal::prelude::ToPrimitive;
            return Expr::val(number.to_f64().unwrap_or(f64::NAN))
                .cast_as(Alias::new("DOUBLE PRECISION"));
        }
        Scalar::Boolean(flag) => (*flag).into(),
        Scalar::DateTime(_) | Scalar::Date(_) => value.to_string().into(),
        // Filters never compare with these; bound as SQL null, they match nothing.
        Scalar::Null | Scalar::Composite => sea_query::Value::String(None),
    };
    Expr::val(value)
}

fn build(statement: &impl QueryStatementWriter, dialect: Dialect) -> Statement {
    let (sql, values) = match dialect {
        Dialect::Sqlite => statement.build(SqliteQueryBuilder),
        Dialect::Postgres => statement.build(PostgresQueryBuilder),
    };
    Statement { sql, values }
}

#[cfg(feature = "sqlx")]
mod bind_any {
    use sqlx::Arguments;
    use sqlx::any::{Any, AnyArguments};

    use super::Statement;

    impl Statement {
        /// The statement as a `sqlx` query over the `Any` driver, every value bound.
        ///
        /// # Errors
        ///
        /// When a value has a type the `Any` driver cannot bind (statements built by this
        /// crate only bind booleans, integers, doubles and text).
        pub fn query(&self) -> Result<sqlx::query::Query<'static, Any, AnyArguments>, sqlx::Error> {
            let mut arguments = AnyArguments::default();
            for value in self.values.iter() {
                add(&mut arguments, value).map_err(sqlx::Error::Encode)?;
            }
            Ok(sqlx::query_with(
                sqlx::AssertSqlSafe(self.sql.clone()),
                arguments,
            ))
        }
    }

    fn add(
        arguments: &mut AnyArguments,
        value: &sea_query::Value,
    ) -> Result<(), sqlx::error::BoxDynError> {
        use sea_query::Value;
        match value {
            Value::Bool(value) => arguments.add(*value),
            Value::TinyInt(value) => arguments.add(value.map(i64::from)),
            Value::SmallInt(value) => arguments.add(value.map(i64::from)),
            Value::Int(value) => arguments.add(value.map(i64::from)),
            Value::BigInt(value) => arguments.add(*value),
            Value::TinyUnsigned(value) => arguments.add(value.map(i64::from)),
            Value::SmallUnsigned(value) => arguments.add(value.map(i64::from)),
            Value::Unsigned(value) => arguments.add(value.map(i64::from)),
            Value::BigUnsigned(value) => {
                arguments.add(value.map(|value| i64::try_from(value).unwrap_or(i64::MAX)))
            }
            Value::Float(value) => arguments.add(value.map(f64::from)),
            Value::Double(value) => arguments.add(*value),
            Value::String(value) => arguments.add(value.clone()),
            Value::Char(value) => arguments.add(value.map(String::from)),
            Value::Bytes(value) => arguments.add(value.clone()),
            other @ Value::Enum(_) => Err(format!("the Any driver cannot bind {other:?}").into()),
        }
    }
}
