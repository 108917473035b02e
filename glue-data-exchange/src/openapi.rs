//! The configured entities in the backend's OpenAPI document (SPEC §9.7): for every active
//! configuration, its two paths with the methods it serves, and schemas built from its fields
//! (types, required, bounds; fields neither creatable nor editable are `readOnly`). Asked on
//! every request for the document, so a saved configuration shows at once.

use std::sync::Arc;

use glue_core::body::BoxFuture;
use glue_core::model::{ApiModel, LiveDocument, LivePaths};
use serde_json::{Map, Value, json};

use crate::DataExchangeInner;
use crate::config::{Configuration, Field, FieldType};

/// Describes the entities.
pub(crate) struct Entities {
    pub(crate) exchange: Arc<DataExchangeInner>,
}

impl LiveDocument for Entities {
    fn describe<'a>(&'a self, model: &'a ApiModel) -> BoxFuture<'a, LivePaths> {
        Box::pin(async move {
            let mut live = LivePaths::default();
            // A database that cannot be read leaves the entities out of this one answer.
            let Ok(loaded) = self.exchange.registry.current().await else {
                return live;
            };
            let security: Vec<Value> = model
                .security_schemes()
                .iter()
                .map(|(name, _)| json!({ *name: [] }))
                .collect();
            let mut active: Vec<&Configuration> =
                loaded.all().iter().filter(|c| c.is_active).collect();
            active.sort_by(|a, b| a.table_alias.cmp(&b.table_alias));
            for configuration in active {
                entity(configuration, &security, &mut live);
            }
            live
        })
    }
}

/// An error answer, in either convention.
pub(crate) fn error(description: &str) -> Value {
    json!({"description": description, "content": {
        "application/vnd.api+json": {"schema": {"type": "object", "required": ["errors"],
            "properties": {"errors": {"type": "array", "items": {"type": "object"}}}}},
        "application/json": {"schema": {"type": "array", "items": {"type": "object",
            "properties": {"message": {"type": "string"}, "status": {"type": "integer"},
                           "code": {"type": "string"}}}}},
    }})
}

/// The paths, tag and schemas of one entity.
fn entity(configuration: &Configuration, security: &[Value], live: &mut LivePaths) {
    let alias = configuration.table_alias.as_str();
    let name = |part: &str| format!("dynamic-entity.{alias}.{part}");
    let reference = |part: &str| json!({"$ref": format!("#/components/schemas/{}", name(part))});
    live.schemas.insert(name("Row"), row(configuration));
    live.schemas
        .insert(name("Create"), body(configuration, Body::Create));
    live.schemas
        .insert(name("Change"), body(configuration, Body::Change));
    live.schemas
        .insert(name("ChangeOne"), body(configuration, Body::ChangeOne));
    live.tags.push(json!({"name": format!("dynamic-entity/{alias}"),
        "description": format!("Rows of the table `{}` (Data Exchange API).", configuration.table_name)}));

    let operation = Operation {
        alias,
        security,
        row: reference("Row"),
    };
    let many = |part: &str| {
        json!({"type": "object", "required": ["data"], "properties": {
        "data": {"type": "array", "minItems": 1, "maxItems": 1000, "items": reference(part)}}})
    };
    let one = |part: &str| {
        json!({"type": "object", "required": ["data"], "properties": {
        "data": reference(part)}})
    };
    let mut collection = Map::new();
    collection.insert("get".into(), operation.read(true, configuration));
    collection.insert(
        "post".into(),
        operation.write("post", true, &many("Create"), "201"),
    );
    collection.insert(
        "patch".into(),
        operation.write("patch", true, &many("Change"), "200"),
    );
    collection.insert(
        "put".into(),
        operation.write("put", true, &many("Change"), "200"),
    );
    let mut item = Map::new();
    item.insert("get".into(), operation.read(false, configuration));
    item.insert(
        "patch".into(),
        operation.write("patch", false, &one("ChangeOne"), "200"),
    );
    item.insert(
        "put".into(),
        operation.write("put", false, &one("ChangeOne"), "200"),
    );
    // The route serves DELETE for every entity (Allow says so); a non-deletable one answers
    // 405 with code 1318.
    collection.insert("delete".into(), operation.delete(true, configuration));
    item.insert("delete".into(), operation.delete(false, configuration));
    let id = json!({"name": "id", "in": "path", "required": true,
                    "description": "The row's identifier.", "schema": {"type": "string"}});
    item.insert("parameters".into(), json!([id]));
    live.paths.insert(
        format!("/dynamic-entity/{alias}"),
        Value::Object(collection),
    );
    live.paths.insert(
        format!("/dynamic-entity/{alias}/{{id}}"),
        Value::Object(item),
    );
}

/// What the operations of one entity share.
struct Operation<'a> {
    alias: &'a str,
    security: &'a [Value],
    row: Value,
}

