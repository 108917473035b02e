//! What `validator` rules say that a schema can say too.

use syn::{Attribute, Expr, Lit, Meta};

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
}
