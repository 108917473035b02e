//! Lists of the declaration: uri variable mappings, relationships and enumerations.

use darling::ast::NestedMeta;
use darling::util::SpannedValue;
use darling::{Error, FromMeta, Result};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Lit, Meta};

/// `uri_variables(customerReference = customer_reference)`: template variable to field; also
/// `keys(own = theirs)` of a relationship.
#[derive(Debug, Clone, Default)]
pub(crate) struct UriVariables(pub(crate) Vec<UriVariableInput>);

/// One `name = value` pair.
#[derive(Debug, Clone)]
pub(crate) struct UriVariableInput {
    pub(crate) variable: String,
    /// The span of the name on the left.
    pub(crate) variable_span: Span,
    pub(crate) field: String,
    /// The span of the value on the right.
    pub(crate) span: Span,
}

impl FromMeta for UriVariables {
    fn from_list(items: &[NestedMeta]) -> Result<Self> {
        let mut errors = Error::accumulator();
        let mut variables = Vec::new();
        for item in items {
            let NestedMeta::Meta(Meta::NameValue(pair)) = item else {
                errors.push(
                    Error::custom("expected `variable = field`, such as `customerReference = customer_reference`")
                        .with_span(item),
                );
                continue;
            };
            let variable = pair
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let field = match &pair.value {
                Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(text),
                    ..
                }) => Some(text.value()),
                _ => None,
            };
            match field {
                Some(field) => variables.push(UriVariableInput {
                    variable,
                    variable_span: pair.path.span(),
                    field,
                    span: pair.value.span(),
                }),
                None => errors.push(Error::custom("expected a field name").with_span(&pair.value)),
            }
        }
        errors.finish_with(Self(variables))
    }
}

/// `relationships(addresses(target = Address, many, key = "customerReference"))`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Relationships(pub(crate) Vec<RelationshipInput>);

/// One relationship.
#[derive(Debug, Clone)]
pub(crate) struct RelationshipInput {
    pub(crate) name: String,
    pub(crate) span: Span,
    pub(crate) options: RelationshipOptions,
}

/// `target = Address, many, key = "customerReference"` or `keys(customerReference = customerReference)`.
#[derive(Debug, Clone, FromMeta)]
pub(crate) struct RelationshipOptions {
    pub(crate) target: syn::Type,
    #[darling(default)]
    pub(crate) many: bool,
    pub(crate) key: Option<SpannedValue<String>>,
    pub(crate) keys: Option<UriVariables>,
    pub(crate) description: Option<String>,
}

impl FromMeta for Relationships {
    fn from_list(items: &[NestedMeta]) -> Result<Self> {
        let mut errors = Error::accumulator();
        let mut relationships: Vec<RelationshipInput> = Vec::new();
        for item in items {
            let NestedMeta::Meta(Meta::List(list)) = item else {
                errors.push(
                    Error::custom(
                        "expected a relationship such as `addresses(target = Address, many, key = \"customerReference\")`",
                    )
                    .with_span(item),
                );
                continue;
            };
            let name = list
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let Some(options) = errors.handle(RelationshipOptions::from_list(
                &NestedMeta::parse_meta_list(list.tokens.clone())?,
            )) else {
                continue;
            };
            if relationships.iter().any(|existing| existing.name == name) {
                errors.push(
                    Error::custom(format!("relationship `{name}` is declared twice"))
                        .with_span(&list.path),
                );
                continue;
            }
            relationships.push(RelationshipInput {
                name,
                span: list.path.span(),
                options,
            });
        }
        errors.finish_with(Self(relationships))
    }
}

/// `enum_values("active", "inactive")`, or `enum_values = codes::CURRENCIES` for a constant
/// array (or slice) of string slices that the program uses as well.
#[derive(Debug, Clone)]
pub(crate) enum EnumValues {
    List(Vec<String>),
    Constant(syn::Path),
}

impl FromMeta for EnumValues {
    fn from_list(items: &[NestedMeta]) -> Result<Self> {
        let mut errors = Error::accumulator();
        let mut values = Vec::new();
        for item in items {
            match item {
                NestedMeta::Lit(Lit::Str(text)) => values.push(text.value()),
                other => errors.push(Error::custom("expected a string literal").with_span(other)),
            }
        }
        errors.finish_with(Self::List(values))
    }

    fn from_expr(expr: &Expr) -> Result<Self> {
        match expr {
            Expr::Path(path) if path.qself.is_none() => Ok(Self::Constant(path.path.clone())),
            other => Err(Error::custom(
                "expected a list of string literals or the path of a constant: \
                 `enum_values(\"a\", \"b\")` or `enum_values = CODES`",
            )
            .with_span(other)),
        }
    }
}
