//! The query string of a collection and of an item: filters in both forms, sort, sparse
//! fieldsets, include and every page form (SPEC §3, §5, §13.1), in either convention.
#![no_main]

use glue_fuzz::{Call, JSONAPI, PLAIN, query_text, send};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let path = match selector % 4 {
        0 | 1 => "/gadgets",
        2 => "/gadgets/3",
        _ => "/gadgets/4/parts",
    };
    let accept = if selector & 0x10 == 0 { JSONAPI } else { PLAIN };
    let uri = format!("{path}?{}", query_text(rest));
    send(Call::new("GET", &uri).header("accept", accept.as_bytes()));
});
