//! The validation phase: each merged resource read into a typed [`ResourceSchema`], every
//! rule of the schema format checked, every finding naming its file, line and key. Then the
//! checks between resources: relationship targets, `includes` against `includableIn`, and
//! `fromClass`.

use crate::merge::{MergeResult, Merged};
use crate::model::{Origins, Pagination, Property, ResourceSchema};
use crate::node::{Node, Position, Value};
use crate::report::{Diagnostic, did_you_mean};

mod includes;
mod names;
mod operations;
mod properties;
mod rules;

use includes::references;
pub(crate) use names::display_path;
use names::is_rust_path;
pub use names::struct_name;

/// The operation types, in the order messages list them.
pub const OPERATION_TYPES: [&str; 6] = ["Get", "Post", "Put", "Patch", "Delete", "GetCollection"];

/// The keys of `resource:`.
pub(crate) const RESOURCE_KEYS: [&str; 24] = [
    "name",
    "shortName",
    "description",
    "codeBucket",
    "provider",
    "processor",
    "paginationEnabled",
    "paginationItemsPerPage",
    "paginationMaximumItemsPerPage",
    "paginationClientEnabled",
    "paginationClientItemsPerPage",
    "paginationForm",
    "table",
    "version",
    "security",
    "securityMessage",
    "securityPostDenormalize",
    "securityPostDenormalizeMessage",
    "securityPostValidation",
    "securityPostValidationMessage",
    "operations",
    "properties",
    "includes",
    "includableIn",
];

/// The keys of an operation.
pub(crate) const OPERATION_KEYS: [&str; 12] = [
    "type",
    "uriTemplate",
    "uriVariables",
    "description",
    "status",
    "version",
    "security",
    "securityMessage",
    "securityPostDenormalize",
    "securityPostDenormalizeMessage",
    "securityPostValidation",
    "securityPostValidationMessage",
];

/// The keys of a property.
pub(crate) const PROPERTY_KEYS: [&str; 12] = [
    "type",
    "description",
    "readable",
    "writable",
    "required",
    "identifier",
    "default",
    "nullable",
    "items",
    "filterable",
    "sortable",
    "openapiContext",
];

/// The keys of `openapiContext`.
pub(crate) const OPENAPI_CONTEXT_KEYS: [&str; 7] = [
    "example",
    "format",
    "minLength",
    "maxLength",
    "enum",
    "schema",
    "description",
];

/// The operation groups of a validation schema.
pub(crate) const VALIDATION_GROUPS: [&str; 3] = ["create", "replace", "update"];

/// The rules a validation schema can name.
pub(crate) const RULES: [&str; 6] = ["notBlank", "email", "url", "length", "range", "choice"];

/// What the validation phase produced.
#[derive(Debug, Clone, Default)]
pub struct ValidationResult {
    /// The valid resources.
    pub resources: Vec<ResourceSchema>,
    /// The resources that failed, with every finding.
    pub failures: Vec<(String, Vec<Diagnostic>)>,
}

/// Validates every merged resource of one API type, then the references between them.
#[must_use]
pub fn validate(merged: &MergeResult, api_type: &str) -> ValidationResult {
    let mut result = ValidationResult::default();
    let mut checked: Vec<(&Merged, ResourceSchema)> = Vec::new();
    for resource in &merged.merged {
        match validate_one(resource, api_type) {
            Ok(schema) => checked.push((resource, schema)),
            Err(problems) => result.failures.push((resource.display_name(), problems)),
        }
    }
    let schemas: Vec<&ResourceSchema> = checked.iter().map(|(_, schema)| schema).collect();
    let mut valid = Vec::new();
    for (merged, schema) in &checked {
        let problems = references(merged, schema, &schemas);
        if problems.is_empty() {
            valid.push(schema.clone());
        } else {
            result.failures.push((merged.display_name(), problems));
        }
    }
    result.resources = valid;
    result
}

/// Reads one merged resource, collecting every finding.
///
/// # Errors
///
/// Every finding, when there is any.
pub fn validate_one(merged: &Merged, api_type: &str) -> Result<ResourceSchema, Vec<Diagnostic>> {
    let mut reader = Reader {
        merged,
        problems: Vec::new(),
    };
    let schema = reader.resource(api_type);
    if reader.problems.is_empty() {
        Ok(schema)
    } else {
        Err(reader.problems)
    }
}

