//! Properties: types, flags, defaults and the OpenAPI context.

use glue_common::PropertyType;

use super::{OPENAPI_CONTEXT_KEYS, PROPERTY_KEYS, Reader};
use crate::model::{Property, Rules};
use crate::node::{Node, Value};

impl Reader<'_> {
    pub(super) fn properties(&mut self, name: &str) -> Vec<Property> {
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

    pub(super) fn property(&mut self, name: &str, node: &Node) -> Option<Property> {
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

    pub(super) fn openapi_context(&mut self, property: &mut Property, node: &Node, path: &str) {
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
}

/// A property name that makes a field: ASCII letters and digits, starting with a letter.
pub(super) fn is_property_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Whether a default value is of the property's type.
pub(super) fn fits(ty: PropertyType, value: &serde_json::Value) -> bool {
    match ty {
        PropertyType::String => value.is_string(),
        PropertyType::Integer => value.is_i64() || value.is_u64(),
        PropertyType::Number => value.is_number(),
        PropertyType::Boolean => value.is_boolean(),
        PropertyType::Array => value.is_array(),
        PropertyType::Object => value.is_object(),
    }
}
