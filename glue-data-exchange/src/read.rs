//! Reads (SPEC §9.2): the rows of a configured entity, filtered (`filter[alias.field]=v`,
//! `{"in": [...]}`), paged (`page[offset]`/`page[limit]`, 20 by default, at most 1000), in
//! identifier order, with the rows of `include`d relations nested under their names, one
//! statement per relation level.

use std::collections::HashMap;

use glue_sql::sea_query::{Alias, Expr, ExprTrait, Order, SelectStatement};
use glue_sql::{Database, Dialect, rows, sea_query};
use serde_json::{Map, Value};
use sqlx::AnyConnection;
use sqlx::Row as _;

use crate::config::{Configuration, Field, FieldType, Relation};
use crate::errors::DxError;
use crate::registry::Loaded;

/// The default page size, and the largest a client may ask for.
const DEFAULT_LIMIT: u64 = 20;
const MAX_LIMIT: u64 = 1000;
/// The most `include` paths, and the deepest (SPEC §13.1).
const MAX_INCLUDES: usize = 20;
const MAX_DEPTH: usize = 3;
/// The largest offset (SPEC §13.1: what a double holds exactly).
const MAX_OFFSET: u64 = 1 << 53;

/// What a collection request asks for.
#[derive(Debug, Default)]
pub(crate) struct Request {
    /// Column, and the values it may equal.
    filters: Vec<(String, Vec<Value>)>,
    offset: u64,
    limit: u64,
    /// Chains of relation names.
    include: Vec<Vec<String>>,
}

/// A row: its answer object, and the values of the columns relations join on.
pub(crate) struct Fetched {
    pub(crate) object: Map<String, Value>,
    keys: HashMap<String, Value>,
}

/// Reads the query parameters of a request on `configuration`.
pub(crate) fn parse(
    configuration: &Configuration,
    query: Option<&str>,
) -> Result<Request, DxError> {
    let mut request = Request {
        limit: DEFAULT_LIMIT,
        ..Request::default()
    };
    let (mut offset, mut limit) = (None, None);
    let pairs = form_urlencoded::parse(query.unwrap_or_default().as_bytes());
    for (key, value) in pairs {
        if let Some(name) = key
            .strip_prefix("filter[")
            .and_then(|rest| rest.strip_suffix(']'))
        {
            let Some((_, field)) = name.split_once('.') else {
                return Err(DxError::bad_parameter(format!(
                    "The filter `{name}` names no field: use filter[{}.field].",
                    configuration.table_alias
                )));
            };
            let Some(field) = configuration
                .definition
                .fields
                .iter()
                .find(|f| f.field_visible_name == field)
            else {
                return Err(DxError::unknown_filter(field, &configuration.table_alias));
            };
            request
                .filters
                .push((field.field_name.clone(), filter_values(field, &value)?));
        } else if key == "page[offset]" {
            offset = Some(number(&key, &value)?);
        } else if key == "page[limit]" {
            limit = Some(number(&key, &value)?);
        } else if key == "include" {
            request.include = value
                .split(',')
                .filter(|chain| !chain.is_empty())
                .map(|chain| chain.split('.').map(str::to_owned).collect::<Vec<_>>())
                .collect();
            // SPEC §13.1: at most 20 paths, each at most 3 relations deep.
            if request.include.len() > MAX_INCLUDES
                || request.include.iter().any(|chain| chain.len() > MAX_DEPTH)
            {
                return Err(DxError::bad_parameter(format!(
                    "include names at most {MAX_INCLUDES} paths, each at most {MAX_DEPTH} relations deep."
                )));
            }
        }
    }
    // Either may come alone (SPEC §5.2); a limit above the largest is the largest.
    if let Some(offset) = offset {
        if offset > MAX_OFFSET {
            return Err(DxError::bad_parameter(format!(
                "page[offset] is at most {MAX_OFFSET}."
            )));
        }
        request.offset = offset;
    }
    if let Some(limit) = limit {
        if limit == 0 {
            return Err(DxError::bad_parameter("page[limit] is at least 1."));
        }
        request.limit = Ord::min(limit, MAX_LIMIT);
    }
    Ok(request)
}

