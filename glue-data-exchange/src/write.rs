//! Writes (SPEC §9.3): `POST` creates the rows of `{"data": [...]}`, `PATCH` changes the rows of
//! a list (each with its identifier) or the one of the URL, `DELETE` removes the row of the
//! URL or the rows a filter names. Every item is checked against the configuration before
//! anything is written, each failure with its path (`countries[1].iso2_code`); by default one
//! transaction writes all or nothing, and `X-Is-Transactional: false` saves each item on its
//! own, answering the saved ones in `data` and the failures in `meta.errors`. Statements
//! come from `glue_sql::rows`, the writer `SqlStore` uses.

use std::collections::HashMap;

use glue_core::http::StatusCode;

use glue_sql::sea_query::{Alias, Expr, ExprTrait};
use glue_sql::{Database, Violation, rows};
use serde_json::{Map, Value};
use sqlx::{AnyConnection, Connection, Row as _};

use crate::config::{Configuration, Field, FieldType};
use crate::errors::DxError;
use crate::read;
use crate::registry::Loaded;

/// Which write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// POST: new rows.
    Create,
    /// PATCH: the sent fields of existing rows.
    Update,
    /// PUT: existing rows replaced (editable fields not sent become null), missing ones
    /// created when the identifier may be given.
    Replace,
}

/// One item of a request, checked: the columns to set, for updates the row's key, and the
/// child rows to create under it.
#[derive(Clone)]
pub(crate) struct Checked {
    path: String,
    key: Option<Value>,
    assignments: Vec<(String, Expr)>,
    /// The fields the item sent (for a PUT that turns out to create its row), and the column
    /// its parent fills.
    sent: Vec<String>,
    filled: Vec<String>,
    children: Vec<Children>,
}

/// The child rows of one relation, nested in a created item.
#[derive(Clone)]
struct Children {
    relation: String,
    child: Configuration,
    /// The child's column, and the parent's column whose value it takes.
    child_column: String,
    parent_column: String,
    /// Created, changed or replaced, as the parent is.
    kind: Kind,
    items: Vec<Checked>,
}

/// The items of a body: `{"data": [...]}` on a collection route, `{"data": {...}}` on an item
/// route (400 `1301` otherwise).
pub(crate) fn items(body: &[u8], item_route: bool) -> Result<Vec<Map<String, Value>>, DxError> {
    let shape = || DxError::bad_shape();
    if glue_core::convention::wire::check_depth(body).is_err() {
        return Err(DxError::bad_parameter(format!(
            "The body nests deeper than {} levels.",
            glue_core::convention::wire::MAX_DEPTH
        )));
    }
    let document: Value =
        serde_json::from_slice(body).map_err(|error| DxError::malformed(&error))?;
    let data = document.get("data").ok_or_else(shape)?;
    match (data, item_route) {
        (Value::Object(item), true) => Ok(vec![item.clone()]),
        (Value::Array(list), false) if !list.is_empty() => list
            .iter()
            .map(|item| item.as_object().cloned().ok_or_else(shape))
            .collect(),
        _ => Err(shape()),
    }
}

/// What a write may reach: the configurations, who may write which, and (for a PUT) the
/// columns' defaults by `table.column`.
pub(crate) struct Within<'a> {
    pub(crate) loaded: &'a Loaded,
    pub(crate) writable_by: &'a (dyn Fn(&Configuration) -> Result<(), DxError> + Sync),
    pub(crate) defaults: &'a HashMap<String, String>,
}

/// The defaults of the columns a PUT on `configuration` may reset: its table's and those of
/// the entities its relations reach, by `table.column`, as the database's catalog writes them.
pub(crate) async fn defaults(
    db: &Database,
    loaded: &Loaded,
    configuration: &Configuration,
) -> Result<HashMap<String, String>, DxError> {
    let mut defaults = HashMap::new();
    let mut tables: Vec<&str> = Vec::new();
    let mut pending = vec![configuration];
    while let Some(entity) = pending.pop() {
        if tables.contains(&entity.table_name.as_str()) {
            continue;
        }
        tables.push(&entity.table_name);
        for relation in &entity.definition.relations {
            pending.extend(loaded.active(&relation.child_alias));
        }
        db.count_statement();
        let columns = crate::schema::columns(db, &entity.table_name)
            .await
            .map_err(|error| DxError::database(&error))?;
        for column in columns {
            if let Some(default) = column.default {
                defaults.insert(format!("{}.{}", entity.table_name, column.name), default);
            }
        }
    }
    Ok(defaults)
}

