//! A QueryBuilder tree in `filter=` (SPEC §3.6): JSON of any shape, depth and size.
#![no_main]

use glue_fuzz::{Call, JSONAPI, PLAIN, encoded, send};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let accept = if selector & 1 == 0 { JSONAPI } else { PLAIN };
    let uri = format!("/gadgets?filter={}", encoded(rest));
    send(Call::new("GET", &uri).header("accept", accept.as_bytes()));
});
