//! The seed's complete example, split over three layers (core, feature, project), through
//! every phase: the merged schema, the record of sources, code bucket variants, and the
//! generated Rust, pinned by a golden file.
//!
//! `UPDATE_GOLDEN=1 cargo test -p glue-schema --test pipeline` rewrites the golden file.

use std::path::{Path, PathBuf};

use glue_schema::{Layout, Run, run};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed")
}

fn seed() -> Run {
    let run = run(&Layout::modules(fixtures()), "backend");
    let failures: Vec<String> = run.failures().iter().map(|(_, d)| d.to_string()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    run
}

#[test]
fn files_are_found_layer_by_layer() {
    let run = seed();
    let files: Vec<(String, &str)> = run
        .files
        .iter()
        .map(|file| (file.path.display().to_string(), file.layer_name.as_str()))
        .collect();
    assert_eq!(
        files,
        [
            (
                "src/Spryker/Customer/resources/api/backend/customers-addresses.resource.yml"
                    .to_owned(),
                "core"
            ),
            (
                "src/Spryker/Customer/resources/api/backend/customers.resource.yml".to_owned(),
                "core"
            ),
            (
                "src/Spryker/Store/resources/api/backend/stores.resource.yml".to_owned(),
                "core"
            ),
            (
                "src/SprykerFeature/Crm/resources/api/backend/customers.resource.yml".to_owned(),
                "feature"
            ),
            (
                "src/Pyz/Glue/Customer/resources/api/backend/customers.resource.yml".to_owned(),
                "project"
            ),
            (
                "src/Pyz/Glue/Customer/resources/api/backend/customers.validation.yml".to_owned(),
                "project"
            ),
            (
                "src/Pyz/Glue/Store/resources/api/backend/stores.resource.yml".to_owned(),
                "project"
            ),
        ]
    );
    // Nothing for an API type without files.
    let storefront = run_for("storefront");
    assert!(storefront.files.is_empty() && storefront.is_ok());
}

fn run_for(api_type: &str) -> Run {
    run(&Layout::modules(fixtures()), api_type)
}

#[test]
fn the_project_overrides_only_the_difference() {
    let run = seed();
    let customers = run
        .validated
        .resources
        .iter()
        .find(|r| r.name == "Customers")
        .unwrap();
    let email = customers.property("email").unwrap();
    // `type` from core, `required` from project, the rule from the validation file.
    assert_eq!(email.ty.name(), "string");
    assert!(email.required && email.rules.email && email.rules.not_blank);
    assert_eq!(email.format.as_deref(), Some("email"));
    // Feature properties come after the core ones, in the order written.
    let names: Vec<&str> = customers
        .properties
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "idCustomer",
            "email",
            "firstName",
            "customerReference",
            "dateOfBirth",
            "isActive",
            "status",
            "creditLimit"
        ]
    );
    let operations: Vec<&str> = customers.operations.iter().map(|o| o.kind.name()).collect();
    assert_eq!(
        operations,
        ["Get", "GetCollection", "Post", "Put", "Patch", "Delete"]
    );
    assert_eq!(customers.resource_type, "customers");
    assert_eq!(customers.label.as_deref(), Some("Customer"));
    assert_eq!(customers.pagination.maximum_items_per_page, Some(100));
    assert_eq!(
        customers.provider.as_deref(),
        Some("crate::CustomerBackendProvider")
    );
    let first_name = customers.property("firstName").unwrap();
    assert_eq!(
        (first_name.min_length, first_name.max_length),
        (Some(1), Some(100))
    );
    assert_eq!(
        customers.property("status").unwrap().enum_values,
        ["active", "inactive", "pending"]
    );
}

#[test]
fn every_key_records_the_file_that_won() {
    let run = seed();
    let merged = run
        .merged
        .merged
        .iter()
        .find(|m| m.name == "Customers")
        .unwrap();
    let layer = |key: &str| {
        merged
            .source(key)
            .map(|source| (source.layer.as_str(), source.at.line))
            .unwrap_or_else(|| panic!("no source for {key}: {:?}", merged.sources.keys()))
    };
    assert_eq!(layer("resource.properties.email.type"), ("core", 21));
    assert_eq!(layer("resource.properties.email.required"), ("project", 14));
    assert_eq!(layer("resource.properties.status"), ("feature", 17));
    assert_eq!(layer("resource.operations[Delete]").0, "feature");
    assert_eq!(layer("resource.operations[Get]").0, "core");
    assert_eq!(layer("resource.provider"), ("project", 5));
    assert_eq!(layer("validation.create.email.email").0, "project");
    let files: Vec<String> = merged
        .files
        .iter()
        .map(|file| file.display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "src/Spryker/Customer/resources/api/backend/customers.resource.yml",
            "src/SprykerFeature/Crm/resources/api/backend/customers.resource.yml",
            "src/Pyz/Glue/Customer/resources/api/backend/customers.resource.yml",
            "src/Pyz/Glue/Customer/resources/api/backend/customers.validation.yml",
        ]
    );
}

