//! `Accept` and `Content-Type` (SPEC §2.2-§2.4): parameters, `version`, JSON:API `ext` and
//! `profile`, weights, on reads and writes of a versioned resource and of a plain one.
#![no_main]

use glue_fuzz::{Call, send};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    // The two header values, split at the first newline.
    let (accept, content_type) = match rest.iter().position(|&byte| byte == b'\n') {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &b"application/vnd.api+json"[..]),
    };
    let (method, uri, body) = match selector % 4 {
        0 => ("GET", "/articles/1", String::new()),
        1 => ("GET", "/gadgets?page[size]=2", String::new()),
        2 => (
            "POST",
            "/articles",
            r#"{"data":{"type":"articles","attributes":{"title":"T","subtitle":"S"}}}"#.to_owned(),
        ),
        _ => (
            "PATCH",
            "/gadgets/2",
            r#"{"data":{"type":"gadgets","id":"2","attributes":{"stock":1}}}"#.to_owned(),
        ),
    };
    send(
        Call::new(method, uri)
            .header("accept", accept)
            .header("content-type", content_type)
            .body(body),
    );
});
