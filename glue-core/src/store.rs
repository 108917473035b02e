//! The stored form of a resource: what a store that reads the declaration (such as
//! `glue_sql::SqlStore`) needs to write an item's columns and build an item from a row.
//!
//! `#[derive(ApiResource)]` implements [`StoredResource`] when the declaration names a
//! `table`. Every stored field converts through serde: dates and date-times in their wire
//! form (`2024-05-01`, RFC 3339 in UTC), arrays and objects as JSON; a field declared
//! `stored = false` is left at its `Default` when an item is read.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::date::{DateTimeValue, parse_date_time};
use crate::resource::Resource;

/// A resource whose properties map to the columns of a table (`table = "..."`).
pub trait StoredResource: Resource {
    /// The value of a stored property, as JSON, for writing; `None` for a name that is not
    /// a stored property.
    fn stored_value(&self, property: &str) -> Option<Result<serde_json::Value, serde_json::Error>>;

    /// Builds an item from the values of its stored properties; the others take their
    /// default.
    ///
    /// # Errors
    ///
    /// When a stored value does not fit its field.
    fn from_stored(source: &mut dyn StoredSource) -> Result<Self, StoredError>;
}

/// Where [`StoredResource::from_stored`] reads values from: a row, by property name.
pub trait StoredSource {
    /// The value of a stored property (`null` when the row has none).
    fn take(&mut self, property: &'static str) -> serde_json::Value;
}

/// A stored value that does not fit its field (a column of another type, text that is not a
/// date): a fault of the store or of its schema, never of a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredError {
    /// The property whose value did not fit.
    pub property: &'static str,
    /// Why.
    pub message: String,
}

impl fmt::Display for StoredError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the stored value of {} does not fit: {}",
            self.property, self.message
        )
    }
}

impl std::error::Error for StoredError {}

/// Reads one stored field (for generated code).
#[doc(hidden)]
pub fn stored_field<T: DeserializeOwned>(
    source: &mut dyn StoredSource,
    property: &'static str,
) -> Result<T, StoredError> {
    serde_json::from_value(source.take(property)).map_err(|error| StoredError {
        property,
        message: error.to_string(),
    })
}

/// Reads one stored date-time field, whatever offset the text carries (for generated code).
#[doc(hidden)]
pub fn stored_date_time<T: DateTimeValue + DeserializeOwned>(
    source: &mut dyn StoredSource,
    property: &'static str,
) -> Result<T, StoredError> {
    let fail = |message: String| StoredError { property, message };
    match source.take(property) {
        serde_json::Value::String(text) => parse_date_time(&text).map(T::from_utc).map_err(fail),
        serde_json::Value::Null => serde_json::from_value(serde_json::Value::Null)
            .map_err(|_| fail("null where a date-time is needed".to_owned())),
        other => Err(fail(format!("{other} is not a date-time"))),
    }
}

/// Writes one stored field as JSON (for generated code).
#[doc(hidden)]
pub fn stored_json<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Option<Result<serde_json::Value, serde_json::Error>> {
    Some(serde_json::to_value(value))
}
