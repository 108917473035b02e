//! The recursive-descent parser and the tree it builds.

use std::fmt::Write as _;
use std::ops::Range;

use serde_json::{Number, Value};

use super::lexer::{Lexer, Token, TokenKind};
use super::{ExpressionError, FUNCTIONS, REQUEST_ATTRIBUTES, Root, Schema};

/// How deep parentheses, lists, calls and `not` may nest: far beyond any real rule, low enough
/// that neither parsing nor evaluation can exhaust the stack.
const MAX_DEPTH: usize = 64;

/// The variables, in the order error messages list them.
const ROOTS: [Root; 4] = [
    Root::User,
    Root::Object,
    Root::PreviousObject,
    Root::Request,
];

/// A node of the tree.
#[derive(Debug, Clone)]
pub(super) enum Node {
    /// A literal, or a list of literals folded at parse time.
    Literal(Value),
    /// A list with at least one item that is not a literal.
    List(Vec<Self>),
    /// A variable with its properties.
    Path(Path),
    /// `not` / `!`.
    Not(Box<Self>),
    /// Two or more operands of `and` / `&&`.
    And(Vec<Self>),
    /// Two or more operands of `or` / `||`.
    Or(Vec<Self>),
    /// A comparison.
    Compare {
        op: Comparison,
        left: Box<Self>,
        right: Box<Self>,
    },
    /// `is_granted(attribute[, subject])`.
    IsGranted {
        attribute: Box<Self>,
        subject: Option<Box<Self>>,
    },
    /// `is_authenticated()`.
    IsAuthenticated,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

/// `root.segment.segment...`
#[derive(Debug, Clone)]
pub(super) struct Path {
    pub(super) root: Root,
    /// Where the variable's name is.
    pub(super) span: Range<usize>,
    pub(super) segments: Vec<Segment>,
}

/// One `.name` of a path.
#[derive(Debug, Clone)]
pub(super) struct Segment {
    pub(super) name: Box<str>,
    pub(super) span: Range<usize>,
}

/// A parsed expression: its tree and the variables it reads.
#[derive(Debug)]
pub(super) struct Parsed {
    pub(super) node: Node,
    pub(super) uses: u8,
}

/// The bit of `root` in [`Parsed::uses`].
pub(super) const fn bit(root: Root) -> u8 {
    match root {
        Root::User => 1,
        Root::Object => 2,
        Root::PreviousObject => 4,
        Root::Request => 8,
    }
}

/// Parses a whole expression.
pub(super) fn parse(source: &str) -> Result<Parsed, ExpressionError> {
    if source.trim().is_empty() {
        return Err(ExpressionError::new(
            source,
            0..source.len(),
            "empty expression: write a condition such as `is_granted('ROLE_ADMIN')`",
        ));
    }
    let mut parser = Parser {
        source,
        lexer: Lexer::new(source),
        peeked: None,
        depth: 0,
        uses: 0,
    };
    let node = parser.or()?;
    let token = parser.bump()?;
    let message = match token.kind {
        TokenKind::Eof => {
            return Ok(Parsed {
                node,
                uses: parser.uses,
            });
        }
        TokenKind::RParen => "unmatched `)`".to_owned(),
        TokenKind::RBracket => "unmatched `]`".to_owned(),
        _ => format!(
            "expected an operator or the end of the expression, found {}",
            parser.describe(&token)
        ),
    };
    Err(parser.error(token.span, message))
}

struct Parser<'s> {
    source: &'s str,
    lexer: Lexer<'s>,
    peeked: Option<Token<'s>>,
    depth: usize,
    uses: u8,
}

