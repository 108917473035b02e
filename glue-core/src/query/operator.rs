//! The comparisons of SPEC §3.6, in one table: their names in both request forms, what they
//! compare with, which kinds of property they apply to, and what they mean (for the OpenAPI
//! document).

use super::value::ValueKind;

/// The comparisons of SPEC §3.6, in both vocabularies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `eq`, `equal`.
    Eq,
    /// `ne`, `not_equal`.
    Ne,
    /// `lt`, `less`.
    Lt,
    /// `lte`, `less_or_equal`.
    Lte,
    /// `gt`, `greater`.
    Gt,
    /// `gte`, `greater_or_equal`.
    Gte,
    /// `in`: one of a list.
    In,
    /// `nin`, `not_in`: none of a list.
    NotIn,
    /// `between`: inclusive range.
    Between,
    /// `not_between`.
    NotBetween,
    /// `contains`: a substring (case-sensitive).
    Contains,
    /// `not_contains`.
    NotContains,
    /// `starts_with`, `begins_with`.
    StartsWith,
    /// `not_begins_with`.
    NotStartsWith,
    /// `ends_with`.
    EndsWith,
    /// `not_ends_with`.
    NotEndsWith,
    /// `is_null`, `null=true`.
    IsNull,
    /// `is_not_null`, `null=false`.
    IsNotNull,
    /// `is_empty`: the empty string.
    IsEmpty,
    /// `is_not_empty`.
    IsNotEmpty,
}

/// What an operator compares the property with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// Nothing (`is_null`).
    None,
    /// One value.
    One,
    /// A list of values (`in`).
    List,
    /// Two values, low and high (`between`).
    Range,
}

/// One row of the table.
struct Row {
    operator: Operator,
    /// The name in the bracket form (`filter[field][op]`), when it has one there.
    bracket: Option<&'static str>,
    /// The name in a QueryBuilder rule.
    query_builder: &'static str,
    /// What it means, as the OpenAPI document describes the bracket form.
    meaning: &'static str,
}

const fn row(
    operator: Operator,
    bracket: Option<&'static str>,
    query_builder: &'static str,
    meaning: &'static str,
) -> Row {
    Row {
        operator,
        bracket,
        query_builder,
        meaning,
    }
}

/// Every operator, in the order documents list them. `null` in the bracket form is both
/// null tests, chosen by its value (`true` or `false`).
const TABLE: [Row; 20] = [
    row(Operator::Eq, Some("eq"), "equal", "equal to"),
    row(Operator::Ne, Some("ne"), "not_equal", "not equal to"),
    row(Operator::Lt, Some("lt"), "less", "less than"),
    row(
        Operator::Lte,
        Some("lte"),
        "less_or_equal",
        "less than or equal to",
    ),
    row(Operator::Gt, Some("gt"), "greater", "greater than"),
    row(
        Operator::Gte,
        Some("gte"),
        "greater_or_equal",
        "greater than or equal to",
    ),
    row(Operator::In, Some("in"), "in", "one of, comma-separated"),
    row(
        Operator::NotIn,
        Some("nin"),
        "not_in",
        "none of, comma-separated",
    ),
    row(Operator::Between, None, "between", "between, inclusive"),
    row(Operator::NotBetween, None, "not_between", "not between"),
    row(
        Operator::Contains,
        Some("contains"),
        "contains",
        "containing",
    ),
    row(
        Operator::NotContains,
        None,
        "not_contains",
        "not containing",
    ),
    row(
        Operator::StartsWith,
        Some("starts_with"),
        "begins_with",
        "starting with",
    ),
    row(
        Operator::NotStartsWith,
        None,
        "not_begins_with",
        "not starting with",
    ),
    row(
        Operator::EndsWith,
        Some("ends_with"),
        "ends_with",
        "ending with",
    ),
    row(
        Operator::NotEndsWith,
        None,
        "not_ends_with",
        "not ending with",
    ),
    row(
        Operator::IsNull,
        Some("null"),
        "is_null",
        "null (`true`) or not (`false`)",
    ),
    row(Operator::IsNotNull, None, "is_not_null", "not null"),
    row(Operator::IsEmpty, None, "is_empty", "the empty string"),
    row(
        Operator::IsNotEmpty,
        None,
        "is_not_empty",
        "not the empty string",
    ),
];

/// The name of the bracket form's null test.
pub(crate) const BRACKET_NULL: &str = "null";

