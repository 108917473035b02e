//! The `Range` header of a collection (SPEC §5.3), alone or beside page parameters.
#![no_main]

use glue_fuzz::{Call, JSONAPI, PLAIN, send};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let uri = match selector % 3 {
        0 => "/gadgets",
        1 => "/gadgets?page[limit]=3",
        _ => "/gadgets?filter[active]=true&sort=-price",
    };
    let accept = if selector & 0x10 == 0 { JSONAPI } else { PLAIN };
    send(
        Call::new("GET", uri)
            .header("accept", accept.as_bytes())
            .header("range", rest),
    );
});
