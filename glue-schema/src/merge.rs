//! The merge phase: the documents of one resource, layer over layer, key by key, the later
//! layer winning, with a record of which file wrote each key.
//!
//! Mappings merge key by key. A list whose items all have an identity (an operation's `type`,
//! an include's `relationshipName`) merges item by item: an item of the later layer merges
//! into the earlier item of the same identity, or is added after them. Any other value,
//! and a list without identities replace the earlier layer's; `~` (null) and `[]` keep it. A layer may not change what kind of value a key holds (a mapping, a list, a
//! scalar): that is reported. Merging is associative, so layers can be grouped in any way.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::discover::SchemaFile;
use crate::node::{Node, Position, Value};
use crate::parse::{Document, ParseResult};
use crate::report::Diagnostic;

/// Where a key's value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The file, relative to the project directory.
    pub file: PathBuf,
    /// The layer the file is in.
    pub layer: String,
    /// Where the key is in the file.
    #[serde(skip)]
    pub at: Position,
    /// The line, for machines.
    pub line: u64,
}

impl Source {
    fn new(file: &SchemaFile, at: Position) -> Self {
        Self {
            file: file.path.clone(),
            layer: file.layer_name.clone(),
            at,
            line: at.line,
        }
    }
}

/// One resource (or code bucket variant) with every layer applied.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The resource's `name`.
    pub name: String,
    /// The variant's code bucket; `None` for the base resource.
    pub code_bucket: Option<String>,
    /// The merged `resource:` mapping.
    pub resource: Node,
    /// The merged `validation:` mapping, when any layer has one.
    pub validation: Option<Node>,
    /// Which file wrote each key, by path (`resource.properties.email.required`,
    /// `resource.operations[Get].security`, `validation.create.email.email`).
    pub sources: BTreeMap<String, Source>,
    /// The files that contributed, in the order applied.
    pub files: Vec<PathBuf>,
}

impl Merged {
    /// Where a key was written: the file and position of the layer that won.
    #[must_use]
    pub fn source(&self, path: &str) -> Option<&Source> {
        self.sources.get(path)
    }

    /// The variant's name for messages: `Stores`, or `Stores (EU)`.
    #[must_use]
    pub fn display_name(&self) -> String {
        match &self.code_bucket {
            Some(bucket) => format!("{} ({bucket})", self.name),
            None => self.name.clone(),
        }
    }
}

/// What the merge phase produced: merged resources, and those that failed.
#[derive(Debug, Clone, Default)]
pub struct MergeResult {
    /// The merged resources, base first, then each variant, in the order first discovered.
    pub merged: Vec<Merged>,
    /// The resources that could not be merged, with why.
    pub failures: Vec<(String, Vec<Diagnostic>)>,
}

/// Merges the parsed documents by resource name and code bucket.
#[must_use]
pub fn merge(parsed: &ParseResult) -> MergeResult {
    let mut result = MergeResult::default();
    // Resources in the order first discovered, each with its variants in that order.
    let mut groups: Vec<(String, Vec<Option<String>>)> = Vec::new();
    for document in &parsed.resources {
        let position = match groups.iter().position(|(name, _)| *name == document.name) {
            Some(position) => position,
            None => {
                groups.push((document.name.clone(), Vec::new()));
                groups.len() - 1
            }
        };
        let buckets = &mut groups[position].1;
        if !buckets.contains(&document.code_bucket) {
            buckets.push(document.code_bucket.clone());
        }
    }
    for (name, buckets) in &mut groups {
        // The base resource first.
        buckets.sort_by_key(Option::is_some);
        for bucket in buckets.iter() {
            let applies = |document: &&Document| {
                document.name == *name
                    && (document.code_bucket.is_none() || document.code_bucket == *bucket)
            };
            let mut problems = Vec::new();
            let mut sources = BTreeMap::new();
            let mut files = Vec::new();
            let resource = fold(
                parsed.resources.iter().filter(applies),
                "resource",
                &mut sources,
                &mut files,
                &mut problems,
            );
            let validation = fold(
                parsed.validations.iter().filter(applies),
                "validation",
                &mut sources,
                &mut files,
                &mut problems,
            );
            let merged = Merged {
                name: name.clone(),
                code_bucket: bucket.clone(),
                resource: resource.unwrap_or(Node {
                    value: Value::Map(Vec::new()),
                    at: Position::default(),
                }),
                validation,
                sources,
                files,
            };
            if problems.is_empty() {
                result.merged.push(merged);
            } else {
                result.failures.push((merged.display_name(), problems));
            }
        }
    }
    for document in &parsed.validations {
        if !groups.iter().any(|(name, _)| *name == document.name) {
            result.failures.push((
                document.name.clone(),
                vec![Diagnostic::new(
                    Some(document.file.path.clone()),
                    document.node.at,
                    "validation.name",
                    format!(
                        "Validation schema \"{}\" names no resource: no resource file declares \"name: {}\"",
                        document.name, document.name
                    ),
                )],
            ));
        }
    }
    result
}