/// Checks one item: known fields (`1311`), writable ones (`1304`), their types (`1305`) and
/// rules (`1306`), the required ones on create (`1307`), the identifier on a collection
/// update (`1310`).
pub(crate) fn check(
    within: &Within<'_>,
    configuration: &Configuration,
    kind: Kind,
    path: String,
    item: &Map<String, Value>,
    url_id: Option<&str>,
    filled: Option<&str>,
) -> Result<Checked, Vec<DxError>> {
    let identifier = configuration
        .field(&configuration.definition.identifier)
        .map(|field| field.field_visible_name.as_str())
        .unwrap_or_default();
    let mut errors = Vec::new();
    let mut assignments = Vec::new();
    let mut children = Vec::new();
    for (name, value) in item {
        let Some(field) = configuration
            .definition
            .fields
            .iter()
            .find(|field| &field.field_visible_name == name)
        else {
            match configuration
                .definition
                .relations
                .iter()
                .find(|r| &r.name == name)
            {
                Some(relation) => match nested(within, relation, kind, &path, value) {
                    Ok(group) => children.push(group),
                    Err(found) => errors.extend(found),
                },
                None => errors.push(DxError::unknown_field(&path, name)),
            }
            continue;
        };
        let writable = match kind {
            Kind::Create => field.is_creatable,
            Kind::Update | Kind::Replace => field.is_editable,
        };
        if !writable {
            // The identifier names the row on updates; it does not change it.
            if kind != Kind::Create && name == identifier {
                continue;
            }
            errors.push(DxError::immutable(&path, name));
            continue;
        }
        match checked_value(field, value) {
            Ok(bound) => assignments.push((field.field_name.clone(), bound)),
            Err(Problem::Type) => errors.push(DxError::wrong_type(&path, name)),
            Err(Problem::Rule) => errors.push(DxError::rule(&path, field)),
        }
    }
    if kind != Kind::Update {
        for field in &configuration.definition.fields {
            let given = item
                .get(&field.field_visible_name)
                .is_some_and(|value| !value.is_null());
            let from_parent = filled == Some(field.field_name.as_str());
            let settable = match kind {
                Kind::Create => field.is_creatable,
                _ => field.is_editable,
            };
            if field.validation.is_required && settable && !given && !from_parent {
                errors.push(DxError::required(&path, &field.field_visible_name));
            }
        }
    }
    if kind == Kind::Replace {
        // Replaced: every editable field not sent is reset, to the column's default where it
        // has one (a column that takes no null has one), else to null.
        for field in &configuration.definition.fields {
            let sent = item.contains_key(&field.field_visible_name);
            let from_parent = filled == Some(field.field_name.as_str());
            if field.is_editable && !sent && !from_parent && field.field_visible_name != identifier
            {
                let column = format!("{}.{}", configuration.table_name, field.field_name);
                let reset = match within.defaults.get(&column) {
                    // From the catalog, not from a client: the schema's own expression.
                    Some(default) => Expr::cust(default.clone()),
                    None => rows::value(&Value::Null, false),
                };
                assignments.push((field.field_name.clone(), reset));
            }
        }
    }
    let key = match (kind, url_id) {
        (Kind::Update | Kind::Replace, Some(id)) => Some(Value::String(id.to_owned())),
        (Kind::Update | Kind::Replace, None) => match item.get(identifier) {
            Some(value) if !value.is_null() => Some(value.clone()),
            _ => {
                errors.push(DxError::missing_identifier(&path));
                None
            }
        },
        (Kind::Create, _) => None,
    };
    if errors.is_empty() {
        let sent = configuration
            .definition
            .fields
            .iter()
            .filter(|field| item.contains_key(&field.field_visible_name))
            .map(|field| field.field_name.clone())
            .collect();
        Ok(Checked {
            path,
            key,
            assignments,
            sent,
            filled: Vec::new(),
            children,
        })
    } else {
        Err(errors)
    }
}

