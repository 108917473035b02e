//! Dates and times on the wire (SPEC §2.6): requests may carry any offset; responses are UTC,
//! written `1985-06-30T23:22:11+00:00`; dates without time are `YYYY-MM-DD`.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};

/// The layout of date-times in responses.
pub const DATE_TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S+00:00";

/// An instant as responses write it, without allocating: `YYYY-MM-DDTHH:MM:SS+00:00` for
/// years 0 to 9999 (chrono's formatter parses its pattern on every call); `None` beyond.
#[must_use]
pub fn fixed_width(instant: &DateTime<Utc>) -> Option<[u8; 25]> {
    // The UTC fields, read once (each accessor of a `DateTime` adds its offset again).
    let naive = instant.naive_utc();
    let time = naive.time();
    let mut text = *b"0000-00-00T00:00:00+00:00";
    text[..10].copy_from_slice(&fixed_width_date(&naive.date())?);
    put_digits(&mut text, 11, time.hour(), 2);
    put_digits(&mut text, 14, time.minute(), 2);
    // A leap second reads as :60, as chrono writes it.
    put_digits(
        &mut text,
        17,
        time.second() + time.nanosecond() / 1_000_000_000,
        2,
    );
    Some(text)
}

/// A date as responses write it (`YYYY-MM-DD`), without allocating, for years 0 to 9999;
/// `None` beyond.
#[must_use]
pub fn fixed_width_date(date: &NaiveDate) -> Option<[u8; 10]> {
    let year = u32::try_from(date.year())
        .ok()
        .filter(|year| *year <= 9999)?;
    let mut text = *b"0000-00-00";
    put_digits(&mut text, 0, year, 4);
    put_digits(&mut text, 5, date.month(), 2);
    put_digits(&mut text, 8, date.day(), 2);
    Some(text)
}

/// Writes `value` as `width` decimal digits at `at`.
fn put_digits(text: &mut [u8], at: usize, value: u32, width: usize) {
    let mut value = value;
    for position in (at..at + width).rev() {
        text[position] = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// The text of [`fixed_width`]'s answer.
#[must_use]
pub fn fixed_width_str(text: &[u8; 25]) -> &str {
    // Only ASCII digits and punctuation are written.
    std::str::from_utf8(text).unwrap_or_default()
}

/// An instant as responses write it (`YYYY-MM-DDTHH:MM:SS+00:00`): written from the stack
/// for four-digit years, by chrono otherwise.
#[derive(Debug, Clone, Copy)]
pub struct DateTimeText<'a>(pub &'a DateTime<Utc>);

impl std::fmt::Display for DateTimeText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match fixed_width(self.0) {
            Some(text) => f.write_str(fixed_width_str(&text)),
            None => write!(f, "{}", self.0.format(DATE_TIME_FORMAT)),
        }
    }
}

/// Formats an instant the way responses write it.
#[must_use]
pub fn format_date_time(instant: &DateTime<Utc>) -> String {
    DateTimeText(instant).to_string()
}

/// Parses an RFC 3339 date-time with any offset into UTC.
///
/// # Errors
///
/// The message for a 422 when the text is not such a date-time.
pub fn parse_date_time(text: &str) -> Result<DateTime<Utc>, String> {
    parse_rfc3339(text)
        .ok()
        // RFC 3339 years have four digits: keep answers writable in the same form.
        .filter(|instant| (1..=9999).contains(&instant.year()))
        .ok_or_else(|| not_a_date_time(text))
}

/// Parses any RFC 3339 date-time, years `0000` to `9999` with any offset, into UTC: the values
/// filters compare with (SPEC §3.6). The instant may lie before year 1
/// (`0000-01-01T00:00:00+01:00`), which [`parse_date_time`] refuses for what is stored; it
/// still orders and compares.
///
/// # Errors
///
/// The message for a 400 when the text is not such a date-time.
pub fn parse_rfc3339(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::<FixedOffset>::parse_from_rfc3339(text.trim())
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|_| not_a_date_time(text))
}

fn not_a_date_time(text: &str) -> String {
    format!("must be a date-time with an offset, such as 1985-07-01T01:22:11+02:00, got \"{text}\"")
}

/// Parses a date in the full form `YYYY-MM-DD` (`1990-1-31` is not one).
#[must_use]
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_writer_agrees_with_chrono() {
        let instants = [
            "0001-01-01T00:00:00+00:00",
            "1985-06-30T23:22:11+00:00",
            "2024-02-29T12:00:59.999+00:00",
            "9999-12-31T23:59:59+00:00",
        ];
        for text in instants {
            let instant = parse_date_time(text).unwrap();
            assert_eq!(
                format_date_time(&instant),
                instant.format(DATE_TIME_FORMAT).to_string()
            );
        }
        let far = DateTime::<Utc>::from_timestamp(400_000_000_000, 0).unwrap();
        assert_eq!(
            format_date_time(&far),
            far.format(DATE_TIME_FORMAT).to_string()
        );
    }

    #[test]
    fn dates_need_the_full_form() {
        assert_eq!(
            parse_date("1990-01-31"),
            NaiveDate::from_ymd_opt(1990, 1, 31)
        );
        assert_eq!(
            parse_date(" 1990-01-31 "),
            NaiveDate::from_ymd_opt(1990, 1, 31)
        );
        assert_eq!(parse_date("1990-1-31"), None);
        assert_eq!(parse_date("1990-02-30"), None);
        assert!(parse_date_time("0000-01-01T00:30:00+01:00").is_err());
    }
}
