//! The declaration as darling reads it: `#[api(...)]` on the struct and on each field.

use darling::ast::{self, NestedMeta};
use darling::util::{Flag, SpannedValue};
use darling::{Error, FromDeriveInput, FromField, FromMeta, Result};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Generics, Ident, Lit, Meta, Type};

/// `#[api(...)]` on the struct.
#[derive(Debug, FromDeriveInput)]
#[darling(attributes(api), supports(struct_named), forward_attrs(doc, validate))]
pub(crate) struct ResourceInput {
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    pub(crate) data: ast::Data<(), FieldInput>,
    pub(crate) attrs: Vec<Attribute>,

    pub(crate) name: Option<String>,
    pub(crate) short_name: Option<SpannedValue<String>>,
    pub(crate) label: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) operations: Option<SpannedValue<Operations>>,
    pub(crate) provider: Option<Type>,
    pub(crate) processor: Option<Type>,
    pub(crate) pagination: Option<PaginationInput>,
    pub(crate) uri_variables: Option<UriVariables>,
    pub(crate) relationships: Option<Relationships>,
    pub(crate) tie_breaker: Option<SpannedValue<String>>,
    pub(crate) idempotent_delete: Flag,
    pub(crate) cache_control: Option<SpannedValue<String>>,
    pub(crate) version: Option<SpannedValue<String>>,
    pub(crate) code_bucket: Option<SpannedValue<String>>,
    #[darling(flatten)]
    pub(crate) security: SecurityInput,
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
}

/// `#[api(...)]` on a field.
#[derive(Debug, FromField)]
#[darling(attributes(api), forward_attrs(doc, validate))]
pub(crate) struct FieldInput {
    pub(crate) ident: Option<Ident>,
    pub(crate) ty: Type,
    pub(crate) attrs: Vec<Attribute>,

    pub(crate) identifier: Flag,
    pub(crate) readable: Option<bool>,
    pub(crate) writable: Option<bool>,
    pub(crate) required: Option<SpannedValue<bool>>,
    pub(crate) default: Option<DefaultValue>,
    pub(crate) description: Option<String>,
    pub(crate) example: Option<Literal>,
    pub(crate) format: Option<String>,
    pub(crate) rename: Option<String>,
    pub(crate) enum_values: Option<EnumValues>,
    pub(crate) filterable: Option<bool>,
    pub(crate) sortable: Option<bool>,
    #[darling(rename = "type")]
    pub(crate) property_type: Option<SpannedValue<String>>,
}

/// The operation kinds, by declaration name.
pub(crate) const OPERATION_NAMES: [&str; 6] =
    ["Get", "GetCollection", "Post", "Put", "Patch", "Delete"];

/// One entry of `operations(...)`.
#[derive(Debug, Clone)]
pub(crate) struct OperationInput {
    pub(crate) name: String,
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

impl SecurityInput {
    /// The three points, each with its rule and message: (attribute name, rule, message).
    pub(crate) fn points(
        &self,
    ) -> [(
        &'static str,
        Option<&SpannedValue<String>>,
        Option<&SpannedValue<String>>,
    ); 3] {
        [
            (
                "security",
                self.security.as_ref(),
                self.security_message.as_ref(),
            ),
            (
                "security_post_denormalize",
                self.security_post_denormalize.as_ref(),
                self.security_post_denormalize_message.as_ref(),
            ),
            (
                "security_post_validation",
                self.security_post_validation.as_ref(),
                self.security_post_validation_message.as_ref(),
            ),
        ]
    }
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
            if !OPERATION_NAMES.contains(&name.as_str()) {
                errors.push(
                    Error::unknown_value_with_alts(&name, OPERATION_NAMES.iter()).with_span(path),
                );
                continue;
            }
            if operations.iter().any(|op| op.name == name) {
                errors.push(
                    Error::custom(format!("operation `{name}` is declared twice")).with_span(path),
                );
                continue;
            }
            operations.push(OperationInput {
                name,
                span: path.span(),
                options,
            });
        }
        errors.finish_with(Self(operations))
    }
}

