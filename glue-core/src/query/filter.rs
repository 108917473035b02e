//! Filters (SPEC §3.6): the typed condition tree providers receive, and how both request forms
//! become one.
//!
//! `filter[creditLimit][gt]=100` and the jQuery QueryBuilder tree
//! `filter={"condition":"OR","rules":[...]}` both parse into a [`Filter`]: conditions on
//! properties (checked against the metadata: readable, filterable), with operands typed by the
//! property (dates as instants, numbers as exact decimals), in AND/OR/NOT groups.

use std::fmt;

use serde_json::Value;

use super::operator::{Arity, BRACKET_NULL, Operator};
use super::value::{FilterValue, ValueKind};
use crate::error::GlueError;
use crate::meta::{PropertyMeta, ResourceMeta};

/// The deepest a QueryBuilder rule tree may nest (SPEC §3.6).
pub const MAX_FILTER_DEPTH: usize = 16;
/// The most rules a filter may hold, all groups together (SPEC §3.6).
pub const MAX_FILTER_RULES: usize = 100;

/// A filter: conditions combined with AND, OR and NOT.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// One condition on one property.
    Condition(Condition),
    /// Every filter holds.
    All(Vec<Self>),
    /// At least one filter holds.
    Any(Vec<Self>),
    /// The filter does not hold.
    Not(Box<Self>),
}

impl Filter {
    /// Both filters hold.
    #[must_use]
    pub fn and(self, other: Self) -> Self {
        match self {
            Self::All(mut filters) => {
                filters.push(other);
                Self::All(filters)
            }
            first => Self::All(vec![first, other]),
        }
    }

    /// Every condition of the tree, depth first.
    pub fn conditions(&self) -> Box<dyn Iterator<Item = &Condition> + '_> {
        match self {
            Self::Condition(condition) => Box::new(std::iter::once(condition)),
            Self::All(filters) | Self::Any(filters) => {
                Box::new(filters.iter().flat_map(Self::conditions))
            }
            Self::Not(filter) => filter.conditions(),
        }
    }
}

/// A comparison of one property with an operand.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The property compared.
    pub property: &'static PropertyMeta,
    /// The comparison.
    pub operator: Operator,
    /// What the property is compared with.
    pub operand: Operand,
}

/// What a property is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// Nothing (`is_null`, `is_empty`...).
    None,
    /// One value.
    One(FilterValue),
    /// A list (`in`, `not_in`).
    List(Vec<FilterValue>),
    /// An inclusive range (`between`).
    Range(FilterValue, FilterValue),
}

/// Where a filter came from, for `source.parameter`.
#[derive(Debug, Clone, Copy)]
struct Origin<'a> {
    parameter: &'a str,
}

impl Origin<'_> {
    fn error(&self, detail: impl Into<String>) -> GlueError {
        GlueError::invalid_parameter(self.parameter, detail)
    }
}

/// Finds a property that may be filtered.
fn filterable(
    meta: &'static ResourceMeta,
    name: &str,
    origin: Origin<'_>,
) -> Result<&'static PropertyMeta, GlueError> {
    match meta.property(name) {
        Some(property) if property.readable && property.filterable => Ok(property),
        Some(property) if property.readable => Err(origin.error(format!(
            "{} cannot be filtered by {}.",
            meta.short_name, property.name
        ))),
        _ => Err(origin.error(format!(
            "{} has no property {name:?} to filter by.",
            meta.short_name
        ))),
    }
}