/// The documents applied in order onto an empty mapping.
fn fold<'a>(
    documents: impl Iterator<Item = &'a Document>,
    top: &str,
    sources: &mut BTreeMap<String, Source>,
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Node> {
    let mut merged: Option<Node> = None;
    for document in documents {
        if !files.contains(&document.file.path) {
            files.push(document.file.path.clone());
        }
        let mut record = |path: &str, at: Position, replaced: bool| {
            if replaced {
                let prefix = format!("{path}.");
                let items = format!("{path}[");
                sources.retain(|key, _| !key.starts_with(&prefix) && !key.starts_with(&items));
            }
            sources.insert(path.to_owned(), Source::new(&document.file, at));
        };
        let mut conflict = |path: &str, earlier: &Node, later: &Node| {
            problems.push(Diagnostic::new(
                Some(document.file.path.clone()),
                later.at,
                path,
                format!(
                    "Key \"{path}\" is {} in a lower layer but {} here; a layer can override a value, not change what kind of value it is",
                    earlier.value.kind(),
                    later.value.kind()
                ),
            ));
        };
        merged = Some(match merged {
            None => {
                record_all(top, document.node.at, &document.node, &mut record);
                document.node.clone()
            }
            Some(base) => merge_with(base, &document.node, top, &mut record, &mut conflict),
        });
    }
    merged
}

/// Merges `overlay` onto `base`: the later layer wins key by key (see the module).
#[must_use]
pub fn merge_nodes(base: &Node, overlay: &Node) -> Node {
    merge_with(
        base.clone(),
        overlay,
        "",
        &mut |_, _, _| {},
        &mut |_, _, _| {},
    )
}

fn merge_with(
    base: Node,
    overlay: &Node,
    path: &str,
    record: &mut dyn FnMut(&str, Position, bool),
    conflict: &mut dyn FnMut(&str, &Node, &Node),
) -> Node {
    match (base.value, &overlay.value) {
        // `~` has no opinion: the earlier value stays.
        (earlier, Value::Null) => Node {
            value: earlier,
            at: base.at,
        },
        (Value::Map(mut entries), Value::Map(more)) => {
            for (key, node) in more {
                let child = join(path, &key.name);
                match entries.iter().position(|(known, _)| known.name == key.name) {
                    Some(index) => {
                        let (_, earlier) = entries.remove(index);
                        let merged = merge_with(earlier, node, &child, record, conflict);
                        entries.insert(index, (key.clone(), merged));
                    }
                    None => {
                        record_all(&child, key.at, node, record);
                        entries.push((key.clone(), node.clone()));
                    }
                }
            }
            // A merged value is where the latest layer that has it wrote it.
            Node {
                value: Value::Map(entries),
                at: overlay.at,
            }
        }
        (Value::List(mut items), Value::List(more))
            if more.iter().all(|item| identity(item).is_some()) =>
        {
            for item in more {
                let id = identity(item).unwrap_or_default();
                let child = format!("{path}[{id}]");
                match items
                    .iter()
                    .position(|known| identity(known).as_deref() == Some(&id))
                {
                    Some(index) => {
                        let earlier = items.remove(index);
                        let merged = merge_with(earlier, item, &child, record, conflict);
                        items.insert(index, merged);
                    }
                    None => {
                        record_all(&child, item.at, item, record);
                        items.push(item.clone());
                    }
                }
            }
            Node {
                value: Value::List(items),
                at: overlay.at,
            }
        }
        (earlier, later) => {
            let earlier = Node {
                value: earlier,
                at: base.at,
            };
            let structural = |value: &Value| matches!(value, Value::Map(_) | Value::List(_));
            if earlier.value != Value::Null
                && (structural(&earlier.value) || structural(later))
                && std::mem::discriminant(&earlier.value) != std::mem::discriminant(later)
            {
                conflict(path, &earlier, overlay);
            }
            record(path, overlay.at, true);
            record_children(path, overlay, record);
            overlay.clone()
        }
    }
}

