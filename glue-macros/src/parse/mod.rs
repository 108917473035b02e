//! The declaration as darling reads it: `#[api(...)]` on the struct and on each field. Only
//! the shape is read here; what the values mean is checked in `check`.

mod constraints;
mod lists;
mod literal;
mod operations;

use darling::ast;
use darling::util::{Flag, SpannedValue};
use darling::{FromDeriveInput, FromField, FromMeta};
use syn::{Attribute, Generics, Ident, Type};

pub(crate) use constraints::{Constraints, constraints};
pub(crate) use lists::{EnumValues, RelationshipInput, Relationships, UriVariables};
pub(crate) use literal::{DefaultValue, Literal, doc_text, expr_json, has_validate, literal_json};
pub(crate) use operations::{OperationInput, Operations, SecurityInput};

/// `#[api(...)]` on the struct.
#[derive(Debug, FromDeriveInput)]
#[darling(attributes(api), supports(struct_named), forward_attrs(doc, validate))]
pub(crate) struct ResourceInput {
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    pub(crate) data: ast::Data<(), FieldInput>,
    pub(crate) attrs: Vec<Attribute>,

    pub(crate) name: Option<String>,
    pub(crate) short_name: Option<SpannedValue<String>>,
    pub(crate) label: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) operations: Option<SpannedValue<Operations>>,
    pub(crate) provider: Option<Type>,
    pub(crate) processor: Option<Type>,
    pub(crate) pagination: Option<PaginationInput>,
    pub(crate) uri_variables: Option<UriVariables>,
    pub(crate) relationships: Option<Relationships>,
    pub(crate) tie_breaker: Option<SpannedValue<String>>,
    pub(crate) idempotent_delete: Flag,
    pub(crate) cache_control: Option<SpannedValue<String>>,
    pub(crate) version: Option<SpannedValue<String>>,
    pub(crate) code_bucket: Option<SpannedValue<String>>,
    pub(crate) table: Option<SpannedValue<String>>,
    pub(crate) concurrency: Option<SpannedValue<ConcurrencyInput>>,
    pub(crate) includes: Option<SpannedValue<IncludesInput>>,
    /// `validate_group = path`: a `fn(&Self, WriteMode) -> Result<(), Vec<FieldError>>` with
    /// the rules of each operation group (SPEC §7.1).
    pub(crate) validate_group: Option<syn::Path>,
    #[darling(flatten)]
    pub(crate) security: SecurityInput,
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
}

/// `#[api(...)]` on a field.
#[derive(Debug, FromField)]
#[darling(attributes(api), forward_attrs(doc, validate))]
pub(crate) struct FieldInput {
    pub(crate) ident: Option<Ident>,
    pub(crate) ty: Type,
    pub(crate) attrs: Vec<Attribute>,

    pub(crate) identifier: Flag,
    pub(crate) readable: Option<bool>,
    pub(crate) writable: Option<bool>,
    pub(crate) required: Option<SpannedValue<bool>>,
    pub(crate) default: Option<DefaultValue>,
    pub(crate) description: Option<String>,
    pub(crate) example: Option<Literal>,
    pub(crate) format: Option<String>,
    pub(crate) rename: Option<String>,
    pub(crate) enum_values: Option<EnumValues>,
    pub(crate) filterable: Option<bool>,
    pub(crate) sortable: Option<bool>,
    #[darling(rename = "type")]
    pub(crate) property_type: Option<SpannedValue<String>>,
    pub(crate) column: Option<SpannedValue<String>>,
    pub(crate) stored: Option<bool>,
}

/// `includes(paths = 20, depth = 3)`: the bounds of `include` on this resource (SPEC §13.1).
#[derive(Debug, Clone, Default, FromMeta)]
pub(crate) struct IncludesInput {
    pub(crate) paths: Option<usize>,
    pub(crate) depth: Option<usize>,
}

/// `concurrency(version = "version")`, `concurrency(updated_at = "updatedAt")` or
/// `concurrency(hash)`, with `require_if_match` (SPEC §12.1).
#[derive(Debug, Clone, Default, FromMeta)]
pub(crate) struct ConcurrencyInput {
    pub(crate) version: Option<SpannedValue<String>>,
    pub(crate) updated_at: Option<SpannedValue<String>>,
    pub(crate) hash: Flag,
    pub(crate) require_if_match: Flag,
}

/// `pagination(items_per_page = 10, maximum_items_per_page = 100, ...)`.
#[derive(Debug, Clone, Default, FromMeta)]
pub(crate) struct PaginationInput {
    pub(crate) enabled: Option<bool>,
    pub(crate) items_per_page: Option<SpannedValue<u64>>,
    pub(crate) maximum_items_per_page: Option<SpannedValue<u64>>,
    pub(crate) client_enabled: Option<bool>,
    pub(crate) client_items_per_page: Option<bool>,
    pub(crate) form: Option<SpannedValue<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use glue_common::OperationKind;
    use syn::parse_quote;

    #[test]
    fn every_mistake_is_reported_at_once() {
        let input: syn::DeriveInput = parse_quote! {
            #[api(operations(Get, Gett, Get), provider = P, tpye = "x")]
            struct Thing { #[api(identifier)] id: String }
        };
        let error = ResourceInput::from_derive_input(&input).unwrap_err();
        assert_eq!(error.len(), 3, "{error:?}");
        let text = error.to_string();
        assert!(text.contains("Gett"), "{text}");
    }

    #[test]
    fn operations_take_options() {
        let input: syn::DeriveInput = parse_quote! {
            #[api(operations(GetCollection(uri_template = "/a/{b}/c", status = 200), Post))]
            struct Thing { id: String }
        };
        let parsed = ResourceInput::from_derive_input(&input).unwrap();
        let operations = parsed.operations.unwrap();
        assert_eq!(operations.0.len(), 2);
        assert_eq!(operations.0[1].kind, OperationKind::Post);
        assert_eq!(
            operations.0[0]
                .options
                .uri_template
                .as_deref()
                .map(String::as_str),
            Some("/a/{b}/c")
        );
    }
}
