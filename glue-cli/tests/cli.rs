//! The `glue` binary run as a process: its commands, its output for people and for
//! machines, and its exit codes (0 all good, 1 something failed, 2 a wrong command line).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The seed's example in three layers, shared with glue-schema's tests.
fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../glue-schema/tests/fixtures/seed")
}

fn glue(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glue"))
        .args(args)
        .arg("--project-dir")
        .arg(project)
        .env("NO_COLOR", "1")
        .output()
        .expect("glue runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}", stdout(output)))
}

/// A scratch directory, removed afterwards.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("glue-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn file(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn debug_lists_every_resource_and_variant() {
    let output = glue(&seed(), &["api:debug", "--list"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for expected in [
        "backend (7 file(s))",
        "CustomersBackendResource",
        "Stores [EU]",
        "StoresAtBackendResource",
        "storefront (0 file(s))",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let report = json(&glue(&seed(), &["api:debug", "--list", "--format", "json"]));
    let backend = &report["apiTypes"][0];
    assert_eq!(backend["apiType"], "backend");
    let structs: Vec<&str> = backend["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["struct"].as_str().unwrap())
        .collect();
    assert_eq!(
        structs,
        [
            "CustomersAddressesBackendResource",
            "CustomersBackendResource",
            "StoresBackendResource",
            "StoresEuBackendResource",
            "StoresAtBackendResource"
        ]
    );
}

#[test]
fn debug_shows_the_merged_schema_and_its_sources() {
    let output = glue(
        &seed(),
        &[
            "api:debug",
            "customers",
            "--api-type=backend",
            "--show-merged",
            "--show-sources",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("Struct:      CustomersBackendResource"),
        "{text}"
    );
    assert!(text.contains("\"required\": true"), "{text}");
    assert!(
        text.contains("resource.properties.email.required")
            && text.contains(
                "src/Pyz/Glue/Customer/resources/api/backend/customers.resource.yml:14:7 (project)"
            ),
        "{text}"
    );
    let report = json(&glue(
        &seed(),
        &[
            "api:debug",
            "customers",
            "--api-type=backend",
            "--show-merged",
            "--show-sources",
            "--format=json",
        ],
    ));
    assert_eq!(report["resource"]["structName"], "CustomersBackendResource");
    assert_eq!(
        report["merged"]["resource"]["properties"]["email"],
        serde_json::json!({
            "type": "string",
            "description": "The email address.",
            "openapiContext": {"example": "jane@example.com", "format": "email"},
            "required": true
        })
    );
    assert_eq!(
        report["sources"]["resource.properties.status"]["layer"],
        "feature"
    );
    assert_eq!(report["files"].as_array().unwrap().len(), 4);
}

#[test]
fn debug_of_an_unknown_resource_fails() {
    let output = glue(&seed(), &["api:debug", "orders", "--api-type=backend"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("No resource is named \"orders\"."));
}

#[test]
fn generate_writes_the_module_of_each_api_type() {
    let out = Scratch::new("out");
    let output = glue(
        &seed(),
        &[
            "api:generate",
            "backend",
            "--output",
            out.0.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains("Generating API resources for ApiType: backend"));
    assert!(text.contains("Validating schemas... OK\nMerging schemas... OK"));
    assert!(text.contains(" 5/5 [============================] 100%"));
    assert!(text.contains("Generated: 5 resource(s) in"));
    assert!(text.ends_with("Done!\n"), "{text}");
    let written = std::fs::read_to_string(out.0.join("backend.rs")).unwrap();
    let golden = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../glue-schema/tests/golden/backend.rs"),
    )
    .unwrap();
    assert_eq!(written, golden);
}

#[test]
fn generate_can_try_validate_or_take_one_resource() {
    let out = Scratch::new("dry");
    let dir = out.0.to_str().unwrap().to_owned();
    let output = glue(
        &seed(),
        &["api:generate", "backend", "--dry-run", "--output", &dir],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("pub struct CustomersBackendResource {"));
    assert!(
        !out.0.join("backend.rs").exists(),
        "a dry run writes nothing"
    );

    let output = glue(
        &seed(),
        &["api:generate", "--validate-only", "--output", &dir],
    );
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("Valid: 5 resource(s)") && text.contains("Valid: 0 resource(s)"));
    assert!(
        !out.0.join("backend.rs").exists(),
        "validating writes nothing"
    );

    let output = glue(
        &seed(),
        &[
            "api:generate",
            "backend",
            "--resource=stores",
            "--output",
            &dir,
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let written = std::fs::read_to_string(out.0.join("backend.rs")).unwrap();
    assert!(written.contains("pub struct StoresEuBackendResource"));
    assert!(!written.contains("pub struct CustomersBackendResource"));
}

#[test]
fn failures_exit_with_1_and_name_file_line_and_key() {
    let project = Scratch::new("broken");
    project.file(
        "src/Spryker/Customer/resources/api/backend/customers.resource.yml",
        "resource:\n  name: Customers\n  shortName: customers\n  operations:\n    - type: INVALID\n  properties:\n    age:\n      type: int\n",
    );
    project.file(
        "src/Pyz/Glue/Note/resources/api/backend/notes.resource.yml",
        "resource:\n  name: Notes\n  shortName: notes\n  operations: [{type: GetCollection}]\n  properties:\n    text: {type: string}\n",
    );
    let output = glue(&project.0, &["api:generate", "backend", "--dry-run"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("Error: Invalid operation type \"INVALID\". Must be one of: Get, Post, Put, Patch, Delete, GetCollection\n  --> src/Spryker/Customer/resources/api/backend/customers.resource.yml:5:"),
        "{text}"
    );
    assert!(text.contains("Error: Property \"age\" has invalid type \"int\". Must be one of: string, integer, number, boolean, array, object"));
    // The good resource is generated all the same.
    assert!(text.contains("pub struct NotesBackendResource"), "{text}");
    assert!(text.contains("Failed: 1 resource(s), 0 file(s)"), "{text}");

    let report = json(&glue(
        &project.0,
        &[
            "api:generate",
            "backend",
            "--validate-only",
            "--format",
            "json",
        ],
    ));
    assert_eq!(report["ok"], false);
    let failure = &report["apiTypes"][0]["failures"][0];
    assert_eq!(failure["resource"], "Customers");
    assert_eq!(failure["line"], 8);
    assert_eq!(failure["key"], "resource.properties.age.type");
    assert_eq!(
        failure["file"],
        "src/Spryker/Customer/resources/api/backend/customers.resource.yml"
    );
}

#[test]
fn layers_can_be_named_on_the_command_line() {
    let project = Scratch::new("layers");
    project.file(
        "modules/notes/api/backend/notes.resource.yml",
        "resource:\n  name: Notes\n  shortName: notes\n  operations: [{type: GetCollection}]\n  properties:\n    text: {type: string}\n",
    );
    project.file(
        "app/api/backend/notes.resource.yml",
        "resource:\n  name: Notes\n  properties:\n    text: {required: true}\n",
    );
    let output = glue(
        &project.0,
        &[
            "api:debug",
            "notes",
            "--api-type",
            "backend",
            "--show-sources",
            "--layer",
            "core=modules/*/api/{type}",
            "--layer",
            "project=app/api/{type}",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("text                     string   required"),
        "{text}"
    );
    assert!(
        text.contains("app/api/backend/notes.resource.yml:4:12 (project)"),
        "{text}"
    );
}

#[test]
fn a_wrong_command_line_exits_with_2() {
    let output = glue(&seed(), &["api:generate", "--dry-run", "--validate-only"]);
    assert_eq!(output.status.code(), Some(2));
    let output = glue(&seed(), &["api:debug", "--layer", "no-equals-sign"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not NAME=PATTERN"));
    let output = Command::new(env!("CARGO_BIN_EXE_glue"))
        .arg("api:nothing")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn schema_prints_the_json_schema_of_the_files() {
    let output = Command::new(env!("CARGO_BIN_EXE_glue"))
        .arg("api:schema")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let schema = json(&output);
    assert_eq!(schema, glue_schema::json_schema());
}
