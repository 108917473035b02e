//! Reads (SPEC §9.2): the rows of a configured entity that a [`Request`] asks for, in its
//! order (the identifier's by default), one page of them, with the rows of `include`d
//! relations nested under their names, one statement per relation level.

use std::collections::HashMap;

use glue_sql::sea_query::{Alias, Expr, ExprTrait, NullOrdering, Order, SelectStatement};
use glue_sql::{Database, Dialect, sea_query};
use serde_json::{Map, Value};
use sqlx::AnyConnection;
use sqlx::Row as _;

use crate::config::{Configuration, Field, FieldType, Relation};
use crate::errors::DxError;
use crate::query::{Page, Request};
pub(crate) use crate::query::{bind, typed};
use crate::registry::Loaded;

/// A row: its answer object, and the values of the columns relations join on.
pub(crate) struct Fetched {
    pub(crate) object: Map<String, Value>,
    keys: HashMap<String, Value>,
}

/// One page of a collection.
pub(crate) struct Rows {
    pub(crate) rows: Vec<Map<String, Value>>,
    /// Every row the filters let through, when the page's form needs it.
    pub(crate) total: Option<u64>,
    /// For a cursor page: whether rows follow in its direction, and the identifiers of its
    /// first and last rows.
    pub(crate) more: bool,
    pub(crate) ends: Option<(Value, Value)>,
}

/// The condition that names the row of a URL's identifier; `None` when no row can have it.
pub(crate) fn identified(configuration: &Configuration, id: &str) -> Option<Vec<Expr>> {
    let identifier = configuration.field(&configuration.definition.identifier)?;
    let key = typed(identifier, &Value::String(id.to_owned())).filter(|_| !id.contains('\0'))?;
    Some(vec![
        Expr::col(Alias::new(&identifier.field_name)).eq(bind(&key)),
    ])
}

/// The page of rows a collection request asks for, with their includes; the total when
/// `counted` or the page's form needs it.
pub(crate) async fn collection(
    db: &Database,
    loaded: &Loaded,
    configuration: &Configuration,
    request: &Request,
    counted: bool,
    readable: &(dyn Fn(&Configuration) -> Result<(), DxError> + Sync),
) -> Result<Rows, DxError> {
    let relations = resolve_includes(loaded, configuration, &request.include, readable)?;
    let dialect = db.dialect();
    let mut connection = db
        .pool()
        .acquire()
        .await
        .map_err(|error| DxError::database(&error))?;
    let conditions = request.conditions(dialect);
    let total = if counted || matches!(request.page, Page::Range { .. }) {
        let mut count = SelectStatement::new();
        count
            .from(Alias::new(&configuration.table_name))
            .expr(Expr::cust("COUNT(*)"));
        for condition in &conditions {
            count.and_where(condition.clone());
        }
        Some(count_rows(db, &mut connection, &count).await?)
    } else {
        None
    };
    let key = configuration.definition.identifier.as_str();
    let mut select = select(dialect, configuration, &[]);
    select.clear_order_by();
    for condition in conditions {
        select.and_where(condition);
    }
    let (offset, limit) = request.page.window();
    let mut backwards = false;
    match &request.page {
        Page::Cursor { after, before, .. } => {
            let column = Expr::col(Alias::new(key));
            if let Some(after) = after {
                select.and_where(column.gt(bind(after)));
            } else if let Some(before) = before {
                select.and_where(column.lt(bind(before)));
                backwards = true;
            }
            let order = if backwards { Order::Desc } else { Order::Asc };
            select.order_by(Alias::new(key), order);
            // One row more tells whether the next page has any.
            select.limit(limit + 1);
        }
        _ => {
            for (column, descending, text) in &request.sort {
                let (order, nulls) = if *descending {
                    (Order::Desc, NullOrdering::Last)
                } else {
                    (Order::Asc, NullOrdering::First)
                };
                let ordered = glue_sql::sortable(column, *text, dialect);
                select.order_by_expr_with_nulls(ordered, order, nulls);
            }
            select.order_by(Alias::new(key), Order::Asc);
            select.limit(limit).offset(offset);
        }
    }
    let mut rows = fetch(db, &mut connection, configuration, &select, &[]).await?;
    let more = matches!(request.page, Page::Cursor { .. }) && rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    if backwards {
        rows.reverse();
    }
    let ends = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => Some((
            first.keys.get(key).cloned().unwrap_or(Value::Null),
            last.keys.get(key).cloned().unwrap_or(Value::Null),
        )),
        _ => None,
    };
    nest(db, &mut connection, &relations, &mut rows).await?;
    Ok(Rows {
        rows: rows.into_iter().map(|row| row.object).collect(),
        total,
        more,
        ends,
    })
}

