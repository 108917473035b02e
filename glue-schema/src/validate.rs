//! The validation phase: each merged resource read into a typed [`ResourceSchema`], every
//! rule of the schema format checked, every finding naming its file, line and key. Then the
//! checks between resources: relationship targets, `includes` against `includableIn`, and
//! `fromClass`.

use glue_common::{OperationKind, PropertyType};
use glue_security::{Expression, Schema};

use crate::merge::{MergeResult, Merged};
use crate::model::{
    IncludableIn, Include, Operation, Origins, Pagination, Property, ResourceSchema, Rules,
    Security, UriVariable,
};
use crate::node::{Node, Position, Value};
use crate::report::{Diagnostic, did_you_mean};

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

impl Reader<'_> {
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

    fn security(&mut self, node: &Node, path: &str, properties: &[&str]) -> Security {
        let expression = |reader: &mut Self, key: &str| {
            let text = reader.text(node, key, path)?;
            let checked = Expression::parse(&text)
                .map_err(|error| error.to_string())
                .and_then(|parsed| {
                    parsed
                        .check(&Schema::with_object(properties))
                        .map_err(|error| error.to_string())
                });
            if let Err(error) = checked {
                reader.error(
                    &format!("{path}.{key}"),
                    format!("Invalid security expression in \"{key}\": {error}"),
                );
            }
            Some(text)
        };
        Security {
            security: expression(self, "security"),
            security_message: self.text(node, "securityMessage", path),
            post_denormalize: expression(self, "securityPostDenormalize"),
            post_denormalize_message: self.text(node, "securityPostDenormalizeMessage", path),
            post_validation: expression(self, "securityPostValidation"),
            post_validation_message: self.text(node, "securityPostValidationMessage", path),
        }
    }

    fn operations(&mut self, name: &str, properties: &[&str]) -> Vec<Operation> {
        let merged = self.merged;
        let mut operations = Vec::new();
        let Some(list) = merged.resource.get("operations") else {
            self.error(
                "resource",
                format!("Resource \"{name}\" must declare at least one operation"),
            );
            return operations;
        };
        let Value::List(items) = &list.value else {
            self.error(
                "resource.operations",
                format!("\"operations\" must be a list, not {}", list.value.kind()),
            );
            return operations;
        };
        if items.is_empty() {
            self.error(
                "resource.operations",
                format!("Resource \"{name}\" must declare at least one operation"),
            );
        }
        for (index, item) in items.iter().enumerate() {
            let kind_name = item.get("type").and_then(Node::as_str);
            let path = match kind_name {
                Some(kind) => format!("resource.operations[{kind}]"),
                None => format!("resource.operations[{index}]"),
            };
            self.known_keys(item, &path, "an operation", &OPERATION_KEYS);
            let Some(kind_name) = kind_name else {
                self.error(&path, "Operation is missing required field \"type\"");
                continue;
            };
            let Some(kind) = OperationKind::from_name(kind_name) else {
                let hint = did_you_mean(kind_name, OPERATION_TYPES)
                    .map(|known| format!(" (did you mean \"{known}\"?)"))
                    .unwrap_or_default();
                self.error(
                    &format!("{path}.type"),
                    format!(
                        "Invalid operation type \"{kind_name}\". Must be one of: {}{hint}",
                        OPERATION_TYPES.join(", ")
                    ),
                );
                continue;
            };
            if operations.iter().any(|op: &Operation| op.kind == kind) {
                self.error(
                    &format!("{path}.type"),
                    format!("Operation \"{kind_name}\" is declared twice"),
                );
                continue;
            }
            let uri_template = self.text(item, "uriTemplate", &path);
            if let Some(template) = &uri_template
                && !template.starts_with('/')
            {
                self.error(
                    &format!("{path}.uriTemplate"),
                    format!("\"uriTemplate\" \"{template}\" must start with \"/\""),
                );
            }
            let uri_variables =
                self.uri_variables(item, &path, uri_template.as_deref(), properties);
            let status = self.count(item, "status", &path).and_then(|status| {
                let valid = (100..=599).contains(&status);
                if !valid {
                    self.error(
                        &format!("{path}.status"),
                        format!("\"status\" {status} is not an HTTP status"),
                    );
                }
                u16::try_from(status).ok().filter(|_| valid)
            });
            let version = self.version(item, &path);
            operations.push(Operation {
                kind,
                uri_template,
                uri_variables,
                version,
                security: self.security(item, &path, properties),
                description: self.text(item, "description", &path),
                status,
            });
        }
        operations
    }

    fn uri_variables(
        &mut self,
        operation: &Node,
        path: &str,
        template: Option<&str>,
        properties: &[&str],
    ) -> Vec<UriVariable> {
        let Some(node) = operation.get("uriVariables") else {
            return Vec::new();
        };
        let path = format!("{path}.uriVariables");
        if !matches!(node.value, Value::Map(_)) {
            self.error(
                &path,
                format!(
                    "\"uriVariables\" must be a mapping, not {}",
                    node.value.kind()
                ),
            );
            return Vec::new();
        }
        let in_template: Vec<&str> = template
            .map(|template| glue_common::template::variables(template).collect())
            .unwrap_or_default();
        let mut variables = Vec::new();
        for (key, value) in node.entries() {
            let here = format!("{path}.{}", key.name);
            if template.is_none() {
                self.error(
                    &here,
                    format!(
                        "uri variable \"{}\" needs a \"uriTemplate\" on its operation",
                        key.name
                    ),
                );
            } else if !in_template.contains(&key.name.as_str()) {
                self.error(
                    &here,
                    format!(
                        "uri variable \"{}\" does not appear in \"uriTemplate\" \"{}\"",
                        key.name,
                        template.unwrap_or_default()
                    ),
                );
            }
            let (from_class, to_property) = match &value.value {
                Value::Null => (None, None),
                Value::Map(_) => {
                    self.known_keys(value, &here, "a uri variable", &["fromClass", "toProperty"]);
                    (
                        self.text(value, "fromClass", &here),
                        self.text(value, "toProperty", &here),
                    )
                }
                other => {
                    self.error(
                        &here,
                        format!(
                            "uri variable \"{}\" must be a mapping with \"fromClass\" and \"toProperty\", not {}",
                            key.name,
                            other.kind()
                        ),
                    );
                    (None, None)
                }
            };
            if let Some(property) = &to_property
                && !properties.contains(&property.as_str())
            {
                let hint = did_you_mean(property, properties.iter().copied())
                    .map(|known| format!(" (did you mean \"{known}\"?)"))
                    .unwrap_or_default();
                self.error(
                    &format!("{here}.toProperty"),
                    format!(
                        "\"toProperty\" \"{property}\" is not a property of \"{}\"{hint}",
                        self.merged.name
                    ),
                );
            }
            variables.push(UriVariable {
                name: key.name.clone(),
                from_class,
                to_property,
            });
        }
        variables
    }

    fn properties(&mut self, name: &str) -> Vec<Property> {
        let merged = self.merged;
        let mut properties = Vec::new();
        let Some(node) = merged.resource.get("properties") else {
            self.error(
                "resource",
                format!("Resource \"{name}\" must declare at least one property"),
            );
            return properties;
        };
        if !matches!(node.value, Value::Map(_)) {
            self.error(
                "resource.properties",
                format!(
                    "\"properties\" must be a mapping, not {}",
                    node.value.kind()
                ),
            );
            return properties;
        }
        if node.entries().is_empty() {
            self.error(
                "resource.properties",
                format!("Resource \"{name}\" must declare at least one property"),
            );
        }
        for (key, value) in node.entries() {
            if let Some(property) = self.property(&key.name, value) {
                properties.push(property);
            }
        }
        properties
    }

    fn property(&mut self, name: &str, node: &Node) -> Option<Property> {
        let path = format!("resource.properties.{name}");
        if !is_property_name(name) {
            self.error(
                &path,
                format!(
                    "Property \"{name}\" cannot name a field: use letters and digits, starting with a letter (\"firstName\")"
                ),
            );
            return None;
        }
        self.known_keys(node, &path, "a property", &PROPERTY_KEYS);
        if !matches!(node.value, Value::Map(_)) {
            return None;
        }
        let Some(type_name) = self.text(node, "type", &path) else {
            if node.get("type").is_none() {
                self.error(
                    &path,
                    format!("Property \"{name}\" is missing required field \"type\""),
                );
            }
            return None;
        };
        let Some(ty) = PropertyType::from_name(&type_name) else {
            self.error(
                &format!("{path}.type"),
                format!(
                    "Property \"{name}\" has invalid type \"{type_name}\". Must be one of: {}",
                    PropertyType::names().join(", ")
                ),
            );
            return None;
        };
        let items = match self.text(node, "items", &path) {
            None => None,
            Some(_) if ty != PropertyType::Array => {
                self.error(
                    &format!("{path}.items"),
                    format!("Property \"{name}\" has \"items\" but is not an array"),
                );
                None
            }
            Some(item) => match PropertyType::from_name(&item) {
                Some(item) if !matches!(item, PropertyType::Array | PropertyType::Object) => {
                    Some(item)
                }
                _ => {
                    self.error(
                        &format!("{path}.items"),
                        format!(
                            "Property \"{name}\" has invalid item type \"{item}\". Must be one of: string, integer, number, boolean"
                        ),
                    );
                    None
                }
            },
        };
        let mut property = Property {
            name: name.to_owned(),
            ty,
            description: self.text(node, "description", &path),
            readable: self.flag(node, "readable", &path).unwrap_or(true),
            writable: self.flag(node, "writable", &path).unwrap_or(true),
            required: self.flag(node, "required", &path).unwrap_or(false),
            identifier: self.flag(node, "identifier", &path).unwrap_or(false),
            default: None,
            example: None,
            format: None,
            min_length: None,
            max_length: None,
            enum_values: Vec::new(),
            nullable: self.flag(node, "nullable", &path),
            filterable: self.flag(node, "filterable", &path).unwrap_or(true),
            sortable: self.flag(node, "sortable", &path).unwrap_or(true),
            items,
            rules: Rules::default(),
            group_rules: Vec::new(),
        };
        if property.nullable == Some(true) && (property.identifier || property.required) {
            self.error(
                &format!("{path}.nullable"),
                format!("Property \"{name}\" cannot be nullable: it is required or the identifier"),
            );
        }
        if let Some(default) = node.get("default") {
            let value = default.value.to_json();
            if matches!(ty, PropertyType::Array | PropertyType::Object) {
                self.error(
                    &format!("{path}.default"),
                    format!(
                        "Property \"{name}\" cannot have a default: defaults are for strings, numbers and booleans"
                    ),
                );
            } else if fits(ty, &value) {
                property.default = Some(value);
            } else {
                self.error(
                    &format!("{path}.default"),
                    format!(
                        "Property \"{name}\" has a default of the wrong type: {} is not of type {}",
                        value,
                        ty.name()
                    ),
                );
            }
        }
        if !property.readable && !property.writable {
            self.error(
                &path,
                format!("Property \"{name}\" is neither readable nor writable"),
            );
        }
        if property.identifier && ty != PropertyType::String && ty != PropertyType::Integer {
            self.error(
                &format!("{path}.identifier"),
                format!(
                    "Property \"{name}\" cannot be the identifier: an identifier is a string or an integer"
                ),
            );
        }
        if let Some(context) = node.get("openapiContext") {
            self.openapi_context(&mut property, context, &format!("{path}.openapiContext"));
        }
        Some(property)
    }

    fn openapi_context(&mut self, property: &mut Property, node: &Node, path: &str) {
        self.known_keys(node, path, "openapiContext", &OPENAPI_CONTEXT_KEYS);
        if !matches!(node.value, Value::Map(_)) {
            return;
        }
        if let Some(example) = node.get("example") {
            property.example = Some(example.value.to_json());
        }
        property.format = self.text(node, "format", path);
        if let Some(format) = &property.format
            && property.ty == PropertyType::String
            && matches!(format.as_str(), "float" | "double" | "int32" | "int64")
        {
            self.error(
                &format!("{path}.format"),
                format!(
                    "Property \"{}\" has the number format \"{format}\" but is a string",
                    property.name
                ),
            );
        }
        if property.description.is_none() {
            property.description = self.text(node, "description", path);
        }
        property.min_length = self.count(node, "minLength", path);
        property.max_length = self.count(node, "maxLength", path);
        if let (Some(min), Some(max)) = (property.min_length, property.max_length)
            && min > max
        {
            self.error(
                &format!("{path}.maxLength"),
                format!("\"maxLength\" ({max}) is below \"minLength\" ({min})"),
            );
        }
        let mut values = |reader: &mut Self, list: &Node, here: &str| {
            let Value::List(items) = &list.value else {
                reader.error(
                    here,
                    format!(
                        "\"enum\" must be a list of texts, not {}",
                        list.value.kind()
                    ),
                );
                return;
            };
            for item in items {
                match item.as_str() {
                    Some(text) => property.enum_values.push(text.to_owned()),
                    None => reader.error(
                        here,
                        format!("\"enum\" values must be texts, not {}", item.value.kind()),
                    ),
                }
            }
        };
        if let Some(list) = node.get("enum") {
            values(self, list, &format!("{path}.enum"));
        }
        if let Some(schema) = node.get("schema") {
            let here = format!("{path}.schema");
            self.known_keys(schema, &here, "openapiContext.schema", &["enum"]);
            if let Some(list) = schema.get("enum") {
                values(self, list, &format!("{here}.enum"));
            }
        }
    }

    /// Reads the merged validation schema: groups, properties and rules, each known.
    fn validation_rules(&mut self, name: &str, properties: &[Property]) {
        let Some(validation) = &self.merged.validation else {
            return;
        };
        let known: Vec<&str> = ["name", "codeBucket"]
            .into_iter()
            .chain(VALIDATION_GROUPS)
            .collect();
        self.known_keys(validation, "validation", "a validation schema", &known);
        for group in VALIDATION_GROUPS {
            let Some(node) = validation.get(group) else {
                continue;
            };
            let path = format!("validation.{group}");
            if !matches!(node.value, Value::Map(_)) {
                self.error(
                    &path,
                    format!("\"{group}\" must be a mapping of properties to rules"),
                );
                continue;
            }
            for (key, rules) in node.entries() {
                let here = format!("{path}.{}", key.name);
                if !properties.iter().any(|p| p.name == key.name) {
                    let names = properties.iter().map(|p| p.name.as_str());
                    let hint = did_you_mean(&key.name, names)
                        .map(|known| format!(" (did you mean \"{known}\"?)"))
                        .unwrap_or_default();
                    self.error(
                        &here,
                        format!(
                            "Validation rules for \"{}\", which is not a property of \"{name}\"{hint}",
                            key.name
                        ),
                    );
                    continue;
                }
                self.known_keys(rules, &here, "validation rules", &RULES);
                let found = self.rules(rules, &here);
                if let Some(property) = properties.iter().find(|p| p.name == key.name) {
                    self.rules_fit(property, &found, &here);
                }
            }
        }
    }

    /// Each rule is for the property's type: texts take `notBlank`, `email`, `url`, `length`
    /// and `choice`; lists take `length`; numbers take `range` (whole bounds for integers).
    fn rules_fit(&mut self, property: &Property, rules: &Rules, path: &str) {
        let text = property.ty == PropertyType::String;
        let mut misfits: Vec<&str> = Vec::new();
        for (rule, present, fits) in [
            ("notBlank", rules.not_blank, text),
            ("email", rules.email, text),
            ("url", rules.url, text),
            ("choice", !rules.choice.is_empty(), text),
            (
                "length",
                rules.length.is_some(),
                text || property.ty == PropertyType::Array,
            ),
            (
                "range",
                rules.range.is_some(),
                matches!(property.ty, PropertyType::Integer | PropertyType::Number),
            ),
        ] {
            if present && !fits {
                misfits.push(rule);
            }
        }
        for rule in misfits {
            self.error(
                &format!("{path}.{rule}"),
                format!(
                    "Rule \"{rule}\" does not apply to \"{}\", a property of type {}",
                    property.name,
                    property.ty.name()
                ),
            );
        }
        if property.ty == PropertyType::Integer
            && let Some((min, max)) = rules.range
            && [min, max]
                .into_iter()
                .flatten()
                .any(|bound| bound.fract() != 0.0)
        {
            self.error(
                &format!("{path}.range"),
                format!(
                    "\"range\" of \"{}\" needs whole bounds: it is an integer",
                    property.name
                ),
            );
        }
    }

    /// The rules of one property in one group.
    fn rules(&mut self, node: &Node, path: &str) -> Rules {
        let mut rules = Rules::default();
        for (key, value) in node.entries() {
            let here = format!("{path}.{}", key.name);
            match key.name.as_str() {
                "notBlank" | "email" | "url" => {
                    let on = match value.value {
                        Value::Bool(on) => on,
                        Value::Null => true,
                        _ => {
                            self.error(&here, format!("Rule \"{}\" takes true or false", key.name));
                            false
                        }
                    };
                    match key.name.as_str() {
                        "notBlank" => rules.not_blank = on,
                        "email" => rules.email = on,
                        _ => rules.url = on,
                    }
                }
                "length" => {
                    self.known_keys(value, &here, "rule \"length\"", &["min", "max"]);
                    let min = self.count(value, "min", &here);
                    let max = self.count(value, "max", &here);
                    if let (Some(min), Some(max)) = (min, max)
                        && min > max
                    {
                        self.error(&here, format!("\"length\" has max {max} below min {min}"));
                    }
                    rules.length = Some((min, max));
                }
                "range" => {
                    self.known_keys(value, &here, "rule \"range\"", &["min", "max"]);
                    let bound = |reader: &mut Self, which: &str| match value.get(which) {
                        None => None,
                        Some(Node {
                            value: Value::Int(number),
                            ..
                        }) =>
                        {
                            #[allow(clippy::cast_precision_loss)]
                            Some(*number as f64)
                        }
                        Some(Node {
                            value: Value::Float(number),
                            ..
                        }) => Some(*number),
                        Some(other) => {
                            reader.error(
                                &format!("{here}.{which}"),
                                format!("\"range\" bounds are numbers, not {}", other.value.kind()),
                            );
                            None
                        }
                    };
                    let min = bound(self, "min");
                    let max = bound(self, "max");
                    rules.range = Some((min, max));
                }
                "choice" => match &value.value {
                    Value::List(items) if items.iter().all(|item| item.as_str().is_some()) => {
                        rules.choice = items
                            .iter()
                            .filter_map(|item| item.as_str().map(ToOwned::to_owned))
                            .collect();
                    }
                    _ => self.error(&here, "Rule \"choice\" takes a list of texts"),
                },
                _ => {}
            }
        }
        rules
    }

    /// Puts each property's rules on it: those every write group of the resource shares
    /// (`validator` rules on the field), and what each group adds (checked for that group's
    /// writes alone). A group for an operation the resource does not declare is a mistake.
    fn apply_rules(&mut self, properties: &mut [Property], operations: &[Operation]) {
        let Some(validation) = self.merged.validation.clone() else {
            return;
        };
        let groups: Vec<&str> = VALIDATION_GROUPS
            .into_iter()
            .zip([
                OperationKind::Post,
                OperationKind::Put,
                OperationKind::Patch,
            ])
            .filter(|(_, kind)| operations.iter().any(|op| op.kind == *kind))
            .map(|(group, _)| group)
            .collect();
        for (group, kind) in VALIDATION_GROUPS.into_iter().zip(["Post", "Put", "Patch"]) {
            if !groups.contains(&group) && validation.get(group).is_some() {
                self.error(
                    &format!("validation.{group}"),
                    format!(
                        "Validation group \"{group}\" has rules, but \"{}\" declares no {kind} operation",
                        self.merged.name
                    ),
                );
            }
        }
        for property in properties.iter_mut() {
            let by_group: Vec<(&str, Rules)> = groups
                .iter()
                .map(|group| {
                    let rules = validation
                        .get(group)
                        .and_then(|node| node.get(&property.name))
                        .map(|rules| {
                            let mut quiet = Reader {
                                merged: self.merged,
                                problems: Vec::new(),
                            };
                            quiet.rules(rules, &format!("validation.{group}.{}", property.name))
                        })
                        .unwrap_or_default();
                    (*group, rules)
                })
                .collect();
            let Some((_, first)) = by_group.first() else {
                continue;
            };
            let common = by_group
                .iter()
                .fold(first.clone(), |common, (_, rules)| common.shared(rules));
            for (group, rules) in &by_group {
                let extra = rules.beyond(&common);
                if !extra.is_empty() {
                    property.group_rules.push(((*group).to_owned(), extra));
                }
            }
            property.rules = common;
        }
    }

    fn includes(&mut self, properties: &[&str]) -> Vec<Include> {
        let merged = self.merged;
        let Some(list) = merged.resource.get("includes") else {
            return Vec::new();
        };
        let Value::List(items) = &list.value else {
            self.error(
                "resource.includes",
                format!("\"includes\" must be a list, not {}", list.value.kind()),
            );
            return Vec::new();
        };
        let mut includes = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let name = item.get("relationshipName").and_then(Node::as_str);
            let path = match name {
                Some(name) => format!("resource.includes[{name}]"),
                None => format!("resource.includes[{index}]"),
            };
            self.known_keys(
                item,
                &path,
                "an include",
                &[
                    "relationshipName",
                    "targetResource",
                    "uriVariableMappings",
                    "many",
                    "description",
                ],
            );
            let (Some(name), Some(target)) = (
                self.text(item, "relationshipName", &path),
                self.text(item, "targetResource", &path),
            ) else {
                self.error(
                    &path,
                    "An include needs \"relationshipName\" and \"targetResource\"",
                );
                continue;
            };
            let mappings = self.mappings(item, &path);
            if mappings.is_empty() {
                self.error(
                    &path,
                    format!(
                        "Include \"{name}\" needs \"uriVariableMappings\": which of this resource's properties matches which of \"{target}\"'s"
                    ),
                );
            }
            for (own, _) in &mappings {
                if !properties.contains(&own.as_str()) {
                    self.error(
                        &format!("{path}.uriVariableMappings.{own}"),
                        format!(
                            "\"{own}\" in \"uriVariableMappings\" is not a property of \"{}\"",
                            merged.name
                        ),
                    );
                }
            }
            includes.push(Include {
                relationship_name: name,
                target_resource: target,
                uri_variable_mappings: mappings,
                many: self.flag(item, "many", &path).unwrap_or(true),
                description: self.text(item, "description", &path),
            });
        }
        includes
    }

    fn includable_in(&mut self) -> Vec<IncludableIn> {
        let merged = self.merged;
        let Some(list) = merged.resource.get("includableIn") else {
            return Vec::new();
        };
        let Value::List(items) = &list.value else {
            self.error(
                "resource.includableIn",
                format!("\"includableIn\" must be a list, not {}", list.value.kind()),
            );
            return Vec::new();
        };
        let mut found = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let path = match crate::merge::identity(item) {
                Some(id) => format!("resource.includableIn[{id}]"),
                None => format!("resource.includableIn[{index}]"),
            };
            self.known_keys(
                item,
                &path,
                "an includableIn entry",
                &["resource", "relationshipName", "uriVariableMappings"],
            );
            let (Some(resource), Some(name)) = (
                self.text(item, "resource", &path),
                self.text(item, "relationshipName", &path),
            ) else {
                self.error(
                    &path,
                    "An includableIn entry needs \"resource\" and \"relationshipName\"",
                );
                continue;
            };
            found.push(IncludableIn {
                resource,
                relationship_name: name,
                uri_variable_mappings: self.mappings(item, &path),
            });
        }
        found
    }

    fn mappings(&mut self, item: &Node, path: &str) -> Vec<(String, String)> {
        let Some(node) = item.get("uriVariableMappings") else {
            return Vec::new();
        };
        let here = format!("{path}.uriVariableMappings");
        if !matches!(node.value, Value::Map(_)) {
            self.error(
                &here,
                format!(
                    "\"uriVariableMappings\" must be a mapping, not {}",
                    node.value.kind()
                ),
            );
            return Vec::new();
        }
        let mut mappings = Vec::new();
        for (key, value) in node.entries() {
            match value.as_str() {
                Some(theirs) => mappings.push((key.name.clone(), theirs.to_owned())),
                None => self.error(
                    &format!("{here}.{}", key.name),
                    "A uri variable mapping names a property of the target",
                ),
            }
        }
        mappings
    }
}

