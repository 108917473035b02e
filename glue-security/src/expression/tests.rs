//! The parsed tree itself: a printer that spells every grouping out, and properties that
//! random well-formed expressions parse to the tree they were built from.

use std::borrow::Cow;

use glue_common::Scalar;
use proptest::prelude::*;
use serde_json::{Value, json};

use super::parser::{Comparison, Node};
use super::{Environment, Expression, Property, REQUEST_ATTRIBUTES, Root, SubjectRef};
use crate::{Principal, PrincipalKind};

/// Prints a tree with every operation in parentheses; the output parses to the same tree.
fn print(node: &Node) -> String {
    let mut out = String::new();
    print_node(node, &mut out);
    out
}

fn print_node(node: &Node, out: &mut String) {
    match node {
        Node::Literal(value) => print_value(value, out),
        Node::List(items) => print_list(items, out, print_node),
        Node::Path(path) => {
            out.push_str(path.root.name());
            for segment in &path.segments {
                out.push('.');
                out.push_str(&segment.name);
            }
        }
        Node::Not(operand) => {
            out.push_str("(not ");
            print_node(operand, out);
            out.push(')');
        }
        Node::And(operands) => print_chain(operands, " and ", out),
        Node::Or(operands) => print_chain(operands, " or ", out),
        Node::Compare { op, left, right } => {
            out.push('(');
            print_node(left, out);
            out.push(' ');
            out.push_str(op_text(*op));
            out.push(' ');
            print_node(right, out);
            out.push(')');
        }
        Node::IsGranted { attribute, subject } => {
            out.push_str("is_granted(");
            print_node(attribute, out);
            if let Some(subject) = subject {
                out.push_str(", ");
                print_node(subject, out);
            }
            out.push(')');
        }
        Node::IsAuthenticated => out.push_str("is_authenticated()"),
    }
}

fn print_chain(operands: &[Node], separator: &str, out: &mut String) {
    out.push('(');
    for (index, operand) in operands.iter().enumerate() {
        if index > 0 {
            out.push_str(separator);
        }
        print_node(operand, out);
    }
    out.push(')');
}

fn print_list<T>(items: &[T], out: &mut String, print_item: fn(&T, &mut String)) {
    out.push('[');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        print_item(item, out);
    }
    out.push(']');
}

fn print_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(string) => print_string(string, out),
        Value::Array(items) => print_list(items, out, print_value),
        Value::Object(_) => unreachable!("no literal is an object"),
    }
}

fn print_string(string: &str, out: &mut String) {
    out.push('\'');
    for c in string.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

fn op_text(op: Comparison) -> &'static str {
    match op {
        Comparison::Eq => "==",
        Comparison::Ne => "!=",
        Comparison::Lt => "<",
        Comparison::Le => "<=",
        Comparison::Gt => ">",
        Comparison::Ge => ">=",
        Comparison::In => "in",
        Comparison::NotIn => "not in",
    }
}

#[track_caller]
fn parsed(source: &str) -> String {
    match Expression::parse(source) {
        Ok(expression) => print(&expression.node),
        Err(error) => panic!("{source:?} should parse:\n{error}"),
    }
}

#[test]
fn the_tree_groups_as_the_grammar_says() {
    let cases = [
        ("true or false and false", "(true or (false and false))"),
        ("true || false && false", "(true or (false and false))"),
        ("1 or 2 or 3", "(1 or 2 or 3)"),
        ("1 and 2 and 3 or 4", "((1 and 2 and 3) or 4)"),
        ("1 and (2 and 3)", "(1 and (2 and 3))"),
        ("not 1 == 2", "((not 1) == 2)"),
        ("! 1 in [2]", "((not 1) in [2])"),
        ("not (1 == 2)", "(not (1 == 2))"),
        ("not not 1", "(not (not 1))"),
        ("1 not in [2] and not 3", "((1 not in [2]) and (not 3))"),
        (
            "1 == 2 and 3 != 4 or 5 < 6",
            "(((1 == 2) and (3 != 4)) or (5 < 6))",
        ),
        ("1 == not 2", "(1 == (not 2))"),
        ("-3 <= -0.5", "(-3 <= -0.5)"),
        ("[1, 'a', [null, true],]", "[1, 'a', [null, true]]"),
        ("[user.id, 1]", "[user.id, 1]"),
        ("is_granted('EDIT', object)", "is_granted('EDIT', object)"),
        ("is_granted(user.roles)", "is_granted(user.roles)"),
        (
            "is_authenticated() and TRUE",
            "(is_authenticated() and true)",
        ),
        (
            "previous_object.a.b >= request.path",
            "(previous_object.a.b >= request.path)",
        ),
        ("'it\\'s' == \"it's\"", "('it\\'s' == 'it\\'s')"),
    ];
    for (source, expected) in cases {
        assert_eq!(parsed(source), expected, "{source:?}");
    }
}