async fn count_rows(
    db: &Database,
    connection: &mut AnyConnection,
    count: &SelectStatement,
) -> Result<u64, DxError> {
    let (sql, values) = match db.dialect() {
        Dialect::Sqlite => count.build(sea_query::SqliteQueryBuilder),
        Dialect::Postgres => count.build(sea_query::PostgresQueryBuilder),
    };
    let statement = glue_sql::Statement { sql, values };
    db.count_statement();
    let row = statement
        .query()
        .map_err(|error| DxError::database(&error))?
        .fetch_one(connection)
        .await
        .map_err(|error| DxError::database(&error))?;
    let total: i64 = row.try_get(0).map_err(|error| DxError::database(&error))?;
    Ok(u64::try_from(total).unwrap_or(0))
}

/// One row, by its identifier (text from the URL), with its includes.
pub(crate) async fn item(
    db: &Database,
    loaded: &Loaded,
    configuration: &Configuration,
    id: &str,
    request: &Request,
    readable: &(dyn Fn(&Configuration) -> Result<(), DxError> + Sync),
) -> Result<Option<Map<String, Value>>, DxError> {
    let Some(conditions) = identified(configuration, id) else {
        return Ok(None);
    };
    let relations = resolve_includes(loaded, configuration, &request.include, readable)?;
    let mut connection = db
        .pool()
        .acquire()
        .await
        .map_err(|error| DxError::database(&error))?;
    let mut select = select(db.dialect(), configuration, &[]);
    for condition in conditions {
        select.and_where(condition);
    }
    let mut rows = fetch(db, &mut connection, configuration, &select, &[]).await?;
    nest(db, &mut connection, &relations, &mut rows).await?;
    Ok(rows.into_iter().next().map(|row| row.object))
}

/// `include` chains as trees of relations, each level's child configuration checked.
struct Included<'a> {
    relation: &'a Relation,
    child: &'a Configuration,
    below: Vec<Self>,
}

fn resolve_includes<'a>(
    loaded: &'a Loaded,
    configuration: &'a Configuration,
    chains: &[Vec<String>],
    readable: &(dyn Fn(&Configuration) -> Result<(), DxError> + Sync),
) -> Result<Vec<Included<'a>>, DxError> {
    let mut levels: Vec<Included<'a>> = Vec::new();
    for chain in chains {
        let Some((first, rest)) = chain.split_first() else {
            continue;
        };
        let relation = configuration
            .definition
            .relations
            .iter()
            .find(|relation| &relation.name == first)
            .ok_or_else(|| DxError::unknown_relation(first))?;
        let child = loaded
            .active(&relation.child_alias)
            .ok_or_else(|| DxError::unknown_relation(first))?;
        // Included rows are read: the child's readers only.
        readable(child)?;
        let below = resolve_includes(loaded, child, &[rest.to_vec()], readable)?;
        match levels
            .iter_mut()
            .find(|level| level.relation.name == relation.name)
        {
            Some(level) => level.below.extend(below),
            None => levels.push(Included {
                relation,
                child,
                below,
            }),
        }
    }
    Ok(levels)
}

/// Nests the rows of each included relation under its name: one statement per relation.
fn nest<'a>(
    db: &'a Database,
    connection: &'a mut AnyConnection,
    relations: &'a [Included<'a>],
    rows: &'a mut [Fetched],
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), DxError>> + Send + 'a>> {
    Box::pin(async move {
        for included in relations {
            let Some(mapping) = included.relation.relation_field_mapping.first() else {
                continue;
            };
            let parent_values: Vec<Value> = rows
                .iter()
                .filter_map(|row| row.keys.get(&mapping.parent_field_name).cloned())
                .filter(|value| !value.is_null())
                .collect();
            let mut children: Vec<Fetched> = Vec::new();
            // Bound lists stay under every database's limit of parameters.
            for chunk in parent_values.chunks(500) {
                let joins = [mapping.child_field_name.clone()];
                let mut select = select(db.dialect(), included.child, &joins);
                select.and_where(
                    Expr::col(Alias::new(&mapping.child_field_name)).is_in(chunk.iter().map(bind)),
                );
                children.extend(fetch(db, connection, included.child, &select, &joins).await?);
            }
            nest(db, connection, &included.below, &mut children).await?;
            // Children by their joining value: one pass over each side.
            let mut by_key: HashMap<String, Vec<Value>> = HashMap::new();
            for child in children {
                if let Some(key) = child.keys.get(&mapping.child_field_name).and_then(join_key) {
                    by_key
                        .entry(key)
                        .or_default()
                        .push(Value::Object(child.object));
                }
            }
            for row in rows.iter_mut() {
                let nested = row
                    .keys
                    .get(&mapping.parent_field_name)
                    .and_then(join_key)
                    .and_then(|key| by_key.get(&key).cloned())
                    .unwrap_or_default();
                row.object
                    .insert(included.relation.name.clone(), Value::Array(nested));
            }
        }
        Ok(())
    })
}