impl Operator {
    fn row(self) -> &'static Row {
        TABLE
            .iter()
            .find(|row| row.operator == self)
            .unwrap_or(&TABLE[0])
    }

    /// Every operator.
    pub fn all() -> impl Iterator<Item = Self> {
        TABLE.iter().map(|row| row.operator)
    }

    /// The bracket form's operators, by name (`null` stands for both null tests).
    pub fn bracket_names() -> impl Iterator<Item = &'static str> {
        TABLE.iter().filter_map(|row| row.bracket)
    }

    /// The QueryBuilder operators, by name.
    pub fn query_builder_names() -> impl Iterator<Item = &'static str> {
        TABLE.iter().map(|row| row.query_builder)
    }

    /// The operator of a bracket name; `null` is answered by the caller from its value.
    #[must_use]
    pub fn from_bracket(name: &str) -> Option<Self> {
        TABLE
            .iter()
            .find(|row| row.bracket == Some(name) && name != BRACKET_NULL)
            .map(|row| row.operator)
    }

    /// The operator of a QueryBuilder name.
    #[must_use]
    pub fn from_query_builder(name: &str) -> Option<Self> {
        TABLE
            .iter()
            .find(|row| row.query_builder == name)
            .map(|row| row.operator)
    }

    /// The name in the bracket form, when it has one.
    #[must_use]
    pub fn bracket_name(self) -> Option<&'static str> {
        self.row().bracket
    }

    /// The name in a QueryBuilder rule.
    #[must_use]
    pub fn query_builder_name(self) -> &'static str {
        self.row().query_builder
    }

    /// What the operator means, for documentation.
    #[must_use]
    pub fn meaning(self) -> &'static str {
        self.row().meaning
    }

    /// What the operator compares with.
    #[must_use]
    pub const fn arity(self) -> Arity {
        match self {
            Self::In | Self::NotIn => Arity::List,
            Self::Between | Self::NotBetween => Arity::Range,
            Self::IsNull | Self::IsNotNull | Self::IsEmpty | Self::IsNotEmpty => Arity::None,
            _ => Arity::One,
        }
    }

    /// Whether the operator only makes sense on text.
    #[must_use]
    pub const fn is_textual(self) -> bool {
        matches!(
            self,
            Self::Contains
                | Self::NotContains
                | Self::StartsWith
                | Self::NotStartsWith
                | Self::EndsWith
                | Self::NotEndsWith
                | Self::IsEmpty
                | Self::IsNotEmpty
        )
    }

    /// Whether the operator orders values.
    #[must_use]
    pub const fn is_ordering(self) -> bool {
        matches!(
            self,
            Self::Lt | Self::Lte | Self::Gt | Self::Gte | Self::Between | Self::NotBetween
        )
    }

    /// Whether the operator tests for null.
    #[must_use]
    pub const fn is_null_test(self) -> bool {
        matches!(self, Self::IsNull | Self::IsNotNull)
    }

    /// Why the operator does not apply to a property of this kind, if it does not: text
    /// operators need text, order needs ordered values, and arrays and objects are only
    /// tested for null.
    #[must_use]
    pub fn refusal(self, kind: ValueKind) -> Option<&'static str> {
        if self.is_textual() && kind != ValueKind::String {
            Some("is not a string, so it cannot be compared with this operator")
        } else if kind == ValueKind::Structured && !self.is_null_test() {
            Some("can only be tested for null")
        } else if self.is_ordering() && !kind.is_ordered() {
            Some("is true or false; it cannot be compared by order")
        } else {
            None
        }
    }

    /// Whether the operator applies to a property of this kind.
    #[must_use]
    pub fn applies_to(self, kind: ValueKind) -> bool {
        self.refusal(kind).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_both_forms() {
        for operator in Operator::all() {
            assert_eq!(
                Operator::from_query_builder(operator.query_builder_name()),
                Some(operator)
            );
            if let Some(name) = operator.bracket_name()
                && name != BRACKET_NULL
            {
                assert_eq!(Operator::from_bracket(name), Some(operator));
            }
        }
        assert_eq!(Operator::bracket_names().count(), 12);
        assert_eq!(Operator::query_builder_names().count(), 20);
        assert_eq!(Operator::from_bracket("null"), None);
    }

    #[test]
    fn operators_apply_to_the_kinds_they_make_sense_for() {
        assert!(Operator::Contains.applies_to(ValueKind::String));
        assert!(!Operator::Contains.applies_to(ValueKind::Integer));
        assert!(!Operator::Lt.applies_to(ValueKind::Boolean));
        assert!(Operator::Eq.applies_to(ValueKind::Boolean));
        assert!(!Operator::Eq.applies_to(ValueKind::Structured));
        assert!(Operator::IsNull.applies_to(ValueKind::Structured));
    }
}