/// The child rows nested under a relation's name in a created item: each checked as a new
/// row of the child, its joining column left to the parent (`countries[0].tax-rates[1]`).
fn nested(
    within: &Within<'_>,
    relation: &crate::config::Relation,
    kind: Kind,
    path: &str,
    value: &Value,
) -> Result<Children, Vec<DxError>> {
    if !relation.is_editable {
        return Err(vec![DxError::relation_not_editable(&relation.name)]);
    }
    let (Some(child), Some(mapping)) = (
        within.loaded.active(&relation.child_alias),
        relation.relation_field_mapping.first(),
    ) else {
        return Err(vec![DxError::unknown_relation(&relation.name)]);
    };
    // Nested rows are written: the child's writers only.
    (within.writable_by)(child).map_err(|error| vec![error])?;
    let Value::Array(list) = value else {
        return Err(vec![DxError::bad_shape()]);
    };
    let mut items = Vec::with_capacity(list.len());
    let mut errors = Vec::new();
    for (index, item) in list.iter().enumerate() {
        let path = format!("{path}.{}[{index}]", child.table_alias);
        let Value::Object(item) = item else {
            errors.push(DxError::bad_shape());
            continue;
        };
        // Children are written as their parent is: created, changed (each with its
        // identifier) or replaced; each joins the parent it is nested under.
        match check(
            within,
            child,
            kind,
            path,
            item,
            None,
            Some(&mapping.child_field_name),
        ) {
            Ok(checked) => items.push(checked),
            Err(found) => errors.extend(found),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Children {
        relation: relation.name.clone(),
        child: child.clone(),
        child_column: mapping.child_field_name.clone(),
        parent_column: mapping.parent_field_name.clone(),
        kind,
        items,
    })
}

enum Problem {
    Type,
    Rule,
}

/// A value of the field's type that follows its rules, bound.
fn checked_value(field: &Field, value: &Value) -> Result<Expr, Problem> {
    let rules = &field.validation;
    if value.is_null() {
        return Ok(rows::value(value, false));
    }
    match field.ty {
        FieldType::Boolean => value
            .as_bool()
            .map(|_| rows::value(value, false))
            .ok_or(Problem::Type),
        FieldType::Integer => {
            let number = value.as_i64().ok_or(Problem::Type)?;
            if rules.min.is_some_and(|min| number < min)
                || rules.max.is_some_and(|max| number > max)
            {
                return Err(Problem::Rule);
            }
            Ok(rows::value(value, false))
        }
        FieldType::String => {
            let text = value.as_str().ok_or(Problem::Type)?;
            let length = u32::try_from(text.len()).unwrap_or(u32::MAX);
            let short = rules.min_length.is_some_and(|min| length < min);
            let long = rules.max_length.is_some_and(|max| length > max);
            if short || long || text.contains('\0') {
                return Err(Problem::Rule);
            }
            Ok(rows::value(value, false))
        }
        FieldType::Decimal => {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                _ => return Err(Problem::Type),
            };
            let (whole, fraction) = decimal_digits(&text).ok_or(Problem::Type)?;
            let scale = rules.scale.unwrap_or(0);
            let too_fine = rules.scale.is_some_and(|scale| fraction > scale);
            let too_large = rules
                .precision
                .is_some_and(|precision| whole > precision.saturating_sub(scale));
            if too_fine || too_large {
                return Err(Problem::Rule);
            }
            // As text, cast by the database: no float in between (SQLite's NUMERIC keeps
            // what its storage classes hold).
            Ok(Expr::val(glue_sql::sea_query::Value::String(Some(text)))
                .cast_as(Alias::new("NUMERIC")))
        }
    }
}

/// The digits of `^-?\d+(\.\d+)?$` before and after the point (trailing zeros not counted).
fn decimal_digits(text: &str) -> Option<(u32, u32)> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (unsigned.contains('.') && !digits(fraction)) {
        return None;
    }
    let whole = whole.trim_start_matches('0').len();
    let fraction = fraction.trim_end_matches('0').len();
    Some((u32::try_from(whole).ok()?, u32::try_from(fraction).ok()?))
}

/// Writes checked items on a connection: each statement (a created item's children after
/// it), then the written rows read back, children nested under their relation's name.
pub(crate) fn apply<'a>(
    db: &'a Database,
    connection: &'a mut AnyConnection,
    configuration: &'a Configuration,
    kind: Kind,
    items: Vec<Checked>,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Vec<Map<String, Value>>, DxError>> + Send + 'a>,
> {
    Box::pin(apply_now(db, connection, configuration, kind, items))
}

