//! Checks the declaration and writes the `Resource` impl.

use darling::util::SpannedValue;
use darling::{Error, FromDeriveInput};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{DeriveInput, Expr, Ident, Lit, Type};

use crate::input::{
    Constraints, EnumValues, FieldInput, OperationInput, PaginationInput, ResourceInput,
    SecurityInput, doc_text, expr_json, has_validate, literal_json,
};
use crate::naming;
use crate::types::{self, Kind, TYPE_NAMES, WireType};

/// The pagination forms links can use.
const PAGE_FORMS: [&str; 4] = ["offset", "page", "range", "cursor"];

/// Expands the derive; on error, the errors plus a stub impl so that code using the type does
/// not drown in follow-on errors.
pub(crate) fn expand(input: &DeriveInput) -> TokenStream {
    match try_expand(input) {
        Ok(tokens) => tokens,
        Err(error) => fallback(input, error),
    }
}

fn try_expand(input: &DeriveInput) -> darling::Result<TokenStream> {
    let parsed = ResourceInput::from_derive_input(input)?;
    let model = Model::build(&parsed)?;
    Ok(model.generate())
}

fn fallback(input: &DeriveInput, error: Error) -> TokenStream {
    let errors = error.write_errors();
    let ident = &input.ident;
    if !input.generics.params.is_empty() {
        return errors;
    }
    let krate = crate_path(&input.attrs).map_or_else(|| quote!(::glue_core), |path| quote!(#path));
    quote! {
        #errors
        #[automatically_derived]
        impl #krate::Resource for #ident {
            type Provider = ();
            type Processor = ();
            fn meta() -> &'static #krate::ResourceMeta {
                ::core::unreachable!()
            }
            fn id(&self) -> ::std::borrow::Cow<'_, str> {
                ::core::unreachable!()
            }
            fn uri_value(&self, _: &str) -> ::core::option::Option<::std::borrow::Cow<'_, str>> {
                ::core::unreachable!()
            }
            fn write_properties(
                &self,
                _: &mut #krate::PropertyWriter<'_>,
            ) -> ::core::result::Result<(), #krate::__private::serde_json::Error> {
                ::core::unreachable!()
            }
            fn from_input(
                _: &mut #krate::WriteInput<'_>,
                _: ::core::option::Option<Self>,
            ) -> ::core::option::Option<Self> {
                ::core::unreachable!()
            }
        }
    }
}

/// `crate = path` from the raw attributes, for the fallback after a parse error.
fn crate_path(attrs: &[syn::Attribute]) -> Option<syn::Path> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("api"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::List(list) => {
                darling::ast::NestedMeta::parse_meta_list(list.tokens.clone()).ok()
            }
            _ => None,
        })
        .flatten()
        .find_map(|item| match item {
            darling::ast::NestedMeta::Meta(syn::Meta::NameValue(pair))
                if pair.path.is_ident("crate") =>
            {
                match pair.value {
                    Expr::Path(path) => Some(path.path),
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(text),
                        ..
                    }) => text.parse().ok(),
                    _ => None,
                }
            }
            _ => None,
        })
}

struct Operation {
    kind: Ident,
    is_item: bool,
    is_write: bool,
    uri_template: Option<String>,
    status: Option<u16>,
    description: Option<String>,
    security: SecurityInput,
    cache_control: Option<String>,
    version: Option<String>,
}

struct Field {
    ident: Ident,
    ty: Type,
    name: String,
    wire: WireType,
    identifier: bool,
    readable: bool,
    writable: bool,
    required: bool,
    default: Option<Expr>,
    default_json: Option<String>,
    description: Option<String>,
    example_json: Option<String>,
    format: Option<String>,
    enum_values: Option<EnumValues>,
    filterable: bool,
    sortable: bool,
    /// Bounds from the field's `validator` rules.
    constraints: Constraints,
    /// A non-identifier uri variable this field holds (a parent's identifier).
    uri_variable: Option<String>,
}

struct Model {
    krate: TokenStream,
    ident: Ident,
    name: String,
    short_name: String,
    label: String,
    description: Option<String>,
    operations: Vec<Operation>,
    provider: TokenStream,
    processor: TokenStream,
    pagination: PaginationInput,
    /// Every uri variable of every route, with the field that holds it.
    variables: Vec<(String, usize)>,
    idempotent_delete: bool,
    fields: Vec<Field>,
    identifier: Option<usize>,
    validate: bool,
    relationships: Vec<Relationship>,
    tie_breaker: Option<String>,
    security: SecurityInput,
    version: Option<String>,
    code_bucket: Option<String>,
}

struct Relationship {
    name: String,
    target: Type,
    many: bool,
    /// (this resource's property index, the target's property name)
    key: (usize, String),
    description: Option<String>,
}

/// A field by Rust name or wire name.
fn find_field(fields: &[Field], name: &str) -> Option<usize> {
    fields
        .iter()
        .position(|field| field.ident.unraw() == name || field.name == name)
}

fn template_variables(template: &str) -> Vec<String> {
    let mut variables = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        variables.push(rest[start + 1..start + end].to_owned());
        rest = &rest[start + end + 1..];
    }
    variables
}

