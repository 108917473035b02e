//! Values typed by their property (SPEC §3.6), in one place: what kind of value a property
//! holds, how a value from query text, a QueryBuilder rule or a cursor becomes one of that
//! kind, and how an item's value is read for filters, sorts, links and keys.

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde::ser::{self, Serialize};

use crate::date::{parse_date, parse_rfc3339};
use crate::meta::{PropertyMeta, PropertyType};

pub use glue_common::{AsScalar, Scalar, decimal_from_f64};

/// A value a filter compares with: a [`Scalar`] of the property's kind, never `null`.
pub type FilterValue = Scalar<'static>;

/// How values of a property are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// Text.
    String,
    /// Whole numbers.
    Integer,
    /// Exact decimals.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Instants, compared as such whatever their offset.
    DateTime,
    /// Dates.
    Date,
    /// Arrays and objects: only null checks apply.
    Structured,
}

impl ValueKind {
    /// The kind of a property: its JSON type, refined by its format.
    #[must_use]
    pub fn of(property: &PropertyMeta) -> Self {
        match (property.ty, property.format) {
            (PropertyType::String, Some("date-time")) => Self::DateTime,
            (PropertyType::String, Some("date")) => Self::Date,
            (PropertyType::String, _) => Self::String,
            (PropertyType::Integer, _) => Self::Integer,
            (PropertyType::Number, _) => Self::Number,
            (PropertyType::Boolean, _) => Self::Boolean,
            (PropertyType::Array | PropertyType::Object, _) => Self::Structured,
        }
    }

    /// What a value of this kind looks like, for error messages.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::Integer => "an integer",
            Self::Number => "a number",
            Self::Boolean => "true or false",
            Self::DateTime => "a date-time such as 1985-07-01T01:22:11+02:00",
            Self::Date => "a date such as 1990-01-31",
            Self::Structured => "a value",
        }
    }

    /// Whether values of this kind have an order (and so can be sorted and compared with
    /// `lt`, `between`...).
    #[must_use]
    pub fn is_ordered(self) -> bool {
        !matches!(self, Self::Boolean | Self::Structured)
    }

    /// A value as this kind holds it, or `None` for `null` and for a value that is not of
    /// this kind. Text is read as the kind reads it (`"12"` is an integer under `Integer`),
    /// integers are decimals under `Number` and integral decimals integers under `Integer`,
    /// so that both sides of a comparison, or of a join, are typed alike.
    #[must_use]
    pub fn coerce<'a>(self, value: Scalar<'a>) -> Option<Scalar<'a>> {
        match (self, value) {
            (_, Scalar::Null) => None,
            (Self::Structured, _) => Some(Scalar::Composite),
            (_, Scalar::Composite) => None,
            (Self::String, Scalar::String(text)) => Some(Scalar::String(text)),
            (Self::String, other) => Some(Scalar::String(Cow::Owned(other.to_string()))),
            (Self::Integer, Scalar::Integer(value)) => Some(Scalar::Integer(value)),
            (Self::Integer, Scalar::Decimal(value)) if value.fract().is_zero() => {
                Some(i64::try_from(value).map_or(Scalar::Decimal(value), Scalar::Integer))
            }
            // `12`, and as JSON numbers are read: `2663.0` is 2663, an integer beyond i64 a
            // decimal that compares with every stored value.
            (Self::Integer, Scalar::String(text)) => match text.trim().parse() {
                Ok(value) => Some(Scalar::Integer(value)),
                Err(_) => parse_decimal(text.trim())
                    .and_then(|value| Self::Integer.coerce(Scalar::Decimal(value))),
            },
            (Self::Number, Scalar::Integer(value)) => Some(Scalar::Decimal(Decimal::from(value))),
            (Self::Number, Scalar::Decimal(value)) => Some(Scalar::Decimal(value)),
            (Self::Number, Scalar::String(text)) => parse_decimal(text.trim()).map(Scalar::Decimal),
            (Self::Boolean, Scalar::Boolean(value)) => Some(Scalar::Boolean(value)),
            (Self::Boolean, Scalar::String(text)) => match text.trim() {
                "true" | "1" => Some(Scalar::Boolean(true)),
                "false" | "0" => Some(Scalar::Boolean(false)),
                _ => None,
            },
            (Self::DateTime, Scalar::DateTime(value)) => Some(Scalar::DateTime(value)),
            (Self::DateTime, Scalar::String(text)) => {
                parse_rfc3339(&text).ok().map(Scalar::DateTime)
            }
            (Self::Date, Scalar::Date(value)) => Some(Scalar::Date(value)),
            (Self::Date, Scalar::String(text)) => parse_date(&text).map(Scalar::Date),
            _ => None,
        }
    }

    /// A value from query text (`filter[createdAt][lt]=...`).
    #[must_use]
    pub fn parse_text(self, text: &str) -> Option<FilterValue> {
        if self == Self::Structured {
            return None;
        }
        self.coerce(Scalar::String(Cow::Borrowed(text)))
            .map(Scalar::into_owned)
    }

    /// A value from JSON (a QueryBuilder rule's `value`); strings are read as text.
    #[must_use]
    pub fn parse_json(self, value: &serde_json::Value) -> Option<FilterValue> {
        let scalar = match value {
            serde_json::Value::String(text) => return self.parse_text(text),
            serde_json::Value::Bool(flag) => Scalar::Boolean(*flag),
            serde_json::Value::Number(number) => serde::Deserialize::deserialize(number).ok()?,
            _ => return None,
        };
        if self == Self::Structured {
            return None;
        }
        self.coerce(scalar)
    }
}

