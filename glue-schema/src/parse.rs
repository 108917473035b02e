//! The parse phase: each file read and parsed on its own, into the resource and validation
//! documents it holds. A file that fails is recorded and the others go on.

use std::sync::Arc;

use crate::discover::{FileKind, SchemaFile};
use crate::node::{Node, Position, Value, parse_documents};
use crate::report::{Diagnostic, did_you_mean};

/// One `resource:` or `validation:` document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file it is in.
    pub file: Arc<SchemaFile>,
    /// The resource it is about (`name`).
    pub name: String,
    /// The code bucket of a variant (`codeBucket`); `None` for the base resource.
    pub code_bucket: Option<String>,
    /// The mapping under `resource:` or `validation:`.
    pub node: Node,
}

/// What the parse phase found: documents, and the files that failed.
#[derive(Debug, Clone, Default)]
pub struct ParseResult {
    /// The resource documents, in layer and path order.
    pub resources: Vec<Document>,
    /// The validation documents, in layer and path order.
    pub validations: Vec<Document>,
    /// Why files failed; a failed file contributes nothing.
    pub failures: Vec<Diagnostic>,
}

impl ParseResult {
    /// The files that failed, each once.
    #[must_use]
    pub fn failed_files(&self) -> Vec<&std::path::Path> {
        let mut files: Vec<&std::path::Path> = self
            .failures
            .iter()
            .filter_map(|failure| failure.file.as_deref())
            .collect();
        files.dedup();
        files
    }
}

/// Reads and parses every file.
#[must_use]
pub fn parse(files: &[SchemaFile]) -> ParseResult {
    let mut result = ParseResult::default();
    for file in files {
        let file = Arc::new(file.clone());
        let text = match std::fs::read_to_string(&file.full_path) {
            Ok(text) => text,
            Err(error) => {
                result.failures.push(Diagnostic::new(
                    Some(file.path.clone()),
                    Position::default(),
                    "",
                    format!("File \"{}\" cannot be read: {error}", file.path.display()),
                ));
                continue;
            }
        };
        match parse_text(&file, &text) {
            Ok(documents) => match file.kind {
                FileKind::Resource => result.resources.extend(documents),
                FileKind::Validation => result.validations.extend(documents),
            },
            Err(problems) => result.failures.extend(problems),
        }
    }
    result
}

/// The documents of one file's text; all of them, or the reasons there are none.
///
/// # Errors
///
/// Text that is not YAML, or a document without its top key or its `name`.
pub fn parse_text(file: &Arc<SchemaFile>, text: &str) -> Result<Vec<Document>, Vec<Diagnostic>> {
    let path = Some(file.path.clone());
    let trees = parse_documents(text).map_err(|(message, at)| {
        vec![Diagnostic::new(
            path.clone(),
            at,
            "",
            format!(
                "File \"{}\" is not valid YAML: {message}",
                file.path.display()
            ),
        )]
    })?;
    let top = match file.kind {
        FileKind::Resource => "resource",
        FileKind::Validation => "validation",
    };
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    for tree in trees {
        if tree.value == Value::Null {
            continue;
        }
        let Value::Map(entries) = &tree.value else {
            problems.push(Diagnostic::new(
                path.clone(),
                tree.at,
                "",
                format!(
                    "A schema document must be a mapping with the key \"{top}\", not {}",
                    tree.value.kind()
                ),
            ));
            continue;
        };
        for (key, _) in entries.iter().filter(|(key, _)| key.name != top) {
            let hint = did_you_mean(&key.name, [top])
                .map(|known| format!(" (did you mean \"{known}\"?)"))
                .unwrap_or_default();
            problems.push(Diagnostic::new(
                path.clone(),
                key.at,
                key.name.clone(),
                format!("Unknown key \"{}\"{hint}", key.name),
            ));
        }
        let Some(node) = tree.get(top) else {
            problems.push(Diagnostic::new(
                path.clone(),
                tree.at,
                top,
                format!("Missing required key \"{top}\""),
            ));
            continue;
        };
        if !matches!(node.value, Value::Map(_)) {
            problems.push(Diagnostic::new(
                path.clone(),
                node.at,
                top,
                format!("\"{top}\" must be a mapping, not {}", node.value.kind()),
            ));
            continue;
        }
        let what = match file.kind {
            FileKind::Resource => "Resource",
            FileKind::Validation => "Validation schema",
        };
        let name = match node.entry("name") {
            Some((
                _,
                Node {
                    value: Value::Str(name),
                    ..
                },
            )) if !name.trim().is_empty() => name.clone(),
            Some((_, value)) => {
                problems.push(Diagnostic::new(
                    path.clone(),
                    value.at,
                    format!("{top}.name"),
                    format!(
                        "{what} \"{}\" has an invalid \"name\": expected a text, found {}",
                        file.stem,
                        value.value.kind()
                    ),
                ));
                continue;
            }
            None => {
                problems.push(Diagnostic::new(
                    path.clone(),
                    node.at,
                    format!("{top}.name"),
                    format!(
                        "{what} \"{}\" is missing required field \"name\"",
                        file.stem
                    ),
                ));
                continue;
            }
        };
        let code_bucket = match node.get("codeBucket") {
            None => None,
            Some(Node {
                value: Value::Str(bucket),
                ..
            }) if is_code_bucket(bucket) => Some(bucket.clone()),
            Some(other) => {
                problems.push(Diagnostic::new(
                    path.clone(),
                    other.at,
                    format!("{top}.codeBucket"),
                    format!(
                        "{what} \"{name}\" has an invalid \"codeBucket\": expected letters and digits such as \"EU\""
                    ),
                ));
                continue;
            }
        };
        documents.push(Document {
            file: Arc::clone(file),
            name,
            code_bucket,
            node: node.clone(),
        });
    }
    if problems.is_empty() {
        Ok(documents)
    } else {
        Err(problems)
    }
}

