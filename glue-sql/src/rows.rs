//! The statements that write rows, over table and column names alone: what `SqlStore` writes
//! for derived resources, and what stores with metadata built at run time (the Data Exchange
//! API) write with the same code. Every value is a bound parameter or the literal `NULL`;
//! names are quoted, and must come from a checked declaration or configuration, never from a
//! request.

use sea_query::{Alias, Expr, Query, ReturningClause, Value};

use crate::{Dialect, Statement, build};

/// A value to write: a bound parameter, or the literal `NULL` (a bound null carries a type
/// that PostgreSQL may refuse for the column). `decimal` binds whole numbers as doubles.
#[must_use]
pub fn value(json: &serde_json::Value, decimal: bool) -> Expr {
    use serde_json::Value as Json;
    match json {
        Json::Null => Expr::cust("NULL"),
        Json::Bool(flag) => Expr::val(Value::Bool(Some(*flag))),
        Json::Number(number) => match number.as_i64() {
            Some(integer) if !decimal => Expr::val(Value::BigInt(Some(integer))),
            _ => Expr::val(Value::Double(number.as_f64())),
        },
        Json::String(text) => Expr::val(Value::String(Some(text.clone()))),
        composite @ (Json::Array(_) | Json::Object(_)) => {
            Expr::val(Value::String(Some(composite.to_string())))
        }
    }
}

fn returning(columns: &[&str]) -> ReturningClause {
    ReturningClause::Columns(columns.iter().map(|c| Alias::new(*c).into()).collect())
}

/// `INSERT INTO table (...) VALUES (...) RETURNING ...` (`DEFAULT VALUES` with no columns).
#[must_use]
pub fn insert(
    dialect: Dialect,
    table: &str,
    assignments: Vec<(String, Expr)>,
    returned: &[&str],
) -> Statement {
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new(table))
        .returning(returning(returned));
    if assignments.is_empty() {
        insert.or_default_values();
    } else {
        insert.columns(assignments.iter().map(|(column, _)| Alias::new(column)));
        // As many values as columns, by construction.
        insert.values_panic(assignments.into_iter().map(|(_, value)| value));
    }
    build(&insert, dialect)
}

/// `UPDATE table SET ... WHERE ... RETURNING ...`; with nothing to set, `key = key`, so that
/// the statement still answers whether the row matches.
#[must_use]
pub fn update(
    dialect: Dialect,
    table: &str,
    key: &str,
    assignments: Vec<(String, Expr)>,
    conditions: Vec<Expr>,
    returned: &[&str],
) -> Statement {
    let mut update = Query::update();
    update
        .table(Alias::new(table))
        .returning(returning(returned));
    if assignments.is_empty() {
        update.value(Alias::new(key), Expr::col(Alias::new(key)));
    }
    for (column, value) in assignments {
        update.value(Alias::new(column), value);
    }
    for condition in conditions {
        update.and_where(condition);
    }
    build(&update, dialect)
}

/// `DELETE FROM table WHERE ... RETURNING ...`.
#[must_use]
pub fn delete(
    dialect: Dialect,
    table: &str,
    conditions: Vec<Expr>,
    returned: &[&str],
) -> Statement {
    let mut delete = Query::delete();
    delete.from_table(Alias::new(table));
    if !returned.is_empty() {
        delete.returning(returning(returned));
    }
    for condition in conditions {
        delete.and_where(condition);
    }
    build(&delete, dialect)
}
