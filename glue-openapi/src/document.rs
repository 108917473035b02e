//! The document as a whole: info, servers, tags, paths and components.

use glue_core::model::{ApiModel, LivePaths, newest};
use serde_json::{Map, Value, json};

use crate::ApiInfo;
use crate::operation::operation_object;
use crate::responses::error_component;

/// The document of an application for a request from `base_url` in `bucket`.
pub(crate) fn document(
    model: &ApiModel,
    info: &ApiInfo,
    base_url: &str,
    bucket: Option<&str>,
) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let mut tags: Vec<Value> = Vec::new();
    let mut documented: Vec<&'static str> = Vec::new();
    for route in model.routes() {
        if route.template().contains("{*") {
            continue;
        }
        let mut item = Map::new();
        // Endpoint methods have no variants: endpoints describe themselves below.
        for method in route.methods() {
            let Some(op) = newest(&route.variants(method, bucket)) else {
                continue;
            };
            let meta = op.resource();
            if !documented.contains(&meta.short_name) {
                documented.push(meta.short_name);
                let mut tag = Map::new();
                tag.insert("name".into(), meta.short_name.into());
                if let Some(description) = meta.description {
                    tag.insert("description".into(), description.into());
                }
                tags.push(Value::Object(tag));
            }
            item.insert(
                method.as_str().to_ascii_lowercase(),
                operation_object(model, op, route.template(), &mut schemas),
            );
        }
        for endpoint in route.endpoints() {
            if let Some(operation) = endpoint.description() {
                item.insert(
                    endpoint.method().as_str().to_ascii_lowercase(),
                    operation.clone(),
                );
            }
        }
        if !item.is_empty() {
            paths.insert(route.template().to_owned(), Value::Object(item));
        }
    }

    let mut schemes = Map::new();
    for (name, scheme) in model.security_schemes() {
        schemes.insert((*name).to_owned(), scheme.clone());
    }
    for convention in model.conventions() {
        if let Some(schema) = convention.error_schema() {
            schemas.insert(error_component(convention.name()), schema);
        }
    }
    let mut components = Map::new();
    components.insert("schemas".into(), Value::Object(schemas));
    if !schemes.is_empty() {
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }

    let mut info_object = Map::new();
    info_object.insert("title".into(), info.title.clone().into());
    info_object.insert("version".into(), info.version.clone().into());
    if let Some(description) = &info.description {
        info_object.insert("description".into(), description.clone().into());
    }
    json!({
        "openapi": "3.1.0",
        "info": info_object,
        "servers": [{"url": base_url}],
        "tags": tags,
        "paths": paths,
        "components": components,
    })
}

/// Adds what a live part of the application describes (SPEC §9.7): paths and schemas the
/// static model does not already have, and its tags.
pub(crate) fn extend(document: &mut Value, live: LivePaths) {
    if let Some(paths) = document["paths"].as_object_mut() {
        for (path, item) in live.paths {
            paths.entry(path).or_insert(item);
        }
    }
    if let Some(schemas) = document["components"]["schemas"].as_object_mut() {
        for (name, schema) in live.schemas {
            schemas.entry(name).or_insert(schema);
        }
    }
    if let Some(tags) = document["tags"].as_array_mut() {
        for tag in live.tags {
            if !tags.iter().any(|known| known["name"] == tag["name"]) {
                tags.push(tag);
            }
        }
    }
}
