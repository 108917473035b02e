//! Literal values of the declaration (`default`, `example`) and doc comments.

use darling::{Error, FromMeta, Result};
use syn::{Attribute, Expr, Lit, Meta};

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

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

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
