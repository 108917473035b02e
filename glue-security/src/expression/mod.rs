//! Parsing, checking and evaluating security expressions.
//!
//! The grammar (a subset of Symfony's ExpressionLanguage, as API Platform uses it), from the
//! loosest binding to the tightest:
//!
//! ```text
//! or          := and (("or" | "||") and)*
//! and         := comparison (("and" | "&&") comparison)*
//! comparison  := unary (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") unary)?
//! unary       := ("not" | "!") unary | primary
//! primary     := literal | list | "(" or ")" | call | path
//! literal     := 'string' | "string" | "-"? number | true | false | null
//! list        := "[" (or ("," or)* ","?)? "]"
//! call        := function "(" (or ("," or)*)? ")"
//! path        := root ("." name)*
//! root        := user | object | previous_object | request
//! ```
//!
//! `not` binds tighter than comparisons, as in Symfony: `not a == b` is `(not a) == b`.
//! Comparisons do not chain (`a == b == c` is an error). Strings take `\'`, `\"`, `\\`,
//! `\n` and `\t` escapes; numbers are integers or decimals (`42`, `3.5`); `TRUE`, `FALSE`
//! and `NULL` are accepted too. A list may end with a comma, a call may not. `function` is
//! one of [`FUNCTIONS`], and `request.<name>` one of [`REQUEST_ATTRIBUTES`].

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::ops::Range;

use glue_common::Scalar;

use crate::Principal;

mod eval;
mod lexer;
mod parser;
#[cfg(test)]
mod tests;

/// The functions an expression may call, with their arities.
pub const FUNCTIONS: &[(&str, &[usize])] = &[("is_granted", &[1, 2]), ("is_authenticated", &[0])];

/// The attributes `request.<name>` may read: `variables` is the object of the route's uri
/// variables (`request.variables.customerReference`).
pub const REQUEST_ATTRIBUTES: &[&str] = &[
    "method",
    "path",
    "application",
    "locale",
    "code_bucket",
    "version",
    "variables",
];

/// The four variables of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Root {
    /// `user`: the principal, or `null` for an anonymous request.
    User,
    /// `object`: the loaded item (`security` on item operations) or the decoded new state
    /// (`securityPostDenormalize`, `securityPostValidation`).
    Object,
    /// `previous_object`: the stored state, before a write.
    PreviousObject,
    /// `request`: the request's method, path, application, locale, code bucket and version.
    Request,
}

impl Root {
    /// The name in expressions (`previous_object`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Object => "object",
            Self::PreviousObject => "previous_object",
            Self::Request => "request",
        }
    }
}

/// The subject of `is_granted(attribute, subject)` as the expression names it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SubjectRef<'a> {
    /// No second argument, or `null`.
    None,
    /// A bare variable: `object`, `previous_object`, `user` or `request`.
    Root(Root),
    /// Any other value.
    Value(&'a serde_json::Value),
}

/// A value the environment hands to an expression: typed and borrowed where it can be, so
/// that `object.customerReference == user.customerReference` builds nothing.
#[derive(Debug, Clone)]
pub enum Property<'a> {
    /// A scalar (or `null`).
    Scalar(Scalar<'a>),
    /// Any JSON value (arrays and objects, whose members paths can read).
    Json(Cow<'a, serde_json::Value>),
    /// An object whose members are read one by one (`request.variables`).
    Members(&'a dyn Members),
}

/// An object an expression reads member by member, without it being built as JSON.
pub trait Members: fmt::Debug {
    /// The member `name`, when present.
    fn member(&self, name: &str) -> Option<Property<'_>>;
    /// The whole object as JSON, for a voter that is handed it.
    fn to_json(&self) -> serde_json::Value;
}

/// What an expression can see while it is evaluated.
pub trait Environment {
    /// The principal, `None` for an anonymous request.
    fn user(&self) -> Option<&Principal>;
    /// Whether `object` or `previous_object` holds an item at this point.
    fn has_object(&self, root: Root) -> bool;
    /// The property `name` of `object` or `previous_object` (`None` when the item or the
    /// property is absent).
    fn object_property(&self, root: Root, name: &str) -> Option<Property<'_>>;
    /// `request.<name>`, one of [`REQUEST_ATTRIBUTES`].
    fn request_attribute(&self, name: &str) -> Option<Property<'_>>;
    /// `is_granted(attribute, subject)` for an attribute that is not a role (does not start
    /// with `ROLE_`): the application's voters decide.
    fn vote(&self, attribute: &str, subject: SubjectRef<'_>) -> bool;
}

/// Which properties `object.<name>` and `previous_object.<name>` may name at one point of
/// evaluation; `None` means the variable is not available there.
#[derive(Debug, Clone, Copy, Default)]
pub struct Schema<'a> {
    /// The names `object.<name>` may use, when `object` is available.
    pub object: Option<&'a [&'a str]>,
    /// The names `previous_object.<name>` may use, when `previous_object` is available.
    pub previous_object: Option<&'a [&'a str]>,
}

impl<'a> Schema<'a> {
    /// Neither `object` nor `previous_object` is available (collections, `Post` before
    /// decoding).
    #[must_use]
    pub const fn without_object() -> Self {
        Self {
            object: None,
            previous_object: None,
        }
    }

