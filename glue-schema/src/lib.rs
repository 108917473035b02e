//! Resources declared in YAML schema files (SPEC §8): found in ordered layers (core, feature,
//! project), merged by resource `name` key by key with the later layer winning, validated
//! with messages that name the file, line and key, and generated into Rust structs with
//! `#[derive(ApiResource)]`, from `build.rs` or from the `glue` command line.
//!
//! The phases are separate and each records what succeeded and what failed, so that one
//! broken resource does not stop the others:
//!
//! 1. [`Layout::discover`]: the files of an API type, layer by layer;
//! 2. [`parse`]: each file into its documents ([`ParseResult`]);
//! 3. [`merge`]: the documents of each resource and code bucket variant ([`MergeResult`]);
//! 4. [`validate`]: each merged resource into a typed [`ResourceSchema`]
//!    ([`ValidationResult`]);
//! 5. [`generate`]: the Rust source of the valid ones.
//!
//! [`run`] does them all for one API type. In `build.rs`:
//!
//! ```no_run
//! // build.rs, in `fn main`:
//! let layout = glue_schema::Layout::new(
//!     "schemas",
//!     vec![
//!         glue_schema::Layer::new("core", "core/*/resources/api/{type}"),
//!         glue_schema::Layer::new("project", "project/resources/api/{type}"),
//!     ],
//! );
//! if let Err(error) = glue_schema::build(&layout, &["backend"]) {
//!     panic!("{error}");
//! }
//! ```
//!
//! and in the crate, `include!(concat!(env!("OUT_DIR"), "/glue_backend.rs"));` inside a module.

mod discover;
pub mod generate;
mod json_schema;
mod merge;
mod model;
mod node;
mod parse;
mod report;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

pub use discover::{FileKind, Layer, Layout, SchemaFile};
pub use json_schema::json_schema;
pub use merge::{MergeResult, Merged, Source, merge, merge_nodes};
pub use model::{
    IncludableIn, Include, Operation, Pagination, Property, ResourceSchema, Rules, Security,
    UriVariable,
};
pub use node::{Key, Node, Position, Value, parse_documents};
pub use parse::{Document, ParseResult, parse, parse_text};
pub use report::{Diagnostic, did_you_mean};
pub use validate::{OPERATION_TYPES, ValidationResult, struct_name, validate, validate_one};

/// Every phase of one API type, with what each produced and what failed.
#[derive(Debug, Clone)]
pub struct Run {
    /// The API type (`backend`).
    pub api_type: String,
    /// The files found, in the order they apply.
    pub files: Vec<SchemaFile>,
    /// Directories that could not be read.
    pub discovery: Vec<Diagnostic>,
    /// The parse phase.
    pub parsed: ParseResult,
    /// The merge phase.
    pub merged: MergeResult,
    /// The validation phase.
    pub validated: ValidationResult,
}

impl Run {
    /// Every finding of every phase, with the resource (or file) it is about.
    #[must_use]
    pub fn failures(&self) -> Vec<(String, &Diagnostic)> {
        let file_name = |diagnostic: &Diagnostic| {
            diagnostic
                .file
                .as_ref()
                .map(|file| file.display().to_string())
                .unwrap_or_default()
        };
        let mut out: Vec<(String, &Diagnostic)> = Vec::new();
        out.extend(self.discovery.iter().map(|d| (file_name(d), d)));
        out.extend(self.parsed.failures.iter().map(|d| (file_name(d), d)));
        for (name, problems) in self.merged.failures.iter().chain(&self.validated.failures) {
            out.extend(problems.iter().map(|d| (name.clone(), d)));
        }
        out
    }

    /// Whether every file parsed and every resource merged and validated.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.failures().is_empty()
    }

    /// The valid resources, limited to one `name` when given (case-insensitive, and the
    /// resource type matches too).
    #[must_use]
    pub fn resources(&self, only: Option<&str>) -> Vec<&ResourceSchema> {
        self.validated
            .resources
            .iter()
            .filter(|resource| only.is_none_or(|name| matches_name(resource, name)))
            .collect()
    }

    /// The Rust source of the valid resources (all, or one `name`).
    #[must_use]
    pub fn code(&self, only: Option<&str>) -> String {
        let resources: Vec<ResourceSchema> = self.resources(only).into_iter().cloned().collect();
        generate::module(&self.api_type, &resources)
    }
}