/// `pagination(items_per_page = 10, maximum_items_per_page = 100, ...)`.
#[derive(Debug, Clone, Default, FromMeta)]
pub(crate) struct PaginationInput {
    pub(crate) enabled: Option<bool>,
    pub(crate) items_per_page: Option<SpannedValue<u64>>,
    pub(crate) maximum_items_per_page: Option<SpannedValue<u64>>,
    pub(crate) client_enabled: Option<bool>,
    pub(crate) client_items_per_page: Option<bool>,
    pub(crate) form: Option<SpannedValue<String>>,
}

/// `uri_variables(customerReference = customer_reference)`: template variable to field.
#[derive(Debug, Clone, Default)]
pub(crate) struct UriVariables(pub(crate) Vec<UriVariableInput>);

#[derive(Debug, Clone)]
pub(crate) struct UriVariableInput {
    pub(crate) variable: String,
    pub(crate) field: String,
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

/// A `default = ...` expression, kept as written (a string literal stays a string).
#[derive(Debug, Clone)]
pub(crate) struct DefaultValue(pub(crate) Expr);

impl FromMeta for DefaultValue {
    fn from_expr(expr: &Expr) -> Result<Self> {
        Ok(Self(expr.clone()))
    }

    fn from_value(value: &Lit) -> Result<Self> {
        Ok(Self(Expr::Lit(syn::ExprLit {
            attrs: Vec::new(),
            lit: value.clone(),
        })))
    }
}

/// A literal kept as written (`example = "jane@example.com"`, `example = 5000.0`).
#[derive(Debug, Clone)]
pub(crate) struct Literal(pub(crate) Lit);

impl FromMeta for Literal {
    fn from_value(value: &Lit) -> Result<Self> {
        Ok(Self(value.clone()))
    }

    fn from_expr(expr: &Expr) -> Result<Self> {
        match expr {
            Expr::Lit(lit) => Ok(Self(lit.lit.clone())),
            Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Neg(_),
                expr,
                ..
            }) => match &**expr {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Int(int), ..
                }) => Ok(Self(Lit::Int(syn::LitInt::new(
                    &format!("-{}", int.base10_digits()),
                    int.span(),
                )))),
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Float(float),
                    ..
                }) => Ok(Self(Lit::Float(syn::LitFloat::new(
                    &format!("-{}", float.base10_digits()),
                    float.span(),
                )))),
                _ => Err(Error::unexpected_expr_type(expr)),
            },
            _ => Err(
                Error::custom("expected a literal such as \"text\", 42 or true").with_span(expr),
            ),
        }
    }
}

/// The JSON text of a literal, for metadata (`"\"jane@example.com\""`, `"5000.0"`).
pub(crate) fn literal_json(lit: &Lit) -> Option<String> {
    match lit {
        Lit::Str(text) => Some(json_string(&text.value())),
        Lit::Int(int) => Some(int.base10_digits().to_owned()),
        Lit::Float(float) => Some(float.base10_digits().to_owned()),
        Lit::Bool(value) => Some(value.value.to_string()),
        Lit::Char(ch) => Some(json_string(&ch.value().to_string())),
        _ => None,
    }
}

/// The JSON text of a default expression, when it is a plain literal.
pub(crate) fn expr_json(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(lit) => literal_json(&lit.lit),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => expr_json(expr).map(|text| format!("-{text}")),
        Expr::Path(path)
            if path
                .path
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "None") =>
        {
            Some("null".to_owned())
        }
        _ => None,
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ch if u32::from(ch) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(ch))),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// The text of `///` doc comments, joined.
pub(crate) fn doc_text(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(pair) => match &pair.value {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(text),
                    ..
                }) => Some(text.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let text = lines.join(" ").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Whether any attribute is `#[validate(...)]`.
pub(crate) fn has_validate(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident("validate"))
}

/// What `validator` rules on a field say that a schema can say too (SPEC §10.1): lengths,
/// ranges with literal bounds, and the email and URL formats. Other rules stay checks only.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Constraints {
    pub(crate) min_length: Option<u64>,
    pub(crate) max_length: Option<u64>,
    pub(crate) minimum: Option<f64>,
    pub(crate) maximum: Option<f64>,
    pub(crate) format: Option<&'static str>,
}

