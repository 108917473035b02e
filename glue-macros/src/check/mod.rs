//! Checks the declaration (SPEC §7.2) and builds the [`Model`] that `emit` writes code from.
//! Each rule is a function of its own; every mistake is reported, each at the span of what
//! caused it.

mod fields;
mod operations;
mod pagination;
mod relationships;
mod report;
mod resource;
mod routes;
mod security;

use darling::Error;
use glue_common::naming;
use quote::quote;

use crate::model::Model;
use crate::parse::{ResourceInput, doc_text, has_validate};

impl Model {
    /// Checks a parsed declaration.
    pub(crate) fn build(input: &ResourceInput) -> darling::Result<Self> {
        let mut errors = Error::accumulator();
        let ident_text = input.ident.to_string();

        resource::generics_are_unsupported(input, &mut errors);
        let short_name = resource::short_name(input, &mut errors);
        let operations = operations::operations(input, &mut errors);
        resource::header_values(input, &mut errors);
        resource::versions(input, &mut errors);
        resource::code_bucket(input, &mut errors);
        let raw_fields = fields::raw_fields(input);
        let (mut fields, identifier) = fields::fields(&raw_fields, &mut errors);
        fields::some_property(input, raw_fields.len(), &mut errors);
        fields::unique_wire_names(&fields, &mut errors);
        operations::item_operations_need_identifier(&operations, identifier, &mut errors);
        operations::provider_and_processor(input, &operations, &mut errors);

        let pagination = input.pagination.clone().unwrap_or_default();
        pagination::page_sizes(&pagination, &mut errors);

        let variables = routes::uri_variables(
            input,
            &operations,
            &mut fields,
            identifier,
            &ident_text,
            &mut errors,
        );
        let relationships = relationships::relationships(input, &fields, &ident_text, &mut errors);
        let tie_breaker = fields::tie_breaker(input, &fields, &ident_text, &mut errors);
        security::expressions(input, &operations, &fields, &mut errors);
        let table = resource::table(input, &mut errors);
        let concurrency = resource::concurrency(input, &fields, &ident_text, &mut errors);
        let includes = resource::includes(input, &mut errors);

        errors.finish()?;

        let validate =
            has_validate(&input.attrs) || raw_fields.iter().any(|field| has_validate(&field.attrs));
        Ok(Self {
            krate: crate_tokens(input),
            ident: input.ident.clone(),
            name: input
                .name
                .clone()
                .unwrap_or_else(|| naming::resource_name(&ident_text)),
            short_name,
            label: input
                .label
                .clone()
                .unwrap_or_else(|| naming::label(&ident_text)),
            description: input.description.clone().or_else(|| doc_text(&input.attrs)),
            operations,
            provider: input
                .provider
                .as_ref()
                .map_or_else(|| quote!(()), |ty| quote!(#ty)),
            processor: input
                .processor
                .as_ref()
                .map_or_else(|| quote!(()), |ty| quote!(#ty)),
            pagination,
            variables,
            idempotent_delete: input.idempotent_delete.is_present(),
            fields,
            identifier,
            validate,
            validate_group: input.validate_group.clone(),
            relationships,
            tie_breaker,
            security: input.security.clone(),
            version: input.version.as_ref().map(|value| value.to_string()),
            code_bucket: input.code_bucket.as_ref().map(|value| value.to_string()),
            table,
            concurrency,
            includes,
        })
    }
}

/// `crate = path`, else `::glue_core`.
fn crate_tokens(input: &ResourceInput) -> proc_macro2::TokenStream {
    input
        .krate
        .as_ref()
        .map_or_else(|| quote!(::glue_core), |path| quote!(#path))
}
