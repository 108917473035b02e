//! The JSON Schema that editors read (`# yaml-language-server: $schema=...`): the committed
//! file is what `glue api:schema` prints, and every fixture file satisfies it.

use std::path::{Path, PathBuf};

use glue_schema::parse_documents;

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("api-resource-schema-v1.json")
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let schema = glue_schema::json_schema();
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(committed(), &text).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(committed()).unwrap(),
        text,
        "run with UPDATE_GOLDEN=1 to accept the change"
    );
}

fn yaml_files(directory: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn every_fixture_satisfies_it_and_mistakes_do_not() {
    let validator = jsonschema::validator_for(&glue_schema::json_schema()).unwrap();
    let mut files = Vec::new();
    yaml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut files,
    );
    assert!(files.len() >= 7, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for document in parse_documents(&text).unwrap() {
            let value = document.value.to_json();
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|error| error.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", file.display());
        }
    }
    for wrong in [
        "resource: {name: C, operations: [{type: INVALID}]}",
        "resource: {name: C, properties: {age: {type: int}}}",
        "resource: {name: C, shortname: c}",
        "resource: {shortName: c}",
        "validation: {name: C, delete: {}}",
        "validation: {name: C, create: {email: {lenght: {min: 1}}}}",
    ] {
        let value = parse_documents(wrong).unwrap()[0].value.to_json();
        assert!(!validator.is_valid(&value), "{wrong} passed");
    }
}