/// Reads the constraints of a field's `#[validate(...)]` attributes.
pub(crate) fn constraints(attrs: &[Attribute]) -> Constraints {
    use syn::punctuated::Punctuated;
    use syn::token::Comma;

    let mut found = Constraints::default();
    let rules = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("validate"))
        .filter_map(|attr| {
            attr.parse_args_with(Punctuated::<Meta, Comma>::parse_terminated)
                .ok()
        })
        .flatten();
    for rule in rules {
        match &rule {
            Meta::Path(path) if path.is_ident("email") => found.format = Some("email"),
            Meta::Path(path) if path.is_ident("url") => found.format = Some("uri"),
            Meta::List(list) if list.path.is_ident("length") || list.path.is_ident("range") => {
                let Ok(bounds) = list.parse_args_with(Punctuated::<Meta, Comma>::parse_terminated)
                else {
                    continue;
                };
                for bound in bounds {
                    let Meta::NameValue(pair) = bound else {
                        continue;
                    };
                    let Some(value) = literal_number(&pair.value) else {
                        continue;
                    };
                    let key = pair.path.get_ident().map(ToString::to_string);
                    if list.path.is_ident("length") {
                        // Lengths are whole numbers.
                        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                        let count = (value >= 0.0).then_some(value as u64);
                        match key.as_deref() {
                            Some("min") => found.min_length = count,
                            Some("max") => found.max_length = count,
                            Some("equal") => {
                                found.min_length = count;
                                found.max_length = count;
                            }
                            _ => {}
                        }
                    } else {
                        match key.as_deref() {
                            Some("min") => found.minimum = Some(value),
                            Some("max") => found.maximum = Some(value),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// A number literal, possibly negated (`-5`, `0.0`).
fn literal_number(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(int), ..
        }) => int.base10_parse::<f64>().ok(),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Float(float),
            ..
        }) => float.base10_parse::<f64>().ok(),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => literal_number(expr).map(|value| -value),
        Expr::Paren(inner) => literal_number(&inner.expr),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn validator_rules_become_constraints() {
        let field: syn::Field = parse_quote! {
            #[validate(length(min = 1, max = 100), email, custom(function = "x"))]
            #[validate(range(min = -5, max = 2.5))]
            name: String
        };
        assert_eq!(
            constraints(&field.attrs),
            Constraints {
                min_length: Some(1),
                max_length: Some(100),
                minimum: Some(-5.0),
                maximum: Some(2.5),
                format: Some("email"),
            }
        );
        let field: syn::Field = parse_quote! {
            #[validate(length(equal = 2), range(min = LIMIT), url)]
            code: String
        };
        let found = constraints(&field.attrs);
        assert_eq!((found.min_length, found.max_length), (Some(2), Some(2)));
        assert_eq!((found.minimum, found.format), (None, Some("uri")));
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let input: syn::DeriveInput = parse_quote! {
            #[api(operations(Get, Gett, Get), provider = P, tpye = "x")]
            struct Thing { #[api(identifier)] id: String }
        };
        let error = ResourceInput::from_derive_input(&input).unwrap_err();
        assert_eq!(error.len(), 3, "{error:?}");
        let text = error.to_string();
        assert!(text.contains("Gett"), "{text}");
    }

    #[test]
    fn operations_take_options() {
        let input: syn::DeriveInput = parse_quote! {
            #[api(operations(GetCollection(uri_template = "/a/{b}/c", status = 200), Post))]
            struct Thing { id: String }
        };
        let parsed = ResourceInput::from_derive_input(&input).unwrap();
        let operations = parsed.operations.unwrap();
        assert_eq!(operations.0.len(), 2);
        assert_eq!(
            operations.0[0]
                .options
                .uri_template
                .as_deref()
                .map(String::as_str),
            Some("/a/{b}/c")
        );
    }

    #[test]
    fn literals_become_json() {
        assert_eq!(
            literal_json(&parse_quote!("a\"b")).as_deref(),
            Some("\"a\\\"b\"")
        );
        assert_eq!(expr_json(&parse_quote!(-5)).as_deref(), Some("-5"));
        assert_eq!(expr_json(&parse_quote!(true)).as_deref(), Some("true"));
        assert_eq!(expr_json(&parse_quote!(foo())), None);
    }
}
