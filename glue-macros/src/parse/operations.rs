//! `operations(Get, GetCollection, Post(...))` and the security keys of the resource and of
//! each operation.

use darling::ast::NestedMeta;
use darling::util::SpannedValue;
use darling::{Error, FromMeta, Result};
use glue_common::OperationKind;
use proc_macro2::Span;
use syn::Meta;
use syn::spanned::Spanned;

/// One entry of `operations(...)`.
#[derive(Debug, Clone)]
pub(crate) struct OperationInput {
    pub(crate) kind: OperationKind,
    /// The span of the operation's name.
    pub(crate) span: Span,
    pub(crate) options: OperationOptions,
}

/// `Post(uri_template = "...", status = 201, description = "...")`.
#[derive(Debug, Clone, Default, FromMeta)]
pub(crate) struct OperationOptions {
    pub(crate) uri_template: Option<SpannedValue<String>>,
    pub(crate) status: Option<SpannedValue<u16>>,
    pub(crate) description: Option<String>,
    pub(crate) cache_control: Option<SpannedValue<String>>,
    pub(crate) version: Option<SpannedValue<String>>,
    #[darling(flatten)]
    pub(crate) security: SecurityInput,
}

/// `security = "..."`, `security_post_denormalize = "..."`, `security_post_validation =
/// "..."` and their `*_message`s, on the resource or on one operation.
#[derive(Debug, Clone, Default, FromMeta)]
pub(crate) struct SecurityInput {
    pub(crate) security: Option<SpannedValue<String>>,
    pub(crate) security_message: Option<SpannedValue<String>>,
    pub(crate) security_post_denormalize: Option<SpannedValue<String>>,
    pub(crate) security_post_denormalize_message: Option<SpannedValue<String>>,
    pub(crate) security_post_validation: Option<SpannedValue<String>>,
    pub(crate) security_post_validation_message: Option<SpannedValue<String>>,
}

/// `operations(Get, GetCollection, Post(...))`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Operations(pub(crate) Vec<OperationInput>);

impl FromMeta for Operations {
    fn from_list(items: &[NestedMeta]) -> Result<Self> {
        let mut errors = Error::accumulator();
        let mut operations: Vec<OperationInput> = Vec::new();
        for item in items {
            let (path, options) = match item {
                NestedMeta::Meta(Meta::Path(path)) => (path, OperationOptions::default()),
                NestedMeta::Meta(Meta::List(list)) => {
                    let options = errors
                        .handle(OperationOptions::from_list(&NestedMeta::parse_meta_list(
                            list.tokens.clone(),
                        )?))
                        .unwrap_or_default();
                    (&list.path, options)
                }
                other => {
                    errors.push(
                        Error::custom("expected an operation name such as `Get` or `Post(...)`")
                            .with_span(other),
                    );
                    continue;
                }
            };
            let name = path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let Some(kind) = OperationKind::from_name(&name) else {
                errors.push(
                    Error::unknown_value_with_alts(&name, OperationKind::names().iter())
                        .with_span(path),
                );
                continue;
            };
            if operations.iter().any(|op| op.kind == kind) {
                errors.push(
                    Error::custom(format!("operation `{name}` is declared twice")).with_span(path),
                );
                continue;
            }
            operations.push(OperationInput {
                kind,
                span: path.span(),
                options,
            });
        }
        errors.finish_with(Self(operations))
    }
}
