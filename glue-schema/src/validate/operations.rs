//! Operations: their types, URI templates and variables, security and versions.

use glue_common::OperationKind;
use glue_security::{Expression, Schema};

use super::{OPERATION_KEYS, OPERATION_TYPES, Reader};
use crate::model::{Operation, Security, UriVariable};
use crate::node::{Node, Value};
use crate::report::did_you_mean;

impl Reader<'_> {
    pub(super) fn security(&mut self, node: &Node, path: &str, properties: &[&str]) -> Security {
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

    pub(super) fn operations(&mut self, name: &str, properties: &[&str]) -> Vec<Operation> {
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

    pub(super) fn uri_variables(
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
}
