//! Filters in the document (SPEC §3.6): the bracket form's operators per property, and the
//! QueryBuilder rule set as shared schemas, both from the query model's operator table.

use glue_core::meta::PropertyMeta;
use glue_core::query::{Arity, Operator, ValueKind};
use serde_json::{Value, json};

/// The bracket-form operators a property of this kind takes, by name.
pub(crate) fn bracket_operators(kind: ValueKind) -> impl Iterator<Item = (&'static str, Operator)> {
    Operator::all().filter_map(move |operator| {
        let name = operator.bracket_name()?;
        operator.applies_to(kind).then_some((name, operator))
    })
}

/// The schemas of a QueryBuilder rule set over these properties, named `group` and `rule`
/// among the components: a group holds rules and groups; a rule names a property, an
/// operator its kind allows, and a value of that kind (a list for `in`, two for `between`,
/// none for null tests).
pub(crate) fn query_builder_schemas(
    properties: &[&'static PropertyMeta],
    group: &str,
    rule: &str,
) -> (Value, Value) {
    let group_ref = format!("#/components/schemas/{group}");
    let rule_ref = format!("#/components/schemas/{rule}");
    let mut alternatives = Vec::new();
    for property in properties {
        let kind = ValueKind::of(property);
        let field = json!({"const": property.name});
        let value = value_schema(kind);
        let names = |arity: Arity| -> Vec<&'static str> {
            Operator::all()
                .filter(|operator| operator.arity() == arity && operator.applies_to(kind))
                .map(Operator::query_builder_name)
                .collect()
        };
        let one = names(Arity::One);
        if !one.is_empty() {
            alternatives.push(json!({
                "properties": {"field": field, "operator": {"enum": one}, "value": value},
                "required": ["field", "operator", "value"],
            }));
        }
        let lists = names(Arity::List);
        if !lists.is_empty() {
            alternatives.push(json!({
                "properties": {
                    "field": field,
                    "operator": {"enum": lists},
                    "value": {"type": "array", "minItems": 1, "items": value},
                },
                "required": ["field", "operator", "value"],
            }));
        }
        let ranges = names(Arity::Range);
        if !ranges.is_empty() {
            alternatives.push(json!({
                "properties": {
                    "field": field,
                    "operator": {"enum": ranges},
                    "value": {"type": "array", "minItems": 2, "maxItems": 2, "items": value},
                },
                "required": ["field", "operator", "value"],
            }));
        }
        alternatives.push(json!({
            "properties": {"field": field, "operator": {"enum": names(Arity::None)}},
            "required": ["field", "operator"],
        }));
    }
    (
        json!({
            "type": "object",
            "required": ["rules"],
            "properties": {
                "condition": {"enum": ["AND", "OR", "and", "or"]},
                "not": {"type": ["boolean", "null"]},
                "rules": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"anyOf": [{"$ref": rule_ref}, {"$ref": group_ref}]},
                },
            },
        }),
        json!({
            "type": "object",
            "anyOf": alternatives,
        }),
    )
}

/// The schema of one filter value of a property of this kind.
pub(crate) fn value_schema(kind: ValueKind) -> Value {
    match kind {
        ValueKind::String => json!({"type": "string"}),
        ValueKind::DateTime => json!({"type": "string", "format": "date-time"}),
        ValueKind::Date => json!({"type": "string", "format": "date"}),
        ValueKind::Integer => json!({"type": "integer"}),
        ValueKind::Number => json!({"type": "number"}),
        ValueKind::Boolean => json!({"type": "boolean"}),
        ValueKind::Structured => json!({}),
    }
}

const DATE_PATTERN: &str = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
const DATE_TIME_PATTERN: &str = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]\
     ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])";

/// A comma-separated list of values of this kind, as the bracket form takes them.
pub(crate) fn list_text(kind: ValueKind) -> Value {
    let item = match kind {
        ValueKind::Integer => Some("-?[0-9]+"),
        ValueKind::Number => Some("-?[0-9]+(\\.[0-9]+)?"),
        ValueKind::Boolean => Some("(true|false)"),
        // The shapes of RFC 3339 dates and date-times, as `format` describes them in the
        // other operators (the pattern cannot know month lengths; the router can).
        ValueKind::Date => Some(DATE_PATTERN),
        ValueKind::DateTime => Some(DATE_TIME_PATTERN),
        ValueKind::String | ValueKind::Structured => None,
    };
    match item {
        Some(item) => json!({"type": "string", "pattern": format!("^{item}(,{item})*$")}),
        None => json!({"type": "string", "minLength": 1}),
    }
}
