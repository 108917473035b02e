//! Splits an expression into tokens, one at a time, so that errors come in source order.

use std::ops::Range;

use serde_json::Number;

use super::ExpressionError;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum TokenKind<'s> {
    /// A name: a variable, a function, a property or a keyword (`and`, `true`...).
    Ident(&'s str),
    /// A string literal, its escapes resolved.
    Str(String),
    /// A number literal (never negative: `-` is a token of its own).
    Number(Number),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Bang,
    AndAnd,
    OrOr,
    Minus,
    Eof,
}

/// A token and the bytes it covers.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token<'s> {
    pub(super) kind: TokenKind<'s>,
    pub(super) span: Range<usize>,
}

/// The tokenizer.
#[derive(Debug)]
pub(super) struct Lexer<'s> {
    source: &'s str,
    pos: usize,
}

impl<'s> Lexer<'s> {
    pub(super) fn new(source: &'s str) -> Self {
        Self { source, pos: 0 }
    }

    fn error(&self, span: Range<usize>, message: impl Into<String>) -> ExpressionError {
        ExpressionError::new(self.source, span, message)
    }

    /// The next token; [`TokenKind::Eof`] (again and again) at the end.
    pub(super) fn next_token(&mut self) -> Result<Token<'s>, ExpressionError> {
        let rest = &self.source[self.pos..];
        let trimmed = rest.trim_start();
        self.pos += rest.len() - trimmed.len();
        let start = self.pos;
        let Some(c) = trimmed.chars().next() else {
            return Ok(Token {
                kind: TokenKind::Eof,
                span: start..start,
            });
        };
        let followed_by = |second: u8| self.source.as_bytes().get(start + 1) == Some(&second);
        let (kind, len) = match c {
            '(' => (TokenKind::LParen, 1),
            ')' => (TokenKind::RParen, 1),
            '[' => (TokenKind::LBracket, 1),
            ']' => (TokenKind::RBracket, 1),
            ',' => (TokenKind::Comma, 1),
            '.' => (TokenKind::Dot, 1),
            '-' => (TokenKind::Minus, 1),
            '=' if followed_by(b'=') => (TokenKind::EqEq, 2),
            '!' if followed_by(b'=') => (TokenKind::NotEq, 2),
            '!' => (TokenKind::Bang, 1),
            '<' if followed_by(b'=') => (TokenKind::Le, 2),
            '<' => (TokenKind::Lt, 1),
            '>' if followed_by(b'=') => (TokenKind::Ge, 2),
            '>' => (TokenKind::Gt, 1),
            '&' if followed_by(b'&') => (TokenKind::AndAnd, 2),
            '|' if followed_by(b'|') => (TokenKind::OrOr, 2),
            '=' => return Err(self.error(start..start + 1, "unexpected `=`; compare with `==`")),
            '&' => return Err(self.error(start..start + 1, "unexpected `&`; use `&&` or `and`")),
            '|' => return Err(self.error(start..start + 1, "unexpected `|`; use `||` or `or`")),
            '\'' | '"' => return self.string(c),
            '0'..='9' => return self.number(),
            c if c == '_' || c.is_ascii_alphabetic() => {
                let len = trimmed
                    .bytes()
                    .position(|b| !(b == b'_' || b.is_ascii_alphanumeric()))
                    .unwrap_or(trimmed.len());
                (TokenKind::Ident(&trimmed[..len]), len)
            }
            '+' | '*' | '/' | '%' | '~' | '?' | ':' | '^' => {
                return Err(self.error(
                    start..start + 1,
                    format!("the operator `{c}` is not supported in security expressions"),
                ));
            }
            c => {
                return Err(self.error(
                    start..start + c.len_utf8(),
                    format!("unexpected character `{}`", c.escape_debug()),
                ));
            }
        };
        self.pos = start + len;
        Ok(Token {
            kind,
            span: start..self.pos,
        })
    }

    /// A string opened by `quote` at `self.pos`.
    fn string(&mut self, quote: char) -> Result<Token<'s>, ExpressionError> {
        let start = self.pos;
        let body = start + 1;
        let mut value = String::new();
        let mut chars = self.source[body..].char_indices();
        let unterminated = |lexer: &Self| {
            lexer.error(
                start..lexer.source.len(),
                format!("unterminated string: the closing `{quote}` is missing"),
            )
        };
        loop {
            match chars.next() {
                None => return Err(unterminated(self)),
                Some((offset, c)) if c == quote => {
                    self.pos = body + offset + 1;
                    return Ok(Token {
                        kind: TokenKind::Str(value),
                        span: start..self.pos,
                    });
                }
                Some((offset, '\\')) => match chars.next() {
                    None => return Err(unterminated(self)),
                    Some((_, escaped @ ('\\' | '\'' | '"'))) => value.push(escaped),
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, other)) => {
                        let at = body + offset;
                        return Err(self.error(
                            at..at + 1 + other.len_utf8(),
                            format!(
                                "unknown escape `\\{}` in a string; the escapes are \\', \\\", \\\\, \\n and \\t",
                                other.escape_debug()
                            ),
                        ));
                    }
                },
                Some((_, c)) => value.push(c),
            }
        }
    }

    /// A number starting at `self.pos`: digits, optionally a `.` and more digits.
    fn number(&mut self) -> Result<Token<'s>, ExpressionError> {
        let start = self.pos;
        let bytes = self.source.as_bytes();
        let digits_from = |mut at: usize| {
            while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            at
        };
        let mut end = digits_from(start);
        let decimal =
            bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        if decimal {
            end = digits_from(end + 1);
        }
        if bytes
            .get(end)
            .is_some_and(|b| *b == b'_' || b.is_ascii_alphabetic())
        {
            let bad_end = end
                + bytes[end..]
                    .iter()
                    .position(|b| !(*b == b'_' || b.is_ascii_alphanumeric()))
                    .unwrap_or(bytes.len() - end);
            return Err(self.error(
                start..bad_end,
                format!("invalid number `{}`", &self.source[start..bad_end]),
            ));
        }
        let text = &self.source[start..end];
        let float = || text.parse::<f64>().ok().and_then(Number::from_f64);
        let number = if decimal {
            float()
        } else {
            text.parse::<u64>().ok().map(Number::from).or_else(float)
        };
        let Some(number) = number else {
            return Err(self.error(start..end, format!("the number `{text}` is out of range")));
        };
        self.pos = end;
        Ok(Token {
            kind: TokenKind::Number(number),
            span: start..end,
        })
    }
}
