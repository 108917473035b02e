//! Access tokens (SPEC §6.1) and API keys (SPEC §6.3): any text as a token, and valid tokens
//! with the input spliced in; a token that verifies names the principal it was issued for.
#![no_main]

use std::sync::OnceLock;

use glue_auth::{AccessTokens, TokenKeys, TokenSettings, parse_api_key};
use glue_security::{Principal, PrincipalKind};
use libfuzzer_sys::fuzz_target;

fn tokens() -> &'static (AccessTokens, String) {
    static TOKENS: OnceLock<(AccessTokens, String)> = OnceLock::new();
    TOKENS.get_or_init(|| {
        let tokens = AccessTokens::new(
            TokenKeys::from_secret(b"fuzz-secret-fuzz-secret-fuzz-secret!"),
            TokenSettings::default(),
        );
        let principal = Principal::new("42", "ada@example.com", PrincipalKind::Customer)
            .with_role("ROLE_CUSTOMER");
        let issued = tokens
            .issue(&principal, "storefront")
            .expect("a token is issued");
        (tokens, issued.token)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let _ = parse_api_key(&text);
    let (tokens, valid) = tokens();
    let candidate = if selector & 1 == 0 {
        text.into_owned()
    } else {
        // The valid token with the input written over it from a position the selector picks.
        let at = usize::from(selector >> 1) % valid.len();
        let mut spliced = valid[..at].to_owned();
        spliced.push_str(&text);
        spliced.push_str(valid.get(at + text.len()..).unwrap_or_default());
        spliced
    };
    if let Ok(principal) = tokens.verify(&candidate, "storefront") {
        assert_eq!(principal.id(), "42", "{candidate}");
    }
    assert!(tokens.verify(&candidate, "backend").is_err(), "{candidate}");
});
