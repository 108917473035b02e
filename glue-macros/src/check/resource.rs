//! Rules about the resource as a whole: its type, its name, header values, versions and
//! code bucket.

use darling::Error;
use darling::error::Accumulator;
use glue_common::{naming, version};

use super::report::report;
use crate::parse::ResourceInput;

/// A resource is one concrete struct.
pub(super) fn generics_are_unsupported(input: &ResourceInput, errors: &mut Accumulator) {
    if !input.generics.params.is_empty() {
        errors.push(Error::from(syn::Error::new_spanned(
            &input.generics,
            "`#[derive(ApiResource)]` does not support generic structs",
        )));
    }
}

/// The resource type in URLs: the declared `short_name`, else the plural kebab-case of the
/// struct's name.
pub(super) fn short_name(input: &ResourceInput, errors: &mut Accumulator) -> String {
    let Some(name) = &input.short_name else {
        return naming::short_name(&input.ident.to_string());
    };
    if !naming::is_kebab(name) {
        report(
            errors,
            "`short_name` is the resource type in URLs: lowercase letters, digits and `-`, such as \"customer-addresses\"",
            name.span(),
        );
    }
    name.to_string()
}

/// `cache_control`, on the resource or an operation, is a header value.
pub(super) fn header_values(input: &ResourceInput, errors: &mut Accumulator) {
    let declared = input
        .operations
        .iter()
        .flat_map(|list| &list.0)
        .filter_map(|op| op.options.cache_control.as_ref())
        .chain(&input.cache_control);
    for value in declared {
        if value.is_empty() || !value.bytes().all(|byte| (0x20..0x7f).contains(&byte)) {
            report(
                errors,
                "`cache_control` is a header value: visible ASCII, such as \"no-store\"",
                value.span(),
            );
        }
    }
}

/// Versions (SPEC §2.4), on the resource or an operation, are `major.minor`.
pub(super) fn versions(input: &ResourceInput, errors: &mut Accumulator) {
    let declared = input
        .operations
        .iter()
        .flat_map(|list| &list.0)
        .filter_map(|op| op.options.version.as_ref())
        .chain(&input.version);
    for value in declared {
        if version::parse(value).is_none() {
            report(
                errors,
                "a version is `major.minor`, such as \"1.0\"",
                value.span(),
            );
        }
    }
}

/// A code bucket (SPEC §7.3) is a name of letters and digits.
pub(super) fn code_bucket(input: &ResourceInput, errors: &mut Accumulator) {
    if let Some(bucket) = &input.code_bucket
        && (bucket.is_empty()
            || !bucket
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'))
    {
        report(
            errors,
            "a code bucket is a name of letters and digits, such as \"EU\"",
            bucket.span(),
        );
    }
}
