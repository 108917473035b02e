//! Small helpers for writing JSON documents straight into a byte buffer.
//!
//! Conventions write documents member by member; text that needs escaping goes through
//! `serde_json`, so escaping lives in one place.

/// Whether a byte stands for itself inside a JSON string.
const PLAIN: [bool; 256] = {
    let mut table = [true; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = false;
        byte += 1;
    }
    table[b'"' as usize] = false;
    table[b'\\' as usize] = false;
    table
};

/// Whether text needs no escaping inside a JSON string.
#[must_use]
pub fn is_plain(text: &str) -> bool {
    text.bytes().all(|byte| PLAIN[usize::from(byte)])
}

/// Appends `value` as a JSON string (quoted and escaped).
pub fn write_str(out: &mut Vec<u8>, value: &str) {
    // Most keys and names need no escaping: copy them at once.
    if is_plain(value) {
        out.reserve(value.len() + 2);
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
        return;
    }
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
