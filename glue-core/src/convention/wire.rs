//! Reading request documents: helpers that conventions share.
//!
//! Documents are read into borrowed raw values, so each property is decoded once, straight
//! into its Rust type, and every error can name the property it belongs to.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::GlueError;

/// The 400 answer for a body that is not JSON, with serde's position (`line 1 column 14`).
#[must_use]
pub fn malformed_json(error: &serde_json::Error) -> GlueError {
    GlueError::bad_request(format!("The request body is not valid JSON: {error}."))
        .with_code("malformed_json")
        .with_title("Malformed JSON")
}

#[derive(Deserialize)]
struct Envelope<'b> {
    #[serde(borrow, default)]
    data: Option<&'b RawValue>,
}

/// Reads a request body as a JSON object and returns its `data` member.
///
/// # Errors
///
/// 400 when the body is not JSON, not an object, or has no `data` (or `data` is null).
pub fn decode_envelope(body: &[u8]) -> Result<&RawValue, GlueError> {
    let document: &RawValue =
        serde_json::from_slice(body).map_err(|error| malformed_json(&error))?;
    if !document.get().trim_start().starts_with('{') {
        return Err(GlueError::invalid_document(
            "",
            "The request document must be a JSON object.",
        ));
    }
    let envelope: Envelope<'_> =
        serde_json::from_str(document.get()).map_err(|error| malformed_json(&error))?;
    match envelope.data {
        Some(data) if data.get().trim() != "null" => Ok(data),
        _ => Err(GlueError::invalid_document(
            "",
            "The request document must have a `data` member.",
        )
        .with_code("missing_data")),
    }
}

/// The members of a JSON object, in order, as raw values.
struct Members<'b>(Vec<(Cow<'b, str>, &'b RawValue)>);

impl<'de: 'b, 'b> Deserialize<'de> for Members<'b> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor<'b>(std::marker::PhantomData<&'b ()>);

        impl<'de: 'b, 'b> Visitor<'de> for MembersVisitor<'b> {
            type Value = Members<'b>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    let value: &'de RawValue = map.next_value()?;
                    if members.iter().any(|(existing, _)| *existing == key) {
                        return Err(de::Error::custom(format_args!(
                            "duplicate member \"{key}\""
                        )));
                    }
                    members.push((key, value));
                }
                Ok(Members(members))
            }
        }

        deserializer.deserialize_map(MembersVisitor(std::marker::PhantomData))
    }
}

/// Reads a raw JSON object into its members, in order.
///
/// # Errors
///
/// 400 at `pointer` when the value is not an object or repeats a member.
pub fn decode_members<'b>(
    raw: &'b RawValue,
    pointer: &str,
) -> Result<Vec<(Cow<'b, str>, &'b RawValue)>, GlueError> {
    if !raw.get().trim_start().starts_with('{') {
        return Err(GlueError::invalid_document(
            pointer,
            format!("{pointer} must be a JSON object."),
        ));
    }
    serde_json::from_str::<Members<'b>>(raw.get())
        .map(|members| members.0)
        .map_err(|error| {
            let text = error.to_string();
            let message = text.split(" at line ").next().unwrap_or(&text).to_owned();
            GlueError::invalid_document(pointer, format!("{pointer}: {message}."))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    #[test]
    fn malformed_json_names_the_position() {
        let error = decode_envelope(b"{\"data\": {\"a\": 1,}}").unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        let detail = error.errors()[0].detail.clone().unwrap();
        assert!(detail.contains("line 1 column"), "{detail}");
    }

    #[test]
    fn data_must_be_present() {
        for body in [&b"{}"[..], b"{\"data\": null}", b"[1]", b"\"x\""] {
            let error = decode_envelope(body).unwrap_err();
            assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        }
    }

    #[test]
    fn members_keep_order_and_refuse_duplicates() {
        let data = decode_envelope(br#"{"data": {"b": 1, "a": "x\"y"}}"#).unwrap();
        let members = decode_members(data, "/data").unwrap();
        let keys: Vec<_> = members.iter().map(|(key, _)| key.as_ref()).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(members[1].1.get(), r#""x\"y""#);

        let data = decode_envelope(br#"{"data": {"a": 1, "a": 2}}"#).unwrap();
        assert!(decode_members(data, "/data").is_err());
        let data = decode_envelope(br#"{"data": [1]}"#).unwrap();
        assert!(decode_members(data, "/data").is_err());
    }
}