/// An exact decimal from `12`, `0.1`, `-3.5` or `1e3`.
#[must_use]
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    if text.is_empty() {
        return None;
    }
    Decimal::from_str_exact(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

/// A property's value of an item under the property's kind (see [`ValueKind::coerce`]).
#[must_use]
pub fn typed_value<'a>(property: &PropertyMeta, value: Scalar<'a>) -> Option<Scalar<'a>> {
    ValueKind::of(property).coerce(value)
}

/// Reads a value through its `serde::Serialize` into a [`Scalar`], for property types that
/// have no [`AsScalar`] (a user's enum, a `Uuid`): unit variants are their names, like the
/// JSON serde writes; sequences and maps are [`Scalar::Composite`], without serializing their
/// contents.
///
/// # Errors
///
/// Only when the value's own `Serialize` fails.
pub fn scalar_of<T: Serialize + ?Sized>(value: &T) -> Result<Scalar<'static>, ScalarError> {
    value.serialize(ScalarSerializer)
}

/// A value's `Serialize` failed while it was read as a [`Scalar`].
#[derive(Debug)]
pub struct ScalarError(String);

impl std::fmt::Display for ScalarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScalarError {}

impl ser::Error for ScalarError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }
}

struct ScalarSerializer;

/// Collects nothing: a composite value is only known to be present.
struct Skip;

/// `Skip` for one of serde's compound serializers: every part ignored, the end a composite.
macro_rules! skip_compound {
    ($($trait:ident :: $method:ident ($($key:ty)?)),* $(,)?) => {$(
        impl ser::$trait for Skip {
            type Ok = Scalar<'static>;
            type Error = ScalarError;
            fn $method<T: Serialize + ?Sized>(
                &mut self,
                $(_: $key,)?
                _: &T,
            ) -> Result<(), ScalarError> {
                Ok(())
            }
            fn end(self) -> Result<Scalar<'static>, ScalarError> {
                Ok(Scalar::Composite)
            }
        }
    )*};
}

skip_compound! {
    SerializeSeq::serialize_element(),
    SerializeTuple::serialize_element(),
    SerializeTupleStruct::serialize_field(),
    SerializeTupleVariant::serialize_field(),
    SerializeStruct::serialize_field(&'static str),
    SerializeStructVariant::serialize_field(&'static str),
}

impl ser::SerializeMap for Skip {
    type Ok = Scalar<'static>;
    type Error = ScalarError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), ScalarError> {
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), ScalarError> {
        Ok(())
    }
    fn end(self) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Composite)
    }
}

impl ser::Serializer for ScalarSerializer {
    type Ok = Scalar<'static>;
    type Error = ScalarError;
    type SerializeSeq = Skip;
    type SerializeTuple = Skip;
    type SerializeTupleStruct = Skip;
    type SerializeTupleVariant = Skip;
    type SerializeMap = Skip;
    type SerializeStruct = Skip;
    type SerializeStructVariant = Skip;