/// The checks between resources of one API type.
fn references(
    merged: &Merged,
    schema: &ResourceSchema,
    all: &[&ResourceSchema],
) -> Vec<Diagnostic> {
    let mut reader = Reader {
        merged,
        problems: Vec::new(),
    };
    let names: Vec<&str> = {
        let mut names: Vec<&str> = all.iter().map(|other| other.name.as_str()).collect();
        names.dedup();
        names
    };
    for include in &schema.includes {
        let path = format!("resource.includes[{}]", include.relationship_name);
        // The base resource of the target (its variants share its URL).
        let Some(target) = all
            .iter()
            .find(|other| other.name == include.target_resource && other.code_bucket.is_none())
        else {
            let hint = did_you_mean(&include.target_resource, names.iter().copied())
                .map(|known| format!(" (did you mean \"{known}\"?)"))
                .unwrap_or_default();
            reader.error(
                &format!("{path}.targetResource"),
                format!(
                    "Include \"{}\" targets \"{}\", which is not a valid {} resource{hint}",
                    include.relationship_name, include.target_resource, schema.api_type
                ),
            );
            continue;
        };
        for (_, theirs) in &include.uri_variable_mappings {
            if target.property(theirs).is_none() {
                reader.error(
                    &format!("{path}.uriVariableMappings"),
                    format!(
                        "\"{theirs}\" in \"uriVariableMappings\" is not a property of \"{}\"",
                        target.name
                    ),
                );
            }
        }
        let matching = target.includable_in.iter().find(|entry| {
            entry.resource == schema.name && entry.relationship_name == include.relationship_name
        });
        match matching {
            None => reader.error(
                &path,
                format!(
                    "Include \"{}\" of \"{}\" has no matching \"includableIn\" in \"{}\" (resource: {}, relationshipName: {})",
                    include.relationship_name,
                    schema.name,
                    target.name,
                    schema.name,
                    include.relationship_name
                ),
            ),
            Some(entry) if entry.uri_variable_mappings != include.uri_variable_mappings => {
                reader.error(
                    &format!("{path}.uriVariableMappings"),
                    format!(
                        "Include \"{}\" of \"{}\" maps other uri variables than the \"includableIn\" of \"{}\"",
                        include.relationship_name, schema.name, target.name
                    ),
                );
            }
            Some(_) => {}
        }
    }
    for entry in &schema.includable_in {
        let path = format!(
            "resource.includableIn[{}.{}]",
            entry.resource, entry.relationship_name
        );
        let declared = all.iter().any(|other| {
            other.name == entry.resource
                && other.includes.iter().any(|include| {
                    include.relationship_name == entry.relationship_name
                        && include.target_resource == schema.name
                })
        });
        if !declared {
            reader.error(
                &path,
                format!(
                    "\"{}\" is includable in \"{}\" as \"{}\", but \"{}\" has no such include",
                    schema.name, entry.resource, entry.relationship_name, entry.resource
                ),
            );
        }
    }
    for operation in &schema.operations {
        for variable in &operation.uri_variables {
            let Some(class) = &variable.from_class else {
                continue;
            };
            if !all.iter().any(|other| other.struct_name == *class) {
                let classes = all.iter().map(|other| other.struct_name.as_str());
                let hint = did_you_mean(class, classes)
                    .map(|known| format!(" (did you mean \"{known}\"?)"))
                    .unwrap_or_default();
                reader.error(
                    &format!(
                        "resource.operations[{}].uriVariables.{}.fromClass",
                        operation.kind.name(),
                        variable.name
                    ),
                    format!(
                        "\"fromClass\" \"{class}\" is not a generated {} resource{hint}",
                        schema.api_type
                    ),
                );
            }
        }
    }
    reader.problems
}

