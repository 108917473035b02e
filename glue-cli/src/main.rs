//! `glue`: resources from layered schema files, on the command line (SPEC §8.2).
//!
//! ```text
//! glue api:debug --list
//! glue api:debug customers --api-type=backend --show-merged --show-sources
//! glue api:generate backend --dry-run | --validate-only | --resource=customers
//! glue api:schema > api-resource-schema-v1.json
//! ```
//!
//! Every command reads the files of the project directory (`--project-dir`, default `.`)
//! in the layers given with `--layer name=pattern` (default: core
//! `src/Spryker/*/resources/api/{type}`, feature `src/SprykerFeature/*/resources/api/{type}`,
//! project `src/Pyz/**/resources/api/{type}`). The exit code is 0 when everything
//! succeeded, 1 when a file or resource failed, 2 for a wrong command line.

/// `println!` that goes quiet when the reader has gone, instead of panicking.
macro_rules! say {
    () => {
        $crate::output::write_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::write_line(format_args!($($arg)*))
    };
}

mod output;

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use glue_schema::{Layer, Layout};

use crate::output::Out;

#[derive(Debug, Parser)]
#[command(
    name = "glue",
    version,
    about = "Resources from layered schema files: debug, validate, generate"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lists the resources, or shows one: its merged schema and where each key came from.
    #[command(name = "api:debug")]
    Debug(DebugArgs),
    /// Validates the schema files and generates the Rust source of their resources.
    #[command(name = "api:generate")]
    Generate(GenerateArgs),
    /// Prints the JSON Schema of the schema file format, for editors.
    #[command(name = "api:schema")]
    Schema,
}

