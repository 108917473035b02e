//! One operation: its summary, path parameters, query parameters, request body, answers and
//! security.

use glue_core::convention::schema::{DocumentKind, parameter, property_schema};
use glue_core::meta::{OperationKind, ResourceMeta};
use glue_core::model::{ApiModel, OperationModel};
use serde_json::{Map, Value, json};

use crate::naming::operation_id;
use crate::parameters::{collection_parameters, fields_and_include};
use crate::responses::{content, responses};

/// The operation object of `op` on `template`; shared schemas go into `schemas`.
pub(crate) fn operation_object(
    model: &ApiModel,
    op: &OperationModel,
    template: &str,
    schemas: &mut Map<String, Value>,
) -> Value {
    let meta = op.resource();
    let kind = op.operation().kind;
    let mut operation = Map::new();
    operation.insert("tags".into(), json!([meta.short_name]));
    operation.insert("operationId".into(), operation_id(meta, kind).into());
    operation.insert(
        "summary".into(),
        op.operation()
            .description
            .map_or_else(|| default_summary(meta, kind), ToOwned::to_owned)
            .into(),
    );
    if let Some(version) = op.version() {
        operation.insert(
            "description".into(),
            format!(
                "Version {version}: send `version={version}` in `Accept` (or in \
                 `Content-Type` with a body) to keep to it."
            )
            .into(),
        );
    }

    let mut parameters = path_parameters(op);
    if kind == OperationKind::GetCollection {
        collection_parameters(model, op, &mut parameters, schemas);
    } else {
        fields_and_include(model, meta, &mut parameters);
    }
    if !model.locales().is_empty() {
        let locales: Vec<&str> = model.locales().iter().map(AsRef::as_ref).collect();
        parameters.push(parameter(
            "Accept-Language",
            "header",
            &format!(
                "The language of the answer: one of {} (the first is the default).",
                locales.join(", ")
            ),
            json!({"type": "string"}),
        ));
    }
    if let Some(concurrency) = meta.concurrency {
        match kind {
            OperationKind::Get => parameters.push(parameter(
                "If-None-Match",
                "header",
                "The ETag of a copy the client holds: 304 while it is current.",
                json!({"type": "string"}),
            )),
            OperationKind::Put | OperationKind::Patch | OperationKind::Delete => {
                let mut described = parameter(
                    "If-Match",
                    "header",
                    "The ETag of the version the change applies to: 412 when the stored item is another.",
                    json!({"type": "string"}),
                );
                if concurrency.require_if_match {
                    described["required"] = Value::Bool(true);
                }
                parameters.push(described);
            }
            _ => {}
        }
    }
    if !parameters.is_empty() {
        operation.insert("parameters".into(), Value::Array(parameters));
    }

    if kind.has_body() {
        let document = match kind {
            OperationKind::Post => DocumentKind::Create,
            OperationKind::Put => DocumentKind::Replace,
            _ => DocumentKind::Update,
        };
        operation.insert(
            "requestBody".into(),
            json!({"required": true, "content": content(model, meta, document)}),
        );
    }

    operation.insert("responses".into(), responses(model, op, template));
    if op.is_secured() {
        let requirements: Vec<Value> = model
            .security_schemes()
            .iter()
            .map(|(name, _)| json!({ *name: [] }))
            .collect();
        if !requirements.is_empty() {
            operation.insert("security".into(), Value::Array(requirements));
        }
    }
    Value::Object(operation)
}

/// The route's variables, each typed by the property that holds it.
fn path_parameters(op: &OperationModel) -> Vec<Value> {
    let meta = op.resource();
    op.variables()
        .iter()
        .map(|variable| {
            let schema = meta.uri_variable_property(variable).map_or_else(
                || json!({"type": "string"}),
                |property| {
                    let mut schema = property_schema(property);
                    if let Value::Object(map) = &mut schema {
                        // A path segment is never null, and says nothing of access.
                        if property.nullable {
                            map.insert("type".into(), property.ty.name().into());
                        }
                        map.remove("readOnly");
                        map.remove("enum");
                    }
                    schema
                },
            );
            json!({
                "name": variable,
                "in": "path",
                "required": true,
                "schema": schema,
            })
        })
        .collect()
}

fn default_summary(meta: &ResourceMeta, kind: OperationKind) -> String {
    let label = meta.label;
    match kind {
        OperationKind::Get => format!("Retrieves a {label}"),
        OperationKind::GetCollection => format!("Retrieves the collection of {}", meta.short_name),
        OperationKind::Post => format!("Creates a {label}"),
        OperationKind::Put => format!("Replaces a {label}"),
        OperationKind::Patch => format!("Updates a {label}"),
        OperationKind::Delete => format!("Deletes a {label}"),
    }
}
