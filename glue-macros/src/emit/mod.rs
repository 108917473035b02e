//! Writes the `Resource` impl from the checked [`Model`]: the metadata, how items are shown,
//! how requests build them, and how they are validated. Generated code names the runtime
//! through `<crate>::__private` and std items by absolute path (SPEC §7).

mod access;
mod fallback;
mod input;
mod meta;
mod operations;
mod stored;
mod validate;

use darling::FromDeriveInput;
use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::model::Model;
use crate::parse::ResourceInput;

/// Expands the derive; on error, the errors plus a stub impl so that code using the type does
/// not drown in follow-on errors.
pub(crate) fn expand(input: &DeriveInput) -> TokenStream {
    let model = ResourceInput::from_derive_input(input).and_then(|parsed| Model::build(&parsed));
    match model {
        Ok(model) => model.generate(),
        Err(error) => fallback::fallback(input, error),
    }
}

impl Model {
    fn generate(&self) -> TokenStream {
        let krate = &self.krate;
        let ident = &self.ident;
        let provider = &self.provider;
        let processor = &self.processor;
        let meta = self.meta_static();
        let relationship_checks = self.relationship_checks();
        let relationship_targets = self.relationship_targets();
        let id_type = self.id_type();
        let operations = self.operations_fn();
        let id = self.id_fn();
        let uri_value = self.uri_value_fn();
        let write_properties = self.write_properties_fn();
        let property_value = self.property_value_fn();
        let property_json = self.property_json_fn();
        let from_input = self.input_fn();
        let validate = self.validate_fn();
        let validate_group = self.validate_group_fn();
        let stored = self.stored_impl();
        quote! {
            const _: () = {
                #meta
                #(#relationship_checks)*
                #(#relationship_targets)*

                #[automatically_derived]
                impl #krate::Resource for #ident {
                    type Provider = #provider;
                    type Processor = #processor;
                    type Id = #id_type;

                    const META: &'static #krate::__private::ResourceMeta = &META;

                    #id
                    #uri_value
                    #write_properties
                    #property_value
                    #property_json
                    #from_input
                    #validate
                    #validate_group
                    #operations
                }

                #stored
            };
        }
    }
}

impl Model {
    /// The identifier field's type, else `NoId`.
    fn id_type(&self) -> TokenStream {
        let krate = &self.krate;
        match self.identifier {
            Some(index) => {
                let ty = &self.fields[index].ty;
                quote!(#ty)
            }
            None => quote!(#krate::NoId),
        }
    }
}

/// `Some(value)` or `None`, fully qualified.
fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(tokens) => quote!(::core::option::Option::Some(#tokens)),
        None => quote!(::core::option::Option::None),
    }
}

/// `Some("text")` or `None`.
fn option_str(value: Option<&str>) -> TokenStream {
    option(value.map(|text| quote!(#text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn the_crate_override_replaces_every_path_to_the_runtime() {
        let input: DeriveInput = parse_quote! {
            #[api(crate = facade::glue, operations(Get, Post), provider = P, processor = P)]
            struct Thing {
                #[api(identifier)]
                id: String,
                when: chrono::DateTime<chrono::Utc>,
            }
        };
        let text = expand(&input).to_string();
        assert!(text.contains("facade :: glue :: Resource"), "{text}");
        assert!(text.contains("facade :: glue :: __private"), "{text}");
        assert!(!text.contains("glue_core"), "{text}");

        let broken: DeriveInput = parse_quote! {
            #[api(crate = facade::glue, operations(Gett))]
            struct Thing { id: String }
        };
        let text = expand(&broken).to_string();
        assert!(text.contains("compile_error"), "{text}");
        assert!(text.contains("facade :: glue :: Resource"), "{text}");
        assert!(!text.contains("glue_core"), "{text}");
    }
}
