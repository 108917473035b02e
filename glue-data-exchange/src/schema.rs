//! The live schema of the database (SPEC §9.1, §9.5): its tables and their columns, read from
//! SQLite's `pragma_table_info` or PostgreSQL's `information_schema`, and the check of a
//! configuration against it.

use glue_sql::{Database, Dialect};
use serde::Serialize;
use sqlx::Row;

use crate::config::{Configuration, FieldType, Problem};

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    /// Its name.
    pub name: String,
    /// The type the database declares (`INTEGER`, `text`, `numeric`), lower-cased.
    pub declared_type: String,
    /// Whether it takes null.
    pub nullable: bool,
    /// Whether it has a default (an identity or sequence counts).
    pub has_default: bool,
    /// The default's SQL expression as the database's catalog writes it (`0`,
    /// `CURRENT_TIMESTAMP`), when it has one that is not an identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Whether it is (part of) the primary key.
    pub primary_key: bool,
    /// Whether its value alone names at most one row: the primary key by itself, or a unique
    /// index or constraint on this column alone.
    pub unique: bool,
}

impl Column {
    /// The wire types this column can hold.
    #[must_use]
    pub fn fits(&self, ty: FieldType) -> bool {
        let declared = self.declared_type.as_str();
        let has = |words: &[&str]| words.iter().any(|word| declared.contains(word));
        match ty {
            FieldType::Boolean => has(&["bool", "int"]),
            FieldType::Integer => has(&["int", "serial"]),
            FieldType::String => has(&["char", "text", "clob", "string"]) || declared.is_empty(),
            FieldType::Decimal => has(&["numeric", "decimal", "real", "double", "float", "int"]),
        }
    }

    /// Whether the database assigns the column's value when a row is created without it.
    #[must_use]
    pub fn generated(&self) -> bool {
        self.has_default || (self.primary_key && self.declared_type.contains("int"))
    }
}

/// The tables of the database, without its own (`sqlite_*`, `_sqlx_migrations`).
///
/// # Errors
///
/// When the database cannot be read.
pub async fn tables(db: &Database) -> Result<Vec<String>, sqlx::Error> {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        }
        Dialect::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        }
    };
    let rows = sqlx::query(sql).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|row| row.try_get::<String, _>(0))
        .filter(|name| !matches!(name.as_deref(), Ok("_sqlx_migrations")))
        .collect()
}

/// The columns of a table, in order; empty when there is no such table.
///
/// # Errors
///
/// When the database cannot be read.
pub async fn columns(db: &Database, table: &str) -> Result<Vec<Column>, sqlx::Error> {
    let mut columns = declared(db, table).await?;
    let unique = unique_columns(db, table).await?;
    let keys = columns.iter().filter(|column| column.primary_key).count();
    for column in &mut columns {
        column.unique = (column.primary_key && keys == 1) || unique.contains(&column.name);
    }
    Ok(columns)
}

/// The columns that a unique index (or constraint, or a primary key) covers alone.
async fn unique_columns(db: &Database, table: &str) -> Result<Vec<String>, sqlx::Error> {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "SELECT ii.name FROM pragma_index_list($1) AS il, pragma_index_info(il.name) AS ii \
             WHERE il.\"unique\" = 1 \
             AND (SELECT COUNT(*) FROM pragma_index_info(il.name)) = 1"
        }
        Dialect::Postgres => {
            "SELECT a.attname::text FROM pg_index i \
             JOIN pg_class t ON t.oid = i.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] \
             WHERE i.indisunique AND i.indnatts = 1 AND t.relname = $1 \
             AND n.nspname = current_schema()"
        }
    };
    let rows = sqlx::query(sql).bind(table).fetch_all(db.pool()).await?;
    // An index on an expression names no column.
    let names: Vec<Option<String>> = rows
        .iter()
        .map(|row| row.try_get::<Option<String>, _>(0))
        .collect::<Result<_, _>>()?;
    Ok(names.into_iter().flatten().collect())
}