/// `{Name}{Bucket}{ApiType}Resource`: `CustomersBackendResource`, `StoresEuBackendResource`.
#[must_use]
pub fn struct_name(name: &str, code_bucket: Option<&str>, api_type: &str) -> String {
    let mut out = upper_camel(name);
    if let Some(bucket) = code_bucket {
        let mut chars = bucket.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out.push_str(&upper_camel(api_type));
    out.push_str("Resource");
    out
}

/// `customers-addresses` -> `CustomersAddresses`; `CustomersAddresses` stays.
fn upper_camel(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// A path with `/` between its parts, whatever the platform.
pub(crate) fn display_path(path: &std::path::Path) -> String {
    path.components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A path such as `crate::customers::CustomerStore` or `my_crate::Store`.
fn is_rust_path(path: &str) -> bool {
    let path = path.strip_prefix("::").unwrap_or(path);
    !path.is_empty()
        && path.split("::").all(|segment| {
            segment.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                && segment != "_"
        })
}

/// A property name that makes a field: ASCII letters and digits, starting with a letter.
fn is_property_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Whether a default value is of the property's type.
fn fits(ty: PropertyType, value: &serde_json::Value) -> bool {
    match ty {
        PropertyType::String => value.is_string(),
        PropertyType::Integer => value.is_i64() || value.is_u64(),
        PropertyType::Number => value.is_number(),
        PropertyType::Boolean => value.is_boolean(),
        PropertyType::Array => value.is_array(),
        PropertyType::Object => value.is_object(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_names_follow_the_pattern() {
        assert_eq!(
            struct_name("Customers", None, "backend"),
            "CustomersBackendResource"
        );
        assert_eq!(
            struct_name("Stores", Some("EU"), "backend"),
            "StoresEuBackendResource"
        );
        assert_eq!(
            struct_name("customers-addresses", None, "storefront"),
            "CustomersAddressesStorefrontResource"
        );
    }

    #[test]
    fn rust_paths_are_recognised() {
        assert!(is_rust_path("crate::customers::CustomerStore"));
        assert!(is_rust_path("::shop::Store"));
        assert!(!is_rust_path("Pyz\\Glue\\Customer\\Provider"));
        assert!(!is_rust_path("crate::"));
        assert!(!is_rust_path("a b"));
    }
}
