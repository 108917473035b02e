//! How an item is read: its identifier, the values of its uri variables, its properties as
//! the response shows them, and one property's value for filters, sorts and links.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use glue_common::PropertyType;

use crate::model::{Field, Model};
use crate::types::Kind;

impl Model {
    /// `fn id(&self)`: the identifier as text.
    pub(super) fn id_fn(&self) -> TokenStream {
        let krate = &self.krate;
        let body = match self.identifier {
            Some(index) => {
                let field = &self.fields[index];
                let ident = &field.ident;
                quote_spanned!(field.ty.span()=> #krate::__private::ResourceId::to_id(&self.#ident))
            }
            None => quote!(::std::borrow::Cow::Borrowed("")),
        };
        quote! {
            fn id(&self) -> ::std::borrow::Cow<'_, str> {
                #body
            }
        }
    }

    /// `fn uri_value(&self, variable)`: the value of each uri variable, as text.
    pub(super) fn uri_value_fn(&self) -> TokenStream {
        let krate = &self.krate;
        let arms = self.variables.iter().map(|(variable, index)| {
            let field = &self.fields[*index];
            let ident = &field.ident;
            let value = quote_spanned!(field.ty.span()=> #krate::__private::ResourceId::to_id(&self.#ident));
            quote!(#variable => ::core::option::Option::Some(#value),)
        });
        quote! {
            fn uri_value(
                &self,
                variable: &str,
            ) -> ::core::option::Option<::std::borrow::Cow<'_, str>> {
                match variable {
                    #(#arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }

    /// `fn write_properties(&self, out)`: the readable properties, straight into the answer.
    pub(super) fn write_properties_fn(&self) -> TokenStream {
        let krate = &self.krate;
        let private = self.private();
        let writes = self
            .fields
            .iter()
            .filter(|field| field.readable)
            .map(|field| {
                let name = &field.name;
                let value = self.wire_value(field);
                // The member's key, escaped here once: `"email":`.
                let key = format!("{}:", json_string(name));
                let ident = &field.ident;
                if field.identifier {
                    quote!(out.identifier(#name, #value)?;)
                } else if field.wire.kind == Kind::DateTime {
                    quote!(out.keyed_date_time(#name, #key, &self.#ident)?;)
                } else if field.wire.kind == Kind::Date {
                    quote!(out.keyed_date(#name, #key, &self.#ident)?;)
                } else if is_text(&field.ty) {
                    quote!(out.keyed_str(#name, #key, ::core::convert::AsRef::<str>::as_ref(&self.#ident));)
                } else {
                    quote!(out.keyed(#name, #key, #value)?;)
                }
            });
        quote! {
            fn write_properties(
                &self,
                out: &mut #krate::__private::PropertyWriter<'_>,
            ) -> ::core::result::Result<(), #private::serde_json::Error> {
                #(#writes)*
                ::core::result::Result::Ok(())
            }
        }
    }

    /// `fn property_value(&self, name)`: a readable property (or a relationship's key),
    /// typed and borrowed.
    pub(super) fn property_value_fn(&self) -> TokenStream {
        let private = self.private();
        let mut keys: Vec<usize> = self.relationships.iter().map(|r| r.key.0).collect();
        keys.extend(self.version_field());
        let arms = self
            .fields
            .iter()
            .enumerate()
            .filter(|(index, field)| field.readable || keys.contains(index))
            .map(|(_, field)| {
                let name = &field.name;
                let ident = &field.ident;
                let value = quote_spanned!(field.ty.span()=>
                    (&&&#private::ScalarOf(&self.#ident)).scalar()
                );
                quote!(#name => ::core::option::Option::Some(#value),)
            });
        quote! {
            fn property_value(
                &self,
                name: &str,
            ) -> ::core::option::Option<#private::Scalar<'_>> {
                #[allow(unused_imports)]
                use #private::{Opaque as _, ViaScalar as _, ViaSerialize as _};
                match name {
                    #(#arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }

    /// `fn property_json(&self, name)`: a readable array or object property as JSON.
    pub(super) fn property_json_fn(&self) -> TokenStream {
        let private = self.private();
        let arms = self
            .fields
            .iter()
            .filter(|field| {
                field.readable
                    && matches!(field.wire.ty, PropertyType::Array | PropertyType::Object)
            })
            .map(|field| {
                let name = &field.name;
                let ident = &field.ident;
                let value =
                    quote_spanned!(field.ty.span()=> (&&#private::JsonOf(&self.#ident)).json());
                quote!(#name => #value,)
            })
            .collect::<Vec<_>>();
        if arms.is_empty() {
            return TokenStream::new();
        }
        quote! {
            fn property_json(
                &self,
                name: &str,
            ) -> ::core::option::Option<#private::serde_json::Value> {
                #[allow(unused_imports)]
                use #private::{JsonOpaque as _, JsonViaSerialize as _};
                match name {
                    #(#arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }

    /// The field that holds the version, for counters and timestamps: readable for entity
    /// tags even when responses do not show it.
    pub(super) fn version_field(&self) -> Option<usize> {
        match self.concurrency?.source {
            crate::model::VersionSource::Counter(index)
            | crate::model::VersionSource::Timestamp(index) => Some(index),
            crate::model::VersionSource::Hash => None,
        }
    }

    /// A reference to the field's value as it is written: date-times through the UTC writer.
    pub(super) fn wire_value(&self, field: &Field) -> TokenStream {
        let private = self.private();
        let ident = &field.ident;
        let span = field.ty.span();
        match field.wire.kind {
            Kind::DateTime => quote_spanned!(span=> &#private::UtcDateTime(&self.#ident)),
            Kind::Date => quote_spanned!(span=> &#private::WireDate(&self.#ident)),
            Kind::Plain => quote_spanned!(span=> &self.#ident),
        }
    }
}

/// Whether a field's type is text the string writer takes: `String` (also as
/// `std::string::String` or `alloc::string::String`) and `&str` of any lifetime, as the type
/// is written; anything else (`Option<String>`, `Cow<str>`, a `String` of another path) goes
/// through `Serialize`.
fn is_text(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(reference) => matches!(
            &*reference.elem,
            syn::Type::Path(path) if path.qself.is_none() && path.path.is_ident("str")
        ),
        syn::Type::Path(path) if path.qself.is_none() => {
            let segments: Vec<String> = path
                .path
                .segments
                .iter()
                .map(|segment| segment.ident.to_string())
                .collect();
            let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
            matches!(
                segments.as_slice(),
                ["String"] | ["std" | "alloc", "string", "String"]
            ) && path
                .path
                .segments
                .iter()
                .all(|segment| segment.arguments.is_none())
        }
        _ => false,
    }
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::{is_text, json_string};

    #[test]
    fn keys_are_written_as_json_strings() {
        assert_eq!(json_string("email"), "\"email\"");
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
        assert_eq!(json_string("grüße"), "\"grüße\"");
    }

    #[test]
    fn only_plain_text_types_take_the_string_writer() {
        assert!(is_text(&parse_quote!(String)));
        assert!(is_text(&parse_quote!(std::string::String)));
        assert!(is_text(&parse_quote!(&'static str)));
        assert!(!is_text(&parse_quote!(Option<String>)));
        assert!(!is_text(&parse_quote!(std::borrow::Cow<'static, str>)));
        assert!(!is_text(&parse_quote!(my::String)));
        assert!(!is_text(&parse_quote!(u64)));
    }
}
