//! Discovery: schema files found under a project directory in ordered layers.

use std::path::{Path, PathBuf};

use crate::node::Position;
use crate::report::Diagnostic;

/// One layer: a name and the directories it reads, as patterns relative to the project
/// directory. In a pattern, `*` is one directory of any name, `**` any number of them, and
/// `{type}` the API type (`backend`, `storefront`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// The layer's name (`core`, `feature`, `project`).
    pub name: String,
    /// The directory patterns, read in order.
    pub patterns: Vec<String>,
}

impl Layer {
    /// A layer reading the directories of one pattern.
    #[must_use]
    pub fn new(name: impl Into<String>, pattern: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            patterns: vec![pattern.into()],
        }
    }
}

/// Where schema files are: a project directory and its layers, lowest priority first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The project directory the patterns are relative to.
    pub root: PathBuf,
    /// The layers, from the one later layers override to the one that overrides them all.
    pub layers: Vec<Layer>,
}

/// The kind of a schema file, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// `<name>.resource.yml`: a resource declaration.
    Resource,
    /// `<name>.validation.yml`: validation rules by operation group.
    Validation,
}

/// A discovered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFile {
    /// The path as shown in messages: relative to the project directory.
    pub path: PathBuf,
    /// The path to read.
    pub full_path: PathBuf,
    /// The layer's position in the layout (0 is the lowest).
    pub layer: usize,
    /// The layer's name.
    pub layer_name: String,
    /// Resource or validation.
    pub kind: FileKind,
    /// The file name without `.resource.yml` or `.validation.yml`.
    pub stem: String,
}

impl Layout {
    /// The layout of a project in the usual module structure: core modules
    /// (`src/Spryker/*/resources/api/{type}`), then feature modules
    /// (`src/SprykerFeature/*/resources/api/{type}`), then the project's own
    /// (`src/Pyz/**/resources/api/{type}`).
    #[must_use]
    pub fn modules(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            layers: vec![
                Layer::new("core", "src/Spryker/*/resources/api/{type}"),
                Layer::new("feature", "src/SprykerFeature/*/resources/api/{type}"),
                Layer::new("project", "src/Pyz/**/resources/api/{type}"),
            ],
        }
    }

    /// A layout of the given layers under `root`.
    #[must_use]
    pub fn new(root: impl Into<PathBuf>, layers: Vec<Layer>) -> Self {
        Self {
            root: root.into(),
            layers,
        }
    }

    /// The schema files of one API type, layer by layer, each layer's files in path order.
    /// An unreadable directory is a finding; a missing one is simply empty.
    #[must_use]
    pub fn discover(&self, api_type: &str) -> (Vec<SchemaFile>, Vec<Diagnostic>) {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for (index, layer) in self.layers.iter().enumerate() {
            let mut found: Vec<PathBuf> = Vec::new();
            for pattern in &layer.patterns {
                let pattern = pattern.replace("{type}", api_type);
                let segments: Vec<&str> = pattern
                    .split('/')
                    .filter(|segment| !segment.is_empty() && *segment != ".")
                    .collect();
                let mut directories = Vec::new();
                expand(&self.root, &segments, &mut directories, &mut problems);
                for directory in directories {
                    schema_files_in(&directory, &mut found, &mut problems);
                }
            }
            found.sort();
            found.dedup();
            for full_path in found {
                let Some((stem, kind)) = file_kind(&full_path) else {
                    continue;
                };
                files.push(SchemaFile {
                    path: full_path
                        .strip_prefix(&self.root)
                        .map_or_else(|_| full_path.clone(), Path::to_path_buf),
                    full_path,
                    layer: index,
                    layer_name: layer.name.clone(),
                    kind,
                    stem,
                });
            }
        }
        (files, problems)
    }
}

/// `customers.resource.yml` -> (`customers`, resource).
fn file_kind(path: &Path) -> Option<(String, FileKind)> {
    let name = path.file_name()?.to_str()?;
    for (suffixes, kind) in [
        ([".resource.yml", ".resource.yaml"], FileKind::Resource),
        (
            [".validation.yml", ".validation.yaml"],
            FileKind::Validation,
        ),
    ] {
        for suffix in suffixes {
            if let Some(stem) = name.strip_suffix(suffix)
                && !stem.is_empty()
            {
                return Some((stem.to_owned(), kind));
            }
        }
    }
    None
}

/// The directories under `base` that match the pattern's segments.
fn expand(base: &Path, segments: &[&str], out: &mut Vec<PathBuf>, problems: &mut Vec<Diagnostic>) {
    let Some((first, rest)) = segments.split_first() else {
        if base.is_dir() {
            out.push(base.to_path_buf());
        }
        return;
    };
    match *first {
        "**" => {
            // Zero directories, then one more and `**` again.
            expand(base, rest, out, problems);
            for child in subdirectories(base, problems) {
                expand(&child, segments, out, problems);
            }
        }
        "*" => {
            for child in subdirectories(base, problems) {
                expand(&child, rest, out, problems);
            }
        }
        name => expand(&base.join(name), rest, out, problems),
    }
}

/// The subdirectories of a directory, by name; none when it does not exist.
fn subdirectories(directory: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut children: Vec<PathBuf> = match std::fs::read_dir(directory) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
            .map(|entry| entry.path())
            .collect(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) if error.kind() == std::io::ErrorKind::NotADirectory => Vec::new(),
        Err(error) => {
            problems.push(unreadable(directory, &error));
            Vec::new()
        }
    };
    children.sort();
    children
}

/// The schema files directly in a directory.
fn schema_files_in(directory: &Path, out: &mut Vec<PathBuf>, problems: &mut Vec<Diagnostic>) {
    match std::fs::read_dir(directory) {
        Ok(entries) => out.extend(
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
                .map(|entry| entry.path())
                .filter(|path| file_kind(path).is_some()),
        ),
        Err(error) => problems.push(unreadable(directory, &error)),
    }
}

fn unreadable(directory: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Some(directory.to_path_buf()),
        Position::default(),
        "",
        format!(
            "Directory \"{}\" cannot be read: {error}",
            directory.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_say_the_kind() {
        assert_eq!(
            file_kind(Path::new("a/customers.resource.yml")),
            Some(("customers".to_owned(), FileKind::Resource))
        );
        assert_eq!(
            file_kind(Path::new("stores.validation.yaml")),
            Some(("stores".to_owned(), FileKind::Validation))
        );
        assert_eq!(file_kind(Path::new("stores.yml")), None);
        assert_eq!(file_kind(Path::new(".resource.yml")), None);
    }
}
