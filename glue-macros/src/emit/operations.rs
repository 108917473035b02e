//! How the declared operations are served: `fn operations()`, whose entries name the
//! provider or processor trait each operation needs, spanned at the operation, so that a
//! missing method is a compile error there. Relationships check, the same way, that their
//! target can be loaded as a collection.

use glue_common::OperationKind;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::Model;

impl Model {
    /// `fn operations() -> Operations<Self>`.
    pub(super) fn operations_fn(&self) -> TokenStream {
        let private = self.private();
        let entry = |kind: OperationKind, constructor: &str| {
            let constructor = syn::Ident::new(constructor, proc_macro2::Span::call_site());
            match self.operations.iter().find(|op| op.kind == kind) {
                Some(op) => quote_spanned!(op.span=>
                    ::core::option::Option::Some(#private::operations::#constructor::<Self>())
                ),
                None => quote!(::core::option::Option::None),
            }
        };
        let get = entry(OperationKind::Get, "get");
        let get_collection = entry(OperationKind::GetCollection, "get_collection");
        let post = entry(OperationKind::Post, "post");
        let put = entry(OperationKind::Put, "put");
        let patch = entry(OperationKind::Patch, "patch");
        let delete = entry(OperationKind::Delete, "delete");
        let writes = [
            OperationKind::Post,
            OperationKind::Put,
            OperationKind::Patch,
            OperationKind::Delete,
        ];
        let transactions = if writes.iter().any(|kind| self.declares(*kind)) {
            quote!(::core::option::Option::Some(#private::operations::transactions::<Self>()))
        } else {
            quote!(::core::option::Option::None)
        };
        quote! {
            fn operations() -> #private::Operations<Self> {
                #[allow(unused_imports)]
                use #private::operations::{NoCollection as _, ViaCollection as _};
                #private::Operations {
                    get: #get,
                    get_collection: #get_collection,
                    post: #post,
                    put: #put,
                    patch: #patch,
                    delete: #delete,
                    related: (&&#private::operations::RelatedProbe::<Self>::new()).related(),
                    transactions: #transactions,
                }
            }
        }
    }

    /// For each relationship, a check at compile time that its target's provider lists its
    /// items, reported at the target.
    pub(super) fn relationship_targets(&self) -> Vec<TokenStream> {
        let private = self.private();
        self.relationships
            .iter()
            .map(|relationship| {
                let target = &relationship.target;
                quote_spanned! {target.span()=>
                    const _: fn() = || {
                        #private::operations::listable::<#target>();
                    };
                }
            })
            .collect()
    }
}
