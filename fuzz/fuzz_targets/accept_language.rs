//! `Accept-Language` (SPEC §2.5) against an application offering three locales.
#![no_main]

use glue_fuzz::{Call, send};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let uri = if selector & 1 == 0 {
        "/articles/1"
    } else {
        "/articles"
    };
    send(Call::new("GET", uri).header("accept-language", rest));
});
