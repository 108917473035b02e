//! Values between the resource and the database: a row's columns as the JSON values
//! [`StoredResource::from_stored`] reads, and an item's JSON values as bound parameters.
//!
//! The `Any` driver decodes booleans, integers, doubles and text; SQLite stores booleans as
//! integers and may hold an integer in a `REAL` column, so each read tries the property's
//! type first and then its neighbour.
//!
//! [`StoredResource::from_stored`]: glue_core::store::StoredResource::from_stored

use glue_core::meta::{PropertyMeta, PropertyType};
use glue_core::store::StoredSource;
use sea_query::Expr;
use serde_json::Value as Json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Table;

/// A row, read by property.
pub(crate) struct RowSource<'r> {
    pub(crate) row: &'r AnyRow,
    pub(crate) table: &'r Table,
}

impl StoredSource for RowSource<'_> {
    fn take(&mut self, property: &'static str) -> Json {
        let Some(meta) = self.table.meta().property(property) else {
            return Json::Null;
        };
        let Some(column) = self.table.column_of(property) else {
            return absent(meta);
        };
        match self.row.try_get_raw(column) {
            Ok(_) => read(self.row, column, meta),
            // Left out of the SELECT by a sparse fieldset: not shown, any value fits.
            Err(_) => absent(meta),
        }
    }
}

/// The value of a column that was not selected: null, or the zero of the type for a
/// property that cannot be null.
fn absent(property: &PropertyMeta) -> Json {
    if property.nullable {
        return Json::Null;
    }
    match (property.ty, property.format) {
        (PropertyType::Boolean, _) => Json::Bool(false),
        (PropertyType::Integer, _) => Json::from(0),
        (PropertyType::Number, _) => Json::from(0.0),
        (PropertyType::Array, _) => Json::Array(Vec::new()),
        (PropertyType::Object, _) => Json::Object(serde_json::Map::new()),
        (PropertyType::String, Some("date-time")) => Json::from("1970-01-01T00:00:00+00:00"),
        (PropertyType::String, Some("date")) => Json::from("1970-01-01"),
        (PropertyType::String, _) => Json::from(""),
    }
}

/// One column as JSON, by the property's type.
fn read(row: &AnyRow, column: &str, property: &PropertyMeta) -> Json {
    let text = || row.try_get::<Option<String>, _>(column).ok().flatten();
    let integer = || row.try_get::<Option<i64>, _>(column).ok().flatten();
    let double = || row.try_get::<Option<f64>, _>(column).ok().flatten();
    match property.ty {
        PropertyType::Boolean => row
            .try_get::<Option<bool>, _>(column)
            .ok()
            .flatten()
            .map(Json::Bool)
            .or_else(|| integer().map(|value| Json::Bool(value != 0)))
            .unwrap_or(Json::Null),
        PropertyType::Integer => integer()
            .map(Json::from)
            .or_else(|| {
                double()
                    .filter(|value| value.fract() == 0.0)
                    .map(|value| Json::from(value as i64))
            })
            .unwrap_or(Json::Null),
        PropertyType::Number => double()
            .map(Json::from)
            .or_else(|| integer().map(|value| Json::from(value as f64)))
            .unwrap_or(Json::Null),
        PropertyType::Array | PropertyType::Object => text()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Json::Null),
        PropertyType::String => text().map(Json::String).unwrap_or(Json::Null),
    }
}

/// A value to write, as an expression (see [`rows::value`](crate::rows::value)).
pub(crate) fn expr(value: &Json, property: Option<&PropertyMeta>) -> Expr {
    crate::rows::value(
        value,
        property.is_some_and(|p| p.ty == PropertyType::Number),
    )
}

/// A URL's text (an identifier, a parent's key) as the value of a property of this type.
pub(crate) fn from_text(text: &str, property: &PropertyMeta) -> Option<Json> {
    match property.ty {
        PropertyType::Integer => text.parse::<i64>().ok().map(Json::from),
        PropertyType::Number => text.parse::<f64>().ok().map(Json::from),
        PropertyType::Boolean => text.parse::<bool>().ok().map(Json::Bool),
        _ => Some(Json::String(text.to_owned())),
    }
}