#[test]
fn lists_of_literals_are_folded_at_parse_time() {
    let expression =
        Expression::parse("[1, ['a'], null]").unwrap_or_else(|error| panic!("{error}"));
    assert!(
        matches!(&expression.node, Node::Literal(value) if *value == json!([1, ["a"], null])),
        "{:?}",
        expression.node
    );
    let expression = Expression::parse("[1, user.id]").unwrap_or_else(|error| panic!("{error}"));
    assert!(matches!(&expression.node, Node::List(items) if items.len() == 2));
}

/// An environment where every variable and attribute is present.
struct Everything {
    user: Principal,
}

impl Everything {
    fn new() -> Self {
        Self {
            user: Principal::new("7", "jane", PrincipalKind::User)
                .with_role("ROLE_A")
                .with_claim("order", 3),
        }
    }
}

impl Environment for Everything {
    fn user(&self) -> Option<&Principal> {
        Some(&self.user)
    }

    fn has_object(&self, _: Root) -> bool {
        true
    }

    fn object_property(&self, root: Root, name: &str) -> Option<Property<'_>> {
        let value = match (root, name) {
            (Root::Object, "a") => json!({"b": 1.5, "in": "x"}),
            (Root::Object, "order") => json!(3),
            (Root::PreviousObject, "a") => json!({"b": 2}),
            (_, "tags") => json!(["x", 1, null]),
            _ => return None,
        };
        Some(Property::Json(Cow::Owned(value)))
    }

    fn request_attribute(&self, name: &str) -> Option<Property<'_>> {
        (name == "method").then(|| Property::Scalar(Scalar::String("GET".into())))
    }

    fn vote(&self, attribute: &str, subject: SubjectRef<'_>) -> bool {
        attribute.len() % 2 == usize::from(matches!(subject, SubjectRef::None))
    }
}

/// A well-formed expression, with the spelling choices made when writing it down.
#[derive(Debug, Clone)]
enum Model {
    Int(i64),
    /// `whole + quarters / 4`, quarters in 1..=3, so that it always prints with a fraction.
    Decimal(i32, u8),
    Str(String, bool),
    Bool(bool, bool),
    Null(bool),
    List(Vec<Self>),
    Path(Root, Vec<&'static str>),
    Not(Box<Self>, bool),
    And(Vec<Self>, bool),
    Or(Vec<Self>, bool),
    Compare(Comparison, Box<Self>, Box<Self>),
    IsGranted(Box<Self>, Option<Box<Self>>),
    IsAuthenticated,
    /// Parentheses that the grammar does not need.
    Paren(Box<Self>),
}

impl Model {
    /// How tightly the written form binds: `or` 1, `and` 2, comparisons 3, `not` 4, atoms 5.
    fn precedence(&self) -> u8 {
        match self {
            Self::Or(..) => 1,
            Self::And(..) => 2,
            Self::Compare(..) => 3,
            Self::Not(..) => 4,
            _ => 5,
        }
    }

    fn decimal(whole: i32, quarters: u8) -> f64 {
        let magnitude = f64::from(whole.unsigned_abs()) + f64::from(quarters) / 4.0;
        if whole < 0 { -magnitude } else { magnitude }
    }

