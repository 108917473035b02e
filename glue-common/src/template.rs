//! Uri templates (`/customers/{customerReference}/addresses/{uuid}`) and request paths.

/// One part of a uri template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text taken as it is (`/customers/`).
    Literal(&'a str),
    /// A variable (`customerReference`, without braces).
    Variable(&'a str),
}

/// The parts of a template, in order. An opening brace without a closing one ends the
/// template.
pub fn segments(template: &str) -> impl Iterator<Item = Segment<'_>> {
    let mut rest = template;
    let mut pending: Option<Segment<'_>> = None;
    std::iter::from_fn(move || {
        if let Some(segment) = pending.take() {
            return Some(segment);
        }
        if rest.is_empty() {
            return None;
        }
        let Some(start) = rest.find('{') else {
            let literal = rest;
            rest = "";
            return Some(Segment::Literal(literal));
        };
        let literal = &rest[..start];
        let Some(length) = rest[start..].find('}') else {
            rest = "";
            return (!literal.is_empty()).then_some(Segment::Literal(literal));
        };
        let variable = Segment::Variable(&rest[start + 1..start + length]);
        rest = &rest[start + length + 1..];
        if literal.is_empty() {
            Some(variable)
        } else {
            pending = Some(variable);
            Some(Segment::Literal(literal))
        }
    })
}

/// The variable names of a template, in order.
pub fn variables(template: &str) -> impl Iterator<Item = &str> {
    segments(template).filter_map(|segment| match segment {
        Segment::Variable(name) => Some(name),
        Segment::Literal(_) => None,
    })
}

/// A request path without its trailing slashes (SPEC §1.2 tolerates one); the root stays
/// `/`.
#[must_use]
pub fn trim_trailing_slash(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() { "/" } else { trimmed }
}

/// A route as the router matches it: one leading slash, no trailing one (`customers/` is
/// `/customers`).
#[must_use]
pub fn normalize(template: &str) -> String {
    let trimmed = trim_trailing_slash(template);
    if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_literals_and_variables() {
        let parts: Vec<_> = segments("/customers/{customerReference}/addresses/{uuid}").collect();
        assert_eq!(
            parts,
            [
                Segment::Literal("/customers/"),
                Segment::Variable("customerReference"),
                Segment::Literal("/addresses/"),
                Segment::Variable("uuid"),
            ]
        );
        assert_eq!(
            segments("{a}{b}x").collect::<Vec<_>>(),
            [
                Segment::Variable("a"),
                Segment::Variable("b"),
                Segment::Literal("x")
            ]
        );
        assert_eq!(
            segments("/a/{open").collect::<Vec<_>>(),
            [Segment::Literal("/a/")]
        );
        assert_eq!(variables("/plain").count(), 0);
    }

    #[test]
    fn paths_lose_trailing_slashes() {
        assert_eq!(trim_trailing_slash("/customers/"), "/customers");
        assert_eq!(trim_trailing_slash("//"), "/");
        assert_eq!(normalize("customers/"), "/customers");
        assert_eq!(normalize(""), "/");
        assert_eq!(normalize("/a/{b}"), "/a/{b}");
    }
}
