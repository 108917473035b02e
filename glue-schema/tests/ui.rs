//! Generated code through the compiler: the seed's resources compile with their providers,
//! and a provider that does not exist is reported at the generated line, whose comment
//! names the schema file and line to change.

#[test]
fn generated_code_compiles_and_unknown_paths_point_at_their_schema_file() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
