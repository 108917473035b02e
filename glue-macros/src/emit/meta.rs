//! The `static META: ResourceMeta` of the resource.

use glue_common::{OperationKind, PropertyType};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use super::{option, option_str};
use crate::model::{Field, Model, Operation, Relationship, VersionSource};
use crate::parse::{EnumValues, SecurityInput};

impl Model {
    /// `static META: ResourceMeta = ...;`
    pub(super) fn meta_static(&self) -> TokenStream {
        let krate = &self.krate;
        let name = &self.name;
        let short_name = &self.short_name;
        let label = &self.label;
        let description = option_str(self.description.as_deref());
        let operations = self.operations.iter().map(|op| self.operation_meta(op));
        let properties = self.fields.iter().map(|field| self.property_meta(field));
        let uri_variables = self.variables.iter().map(|(variable, index)| {
            let property = &self.fields[*index].name;
            quote!(#krate::__private::UriVariableMeta { name: #variable, property: #property })
        });
        let pagination = self.pagination_meta();
        let idempotent_delete = self.idempotent_delete;
        let relationships = self
            .relationships
            .iter()
            .map(|relationship| self.relationship_meta(relationship));
        let tie_breaker = option_str(self.tie_breaker.as_deref());
        let security = security_meta(krate, &self.security, None);
        let version = option_str(self.version.as_deref());
        let code_bucket = option_str(self.code_bucket.as_deref());
        let table = option_str(self.table.as_deref());
        let (include_paths, include_depth) = self.includes;
        let concurrency = option(self.concurrency.map(|concurrency| {
            let source = match concurrency.source {
                VersionSource::Counter(index) => {
                    let name = &self.fields[index].name;
                    quote!(#krate::__private::VersionSource::Counter(#name))
                }
                VersionSource::Timestamp(index) => {
                    let name = &self.fields[index].name;
                    quote!(#krate::__private::VersionSource::Timestamp(#name))
                }
                VersionSource::Hash => quote!(#krate::__private::VersionSource::Hash),
            };
            let require = concurrency.require_if_match;
            quote!(#krate::__private::ConcurrencyMeta { source: #source, require_if_match: #require })
        }));
        quote! {
            static META: #krate::__private::ResourceMeta = #krate::__private::ResourceMeta {
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
                table: #table,
                concurrency: #concurrency,
                include_paths: #include_paths,
                include_depth: #include_depth,
            };
        }
    }

    /// For each relationship, a check at compile time that the target has the property the
    /// relationship joins on, reported at the key.
    pub(super) fn relationship_checks(&self) -> Vec<TokenStream> {
        let krate = &self.krate;
        let private = self.private();
        self.relationships
            .iter()
            .map(|relationship| {
                let target = &relationship.target;
                let theirs = &relationship.key.1;
                let message = format!(
                    "relationship `{}`: the target `{}` has no property `{theirs}` to join on",
                    relationship.name,
                    quote!(#target).to_string().replace(' ', ""),
                );
                quote_spanned! {relationship.key_span=>
                    const _: () = if !#private::has_property(
                        <#target as #krate::Resource>::META,
                        #theirs,
                    ) {
                        ::core::panic!(#message)
                    };
                }
            })
            .collect()
    }

    fn operation_meta(&self, op: &Operation) -> TokenStream {
        let krate = &self.krate;
        let kind = operation_kind(krate, op.kind, op.span);
        let template = option_str(op.uri_template.as_deref());
        let status = option(op.status.map(|status| quote!(#status)));
        let description = option_str(op.description.as_deref());
        let security = security_meta(krate, &op.security, Some(&self.security));
        let cache_control = option_str(op.cache_control.as_deref());
        let version = option_str(op.version.as_deref());
        quote! {
            #krate::__private::OperationMeta {
                kind: #kind,
                uri_template: #template,
                status: #status,
                description: #description,
                security: #security,
                cache_control: #cache_control,
                version: #version,
            }
        }
    }

    fn property_meta(&self, field: &Field) -> TokenStream {
        let krate = &self.krate;
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
        let items = option(field.wire.items.map(|(item, format)| {
            let item = property_type(krate, item);
            let format = option_str(format);
            quote!((#item, #format))
        }));
        let bounds = &field.constraints;
        let min_length = option(bounds.min_length.map(|value| quote!(#value)));
        let max_length = option(bounds.max_length.map(|value| quote!(#value)));
        let minimum = option(bounds.minimum.map(|value| quote!(#value)));
        let maximum = option(bounds.maximum.map(|value| quote!(#value)));
        let column = option_str(field.column.as_deref());
        let stored = field.stored;
        quote! {
            #krate::__private::PropertyMeta {
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
                constraints: #krate::__private::Constraints {
                    min_length: #min_length,
                    max_length: #max_length,
                    minimum: #minimum,
                    maximum: #maximum,
                },
                column: #column,
                stored: #stored,
            }
        }
    }

    fn pagination_meta(&self) -> TokenStream {
        let krate = &self.krate;
        let p = &self.pagination;
        let enabled = option(p.enabled.map(|v| quote!(#v)));
        let items = option(p.items_per_page.as_ref().map(|v| {
            let v = **v;
            quote!(#v)
        }));
        let maximum = option(p.maximum_items_per_page.as_ref().map(|v| {
            let v = **v;
            quote!(#v)
        }));
        let client_enabled = option(p.client_enabled.map(|v| quote!(#v)));
        let client_items = option(p.client_items_per_page.map(|v| quote!(#v)));
        let form = option_str(p.form.as_deref().map(String::as_str));
        quote! {
            #krate::__private::PaginationMeta {
                enabled: #enabled,
                items_per_page: #items,
                maximum_items_per_page: #maximum,
                client_enabled: #client_enabled,
                client_items_per_page: #client_items,
                form: #form,
            }
        }
    }

    fn relationship_meta(&self, relationship: &Relationship) -> TokenStream {
        let krate = &self.krate;
        let name = &relationship.name;
        let target = &relationship.target;
        let many = relationship.many;
        let own = &self.fields[relationship.key.0].name;
        let theirs = &relationship.key.1;
        let description = option_str(relationship.description.as_deref());
        let meta = quote_spanned!(target.span()=> <#target as #krate::Resource>::meta);
        quote! {
            #krate::__private::RelationshipMeta {
                name: #name,
                target: #meta,
                many: #many,
                keys: &[(#own, #theirs)],
                description: #description,
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
    let [security, post_denormalize, post_validation] = std::array::from_fn(|index| {
        let (_, rule, message) = own.points()[index];
        let rule = match (rule, message, &inherited) {
            (Some(rule), ..) => Some(rule),
            (None, Some(_), Some(points)) => points[index].1,
            _ => None,
        };
        option(rule.map(|rule| {
            let expression = rule.as_str();
            let message = option_str(message.map(|m| m.as_str()));
            quote! {
                #krate::__private::SecurityRule {
                    expression: #expression,
                    message: #message,
                }
            }
        }))
    });
    quote! {
        #krate::__private::SecurityMeta {
            security: #security,
            post_denormalize: #post_denormalize,
            post_validation: #post_validation,
        }
    }
}

/// `OperationKind::GetCollection`, spanned at the declaration.
fn operation_kind(krate: &TokenStream, kind: OperationKind, span: Span) -> TokenStream {
    let variant = Ident::new(kind.name(), span);
    quote!(#krate::__private::OperationKind::#variant)
}

/// `PropertyType::Integer`.
fn property_type(krate: &TokenStream, ty: PropertyType) -> TokenStream {
    let variant = match ty {
        PropertyType::String => quote!(String),
        PropertyType::Integer => quote!(Integer),
        PropertyType::Number => quote!(Number),
        PropertyType::Boolean => quote!(Boolean),
        PropertyType::Array => quote!(Array),
        PropertyType::Object => quote!(Object),
    };
    quote!(#krate::__private::PropertyType::#variant)
}

/// The allowed values as a `&'static [&'static str]` expression.
pub(super) fn enum_slice(values: &EnumValues) -> TokenStream {
    match values {
        EnumValues::List(values) => quote!(&[#(#values),*]),
        // Spanned at the path, so that a constant of the wrong type is reported there.
        EnumValues::Constant(path) => quote_spanned!(path.span()=> &#path),
    }
}