impl Operation<'_> {
    /// The documents of an answer with rows: JSON:API resources or plain rows.
    fn answer(&self, list: bool) -> Value {
        let resource = json!({"type": "object", "required": ["type", "id", "attributes"],
            "properties": {"type": {"const": self.alias}, "id": {"type": "string"},
                           "attributes": {"type": "object"}, "relationships": {"type": "object"},
                           "links": {"type": "object"}}});
        let (jsonapi, plain) = if list {
            (
                json!({"type": "array", "items": resource}),
                json!({"type": "array", "items": self.row}),
            )
        } else {
            (resource, self.row.clone())
        };
        json!({
            "application/vnd.api+json": {"schema": {"type": "object", "required": ["data"],
                "properties": {"data": jsonapi, "included": {"type": "array", "items": {"type": "object"}},
                               "links": {"type": "object"}, "meta": {"type": "object"}}}},
            "application/json": {"schema": {"type": "object", "required": ["data"],
                "properties": {"data": plain, "meta": {"type": "object"}}}},
        })
    }

    fn common(&self, method: &str, list: bool, summary: String) -> Map<String, Value> {
        let mut operation = Map::new();
        operation.insert(
            "tags".into(),
            json!([format!("dynamic-entity/{}", self.alias)]),
        );
        let scope = if list { "collection" } else { "item" };
        operation.insert(
            "operationId".into(),
            format!("dynamic-entity.{}.{scope}.{method}", self.alias).into(),
        );
        operation.insert("summary".into(), summary.into());
        if !self.security.is_empty() {
            operation.insert("security".into(), Value::Array(self.security.to_vec()));
        }
        operation.insert("responses".into(), errors());
        operation
    }

    fn read(&self, list: bool, configuration: &Configuration) -> Value {
        let summary = if list {
            format!("Lists rows of {}", self.alias)
        } else {
            format!("Reads one row of {}", self.alias)
        };
        let mut operation = self.common("get", list, summary);
        let mut parameters = vec![json!({"name": "include", "in": "query",
            "description": "Relations whose rows to nest, comma-separated chains (`a.b`).",
            "schema": {"type": "string"}})];
        if list {
            parameters.extend(filters(configuration));
            parameters.extend(paging(self.alias));
        }
        operation.insert("parameters".into(), Value::Array(parameters));
        operation["responses"]["200"] =
            json!({"description": "The rows.", "content": self.answer(list)});
        if list {
            let range = json!({"Content-Range": {"schema": {"type": "string"}}});
            operation["responses"]["206"] = json!({"description": "The rows of the range.",
                "headers": range, "content": self.answer(list)});
            operation["responses"]["416"] = error("The range starts past the last row.");
            operation["responses"]["416"]["headers"] = range;
        }
        Value::Object(operation)
    }

    fn write(&self, method: &str, list: bool, request: &Value, success: &str) -> Value {
        let what = if list { "rows" } else { "the row" };
        let summary = match method {
            "post" => format!("Creates rows of {}", self.alias),
            "put" => format!("Creates or replaces {what} of {}", self.alias),
            _ => format!("Changes {what} of {}", self.alias),
        };
        let mut operation = self.common(method, list, summary);
        operation.insert("parameters".into(), json!([{"name": "X-Is-Transactional", "in": "header",
            "description": "`false` saves each item on its own, answering failures in `meta.errors`.",
            "schema": {"type": "string", "enum": ["true", "false"]}}]));
        operation.insert(
            "requestBody".into(),
            json!({"required": true, "content": {
                "application/json": {"schema": request},
                "application/vnd.api+json": {"schema": request},
            }}),
        );
        operation["responses"][success] =
            json!({"description": "The rows written.", "content": self.answer(list)});
        Value::Object(operation)
    }

    fn delete(&self, list: bool, configuration: &Configuration) -> Value {
        let summary = if list {
            format!("Deletes the rows of {} a filter names", self.alias)
        } else {
            format!("Deletes one row of {}", self.alias)
        };
        let summary = if configuration.definition.is_deletable {
            summary
        } else {
            format!("{summary} (not deletable: 405)")
        };
        let mut operation = self.common("delete", list, summary);
        if list {
            operation.insert("parameters".into(), Value::Array(filters(configuration)));
        }
        operation["responses"]["204"] = json!({"description": "Deleted."});
        Value::Object(operation)
    }
}

/// The error answers every operation may give.
fn errors() -> Value {
    json!({
        "400": error("A parameter or the body is malformed."),
        "401": error("Credentials are missing or not valid."),
        "403": error("The entity needs another role."),
        "404": error("No such row, or no such entity."),
        "405": error("The entity's rows may not be deleted."),
        "406": error("Accept names neither JSON:API nor plain JSON."),
        "409": error("A value is already taken, or a reference does not exist."),
        "413": error("The body is too large."),
        "414": {"description": "The URI is longer than 8 KiB (an error document up to 64 KiB, an empty body beyond)."},
        "415": error("The body is neither JSON:API nor plain JSON."),
        "422": error("A value does not follow the configuration."),
        "503": error("The database is busy; try again."),
    })
}

