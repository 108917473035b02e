//! How a write request builds an item: `from_input`, for a new item (Post) or the stored one
//! with the request applied (Put replaces, Patch changes what is sent).

use glue_common::OperationKind;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Expr, Lit};

use crate::model::{Field, Model};
use crate::types::Kind;

/// The locals generated code keeps for one field.
struct Locals {
    /// The field's value for the new item.
    value: Ident,
    /// What the request sent.
    sent: Ident,
    /// The stored value.
    previous: Ident,
}

impl Locals {
    fn of(field: &Field) -> Self {
        let base = field.ident.unraw();
        Self {
            value: format_ident!("__f_{}", base),
            sent: format_ident!("__in_{}", base),
            previous: format_ident!("__prev_{}", base),
        }
    }
}

impl Model {
    /// `fn from_input(input, previous)`.
    pub(super) fn input_fn(&self) -> TokenStream {
        let krate = &self.krate;
        let private = self.private();
        if !self.operations.iter().any(|op| op.kind.has_body()) {
            // A resource that is never written needs no decoding (nor `Deserialize`).
            return quote! {
                fn from_input(
                    _: &mut #krate::__private::WriteInput<'_>,
                    _: ::core::option::Option<Self>,
                ) -> ::core::option::Option<Self> {
                    ::core::option::Option::None
                }
            };
        }
        let locals: Vec<Locals> = self.fields.iter().map(Locals::of).collect();
        let idents: Vec<&Ident> = self.fields.iter().map(|field| &field.ident).collect();
        let values: Vec<&Ident> = locals.iter().map(|local| &local.value).collect();
        let previous: Vec<&Ident> = locals.iter().map(|local| &local.previous).collect();
        let fields = || self.fields.iter().zip(&locals);
        let decodes = fields().filter_map(|(field, local)| self.decode(field, local));
        let create_branch = if self.declares(OperationKind::Post) {
            let creates = fields().map(|(field, local)| {
                let (value, ty, fresh) = (&local.value, &field.ty, self.fresh(field, local));
                quote!(let #value: ::core::option::Option<#ty> = #fresh;)
            });
            quote! {
                #(#creates)*
                ::core::option::Option::Some(Self { #(#idents: #values?,)* })
            }
        } else {
            quote!(::core::option::Option::None)
        };
        let applies = fields().map(|(field, local)| self.apply(field, local));
        quote! {
            #[allow(unused_variables, clippy::needless_borrow)]
            fn from_input(
                input: &mut #krate::__private::WriteInput<'_>,
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
                        let Self { #(#idents: #previous,)* } = previous;
                        let replace = input.mode() == #krate::__private::WriteMode::Replace;
                        #(#applies)*
                        ::core::option::Option::Some(Self { #(#idents: #values?,)* })
                    }
                }
            }
        }
    }

    /// `let __in_x = <what the request sent>;`, for writable fields: the identifier only from
    /// a Post, dates through their codecs.
    fn decode(&self, field: &Field, local: &Locals) -> Option<TokenStream> {
        if !field.writable {
            return None;
        }
        let krate = &self.krate;
        let private = self.private();
        let (ty, name, sent) = (&field.ty, &field.name, &local.sent);
        let span = ty.span();
        let decode = if field.identifier {
            quote_spanned!(span=> if input.mode() == #krate::__private::WriteMode::Create {
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
        Some(quote!(let #sent: ::core::option::Option<#ty> = #decode;))
    }

    /// The value of a new item (Post), and of a replaced one (Put) for writable fields: what
    /// was sent (or the uri variable), else the default, else "is required".
    fn fresh(&self, field: &Field, local: &Locals) -> TokenStream {
        let (ty, name, sent) = (&field.ty, &field.name, &local.sent);
        let span = ty.span();
        let default_value = self.default_value(field);
        if field.writable {
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
            default_value
        } else {
            quote_spanned!(span=> ::core::option::Option::Some(<#ty as ::core::default::Default>::default()))
        }
    }

    /// `let __f_x = ...;` for a stored item: Put replaces writable fields as a new item
    /// would, Patch keeps what was not sent; other fields keep their stored value.
    fn apply(&self, field: &Field, local: &Locals) -> TokenStream {
        let (value, sent, previous, ty) = (&local.value, &local.sent, &local.previous, &field.ty);
        let applied = if field.writable && !field.identifier {
            let fresh = self.fresh(field, local);
            quote! {
                if replace {
                    #fresh
                } else {
                    ::core::option::Option::Some(match #sent {
                        ::core::option::Option::Some(value) => value,
                        ::core::option::Option::None => #previous,
                    })
                }
            }
        } else {
            quote!(::core::option::Option::Some(#previous))
        };
        quote!(let #value: ::core::option::Option<#ty> = #applied;)
    }

    /// The declared default (a string literal converts into the field's type), else the
    /// type's `Default` when it has one, else `None`.
    fn default_value(&self, field: &Field) -> TokenStream {
        let private = self.private();
        let ty = &field.ty;
        let span = ty.span();
        match &field.default {
            Some(Expr::Lit(syn::ExprLit {
                lit: lit @ Lit::Str(_),
                ..
            })) => {
                quote_spanned!(span=> ::core::option::Option::Some(::core::convert::Into::into(#lit)))
            }
            Some(expr) => quote_spanned!(span=> ::core::option::Option::Some(#expr)),
            None => quote_spanned!(span=> (&&#private::DefaultOf::<#ty>::new()).default_value()),
        }
    }
}
