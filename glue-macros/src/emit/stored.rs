//! `impl StoredResource`, for declarations that name a `table`: each stored field written
//! as JSON and read back through serde (dates in their wire form).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::Model;
use crate::types::Kind;

impl Model {
    /// The impl, or nothing without `table = "..."`.
    pub(super) fn stored_impl(&self) -> TokenStream {
        if self.table.is_none() {
            return TokenStream::new();
        }
        let private = self.private();
        let ident = &self.ident;
        let values = self
            .fields
            .iter()
            .filter(|field| field.stored)
            .map(|field| {
                let name = &field.name;
                let value = self.wire_value(field);
                quote_spanned!(field.ty.span()=> #name => #private::stored_json(#value),)
            });
        let reads = self.fields.iter().map(|field| {
            let member = &field.ident;
            let name = &field.name;
            let ty = &field.ty;
            let span = ty.span();
            let value = if !field.stored {
                quote_spanned!(span=> <#ty as ::core::default::Default>::default())
            } else if field.wire.kind == Kind::DateTime {
                quote_spanned!(span=> #private::stored_date_time::<#ty>(source, #name)?)
            } else {
                quote_spanned!(span=> #private::stored_field::<#ty>(source, #name)?)
            };
            quote!(#member: #value,)
        });
        quote! {
            #[automatically_derived]
            impl #private::StoredResource for #ident {
                fn stored_value(
                    &self,
                    property: &str,
                ) -> ::core::option::Option<
                    ::core::result::Result<#private::serde_json::Value, #private::serde_json::Error>,
                > {
                    match property {
                        #(#values)*
                        _ => ::core::option::Option::None,
                    }
                }

                fn from_stored(
                    source: &mut dyn #private::StoredSource,
                ) -> ::core::result::Result<Self, #private::StoredError> {
                    ::core::result::Result::Ok(Self { #(#reads)* })
                }
            }
        }
    }
}
