//! What the derive emits after an error: the errors, and a stub impl so that code using the
//! type does not drown in follow-on errors.

use darling::Error;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, Expr, Lit};

/// The errors, and an impl of `Resource` whose methods are never called.
pub(super) fn fallback(input: &DeriveInput, error: Error) -> TokenStream {
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
            type Id = #krate::NoId;
            const META: &'static #krate::__private::ResourceMeta = &#krate::__private::ResourceMeta::DEFAULT;
            fn id(&self) -> ::std::borrow::Cow<'_, str> {
                ::core::unreachable!()
            }
            fn uri_value(&self, _: &str) -> ::core::option::Option<::std::borrow::Cow<'_, str>> {
                ::core::unreachable!()
            }
            fn write_properties(
                &self,
                _: &mut #krate::__private::PropertyWriter<'_>,
            ) -> ::core::result::Result<(), #krate::__private::serde_json::Error> {
                ::core::unreachable!()
            }
            fn from_input(
                _: &mut #krate::__private::WriteInput<'_>,
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
