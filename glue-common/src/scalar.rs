//! Property values as the runtime compares them: the typed, borrowed value of one property of
//! an item (for filters and sorts in memory, relationship links and keys, cursor positions,
//! security paths), and the values filters compare with. No JSON tree is built for either.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

use crate::date::DateTimeText;

/// One property value: a scalar of one of the wire's types, `null`, or a composite value
/// (an array or object) that only tests for null see.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scalar<'a> {
    /// `null` (or a value with no scalar form, such as a float beyond the decimal range).
    Null,
    /// A string.
    String(Cow<'a, str>),
    /// An integer.
    Integer(i64),
    /// A number, exact (floats convert by their shortest text, as JSON writes them).
    Decimal(Decimal),
    /// `true` or `false`.
    Boolean(bool),
    /// A date.
    Date(NaiveDate),
    /// An instant.
    DateTime(DateTime<Utc>),
    /// An array or an object: present, but not a scalar.
    Composite,
}

impl Scalar<'_> {
    /// The same value, owning its text.
    #[must_use]
    pub fn into_owned(self) -> Scalar<'static> {
        match self {
            Self::Null => Scalar::Null,
            Self::String(text) => Scalar::String(Cow::Owned(text.into_owned())),
            Self::Integer(value) => Scalar::Integer(value),
            Self::Decimal(value) => Scalar::Decimal(value),
            Self::Boolean(value) => Scalar::Boolean(value),
            Self::Date(value) => Scalar::Date(value),
            Self::DateTime(value) => Scalar::DateTime(value),
            Self::Composite => Scalar::Composite,
        }
    }

    /// The same value, borrowing its text from this one.
    #[must_use]
    pub fn reborrow(&self) -> Scalar<'_> {
        match self {
            Self::String(text) => Scalar::String(Cow::Borrowed(text)),
            Self::Null => Scalar::Null,
            Self::Integer(value) => Scalar::Integer(*value),
            Self::Decimal(value) => Scalar::Decimal(*value),
            Self::Boolean(value) => Scalar::Boolean(*value),
            Self::Date(value) => Scalar::Date(*value),
            Self::DateTime(value) => Scalar::DateTime(*value),
            Self::Composite => Scalar::Composite,
        }
    }

    /// Whether the value is `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The text of a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// The order of two values of one type (integers and decimals compare by value, strings
    /// by code point); `None` across types, and for `null` and composite values.
    #[must_use]
    pub fn compare(&self, other: &Scalar<'_>) -> Option<Ordering> {
        Some(match (self, other) {
            (Self::String(a), Scalar::String(b)) => a.as_ref().cmp(b.as_ref()),
            (Self::Integer(a), Scalar::Integer(b)) => a.cmp(b),
            (Self::Decimal(a), Scalar::Decimal(b)) => a.cmp(b),
            (Self::Integer(a), Scalar::Decimal(b)) => Decimal::from(*a).cmp(b),
            (Self::Decimal(a), Scalar::Integer(b)) => a.cmp(&Decimal::from(*b)),
            (Self::Boolean(a), Scalar::Boolean(b)) => a.cmp(b),
            (Self::Date(a), Scalar::Date(b)) => a.cmp(b),
            (Self::DateTime(a), Scalar::DateTime(b)) => a.cmp(b),
            _ => return None,
        })
    }
}

/// The value as text: strings as they are, dates and instants as the wire writes them,
/// `null` and composite values as nothing.
impl fmt::Display for Scalar<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String(text) => f.write_str(text),
            Self::Integer(value) => write!(f, "{value}"),
            Self::Decimal(value) => write!(f, "{value}"),
            Self::Boolean(value) => write!(f, "{value}"),
            Self::Date(value) => write!(f, "{value}"),
            Self::DateTime(value) => write!(f, "{}", DateTimeText(value)),
            Self::Null | Self::Composite => Ok(()),
        }
    }
}

/// JSON scalars; decimals, dates and instants as strings (so that they come back exactly).
impl Serialize for Scalar<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::String(text) => serializer.serialize_str(text),
            Self::Integer(value) => serializer.serialize_i64(*value),
            Self::Boolean(value) => serializer.serialize_bool(*value),
            Self::Decimal(_) | Self::Date(_) | Self::DateTime(_) => serializer.collect_str(self),
            Self::Null | Self::Composite => serializer.serialize_none(),
        }
    }
}

