//! Dates and times on the wire (SPEC §2.6): requests may carry any offset; responses are UTC,
//! written `1985-06-30T23:22:11+00:00`; dates without time are `YYYY-MM-DD`.
//!
//! The derive routes `DateTime`, `NaiveDateTime` and `NaiveDate` properties (and their
//! `Option`s) through these helpers, so a resource struct keeps plain chrono types.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, Utc};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

pub use glue_common::date::{
    DATE_TIME_FORMAT, format_date_time, parse_date, parse_date_time, parse_rfc3339,
};
use glue_common::date::{DateTimeText, fixed_width, fixed_width_date, fixed_width_str};

/// A value that is written as a UTC date-time.
pub trait DateTimeValue {
    /// The instant, or `None` for null.
    fn to_utc(&self) -> Option<DateTime<Utc>>;
    /// Builds the value from an instant.
    fn from_utc(instant: DateTime<Utc>) -> Self;
}

impl DateTimeValue for DateTime<Utc> {
    fn to_utc(&self) -> Option<DateTime<Utc>> {
        Some(*self)
    }

    fn from_utc(instant: DateTime<Utc>) -> Self {
        instant
    }
}

impl DateTimeValue for DateTime<FixedOffset> {
    fn to_utc(&self) -> Option<DateTime<Utc>> {
        Some(self.with_timezone(&Utc))
    }

    fn from_utc(instant: DateTime<Utc>) -> Self {
        instant.fixed_offset()
    }
}

impl DateTimeValue for DateTime<Local> {
    fn to_utc(&self) -> Option<DateTime<Utc>> {
        Some(self.with_timezone(&Utc))
    }

    fn from_utc(instant: DateTime<Utc>) -> Self {
        instant.with_timezone(&Local)
    }
}

impl DateTimeValue for NaiveDateTime {
    fn to_utc(&self) -> Option<DateTime<Utc>> {
        Some(self.and_utc())
    }

    fn from_utc(instant: DateTime<Utc>) -> Self {
        instant.naive_utc()
    }
}

impl<T: DateTimeValue> DateTimeValue for Option<T> {
    fn to_utc(&self) -> Option<DateTime<Utc>> {
        self.as_ref().and_then(DateTimeValue::to_utc)
    }

    fn from_utc(instant: DateTime<Utc>) -> Self {
        Some(T::from_utc(instant))
    }
}

/// A value that is written as a date (`YYYY-MM-DD`).
pub trait DateValue {
    /// The date, or `None` for null.
    fn to_date(&self) -> Option<NaiveDate>;
}

impl DateValue for NaiveDate {
    fn to_date(&self) -> Option<NaiveDate> {
        Some(*self)
    }
}

impl<T: DateValue> DateValue for Option<T> {
    fn to_date(&self) -> Option<NaiveDate> {
        self.as_ref().and_then(DateValue::to_date)
    }
}

/// Serializes a date value as `YYYY-MM-DD` (or null): four-digit years from the stack,
/// others as chrono writes them (`+10000-01-01`).
#[derive(Debug)]
pub struct WireDate<'a, T: ?Sized>(pub &'a T);

impl<T: DateValue + ?Sized> Serialize for WireDate<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(date) = self.0.to_date() else {
            return serializer.serialize_none();
        };
        match fixed_width_date(&date) {
            // Only ASCII digits and dashes are written.
            Some(text) => serializer.serialize_str(std::str::from_utf8(&text).unwrap_or_default()),
            None => serializer.collect_str(&format_args!("{date:?}")),
        }
    }
}

/// Serializes a date-time value as `YYYY-MM-DDTHH:MM:SS+00:00` (or null).
#[derive(Debug)]
pub struct UtcDateTime<'a, T: ?Sized>(pub &'a T);

impl<T: DateTimeValue + ?Sized> Serialize for UtcDateTime<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.to_utc() {
            Some(instant) => match fixed_width(&instant) {
                Some(text) => serializer.serialize_str(fixed_width_str(&text)),
                None => serializer.collect_str(&DateTimeText(&instant)),
            },
            None => serializer.serialize_none(),
        }
    }
}

