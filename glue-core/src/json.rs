//! Small helpers for writing JSON documents straight into a byte buffer.
//!
//! Conventions write documents member by member; values go through `serde_json`, so escaping
//! lives in one place.

/// Appends `value` as a JSON string (quoted and escaped).
pub fn write_str(out: &mut Vec<u8>, value: &str) {
    // Serializing a `str` into a `Vec` cannot fail: the only error source would be I/O.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// Appends `"key":`.
pub fn write_key(out: &mut Vec<u8>, key: &str) {
    write_str(out, key);
    out.push(b':');
}

/// Appends an unsigned integer.
pub fn write_u64(out: &mut Vec<u8>, value: u64) {
    let _ = serde_json::to_writer(&mut *out, &value);
}

/// Appends `"key":"value"` or `"key":null`.
pub fn write_optional_str_member(out: &mut Vec<u8>, key: &str, value: Option<&str>) {
    write_key(out, key);
    match value {
        Some(value) => write_str(out, value),
        None => out.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let mut out = Vec::new();
        write_key(&mut out, "a\"b");
        write_str(&mut out, "line\nbreak\u{1}");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#""a\"b":"line\nbreak\u0001""#
        );
    }
}