    /// The source, with no more parentheses than the grammar needs (plus `Paren`).
    fn write(&self, out: &mut String) {
        match self {
            Self::Int(value) => out.push_str(&value.to_string()),
            Self::Decimal(whole, quarters) => {
                out.push_str(&Self::decimal(*whole, *quarters).to_string());
            }
            Self::Str(value, double) => {
                let quote = if *double { '"' } else { '\'' };
                out.push(quote);
                for c in value.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\t' => out.push_str("\\t"),
                        c if c == quote => {
                            out.push('\\');
                            out.push(c);
                        }
                        c => out.push(c),
                    }
                }
                out.push(quote);
            }
            Self::Bool(value, upper) => {
                let text = if *value { "true" } else { "false" };
                out.push_str(&if *upper {
                    text.to_uppercase()
                } else {
                    text.to_owned()
                });
            }
            Self::Null(upper) => out.push_str(if *upper { "NULL" } else { "null" }),
            Self::List(items) => {
                out.push('[');
                for item in items {
                    item.write(out);
                    out.push_str(", ");
                }
                out.push(']');
            }
            Self::Path(root, segments) => {
                out.push_str(root.name());
                for segment in segments {
                    out.push('.');
                    out.push_str(segment);
                }
            }
            Self::Not(operand, bang) => {
                out.push_str(if *bang { "!" } else { "not " });
                operand.write_at(4, out);
            }
            Self::And(operands, symbol) => {
                Self::write_chain(operands, if *symbol { " && " } else { " and " }, 3, out);
            }
            Self::Or(operands, symbol) => {
                Self::write_chain(operands, if *symbol { " || " } else { " or " }, 2, out);
            }
            Self::Compare(op, left, right) => {
                left.write_at(4, out);
                out.push(' ');
                out.push_str(op_text(*op));
                out.push(' ');
                right.write_at(4, out);
            }
            Self::IsGranted(attribute, subject) => {
                out.push_str("is_granted(");
                attribute.write(out);
                if let Some(subject) = subject {
                    out.push_str(",\n\t");
                    subject.write(out);
                }
                out.push(')');
            }
            Self::IsAuthenticated => out.push_str("is_authenticated( )"),
            Self::Paren(inner) => {
                out.push_str("( ");
                inner.write(out);
                out.push_str(" )");
            }
        }
    }

    fn write_at(&self, precedence: u8, out: &mut String) {
        if self.precedence() < precedence {
            out.push('(');
            self.write(out);
            out.push(')');
        } else {
            self.write(out);
        }
    }

    fn write_chain(operands: &[Self], separator: &str, precedence: u8, out: &mut String) {
        for (index, operand) in operands.iter().enumerate() {
            if index > 0 {
                out.push_str(separator);
            }
            operand.write_at(precedence, out);
        }
    }

    /// What [`print`] should print for the parsed source.
    fn expected(&self) -> String {
        let mut out = String::new();
        self.print(&mut out);
        out
    }

    fn print(&self, out: &mut String) {
        match self {
            Self::Int(value) => out.push_str(&value.to_string()),
            Self::Decimal(whole, quarters) => {
                out.push_str(&json!(Self::decimal(*whole, *quarters)).to_string());
            }
            Self::Str(value, _) => print_string(value, out),
            Self::Bool(value, _) => out.push_str(if *value { "true" } else { "false" }),
            Self::Null(_) => out.push_str("null"),
            Self::List(items) => print_list(items, out, Self::print),
            Self::Path(root, segments) => {
                out.push_str(root.name());
                for segment in segments {
                    out.push('.');
                    out.push_str(segment);
                }
            }
            Self::Not(operand, _) => {
                out.push_str("(not ");
                operand.print(out);
                out.push(')');
            }
            Self::And(operands, _) | Self::Or(operands, _) => {
                let separator = if matches!(self, Self::And(..)) {
                    " and "
                } else {
                    " or "
                };
                out.push('(');
                for (index, operand) in operands.iter().enumerate() {
                    if index > 0 {
                        out.push_str(separator);
                    }
                    operand.print(out);
                }
                out.push(')');
            }
            Self::Compare(op, left, right) => {
                out.push('(');
                left.print(out);
                out.push(' ');
                out.push_str(op_text(*op));
                out.push(' ');
                right.print(out);
                out.push(')');
            }
            Self::IsGranted(attribute, subject) => {
                out.push_str("is_granted(");
                attribute.print(out);
                if let Some(subject) = subject {
                    out.push_str(", ");
                    subject.print(out);
                }
                out.push(')');
            }
            Self::IsAuthenticated => out.push_str("is_authenticated()"),
            Self::Paren(inner) => inner.print(out),
        }
    }
}

