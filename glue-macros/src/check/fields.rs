//! Rules about the fields: each one a representable property, one identifier, unique wire
//! names, a readable tie-breaker.

use darling::Error;
use darling::error::Accumulator;
use glue_common::{PropertyType, naming};
use syn::ext::IdentExt;

use super::report::report;
use crate::model::{Field, find_field};
use crate::parse::{FieldInput, ResourceInput, constraints, doc_text, expr_json, literal_json};
use crate::types::{self, Kind};

/// The struct's named fields.
pub(super) fn raw_fields(input: &ResourceInput) -> Vec<&FieldInput> {
    input
        .data
        .as_ref()
        .take_struct()
        .map(|fields| fields.fields)
        .unwrap_or_default()
}

/// The properties, and which one is the identifier (at most one).
pub(super) fn fields(
    raw_fields: &[&FieldInput],
    errors: &mut Accumulator,
) -> (Vec<Field>, Option<usize>) {
    let mut fields = Vec::with_capacity(raw_fields.len());
    let mut identifier = None;
    for raw in raw_fields {
        let Some(field) = field(raw, errors) else {
            continue;
        };
        if field.identifier {
            if identifier.is_some() {
                report(
                    errors,
                    "a resource has one identifier; `#[api(identifier)]` is already on another field",
                    raw.identifier.span(),
                );
            } else {
                identifier = Some(fields.len());
            }
        }
        fields.push(field);
    }
    (fields, identifier)
}

/// A resource has something to show: at least one field.
pub(super) fn some_property(input: &ResourceInput, raw_fields: usize, errors: &mut Accumulator) {
    if raw_fields == 0 {
        report(
            errors,
            format!(
                "`{}` has no fields: a resource needs at least one property (and an identifier for item operations)",
                input.ident
            ),
            input.ident.span(),
        );
    }
}

/// Two fields cannot share a name on the wire.
pub(super) fn unique_wire_names(fields: &[Field], errors: &mut Accumulator) {
    for (index, field) in fields.iter().enumerate() {
        if fields[..index]
            .iter()
            .any(|earlier| earlier.name == field.name)
        {
            report(
                errors,
                format!(
                    "two properties are named `{}` on the wire; `rename` one of them",
                    field.name
                ),
                field.ident.span(),
            );
        }
    }
}

/// `tie_breaker = "..."` names a readable property.
pub(super) fn tie_breaker(
    input: &ResourceInput,
    fields: &[Field],
    ident_text: &str,
    errors: &mut Accumulator,
) -> Option<String> {
    let name = input.tie_breaker.as_ref()?;
    match find_field(fields, name) {
        Some(index) if fields[index].readable => Some(fields[index].name.clone()),
        Some(_) => {
            report(
                errors,
                "the tie-breaker must be a readable property",
                name.span(),
            );
            None
        }
        None => {
            report(
                errors,
                format!("`{}` is not a field of `{ident_text}`", **name),
                name.span(),
            );
            None
        }
    }
}

/// One field: its wire type (inferred, or declared with `type = "..."`), its name and its
/// flags, which must agree with each other.
fn field(raw: &FieldInput, errors: &mut Accumulator) -> Option<Field> {
    let ident = raw.ident.clone()?;
    let mut wire = match types::infer(&raw.ty) {
        Ok(wire) => wire,
        Err(reason) => {
            errors.push(Error::from(syn::Error::new_spanned(
                &raw.ty,
                format!("{reason} (SPEC §7.2)"),
            )));
            return None;
        }
    };
    if let Some(declared) = &raw.property_type {
        match PropertyType::from_name(declared) {
            Some(ty) => {
                wire.ty = ty;
                if ty != PropertyType::String {
                    wire.kind = Kind::Plain;
                }
            }
            None => errors.push(
                Error::unknown_value_with_alts(declared, PropertyType::names().iter())
                    .with_span(&declared.span()),
            ),
        }
    }
    let identifier = raw.identifier.is_present();
    let readable = raw.readable.unwrap_or(true);
    let writable = raw.writable.unwrap_or(true);
    let required = raw.required.as_ref().is_some_and(|r| **r);
    if required
        && !writable
        && let Some(flag) = &raw.required
    {
        report(
            errors,
            "a property that is not writable cannot be required",
            flag.span(),
        );
    }
    if identifier && !readable {
        report(
            errors,
            "the identifier is always shown; it cannot be `readable = false`",
            raw.identifier.span(),
        );
    }
    let name = match &raw.rename {
        Some(name) if name.is_empty() => {
            report(errors, "`rename` needs a name", ident.span());
            return None;
        }
        Some(name) => name.clone(),
        None => naming::camel_case(&ident.unraw().to_string()),
    };
    if let Some(column) = &raw.column
        && !valid_sql_name(column)
    {
        report(
            errors,
            "`column` is a column name: letters, digits and `_`, not starting with a digit",
            column.span(),
        );
    }
    if raw.column.is_some() && raw.stored == Some(false) {
        report(
            errors,
            "a property with `stored = false` has no column",
            ident.span(),
        );
    }
    if identifier && raw.stored == Some(false) {
        report(
            errors,
            "the identifier is always stored; it cannot be `stored = false`",
            raw.identifier.span(),
        );
    }
    let default = raw.default.as_ref().map(|value| value.0.clone());
    let default_json = default.as_ref().and_then(expr_json);
    let constraints = constraints(&raw.attrs);
    Some(Field {
        ident,
        ty: raw.ty.clone(),
        name,
        wire,
        identifier,
        readable,
        writable,
        required,
        default,
        default_json,
        description: raw.description.clone().or_else(|| doc_text(&raw.attrs)),
        example_json: raw.example.as_ref().and_then(|lit| literal_json(&lit.0)),
        format: raw
            .format
            .clone()
            .or_else(|| constraints.format.map(str::to_owned)),
        constraints,
        enum_values: raw.enum_values.clone(),
        filterable: raw.filterable.unwrap_or(readable),
        sortable: raw.sortable.unwrap_or(readable),
        uri_variable: None,
        column: raw.column.as_ref().map(|column| column.to_string()),
        stored: raw.stored.unwrap_or(true),
    })
}

/// A table or column name the stores can quote safely everywhere: ASCII letters, digits and
/// `_`, not starting with a digit.
pub(super) fn valid_sql_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}
