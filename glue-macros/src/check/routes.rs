//! Rules about routes: uri templates and the fields that hold their variables.

use darling::error::Accumulator;
use darling::util::SpannedValue;
use glue_common::template;
use proc_macro2::Span;

use super::report::report;
use crate::model::{Field, Operation, find_field};
use crate::parse::ResourceInput;

/// An explicit `uri_variables(variable = field)` mapping, resolved to a field.
struct Mapping {
    variable: String,
    field: usize,
    span: Span,
}

/// Every uri variable of every route, with the field that holds it (the identifier's first);
/// the fields that hold a parent's variable learn it.
pub(super) fn uri_variables(
    input: &ResourceInput,
    operations: &[Operation],
    fields: &mut [Field],
    identifier: Option<usize>,
    ident_text: &str,
    errors: &mut Accumulator,
) -> Vec<(String, usize)> {
    let explicit = mappings(input, fields, ident_text, errors);
    let mut variables: Vec<(String, usize)> = Vec::new();
    if let Some(index) = identifier {
        variables.push((fields[index].name.clone(), index));
    }
    let declared = input.operations.iter().flat_map(|list| &list.0);
    for (op, raw) in operations.iter().zip(declared) {
        let Some(route) = &op.uri_template else {
            continue;
        };
        let span = raw
            .options
            .uri_template
            .as_ref()
            .map_or(raw.span, SpannedValue::span);
        let holder = |name: &str| {
            explicit
                .iter()
                .find(|mapping| mapping.variable == name)
                .map(|mapping| mapping.field)
                .or_else(|| find_field(fields, name))
        };
        if !route.starts_with('/') {
            report(errors, "a uri template starts with `/`", span);
        }
        if op.kind.is_item()
            && let Some(index) = identifier
            && !template::variables(route).any(|name| holder(name) == Some(index))
        {
            report(
                errors,
                format!(
                    "the route of item operation `{}` needs the identifier `{{{}}}`",
                    op.kind, fields[index].name
                ),
                span,
            );
        }
        for name in template::variables(route) {
            if variables.iter().any(|(known, _)| known == name) {
                continue;
            }
            match holder(name) {
                Some(index) => variables.push((name.to_owned(), index)),
                None => report(
                    errors,
                    format!(
                        "uri variable `{name}` is not a field of `{ident_text}`; add the field or map it with `uri_variables({name} = field)`"
                    ),
                    span,
                ),
            }
        }
    }
    for mapping in &explicit {
        if !variables
            .iter()
            .any(|(known, _)| *known == mapping.variable)
        {
            report(
                errors,
                format!(
                    "uri variable `{}` appears in no `uri_template`",
                    mapping.variable
                ),
                mapping.span,
            );
        } else if Some(mapping.field) != identifier {
            fields[mapping.field].uri_variable = Some(mapping.variable.clone());
        }
    }
    for (variable, index) in &variables {
        if Some(*index) != identifier && fields[*index].uri_variable.is_none() {
            fields[*index].uri_variable = Some(variable.clone());
        }
    }
    variables
}

/// `uri_variables(variable = field)`: each field exists.
fn mappings(
    input: &ResourceInput,
    fields: &[Field],
    ident_text: &str,
    errors: &mut Accumulator,
) -> Vec<Mapping> {
    let mut explicit = Vec::new();
    for mapping in input.uri_variables.iter().flat_map(|list| &list.0) {
        match find_field(fields, &mapping.field) {
            Some(field) => explicit.push(Mapping {
                variable: mapping.variable.clone(),
                field,
                span: mapping.span,
            }),
            None => report(
                errors,
                format!("`{}` is not a field of `{ident_text}`", mapping.field),
                mapping.span,
            ),
        }
    }
    explicit
}