fn leaf() -> impl Strategy<Value = Model> {
    const NAMES: &[&str] = &["a", "b", "id", "order", "in", "not", "tags", "android"];
    let root = prop::sample::select(vec![Root::User, Root::Object, Root::PreviousObject]);
    prop_oneof![
        (-1000i64..1000).prop_map(Model::Int),
        (-50i32..50, 1u8..4).prop_map(|(whole, quarters)| Model::Decimal(whole, quarters)),
        ("[a-c'\"\\\\\n\té ]{0,6}", any::<bool>())
            .prop_map(|(value, double)| Model::Str(value, double)),
        (any::<bool>(), any::<bool>()).prop_map(|(value, upper)| Model::Bool(value, upper)),
        any::<bool>().prop_map(Model::Null),
        (
            root,
            prop::collection::vec(prop::sample::select(NAMES), 0..3)
        )
            .prop_map(|(root, segments)| Model::Path(root, segments)),
        prop::sample::select(REQUEST_ATTRIBUTES)
            .prop_map(|attribute| Model::Path(Root::Request, vec![attribute])),
        Just(Model::Path(Root::Request, Vec::new())),
        Just(Model::IsAuthenticated),
    ]
}

fn model() -> impl Strategy<Value = Model> {
    let comparisons = prop::sample::select(vec![
        Comparison::Eq,
        Comparison::Ne,
        Comparison::Lt,
        Comparison::Le,
        Comparison::Gt,
        Comparison::Ge,
        Comparison::In,
        Comparison::NotIn,
    ]);
    leaf().prop_recursive(5, 48, 4, move |inner| {
        prop_oneof![
            (inner.clone(), any::<bool>())
                .prop_map(|(operand, bang)| Model::Not(Box::new(operand), bang)),
            (prop::collection::vec(inner.clone(), 2..4), any::<bool>())
                .prop_map(|(operands, symbol)| Model::And(operands, symbol)),
            (prop::collection::vec(inner.clone(), 2..4), any::<bool>())
                .prop_map(|(operands, symbol)| Model::Or(operands, symbol)),
            (comparisons.clone(), inner.clone(), inner.clone()).prop_map(|(op, left, right)| {
                Model::Compare(op, Box::new(left), Box::new(right))
            }),
            (inner.clone(), prop::option::of(inner.clone())).prop_map(|(attribute, subject)| {
                Model::IsGranted(Box::new(attribute), subject.map(Box::new))
            }),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Model::List),
            inner.prop_map(|inner| Model::Paren(Box::new(inner))),
        ]
    })
}

proptest! {
    #[test]
    fn written_expressions_parse_to_the_tree_they_were_built_from(model in model()) {
        let mut source = String::new();
        model.write(&mut source);
        let expression = Expression::parse(&source)
            .map_err(|error| TestCaseError::fail(format!("{source:?}:\n{error}")))?;
        prop_assert_eq!(print(&expression.node), model.expected(), "source: {:?}", source);
    }

    #[test]
    fn printing_then_reparsing_is_stable(model in model()) {
        let mut source = String::new();
        model.write(&mut source);
        let first = Expression::parse(&source)
            .map_err(|error| TestCaseError::fail(format!("{source:?}:\n{error}")))?;
        let printed = print(&first.node);
        let second = Expression::parse(&printed)
            .map_err(|error| TestCaseError::fail(format!("{printed:?}:\n{error}")))?;
        prop_assert_eq!(&print(&second.node), &printed);
        let env = Everything::new();
        prop_assert_eq!(first.evaluate(&env), second.evaluate(&env), "{}", printed);
        for root in [Root::User, Root::Object, Root::PreviousObject, Root::Request] {
            prop_assert_eq!(first.uses(root), second.uses(root));
        }
    }
}