/// Types an operand for a property and operator.
fn condition(
    property: &'static PropertyMeta,
    operator: Operator,
    values: RawOperand<'_>,
    origin: Origin<'_>,
) -> Result<Condition, GlueError> {
    let kind = ValueKind::of(property);
    if let Some(reason) = operator.refusal(kind) {
        return Err(origin.error(format!("{} {reason}.", property.name)));
    }
    let typed = |raw: RawValue<'_>| -> Result<FilterValue, GlueError> {
        let value = match raw {
            RawValue::Text(text) => kind.parse_text(text),
            RawValue::Json(json) => kind.parse_json(json),
        };
        value.ok_or_else(|| {
            origin.error(format!(
                "{} must be compared with {}, got {}.",
                property.name,
                kind.describe(),
                raw
            ))
        })
    };
    let operand = match (operator.arity(), values) {
        (Arity::None, _) => Operand::None,
        (Arity::One, RawOperand::One(raw)) => Operand::One(typed(raw)?),
        (Arity::List, RawOperand::List(raws)) => {
            if raws.is_empty() {
                return Err(origin.error("The list of values is empty."));
            }
            Operand::List(raws.into_iter().map(typed).collect::<Result<_, _>>()?)
        }
        (Arity::Range, RawOperand::List(raws)) if raws.len() == 2 => {
            let mut raws = raws.into_iter();
            let (Some(low), Some(high)) = (raws.next(), raws.next()) else {
                return Err(origin.error("between takes two values."));
            };
            Operand::Range(typed(low)?, typed(high)?)
        }
        (Arity::Range, _) => return Err(origin.error("between takes a list of two values.")),
        (Arity::One, RawOperand::List(_)) => {
            return Err(origin.error("This operator takes one value, not a list."));
        }
        (Arity::List, RawOperand::One(raw)) => Operand::List(vec![typed(raw)?]),
        (_, RawOperand::Missing) => return Err(origin.error("The rule has no value.")),
    };
    Ok(Condition {
        property,
        operator,
        operand,
    })
}

#[derive(Debug, Clone, Copy)]
enum RawValue<'a> {
    Text(&'a str),
    Json(&'a Value),
}

impl fmt::Display for RawValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => write!(f, "\"{text}\""),
            Self::Json(value) => write!(f, "{value}"),
        }
    }
}

