//! Rules about relationships (SPEC §3.3): how the target is found, from a property of this
//! resource. The target's side is checked where the target is known: the generated code
//! asserts at compile time that the target has the property.

use darling::error::Accumulator;
use proc_macro2::Span;

use super::report::report;
use crate::model::{Field, Relationship, find_field};
use crate::parse::{RelationshipInput, ResourceInput};

/// The declared relationships, each joining on a property of this resource and one of the
/// target's, and none named like a property.
pub(super) fn relationships(
    input: &ResourceInput,
    fields: &[Field],
    ident_text: &str,
    errors: &mut Accumulator,
) -> Vec<Relationship> {
    let mut relationships = Vec::new();
    for raw in input.relationships.iter().flat_map(|list| &list.0) {
        let Some(((own, own_span), (theirs, span))) = key_pair(raw, errors) else {
            continue;
        };
        match find_field(fields, &own) {
            Some(index) => relationships.push(Relationship {
                name: raw.name.clone(),
                target: raw.options.target.clone(),
                many: raw.options.many,
                key: (index, theirs),
                key_span: span,
                description: raw.options.description.clone(),
            }),
            None => report(
                errors,
                format!(
                    "`{own}` is not a field of `{ident_text}` (relationship `{}`)",
                    raw.name
                ),
                own_span,
            ),
        }
        if fields.iter().any(|field| field.name == raw.name) {
            report(
                errors,
                format!(
                    "`{}` is both a property and a relationship; rename one of them",
                    raw.name
                ),
                raw.span,
            );
        }
    }
    relationships
}

/// A property name and where it was written.
type Named = (String, Span);

/// `key = "name"` (the same name on both sides) or `keys(own = theirs)`: one pair.
fn key_pair(raw: &RelationshipInput, errors: &mut Accumulator) -> Option<(Named, Named)> {
    let options = &raw.options;
    match (&options.key, &options.keys) {
        (Some(key), None) => Some((((**key).clone(), key.span()), ((**key).clone(), key.span()))),
        (None, Some(keys)) if keys.0.len() == 1 => {
            let mapping = &keys.0[0];
            Some((
                (mapping.variable.clone(), mapping.variable_span),
                (mapping.field.clone(), mapping.span),
            ))
        }
        (None, Some(keys)) => {
            report(
                errors,
                "a relationship joins on one pair of properties: `keys(this_property = target_property)`",
                keys.0.get(1).map_or(raw.span, |mapping| mapping.span),
            );
            None
        }
        _ => {
            report(
                errors,
                "say how the target is found: `key = \"property\"` (the same name on both sides) or `keys(this_property = target_property)`",
                raw.span,
            );
            None
        }
    }
}
