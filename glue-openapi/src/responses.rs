//! The answers of an operation: the success, with its documents in every convention, and
//! each error it can give; links from a created item to the operations on it.

use glue_core::convention::schema::{DocumentKind, SchemaSet};
use glue_core::meta::{OperationKind, ResourceMeta};
use glue_core::model::{ApiModel, OperationModel};
use serde_json::{Map, Value, json};

use crate::naming::{operation_id, operation_verb};

/// The answers of `op` on `template`.
pub(crate) fn responses(model: &ApiModel, op: &OperationModel, template: &str) -> Value {
    let meta = op.resource();
    let kind = op.operation().kind;
    let status = op.operation().success_status();
    let mut responses = Map::new();
    let mut success = Map::new();
    success.insert(
        "description".into(),
        status.canonical_reason().unwrap_or("Success").into(),
    );
    let mut headers = Map::new();
    if !model.locales().is_empty() {
        headers.insert(
            "Content-Language".into(),
            json!({"description": "The language of the answer.", "schema": {"type": "string"}}),
        );
    }
    match kind {
        OperationKind::Delete => {}
        OperationKind::GetCollection => {
            success.insert(
                "content".into(),
                content(model, meta, DocumentKind::Collection),
            );
        }
        _ => {
            success.insert("content".into(), content(model, meta, DocumentKind::Item));
        }
    }
    if kind == OperationKind::Post {
        headers.insert(
            "Location".into(),
            json!({"description": "The URL of the created item.", "schema": {"type": "string"}}),
        );
    }
    let versioned = meta.concurrency.is_some();
    if versioned && kind != OperationKind::Delete && kind != OperationKind::GetCollection {
        headers.insert(
            "ETag".into(),
            json!({"description": "The version of the item (SPEC §12.1): send it back in `If-Match` to change it only if no one else has, or in `If-None-Match` to read it only if it changed.", "schema": {"type": "string"}}),
        );
    }
    if !headers.is_empty() {
        success.insert("headers".into(), Value::Object(headers.clone()));
    }
    if kind == OperationKind::Post {
        let links = links_from_created(model, op);
        if !links.is_empty() {
            success.insert("links".into(), Value::Object(links));
        }
    }
    responses.insert(status.as_u16().to_string(), Value::Object(success));

    let partial = kind == OperationKind::GetCollection
        && op.settings().enabled
        && model
            .strategies()
            .iter()
            .any(|strategy| strategy.partial_content());
    if partial {
        let mut range_headers = headers;
        range_headers.insert(
            "Content-Range".into(),
            json!({"description": "The range answered: `customers 0-9/55`.", "schema": {"type": "string"}}),
        );
        responses.insert(
            "206".into(),
            json!({
                "description": "Partial Content: the range asked for",
                "content": content(model, meta, DocumentKind::Collection),
                "headers": range_headers,
            }),
        );
    }

    if versioned && kind == OperationKind::Get {
        responses.insert(
            "304".into(),
            json!({"description": "Not Modified: `If-None-Match` names the current version."}),
        );
    }
    let content = error_content(model);
    let mut errors = errors(kind, template, partial);
    if versioned
        && matches!(
            kind,
            OperationKind::Put | OperationKind::Patch | OperationKind::Delete
        )
    {
        errors.push((
            412,
            "`If-Match` names a version that is no longer the stored one.",
        ));
        if meta.concurrency.is_some_and(|c| c.require_if_match) {
            errors.push((428, "The write needs an `If-Match` header."));
        }
        errors.sort_unstable();
    }
    for (code, description) in errors {
        responses.insert(
            code.to_string(),
            json!({"description": description, "content": content}),
        );
    }
    // No content documented: past 64 KiB, hyper itself answers 414 with an empty body.
    responses.insert(
        "414".into(),
        json!({"description": "The URI is longer than 8 KiB (an error document up to 64 KiB, an empty body beyond)."}),
    );
    responses.insert(
        "default".into(),
        json!({"description": "Another error, from the server or a proxy in front of it."}),
    );
    Value::Object(responses)
}

/// The errors an operation of this kind can answer, by status.
fn errors(kind: OperationKind, template: &str, partial: bool) -> Vec<(u16, &'static str)> {
    let mut errors: Vec<(u16, &str)> = vec![
        (400, "The query or the body is malformed."),
        (401, "Credentials are missing or not valid."),
        (403, "The principal may not do this."),
        (405, "The method is not allowed here."),
        (406, "No media type (or version) in Accept is offered."),
    ];
    if kind.is_item() || template.contains('{') {
        errors.push((404, "No such item."));
    }
    if kind.has_body() {
        errors.push((409, "The body's type or id does not match the endpoint."));
        errors.push((413, "The body is too large."));
        errors.push((415, "The Content-Type (or version) is not supported."));
        errors.push((422, "The body does not validate."));
    }
    if partial {
        errors.push((416, "The range starts past the end of the collection."));
    }
    errors.sort_unstable();
    errors
}

/// OpenAPI links from a created item to the item operations of its resource: the
/// identifier where the default convention's documents carry it, the parent's variables from
/// the request. An operation with a variable that neither gives gets no link.
fn links_from_created(model: &ApiModel, post: &OperationModel) -> Map<String, Value> {
    let meta = post.resource();
    let identifier = meta.identifier().map(|property| property.name);
    let pointer = model.default_convention().identifier_pointer(meta);
    let mut links = Map::new();
    for route in model.routes() {
        for op in route.operations() {
            if !std::ptr::eq(op.resource(), meta) || !op.operation().kind.is_item() {
                continue;
            }
            let parameters: Option<Map<String, Value>> = op
                .variables()
                .iter()
                .map(|variable| {
                    let property = meta.uri_variable_property(variable).map(|p| p.name);
                    let expression = if property.is_some() && property == identifier {
                        format!("$response.body#{}", pointer.as_ref()?)
                    } else if post.variables().contains(variable) {
                        format!("$request.path.{variable}")
                    } else {
                        return None;
                    };
                    Some((variable.clone(), expression.into()))
                })
                .collect();
            let Some(parameters) = parameters else {
                continue;
            };
            links.insert(
                operation_verb(op.operation().kind).to_owned(),
                json!({
                    "operationId": operation_id(meta, op.operation().kind),
                    "parameters": parameters,
                }),
            );
        }
    }
    links
}

/// The content of a document in every convention that describes it.
pub(crate) fn content(
    model: &ApiModel,
    meta: &'static ResourceMeta,
    document: DocumentKind,
) -> Value {
    let set = SchemaSet::new(meta, document);
    let mut content = Map::new();
    for convention in model.conventions() {
        if let Some(schema) = convention.document_schema(&set) {
            content.insert(
                convention.media_type().to_owned(),
                json!({"schema": schema}),
            );
        }
    }
    Value::Object(content)
}

/// An error answer in every convention.
fn error_content(model: &ApiModel) -> Value {
    let mut content = Map::new();
    for convention in model.conventions() {
        if convention.error_schema().is_some() {
            content.insert(
                convention.media_type().to_owned(),
                json!({"schema": {"$ref": format!(
                    "#/components/schemas/{}",
                    error_component(convention.name())
                )}}),
            );
        }
    }
    Value::Object(content)
}

/// The component name of a convention's error document.
pub(crate) fn error_component(convention: &str) -> String {
    format!("{convention}.errors")
}
