//! `fn validate(&self)`: the struct's `validator` rules and the declared `enum_values`, every
//! failure by property (SPEC §3.8: all at once).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::Model;

impl Model {
    /// `fn validate_group`: the declared function of the groups' rules, when there is one.
    pub(super) fn validate_group_fn(&self) -> TokenStream {
        let Some(path) = &self.validate_group else {
            return TokenStream::new();
        };
        let krate = &self.krate;
        quote! {
            fn validate_group(
                &self,
                mode: #krate::__private::WriteMode,
            ) -> ::core::result::Result<(), ::std::vec::Vec<#krate::__private::FieldError>> {
                #path(self, mode)
            }
        }
    }

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
            .filter(|field| field.enum_values.is_some())
            .map(|field| {
                let name = &field.name;
                let ident = &field.ident;
                let value = quote_spanned!(field.ty.span()=>
                    (&&&#private::ScalarOf(&self.#ident)).scalar()
                );
                // The allowed values are read from the metadata, which holds them once.
                quote! {
                    #private::check_enum(
                        &mut errors,
                        #name,
                        &#value,
                        <Self as #krate::Resource>::META.property(#name),
                    );
                }
            });
        quote! {
            fn validate(&self) -> ::core::result::Result<(), ::std::vec::Vec<#krate::__private::FieldError>> {
                #[allow(unused_imports)]
                use #private::{Opaque as _, ViaScalar as _, ViaSerialize as _};
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
