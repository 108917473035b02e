//! The query parameters of an operation: filters in both forms, sort, sparse fieldsets,
//! include, and each pagination form of a collection (SPEC §3.3 to §3.6, §5).

use glue_core::convention::schema::parameter;
use glue_core::meta::{PropertyMeta, ResourceMeta};
use glue_core::model::{ApiModel, OperationModel};
use glue_core::query::{Operator, ValueKind};
use serde_json::{Map, Value, json};

use crate::filters::{bracket_operators, list_text, query_builder_schemas, value_schema};

/// Filters, sort, fields, include and the pagination forms of a collection.
pub(crate) fn collection_parameters(
    model: &ApiModel,
    op: &OperationModel,
    parameters: &mut Vec<Value>,
    schemas: &mut Map<String, Value>,
) {
    let meta = op.resource();
    let filterable: Vec<&'static PropertyMeta> = meta
        .properties
        .iter()
        .filter(|property| property.readable && property.filterable)
        .collect();
    for property in &filterable {
        parameters.push(bracket_filter(property));
    }
    if !filterable.is_empty() {
        let group = format!("{}.filter", meta.short_name);
        let rule = format!("{}.filterRule", meta.short_name);
        let (group_schema, rule_schema) = query_builder_schemas(&filterable, &group, &rule);
        schemas.insert(group.clone(), group_schema);
        schemas.insert(rule, rule_schema);
        parameters.push(json!({
            "name": "filter",
            "in": "query",
            "required": false,
            "description": "A jQuery QueryBuilder rule set: AND/OR trees of rules, at most 16 deep and 100 rules.",
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{group}")}}},
        }));
    }
    let sortable: Vec<&str> = meta
        .properties
        .iter()
        .filter(|property| property.readable && property.sortable)
        .map(|property| property.name)
        .collect();
    if !sortable.is_empty() {
        parameters.push(parameter(
            "sort",
            "query",
            &format!(
                "Comma-separated properties to sort by, `-` for descending: {}.",
                sortable.join(", ")
            ),
            json!({"type": "string", "pattern": list_pattern(&sortable, true)}),
        ));
    }
    fields_and_include(model, meta, parameters);
    let settings = op.settings();
    if settings.enabled {
        for strategy in model.strategies() {
            for described in strategy.parameters(settings, meta.short_name) {
                let name = described.get("name").and_then(Value::as_str);
                let place = described.get("in").and_then(Value::as_str);
                let taken = parameters.iter().any(|existing| {
                    existing.get("name").and_then(Value::as_str) == name
                        && existing.get("in").and_then(Value::as_str) == place
                });
                if !taken {
                    parameters.push(described);
                }
            }
        }
        if settings.client_enabled {
            parameters.push(parameter(
                "pagination",
                "query",
                "`false` returns the whole collection at once.",
                json!({"type": "boolean"}),
            ));
        }
    }
}

/// `filter[name][op]=value` for one property: the operators its kind takes.
fn bracket_filter(property: &PropertyMeta) -> Value {
    let kind = ValueKind::of(property);
    let operators: Map<String, Value> = bracket_operators(kind)
        .map(|(name, operator)| {
            let mut schema = match operator {
                Operator::In | Operator::NotIn => list_text(kind),
                Operator::IsNull => json!({"type": "boolean"}),
                _ => value_schema(kind),
            };
            if let Value::Object(map) = &mut schema {
                map.insert("description".into(), operator.meaning().into());
            }
            (name.to_owned(), schema)
        })
        .collect();
    let names: Vec<&str> = operators.keys().map(String::as_str).collect();
    json!({
        "name": format!("filter[{}]", property.name),
        "in": "query",
        "required": false,
        "description": format!(
            "Filters by `{}`: `filter[{0}][op]=value` with one of {}; several filters \
             combine with AND.",
            property.name,
            names.join(", ")
        ),
        "style": "deepObject",
        "explode": true,
        // Other operators are refused with 400 (SPEC §3.6), so the schema does not forbid them:
        // a client may not represent every key a generator makes up.
        "schema": {
            "type": "object",
            "properties": operators,
        },
    })
}