impl<'s> Parser<'s> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> ExpressionError {
        ExpressionError::new(self.source, span, message)
    }

    /// How a message names a token.
    fn describe(&self, token: &Token<'_>) -> String {
        match token.kind {
            TokenKind::Eof => "the end of the expression".to_owned(),
            _ => format!("`{}`", &self.source[token.span.clone()]),
        }
    }

    fn peek(&mut self) -> Result<&Token<'s>, ExpressionError> {
        let token = match self.peeked.take() {
            Some(token) => token,
            None => self.lexer.next_token()?,
        };
        Ok(self.peeked.insert(token))
    }

    fn bump(&mut self) -> Result<Token<'s>, ExpressionError> {
        match self.peeked.take() {
            Some(token) => Ok(token),
            None => self.lexer.next_token(),
        }
    }

    /// Consumes the next token when it is one of `test`.
    fn eat(
        &mut self,
        test: fn(&TokenKind<'_>) -> bool,
    ) -> Result<Option<Token<'s>>, ExpressionError> {
        if test(&self.peek()?.kind) {
            self.bump().map(Some)
        } else {
            Ok(None)
        }
    }

    /// One level deeper, at the token that opens it.
    fn enter(&mut self, span: &Range<usize>) -> Result<(), ExpressionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                span.clone(),
                format!("the expression nests more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn or(&mut self) -> Result<Node, ExpressionError> {
        let first = self.and()?;
        if self.eat(is_or)?.is_none() {
            return Ok(first);
        }
        let mut operands = vec![first, self.and()?];
        while self.eat(is_or)?.is_some() {
            operands.push(self.and()?);
        }
        Ok(Node::Or(operands))
    }

    fn and(&mut self) -> Result<Node, ExpressionError> {
        let first = self.comparison()?;
        if self.eat(is_and)?.is_none() {
            return Ok(first);
        }
        let mut operands = vec![first, self.comparison()?];
        while self.eat(is_and)?.is_some() {
            operands.push(self.comparison()?);
        }
        Ok(Node::And(operands))
    }

    fn comparison(&mut self) -> Result<Node, ExpressionError> {
        let left = self.unary()?;
        let Some(op) = self.comparison_operator()? else {
            return Ok(left);
        };
        let right = self.unary()?;
        if let Some(token) = self.eat(starts_comparison)? {
            return Err(self.error(
                token.span,
                "comparisons cannot be chained; add parentheses, as in `(a == b) == c`",
            ));
        }
        Ok(Node::Compare {
            op,
            left: Box::new(left),
            right: Box::new(right),
        })
    }

    /// Consumes a comparison operator, `not in` included.
    fn comparison_operator(&mut self) -> Result<Option<Comparison>, ExpressionError> {
        let op = match self.peek()?.kind {
            TokenKind::EqEq => Comparison::Eq,
            TokenKind::NotEq => Comparison::Ne,
            TokenKind::Lt => Comparison::Lt,
            TokenKind::Le => Comparison::Le,
            TokenKind::Gt => Comparison::Gt,
            TokenKind::Ge => Comparison::Ge,
            TokenKind::Ident("in") => Comparison::In,
            TokenKind::Ident("not") => Comparison::NotIn,
            _ => return Ok(None),
        };
        self.bump()?;
        if op == Comparison::NotIn {
            let token = self.bump()?;
            if token.kind != TokenKind::Ident("in") {
                let message = format!("expected `in` after `not`, found {}", self.describe(&token));
                return Err(self.error(token.span, message));
            }
        }
        Ok(Some(op))
    }

    fn unary(&mut self) -> Result<Node, ExpressionError> {
        let Some(token) =
            self.eat(|kind| matches!(kind, TokenKind::Bang | TokenKind::Ident("not")))?
        else {
            return self.primary();
        };
        self.enter(&token.span)?;
        let operand = self.unary()?;
        self.leave();
        Ok(Node::Not(Box::new(operand)))
    }

    fn primary(&mut self) -> Result<Node, ExpressionError> {
        let token = self.bump()?;
        match token.kind {
            TokenKind::Str(value) => Ok(Node::Literal(Value::String(value))),
            TokenKind::Number(number) => Ok(Node::Literal(Value::Number(number))),
            TokenKind::Minus => {
                let next = self.bump()?;
                match next.kind {
                    TokenKind::Number(number) => Ok(Node::Literal(Value::Number(negate(number)))),
                    _ => {
                        let message = format!(
                            "expected a number after `-`, found {}",
                            self.describe(&next)
                        );
                        Err(self.error(next.span, message))
                    }
                }
            }
            TokenKind::LParen => {
                self.enter(&token.span)?;
                self.refuse_end(&token.span, "parenthesis")?;
                let inner = self.or()?;
                self.close(
                    &TokenKind::RParen,
                    &token.span,
                    "parenthesis",
                    "`)` or an operator",
                )?;
                self.leave();
                Ok(inner)
            }
            TokenKind::LBracket => self.list(&token.span),
            TokenKind::Ident(name) => self.identifier(name, token.span),
            TokenKind::Eof => Err(self.error(
                token.span,
                "unexpected end of the expression: expected a value",
            )),
            _ => {
                let message = format!("expected a value, found {}", self.describe(&token));
                Err(self.error(token.span, message))
            }
        }
    }

    /// Consumes `closing`, or fails: "unclosed" at the opener when the expression ends, else
    /// "expected ..." at the token found.
    fn close(
        &mut self,
        closing: &TokenKind<'_>,
        opener: &Range<usize>,
        what: &str,
        expected: &str,
    ) -> Result<Token<'s>, ExpressionError> {
        let token = self.bump()?;
        if token.kind == *closing {
            return Ok(token);
        }
        if token.kind == TokenKind::Eof {
            return Err(self.error(opener.clone(), format!("unclosed {what}")));
        }
        let message = format!("expected {expected}, found {}", self.describe(&token));
        Err(self.error(token.span, message))
    }

    /// "unclosed" at `opener` when the expression ends right after it (or after a comma).
    fn refuse_end(&mut self, opener: &Range<usize>, what: &str) -> Result<(), ExpressionError> {
        if self.peek()?.kind == TokenKind::Eof {
            return Err(self.error(opener.clone(), format!("unclosed {what}")));
        }
        Ok(())
    }

    /// The items of a list after its `[`; a trailing comma is allowed.
    fn list(&mut self, open: &Range<usize>) -> Result<Node, ExpressionError> {
        self.enter(open)?;
        let mut items = Vec::new();
        while self.eat(|kind| *kind == TokenKind::RBracket)?.is_none() {
            self.refuse_end(open, "bracket")?;
            items.push(self.or()?);
            if self.eat(|kind| *kind == TokenKind::Comma)?.is_none() {
                self.close(&TokenKind::RBracket, open, "bracket", "`,` or `]`")?;
                break;
            }
        }
        self.leave();
        if items.iter().all(|item| matches!(item, Node::Literal(_))) {
            let values = items
                .into_iter()
                .filter_map(|item| match item {
                    Node::Literal(value) => Some(value),
                    _ => None,
                })
                .collect();
            return Ok(Node::Literal(Value::Array(values)));
        }
        Ok(Node::List(items))
    }

    /// A keyword literal, a variable or a function call.
    fn identifier(&mut self, name: &'s str, span: Range<usize>) -> Result<Node, ExpressionError> {
        match name {
            "true" | "TRUE" => return Ok(Node::Literal(Value::Bool(true))),
            "false" | "FALSE" => return Ok(Node::Literal(Value::Bool(false))),
            "null" | "NULL" => return Ok(Node::Literal(Value::Null)),
            "and" | "or" | "not" | "in" => {
                return Err(self.error(span, format!("expected a value, found `{name}`")));
            }
            _ => {}
        }
        if let Some(root) = ROOTS.into_iter().find(|root| root.name() == name) {
            return self.path(root, span);
        }
        if self.peek()?.kind == TokenKind::LParen {
            return self.call(name, span);
        }
        if FUNCTIONS.iter().any(|(function, _)| *function == name) {
            return Err(self.error(
                span,
                format!("`{name}` is a function: call it, as in `{name}(...)`"),
            ));
        }
        let roots = ROOTS.map(Root::name);
        let mut message = format!(
            "unknown variable `{name}`; expressions can use {}",
            list(&roots, "and")
        );
        did_you_mean(&mut message, suggest(name, roots));
        Err(self.error(span, message))
    }

    /// The segments of a path after its variable.
    fn path(&mut self, root: Root, span: Range<usize>) -> Result<Node, ExpressionError> {
        self.uses |= bit(root);
        let mut segments: Vec<Segment> = Vec::new();
        while self.eat(|kind| *kind == TokenKind::Dot)?.is_some() {
            let token = self.bump()?;
            let TokenKind::Ident(name) = token.kind else {
                let message = format!(
                    "expected a property name after `.`, found {}",
                    self.describe(&token)
                );
                return Err(self.error(token.span, message));
            };
            if root == Root::Request && segments.is_empty() && !REQUEST_ATTRIBUTES.contains(&name) {
                let mut message = format!(
                    "unknown request attribute `{name}`; request has {}",
                    list(REQUEST_ATTRIBUTES, "and")
                );
                did_you_mean(
                    &mut message,
                    suggest(name, REQUEST_ATTRIBUTES.iter().copied()),
                );
                return Err(self.error(token.span, message));
            }
            segments.push(Segment {
                name: name.into(),
                span: token.span,
            });
        }
        let end = segments.last().map_or(span.end, |segment| segment.span.end);
        let text = &self.source[span.start..end];
        if let Some(token) = self.eat(|kind| *kind == TokenKind::LParen)? {
            let message = if segments.is_empty() {
                format!("`{text}` is a variable, not a function")
            } else {
                format!("`{text}` is a property: methods cannot be called")
            };
            return Err(self.error(token.span, message));
        }
        if let Some(token) = self.eat(|kind| *kind == TokenKind::LBracket)? {
            return Err(self.error(
                token.span,
                format!("`{text}[...]`: indexing is not supported; read properties with `.name`"),
            ));
        }
        Ok(Node::Path(Path {
            root,
            span,
            segments,
        }))
    }

    /// A call of `name`, at its `(`.
    fn call(&mut self, name: &str, name_span: Range<usize>) -> Result<Node, ExpressionError> {
        let Some(&(_, arities)) = FUNCTIONS.iter().find(|(function, _)| *function == name) else {
            let names: Vec<&str> = FUNCTIONS.iter().map(|(function, _)| *function).collect();
            let mut message = format!(
                "unknown function `{name}`; expressions can call {}",
                list(&names, "and")
            );
            did_you_mean(&mut message, suggest(name, names.iter().copied()));
            return Err(self.error(name_span, message));
        };
        let open = self.bump()?;
        self.enter(&open.span)?;
        let mut arguments = Vec::new();
        let close = match self.eat(|kind| *kind == TokenKind::RParen)? {
            Some(close) => close,
            None => loop {
                self.refuse_end(&open.span, "parenthesis")?;
                arguments.push(self.or()?);
                if self.eat(|kind| *kind == TokenKind::Comma)?.is_none() {
                    break self.close(
                        &TokenKind::RParen,
                        &open.span,
                        "parenthesis",
                        "`,` or `)`",
                    )?;
                }
            },
        };
        self.leave();
        let count = arguments.len();
        let node = if arities.contains(&count) {
            build_call(name, arguments)
        } else {
            None
        };
        node.ok_or_else(|| {
            self.error(
                name_span.start..close.span.end,
                format!("`{name}` takes {}, got {count}", describe_arities(arities)),
            )
        })
    }
}

