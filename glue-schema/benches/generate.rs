//! Generation time at scale: 500 resources, each declared in 3 layers (a core module, a
//! feature module, the project), with a validation file in the project layer.
//!
//! Run with `cargo bench -p glue-schema --bench generate`. It reports the median and the
//! slowest of 15 runs of each phase (discover, parse, merge, validate, generate) and of the
//! whole, and the size of what was generated.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use glue_schema::{Layout, generate, merge, parse, validate};

const RESOURCES: usize = 500;
const RUNS: usize = 15;

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
    std::fs::write(path, text).expect("written");
}

/// 500 resources in the module layout: 10 properties and 6 operations in core, 3 more
/// properties and pagination in a feature, overrides, security and rules in the project.
fn project() -> PathBuf {
    let root = std::env::temp_dir().join(format!("glue-schema-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for n in 0..RESOURCES {
        let name = format!("Things{n}");
        let file = format!("things{n}");
        let mut core = format!(
            "resource:\n  name: {name}\n  shortName: things-{n}\n  description: \"Thing {n}\"\n  operations:\n    - type: Get\n    - type: GetCollection\n    - type: Post\n    - type: Put\n    - type: Patch\n    - type: Delete\n  properties:\n    reference:\n      type: string\n      identifier: true\n      writable: false\n"
        );
        for p in 0..9 {
            let ty = ["string", "integer", "number", "boolean"][p % 4];
            core.push_str(&format!(
                "    field{p}:\n      type: {ty}\n      description: \"Field {p} of thing {n}.\"\n"
            ));
        }
        write(
            &root,
            &format!(
                "src/Spryker/Module{}/resources/api/backend/{file}.resource.yml",
                n % 50
            ),
            &core,
        );
        write(
            &root,
            &format!(
                "src/SprykerFeature/Feature{}/resources/api/backend/{file}.resource.yml",
                n % 20
            ),
            &format!(
                "resource:\n  name: {name}\n  paginationItemsPerPage: 20\n  paginationMaximumItemsPerPage: 100\n  properties:\n    status:\n      type: string\n      openapiContext:\n        schema:\n          enum: [active, inactive]\n    email:\n      type: string\n    createdAt:\n      type: string\n      writable: false\n      openapiContext:\n        format: date-time\n"
            ),
        );
        write(
            &root,
            &format!(
                "src/Pyz/Glue/Module{}/resources/api/backend/{file}.resource.yml",
                n % 50
            ),
            &format!(
                "resource:\n  name: {name}\n  provider: \"crate::Store\"\n  processor: \"crate::Store\"\n  security: \"is_granted('ROLE_ADMIN')\"\n  properties:\n    email:\n      required: true\n    field0:\n      openapiContext:\n        minLength: 1\n        maxLength: 100\n"
            ),
        );
        write(
            &root,
            &format!(
                "src/Pyz/Glue/Module{}/resources/api/backend/{file}.validation.yml",
                n % 50
            ),
            &format!(
                "validation:\n  name: {name}\n  create:\n    email: {{email: true, notBlank: true}}\n  replace:\n    email: {{email: true, notBlank: true}}\n  update:\n    email: {{email: true, notBlank: true}}\n"
            ),
        );
    }
    root
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{name:<10} median {:>8.2} ms   slowest {:>8.2} ms",
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0
    );
}

fn main() {
    let root = project();
    let layout = Layout::modules(&root);
    let mut phases: [Vec<Duration>; 6] = Default::default();
    let mut generated = 0;
    let mut files = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let (found, problems) = layout.discover("backend");
        let discovered = Instant::now();
        let parsed = parse(&found);
        let parsed_at = Instant::now();
        let merged = merge(&parsed);
        let merged_at = Instant::now();
        let validated = validate(&merged, "backend");
        let validated_at = Instant::now();
        let code = generate::module("backend", &validated.resources);
        let done = Instant::now();
        assert!(problems.is_empty() && parsed.failures.is_empty());
        assert!(merged.failures.is_empty() && validated.failures.is_empty());
        assert_eq!(validated.resources.len(), RESOURCES);
        phases[0].push(discovered - start);
        phases[1].push(parsed_at - discovered);
        phases[2].push(merged_at - parsed_at);
        phases[3].push(validated_at - merged_at);
        phases[4].push(done - validated_at);
        phases[5].push(done - start);
        generated = code.len();
        files = found.len();
    }
    println!("{RESOURCES} resources, {files} files in 3 layers, {RUNS} runs");
    for (name, times) in [
        "discover", "parse", "merge", "validate", "generate", "total",
    ]
    .into_iter()
    .zip(phases)
    {
        report(name, times);
    }
    println!("generated {generated} bytes of Rust");
    let _ = std::fs::remove_dir_all(&root);
}