    /// `object` is available with these properties; `previous_object` is not.
    #[must_use]
    pub const fn with_object(names: &'a [&'a str]) -> Self {
        Self {
            object: Some(names),
            previous_object: None,
        }
    }

    /// Both `object` and `previous_object` are available with these properties.
    #[must_use]
    pub const fn with_previous(names: &'a [&'a str]) -> Self {
        Self {
            object: Some(names),
            previous_object: Some(names),
        }
    }
}

/// A syntax error or a name the expression may not use, with the byte range it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpressionError {
    source: String,
    span: Range<usize>,
    message: String,
}

impl ExpressionError {
    pub(crate) fn new(source: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            source: source.to_owned(),
            span,
            message: message.into(),
        }
    }

    /// What is wrong (`unknown function \`is_admin\``).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte range of the expression the error concerns.
    #[must_use]
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The expression.
    #[must_use]
    pub fn expression(&self) -> &str {
        &self.source
    }
}

impl fmt::Display for ExpressionError {
    /// The message, then the expression with the span underlined.
    ///
    /// Only the line of a multi-line expression where the span starts is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = self.source.as_str();
        let start = self.span.start.min(source.len());
        let line_start = source
            .get(..start)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |newline| newline + 1);
        let line_end = source
            .get(start..)
            .and_then(|after| after.find('\n'))
            .map_or(source.len(), |newline| start + newline);
        let end = self.span.end.clamp(start, line_end);
        writeln!(f, "{}", self.message)?;
        writeln!(f, "{}", source.get(line_start..line_end).unwrap_or(source))?;
        for c in source.get(line_start..start).unwrap_or("").chars() {
            f.write_char(if c == '\t' { '\t' } else { ' ' })?;
        }
        let width = source
            .get(start..end)
            .map_or(0, |span| span.chars().count());
        for _ in 0..width.max(1) {
            f.write_char('^')?;
        }
        Ok(())
    }
}

impl std::error::Error for ExpressionError {}

/// A parsed security expression.
///
/// Parse it once (at compile time in the derive, at startup in the router) and evaluate it
/// per request: evaluation walks the parsed tree and borrows its literals.
#[derive(Debug, Clone)]
pub struct Expression {
    source: String,
    node: parser::Node,
    /// The variables read, as [`parser::bit`]s.
    uses: u8,
}

impl Expression {
    /// Parses an expression.
    ///
    /// # Errors
    ///
    /// A syntax error, an unknown function or a call with the wrong number of arguments, an
    /// unknown variable, or an unknown `request` attribute.
    pub fn parse(source: &str) -> Result<Self, ExpressionError> {
        let parsed = parser::parse(source)?;
        Ok(Self {
            source: source.to_owned(),
            node: parsed.node,
            uses: parsed.uses,
        })
    }

    /// The text the expression was parsed from.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Checks the names the expression reads from `object` and `previous_object` against
    /// what is available at one point of evaluation.
    ///
    /// # Errors
    ///
    /// The first use of a variable that is not available, or of a property it lacks.
    pub fn check(&self, schema: &Schema<'_>) -> Result<(), ExpressionError> {
        self.node.check(schema, &self.source)
    }

    /// Whether the expression reads a variable (so that, for example, `security` without
    /// `object` can be evaluated before the item is loaded).
    #[must_use]
    pub fn uses(&self, root: Root) -> bool {
        self.uses & parser::bit(root) != 0
    }

    /// Evaluates the expression; access is granted when the result is truthy.
    ///
    /// Evaluation never fails: a type mismatch yields `false` or `null`.
    ///
    /// - `null`, `false`, `0`, `""`, `[]` and `{}` are false, anything else is true; `and` and
    ///   `or` stop at the first operand that decides them.
    /// - `user`, `object`, `previous_object` and `request` alone are opaque values, `null` when
    ///   absent (no principal, no item); `user.x` reads [`Principal::attribute`],
    ///   `object.x` [`Environment::object_property`], `request.x`
    ///   [`Environment::request_attribute`], and further segments index JSON objects.
    /// - A path that leads nowhere (through an absent principal or item, or to an attribute,
    ///   claim or property that does not exist) is *undefined*: false, equal to nothing (not
    ///   even another undefined value, so `object.owner == user.id` never holds because both
    ///   are missing), unequal to everything, ordered with nothing, in no list. A property that
    ///   exists with the value `null` is `null`. Check for a principal with
    ///   `is_authenticated()`, not `user.id != null`.
    /// - `==`, `!=` and `in` compare JSON values, numbers by value (`1 == 1.0`), without
    ///   coercion between strings and numbers; `in` is false when the right side is not a
    ///   list.
    /// - `<`, `<=`, `>`, `>=` order numbers by value and strings by bytes; any other pair is
    ///   false either way.
    /// - `is_granted(attribute[, subject])` is false when the attribute is not a string;
    ///   `ROLE_*` attributes are the principal's roles, others go to
    ///   [`Environment::vote`]; `is_authenticated()` is whether there is a principal.
    #[must_use]
    pub fn evaluate(&self, env: &dyn Environment) -> bool {
        self.node.test(env)
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}
