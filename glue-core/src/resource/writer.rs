//! Writing an item's properties straight into the response buffer.

use serde::Serialize;

/// Writes the properties of one item as members of a JSON object, straight into the response
/// buffer (no intermediate value trees).
#[derive(Debug)]
pub struct PropertyWriter<'a> {
    out: &'a mut Vec<u8>,
    with_identifier: bool,
    fields: Option<&'a [String]>,
    written: usize,
}

impl<'a> PropertyWriter<'a> {
    /// A writer appending members to `out`, which must be inside an open JSON object.
    /// `with_identifier` says whether the identifier is written among the properties (plain
    /// JSON) or elsewhere (JSON:API `id`); `fields`, when given, limits the properties.
    pub fn new(out: &'a mut Vec<u8>, with_identifier: bool, fields: Option<&'a [String]>) -> Self {
        Self {
            out,
            with_identifier,
            fields,
            written: 0,
        }
    }

    /// How many members have been written.
    #[must_use]
    pub fn written(&self) -> usize {
        self.written
    }

    fn selected(&self, name: &str) -> bool {
        self.fields
            .is_none_or(|fields| fields.iter().any(|field| field == name))
    }

    /// Writes one property, unless a sparse fieldset leaves it out.
    ///
    /// # Errors
    ///
    /// Fails when the value cannot be serialized.
    pub fn property<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        if !self.selected(name) {
            return Ok(());
        }
        self.member(name, value)
    }

    /// [`property`](Self::property) with the member's key written out by the derive at
    /// compile time (`"email":`, escaped and followed by the colon), so that no key is
    /// checked for escapes per item.
    ///
    /// # Errors
    ///
    /// Fails when the value cannot be serialized.
    #[inline]
    pub fn keyed<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        key: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        self.keyed_with(name, key, |out| serde_json::to_writer(out, value))
    }

    /// [`keyed`](Self::keyed) for text: written by the framework's string writer, which
    /// copies text that needs no escaping at once.
    #[inline]
    pub fn keyed_str(&mut self, name: &str, key: &str, value: &str) {
        // Writing text into a `Vec` cannot fail.
        let _ = self.keyed_with(name, key, |out| {
            crate::json::write_str(out, value);
            Ok(())
        });
    }

    /// [`keyed`](Self::keyed) for a date-time, written in UTC straight into the answer
    /// (`"2024-01-02T03:04:05+00:00"`, or `null`).
    ///
    /// # Errors
    ///
    /// Fails when a year beyond four digits cannot be serialized.
    #[inline]
    pub fn keyed_date_time<T: crate::date::DateTimeValue + ?Sized>(
        &mut self,
        name: &str,
        key: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        self.keyed_with(name, key, |out| {
            let text = value
                .to_utc()
                .map(|instant| glue_common::date::fixed_width(&instant));
            write_fixed(out, text, &crate::date::UtcDateTime(value))
        })
    }

    /// [`keyed`](Self::keyed) for a date, written straight into the answer
    /// (`"1966-07-07"`, or `null`).
    ///
    /// # Errors
    ///
    /// Fails when a year beyond four digits cannot be serialized.
    #[inline]
    pub fn keyed_date<T: crate::date::DateValue + ?Sized>(
        &mut self,
        name: &str,
        key: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        self.keyed_with(name, key, |out| {
            let text = value
                .to_date()
                .map(|date| glue_common::date::fixed_width_date(&date));
            write_fixed(out, text, &crate::date::WireDate(value))
        })
    }

    /// A member with a key the derive wrote out, unless a sparse fieldset leaves it out: a
    /// comma unless it is the first, the key, then what `value` writes.
    #[inline]
    fn keyed_with(
        &mut self,
        name: &str,
        key: &str,
        value: impl FnOnce(&mut Vec<u8>) -> Result<(), serde_json::Error>,
    ) -> Result<(), serde_json::Error> {
        if !self.selected(name) {
            return Ok(());
        }
        if self.written > 0 {
            self.out.push(b',');
        }
        self.out.extend_from_slice(key.as_bytes());
        value(self.out)?;
        self.written += 1;
        Ok(())
    }

    /// Writes the identifier property when the convention shows it among the properties.
    ///
    /// # Errors
    ///
    /// Fails when the value cannot be serialized.
    pub fn identifier<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        if !self.with_identifier {
            return Ok(());
        }
        // The identifier addresses the item: sparse fieldsets never leave it out.
        self.member(name, value)
    }

    /// Writes `"name":value`, after a comma unless it is the first.
    #[inline]
    fn member<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        if self.written > 0 {
            self.out.push(b',');
        }
        crate::json::write_str(self.out, name);
        self.out.push(b':');
        serde_json::to_writer(&mut *self.out, value)?;
        self.written += 1;
        Ok(())
    }
}

