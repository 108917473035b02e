//! `fn validate(&self)`: the struct's `validator` rules and the declared `enum_values`, every
//! failure by property (SPEC §3.8: all at once).

use proc_macro2::TokenStream;
use quote::quote;

use super::meta::enum_slice;
use crate::model::Model;

impl Model {
    pub(super) fn validate_fn(&self) -> TokenStream {
        let krate = &self.krate;
        let private = self.private();
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
                let ident = &field.ident;
                let values = enum_slice(values);
                quote!(#private::check_enum(&mut errors, #name, &self.#ident, #values);)
            });
        quote! {
            fn validate(&self) -> ::core::result::Result<(), ::std::vec::Vec<#krate::__private::FieldError>> {
                let mut errors: ::std::vec::Vec<#krate::__private::FieldError> = ::std::vec::Vec::new();
                #validator
                #(#enum_checks)*
                if errors.is_empty() {
                    ::core::result::Result::Ok(())
                } else {
                    ::core::result::Result::Err(errors)
                }
            }
        }
    }
}