#[test]
fn code_bucket_variants_build_on_the_base_in_every_layer() {
    let run = seed();
    let stores: Vec<(&str, Vec<&str>)> = run
        .validated
        .resources
        .iter()
        .filter(|r| r.name == "Stores")
        .map(|r| {
            (
                r.struct_name.as_str(),
                r.properties.iter().map(|p| p.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        stores,
        [
            (
                "StoresBackendResource",
                vec!["name", "defaultCurrency", "timezone"]
            ),
            (
                "StoresEuBackendResource",
                vec!["name", "defaultCurrency", "gdprContactEmail", "timezone"]
            ),
            (
                "StoresAtBackendResource",
                vec![
                    "name",
                    "defaultCurrency",
                    "gdprContactEmail",
                    "uidNumber",
                    "timezone"
                ]
            ),
        ]
    );
}

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/backend.rs")
}

#[test]
fn the_generated_code_is_the_golden_file() {
    let code = seed().code(None);
    let golden = golden();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &code).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap();
    assert_eq!(
        code, expected,
        "run with UPDATE_GOLDEN=1 to accept the change"
    );
    // Stable: the same input gives the same bytes.
    assert_eq!(seed().code(None), code);
}

#[test]
fn the_generated_code_is_formatted_as_rustfmt_formats_it() {
    let output = std::process::Command::new("rustfmt")
        .args(["--check", "--edition", "2024"])
        .arg(golden())
        .output()
        .expect("rustfmt runs (rustup component add rustfmt)");
    assert!(
        output.status.success(),
        "rustfmt would change the generated code:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn one_resource_can_be_generated_alone() {
    let run = seed();
    let code = run.code(Some("stores"));
    assert!(code.contains("pub struct StoresEuBackendResource"));
    assert!(!code.contains("CustomersBackendResource {"));
    assert_eq!(run.resources(Some("CUSTOMERS")).len(), 1);
}

/// A provider that does not exist is a valid path: the compiler reports it, at the line
/// whose comment names the schema file (`tests/ui/fail/missing_provider.rs`).
#[test]
fn a_missing_provider_is_left_to_the_compiler_with_its_origin() {
    let layout = Layout::new(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/missing"),
        vec![glue_schema::Layer::new("core", "core/*/api/{type}")],
    );
    let run = run(&layout, "backend");
    assert!(run.is_ok());
    let code = run.code(None);
    assert!(
        code.contains(
            "provider = crate::NoteStore, // core/notes/api/backend/notes.resource.yml:5\n"
        )
    );
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/missing_provider.rs");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &code).unwrap();
    }
    assert_eq!(code, std::fs::read_to_string(&golden).unwrap());
}

#[test]
fn build_writes_each_api_type_only_when_it_changed_and_nothing_when_broken() {
    let out = std::env::temp_dir().join(format!("glue-schema-build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let layout = Layout::modules(fixtures());
    let written =
        glue_schema::build_into(&layout, &["backend", "storefront"], &out, false).unwrap();
    assert_eq!(
        written,
        [out.join("glue_backend.rs"), out.join("glue_storefront.rs")]
    );
    let backend = std::fs::read_to_string(&written[0]).unwrap();
    assert_eq!(backend, std::fs::read_to_string(golden()).unwrap());
    // Unchanged schema files leave the file alone, so that cargo recompiles nothing.
    let before = std::fs::metadata(&written[0]).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    glue_schema::build_into(&layout, &["backend"], &out, false).unwrap();
    let after = std::fs::metadata(&written[0]).unwrap().modified().unwrap();
    assert_eq!(before, after);
    // A finding fails the build with every message, and writes nothing.
    let broken = Layout::new(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/missing"),
        vec![glue_schema::Layer::new("core", "core/*/api/{type}")],
    );
    let broken_out = out.join("broken");
    std::fs::create_dir_all(&broken_out).unwrap();
    match glue_schema::build_into(&broken, &["backend"], &broken_out, false) {
        Ok(written) => assert_eq!(written.len(), 1, "the missing provider is the compiler's"),
        Err(error) => panic!("{error}"),
    }
    let invalid = out.join("invalid");
    std::fs::create_dir_all(invalid.join("core/x/api/backend")).unwrap();
    std::fs::write(
        invalid.join("core/x/api/backend/x.resource.yml"),
        "resource: {name: X, shortName: x, operations: [{type: INVALID}], properties: {a: {type: string}}}\n",
    )
    .unwrap();
    let layout = Layout::new(
        &invalid,
        vec![glue_schema::Layer::new("core", "core/*/api/{type}")],
    );
    let error = glue_schema::build_into(&layout, &["backend"], &invalid, false).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("Invalid operation type \"INVALID\""),
        "{error}"
    );
    assert!(!invalid.join("glue_backend.rs").exists());
    let _ = std::fs::remove_dir_all(&out);
}