/// Decodes a JSON date-time property (a string, or null for optional properties).
///
/// # Errors
///
/// The message for a 422.
pub fn decode_date_time<T: DateTimeValue + serde::de::DeserializeOwned>(
    raw: &RawValue,
) -> Result<T, String> {
    match serde_json::from_str::<Option<String>>(raw.get()) {
        Ok(Some(text)) => parse_date_time(&text).map(T::from_utc),
        Ok(None) => serde_json::from_str::<T>("null")
            .map_err(|_| "must be a date-time, not null".to_owned()),
        Err(_) => Err(format!(
            "must be a date-time string such as 1985-07-01T01:22:11+02:00, got {}",
            raw.get()
        )),
    }
}

/// Decodes a JSON date property (`YYYY-MM-DD`, or null for optional properties).
///
/// # Errors
///
/// The message for a 422.
pub fn decode_date<T: serde::de::DeserializeOwned>(raw: &RawValue) -> Result<T, String> {
    let valid = match serde_json::from_str::<Option<String>>(raw.get()) {
        Ok(Some(text)) => text.len() == 10 && parse_date(&text).is_some(),
        Ok(None) => true,
        Err(_) => false,
    };
    if valid && let Ok(value) = serde_json::from_str::<T>(raw.get()) {
        return Ok(value);
    }
    Err(format!(
        "must be a date in the form YYYY-MM-DD, got {}",
        raw.get()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast writer writes what chrono's own serialization writes, for every kind of year.
    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let dates = [
            NaiveDate::from_ymd_opt(0, 1, 1),
            NaiveDate::from_ymd_opt(1, 2, 3),
            NaiveDate::from_ymd_opt(1966, 7, 7),
            NaiveDate::from_ymd_opt(2024, 2, 29),
            NaiveDate::from_ymd_opt(9999, 12, 31),
            NaiveDate::from_ymd_opt(10_000, 1, 1),
            NaiveDate::from_ymd_opt(-1, 6, 30),
            Some(NaiveDate::MIN),
            Some(NaiveDate::MAX),
        ];
        for date in dates.into_iter().flatten() {
            assert_eq!(
                serde_json::to_string(&WireDate(&date)).unwrap(),
                serde_json::to_string(&date).unwrap(),
                "{date:?}"
            );
        }
        let none: Option<NaiveDate> = None;
        assert_eq!(serde_json::to_string(&WireDate(&none)).unwrap(), "null");
        let some = Some(NaiveDate::from_ymd_opt(1990, 1, 31).unwrap());
        assert_eq!(
            serde_json::to_string(&WireDate(&some)).unwrap(),
            "\"1990-01-31\""
        );
    }

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn date_times_leave_as_utc_with_a_numeric_offset() {
        let instant: DateTime<Utc> =
            decode_date_time(&raw("\"1985-07-01T01:22:11+02:00\"")).unwrap();
        assert_eq!(
            serde_json::to_string(&UtcDateTime(&instant)).unwrap(),
            "\"1985-06-30T23:22:11+00:00\""
        );
        let none: Option<DateTime<Utc>> = None;
        assert_eq!(serde_json::to_string(&UtcDateTime(&none)).unwrap(), "null");
    }

    #[test]
    fn malformed_date_times_are_reported() {
        assert!(decode_date_time::<DateTime<Utc>>(&raw("\"yesterday\"")).is_err());
        assert!(decode_date_time::<DateTime<Utc>>(&raw("12")).is_err());
        assert!(decode_date_time::<DateTime<Utc>>(&raw("null")).is_err());
        assert!(decode_date_time::<DateTime<Utc>>(&raw("\"0000-01-01T00:30:00+01:00\"")).is_err());
        assert_eq!(
            decode_date_time::<Option<DateTime<Utc>>>(&raw("null")).unwrap(),
            None
        );
    }

    #[test]
    fn dates_need_the_full_form() {
        let date: NaiveDate = decode_date(&raw("\"1990-01-31\"")).unwrap();
        assert_eq!(date, NaiveDate::from_ymd_opt(1990, 1, 31).unwrap());
        assert!(decode_date::<NaiveDate>(&raw("\"1990-1-31\"")).is_err());
        assert!(decode_date::<NaiveDate>(&raw("\"1990-02-30\"")).is_err());
        assert_eq!(
            decode_date::<Option<NaiveDate>>(&raw("null")).unwrap(),
            None
        );
    }
}