/// Decimal digits with exactly `scale` digits after the point (padded with zeros, or cut
/// when the stored value has more), by string operations; as stored without a scale.
fn with_scale(digits: &str, scale: Option<u32>) -> String {
    let Some(scale) = scale.map(|scale| scale as usize) else {
        return digits.to_owned();
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if scale == 0 {
        return whole.to_owned();
    }
    let mut fraction: String = fraction.chars().take(scale).collect();
    while fraction.len() < scale {
        fraction.push('0');
    }
    format!("{whole}.{fraction}")
}

/// A join value as a key: numbers by their value (an integer may come back as another
/// width, or as a whole double), text as it is; null joins nothing.
pub(crate) fn join_key(value: &Value) -> Option<String> {
    match value {
        Value::Number(number) => match (number.as_i64(), number.as_f64()) {
            (Some(integer), _) => Some(integer.to_string()),
            (None, Some(float)) if float.fract() == 0.0 && float.abs() < 9.0e15 => {
                Some(format!("{float:.0}"))
            }
            (None, Some(float)) => Some(float.to_string()),
            (None, None) => None,
        },
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// `SELECT <fields>, <join columns> FROM <table> ORDER BY <identifier>`: decimals as text on
/// PostgreSQL, whose `numeric` the `Any` driver cannot read.
pub(crate) fn select(
    dialect: Dialect,
    configuration: &Configuration,
    joins: &[String],
) -> SelectStatement {
    let mut select = SelectStatement::new();
    select.from(Alias::new(&configuration.table_name));
    for field in &configuration.definition.fields {
        if dialect == Dialect::Postgres && field.ty == FieldType::Decimal {
            select.expr_as(
                Expr::col(Alias::new(&field.field_name)).cast_as(Alias::new("TEXT")),
                Alias::new(&field.field_name),
            );
        } else {
            select.column(Alias::new(&field.field_name));
        }
    }
    for join in joins {
        if configuration.field(join).is_none() {
            select.column(Alias::new(join));
        }
    }
    select.order_by(Alias::new(&configuration.definition.identifier), Order::Asc);
    select
}

pub(crate) async fn fetch(
    db: &Database,
    connection: &mut AnyConnection,
    configuration: &Configuration,
    select: &SelectStatement,
    joins: &[String],
) -> Result<Vec<Fetched>, DxError> {
    let (sql, values) = match db.dialect() {
        Dialect::Sqlite => select.build(sea_query::SqliteQueryBuilder),
        Dialect::Postgres => select.build(sea_query::PostgresQueryBuilder),
    };
    let statement = glue_sql::Statement { sql, values };
    db.count_statement();
    let rows = statement
        .query()
        .map_err(|error| DxError::database(&error))?
        .fetch_all(connection)
        .await
        .map_err(|error| DxError::database(&error))?;
    Ok(rows
        .iter()
        .map(|row| {
            let mut object = Map::new();
            let mut keys = HashMap::new();
            for field in &configuration.definition.fields {
                let value = read(row, field);
                keys.insert(field.field_name.clone(), value.clone());
                object.insert(field.field_visible_name.clone(), value);
            }
            for join in joins {
                if !keys.contains_key(join) {
                    let value = row
                        .try_get::<Option<i64>, _>(join.as_str())
                        .ok()
                        .flatten()
                        .map(Value::from)
                        .or_else(|| {
                            row.try_get::<Option<String>, _>(join.as_str())
                                .ok()
                                .flatten()
                                .map(Value::String)
                        })
                        .unwrap_or(Value::Null);
                    keys.insert(join.clone(), value);
                }
            }
            Fetched { object, keys }
        })
        .collect())
}

/// One column as its field's JSON: decimals as text with the field's scale (`"20.00"`).
fn read(row: &sqlx::any::AnyRow, field: &Field) -> Value {
    let column = field.field_name.as_str();
    let integer = || row.try_get::<Option<i64>, _>(column).ok().flatten();
    let double = || row.try_get::<Option<f64>, _>(column).ok().flatten();
    let text = || row.try_get::<Option<String>, _>(column).ok().flatten();
    match field.ty {
        FieldType::Boolean => row
            .try_get::<Option<bool>, _>(column)
            .ok()
            .flatten()
            .map(Value::Bool)
            .or_else(|| integer().map(|value| Value::Bool(value != 0)))
            .unwrap_or(Value::Null),
        FieldType::Integer => integer().map(Value::from).unwrap_or(Value::Null),
        FieldType::String => text().map(Value::String).unwrap_or(Value::Null),
        FieldType::Decimal => {
            // PostgreSQL's numeric comes as its exact text; SQLite's as a number.
            let digits = text()
                .or_else(|| integer().map(|value| value.to_string()))
                .or_else(|| double().map(|value| value.to_string()));
            digits
                .map(|digits| Value::String(with_scale(&digits, field.validation.scale)))
                .unwrap_or(Value::Null)
        }
    }
}