/// The node of a call to a known function with the right number of arguments.
fn build_call(name: &str, arguments: Vec<Node>) -> Option<Node> {
    let mut arguments = arguments.into_iter();
    let node = match (name, arguments.next(), arguments.next(), arguments.next()) {
        ("is_granted", Some(attribute), subject, None) => Node::IsGranted {
            attribute: Box::new(attribute),
            subject: subject.map(Box::new),
        },
        ("is_authenticated", None, None, None) => Node::IsAuthenticated,
        _ => return None,
    };
    Some(node)
}

fn is_or(kind: &TokenKind<'_>) -> bool {
    matches!(kind, TokenKind::OrOr | TokenKind::Ident("or"))
}

fn is_and(kind: &TokenKind<'_>) -> bool {
    matches!(kind, TokenKind::AndAnd | TokenKind::Ident("and"))
}

fn starts_comparison(kind: &TokenKind<'_>) -> bool {
    matches!(
        kind,
        TokenKind::EqEq
            | TokenKind::NotEq
            | TokenKind::Lt
            | TokenKind::Le
            | TokenKind::Gt
            | TokenKind::Ge
            | TokenKind::Ident("in" | "not")
    )
}

/// `-number`, exact for integers down to `i64::MIN`.
fn negate(number: Number) -> Number {
    if let Some(negated) = number
        .as_u64()
        .and_then(|unsigned| i64::try_from(-i128::from(unsigned)).ok())
    {
        return Number::from(negated);
    }
    number
        .as_f64()
        .and_then(|float| Number::from_f64(-float))
        .unwrap_or(number)
}

