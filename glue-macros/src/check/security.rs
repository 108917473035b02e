//! Security expressions (SPEC §6.6, §7.2): each one parses, and at each operation it applies
//! to, names only the functions, variables and `object` properties available there.

use darling::error::Accumulator;
use darling::util::SpannedValue;
use glue_common::OperationKind;
use glue_security::{Expression, Schema};
use syn::ext::IdentExt;

use super::report::report;
use crate::model::{Field, Operation};
use crate::parse::{ResourceInput, SecurityInput};

/// A rule with its message, at one of the three points of evaluation.
type Point<'a> = (
    &'static str,
    Option<&'a SpannedValue<String>>,
    Option<&'a SpannedValue<String>>,
);

/// Checks every expression at every operation it applies to.
pub(super) fn expressions(
    input: &ResourceInput,
    operations: &[Operation],
    fields: &[Field],
    errors: &mut Accumulator,
) {
    let names = property_names(fields);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let resource_points = input.security.points();
    messages_need_rules(&resource_points, errors);
    // The resource's rules are parsed (and their syntax reported) once, however many
    // operations they apply to.
    let resource_expressions = resource_points
        .map(|(attribute, rule, _)| rule.and_then(|rule| parse(errors, attribute, rule)));
    for op in operations {
        for (index, point) in op.security.points().into_iter().enumerate() {
            let (attribute, rule, message) = point;
            let resource_rule = resource_points[index].1;
            if index > 0 && !op.kind.has_body() {
                if let Some(declared) = rule.or(message) {
                    report(
                        errors,
                        format!(
                            "`{attribute}` applies to Post, Put and Patch, not to `{}`",
                            op.kind
                        ),
                        declared.span(),
                    );
                }
                continue;
            }
            if rule.is_none()
                && resource_rule.is_none()
                && let Some(message) = message
            {
                report(
                    errors,
                    format!(
                        "`{attribute}_message` needs `{attribute}` on the operation or the resource"
                    ),
                    message.span(),
                );
            }
            let (expression, rule) = match (rule, resource_rule) {
                (Some(rule), _) => (parse(errors, attribute, rule), rule),
                (None, Some(rule)) => (resource_expressions[index].clone(), rule),
                (None, None) => continue,
            };
            if let Some(expression) = expression {
                check(errors, attribute, &expression, rule, op.kind, index, &names);
            }
        }
    }
}

/// Rust and wire names of the properties: `object.<name>` may use either.
fn property_names(fields: &[Field]) -> Vec<String> {
    let mut names = Vec::with_capacity(fields.len() * 2);
    for field in fields {
        names.push(field.name.clone());
        let rust = field.ident.unraw().to_string();
        if rust != field.name {
            names.push(rust);
        }
    }
    names
}

/// A `*_message` on the resource needs the rule it belongs to.
fn messages_need_rules(points: &[Point<'_>; 3], errors: &mut Accumulator) {
    for (attribute, rule, message) in points {
        if let (None, Some(message)) = (rule, message) {
            report(
                errors,
                format!("`{attribute}_message` needs `{attribute}`"),
                message.span(),
            );
        }
    }
}

/// Checks an expression against what is available at one point of one operation.
fn check(
    errors: &mut Accumulator,
    attribute: &str,
    expression: &Expression,
    rule: &SpannedValue<String>,
    kind: OperationKind,
    point: usize,
    names: &[&str],
) {
    let schema = match point {
        0 if kind.is_item() => Schema::with_object(names),
        0 => Schema::without_object(),
        _ => Schema::with_previous(names),
    };
    if let Err(error) = expression.check(&schema) {
        let hint = if point == 0 && !kind.is_item() {
            format!(
                "\nor give `{kind}` a `security` of its own (an operation's rule replaces the resource's)"
            )
        } else {
            String::new()
        };
        report(
            errors,
            format!("`{attribute}` of operation `{kind}`: {error}{hint}"),
            rule.span(),
        );
    }
}

/// Parses an expression, reporting its syntax errors.
fn parse(
    errors: &mut Accumulator,
    attribute: &str,
    rule: &SpannedValue<String>,
) -> Option<Expression> {
    Expression::parse(rule)
        .map_err(|error| {
            report(
                errors,
                format!("invalid `{attribute}` expression: {error}"),
                rule.span(),
            );
        })
        .ok()
}

impl SecurityInput {
    /// The three points, each with its rule and message.
    pub(crate) fn points(&self) -> [Point<'_>; 3] {
        [
            (
                "security",
                self.security.as_ref(),
                self.security_message.as_ref(),
            ),
            (
                "security_post_denormalize",
                self.security_post_denormalize.as_ref(),
                self.security_post_denormalize_message.as_ref(),
            ),
            (
                "security_post_validation",
                self.security_post_validation.as_ref(),
                self.security_post_validation_message.as_ref(),
            ),
        ]
    }
}