    fn serialize_bool(self, value: bool) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Boolean(value))
    }
    fn serialize_i8(self, value: i8) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Integer(value.into()))
    }
    fn serialize_i16(self, value: i16) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Integer(value.into()))
    }
    fn serialize_i32(self, value: i32) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Integer(value.into()))
    }
    fn serialize_i64(self, value: i64) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Integer(value))
    }
    fn serialize_i128(self, value: i128) -> Result<Scalar<'static>, ScalarError> {
        Ok(value.as_scalar().into_owned())
    }
    fn serialize_u8(self, value: u8) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Integer(value.into()))
    }
    fn serialize_u16(self, value: u16) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Integer(value.into()))
    }
    fn serialize_u32(self, value: u32) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Integer(value.into()))
    }
    fn serialize_u64(self, value: u64) -> Result<Scalar<'static>, ScalarError> {
        Ok(value.as_scalar().into_owned())
    }
    fn serialize_u128(self, value: u128) -> Result<Scalar<'static>, ScalarError> {
        Ok(value.as_scalar().into_owned())
    }
    fn serialize_f32(self, value: f32) -> Result<Scalar<'static>, ScalarError> {
        Ok(value.as_scalar().into_owned())
    }
    fn serialize_f64(self, value: f64) -> Result<Scalar<'static>, ScalarError> {
        Ok(value.as_scalar().into_owned())
    }
    fn serialize_char(self, value: char) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::String(Cow::Owned(value.to_string())))
    }
    fn serialize_str(self, value: &str) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::String(Cow::Owned(value.to_owned())))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Composite)
    }
    fn serialize_none(self) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(
        self,
        value: &T,
    ) -> Result<Scalar<'static>, ScalarError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::String(Cow::Borrowed(variant)))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Scalar<'static>, ScalarError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::Composite)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Skip, ScalarError> {
        Ok(Skip)
    }
    fn serialize_tuple(self, _: usize) -> Result<Skip, ScalarError> {
        Ok(Skip)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Skip, ScalarError> {
        Ok(Skip)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Skip, ScalarError> {
        Ok(Skip)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Skip, ScalarError> {
        Ok(Skip)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Skip, ScalarError> {
        Ok(Skip)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Skip, ScalarError> {
        Ok(Skip)
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(
        self,
        value: &T,
    ) -> Result<Scalar<'static>, ScalarError> {
        Ok(Scalar::String(Cow::Owned(value.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    #[serde(rename_all = "lowercase")]
    enum Status {
        Active,
    }

    #[test]
    fn serialized_values_are_read_without_a_tree() {
        assert_eq!(
            scalar_of(&Status::Active).unwrap(),
            Scalar::String("active".into())
        );
        assert_eq!(scalar_of(&Some(3u64)).unwrap(), Scalar::Integer(3));
        assert_eq!(scalar_of(&None::<Status>).unwrap(), Scalar::Null);
        assert_eq!(scalar_of(&vec![1, 2]).unwrap(), Scalar::Composite);
        assert_eq!(
            scalar_of(&BTreeMap::from([("a", 1)])).unwrap(),
            Scalar::Composite
        );
    }

    #[test]
    fn values_take_the_kind_of_their_property() {
        let text = |value: &'static str| Scalar::String(value.into());
        assert_eq!(
            ValueKind::Integer.coerce(text(" 12 ")),
            Some(Scalar::Integer(12))
        );
        assert_eq!(
            ValueKind::Integer.coerce(Scalar::Decimal(Decimal::new(26630, 1))),
            Some(Scalar::Integer(2663))
        );
        assert_eq!(
            ValueKind::Integer.coerce(Scalar::Decimal(Decimal::new(25, 1))),
            None
        );
        assert_eq!(
            ValueKind::Number.coerce(Scalar::Integer(5)),
            Some(Scalar::Decimal(Decimal::from(5)))
        );
        assert_eq!(
            ValueKind::Number.coerce(text("12.50")),
            Some(Scalar::Decimal(Decimal::new(1250, 2)))
        );
        assert!(matches!(
            ValueKind::DateTime.coerce(text("1985-07-01T01:22:11+02:00")),
            Some(Scalar::DateTime(_))
        ));
        assert_eq!(ValueKind::Date.coerce(text("1990-1-31")), None);
        assert_eq!(ValueKind::Boolean.coerce(text("maybe")), None);
        assert_eq!(ValueKind::String.coerce(Scalar::Null), None);
        assert_eq!(
            ValueKind::Structured.coerce(Scalar::Composite),
            Some(Scalar::Composite)
        );
        assert_eq!(ValueKind::String.coerce(Scalar::Composite), None);
        assert_eq!(ValueKind::Structured.parse_text("x"), None);
        assert_eq!(
            ValueKind::Integer.parse_json(&serde_json::json!(2663.0)),
            Some(Scalar::Integer(2663))
        );
        assert_eq!(ValueKind::Integer.parse_json(&serde_json::json!(2.5)), None);
    }
}