async fn apply_now(
    db: &Database,
    connection: &mut AnyConnection,
    configuration: &Configuration,
    kind: Kind,
    items: Vec<Checked>,
) -> Result<Vec<Map<String, Value>>, DxError> {
    let key_field = configuration
        .field(&configuration.definition.identifier)
        .ok_or_else(|| DxError::not_found(&configuration.table_alias))?;
    let key = key_field.field_name.as_str();
    let mut keys = Vec::with_capacity(items.len());
    let mut nested: Vec<Vec<(String, Vec<Map<String, Value>>)>> = Vec::with_capacity(items.len());
    for item in items {
        let path = item.path.clone();
        let mut returned: Vec<&str> = vec![key];
        returned.extend(
            item.children
                .iter()
                .map(|group| group.parent_column.as_str()),
        );
        let row = match kind {
            Kind::Create => {
                let insert = rows::insert(
                    db.dialect(),
                    &configuration.table_name,
                    item.assignments,
                    &returned,
                );
                execute(db, connection, &insert, &path).await?
            }
            Kind::Update | Kind::Replace => {
                let typed = item
                    .key
                    .as_ref()
                    .and_then(|value| read::typed(key_field, value))
                    .ok_or_else(|| DxError::not_found(&path))?;
                let mut assignments = item.assignments.clone();
                assignments.retain(|(column, _)| column != key);
                let update = rows::update(
                    db.dialect(),
                    &configuration.table_name,
                    key,
                    assignments,
                    vec![Expr::col(Alias::new(key)).eq(read::bind(&typed))],
                    &returned,
                );
                match (execute(db, connection, &update, &path).await?, kind) {
                    (Some(row), _) => Some(row),
                    (None, Kind::Replace) if key_field.is_creatable => {
                        // Missing: created, with the identifier it was sent with, by the
                        // rules of a create.
                        creatable(configuration, &path, &item.sent, &item.filled)?;
                        let mut assignments = item.assignments;
                        assignments.retain(|(column, _)| column != key);
                        assignments.push((key.to_owned(), read::bind(&typed)));
                        let insert = rows::insert(
                            db.dialect(),
                            &configuration.table_name,
                            assignments,
                            &returned,
                        );
                        execute(db, connection, &insert, &path).await?
                    }
                    (None, Kind::Replace) => {
                        return Err(DxError::not_creatable(&path, &key_field.field_visible_name));
                    }
                    (None, _) => None,
                }
            }
        };
        let row = row.ok_or_else(|| DxError::not_found(&path))?;
        let column = |name: &str| {
            row.try_get::<i64, _>(name)
                .map(Value::from)
                .or_else(|_| row.try_get::<String, _>(name).map(Value::String))
                .map_err(|error| DxError::database(&error))
        };
        // A key the database left null (SQLite lets a text primary key be null) names no
        // row: the identifier was needed.
        if matches!(row.try_get::<Option<String>, _>(key), Ok(None))
            && matches!(row.try_get::<Option<i64>, _>(key), Ok(None) | Err(_))
        {
            return Err(DxError::required(&path, &key_field.field_visible_name));
        }
        let written = column(key)?;
        let mut groups = Vec::with_capacity(item.children.len());
        for mut group in item.children {
            let parent = column(&group.parent_column)?;
            for child in &mut group.items {
                child
                    .assignments
                    .retain(|(column, _)| *column != group.child_column);
                child
                    .assignments
                    .push((group.child_column.clone(), rows::value(&parent, false)));
                child.filled.push(group.child_column.clone());
            }
            let rows = apply(db, &mut *connection, &group.child, group.kind, group.items).await?;
            groups.push((group.relation, rows));
        }
        keys.push(written);
        nested.push(groups);
    }
    let mut written = Vec::with_capacity(keys.len());
    // Bound lists stay under every database's limit of parameters.
    for chunk in keys.chunks(500) {
        let mut select = read::select(db.dialect(), configuration, &[]);
        select.and_where(Expr::col(Alias::new(key)).is_in(chunk.iter().map(read::bind)));
        written.extend(read::fetch(db, connection, configuration, &select, &[]).await?);
    }
    // In the order of the request, with the children written under each.
    let visible = key_field.field_visible_name.as_str();
    let by_key: std::collections::HashMap<String, Map<String, Value>> = written
        .into_iter()
        .filter_map(|row| {
            let key = row.object.get(visible).and_then(read::join_key)?;
            Some((key, row.object))
        })
        .collect();
    Ok(keys
        .iter()
        .zip(nested)
        .filter_map(|(wanted, groups)| {
            let key = read::join_key(wanted)?;
            // A row written twice in one request is answered at each place.
            let mut object = by_key.get(&key).cloned()?;
            for (relation, rows) in groups {
                let rows = rows.into_iter().map(Value::Object).collect();
                object.insert(relation, Value::Array(rows));
            }
            Some(object)
        })
        .collect())
}