enum RawOperand<'a> {
    Missing,
    One(RawValue<'a>),
    List(Vec<RawValue<'a>>),
}

/// Parses `filter[field]=v` / `filter[field][op]=v`: `key` is the whole parameter name.
pub(crate) fn parse_bracket(
    meta: &'static ResourceMeta,
    key: &str,
    value: &str,
) -> Result<Filter, GlueError> {
    let origin = Origin { parameter: key };
    let rest = &key["filter".len()..];
    let segments = bracket_segments(rest)
        .ok_or_else(|| origin.error(format!("{key} is not of the form filter[field][op].")))?;
    let (field, operator) = match segments.as_slice() {
        [field] => (*field, "eq"),
        [field, operator] => (*field, *operator),
        _ => {
            return Err(origin.error(format!("{key} is not of the form filter[field][op].")));
        }
    };
    let property = filterable(meta, field, origin)?;
    if operator == BRACKET_NULL {
        let operator = match value.trim() {
            "true" | "1" => Operator::IsNull,
            "false" | "0" => Operator::IsNotNull,
            _ => return Err(origin.error("null takes true or false.")),
        };
        return condition(property, operator, RawOperand::Missing, origin).map(Filter::Condition);
    }
    let operator = Operator::from_bracket(operator).ok_or_else(|| {
        origin.error(format!(
            "Unknown filter operator {operator:?}; use one of {}.",
            Operator::bracket_names().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let raw = match operator.arity() {
        // `in=` names no value: a mistake, not a filter that matches nothing.
        Arity::List if value.is_empty() => {
            return Err(origin.error(format!(
                "{key} takes a comma-separated list of at least one value."
            )));
        }
        Arity::List => RawOperand::List(value.split(',').map(RawValue::Text).collect()),
        _ => RawOperand::One(RawValue::Text(value)),
    };
    condition(property, operator, raw, origin).map(Filter::Condition)
}

/// `[a][b]` -> `["a", "b"]`.
fn bracket_segments(text: &str) -> Option<Vec<&str>> {
    let mut segments = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        let segment = &inner[..end];
        if segment.is_empty() {
            return None;
        }
        segments.push(segment);
        rest = &inner[end + 1..];
    }
    (!segments.is_empty()).then_some(segments)
}

/// Parses `filter=<QueryBuilder JSON>`.
pub(crate) fn parse_query_builder(
    meta: &'static ResourceMeta,
    text: &str,
) -> Result<Filter, GlueError> {
    let origin = Origin {
        parameter: "filter",
    };
    let tree: Value = serde_json::from_str(text)
        .map_err(|error| origin.error(format!("filter is not valid JSON: {error}.")))?;
    let mut rules = 0;
    group(meta, &tree, 1, &mut rules, origin)
}

fn group(
    meta: &'static ResourceMeta,
    node: &Value,
    depth: usize,
    rules: &mut usize,
    origin: Origin<'_>,
) -> Result<Filter, GlueError> {
    if depth > MAX_FILTER_DEPTH {
        return Err(origin.error(format!(
            "The filter nests deeper than {MAX_FILTER_DEPTH} groups."
        )));
    }
    let object = node
        .as_object()
        .ok_or_else(|| origin.error("A filter group must be a JSON object."))?;
    let any = match object.get("condition").map(Value::as_str) {
        None | Some(Some("AND" | "and")) => false,
        Some(Some("OR" | "or")) => true,
        _ => return Err(origin.error("A group's condition must be AND or OR.")),
    };
    let members = object
        .get("rules")
        .and_then(Value::as_array)
        .ok_or_else(|| origin.error("A filter group needs a rules array."))?;
    if members.is_empty() {
        return Err(origin.error("A filter group needs at least one rule."));
    }
    let mut filters = Vec::with_capacity(members.len());
    for member in members {
        *rules += 1;
        if *rules > MAX_FILTER_RULES {
            return Err(origin.error(format!(
                "The filter has more than {MAX_FILTER_RULES} rules."
            )));
        }
        let is_group = member.get("rules").is_some();
        filters.push(if is_group {
            group(meta, member, depth + 1, rules, origin)?
        } else {
            rule(meta, member, origin)?
        });
    }
    let combined = if any {
        Filter::Any(filters)
    } else {
        Filter::All(filters)
    };
    match object.get("not") {
        Some(Value::Bool(true)) => Ok(Filter::Not(Box::new(combined))),
        None | Some(Value::Bool(false) | Value::Null) => Ok(combined),
        _ => Err(origin.error("A group's not must be true or false.")),
    }
}

fn rule(
    meta: &'static ResourceMeta,
    node: &Value,
    origin: Origin<'_>,
) -> Result<Filter, GlueError> {
    let object = node
        .as_object()
        .ok_or_else(|| origin.error("A filter rule must be a JSON object."))?;
    let field = object
        .get("field")
        .or_else(|| object.get("id"))
        .and_then(Value::as_str)
        .ok_or_else(|| origin.error("A filter rule needs a field."))?;
    let property = filterable(meta, field, origin)?;
    let name = object
        .get("operator")
        .and_then(Value::as_str)
        .ok_or_else(|| origin.error("A filter rule needs an operator."))?;
    let operator = Operator::from_query_builder(name).ok_or_else(|| {
        origin.error(format!(
            "Unknown filter operator {name:?}; use one of {}.",
            Operator::query_builder_names()
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let raw = match object.get("value") {
        None | Some(Value::Null) => RawOperand::Missing,
        Some(Value::Array(items)) => RawOperand::List(items.iter().map(RawValue::Json).collect()),
        Some(value) => RawOperand::One(RawValue::Json(value)),
    };
    let raw = match (operator.arity(), raw) {
        // QueryBuilder sends `in` lists as arrays; a comma-separated string is accepted too.
        (Arity::List, RawOperand::One(RawValue::Json(Value::String(text)))) => {
            RawOperand::List(text.split(',').map(RawValue::Text).collect())
        }
        (_, raw) => raw,
    };
    condition(property, operator, raw, origin).map(Filter::Condition)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date_time;
    use crate::meta::{PropertyMeta, PropertyType};
    use rust_decimal::Decimal;

    static META: ResourceMeta = ResourceMeta {
        short_name: "customers",
        properties: &[
            PropertyMeta {
                name: "email",
                field: "email",
                ..PropertyMeta::DEFAULT
            },
            PropertyMeta {
                name: "creditLimit",
                field: "credit_limit",
                ty: PropertyType::Number,
                ..PropertyMeta::DEFAULT
            },
            PropertyMeta {
                name: "createdAt",
                field: "created_at",
                format: Some("date-time"),
                ..PropertyMeta::DEFAULT
            },
            PropertyMeta {
                name: "isActive",
                field: "is_active",
                ty: PropertyType::Boolean,
                ..PropertyMeta::DEFAULT
            },
            PropertyMeta {
                name: "password",
                field: "password",
                readable: false,
                ..PropertyMeta::DEFAULT
            },
            PropertyMeta {
                name: "secretNote",
                field: "secret_note",
                filterable: false,
                ..PropertyMeta::DEFAULT
            },
        ],
        ..ResourceMeta::DEFAULT
    };

    fn parameter(error: &GlueError) -> String {
        match &error.errors()[0].source {
            Some(crate::ErrorSource::Parameter(name)) => name.clone(),
            other => panic!("no parameter: {other:?}"),
        }
    }

    #[test]
    fn bracket_filters_are_typed_by_the_property() {
        let filter = parse_bracket(&META, "filter[creditLimit][gt]", "0.1").unwrap();
        let Filter::Condition(condition) = filter else {
            panic!()
        };
        assert_eq!(condition.operator, Operator::Gt);
        assert_eq!(
            condition.operand,
            Operand::One(FilterValue::Decimal(
                Decimal::from_str_exact("0.1").unwrap()
            ))
        );

        let filter = parse_bracket(&META, "filter[createdAt][lt]", "2024-01-02T05:00:00+02:00");
        let Filter::Condition(condition) = filter.unwrap() else {
            panic!()
        };
        assert_eq!(
            condition.operand,
            Operand::One(FilterValue::DateTime(
                parse_date_time("2024-01-02T03:00:00+00:00").unwrap()
            ))
        );
        let filter = parse_bracket(&META, "filter[email][in]", "a@x.de,b@x.de").unwrap();
        let Filter::Condition(condition) = filter else {
            panic!()
        };
        assert!(matches!(condition.operand, Operand::List(ref list) if list.len() == 2));
        let filter = parse_bracket(&META, "filter[email][null]", "true").unwrap();
        assert!(matches!(
            filter,
            Filter::Condition(Condition {
                operator: Operator::IsNull,
                ..
            })
        ));
    }

    #[test]
    fn bracket_mistakes_name_the_parameter() {
        for (key, value) in [
            ("filter[creditLimit][gt]", "abc"),
            ("filter[nope]", "x"),
            ("filter[email][like]", "x"),
            ("filter[password]", "secret"),
            ("filter[secretNote]", "x"),
            ("filter[isActive][lt]", "true"),
            ("filter[creditLimit][contains]", "1"),
            ("filter[email][null]", "maybe"),
            ("filter[]", "x"),
            ("filter[a][b][c]", "x"),
        ] {
            let error = parse_bracket(&META, key, value).unwrap_err();
            assert_eq!(error.status(), http::StatusCode::BAD_REQUEST, "{key}");
            assert_eq!(parameter(&error), key);
        }
    }

    #[test]
    fn query_builder_trees_nest() {
        let filter = parse_query_builder(
            &META,
            r#"{"condition":"OR","rules":[
                {"field":"email","operator":"equal","value":"a@x.de"},
                {"condition":"AND","not":true,"rules":[
                    {"id":"creditLimit","operator":"between","value":[1,"2.5"]},
                    {"field":"isActive","operator":"equal","value":true}]}]}"#,
        )
        .unwrap();
        let Filter::Any(members) = &filter else {
            panic!("{filter:?}")
        };
        assert!(matches!(members[1], Filter::Not(_)));
        assert_eq!(filter.conditions().count(), 3);
    }

    #[test]
    fn query_builder_limits_and_mistakes() {
        let mut deep = r#"{"field":"email","operator":"is_null"}"#.to_owned();
        for _ in 0..MAX_FILTER_DEPTH {
            deep = format!(r#"{{"condition":"AND","rules":[{deep}]}}"#);
        }
        assert!(parse_query_builder(&META, &deep).is_ok());
        let deeper = format!(r#"{{"condition":"AND","rules":[{deep}]}}"#);
        assert!(parse_query_builder(&META, &deeper).is_err());

        let rule = r#"{"field":"email","operator":"is_not_null"}"#;
        let many = |n: usize| {
            format!(
                r#"{{"condition":"AND","rules":[{}]}}"#,
                vec![rule; n].join(",")
            )
        };
        assert!(parse_query_builder(&META, &many(MAX_FILTER_RULES)).is_ok());
        assert!(parse_query_builder(&META, &many(MAX_FILTER_RULES + 1)).is_err());

        for bad in [
            "{",
            "[]",
            r#"{"condition":"XOR","rules":[]}"#,
            r#"{"condition":"AND","rules":[]}"#,
            r#"{"rules":[{"field":"email","operator":"sounds_like","value":"x"}]}"#,
            r#"{"rules":[{"field":"creditLimit","operator":"less","value":"x"}]}"#,
            r#"{"rules":[{"field":"creditLimit","operator":"between","value":[1]}]}"#,
            r#"{"rules":[{"field":"email","operator":"equal"}]}"#,
        ] {
            let error = parse_query_builder(&META, bad).unwrap_err();
            assert_eq!(parameter(&error), "filter", "{bad}");
        }
    }
}