/// Records a new subtree: the key itself (written at `at`) and everything under it.
fn record_all(path: &str, at: Position, node: &Node, record: &mut dyn FnMut(&str, Position, bool)) {
    record(path, at, false);
    record_children(path, node, record);
}

fn record_children(path: &str, node: &Node, record: &mut dyn FnMut(&str, Position, bool)) {
    match &node.value {
        Value::Map(entries) => {
            for (key, child) in entries {
                record_all(&join(path, &key.name), key.at, child, record);
            }
        }
        Value::List(items) => {
            for item in items {
                if let Some(id) = identity(item) {
                    record_all(&format!("{path}[{id}]"), item.at, item, record);
                }
            }
        }
        _ => {}
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The identity of a list item that merges item by item: an operation's `type`, an
/// include's `relationshipName` (with its `resource` in `includableIn`).
#[must_use]
pub(crate) fn identity(item: &Node) -> Option<String> {
    if let Some(kind) = item.get("type").and_then(Node::as_str) {
        return Some(kind.to_owned());
    }
    let relationship = item.get("relationshipName").and_then(Node::as_str)?;
    Some(match item.get("resource").and_then(Node::as_str) {
        Some(resource) => format!("{resource}.{relationship}"),
        None => relationship.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::parse_documents;

    fn yaml(text: &str) -> Node {
        parse_documents(text).unwrap().remove(0)
    }

    #[test]
    fn mappings_merge_key_by_key_and_later_wins() {
        let core = yaml("properties:\n  email: {type: string}\n  firstName: {type: string}\n");
        let project = yaml("properties:\n  email: {required: true}\n  custom: {type: string}\n");
        let merged = merge_nodes(&core, &project);
        assert_eq!(
            merged.value.to_json(),
            serde_json::json!({"properties": {
                "email": {"type": "string", "required": true},
                "firstName": {"type": "string"},
                "custom": {"type": "string"}
            }})
        );
        let keys: Vec<_> = merged
            .get("properties")
            .unwrap()
            .entries()
            .iter()
            .map(|(k, _)| k.name.as_str())
            .collect();
        assert_eq!(keys, ["email", "firstName", "custom"]);
    }

    #[test]
    fn operations_merge_by_type_and_other_lists_are_replaced() {
        let core = yaml("operations:\n  - type: Get\n  - type: Post\nenum: [a, b]\n");
        let project =
            yaml("operations:\n  - type: Post\n    security: x\n  - type: Delete\nenum: [c]\n");
        let merged = merge_nodes(&core, &project);
        assert_eq!(
            merged.value.to_json(),
            serde_json::json!({
                "operations": [{"type": "Get"}, {"type": "Post", "security": "x"}, {"type": "Delete"}],
                "enum": ["c"]
            })
        );
    }
}
