//! Request documents (SPEC §2.3, §4, §13.1) against a declared resource: JSON:API resource
//! objects and plain JSON objects, for create, replace and update.
#![no_main]

use glue_fuzz::{Call, JSONAPI, PLAIN, send};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (method, uri) = match selector % 4 {
        0 | 1 => ("POST", "/gadgets"),
        2 => ("PATCH", "/gadgets/5"),
        _ => ("PUT", "/gadgets/6"),
    };
    let media_type = if selector & 0x10 == 0 { JSONAPI } else { PLAIN };
    send(
        Call::new(method, uri)
            .header("content-type", media_type.as_bytes())
            .header("accept", media_type.as_bytes())
            .body(String::from_utf8_lossy(rest).into_owned()),
    );
});
