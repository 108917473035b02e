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

/// The deepest a request document may nest (SPEC §13.1).
pub const MAX_DEPTH: usize = 64;

/// How many members beyond its resource's properties an object may have before it is refused
/// unread (SPEC §13.1): room for members a convention ignores, not for a flood.
pub const MEMBER_MARGIN: usize = 16;

/// Refuses a document nested deeper than [`MAX_DEPTH`], in one pass over its bytes, before it
/// is parsed.
///
/// # Errors
///
/// 400 when an array or object opens deeper than 64 levels.
pub fn check_depth(body: &[u8]) -> Result<(), GlueError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in body {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(GlueError::bad_request(format!(
                        "The request document nests deeper than {MAX_DEPTH} levels."
                    ))
                    .with_code("too_deep")
                    .with_title("Document too deep"));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
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
    check_depth(body)?;
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

/// The members of a JSON object, in order, as raw values: at most `limit` of them, each once.
struct Members {
    limit: usize,
}

impl<'de> de::DeserializeSeed<'de> for Members {
    type Value = Vec<(Cow<'de, str>, &'de RawValue)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Members {
    type Value = Vec<(Cow<'de, str>, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members: Self::Value = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            // Bounded first: the duplicate check below is then over a few members at most.
            if members.len() == self.limit {
                return Err(de::Error::custom(format_args!(
                    "more than {} members",
                    self.limit
                )));
            }
            let value: &'de RawValue = map.next_value()?;
            if members.iter().any(|(existing, _)| *existing == key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate member \"{key}\""
                )));
            }
            members.push((key, value));
        }
        Ok(members)
    }
}

/// Reads a raw JSON object into its members, in order, refusing more than `limit` of them.
///
/// # Errors
///
/// 400 at `pointer` when the value is not an object, repeats a member or has too many.
pub fn decode_members<'b>(
    raw: &'b RawValue,
    pointer: &str,
    limit: usize,
) -> Result<Vec<(Cow<'b, str>, &'b RawValue)>, GlueError> {
    if !raw.get().trim_start().starts_with('{') {
        return Err(GlueError::invalid_document(
            pointer,
            format!("{pointer} must be a JSON object."),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_str(raw.get());
    de::DeserializeSeed::deserialize(Members { limit }, &mut deserializer)
        .and_then(|members| deserializer.end().map(|()| members))
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
        let members = decode_members(data, "/data", 8).unwrap();
        let keys: Vec<_> = members.iter().map(|(key, _)| key.as_ref()).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(members[1].1.get(), r#""x\"y""#);

        let data = decode_envelope(br#"{"data": {"a": 1, "a": 2}}"#).unwrap();
        assert!(decode_members(data, "/data", 8).is_err());
        let data = decode_envelope(br#"{"data": [1]}"#).unwrap();
        assert!(decode_members(data, "/data", 8).is_err());
    }

    #[test]
    fn members_are_bounded() {
        let data = decode_envelope(br#"{"data": {"a": 1, "b": 2, "c": 3}}"#).unwrap();
        assert_eq!(decode_members(data, "/data", 3).unwrap().len(), 3);
        let error = decode_members(data, "/data", 2).unwrap_err();
        let detail = error.errors()[0].detail.clone().unwrap();
        assert!(detail.contains("more than 2 members"), "{detail}");
    }

    #[test]
    fn depth_is_bounded_outside_strings() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(check_depth(nested(MAX_DEPTH).as_bytes()).is_ok());
        let error = check_depth(nested(MAX_DEPTH + 1).as_bytes()).unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        let quoted = format!("{{\"a\": \"{}\\\"{}\"}}", "[".repeat(100), "{".repeat(100));
        assert!(check_depth(quoted.as_bytes()).is_ok(), "{quoted}");
    }
}