/// Where the files are and how to answer.
#[derive(Debug, Args)]
struct Common {
    /// The project directory the layer patterns are relative to.
    #[arg(long, default_value = ".")]
    project_dir: PathBuf,
    /// A layer, lowest priority first: `name=pattern`, where `*` is one directory, `**` any
    /// number of them and `{type}` the API type. Repeat for each layer.
    #[arg(long = "layer", value_name = "NAME=PATTERN")]
    layers: Vec<String>,
    /// `text` for people, `json` for machines.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
struct DebugArgs {
    /// The resource to show (its `name` or its resource type).
    resource: Option<String>,
    /// List every resource.
    #[arg(long, conflicts_with = "resource")]
    list: bool,
    /// The API type (`backend`, `storefront`); both when not given.
    #[arg(long)]
    api_type: Option<String>,
    /// Show the merged schema.
    #[arg(long)]
    show_merged: bool,
    /// Show which file wrote each key.
    #[arg(long)]
    show_sources: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// The API type to generate; every configured one when not given.
    api_type: Option<String>,
    /// Show what would be written, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Validate only; generate nothing.
    #[arg(long, conflicts_with = "dry_run")]
    validate_only: bool,
    /// Generate one resource (its `name` or its resource type).
    #[arg(long)]
    resource: Option<String>,
    /// The directory the generated `<type>.rs` files are written to, relative to the
    /// project directory.
    #[arg(long, default_value = "generated")]
    output: PathBuf,
    #[command(flatten)]
    common: Common,
}

/// The API types generated when none is named.
const API_TYPES: [&str; 2] = ["backend", "storefront"];

fn main() -> ExitCode {
    let cli = Cli::parse();
    let terminal = std::io::stdout().is_terminal();
    let progress = std::io::stderr().is_terminal();
    let result = match cli.command {
        Command::Schema => {
            say!(
                "{}",
                serde_json::to_string_pretty(&glue_schema::json_schema()).unwrap_or_default()
            );
            Ok(true)
        }
        Command::Debug(args) => {
            let out = Out::new(args.common.format, terminal, false);
            layout(&args.common).map(|layout| commands::debug(&layout, &args, &out))
        }
        Command::Generate(args) => {
            let out = Out::new(args.common.format, terminal, progress);
            layout(&args.common).map(|layout| commands::generate(&layout, &args, &out))
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The layout of the command line's layers, or the usual module layout.
fn layout(common: &Common) -> Result<Layout, String> {
    if common.layers.is_empty() {
        return Ok(Layout::modules(&common.project_dir));
    }
    let mut layers: Vec<Layer> = Vec::new();
    for layer in &common.layers {
        let Some((name, pattern)) = layer.split_once('=') else {
            return Err(format!(
                "--layer {layer:?} is not NAME=PATTERN (such as core=src/Spryker/*/resources/api/{{type}})"
            ));
        };
        match layers.iter_mut().find(|known| known.name == name) {
            Some(known) => known.patterns.push(pattern.to_owned()),
            None => layers.push(Layer::new(name, pattern)),
        }
    }
    Ok(Layout::new(&common.project_dir, layers))
}

mod commands {
    //! The commands, each answering whether everything succeeded.

    use glue_schema::{ResourceSchema, Run};
    use serde_json::json;

    use super::{API_TYPES, DebugArgs, GenerateArgs};
    use crate::output::Out;

    fn api_types(given: Option<&str>) -> Vec<String> {
        given.map_or_else(
            || API_TYPES.iter().map(|t| (*t).to_owned()).collect(),
            |given| vec![given.to_owned()],
        )
    }

    /// `api:debug`: the list, or one resource.
    pub(super) fn debug(layout: &glue_schema::Layout, args: &DebugArgs, out: &Out) -> bool {
        let runs: Vec<Run> = api_types(args.api_type.as_deref())
            .iter()
            .map(|api_type| glue_schema::run(layout, api_type))
            .collect();
        let ok = runs.iter().all(Run::is_ok);
        let Some(wanted) = args.resource.as_deref().filter(|_| !args.list) else {
            out.list(&runs);
            return ok;
        };
        let found: Vec<(&Run, &ResourceSchema)> = runs
            .iter()
            .flat_map(|run| {
                run.resources(Some(wanted))
                    .into_iter()
                    .map(move |resource| (run, resource))
            })
            .collect();
        if found.is_empty() {
            let failed: Vec<_> = runs
                .iter()
                .flat_map(Run::failures)
                .filter(|(name, _)| name.to_lowercase().starts_with(&wanted.to_lowercase()))
                .collect();
            out.not_found(wanted, &failed);
            return false;
        }
        for (run, resource) in found {
            let merged = run.merged.merged.iter().find(|merged| {
                merged.name == resource.name && merged.code_bucket == resource.code_bucket
            });
            out.resource(resource, merged, args.show_merged, args.show_sources);
        }
        ok
    }

    /// `api:generate`: every phase, then the files (unless only validating or trying).
    pub(super) fn generate(layout: &glue_schema::Layout, args: &GenerateArgs, out: &Out) -> bool {
        let mut ok = true;
        let mut report = Vec::new();
        for api_type in api_types(args.api_type.as_deref()) {
            out.heading(&api_type);
            let run = glue_schema::run(layout, &api_type);
            out.phases(&run);
            let resources = run.resources(args.resource.as_deref());
            if let Some(wanted) = &args.resource
                && resources.is_empty()
                && run.is_ok()
            {
                out.line(&format!("No {api_type} resource is named \"{wanted}\"."));
            }
            let path = layout
                .root
                .join(&args.output)
                .join(format!("{api_type}.rs"));
            let mut written = None;
            if !args.validate_only && !resources.is_empty() {
                let code = run.code(args.resource.as_deref());
                out.progress(&resources);
                if args.dry_run {
                    out.dry_run(&path, &code);
                } else {
                    match write(&path, &code) {
                        Ok(()) => written = Some(path.clone()),
                        Err(error) => {
                            out.line(&format!("Error: cannot write {}: {error}", path.display()));
                            ok = false;
                        }
                    }
                }
            }
            ok &= run.is_ok();
            out.summary(
                &run,
                resources.len(),
                written.as_deref(),
                args.validate_only,
            );
            report.push(json!({
                "apiType": api_type,
                "files": run.files.iter().map(|file| json!({
                    "path": file.path,
                    "layer": file.layer_name,
                    "kind": file.kind,
                })).collect::<Vec<_>>(),
                "resources": resources.iter().map(|r| json!({
                    "name": r.name,
                    "codeBucket": r.code_bucket,
                    "struct": r.struct_name,
                })).collect::<Vec<_>>(),
                "failures": crate::output::failures_json(&run),
                "written": written,
            }));
        }
        out.done(ok, &json!({"ok": ok, "apiTypes": report}));
        ok
    }

    fn write(path: &std::path::Path, code: &str) -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, code)
    }
}
