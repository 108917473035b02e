//! The declaration once checked: what `emit` writes code from. Every value here is valid;
//! `check` builds it and reports what is not.

use glue_common::OperationKind;
use proc_macro2::{Span, TokenStream};
use syn::{Expr, Ident, Type};

use crate::parse::{Constraints, EnumValues, PaginationInput, SecurityInput};
use crate::types::WireType;

/// One declared operation.
pub(crate) struct Operation {
    pub(crate) kind: OperationKind,
    /// The span of its name in `operations(...)`, for errors about it.
    pub(crate) span: Span,
    pub(crate) uri_template: Option<String>,
    pub(crate) status: Option<u16>,
    pub(crate) description: Option<String>,
    pub(crate) security: SecurityInput,
    pub(crate) cache_control: Option<String>,
    pub(crate) version: Option<String>,
}

/// One field of the struct, as a property.
pub(crate) struct Field {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    /// The name on the wire.
    pub(crate) name: String,
    pub(crate) wire: WireType,
    pub(crate) identifier: bool,
    pub(crate) readable: bool,
    pub(crate) writable: bool,
    pub(crate) required: bool,
    pub(crate) default: Option<Expr>,
    pub(crate) default_json: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) example_json: Option<String>,
    pub(crate) format: Option<String>,
    pub(crate) enum_values: Option<EnumValues>,
    pub(crate) filterable: bool,
    pub(crate) sortable: bool,
    /// Bounds from the field's `validator` rules.
    pub(crate) constraints: Constraints,
    /// A non-identifier uri variable this field holds (a parent's identifier).
    pub(crate) uri_variable: Option<String>,
    /// The declared column, when it is not the field's name.
    pub(crate) column: Option<String>,
    /// Whether the field has a column.
    pub(crate) stored: bool,
}

/// Where an item's version comes from (SPEC §12.1).
#[derive(Clone, Copy)]
pub(crate) enum VersionSource {
    /// An integer field (an index into the fields) the store increments.
    Counter(usize),
    /// A date-time field the store sets.
    Timestamp(usize),
    /// A hash of the readable state.
    Hash,
}

/// `concurrency(...)`, checked.
#[derive(Clone, Copy)]
pub(crate) struct Concurrency {
    pub(crate) source: VersionSource,
    pub(crate) require_if_match: bool,
}

/// A relationship to another resource.
pub(crate) struct Relationship {
    pub(crate) name: String,
    pub(crate) target: Type,
    pub(crate) many: bool,
    /// This resource's property (an index into the fields) and the target's property name.
    pub(crate) key: (usize, String),
    /// The span of the target's property name, for errors about it.
    pub(crate) key_span: Span,
    pub(crate) description: Option<String>,
}

/// The whole resource.
pub(crate) struct Model {
    /// Where `glue_core` is (`crate = ...`).
    pub(crate) krate: TokenStream,
    pub(crate) ident: Ident,
    pub(crate) name: String,
    pub(crate) short_name: String,
    pub(crate) label: String,
    pub(crate) description: Option<String>,
    pub(crate) operations: Vec<Operation>,
    pub(crate) provider: TokenStream,
    pub(crate) processor: TokenStream,
    pub(crate) pagination: PaginationInput,
    /// Every uri variable of every route, with the field that holds it.
    pub(crate) variables: Vec<(String, usize)>,
    pub(crate) idempotent_delete: bool,
    pub(crate) fields: Vec<Field>,
    pub(crate) identifier: Option<usize>,
    /// Whether the struct has `validator` rules to run.
    pub(crate) validate: bool,
    /// The function with the rules of each operation group.
    pub(crate) validate_group: Option<syn::Path>,
    pub(crate) relationships: Vec<Relationship>,
    pub(crate) tie_breaker: Option<String>,
    pub(crate) security: SecurityInput,
    pub(crate) version: Option<String>,
    pub(crate) code_bucket: Option<String>,
    /// `table = "..."`: the derive also writes how items are stored.
    pub(crate) table: Option<String>,
    pub(crate) concurrency: Option<Concurrency>,
    /// The bounds of `include`: paths, and relationships per path.
    pub(crate) includes: (usize, usize),
}

impl Model {
    /// Whether the resource declares an operation of this kind.
    pub(crate) fn declares(&self, kind: OperationKind) -> bool {
        self.operations.iter().any(|op| op.kind == kind)
    }

    /// Where generated code names the runtime's support items.
    pub(crate) fn private(&self) -> TokenStream {
        let krate = &self.krate;
        quote::quote!(#krate::__private)
    }
}

/// A field by Rust name or wire name.
pub(crate) fn find_field(fields: &[Field], name: &str) -> Option<usize> {
    use syn::ext::IdentExt;
    fields
        .iter()
        .position(|field| field.ident.unraw() == name || field.name == name)
}