/// A code bucket names a struct suffix: ASCII letters and digits, starting with a letter.
fn is_code_bucket(bucket: &str) -> bool {
    bucket
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && bucket.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(kind: FileKind, stem: &str) -> Arc<SchemaFile> {
        let suffix = match kind {
            FileKind::Resource => "resource",
            FileKind::Validation => "validation",
        };
        let path = PathBuf::from(format!("m/{stem}.{suffix}.yml"));
        Arc::new(SchemaFile {
            full_path: path.clone(),
            path,
            layer: 0,
            layer_name: "core".to_owned(),
            kind,
            stem: stem.to_owned(),
        })
    }

    #[test]
    fn a_file_holds_a_base_and_its_variants() {
        let text = "# yaml-language-server: $schema=x.json\nresource:\n  name: Stores\n---\nresource:\n  name: Stores\n  codeBucket: EU\n";
        let documents = parse_text(&file(FileKind::Resource, "stores"), text).unwrap();
        let names: Vec<_> = documents
            .iter()
            .map(|d| (d.name.as_str(), d.code_bucket.as_deref()))
            .collect();
        assert_eq!(names, [("Stores", None), ("Stores", Some("EU"))]);
    }

    #[test]
    fn a_resource_without_a_name_is_named_by_its_file() {
        let problems = parse_text(
            &file(FileKind::Resource, "customers"),
            "resource:\n  shortName: c\n",
        )
        .unwrap_err();
        assert_eq!(
            problems[0].message,
            "Resource \"customers\" is missing required field \"name\""
        );
        assert_eq!(
            (problems[0].at.line, problems[0].key.as_str()),
            (2, "resource.name")
        );
    }

    #[test]
    fn top_level_mistakes_are_named() {
        let problems = parse_text(
            &file(FileKind::Resource, "customers"),
            "resorce:\n  name: Customers\n",
        )
        .unwrap_err();
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Unknown key \"resorce\" (did you mean \"resource\"?)",
                "Missing required key \"resource\""
            ]
        );
        let problems =
            parse_text(&file(FileKind::Validation, "c"), "validation: [1]\n").unwrap_err();
        assert_eq!(
            problems[0].message,
            "\"validation\" must be a mapping, not a list"
        );
        let problems = parse_text(
            &file(FileKind::Resource, "stores"),
            "resource:\n  name: Stores\n  codeBucket: e-u\n",
        )
        .unwrap_err();
        assert_eq!(problems[0].key, "resource.codeBucket");
        let problems =
            parse_text(&file(FileKind::Resource, "s"), "resource: {name: [1]}\n").unwrap_err();
        assert_eq!(
            problems[0].message,
            "Resource \"s\" has an invalid \"name\": expected a text, found a list"
        );
    }

    #[test]
    fn broken_yaml_names_the_file() {
        let problems =
            parse_text(&file(FileKind::Resource, "c"), "resource:\n  name: [a\n").unwrap_err();
        assert!(
            problems[0]
                .message
                .starts_with("File \"m/c.resource.yml\" is not valid YAML: "),
            "{}",
            problems[0].message
        );
    }
}
