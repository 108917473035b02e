//! Compile-time behaviour of `#[derive(ApiResource)]`: declarations that must compile, and
//! mistakes that must be reported with a clear message on the offending token.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
