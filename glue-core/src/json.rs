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

/// Whether text needs no escaping inside a JSON string: eight bytes at a time, then the rest
/// byte by byte.
#[must_use]
#[inline]
pub fn is_plain(text: &str) -> bool {
    let mut chunks = text.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        if needs_escape(u64::from_le_bytes(bytes)) {
            return false;
        }
    }
    chunks
        .remainder()
        .iter()
        .all(|&byte| PLAIN[usize::from(byte)])
}

/// Whether any of eight bytes is a control character, `"` or `\`. `below(x, n)` flags the
/// bytes of `x` under `n` (for `n` up to 128) in their high bits; a borrow can flag a byte
/// above one that truly is under `n`, never on its own, so the yes-or-no answer is exact.
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH != 0;
    below(word, 0x20)
        || below(word ^ (ONES * u64::from(b'"')), 1)
        || below(word ^ (ONES * u64::from(b'\\')), 1)
}

/// Appends `value` as a JSON string (quoted and escaped).
#[inline]
pub fn write_str(out: &mut Vec<u8>, value: &str) {
    // Most keys and names need no escaping: copy them at once.
    if is_plain(value) {
        out.reserve(value.len() + 2);
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    } else {
        write_escaped(out, value);
    }
}

/// Appends text that needs escaping, through `serde_json`.
#[cold]
#[inline(never)]
fn write_escaped(out: &mut Vec<u8>, value: &str) {
    // Serializing a `str` into a `Vec` cannot fail: the only error source would be I/O.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// Appends `"key":`.
#[inline]
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
    fn plain_text_is_told_apart_eight_bytes_at_a_time() {
        let reference = |text: &str| text.bytes().all(|byte| PLAIN[usize::from(byte)]);
        // Every ASCII byte, and characters of two, three and four bytes (every lead byte
        // range), at every position of a chunk and of the remainder.
        let mut pieces: Vec<String> = (0..0x80u8)
            .map(|byte| char::from(byte).to_string())
            .collect();
        pieces.extend(
            [
                '\u{80}',
                'é',
                '\u{7ff}',
                '\u{800}',
                '€',
                '\u{ffff}',
                '\u{10000}',
                '😀',
                '\u{10ffff}',
            ]
            .map(String::from),
        );
        for piece in &pieces {
            for before in 0..=17 {
                for after in [0, 1, 7, 8, 9] {
                    let text = format!("{}{piece}{}", "a".repeat(before), "b".repeat(after));
                    assert_eq!(is_plain(&text), reference(&text), "{text:?}");
                }
            }
        }
        // Two specials in one word, and one right after a multi-byte character.
        for text in ["ab\"cd\\ef", "ééé\u{1}", "€€€\"", "abcdefgh\u{1f}"] {
            assert!(!is_plain(text), "{text:?}");
        }
        assert!(is_plain("Müller, Straße 5 — 東京"));
        assert!(!is_plain("0123456789abcdef\\u"));
    }

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