fn number(key: &str, value: &str) -> Result<u64, DxError> {
    value
        .parse::<u64>()
        .ok()
        .filter(|number| *number <= i64::MAX as u64)
        .ok_or_else(|| DxError::bad_parameter(format!("{key} is a whole number, not \"{value}\".")))
}

/// The values a filter lets through: one, or the list of `{"in": [...]}`.
fn filter_values(field: &Field, text: &str) -> Result<Vec<Value>, DxError> {
    let wrong = || {
        DxError::wrong_type(
            &format!("filter.{}", field.field_visible_name),
            &field.field_visible_name,
        )
    };
    let listed = serde_json::from_str::<Value>(text).ok().and_then(|value| {
        let object = value.as_object()?;
        if object.len() != 1 {
            return None;
        }
        object
            .get("in")
            .or_else(|| object.get("IN"))?
            .as_array()
            .cloned()
    });
    let raw: Vec<Value> = listed.unwrap_or_else(|| vec![Value::String(text.to_owned())]);
    raw.into_iter()
        .map(|value| typed(field, &value).ok_or_else(wrong))
        .collect()
}

/// A filter value as the field's type (text from a URL, or JSON from an `in` list).
pub(crate) fn typed(field: &Field, value: &Value) -> Option<Value> {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    if text.contains('\0') {
        // No column holds it (PostgreSQL refuses even to compare it).
        return None;
    }
    match field.ty {
        FieldType::String => Some(Value::String(text)),
        FieldType::Integer => text.parse::<i64>().ok().map(Value::from),
        FieldType::Boolean => match text.as_str() {
            "true" | "1" => Some(Value::Bool(true)),
            "false" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        FieldType::Decimal => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::from),
    }
}

pub(crate) fn bind(value: &Value) -> Expr {
    rows::value(value, false)
}

impl Request {
    /// The conditions of the filters (for a delete by filter).
    pub(crate) fn conditions(&self) -> Vec<Expr> {
        self.filters
            .iter()
            .map(|(column, values)| {
                let column = Expr::col(Alias::new(column));
                match values.as_slice() {
                    [one] => column.eq(bind(one)),
                    many => column.is_in(many.iter().map(bind)),
                }
            })
            .collect()
    }
}

/// The condition that names the row of a URL's identifier; `None` when no row can have it.
pub(crate) fn identified(configuration: &Configuration, id: &str) -> Option<Vec<Expr>> {
    let identifier = configuration.field(&configuration.definition.identifier)?;
    let key = typed(identifier, &Value::String(id.to_owned())).filter(|_| !id.contains('\0'))?;
    Some(vec![
        Expr::col(Alias::new(&identifier.field_name)).eq(bind(&key)),
    ])
}

/// The rows a collection request asks for, with their includes.
pub(crate) async fn collection(
    db: &Database,
    loaded: &Loaded,
    configuration: &Configuration,
    request: &Request,
    readable: &(dyn Fn(&Configuration) -> Result<(), DxError> + Sync),
) -> Result<Vec<Map<String, Value>>, DxError> {
    let page = Some((request.offset, request.limit));
    rows(
        db,
        loaded,
        configuration,
        request,
        request.conditions(),
        page,
        readable,
    )
    .await
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
    let found = rows(
        db,
        loaded,
        configuration,
        request,
        conditions,
        None,
        readable,
    )
    .await?;
    Ok(found.into_iter().next())
}

/// The rows that meet `conditions` (a page of them), in identifier order, with the
/// request's includes nested.
async fn rows(
    db: &Database,
    loaded: &Loaded,
    configuration: &Configuration,
    request: &Request,
    conditions: Vec<Expr>,
    page: Option<(u64, u64)>,
    readable: &(dyn Fn(&Configuration) -> Result<(), DxError> + Sync),
) -> Result<Vec<Map<String, Value>>, DxError> {
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
    if let Some((offset, limit)) = page {
        select.limit(limit).offset(offset);
    }
    let mut rows = fetch(db, &mut connection, configuration, &select, &[]).await?;
    nest(db, &mut connection, &relations, &mut rows).await?;
    Ok(rows.into_iter().map(|row| row.object).collect())
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
