//! Rules about the declared operations.

use darling::error::Accumulator;

use super::report::report;
use crate::model::Operation;
use crate::parse::{OperationInput, ResourceInput};

/// The declared operations, each with the resource's `cache_control` unless it names its
/// own; at least one is needed.
pub(super) fn operations(input: &ResourceInput, errors: &mut Accumulator) -> Vec<Operation> {
    let declared = match &input.operations {
        None => {
            report(
                errors,
                "declare the operations of the resource, such as `#[api(operations(Get, GetCollection, Post))]`",
                input.ident.span(),
            );
            return Vec::new();
        }
        Some(list) if list.0.is_empty() => {
            report(errors, "declare at least one operation", list.span());
            return Vec::new();
        }
        Some(list) => &list.0,
    };
    let default_cache_control = input.cache_control.as_ref().map(|value| value.to_string());
    declared
        .iter()
        .map(|op| {
            let mut operation = operation(op, errors);
            if operation.cache_control.is_none() {
                operation.cache_control.clone_from(&default_cache_control);
            }
            operation
        })
        .collect()
}

/// One operation; its status is a valid HTTP status.
fn operation(input: &OperationInput, errors: &mut Accumulator) -> Operation {
    let options = &input.options;
    if let Some(status) = &options.status
        && !(100..=599).contains(&**status)
    {
        report(errors, "a status is between 100 and 599", status.span());
    }
    Operation {
        kind: input.kind,
        span: input.span,
        uri_template: options.uri_template.as_ref().map(|t| t.to_string()),
        status: options.status.as_ref().map(|s| **s),
        description: options.description.clone(),
        security: options.security.clone(),
        cache_control: options.cache_control.as_ref().map(|v| v.to_string()),
        version: options.version.as_ref().map(|v| v.to_string()),
    }
}

/// An operation that addresses one item needs a field marked `identifier`.
pub(super) fn item_operations_need_identifier(
    operations: &[Operation],
    identifier: Option<usize>,
    errors: &mut Accumulator,
) {
    if identifier.is_some() {
        return;
    }
    if let Some(op) = operations.iter().find(|op| op.kind.is_item()) {
        report(
            errors,
            format!(
                "operation `{}` addresses one item, so one field needs `#[api(identifier)]`",
                op.kind
            ),
            op.span,
        );
    }
}

/// Operations that read need a provider; operations that write need a processor.
pub(super) fn provider_and_processor(
    input: &ResourceInput,
    operations: &[Operation],
    errors: &mut Accumulator,
) {
    if input.provider.is_none()
        && let Some(op) = operations.iter().find(|op| op.kind.reads())
    {
        report(
            errors,
            format!(
                "operation `{}` reads stored items, so the resource needs `provider = ...`",
                op.kind
            ),
            op.span,
        );
    }
    if input.processor.is_none()
        && let Some(op) = operations.iter().find(|op| op.kind.is_write())
    {
        report(
            errors,
            format!(
                "operation `{}` writes, so the resource needs `processor = ...`",
                op.kind
            ),
            op.span,
        );
    }
}