/// Reads a JSON scalar: numbers as integers when they are, else as exact decimals; arrays
/// and objects are refused.
impl<'de> Deserialize<'de> for Scalar<'static> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;

        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar<'static>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean or null")
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Boolean(value))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Integer(value))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
                Ok(value.as_scalar().into_owned())
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
                decimal_from_f64(value)
                    .map(Scalar::Decimal)
                    .ok_or_else(|| E::custom("the number is beyond the decimal range"))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(Scalar::String(Cow::Owned(value.to_owned())))
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
                Ok(Scalar::String(Cow::Owned(value)))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
        }

        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// An `f64` as the decimal JSON writes it (its shortest text: `0.1` is `0.1`), without
/// allocating; `None` when it is not finite or beyond the decimal range.
#[must_use]
pub fn decimal_from_f64(value: f64) -> Option<Decimal> {
    use std::io::Write;
    if !value.is_finite() {
        return None;
    }
    let mut buffer = [0u8; 48];
    let mut cursor = &mut buffer[..];
    if write!(cursor, "{value}").is_ok() {
        let written = 48 - cursor.len();
        let text = std::str::from_utf8(&buffer[..written]).ok()?;
        return Decimal::from_str_exact(text).ok();
    }
    // Too long to write out: far beyond the decimal range, or far below its precision.
    let mut buffer = [0u8; 48];
    let mut cursor = &mut buffer[..];
    write!(cursor, "{value:e}").ok()?;
    let written = 48 - cursor.len();
    let text = std::str::from_utf8(&buffer[..written]).ok()?;
    Decimal::from_scientific(text).ok()
}

/// A value with a scalar form: the types of properties that filters, sorts, links and
/// security paths read without serializing them.
pub trait AsScalar {
    /// The value, borrowing its text.
    fn as_scalar(&self) -> Scalar<'_>;
}

impl AsScalar for str {
    fn as_scalar(&self) -> Scalar<'_> {
        Scalar::String(Cow::Borrowed(self))
    }
}

impl AsScalar for String {
    fn as_scalar(&self) -> Scalar<'_> {
        Scalar::String(Cow::Borrowed(self))
    }
}

impl AsScalar for Cow<'_, str> {
    fn as_scalar(&self) -> Scalar<'_> {
        Scalar::String(Cow::Borrowed(self))
    }
}

impl AsScalar for char {
    fn as_scalar(&self) -> Scalar<'_> {
        Scalar::String(Cow::Owned(self.to_string()))
    }
}

impl AsScalar for bool {
    fn as_scalar(&self) -> Scalar<'_> {
        Scalar::Boolean(*self)
    }
}

macro_rules! small_integers {
    ($($ty:ty),*) => {$(
        impl AsScalar for $ty {
            fn as_scalar(&self) -> Scalar<'_> {
                Scalar::Integer(i64::from(*self))
            }
        }
    )*};
}

small_integers!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! wide_integers {
    ($($ty:ty),*) => {$(
        impl AsScalar for $ty {
            fn as_scalar(&self) -> Scalar<'_> {
                match i64::try_from(*self) {
                    Ok(value) => Scalar::Integer(value),
                    Err(_) => i128::try_from(*self)
                        .ok()
                        .and_then(|value| Decimal::try_from_i128_with_scale(value, 0).ok())
                        .map_or(Scalar::Null, Scalar::Decimal),
                }
            }
        }
    )*};
}

wide_integers!(u64, i128, u128, isize, usize);

impl AsScalar for f64 {
    fn as_scalar(&self) -> Scalar<'_> {
        decimal_from_f64(*self).map_or(Scalar::Null, Scalar::Decimal)
    }
}

impl AsScalar for f32 {
    fn as_scalar(&self) -> Scalar<'_> {
        // The shortest text of the `f32`, as JSON writes it (not of its widened `f64`).
        let text = self.to_string();
        Decimal::from_str_exact(&text).map_or(Scalar::Null, Scalar::Decimal)
    }
}