/// `a, b and c`.
fn list(names: &[&str], conjunction: &str) -> String {
    match names {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

/// `no arguments`, `1 argument`, `1 or 2 arguments`.
fn describe_arities(arities: &[usize]) -> String {
    match arities {
        [0] => "no arguments".to_owned(),
        [1] => "1 argument".to_owned(),
        _ => {
            let counts: Vec<String> = arities.iter().map(usize::to_string).collect();
            let counts: Vec<&str> = counts.iter().map(String::as_str).collect();
            format!("{} arguments", list(&counts, "or"))
        }
    }
}

/// Appends ` (did you mean `x`?)` when there is a suggestion.
fn did_you_mean(message: &mut String, suggestion: Option<&str>) {
    if let Some(suggestion) = suggestion {
        let _ = write!(message, " (did you mean `{suggestion}`?)");
    }
}

/// The candidate closest to a misspelt `name`, when one is close enough.
fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// The edit distance over characters, a swap of two neighbours counting as one edit
/// (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut table = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in table[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = table[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution
                .min(table[i - 1][j] + 1)
                .min(table[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = best;
        }
    }
    table[a.len()][b.len()]
}

impl Node {
    /// Calls `visit` on every path, in source order, until it fails.
    fn visit_paths<E>(&self, visit: &mut impl FnMut(&Path) -> Result<(), E>) -> Result<(), E> {
        match self {
            Self::Literal(_) | Self::IsAuthenticated => Ok(()),
            Self::Path(path) => visit(path),
            Self::Not(operand) => operand.visit_paths(visit),
            Self::List(items) | Self::And(items) | Self::Or(items) => {
                items.iter().try_for_each(|item| item.visit_paths(visit))
            }
            Self::Compare { left, right, .. } => {
                left.visit_paths(visit)?;
                right.visit_paths(visit)
            }
            Self::IsGranted { attribute, subject } => {
                attribute.visit_paths(visit)?;
                subject
                    .as_ref()
                    .map_or(Ok(()), |subject| subject.visit_paths(visit))
            }
        }
    }

    /// The first use of `object` or `previous_object` that `schema` does not allow.
    pub(super) fn check(&self, schema: &Schema<'_>, source: &str) -> Result<(), ExpressionError> {
        self.visit_paths(&mut |path: &Path| {
            let names = match path.root {
                Root::Object => schema.object,
                Root::PreviousObject => schema.previous_object,
                Root::User | Root::Request => return Ok(()),
            };
            let Some(names) = names else {
                return Err(ExpressionError::new(
                    source,
                    path.span.clone(),
                    unavailable(path.root),
                ));
            };
            match path.segments.first() {
                Some(segment) if !names.contains(&&*segment.name) => {
                    let root = path.root.name();
                    let name = &segment.name;
                    let mut message = if names.is_empty() {
                        format!("`{root}` has no property `{name}`; it has no properties")
                    } else {
                        format!(
                            "`{root}` has no property `{name}`; the properties are {}",
                            list(names, "and")
                        )
                    };
                    did_you_mean(&mut message, suggest(name, names.iter().copied()));
                    Err(ExpressionError::new(source, segment.span.clone(), message))
                }
                _ => Ok(()),
            }
        })
    }
}

/// Why a variable cannot be read at some point of evaluation.
fn unavailable(root: Root) -> &'static str {
    match root {
        Root::PreviousObject => {
            "`previous_object` is not available here: it is the stored item before a write, \
             readable only in `security_post_denormalize` and `security_post_validation` of \
             operations that change an existing item"
        }
        Root::Object | Root::User | Root::Request => {
            "`object` is not available here: no item is loaded yet (as in `security` on \
             GetCollection and Post); use `security_post_denormalize` to check the decoded item"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(distance("object", "object"), 0);
        assert_eq!(distance("objet", "object"), 1);
        assert_eq!(distance("titel", "title"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("é", "e"), 1);
    }

    #[test]
    fn suggestions_are_close_names_only() {
        let names = ["user", "object", "previous_object", "request"];
        assert_eq!(suggest("usr", names), Some("user"));
        assert_eq!(suggest("previous_objetc", names), Some("previous_object"));
        assert_eq!(suggest("foo", names), None);
        assert_eq!(suggest("x", ["id"]), None);
        assert_eq!(suggest("ix", ["id"]), Some("id"));
    }

    #[test]
    fn lists_and_arities_read_as_english() {
        assert_eq!(list(&[], "and"), "");
        assert_eq!(list(&["a"], "and"), "a");
        assert_eq!(list(&["a", "b"], "or"), "a or b");
        assert_eq!(list(&["a", "b", "c"], "and"), "a, b and c");
        assert_eq!(describe_arities(&[0]), "no arguments");
        assert_eq!(describe_arities(&[1]), "1 argument");
        assert_eq!(describe_arities(&[1, 2]), "1 or 2 arguments");
        assert_eq!(describe_arities(&[0, 1, 3]), "0, 1 or 3 arguments");
    }

    #[test]
    fn negation_is_exact_for_integers() {
        assert_eq!(negate(Number::from(5u64)), Number::from(-5i64));
        assert_eq!(negate(Number::from(0u64)), Number::from(0i64));
        assert_eq!(negate(Number::from(1u64 << 63)), Number::from(i64::MIN));
        let beyond = negate(Number::from(u64::MAX));
        assert_eq!(beyond.as_f64(), Some(-18_446_744_073_709_551_615.0));
        assert_eq!(
            negate(Number::from_f64(2.5).unwrap_or_else(|| Number::from(0))).as_f64(),
            Some(-2.5)
        );
    }

    #[test]
    fn every_declared_function_can_be_built() {
        for (name, arities) in FUNCTIONS {
            for &arity in *arities {
                let arguments = vec![Node::Literal(Value::Null); arity];
                assert!(build_call(name, arguments).is_some(), "{name}/{arity}");
            }
        }
        assert!(build_call("is_granted", Vec::new()).is_none());
        assert!(build_call("nope", Vec::new()).is_none());
    }
}