struct Reader<'a> {
    merged: &'a Merged,
    problems: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    /// The items of an optional list of the resource (none when it is absent); a value that
    /// is not a list is reported and counts as none.
    fn optional_list(&mut self, key: &str) -> &'a [Node] {
        let merged = self.merged;
        let Some(list) = merged.resource.get(key) else {
            return &[];
        };
        let Value::List(items) = &list.value else {
            self.error(
                &format!("resource.{key}"),
                format!("\"{key}\" must be a list, not {}", list.value.kind()),
            );
            return &[];
        };
        items
    }

    /// A finding about the key at `path`, placed where the winning layer wrote it (or the
    /// nearest key above it that a file wrote).
    fn error(&mut self, path: &str, message: impl Into<String>) {
        let mut probe = path;
        let source = loop {
            if let Some(source) = self.merged.source(probe) {
                break Some(source);
            }
            match probe.rfind(['.', '[']) {
                Some(cut) => probe = &probe[..cut],
                None => break None,
            }
        };
        let (file, at) = match source {
            Some(source) => (Some(source.file.clone()), source.at),
            None => (self.merged.files.first().cloned(), Position::default()),
        };
        self.problems.push(Diagnostic::new(file, at, path, message));
    }

    /// Reports keys of a mapping that are not among `known`.
    fn known_keys(&mut self, node: &Node, path: &str, what: &str, known: &[&str]) {
        if !matches!(node.value, Value::Map(_)) {
            self.error(
                path,
                format!("\"{path}\" must be a mapping, not {}", node.value.kind()),
            );
            return;
        }
        for (key, _) in node.entries() {
            if known.contains(&key.name.as_str()) {
                continue;
            }
            let hint = did_you_mean(&key.name, known.iter().copied())
                .map(|known| format!(" (did you mean \"{known}\"?)"))
                .unwrap_or_default();
            self.error(
                &format!("{path}.{}", key.name),
                format!("Unknown key \"{}\" in {what}{hint}", key.name),
            );
        }
    }

    /// The value of `key` as what `read` makes of it; a value it does not take is reported
    /// as not being `what` (a null is no value).
    fn typed<T>(
        &mut self,
        node: &Node,
        key: &str,
        path: &str,
        what: &str,
        read: impl FnOnce(&Value) -> Option<T>,
    ) -> Option<T> {
        let value = &node.get(key)?.value;
        if matches!(value, Value::Null) {
            return None;
        }
        let read = read(value);
        if read.is_none() {
            let found = match value {
                Value::Int(number) => number.to_string(),
                other => other.kind().to_owned(),
            };
            self.error(
                &format!("{path}.{key}"),
                format!("\"{key}\" must be {what}, not {found}"),
            );
        }
        read
    }

    fn text(&mut self, node: &Node, key: &str, path: &str) -> Option<String> {
        self.typed(node, key, path, "a text", |value| match value {
            Value::Str(text) => Some(text.clone()),
            _ => None,
        })
    }

    fn flag(&mut self, node: &Node, key: &str, path: &str) -> Option<bool> {
        self.typed(node, key, path, "true or false", |value| match value {
            Value::Bool(flag) => Some(*flag),
            _ => None,
        })
    }

    fn count(&mut self, node: &Node, key: &str, path: &str) -> Option<u64> {
        self.typed(
            node,
            key,
            path,
            "a whole number of at least 0",
            |value| match value {
                Value::Int(number) => u64::try_from(*number).ok(),
                _ => None,
            },
        )
    }

    fn resource(&mut self, api_type: &str) -> ResourceSchema {
        let node = &self.merged.resource;
        let name = self.merged.name.clone();
        self.known_keys(node, "resource", "resource", &RESOURCE_KEYS);
        let short_name = self.text(node, "shortName", "resource");
        if short_name.is_none() {
            self.error(
                "resource",
                format!("Resource \"{name}\" is missing required field \"shortName\""),
            );
        }
        let short_name = short_name.unwrap_or_default();
        let (resource_type, label) = if glue_common::naming::is_kebab(&short_name) {
            (short_name, None)
        } else if short_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && short_name.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            (
                glue_common::naming::short_name(&short_name.replace('-', "_")),
                Some(short_name.clone()),
            )
        } else {
            if !short_name.is_empty() {
                self.error(
                    "resource.shortName",
                    format!(
                        "Resource \"{name}\" has an invalid \"shortName\" \"{short_name}\": use letters, digits and \"-\" (\"customers-addresses\", or \"Customer\" for /customers)"
                    ),
                );
            }
            (short_name, None)
        };
        let description = self.text(node, "description", "resource");
        let provider = self.rust_path(node, "provider");
        let processor = self.rust_path(node, "processor");
        let pagination = Pagination {
            enabled: self.flag(node, "paginationEnabled", "resource"),
            items_per_page: self.count(node, "paginationItemsPerPage", "resource"),
            maximum_items_per_page: self.count(node, "paginationMaximumItemsPerPage", "resource"),
            client_enabled: self.flag(node, "paginationClientEnabled", "resource"),
            client_items_per_page: self.flag(node, "paginationClientItemsPerPage", "resource"),
            form: self.text(node, "paginationForm", "resource"),
        };
        if pagination
            .form
            .as_deref()
            .is_some_and(|form| !is_rust_path(form))
        {
            self.error(
                "resource.paginationForm",
                "\"paginationForm\" names a pagination strategy, such as \"offset\" or \"page\"",
            );
        }
        let version = self.version(node, "resource");
        let table = self.text(node, "table", "resource");
        if table.as_deref().is_some_and(|table| {
            !table
                .split('.')
                .all(|part| is_rust_path(part) && !part.contains(':'))
        }) {
            self.error(
                "resource.table",
                "\"table\" names a SQL table: letters, digits and \"_\", optionally after a schema and \".\"",
            );
        }
        if let (Some(default), Some(maximum)) =
            (pagination.items_per_page, pagination.maximum_items_per_page)
            && maximum < default
        {
            self.error(
                "resource.paginationMaximumItemsPerPage",
                format!(
                    "\"paginationMaximumItemsPerPage\" ({maximum}) is below \"paginationItemsPerPage\" ({default})"
                ),
            );
        }
        if pagination.items_per_page == Some(0) {
            self.error(
                "resource.paginationItemsPerPage",
                "\"paginationItemsPerPage\" must be at least 1",
            );
        }
        let mut properties = self.properties(&name);
        let names: Vec<String> = properties.iter().map(|p| p.name.clone()).collect();
        let property_names: Vec<&str> = names.iter().map(String::as_str).collect();
        let security = self.security(node, "resource", &property_names);
        let operations = self.operations(&name, &property_names);
        let identifiers: Vec<&Property> = properties.iter().filter(|p| p.identifier).collect();
        if identifiers.len() > 1 {
            self.error(
                &format!("resource.properties.{}.identifier", identifiers[1].name),
                format!(
                    "Resource \"{name}\" has two identifiers: \"{}\" and \"{}\"",
                    identifiers[0].name, identifiers[1].name
                ),
            );
        }
        let item_operations: Vec<&str> = operations
            .iter()
            .filter(|operation| operation.kind.is_item())
            .map(|operation| operation.kind.name())
            .collect();
        if identifiers.is_empty() && !item_operations.is_empty() {
            self.error(
                "resource.properties",
                format!(
                    "Resource \"{name}\" declares item operations ({}) but no property with \"identifier: true\"",
                    item_operations.join(", ")
                ),
            );
        }
        self.validation_rules(&name, &properties);
        self.apply_rules(&mut properties, &operations);
        let includes = self.includes(&property_names);
        let includable_in = self.includable_in();
        let origin = |key: &str| {
            self.merged
                .source(&format!("resource.{key}"))
                .map(|source| format!("{}:{}", display_path(&source.file), source.at.line))
        };
        let origins = Origins {
            provider: provider.as_ref().and_then(|_| origin("provider")),
            processor: processor.as_ref().and_then(|_| origin("processor")),
        };
        ResourceSchema {
            struct_name: struct_name(&name, self.merged.code_bucket.as_deref(), api_type),
            name,
            resource_type,
            label,
            description,
            api_type: api_type.to_owned(),
            code_bucket: self.merged.code_bucket.clone(),
            provider,
            processor,
            origins,
            table,
            version,
            pagination,
            security,
            operations,
            properties,
            includes,
            includable_in,
            files: self.merged.files.clone(),
        }
    }

    /// `version`: numbers with dots (`2.0`), as media type parameters carry them.
    fn version(&mut self, node: &Node, path: &str) -> Option<String> {
        let version = match node.get("version").map(|value| &value.value) {
            Some(Value::Float(number)) => Some(format!("{number:?}")),
            Some(Value::Int(number)) => Some(number.to_string()),
            _ => self.text(node, "version", path),
        }?;
        if glue_common::version::parse(&version).is_none() {
            self.error(
                &format!("{path}.version"),
                format!("\"version\" \"{version}\" is not a version such as \"2.0\""),
            );
        }
        Some(version)
    }

    /// A provider or processor: a Rust path the generated code names.
    fn rust_path(&mut self, node: &Node, key: &str) -> Option<String> {
        let path = self.text(node, key, "resource")?;
        if is_rust_path(&path) {
            return Some(path);
        }
        let what = if key == "provider" {
            "Provider"
        } else {
            "Processor"
        };
        self.error(
            &format!("resource.{key}"),
            format!(
                "{what} \"{path}\" is not a valid Rust path (such as \"crate::customers::CustomerStore\")"
            ),
        );
        None
    }
}