impl AsScalar for Decimal {
    fn as_scalar(&self) -> Scalar<'_> {
        Scalar::Decimal(*self)
    }
}

impl AsScalar for NaiveDate {
    fn as_scalar(&self) -> Scalar<'_> {
        Scalar::Date(*self)
    }
}

impl AsScalar for NaiveDateTime {
    fn as_scalar(&self) -> Scalar<'_> {
        Scalar::DateTime(self.and_utc())
    }
}

impl<Tz: TimeZone> AsScalar for DateTime<Tz> {
    fn as_scalar(&self) -> Scalar<'_> {
        Scalar::DateTime(self.with_timezone(&Utc))
    }
}

impl<T: AsScalar> AsScalar for Option<T> {
    fn as_scalar(&self) -> Scalar<'_> {
        self.as_ref().map_or(Scalar::Null, AsScalar::as_scalar)
    }
}

impl<T: AsScalar + ?Sized> AsScalar for &T {
    fn as_scalar(&self) -> Scalar<'_> {
        (**self).as_scalar()
    }
}

impl<T: AsScalar + ?Sized> AsScalar for Box<T> {
    fn as_scalar(&self) -> Scalar<'_> {
        (**self).as_scalar()
    }
}

impl<T: AsScalar + ?Sized> AsScalar for Arc<T> {
    fn as_scalar(&self) -> Scalar<'_> {
        (**self).as_scalar()
    }
}

impl<T: AsScalar + ?Sized> AsScalar for Rc<T> {
    fn as_scalar(&self) -> Scalar<'_> {
        (**self).as_scalar()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn floats_become_the_decimal_json_writes() {
        for (float, text) in [
            (0.1, "0.1"),
            (250.5, "250.5"),
            (0.30000000000000004, "0.30000000000000004"),
            (1e20, "100000000000000000000"),
            (-3.0, "-3"),
        ] {
            assert_eq!(
                decimal_from_f64(float),
                Some(Decimal::from_str(text).unwrap()),
                "{float}"
            );
        }
        assert_eq!(decimal_from_f64(f64::NAN), None);
        assert_eq!(decimal_from_f64(1e300), None);
        assert_eq!(1.5f32.as_scalar(), Scalar::Decimal(Decimal::new(15, 1)));
    }

    #[test]
    fn values_compare_within_their_type() {
        let five = Scalar::Integer(5);
        assert_eq!(
            five.compare(&Scalar::Decimal(Decimal::new(50, 1))),
            Some(Ordering::Equal)
        );
        assert_eq!(
            "b".as_scalar().compare(&"a".as_scalar()),
            Some(Ordering::Greater)
        );
        assert_eq!(five.compare(&"5".as_scalar()), None);
        assert_eq!(Scalar::Null.compare(&Scalar::Null), None);
        assert_eq!(
            u64::MAX.as_scalar(),
            Scalar::Decimal(Decimal::from(u64::MAX))
        );
        assert_eq!(Some(3u8).as_scalar(), Scalar::Integer(3));
        assert_eq!(None::<String>.as_scalar(), Scalar::Null);
    }

    #[test]
    fn scalars_travel_as_json_and_back() {
        let values = vec![
            Scalar::String("DE--1".into()),
            Scalar::Integer(-7),
            Scalar::Decimal(Decimal::from_str("12.50").unwrap()),
            Scalar::Boolean(true),
            Scalar::Date(NaiveDate::from_ymd_opt(1990, 1, 31).unwrap()),
            Scalar::Null,
        ];
        let text = serde_json::to_string(&values).unwrap();
        assert_eq!(text, r#"["DE--1",-7,"12.50",true,"1990-01-31",null]"#);
        let back: Vec<Scalar<'static>> = serde_json::from_str(&text).unwrap();
        assert_eq!(back[..2], values[..2]);
        assert_eq!(back[2], Scalar::String("12.50".into()));
        assert!(serde_json::from_str::<Vec<Scalar<'static>>>("[[1]]").is_err());
        let instant = DateTime::<Utc>::from_timestamp(0, 0).unwrap();
        assert_eq!(
            Scalar::DateTime(instant).to_string(),
            "1970-01-01T00:00:00+00:00"
        );
    }
}