/// Sparse fieldsets and `include`, for the conventions that take them: compound documents
/// (JSON:API) take `fields[type]` per type and `include`, the others `fields`.
pub(crate) fn fields_and_include(
    model: &ApiModel,
    meta: &'static ResourceMeta,
    parameters: &mut Vec<Value>,
) {
    let conventions = model.conventions();
    if conventions.iter().any(|c| c.renders_includes()) {
        parameters.push(parameter(
            &format!("fields[{}]", meta.short_name),
            "query",
            "Comma-separated attributes and relationships to show (JSON:API sparse fieldset).",
            json!({"type": "string", "pattern": list_pattern(&shown(meta), false)}),
        ));
        let mut included: Vec<&'static ResourceMeta> = Vec::new();
        for relationship in meta.relationships {
            let target = (relationship.target)();
            if !included
                .iter()
                .any(|known| known.short_name == target.short_name)
            {
                included.push(target);
            }
        }
        for target in included {
            if target.short_name == meta.short_name {
                continue;
            }
            parameters.push(parameter(
                &format!("fields[{}]", target.short_name),
                "query",
                "Comma-separated attributes and relationships of included resources to show.",
                json!({"type": "string", "pattern": list_pattern(&shown(target), false)}),
            ));
        }
        if !meta.relationships.is_empty() {
            let paths = include_paths(meta, 2);
            let names: Vec<&str> = paths.iter().map(String::as_str).collect();
            parameters.push(parameter(
                "include",
                "query",
                &format!(
                    "Comma-separated relationship paths to include: {}.",
                    names.join(", ")
                ),
                json!({"type": "string", "pattern": list_pattern(&names, false)}),
            ));
        }
    }
    if conventions.iter().any(|c| !c.renders_includes()) {
        let names: Vec<&str> = meta
            .properties
            .iter()
            .filter(|property| property.readable)
            .map(|property| property.name)
            .collect();
        parameters.push(parameter(
            "fields",
            "query",
            "Comma-separated properties to show (plain JSON).",
            json!({"type": "string", "pattern": list_pattern(&names, false)}),
        ));
    }
}

/// The attributes and relationships a sparse fieldset of a type may name.
fn shown(meta: &ResourceMeta) -> Vec<&'static str> {
    meta.properties
        .iter()
        .filter(|property| property.readable && !property.identifier)
        .map(|property| property.name)
        .chain(meta.relationships.iter().map(|r| r.name))
        .collect()
}

/// A pattern for comma-separated lists of these names, as the router reads them: a sort
/// takes `-` (or `+`) before each name and at least one; `fields` and `include` may be empty
/// (no fields, nothing included).
fn list_pattern(names: &[&str], sort: bool) -> String {
    let alternatives: Vec<String> = names.iter().map(|name| regex_escape(name)).collect();
    let one = format!(
        "{}({})",
        if sort { "[-+]?" } else { "" },
        alternatives.join("|")
    );
    if sort {
        format!("^{one}(,{one})*$")
    } else {
        format!("^({one}(,{one})*)?$")
    }
}

fn regex_escape(name: &str) -> String {
    let mut escaped = String::with_capacity(name.len());
    for ch in name.chars() {
        if "\\.^$|?*+()[]{}-".contains(ch) {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped
}

/// The relationship paths of a resource, `depth` levels deep (`addresses`,
/// `addresses.customer`).
fn include_paths(meta: &'static ResourceMeta, depth: usize) -> Vec<String> {
    let mut paths = Vec::new();
    if depth == 0 {
        return paths;
    }
    for relationship in meta.relationships {
        paths.push(relationship.name.to_owned());
        for deeper in include_paths((relationship.target)(), depth - 1) {
            paths.push(format!("{}.{deeper}", relationship.name));
        }
    }
    paths
}