/// Whether `name` designates the resource: its `name` or its resource type, in any case.
#[must_use]
pub fn matches_name(resource: &ResourceSchema, name: &str) -> bool {
    resource.name.eq_ignore_ascii_case(name) || resource.resource_type.eq_ignore_ascii_case(name)
}

/// Discovers, parses, merges and validates the schema files of one API type.
#[must_use]
pub fn run(layout: &Layout, api_type: &str) -> Run {
    let (files, discovery) = layout.discover(api_type);
    let parsed = parse(&files);
    let merged = merge(&parsed);
    let validated = validate(&merged, api_type);
    Run {
        api_type: api_type.to_owned(),
        files,
        discovery,
        parsed,
        merged,
        validated,
    }
}

/// Why [`build`] failed: every finding, or a file it could not write.
#[derive(Debug)]
pub enum BuildError {
    /// Schema files with findings; nothing was written for their API type.
    Invalid(Vec<String>),
    /// The output could not be written.
    Io(PathBuf, std::io::Error),
    /// `OUT_DIR` is not set: not run by cargo.
    NoOutDir,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(findings) => {
                writeln!(f, "resource schema files have errors:")?;
                for finding in findings {
                    writeln!(f, "{finding}")?;
                }
                Ok(())
            }
            Self::Io(path, error) => write!(f, "cannot write {}: {error}", path.display()),
            Self::NoOutDir => {
                f.write_str("OUT_DIR is not set; call glue_schema::build from build.rs")
            }
        }
    }
}

impl std::error::Error for BuildError {}

/// For `build.rs`: generates `glue_<type>.rs` in `OUT_DIR` for each API type, and tells
/// cargo to run again when a schema file, or a directory they are found in, changes. The
/// layout's root is relative to the crate's directory. Fails, writing nothing for the API
/// type, when any file or resource has a finding.
///
/// # Errors
///
/// The findings, or the file that could not be written.
pub fn build(layout: &Layout, api_types: &[&str]) -> Result<Vec<PathBuf>, BuildError> {
    let out_dir = std::env::var_os("OUT_DIR").ok_or(BuildError::NoOutDir)?;
    build_into(layout, api_types, Path::new(&out_dir), true)
}

/// [`build`] into a directory of the caller's choice; `cargo` says whether to print the
/// `cargo:rerun-if-changed` lines.
///
/// # Errors
///
/// As [`build`].
pub fn build_into(
    layout: &Layout,
    api_types: &[&str],
    out_dir: &Path,
    cargo: bool,
) -> Result<Vec<PathBuf>, BuildError> {
    let mut written = Vec::new();
    let mut findings = Vec::new();
    for api_type in api_types {
        let run = run(layout, api_type);
        if cargo {
            for directory in watched_directories(layout, api_type) {
                println!("cargo:rerun-if-changed={}", directory.display());
            }
            for file in &run.files {
                println!("cargo:rerun-if-changed={}", file.full_path.display());
            }
        }
        if !run.is_ok() {
            findings.extend(run.failures().iter().map(|(_, d)| d.to_string()));
            continue;
        }
        let path = out_dir.join(format!("glue_{api_type}.rs"));
        let code = run.code(None);
        // Written only when it changed, so that an unchanged schema recompiles nothing.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(code.as_str()) {
            std::fs::write(&path, code).map_err(|error| BuildError::Io(path.clone(), error))?;
        }
        written.push(path);
    }
    if findings.is_empty() {
        Ok(written)
    } else {
        Err(BuildError::Invalid(findings))
    }
}

/// The fixed directory of each pattern (the part before its first wildcard): cargo watches
/// it whole, so that a new file is seen.
fn watched_directories(layout: &Layout, api_type: &str) -> Vec<PathBuf> {
    let mut directories: Vec<PathBuf> = Vec::new();
    for layer in &layout.layers {
        for pattern in &layer.patterns {
            let pattern = pattern.replace("{type}", api_type);
            let fixed: Vec<&str> = pattern
                .split('/')
                .take_while(|segment| !segment.contains('*'))
                .collect();
            let directory = layout.root.join(fixed.join("/"));
            if !directories.contains(&directory) {
                directories.push(directory);
            }
        }
    }
    directories
}
