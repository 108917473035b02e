//! What the commands print: text for people (colours and a progress bar only on a
//! terminal), or one JSON document for machines.

use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use glue_schema::{Diagnostic, Merged, ResourceSchema, Run};
use serde_json::{Value, json};

use crate::Format;

/// Whether standard output was closed by its reader (`glue ... | head`).
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes a line to standard output; once the reader has gone, writes nothing more.
pub(crate) fn write_line(args: std::fmt::Arguments<'_>) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if writeln!(std::io::stdout().lock(), "{args}").is_err() {
        CLOSED.store(true, Ordering::Relaxed);
    }
}

/// The output of one command.
#[derive(Debug)]
pub(crate) struct Out {
    format: Format,
    colour: bool,
    progress: bool,
}

impl Out {
    pub(crate) fn new(format: Format, terminal: bool, progress: bool) -> Self {
        Self {
            format,
            colour: terminal && format == Format::Text && std::env::var_os("NO_COLOR").is_none(),
            progress: progress && format == Format::Text,
        }
    }

    fn text(&self) -> bool {
        self.format == Format::Text
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub(crate) fn line(&self, text: &str) {
        if self.text() {
            say!("{text}");
        }
    }

    fn diagnostic(&self, diagnostic: &Diagnostic) {
        let text = diagnostic.to_string();
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let first = first.strip_prefix("Error: ").unwrap_or(first);
        say!("{} {first}", self.paint("31;1", "Error:"));
        if !rest.is_empty() {
            say!("{}", self.paint("2", rest));
        }
    }

    pub(crate) fn heading(&self, api_type: &str) {
        self.line(&format!(
            "Generating API resources for ApiType: {api_type}\n"
        ));
        self.line("Discovering schema files...");
    }

    /// `Validating schemas... OK` and `Merging schemas... OK`, or the findings.
    pub(crate) fn phases(&self, run: &Run) {
        if !self.text() {
            return;
        }
        let parse_ok = run.discovery.is_empty() && run.parsed.failures.is_empty();
        say!(
            "Validating schemas... {}",
            if parse_ok {
                self.paint("32", "OK")
            } else {
                self.paint("31", "FAILED")
            }
        );
        for diagnostic in run.discovery.iter().chain(&run.parsed.failures) {
            self.diagnostic(diagnostic);
        }
        let merge_ok = run.merged.failures.is_empty() && run.validated.failures.is_empty();
        say!(
            "Merging schemas... {}",
            if merge_ok {
                self.paint("32", "OK")
            } else {
                self.paint("31", "FAILED")
            }
        );
        for (name, problems) in run.merged.failures.iter().chain(&run.validated.failures) {
            say!("Resource {name}:");
            for diagnostic in problems {
                self.diagnostic(diagnostic);
            }
        }
    }

    /// The progress bar, on a terminal.
    pub(crate) fn progress(&self, resources: &[&ResourceSchema]) {
        if !self.text() {
            return;
        }
        say!("\nGenerating resources:");
        let total = resources.len();
        if !self.progress {
            say!(" {total}/{total} [{}] 100%", "=".repeat(28));
            return;
        }
        let mut stderr = std::io::stderr();
        for done in 1..=total {
            let filled = done * 28 / total.max(1);
            let _ = write!(
                stderr,
                "\r {done}/{total} [{}{}] {:>3}%",
                "=".repeat(filled),
                " ".repeat(28 - filled),
                done * 100 / total.max(1)
            );
        }
        let _ = writeln!(stderr);
    }

    pub(crate) fn dry_run(&self, path: &Path, code: &str) {
        if self.text() {
            say!("\nWould write {} (dry run):\n", path.display());
            say!("{}", code.trim_end());
        }
    }

    pub(crate) fn summary(
        &self,
        run: &Run,
        generated: usize,
        written: Option<&Path>,
        validate_only: bool,
    ) {
        if !self.text() {
            return;
        }
        let failed = run.merged.failures.len() + run.validated.failures.len();
        say!();
        if validate_only {
            say!("Valid: {generated} resource(s)");
        } else if let Some(path) = written {
            say!("Generated: {generated} resource(s) in {}", path.display());
        } else {
            say!("Generated: {generated} resource(s)");
        }
        if failed > 0 || !run.parsed.failures.is_empty() {
            say!(
                "Failed: {failed} resource(s), {} file(s)",
                run.parsed.failed_files().len()
            );
        }
        say!();
    }

    pub(crate) fn done(&self, ok: bool, report: &Value) {
        match self.format {
            Format::Json => say!(
                "{}",
                serde_json::to_string_pretty(report).unwrap_or_default()
            ),
            Format::Text if ok => say!("{}", self.paint("32;1", "Done!")),
            Format::Text => say!("{}", self.paint("31;1", "Done, with errors.")),
        }
    }

    /// `api:debug --list`.
    pub(crate) fn list(&self, runs: &[Run]) {
        if !self.text() {
            let report: Vec<Value> = runs
                .iter()
                .map(|run| {
                    json!({
                        "apiType": run.api_type,
                        "resources": run.validated.resources.iter().map(summary_json).collect::<Vec<_>>(),
                        "failures": failures_json(run),
                    })
                })
                .collect();
            say!(
                "{}",
                serde_json::to_string_pretty(&json!({"apiTypes": report})).unwrap_or_default()
            );
            return;
        }
        for run in runs {
            say!(
                "{} ({} file(s))",
                self.paint("1", &run.api_type),
                run.files.len()
            );
            if run.validated.resources.is_empty() && run.is_ok() {
                say!("  (no resources)");
            }
            for resource in &run.validated.resources {
                let bucket = resource
                    .code_bucket
                    .as_ref()
                    .map(|bucket| format!(" [{bucket}]"))
                    .unwrap_or_default();
                let operations: Vec<&str> = resource
                    .operations
                    .iter()
                    .map(|op| op.kind.name())
                    .collect();
                say!(
                    "  {:<28} /{:<28} {}  ({})",
                    format!("{}{bucket}", resource.name),
                    resource.resource_type,
                    resource.struct_name,
                    operations.join(", ")
                );
            }
            for (name, diagnostic) in run.failures() {
                say!("  {} {name}", self.paint("31", "failed:"));
                self.diagnostic(diagnostic);
            }
        }
    }

    pub(crate) fn not_found(&self, wanted: &str, failed: &[(String, &Diagnostic)]) {
        if !self.text() {
            let failures: Vec<Value> = failed
                .iter()
                .map(|(name, d)| failure_json(name, d))
                .collect();
            say!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"resource": wanted, "found": false, "failures": failures})
                )
                .unwrap_or_default()
            );
            return;
        }
        if failed.is_empty() {
            say!(
                "{} No resource is named \"{wanted}\".",
                self.paint("31;1", "Error:")
            );
        }
        for (_, diagnostic) in failed {
            self.diagnostic(diagnostic);
        }
    }

    /// `api:debug <resource>`.
    pub(crate) fn resource(
        &self,
        resource: &ResourceSchema,
        merged: Option<&Merged>,
        show_merged: bool,
        show_sources: bool,
    ) {
        if !self.text() {
            let mut report = json!({"resource": resource});
            if let Some(merged) = merged {
                if show_merged {
                    report["merged"] = json!({"resource": merged.resource.value.to_json()});
                    if let Some(validation) = &merged.validation {
                        report["merged"]["validation"] = validation.value.to_json();
                    }
                }
                if show_sources {
                    report["sources"] = json!(merged.sources);
                    report["files"] = json!(merged.files);
                }
            }
            say!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
            return;
        }
        let bucket = resource
            .code_bucket
            .as_ref()
            .map(|bucket| format!(" (code bucket {bucket})"))
            .unwrap_or_default();
        say!("{}{bucket}", self.paint("1", &resource.name));
        say!("  API type:    {}", resource.api_type);
        say!("  URL:         /{}", resource.resource_type);
        say!("  Struct:      {}", resource.struct_name);
        if let Some(provider) = &resource.provider {
            say!("  Provider:    {provider}");
        }
        if let Some(processor) = &resource.processor {
            say!("  Processor:   {processor}");
        }
        let operations: Vec<String> = resource
            .operations
            .iter()
            .map(|op| match &op.uri_template {
                Some(template) => format!("{} {template}", op.kind.name()),
                None => op.kind.name().to_owned(),
            })
            .collect();
        say!("  Operations:  {}", operations.join(", "));
        say!("  Properties:");
        for property in &resource.properties {
            let mut flags = Vec::new();
            if property.identifier {
                flags.push("identifier");
            }
            if property.required {
                flags.push("required");
            }
            if !property.writable {
                flags.push("read-only");
            }
            if !property.readable {
                flags.push("write-only");
            }
            say!(
                "    {:<24} {:<8} {}",
                property.name,
                property.ty.name(),
                flags.join(", ")
            );
        }
        let Some(merged) = merged else { return };
        if show_merged {
            say!("\n  Merged schema:");
            let mut tree = json!({"resource": merged.resource.value.to_json()});
            if let Some(validation) = &merged.validation {
                tree["validation"] = validation.value.to_json();
            }
            for line in serde_json::to_string_pretty(&tree)
                .unwrap_or_default()
                .lines()
            {
                say!("    {line}");
            }
        }
        if show_sources {
            say!("\n  Files, in the order applied:");
            for file in &merged.files {
                say!("    {}", file.display());
            }
            say!("\n  Sources:");
            for (key, source) in &merged.sources {
                say!(
                    "    {key:<56} {}:{} ({})",
                    source.file.display(),
                    source.at,
                    source.layer
                );
            }
        }
    }
}

fn summary_json(resource: &ResourceSchema) -> Value {
    json!({
        "name": resource.name,
        "resourceType": resource.resource_type,
        "codeBucket": resource.code_bucket,
        "struct": resource.struct_name,
        "operations": resource.operations.iter().map(|op| op.kind.name()).collect::<Vec<_>>(),
        "files": resource.files,
    })
}

fn failure_json(name: &str, diagnostic: &Diagnostic) -> Value {
    json!({
        "resource": name,
        "file": diagnostic.file,
        "line": diagnostic.at.line,
        "column": diagnostic.at.column,
        "key": diagnostic.key,
        "message": diagnostic.message,
    })
}

/// Every finding of a run, as JSON.
pub(crate) fn failures_json(run: &Run) -> Vec<Value> {
    run.failures()
        .iter()
        .map(|(name, diagnostic)| failure_json(name, diagnostic))
        .collect()
}
