//! JSON Schemas of JSON:API documents (SPEC §3), for the OpenAPI document (SPEC §10.1).

use glue_core::convention::schema::{ClientId, DocumentKind, SchemaSet};
use serde_json::{Map, Value, json};

/// `{"version": "1.1"}`.
fn jsonapi_object() -> Value {
    json!({
        "type": "object",
        "properties": {"version": {"type": "string"}},
    })
}

/// A resource object of any type, as `included` holds them.
fn any_resource() -> Value {
    json!({
        "type": "object",
        "required": ["type", "id"],
        "properties": {
            "type": {"type": "string"},
            "id": {"type": "string"},
            "attributes": {"type": "object"},
            "relationships": {"type": "object"},
            "links": {"type": "object"},
        },
    })
}

/// `{"type": ..., "id": ...}`.
fn identifier_object() -> Value {
    json!({
        "type": "object",
        "required": ["type", "id"],
        "properties": {"type": {"type": "string"}, "id": {"type": "string"}},
        "additionalProperties": false,
    })
}

/// A resource object of the described type, as answers write it.
fn resource(set: &SchemaSet) -> Value {
    let meta = set.resource();
    let mut relationships = Map::new();
    for (name, many) in set.relationships() {
        let data = if many {
            json!({"type": "array", "items": identifier_object()})
        } else {
            json!({"anyOf": [identifier_object(), {"type": "null"}]})
        };
        relationships.insert(
            name.to_owned(),
            json!({
                "type": "object",
                "properties": {
                    "links": {
                        "type": "object",
                        "properties": {"related": {"type": "string"}},
                    },
                    "data": data,
                },
                "additionalProperties": false,
            }),
        );
    }
    json!({
        "type": "object",
        "required": ["type", "id"],
        "properties": {
            "type": {"const": meta.short_name},
            "id": {"type": "string"},
            "attributes": set.readable(false),
            "relationships": {
                "type": "object",
                "properties": relationships,
                "additionalProperties": false,
            },
            "links": {
                "type": "object",
                "properties": {"self": {"type": "string"}},
            },
        },
        "additionalProperties": false,
    })
}

/// The request document of a write: `type`, the `id` where one may be sent, `attributes`.
fn request(set: &SchemaSet) -> Value {
    let meta = set.resource();
    let attributes = set.writable();
    let mut required = vec![json!("type")];
    if attributes.get("required").is_some() {
        required.push(json!("attributes"));
    }
    let mut properties = Map::new();
    properties.insert("type".into(), json!({"const": meta.short_name}));
    // A client-chosen id is the identifier's value, with its bounds, written as a string.
    let id = || match set.identifier() {
        Some(schema) if schema["type"] == "string" => schema,
        _ => json!({"type": "string"}),
    };
    match set.client_id() {
        ClientId::Forbidden => {}
        ClientId::Optional => {
            properties.insert("id".into(), id());
        }
        ClientId::Required => {
            properties.insert("id".into(), id());
            required.push(json!("id"));
        }
    }
    properties.insert("attributes".into(), attributes);
    properties.insert("relationships".into(), json!({"type": "object"}));
    json!({
        "type": "object",
        "required": ["data"],
        "properties": {
            "data": {
                "type": "object",
                "required": required,
                "properties": properties,
                "additionalProperties": false,
            },
        },
    })
}

/// The document of a resource (SPEC §3.1 to §3.3, §3.7).
pub(crate) fn document(set: &SchemaSet) -> Value {
    match set.document() {
        DocumentKind::Item => json!({
            "type": "object",
            "required": ["data"],
            "properties": {
                "jsonapi": jsonapi_object(),
                "data": resource(set),
                "included": {"type": "array", "items": any_resource()},
                "links": {
                    "type": "object",
                    "properties": {"self": {"type": "string"}},
                },
            },
            "additionalProperties": false,
        }),
        DocumentKind::Collection => json!({
            "type": "object",
            "required": ["data"],
            "properties": {
                "jsonapi": jsonapi_object(),
                "data": {"type": "array", "items": resource(set)},
                "included": {"type": "array", "items": any_resource()},
                "links": {
                    "type": "object",
                    "properties": {
                        "self": {"type": "string"},
                        "first": {"type": "string"},
                        "prev": {"type": "string"},
                        "next": {"type": "string"},
                        "last": {"type": "string"},
                    },
                },
                "meta": {
                    "type": "object",
                    "properties": {
                        "page": {"type": "integer", "minimum": 1},
                        "pages": {"type": "integer", "minimum": 1},
                        "records": {"type": "integer", "minimum": 0},
                        "records_per_page": {"type": "integer", "minimum": 0},
                        "records_total": {"type": "integer", "minimum": 0},
                    },
                },
            },
            "additionalProperties": false,
        }),
        _ => request(set),
    }
}

/// The error document (SPEC §3.8).
pub(crate) fn errors() -> Value {
    json!({
        "type": "object",
        "required": ["errors"],
        "properties": {
            "jsonapi": jsonapi_object(),
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["status", "code", "title"],
                    "properties": {
                        "status": {"type": "string"},
                        "code": {"type": "string"},
                        "title": {"type": "string"},
                        "detail": {"type": "string"},
                        "source": {
                            "type": "object",
                            "properties": {
                                "pointer": {"type": "string"},
                                "parameter": {"type": "string"},
                                "header": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
        "additionalProperties": false,
    })
}