impl Model {
    #[allow(clippy::too_many_lines)]
    fn build(input: &ResourceInput) -> darling::Result<Self> {
        let mut errors = Error::accumulator();
        let ident = input.ident.clone();
        let ident_text = ident.to_string();

        if !input.generics.params.is_empty() {
            errors.push(Error::from(syn::Error::new_spanned(
                &input.generics,
                "`#[derive(ApiResource)]` does not support generic structs",
            )));
        }

        let short_name = match &input.short_name {
            Some(name) => {
                if !naming::is_kebab(name) {
                    errors.push(
                        Error::custom(
                            "`short_name` is the resource type in URLs: lowercase letters, digits and `-`, such as \"customer-addresses\"",
                        )
                        .with_span(&name.span()),
                    );
                }
                name.to_string()
            }
            None => naming::short_name(&ident_text),
        };

        let mut operations: Vec<Operation> = match &input.operations {
            None => {
                errors.push(
                    Error::custom(
                        "declare the operations of the resource, such as `#[api(operations(Get, GetCollection, Post))]`",
                    )
                    .with_span(&ident),
                );
                Vec::new()
            }
            Some(list) if list.0.is_empty() => {
                errors
                    .push(Error::custom("declare at least one operation").with_span(&list.span()));
                Vec::new()
            }
            Some(list) => list.0.iter().map(|op| operation(op, &mut errors)).collect(),
        };

        // Cache-Control: the resource's for every operation that names none.
        let declared = input
            .operations
            .iter()
            .flat_map(|list| &list.0)
            .filter_map(|op| op.options.cache_control.as_ref())
            .chain(&input.cache_control);
        for value in declared {
            if value.is_empty() || !value.bytes().all(|byte| (0x20..0x7f).contains(&byte)) {
                errors.push(
                    Error::custom(
                        "`cache_control` is a header value: visible ASCII, such as \"no-store\"",
                    )
                    .with_span(&value.span()),
                );
            }
        }
        // Versions (SPEC §2.4) are `major.minor`; code buckets (SPEC §7.3) are names.
        let versions = input
            .operations
            .iter()
            .flat_map(|list| &list.0)
            .filter_map(|op| op.options.version.as_ref())
            .chain(&input.version);
        for version in versions {
            let numbers = version.split_once('.').filter(|(major, minor)| {
                [major, minor]
                    .iter()
                    .all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()))
            });
            if numbers.is_none() {
                errors.push(
                    Error::custom("a version is `major.minor`, such as \"1.0\"")
                        .with_span(&version.span()),
                );
            }
        }
        if let Some(bucket) = &input.code_bucket
            && (bucket.is_empty()
                || !bucket
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'))
        {
            errors.push(
                Error::custom("a code bucket is a name of letters and digits, such as \"EU\"")
                    .with_span(&bucket.span()),
            );
        }
        if let Some(default) = &input.cache_control {
            for op in &mut operations {
                op.cache_control.get_or_insert_with(|| default.to_string());
            }
        }

        // Fields.
        let raw_fields: Vec<&FieldInput> = input
            .data
            .as_ref()
            .take_struct()
            .map(|fields| fields.fields)
            .unwrap_or_default();
        let mut fields = Vec::with_capacity(raw_fields.len());
        let mut identifier = None;
        for raw in &raw_fields {
            let Some(field) = field(raw, &mut errors) else {
                continue;
            };
            if field.identifier {
                if identifier.is_some() {
                    errors.push(
                        Error::custom(
                            "a resource has one identifier; `#[api(identifier)]` is already on another field",
                        )
                        .with_span(&raw.identifier.span()),
                    );
                } else {
                    identifier = Some(fields.len());
                }
            }
            fields.push(field);
        }

        for (index, field) in fields.iter().enumerate() {
            if fields[..index]
                .iter()
                .any(|earlier| earlier.name == field.name)
            {
                errors.push(
                    Error::custom(format!(
                        "two properties are named `{}` on the wire; `rename` one of them",
                        field.name
                    ))
                    .with_span(&field.ident),
                );
            }
        }

        let validate =
            has_validate(&input.attrs) || raw_fields.iter().any(|f| has_validate(&f.attrs));

        if identifier.is_none()
            && let Some(op) = operations.iter().find(|op| op.is_item)
        {
            errors.push(
                Error::custom(format!(
                    "operation `{}` addresses one item, so one field needs `#[api(identifier)]`",
                    op.kind
                ))
                .with_span(&op.kind),
            );
        }

        // Provider and processor.
        let reads = operations.iter().find(|op| op.kind != "Post");
        if input.provider.is_none()
            && let Some(op) = reads
        {
            errors.push(
                Error::custom(format!(
                    "operation `{}` reads stored items, so the resource needs `provider = ...`",
                    op.kind
                ))
                .with_span(&op.kind),
            );
        }
        if input.processor.is_none()
            && let Some(op) = operations.iter().find(|op| op.is_write)
        {
            errors.push(
                Error::custom(format!(
                    "operation `{}` writes, so the resource needs `processor = ...`",
                    op.kind
                ))
                .with_span(&op.kind),
            );
        }

        // Pagination.
        let pagination = input.pagination.clone().unwrap_or_default();
        if let (Some(default), Some(maximum)) = (
            &pagination.items_per_page,
            &pagination.maximum_items_per_page,
        ) && **maximum < **default
        {
            errors.push(
                Error::custom(format!(
                    "`maximum_items_per_page` ({}) is below `items_per_page` ({})",
                    **maximum, **default
                ))
                .with_span(&maximum.span()),
            );
        }
        for size in [
            &pagination.items_per_page,
            &pagination.maximum_items_per_page,
        ]
        .into_iter()
        .flatten()
        {
            if **size == 0 {
                errors
                    .push(Error::custom("a page size must be at least 1").with_span(&size.span()));
            }
        }
        if let Some(form) = &pagination.form
            && !PAGE_FORMS.contains(&form.as_str())
        {
            errors.push(
                Error::unknown_value_with_alts(form, PAGE_FORMS.iter()).with_span(&form.span()),
            );
        }

        // Uri variables: explicit mappings, then every template variable.
        let mut explicit: Vec<(String, usize, Span)> = Vec::new();
        for mapping in input.uri_variables.iter().flat_map(|list| &list.0) {
            match find_field(&fields, &mapping.field) {
                Some(index) => explicit.push((mapping.variable.clone(), index, mapping.span)),
                None => errors.push(
                    Error::custom(format!(
                        "`{}` is not a field of `{ident_text}`",
                        mapping.field
                    ))
                    .with_span(&mapping.span),
                ),
            }
        }
        let mut variables: Vec<(String, usize)> = Vec::new();
        if let Some(index) = identifier {
            variables.push((fields[index].name.clone(), index));
        }
        for (op, raw) in operations
            .iter()
            .zip(input.operations.iter().flat_map(|l| &l.0))
        {
            let Some(template) = &op.uri_template else {
                continue;
            };
            let span = raw
                .options
                .uri_template
                .as_ref()
                .map_or(raw.span, SpannedValue::span);
            if !template.starts_with('/') {
                errors.push(Error::custom("a uri template starts with `/`").with_span(&span));
            }
            let names = template_variables(template);
            if op.is_item
                && let Some(index) = identifier
                && !names.iter().any(|name| {
                    explicit
                        .iter()
                        .find(|(variable, ..)| variable == name)
                        .map(|(_, field, _)| *field)
                        .or_else(|| find_field(&fields, name))
                        == Some(index)
                })
            {
                errors.push(
                    Error::custom(format!(
                        "the route of item operation `{}` needs the identifier `{{{}}}`",
                        op.kind, fields[index].name
                    ))
                    .with_span(&span),
                );
            }
            for name in names {
                if variables.iter().any(|(known, _)| *known == name) {
                    continue;
                }
                let field = explicit
                    .iter()
                    .find(|(variable, ..)| *variable == name)
                    .map(|(_, field, _)| *field)
                    .or_else(|| find_field(&fields, &name));
                match field {
                    Some(index) => variables.push((name, index)),
                    None => errors.push(
                        Error::custom(format!(
                            "uri variable `{name}` is not a field of `{ident_text}`; add the field or map it with `uri_variables({name} = field)`"
                        ))
                        .with_span(&span),
                    ),
                }
            }
        }
        for (variable, index, span) in &explicit {
            if !variables.iter().any(|(known, _)| known == variable) {
                errors.push(
                    Error::custom(format!(
                        "uri variable `{variable}` appears in no `uri_template`"
                    ))
                    .with_span(span),
                );
            } else if Some(*index) != identifier {
                fields[*index].uri_variable = Some(variable.clone());
            }
        }
        for (variable, index) in &variables {
            if Some(*index) != identifier && fields[*index].uri_variable.is_none() {
                fields[*index].uri_variable = Some(variable.clone());
            }
        }

        // Relationships.
        let mut relationships = Vec::new();
        for raw in input.relationships.iter().flat_map(|list| &list.0) {
            let options = &raw.options;
            let pair = match (&options.key, &options.keys) {
                (Some(key), None) => Some(((**key).clone(), (**key).clone(), key.span())),
                (None, Some(keys)) if keys.0.len() == 1 => {
                    let mapping = &keys.0[0];
                    Some((
                        mapping.variable.clone(),
                        mapping.field.clone(),
                        mapping.span,
                    ))
                }
                (None, Some(keys)) => {
                    errors.push(
                        Error::custom(
                            "a relationship joins on one pair of properties: `keys(this_property = target_property)`",
                        )
                        .with_span(&keys.0.get(1).map_or(raw.span, |m| m.span)),
                    );
                    None
                }
                _ => {
                    errors.push(
                        Error::custom(
                            "say how the target is found: `key = \"property\"` (the same name on both sides) or `keys(this_property = target_property)`",
                        )
                        .with_span(&raw.span),
                    );
                    None
                }
            };
            let Some((own, target_property, span)) = pair else {
                continue;
            };
            match find_field(&fields, &own) {
                Some(index) => relationships.push(Relationship {
                    name: raw.name.clone(),
                    target: options.target.clone(),
                    many: options.many,
                    key: (index, target_property),
                    description: options.description.clone(),
                }),
                None => errors.push(
                    Error::custom(format!(
                        "`{own}` is not a field of `{ident_text}` (relationship `{}`)",
                        raw.name
                    ))
                    .with_span(&span),
                ),
            }
            if fields.iter().any(|field| field.name == raw.name) {
                errors.push(
                    Error::custom(format!(
                        "`{}` is both a property and a relationship; rename one of them",
                        raw.name
                    ))
                    .with_span(&raw.span),
                );
            }
        }

        let tie_breaker = match &input.tie_breaker {
            None => None,
            Some(name) => match find_field(&fields, name) {
                Some(index) if fields[index].readable => Some(fields[index].name.clone()),
                Some(_) => {
                    errors.push(
                        Error::custom("the tie-breaker must be a readable property")
                            .with_span(&name.span()),
                    );
                    None
                }
                None => {
                    errors.push(
                        Error::custom(format!("`{}` is not a field of `{ident_text}`", **name))
                            .with_span(&name.span()),
                    );
                    None
                }
            },
        };

        check_security(input, &operations, &fields, &mut errors);

        errors.finish()?;

        let krate = input
            .krate
            .as_ref()
            .map_or_else(|| quote!(::glue_core), |path| quote!(#path));
        let provider = input
            .provider
            .as_ref()
            .map_or_else(|| quote!(()), |ty| quote!(#ty));
        let processor = input
            .processor
            .as_ref()
            .map_or_else(|| quote!(()), |ty| quote!(#ty));
        Ok(Self {
            krate,
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
            ident,
            operations,
            provider,
            processor,
            pagination,
            variables,
            idempotent_delete: input.idempotent_delete.is_present(),
            fields,
            identifier,
            validate,
            relationships,
            tie_breaker,
            security: input.security.clone(),
            version: input.version.as_ref().map(|value| value.to_string()),
            code_bucket: input.code_bucket.as_ref().map(|value| value.to_string()),
        })
    }

    #[allow(clippy::too_many_lines)]
    fn generate(&self) -> TokenStream {
        let krate = &self.krate;
        let ident = &self.ident;
        let private = quote!(#krate::__private);
        let provider = &self.provider;
        let processor = &self.processor;

        // Metadata.
        let name = &self.name;
        let short_name = &self.short_name;
        let label = &self.label;
        let description = option_str(self.description.as_deref());
        let operations = self.operations.iter().map(|op| {
            let kind = &op.kind;
            let template = option_str(op.uri_template.as_deref());
            let status = match op.status {
                Some(status) => quote!(::core::option::Option::Some(#status)),
                None => quote!(::core::option::Option::None),
            };
            let description = option_str(op.description.as_deref());
            let security = security_meta(krate, &op.security, Some(&self.security));
            let cache_control = option_str(op.cache_control.as_deref());
            let op_version = option_str(op.version.as_deref());
            quote! {
                #krate::OperationMeta {
                    kind: #krate::OperationKind::#kind,
                    uri_template: #template,
                    status: #status,
                    description: #description,
                    security: #security,
                    cache_control: #cache_control,
                    version: #op_version,
                }
            }
        });
        let security = security_meta(krate, &self.security, None);
        let version = option_str(self.version.as_deref());
        let code_bucket = option_str(self.code_bucket.as_deref());
        let properties = self.fields.iter().map(|field| {
            let name = &field.name;
            let rust = field.ident.unraw().to_string();
            let ty = property_type(krate, field.wire.ty);
            let format = option_str(field.format.as_deref().or(field.wire.format));
            let nullable = field.wire.nullable;
            let identifier = field.identifier;
            let readable = field.readable;
            let writable = field.writable;
            let required = field.required;
            let default = option_str(field.default_json.as_deref());
            let description = option_str(field.description.as_deref());
            let example = option_str(field.example_json.as_deref());
            let enum_values = match &field.enum_values {
                Some(values) => enum_slice(values),
                None => quote!(&[]),
            };
            let filterable = field.filterable;
            let sortable = field.sortable;
            let items = match field.wire.items {
                Some((item, format)) => {
                    let item = property_type(krate, item);
                    let format = option_str(format);
                    quote!(::core::option::Option::Some((#item, #format)))
                }
                None => quote!(::core::option::Option::None),
            };
            let option_u64 = |value: Option<u64>| match value {
                Some(value) => quote!(::core::option::Option::Some(#value)),
                None => quote!(::core::option::Option::None),
            };
            let option_f64 = |value: Option<f64>| match value {
                Some(value) => quote!(::core::option::Option::Some(#value)),
                None => quote!(::core::option::Option::None),
            };
            let min_length = option_u64(field.constraints.min_length);
            let max_length = option_u64(field.constraints.max_length);
            let minimum = option_f64(field.constraints.minimum);
            let maximum = option_f64(field.constraints.maximum);
            quote! {
                #krate::PropertyMeta {
                    name: #name,
                    field: #rust,
                    ty: #ty,
                    format: #format,
                    nullable: #nullable,
                    identifier: #identifier,
                    readable: #readable,
                    writable: #writable,
                    required: #required,
                    default: #default,
                    description: #description,
                    example: #example,
                    enum_values: #enum_values,
                    filterable: #filterable,
                    sortable: #sortable,
                    items: #items,
                    constraints: #krate::Constraints {
                        min_length: #min_length,
                        max_length: #max_length,
                        minimum: #minimum,
                        maximum: #maximum,
                    },
                }
            }
        });
        let uri_variables = self.variables.iter().map(|(variable, index)| {
            let property = &self.fields[*index].name;
            quote!(#krate::UriVariableMeta { name: #variable, property: #property })
        });
        let pagination = {
            let p = &self.pagination;
            let enabled = option_tokens(p.enabled.map(|v| quote!(#v)));
            let items = option_tokens(p.items_per_page.as_ref().map(|v| {
                let v = **v;
                quote!(#v)
            }));
            let maximum = option_tokens(p.maximum_items_per_page.as_ref().map(|v| {
                let v = **v;
                quote!(#v)
            }));
            let client_enabled = option_tokens(p.client_enabled.map(|v| quote!(#v)));
            let client_items = option_tokens(p.client_items_per_page.map(|v| quote!(#v)));
            let form = option_str(p.form.as_deref().map(String::as_str));
            quote! {
                #krate::PaginationMeta {
                    enabled: #enabled,
                    items_per_page: #items,
                    maximum_items_per_page: #maximum,
                    client_enabled: #client_enabled,
                    client_items_per_page: #client_items,
                    form: #form,
                }
            }
        };
        let idempotent_delete = self.idempotent_delete;
        let tie_breaker = option_str(self.tie_breaker.as_deref());
        let relationships = self.relationships.iter().map(|relationship| {
            let name = &relationship.name;
            let target = &relationship.target;
            let many = relationship.many;
            let own = &self.fields[relationship.key.0].name;
            let theirs = &relationship.key.1;
            let description = option_str(relationship.description.as_deref());
            let span = target.span();
            let meta = quote_spanned!(span=> <#target as #krate::Resource>::meta);
            quote! {
                #krate::RelationshipMeta {
                    name: #name,
                    target: #meta,
                    many: #many,
                    keys: &[(#own, #theirs)],
                    description: #description,
                }
            }
        });

        // Identifier and uri values.
        let id_body = match self.identifier {
            Some(index) => {
                let field = &self.fields[index];
                let field_ident = &field.ident;
                let span = field.ty.span();
                quote_spanned!(span=> #krate::ResourceId::to_id(&self.#field_ident))
            }
            None => quote!(::std::borrow::Cow::Borrowed("")),
        };
        let uri_arms = self.variables.iter().map(|(variable, index)| {
            let field = &self.fields[*index];
            let field_ident = &field.ident;
            let span = field.ty.span();
            let value = quote_spanned!(span=> #krate::ResourceId::to_id(&self.#field_ident));
            quote!(#variable => ::core::option::Option::Some(#value),)
        });

        // Serialization.
        let writes = self.fields.iter().filter(|f| f.readable).map(|field| {
            let name = &field.name;
            let field_ident = &field.ident;
            let span = field.ty.span();
            let value = match field.wire.kind {
                Kind::DateTime => quote_spanned!(span=> &#private::UtcDateTime(&self.#field_ident)),
                _ => quote_spanned!(span=> &self.#field_ident),
            };
            if field.identifier {
                quote!(out.identifier(#name, #value)?;)
            } else {
                quote!(out.property(#name, #value)?;)
            }
        });

        // Property values, for filtering and sorting in memory.
        let keys: Vec<usize> = self.relationships.iter().map(|r| r.key.0).collect();
        let value_arms = self
            .fields
            .iter()
            .enumerate()
            .filter(|(index, field)| field.readable || keys.contains(index))
            .map(|(_, field)| {
                let name = &field.name;
                let field_ident = &field.ident;
                let span = field.ty.span();
                let value = match field.wire.kind {
                    Kind::DateTime => {
                        quote_spanned!(span=> &#private::UtcDateTime(&self.#field_ident))
                    }
                    _ => quote_spanned!(span=> &self.#field_ident),
                };
                quote!(#name => #private::serde_json::to_value(#value).ok(),)
            });

        // Deserialization.
        let from_input = self.input_fn(&private);

        // Validation.
        let validator = self.validate.then(|| {
            quote! {
                if let ::core::result::Result::Err(failed) =
                    #private::validator::Validate::validate(self)
                {
                    ::core::iter::Extend::extend(
                        &mut errors,
                        #private::from_validator(
                            &failed,
                            <Self as #krate::Resource>::meta().properties,
                        ),
                    );
                }
            }
        });
        let enum_checks = self
            .fields
            .iter()
            .filter_map(|field| Some((field, field.enum_values.as_ref()?)))
            .map(|(field, values)| {
                let name = &field.name;
                let field_ident = &field.ident;
                let values = enum_slice(values);
                quote!(#private::check_enum(&mut errors, #name, &self.#field_ident, #values);)
            });
        let validate = quote! {
            fn validate(&self) -> ::core::result::Result<(), ::std::vec::Vec<#krate::FieldError>> {
                let mut errors: ::std::vec::Vec<#krate::FieldError> = ::std::vec::Vec::new();
                #validator
                #(#enum_checks)*
                if errors.is_empty() {
                    ::core::result::Result::Ok(())
                } else {
                    ::core::result::Result::Err(errors)
                }
            }
        };

        quote! {
            const _: () = {
                static META: #krate::ResourceMeta = #krate::ResourceMeta {
                    name: #name,
                    short_name: #short_name,
                    label: #label,
                    description: #description,
                    operations: &[#(#operations),*],
                    properties: &[#(#properties),*],
                    uri_variables: &[#(#uri_variables),*],
                    pagination: #pagination,
                    idempotent_delete: #idempotent_delete,
                    relationships: &[#(#relationships),*],
                    tie_breaker: #tie_breaker,
                    security: #security,
                    version: #version,
                    code_bucket: #code_bucket,
                };

                #[automatically_derived]
                impl #krate::Resource for #ident {
                    type Provider = #provider;
                    type Processor = #processor;

                    fn meta() -> &'static #krate::ResourceMeta {
                        &META
                    }

                    fn id(&self) -> ::std::borrow::Cow<'_, str> {
                        #id_body
                    }

                    fn uri_value(
                        &self,
                        variable: &str,
                    ) -> ::core::option::Option<::std::borrow::Cow<'_, str>> {
                        match variable {
                            #(#uri_arms)*
                            _ => ::core::option::Option::None,
                        }
                    }

                    fn write_properties(
                        &self,
                        out: &mut #krate::PropertyWriter<'_>,
                    ) -> ::core::result::Result<(), #private::serde_json::Error> {
                        #(#writes)*
                        ::core::result::Result::Ok(())
                    }

                    fn property_value(
                        &self,
                        name: &str,
                    ) -> ::core::option::Option<#private::serde_json::Value> {
                        match name {
                            #(#value_arms)*
                            _ => ::core::option::Option::None,
                        }
                    }

                    #from_input

                    #validate
                }
            };
        }
    }

    /// `from_input`: builds a new item (Post) or applies a request to the stored one.
    fn input_fn(&self, private: &TokenStream) -> TokenStream {
        let krate = &self.krate;
        let has_post = self.operations.iter().any(|op| op.kind == "Post");
        let has_writes = self
            .operations
            .iter()
            .any(|op| op.kind == "Post" || op.kind == "Put" || op.kind == "Patch");
        if !has_writes {
            // A resource that is never written needs no decoding (nor `Deserialize`).
            return quote! {
                fn from_input(
                    _: &mut #krate::WriteInput<'_>,
                    _: ::core::option::Option<Self>,
                ) -> ::core::option::Option<Self> {
                    ::core::option::Option::None
                }
            };
        }
        let mut decodes = Vec::new();
        let mut creates = Vec::new();
        let mut existing = Vec::new();
        let mut field_idents = Vec::new();
        let mut locals = Vec::new();
        let mut previous = Vec::new();

        for field in &self.fields {
            let field_ident = &field.ident;
            let base = field_ident.unraw();
            let local = format_ident!("__f_{}", base);
            let sent = format_ident!("__in_{}", base);
            let prev = format_ident!("__prev_{}", base);
            let ty = &field.ty;
            let name = &field.name;
            let span = ty.span();

            let default_value = match &field.default {
                Some(Expr::Lit(syn::ExprLit {
                    lit: lit @ Lit::Str(_),
                    ..
                })) => {
                    quote_spanned!(span=> ::core::option::Option::Some(::core::convert::Into::into(#lit)))
                }
                Some(expr) => quote_spanned!(span=> ::core::option::Option::Some(#expr)),
                None => {
                    quote_spanned!(span=> (&&#private::DefaultOf::<#ty>::new()).default_value())
                }
            };

            if field.writable {
                let decode = if field.identifier {
                    quote_spanned!(span=> if input.mode() == #krate::WriteMode::Create {
                        input.identifier::<#ty>(#name)
                    } else {
                        ::core::option::Option::None
                    })
                } else {
                    match field.wire.kind {
                        Kind::DateTime => {
                            quote_spanned!(span=> input.value_with(#name, #private::decode_date_time::<#ty>))
                        }
                        Kind::Date => {
                            quote_spanned!(span=> input.value_with(#name, #private::decode_date::<#ty>))
                        }
                        Kind::Plain => quote_spanned!(span=> input.value::<#ty>(#name)),
                    }
                };
                decodes.push(quote!(let #sent: ::core::option::Option<#ty> = #decode;));
            }

            // A new item (Post), and a replaced one (Put) for writable fields.
            let fresh = if field.writable {
                let from_uri = field.uri_variable.as_ref().map(
                    |variable| quote!(let #sent = input.uri_variable::<#ty>(#variable).or(#sent);),
                );
                let require = field.required.then(|| quote!(input.require(#name);));
                quote! {{
                    #from_uri
                    match #sent {
                        ::core::option::Option::Some(value) => ::core::option::Option::Some(value),
                        ::core::option::Option::None => {
                            #require
                            let fallback: ::core::option::Option<#ty> = #default_value;
                            if fallback.is_none() {
                                input.require(#name);
                            }
                            fallback
                        }
                    }
                }}
            } else if let Some(variable) = &field.uri_variable {
                quote_spanned!(span=> input.uri_variable::<#ty>(#variable).or_else(|| #default_value))
            } else if field.default.is_some() {
                default_value.clone()
            } else {
                quote_spanned!(span=> ::core::option::Option::Some(<#ty as ::core::default::Default>::default()))
            };
            creates.push(quote!(let #local: ::core::option::Option<#ty> = #fresh;));

            let applied = if field.writable && !field.identifier {
                quote! {
                    if replace {
                        let #sent = #sent;
                        #fresh
                    } else {
                        ::core::option::Option::Some(match #sent {
                            ::core::option::Option::Some(value) => value,
                            ::core::option::Option::None => #prev,
                        })
                    }
                }
            } else {
                quote!(::core::option::Option::Some(#prev))
            };
            existing.push(quote!(let #local: ::core::option::Option<#ty> = #applied;));

            field_idents.push(field_ident.clone());
            locals.push(local);
            previous.push(prev);
        }

        let create_branch = if has_post {
            quote! {
                #(#creates)*
                ::core::option::Option::Some(Self { #(#field_idents: #locals?,)* })
            }
        } else {
            quote!(::core::option::Option::None)
        };

        quote! {
            #[allow(unused_variables, unused_mut, clippy::needless_borrow, clippy::redundant_clone)]
            fn from_input(
                input: &mut #krate::WriteInput<'_>,
                previous: ::core::option::Option<Self>,
            ) -> ::core::option::Option<Self> {
                #[allow(unused_imports)]
                use #private::{NoDefault as _, ViaDefault as _};
                #(#decodes)*
                match previous {
                    ::core::option::Option::None => {
                        #create_branch
                    }
                    ::core::option::Option::Some(previous) => {
                        let Self { #(#field_idents: #previous,)* } = previous;
                        let replace = input.mode() == #krate::WriteMode::Replace;
                        #(#existing)*
                        ::core::option::Option::Some(Self { #(#field_idents: #locals?,)* })
                    }
                }
            }
        }
    }
}

fn operation(input: &OperationInput, errors: &mut darling::error::Accumulator) -> Operation {
    let kind = Ident::new(&input.name, input.span);
    let is_item = matches!(input.name.as_str(), "Get" | "Put" | "Patch" | "Delete");
    let is_write = matches!(input.name.as_str(), "Post" | "Put" | "Patch" | "Delete");
    if let Some(status) = &input.options.status
        && !(100..=599).contains(&**status)
    {
        errors.push(Error::custom("a status is between 100 and 599").with_span(&status.span()));
    }
    Operation {
        kind,
        is_item,
        is_write,
        uri_template: input.options.uri_template.as_ref().map(|t| t.to_string()),
        status: input.options.status.as_ref().map(|s| **s),
        description: input.options.description.clone(),
        security: input.options.security.clone(),
        cache_control: input
            .options
            .cache_control
            .as_ref()
            .map(|value| value.to_string()),
        version: input
            .options
            .version
            .as_ref()
            .map(|value| value.to_string()),
    }
}

/// Parses every security expression and checks it at each operation it applies to
/// (SPEC §6.6, §7.2): syntax, functions, and the `object` / `previous_object` properties
/// available at that point.
fn check_security(
    input: &ResourceInput,
    operations: &[Operation],
    fields: &[Field],
    errors: &mut darling::error::Accumulator,
) {
    let mut names: Vec<String> = Vec::with_capacity(fields.len() * 2);
    for field in fields {
        names.push(field.name.clone());
        let rust = field.ident.unraw().to_string();
        if rust != field.name {
            names.push(rust);
        }
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut reported: Vec<String> = Vec::new();
    let mut report = |errors: &mut darling::error::Accumulator, message: String, span: Span| {
        if !reported.contains(&message) {
            errors.push(Error::custom(&message).with_span(&span));
            reported.push(message);
        }
    };

    let resource_points = input.security.points();
    // Each literal is parsed once, however many operations it applies to.
    let mut parsed: Vec<(
        *const SpannedValue<String>,
        Option<glue_security::Expression>,
    )> = Vec::new();
    let mut parse = |errors: &mut darling::error::Accumulator,
                     attribute: &str,
                     rule: &SpannedValue<String>|
     -> Option<glue_security::Expression> {
        let span = rule.span();
        if let Some((_, expression)) = parsed.iter().find(|(seen, _)| std::ptr::eq(*seen, rule)) {
            return expression.clone();
        }
        let expression = match glue_security::Expression::parse(rule) {
            Ok(expression) => Some(expression),
            Err(error) => {
                errors.push(
                    Error::custom(format!("invalid `{attribute}` expression: {error}"))
                        .with_span(&span),
                );
                None
            }
        };
        parsed.push((std::ptr::from_ref(rule), expression.clone()));
        expression
    };

    for (attribute, rule, message) in resource_points {
        if let (None, Some(message)) = (rule, message) {
            errors.push(
                Error::custom(format!("`{attribute}_message` needs `{attribute}`"))
                    .with_span(&message.span()),
            );
        }
    }
    for op in operations {
        let kind = op.kind.to_string();
        let writes = matches!(kind.as_str(), "Post" | "Put" | "Patch");
        for (index, (attribute, rule, message)) in op.security.points().into_iter().enumerate() {
            let (_, resource_rule, _) = resource_points[index];
            if index > 0 && !writes {
                if let Some(declared) = rule.or(message) {
                    errors.push(
                        Error::custom(format!(
                            "`{attribute}` applies to Post, Put and Patch, not to `{kind}`"
                        ))
                        .with_span(&declared.span()),
                    );
                }
                continue;
            }
            if rule.is_none()
                && resource_rule.is_none()
                && let Some(message) = message
            {
                errors.push(
                    Error::custom(format!(
                        "`{attribute}_message` needs `{attribute}` on the operation or the resource"
                    ))
                    .with_span(&message.span()),
                );
            }
            let Some(rule) = rule.or(resource_rule) else {
                continue;
            };
            let Some(expression) = parse(errors, attribute, rule) else {
                continue;
            };
            let schema = match index {
                0 if op.is_item => glue_security::Schema::with_object(&names),
                0 => glue_security::Schema::without_object(),
                _ => glue_security::Schema::with_previous(&names),
            };
            if let Err(error) = expression.check(&schema) {
                let hint = if index == 0 && !op.is_item {
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
    }
}

/// The `SecurityMeta` of a declaration; an operation that only overrides a message keeps the
/// resource's expression.
fn security_meta(
    krate: &TokenStream,
    own: &SecurityInput,
    resource: Option<&SecurityInput>,
) -> TokenStream {
    let inherited = resource.map(SecurityInput::points);
    let rules = own
        .points()
        .into_iter()
        .enumerate()
        .map(|(index, (_, rule, message))| {
            let rule = match (rule, message, &inherited) {
                (Some(rule), ..) => Some(rule),
                (None, Some(_), Some(points)) => points[index].1,
                _ => None,
            };
            match rule {
                Some(rule) => {
                    let expression = rule.as_str();
                    let message = option_str(message.map(|m| m.as_str()));
                    quote! {
                        ::core::option::Option::Some(#krate::SecurityRule {
                            expression: #expression,
                            message: #message,
                        })
                    }
                }
                None => quote!(::core::option::Option::None),
            }
        });
    let [security, post_denormalize, post_validation]: [TokenStream; 3] = rules
        .collect::<Vec<_>>()
        .try_into()
        .unwrap_or_else(|_| unreachable!("three points of evaluation"));
    quote! {
        #krate::SecurityMeta {
            security: #security,
            post_denormalize: #post_denormalize,
            post_validation: #post_validation,
        }
    }
}

fn field(raw: &FieldInput, errors: &mut darling::error::Accumulator) -> Option<Field> {
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
    if let Some(ty) = &raw.property_type {
        match TYPE_NAMES.iter().find(|name| **name == ty.as_str()) {
            Some(name) => {
                wire.ty = name;
                if *name != "string" {
                    wire.kind = Kind::Plain;
                }
            }
            None => errors
                .push(Error::unknown_value_with_alts(ty, TYPE_NAMES.iter()).with_span(&ty.span())),
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
        errors.push(
            Error::custom("a property that is not writable cannot be required")
                .with_span(&flag.span()),
        );
    }
    if identifier && !readable {
        errors.push(
            Error::custom("the identifier is always shown; it cannot be `readable = false`")
                .with_span(&raw.identifier.span()),
        );
    }
    let name = match &raw.rename {
        Some(name) if name.is_empty() => {
            errors.push(Error::custom("`rename` needs a name").with_span(&ident));
            return None;
        }
        Some(name) => name.clone(),
        None => naming::camel_case(&ident.unraw().to_string()),
    };
    let default = raw.default.as_ref().map(|value| value.0.clone());
    let default_json = default.as_ref().and_then(expr_json);
    let constraints = crate::input::constraints(&raw.attrs);
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
    })
}

/// The allowed values as a `&'static [&'static str]` expression.
fn enum_slice(values: &EnumValues) -> TokenStream {
    match values {
        EnumValues::List(values) => quote!(&[#(#values),*]),
        // Spanned at the path, so that a constant of the wrong type is reported there.
        EnumValues::Constant(path) => quote_spanned!(path.span()=> &#path),
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    }
}

fn option_tokens(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(tokens) => quote!(::core::option::Option::Some(#tokens)),
        None => quote!(::core::option::Option::None),
    }
}

fn property_type(krate: &TokenStream, name: &str) -> TokenStream {
    let variant = match name {
        "integer" => quote!(Integer),
        "number" => quote!(Number),
        "boolean" => quote!(Boolean),
        "array" => quote!(Array),
        "object" => quote!(Object),
        _ => quote!(String),
    };
    quote!(#krate::PropertyType::#variant)
}
