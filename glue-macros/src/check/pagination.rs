//! Rules about the pagination settings (SPEC §5.1).

use darling::error::Accumulator;

use super::report::report;
use crate::parse::PaginationInput;

/// Page sizes are at least 1, and the maximum is not below the default. The link form is a
/// strategy's name; which names exist is known when the application is built.
pub(super) fn page_sizes(pagination: &PaginationInput, errors: &mut Accumulator) {
    if let (Some(default), Some(maximum)) = (
        &pagination.items_per_page,
        &pagination.maximum_items_per_page,
    ) && **maximum < **default
    {
        report(
            errors,
            format!(
                "`maximum_items_per_page` ({}) is below `items_per_page` ({})",
                **maximum, **default
            ),
            maximum.span(),
        );
    }
    let sizes = [
        &pagination.items_per_page,
        &pagination.maximum_items_per_page,
    ];
    for size in sizes.into_iter().flatten() {
        if **size == 0 {
            report(errors, "a page size must be at least 1", size.span());
        }
    }
    if let Some(form) = &pagination.form
        && form.trim().is_empty()
    {
        report(
            errors,
            "`form` names a pagination strategy, such as \"offset\" or \"page\"",
            form.span(),
        );
    }
}
