//! Rules about the resource as a whole: its type, its name, header values, versions, code
//! bucket, table and version source.

use darling::Error;
use darling::error::Accumulator;
use darling::util::SpannedValue;
use glue_common::{PropertyType, naming, version};

use super::report::report;
use crate::model::{Concurrency, Field, VersionSource, find_field};
use crate::parse::ResourceInput;
use crate::types::Kind;

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

/// `table = "..."` is a table name the stores can quote.
pub(super) fn table(input: &ResourceInput, errors: &mut Accumulator) -> Option<String> {
    let table = input.table.as_ref()?;
    if !super::fields::valid_sql_name(table) {
        report(
            errors,
            "`table` is a table name: letters, digits and `_`, not starting with a digit",
            table.span(),
        );
    }
    Some(table.to_string())
}

/// `includes(paths = ..., depth = ...)`: each at least 1; 20 paths of 3 relationships when
/// not given (SPEC §13.1).
pub(super) fn includes(input: &ResourceInput, errors: &mut Accumulator) -> (usize, usize) {
    let declared = input.includes.as_ref();
    let paths = declared.and_then(|includes| includes.paths).unwrap_or(20);
    let depth = declared.and_then(|includes| includes.depth).unwrap_or(3);
    if let Some(includes) = declared
        && (paths == 0 || depth == 0)
    {
        report(
            errors,
            "`includes` bounds are at least 1: `includes(paths = 20, depth = 3)`",
            includes.span(),
        );
    }
    (paths, depth)
}

/// `concurrency(...)` names one version source (SPEC §12.1): a counter is an integer
/// property, a timestamp a date-time one; either is set by the store, never by a client.
pub(super) fn concurrency(
    input: &ResourceInput,
    fields: &[Field],
    ident_text: &str,
    errors: &mut Accumulator,
) -> Option<Concurrency> {
    let declared = input.concurrency.as_ref()?;
    let require_if_match = declared.require_if_match.is_present();
    let sources = usize::from(declared.version.is_some())
        + usize::from(declared.updated_at.is_some())
        + usize::from(declared.hash.is_present());
    if sources != 1 {
        report(
            errors,
            "`concurrency` takes one version source: `version = \"...\"`, `updated_at = \"...\"` or `hash`",
            declared.span(),
        );
        return None;
    }
    let mut property = |name: &SpannedValue<String>, wanted: fn(&Field) -> bool, what: &str| {
        let Some(index) = find_field(fields, name) else {
            report(
                errors,
                format!("`{}` is not a field of `{ident_text}`", **name),
                name.span(),
            );
            return None;
        };
        let field = &fields[index];
        if !wanted(field) {
            report(
                errors,
                format!("the version property must be {what}"),
                name.span(),
            );
            return None;
        }
        if field.writable {
            report(
                errors,
                "the version property is set by the store: declare it `writable = false`",
                name.span(),
            );
            return None;
        }
        if !field.stored {
            report(
                errors,
                "the version property is kept in a column: it cannot be `stored = false`",
                name.span(),
            );
            return None;
        }
        Some(index)
    };
    let source = if let Some(name) = &declared.version {
        VersionSource::Counter(property(
            name,
            |field| field.wire.ty == PropertyType::Integer && !field.wire.nullable,
            "an integer (not an `Option`)",
        )?)
    } else if let Some(name) = &declared.updated_at {
        VersionSource::Timestamp(property(
            name,
            |field| field.wire.kind == Kind::DateTime && !field.wire.nullable,
            "a date-time (not an `Option`)",
        )?)
    } else {
        VersionSource::Hash
    };
    Some(Concurrency {
        source,
        require_if_match,
    })
}