/// The QueryBuilder filter, sort, and the parameters of every page form.
fn paging(alias: &str) -> Vec<Value> {
    let mut parameters = vec![
        json!({"name": "filter", "in": "query",
               "description": "A QueryBuilder rule set in JSON (`{\"condition\":\"OR\",\"rules\":[...]}`).",
               "schema": {"type": "string"}}),
        json!({"name": "sort", "in": "query",
               "description": "Fields to order by, comma-separated, `-` for descending.",
               "schema": {"type": "string"}}),
    ];
    for (name, minimum, description) in [
        ("page[offset]", 0, "Rows to skip."),
        (
            "page[limit]",
            1,
            "Rows per page (20 by default, at most 1000).",
        ),
        ("page", 1, "The page number, with `itemsPerPage`."),
        ("itemsPerPage", 1, "Rows per numbered page."),
        ("page[size]", 1, "Rows per cursor page."),
    ] {
        parameters.push(
            json!({"name": name, "in": "query", "description": description,
            "schema": {"type": "integer", "minimum": minimum}}),
        );
    }
    for name in ["page[after]", "page[before]"] {
        parameters.push(json!({"name": name, "in": "query",
            "description": "A cursor from a `next` or `prev` link.",
            "schema": {"type": "string"}}));
    }
    parameters.push(json!({"name": "Range", "in": "header",
        "description": format!("Rows by position: `{alias}=0-9`."),
        "schema": {"type": "string"}}));
    parameters
}

/// `filter[alias.field]` for each field.
fn filters(configuration: &Configuration) -> Vec<Value> {
    configuration
        .definition
        .fields
        .iter()
        .map(|field| {
            json!({"name": format!("filter[{}.{}]", configuration.table_alias, field.field_visible_name),
                   "in": "query",
                   "description": "Rows whose value equals this, or one of `{\"in\": [...]}`.",
                   "schema": {"type": "string"}})
        })
        .collect()
}

/// A field's value.
fn value(field: &Field, nullable: bool) -> Value {
    let rules = &field.validation;
    let mut schema = Map::new();
    let ty = match field.ty {
        FieldType::Boolean => json!("boolean"),
        FieldType::Integer => {
            if let Some(min) = rules.min {
                schema.insert("minimum".into(), min.into());
            }
            if let Some(max) = rules.max {
                schema.insert("maximum".into(), max.into());
            }
            json!("integer")
        }
        FieldType::String => {
            if let Some(min) = rules.min_length {
                schema.insert("minLength".into(), min.into());
            }
            if let Some(max) = rules.max_length {
                schema.insert("maxLength".into(), max.into());
            }
            json!("string")
        }
        // Answered as text with the scale's digits; taken as text or a number.
        FieldType::Decimal => json!(["string", "number"]),
    };
    let ty = match (ty, nullable) {
        (Value::String(one), true) => json!([one, "null"]),
        (Value::Array(mut many), true) => {
            many.push("null".into());
            Value::Array(many)
        }
        (ty, _) => ty,
    };
    schema.insert("type".into(), ty);
    if !field.is_creatable && !field.is_editable {
        schema.insert("readOnly".into(), true.into());
    }
    Value::Object(schema)
}

/// A row as answered: every field (a column may hold null), and nested relations.
fn row(configuration: &Configuration) -> Value {
    let mut properties = Map::new();
    for field in &configuration.definition.fields {
        let nullable = field.field_name != configuration.definition.identifier;
        properties.insert(field.field_visible_name.clone(), value(field, nullable));
    }
    for relation in &configuration.definition.relations {
        properties.insert(
            relation.name.clone(),
            json!({"type": "array", "items": {"type": "object"}}),
        );
    }
    json!({"type": "object", "properties": properties})
}

/// Which request body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    /// An item of a `POST`: the creatable fields, the required ones required.
    Create,
    /// An item of a collection `PATCH`/`PUT`: the editable fields and the identifier.
    Change,
    /// The body of an item `PATCH`/`PUT`: the editable fields.
    ChangeOne,
}

fn body(configuration: &Configuration, body: Body) -> Value {
    let identifier = configuration.definition.identifier.as_str();
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in &configuration.definition.fields {
        let is_identifier = field.field_name == identifier;
        let taken = match body {
            Body::Create => field.is_creatable,
            Body::Change => field.is_editable || is_identifier,
            Body::ChangeOne => field.is_editable,
        };
        if !taken {
            continue;
        }
        let needed = match body {
            Body::Create => field.validation.is_required,
            Body::Change => is_identifier,
            Body::ChangeOne => false,
        };
        let mut schema = value(field, !needed);
        if let Some(object) = schema.as_object_mut() {
            object.remove("readOnly");
        }
        properties.insert(field.field_visible_name.clone(), schema);
        if needed {
            required.push(field.field_visible_name.clone());
        }
    }
    json!({"type": "object", "properties": properties, "required": required,
           "additionalProperties": false})
}