/// The rules of a create for a replaced row that did not exist: every field sent creatable,
/// every required creatable one sent (or filled from the parent).
fn creatable(
    configuration: &Configuration,
    path: &str,
    sent: &[String],
    filled: &[String],
) -> Result<(), DxError> {
    let identifier = configuration.definition.identifier.as_str();
    for field in &configuration.definition.fields {
        let given = sent.contains(&field.field_name) || filled.contains(&field.field_name);
        if sent.contains(&field.field_name) && !field.is_creatable && field.field_name != identifier
        {
            return Err(DxError::immutable(path, &field.field_visible_name));
        }
        if field.is_creatable && field.validation.is_required && !given {
            return Err(DxError::required(path, &field.field_visible_name));
        }
    }
    Ok(())
}

/// Runs one write statement; the row it returns, if any.
async fn execute(
    db: &Database,
    connection: &mut AnyConnection,
    statement: &glue_sql::Statement,
    path: &str,
) -> Result<Option<sqlx::any::AnyRow>, DxError> {
    db.count_statement();
    statement
        .query()
        .map_err(|error| DxError::database(&error))?
        .fetch_optional(connection)
        .await
        .map_err(|error| violation(&error, path))
}

/// A database refusal of an item, in the API's codes.
fn violation(error: &sqlx::Error, path: &str) -> DxError {
    match Violation::of(error) {
        Some(Violation::Unique | Violation::ForeignKey) => DxError::duplicate(path),
        Some(Violation::NotNull | Violation::Check | Violation::Unstorable) => {
            DxError::refused(path)
        }
        _ => DxError::database(error),
    }
}

/// Runs a write: in one transaction (all or nothing), or each item in its own.
pub(crate) async fn run(
    db: &Database,
    configuration: &Configuration,
    kind: Kind,
    items: Vec<Checked>,
    transactional: bool,
) -> Result<(Vec<Map<String, Value>>, Vec<DxError>), DxError> {
    let mut connection = db
        .pool()
        .acquire()
        .await
        .map_err(|error| DxError::database(&error))?;
    if transactional {
        let written = attempt(db, &mut connection, configuration, kind, &items).await?;
        return Ok((written, Vec::new()));
    }
    let mut written = Vec::new();
    let mut failed = Vec::new();
    for item in items {
        match attempt(
            db,
            &mut connection,
            configuration,
            kind,
            std::slice::from_ref(&item),
        )
        .await
        {
            Ok(rows) => written.extend(rows),
            Err(error) => failed.push(error),
        }
    }
    Ok((written, failed))
}

/// Writes items in one transaction, all or nothing; a transaction that found the database
/// busy (SQLite's lock, PostgreSQL's serialization failure) is tried again from the start, up
/// to the database's attempts, then answered 503.
async fn attempt(
    db: &Database,
    connection: &mut AnyConnection,
    configuration: &Configuration,
    kind: Kind,
    items: &[Checked],
) -> Result<Vec<Map<String, Value>>, DxError> {
    let mut tries = 0;
    loop {
        tries += 1;
        let result = async {
            let mut tx = connection
                .begin()
                .await
                .map_err(|error| DxError::database(&error))?;
            match apply(db, &mut tx, configuration, kind, items.to_vec()).await {
                Ok(rows) => {
                    tx.commit()
                        .await
                        .map_err(|error| DxError::database(&error))?;
                    Ok(rows)
                }
                Err(error) => {
                    let _ = tx.rollback().await;
                    Err(error)
                }
            }
        }
        .await;
        match result {
            Err(error) if error.is_busy() && tries < db.max_attempts() => {
                tokio::time::sleep(std::time::Duration::from_millis(20 * u64::from(tries))).await;
            }
            other => return other,
        }
    }
}

/// Deletes rows by their conditions; how many went.
pub(crate) async fn delete(
    db: &Database,
    configuration: &Configuration,
    conditions: Vec<Expr>,
) -> Result<u64, DxError> {
    let statement = rows::delete(db.dialect(), &configuration.table_name, conditions, &[]);
    db.count_statement();
    let done = statement
        .query()
        .map_err(|error| DxError::database(&error))?
        .execute(db.pool())
        .await
        .map_err(|error| match Violation::of(&error) {
            Some(Violation::ForeignKey) => DxError::has_children(&configuration.table_alias),
            _ => DxError::database(&error),
        })?;
    Ok(done.rows_affected())
}

/// The status a write answers when every item failed: the first failure's.
pub(crate) fn failed_status(errors: &[DxError]) -> StatusCode {
    errors
        .first()
        .map_or(StatusCode::BAD_REQUEST, |error| error.status)
}