/// Appends `null` (`None`), fixed-width text that needs no escaping, quoted (`Some(Some(_))`),
/// or, when the value has no fixed-width form, what `fallback` serializes to.
#[inline]
fn write_fixed<const N: usize, S: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    text: Option<Option<[u8; N]>>,
    fallback: &S,
) -> Result<(), serde_json::Error> {
    match text {
        Some(Some(text)) => {
            out.reserve(N + 2);
            out.push(b'"');
            out.extend_from_slice(&text);
            out.push(b'"');
        }
        Some(None) => serde_json::to_writer(out, fallback)?,
        None => out.extend_from_slice(b"null"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keyed writers write what `property` writes, for every kind of value.
    #[test]
    fn keyed_members_are_written_as_serde_writes_them() {
        use chrono::{DateTime, NaiveDate, Utc};
        let instant = DateTime::<Utc>::from_timestamp(1_704_164_645, 0).unwrap();
        let far = NaiveDate::from_ymd_opt(12_345, 6, 7)
            .unwrap()
            .and_hms_opt(1, 2, 3)
            .unwrap()
            .and_utc();
        let date = NaiveDate::from_ymd_opt(1966, 7, 7).unwrap();
        let far_date = NaiveDate::from_ymd_opt(-44, 3, 15).unwrap();
        let none_instant: Option<DateTime<Utc>> = None;
        let none_date: Option<NaiveDate> = None;

        let mut keyed = b"{".to_vec();
        let mut writer = PropertyWriter::new(&mut keyed, false, None);
        writer.keyed_str("s", "\"s\":", "a\"b");
        writer.keyed("n", "\"n\":", &2.5).unwrap();
        writer.keyed_date_time("t", "\"t\":", &instant).unwrap();
        writer.keyed_date_time("f", "\"f\":", &far).unwrap();
        writer
            .keyed_date_time("u", "\"u\":", &none_instant)
            .unwrap();
        writer.keyed_date("d", "\"d\":", &date).unwrap();
        writer.keyed_date("e", "\"e\":", &far_date).unwrap();
        writer.keyed_date("v", "\"v\":", &none_date).unwrap();
        keyed.push(b'}');

        let mut plain = b"{".to_vec();
        let mut writer = PropertyWriter::new(&mut plain, false, None);
        writer.property("s", "a\"b").unwrap();
        writer.property("n", &2.5).unwrap();
        writer
            .property("t", &crate::date::UtcDateTime(&instant))
            .unwrap();
        writer
            .property("f", &crate::date::UtcDateTime(&far))
            .unwrap();
        writer
            .property("u", &crate::date::UtcDateTime(&none_instant))
            .unwrap();
        writer.property("d", &crate::date::WireDate(&date)).unwrap();
        writer
            .property("e", &crate::date::WireDate(&far_date))
            .unwrap();
        writer
            .property("v", &crate::date::WireDate(&none_date))
            .unwrap();
        plain.push(b'}');

        assert_eq!(
            String::from_utf8(keyed).unwrap(),
            String::from_utf8(plain).unwrap()
        );
        let mut out = b"{".to_vec();
        let fields = vec!["d".to_owned()];
        let mut writer = PropertyWriter::new(&mut out, false, Some(&fields));
        writer.keyed_date_time("t", "\"t\":", &instant).unwrap();
        writer.keyed_date("d", "\"d\":", &date).unwrap();
        writer.keyed_str("s", "\"s\":", "x");
        out.push(b'}');
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"d":"1966-07-07"}"#);
    }

    #[test]
    fn writer_separates_members_and_honours_fields() {
        let mut out = b"{".to_vec();
        let fields = vec!["b".to_owned()];
        let mut writer = PropertyWriter::new(&mut out, false, Some(&fields));
        writer.identifier("id", "x").unwrap();
        writer.property("a", &1).unwrap();
        writer.property("b", "two\"").unwrap();
        out.push(b'}');
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"b":"two\""}"#);

        let mut out = b"{".to_vec();
        let mut writer = PropertyWriter::new(&mut out, true, Some(&fields));
        writer.identifier("id", "x").unwrap();
        writer.property("a", &1).unwrap();
        out.push(b'}');
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"id":"x"}"#);
    }
}
