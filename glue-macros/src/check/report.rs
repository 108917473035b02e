//! The one way a check reports a mistake.

use darling::Error;
use darling::error::Accumulator;

/// Pushes one error at a span.
pub(super) fn report(
    errors: &mut Accumulator,
    message: impl std::fmt::Display,
    span: proc_macro2::Span,
) {
    errors.push(Error::custom(message).with_span(&span));
}
