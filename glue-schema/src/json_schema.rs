//! A JSON Schema of the two file formats, so that editors validate and complete them (a
//! file's first line `# yaml-language-server: $schema=<path>` names it).

use glue_common::PropertyType;
use serde_json::{Value, json};

use crate::validate::{OPERATION_TYPES, RULES, VALIDATION_GROUPS};

/// The JSON Schema (draft 2020-12) of `*.resource.yml` and `*.validation.yml`: a document
/// is either a `resource:` or a `validation:` mapping.
#[must_use]
pub fn json_schema() -> Value {
    let text = json!({"type": "string"});
    let flag = json!({"type": "boolean"});
    let count = json!({"type": "integer", "minimum": 0});
    let expression = json!({
        "type": "string",
        "description": "A security expression: is_granted('ROLE_ADMIN'), object.owner == user.id, and, or, not"
    });
    let security = |of: &str| {
        json!({
            "security": {"$ref": "#/$defs/expression", "description": format!("Checked before the {of} is processed")},
            "securityMessage": {"type": "string", "description": "The message of a refusal by security"},
            "securityPostDenormalize": {"$ref": "#/$defs/expression", "description": "Checked once the body is read; `object` is the item"},
            "securityPostDenormalizeMessage": {"type": "string"},
            "securityPostValidation": {"$ref": "#/$defs/expression", "description": "Checked once the item is valid"},
            "securityPostValidationMessage": {"type": "string"}
        })
    };
    let mut resource_properties = json!({
        "name": {"type": "string", "minLength": 1, "description": "The internal name; layers merge by it"},
        "shortName": {"type": "string", "minLength": 1, "description": "The URL name: `Customer` becomes /customers; `customers-addresses` stays"},
        "description": {"type": "string"},
        "codeBucket": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9]*$", "description": "The code bucket of a variant (EU, AT)"},
        "provider": {"$ref": "#/$defs/rustPath", "description": "The provider: a Rust path"},
        "processor": {"$ref": "#/$defs/rustPath", "description": "The processor: a Rust path"},
        "paginationEnabled": flag,
        "paginationItemsPerPage": {"type": "integer", "minimum": 1},
        "paginationMaximumItemsPerPage": {"type": "integer", "minimum": 1},
        "paginationClientEnabled": flag,
        "paginationClientItemsPerPage": flag,
        "paginationForm": {"type": "string", "description": "The strategy of the page links: offset, page"},
        "table": {"type": "string", "description": "The SQL table a SQL store serves the resource from"},
        "version": {"type": ["string", "number"], "description": "The version this declaration is (2.0)"},
        "operations": {"type": "array", "items": {"$ref": "#/$defs/operation"}, "minItems": 1},
        "properties": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^[A-Za-z][A-Za-z0-9]*$"},
            "additionalProperties": {"$ref": "#/$defs/property"}
        },
        "includes": {"type": "array", "items": {"$ref": "#/$defs/include"}},
        "includableIn": {"type": "array", "items": {"$ref": "#/$defs/includableIn"}}
    });
    merge_object(&mut resource_properties, security("request"));
    let mut operation_properties = json!({
        "type": {"enum": OPERATION_TYPES},
        "uriTemplate": {"type": "string", "pattern": "^/"},
        "uriVariables": {
            "type": "object",
            "additionalProperties": {
                "type": ["object", "null"],
                "properties": {
                    "fromClass": {"type": "string", "description": "The generated struct the variable belongs to"},
                    "toProperty": {"type": "string", "description": "This resource's property holding the value"}
                },
                "additionalProperties": false
            }
        },
        "description": text,
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "version": {"type": ["string", "number"], "description": "The version of this operation"}
    });
    merge_object(&mut operation_properties, security("operation"));
    let bounds = json!({
        "type": "object",
        "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
        "additionalProperties": false
    });
    let mut rules = serde_json::Map::new();
    for rule in RULES {
        let schema = match rule {
            "length" | "range" => bounds.clone(),
            "choice" => json!({"type": "array", "items": {"type": "string"}}),
            _ => json!({"type": ["boolean", "null"]}),
        };
        rules.insert(rule.to_owned(), schema);
    }
    let mut groups = serde_json::Map::new();
    for group in VALIDATION_GROUPS {
        groups.insert(
            group.to_owned(),
            json!({
                "type": "object",
                "description": format!("Rules by property for the {group} operation"),
                "additionalProperties": {"$ref": "#/$defs/rules"}
            }),
        );
    }
    groups.insert("name".to_owned(), json!({"type": "string", "minLength": 1}));
    groups.insert(
        "codeBucket".to_owned(),
        json!({"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9]*$"}),
    );
    let property = json!({
        "type": "object",
        "properties": {
            "type": {"enum": PropertyType::names()},
            "description": text,
            "readable": flag,
            "writable": flag,
            "required": flag,
            "identifier": flag,
            "nullable": flag,
            "filterable": flag,
            "sortable": flag,
            "default": {"type": ["string", "number", "boolean"]},
            "items": {"enum": ["string", "integer", "number", "boolean"]},
            "openapiContext": {
                "type": "object",
                "properties": {
                    "example": {},
                    "format": text,
                    "description": text,
                    "minLength": count,
                    "maxLength": count,
                    "enum": {"type": "array", "items": {"type": "string"}},
                    "schema": {
                        "type": "object",
                        "properties": {"enum": {"type": "array", "items": {"type": "string"}}},
                        "additionalProperties": false
                    }
                },
                "additionalProperties": false
            }
        },
        "additionalProperties": false
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://glue.rs/schemas/api-resource-schema-v1.json",
        "title": "Glue resource and validation schema files",
        "oneOf": [
            {
                "type": "object",
                "properties": {"resource": {"$ref": "#/$defs/resource"}},
                "required": ["resource"],
                "additionalProperties": false
            },
            {
                "type": "object",
                "properties": {"validation": {"$ref": "#/$defs/validation"}},
                "required": ["validation"],
                "additionalProperties": false
            }
        ],
        "$defs": {
            "expression": expression,
            "rustPath": {"type": "string", "pattern": "^(::)?[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$"},
            "resource": {
                "type": "object",
                "properties": resource_properties,
                "required": ["name"],
                "additionalProperties": false
            },
            "operation": {
                "type": "object",
                "properties": operation_properties,
                "required": ["type"],
                "additionalProperties": false
            },
            "property": property,
            "include": {
                "type": "object",
                "properties": {
                    "relationshipName": text,
                    "targetResource": text,
                    "uriVariableMappings": {"type": "object", "additionalProperties": {"type": "string"}},
                    "many": flag,
                    "description": text
                },
                "required": ["relationshipName", "targetResource", "uriVariableMappings"],
                "additionalProperties": false
            },
            "includableIn": {
                "type": "object",
                "properties": {
                    "resource": text,
                    "relationshipName": text,
                    "uriVariableMappings": {"type": "object", "additionalProperties": {"type": "string"}}
                },
                "required": ["resource", "relationshipName"],
                "additionalProperties": false
            },
            "validation": {
                "type": "object",
                "properties": groups,
                "required": ["name"],
                "additionalProperties": false
            },
            "rules": {
                "type": "object",
                "properties": rules,
                "additionalProperties": false
            }
        }
    })
}

fn merge_object(into: &mut Value, more: Value) {
    if let (Some(into), Value::Object(more)) = (into.as_object_mut(), more) {
        into.extend(more);
    }
}