async fn declared(db: &Database, table: &str) -> Result<Vec<Column>, sqlx::Error> {
    // Both catalogs answer the same row: name, type, then nullable, has a default and is a
    // key as integers (0 or 1), then the default's expression.
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "SELECT name, type, \"notnull\" = 0, dflt_value IS NOT NULL, pk != 0, dflt_value \
             FROM pragma_table_info($1) ORDER BY cid"
        }
        Dialect::Postgres => {
            "SELECT c.column_name::text, c.data_type::text, \
             (c.is_nullable::text = 'YES')::int::bigint, \
             (c.column_default IS NOT NULL OR c.is_identity::text = 'YES')::int::bigint, \
             (EXISTS (SELECT 1 FROM information_schema.table_constraints t \
               JOIN information_schema.key_column_usage k \
                 ON k.constraint_name = t.constraint_name \
                AND k.table_schema = t.table_schema AND k.table_name = t.table_name \
               WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema \
                 AND t.table_name = c.table_name AND k.column_name = c.column_name))::int::bigint, \
             c.column_default::text \
             FROM information_schema.columns c \
             WHERE c.table_schema = current_schema() AND c.table_name = $1 \
             ORDER BY c.ordinal_position"
        }
    };
    let rows = sqlx::query(sql).bind(table).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|row| {
            Ok(Column {
                name: row.try_get(0)?,
                declared_type: row.try_get::<String, _>(1)?.to_ascii_lowercase(),
                nullable: row.try_get::<i64, _>(2)? != 0,
                has_default: row.try_get::<i64, _>(3)? != 0,
                primary_key: row.try_get::<i64, _>(4)? != 0,
                default: row.try_get(5)?,
                unique: false,
            })
        })
        .collect()
}

/// Whether a configuration may name `table`: not the API's own tables, the migrations' or
/// SQLite's, nor one in `protected`.
#[must_use]
pub fn available(table: &str, protected: &[String]) -> bool {
    let own = [
        "dynamic_entity_configurations",
        "dynamic_entity_configuration_version",
        "_sqlx_migrations",
    ];
    !(own.contains(&table) || table.starts_with("sqlite_") || protected.iter().any(|p| p == table))
}

/// Whether a configuration may expose `column` of `table` (`protected` names no
/// `table.column`).
#[must_use]
pub fn column_available(table: &str, column: &str, protected: &[String]) -> bool {
    !protected
        .iter()
        .any(|p| p.split_once('.') == Some((table, column)))
}

/// The problems of a configuration against the live schema: a table (or `table.column`) the
/// API may not expose (its own, the migrations', those in `protected`), a missing table or column, a
/// type the column cannot hold, and, for an entity that creates rows, a column that needs a
/// value on every new row (no null, no default) but cannot be given one.
///
/// # Errors
///
/// When the database cannot be read.
pub async fn check(
    db: &Database,
    configuration: &Configuration,
    protected: &[String],
) -> Result<Vec<Problem>, sqlx::Error> {
    let table = configuration.table_name.as_str();
    if !available(table, protected) {
        return Ok(vec![Problem {
            pointer: "/tableName".to_owned(),
            message: format!("the table \"{table}\" is not available to the Data Exchange API"),
        }]);
    }
    let columns = columns(db, &configuration.table_name).await?;
    if columns.is_empty() {
        return Ok(vec![Problem {
            pointer: "/tableName".to_owned(),
            message: format!("the database has no table \"{}\"", configuration.table_name),
        }]);
    }
    let mut problems = Vec::new();
    for (index, field) in configuration.definition.fields.iter().enumerate() {
        let at = format!("/definition/fields/{index}");
        match columns
            .iter()
            .find(|column| column.name == field.field_name)
        {
            None => problems.push(Problem {
                pointer: format!("{at}/fieldName"),
                message: format!(
                    "the table \"{}\" has no column \"{}\"",
                    configuration.table_name, field.field_name
                ),
            }),
            Some(column) if !column_available(table, &column.name, protected) => {
                problems.push(Problem {
                    pointer: format!("{at}/fieldName"),
                    message: format!(
                        "the column \"{}\" is not available to the Data Exchange API",
                        field.field_name
                    ),
                });
            }
            Some(column) if !column.fits(field.ty) => problems.push(Problem {
                pointer: format!("{at}/type"),
                message: format!(
                    "the column \"{}\" is {}: it does not hold {} values",
                    column.name,
                    column.declared_type,
                    field.ty.name()
                ),
            }),
            Some(_) => {}
        }
    }
    // The identifier names one row: a key, or a column unique by itself.
    if let Some(column) = columns
        .iter()
        .find(|column| column.name == configuration.definition.identifier)
        && !column.unique
        && column_available(table, &column.name, protected)
    {
        problems.push(Problem {
            pointer: "/definition/identifier".to_owned(),
            message: format!(
                "the column \"{}\" is neither the primary key nor unique: it cannot identify a row",
                column.name
            ),
        });
    }
    // An entity that creates rows must be able to give every column that needs a value.
    let creates = configuration
        .definition
        .fields
        .iter()
        .any(|field| field.is_creatable);
    for column in columns.iter().filter(|_| creates) {
        let needs_value = !column.nullable && !column.generated();
        let creatable = configuration
            .field(&column.name)
            .is_some_and(|field| field.is_creatable && field.validation.is_required);
        if needs_value && !creatable {
            problems.push(Problem {
                pointer: "/definition/fields".to_owned(),
                message: format!(
                    "the column \"{}\" takes no null and has no default: expose it as creatable and required",
                    column.name
                ),
            });
        }
    }
    Ok(problems)
}
