//! Security expressions through the public API: parsing, errors, `check`, `uses` and
//! evaluation (SPEC §6.6).

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

use glue_security::{
    Environment, Expression, ExpressionError, Principal, PrincipalKind, Property, Root, Schema,
    SubjectRef,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// What a voter was asked about, owned so that tests can compare it.
#[derive(Debug, Clone, PartialEq)]
enum Asked {
    None,
    Root(Root),
    Value(Value),
}

/// A test environment: an optional principal, items as JSON maps, request attributes, and a
/// voter that grants the listed attributes and records every question.
#[derive(Default)]
struct Env {
    user: Option<Principal>,
    object: Option<Map<String, Value>>,
    previous: Option<Map<String, Value>>,
    request: Map<String, Value>,
    grants: Vec<&'static str>,
    votes: RefCell<Vec<(String, Asked)>>,
}

impl Env {
    fn anonymous() -> Self {
        Self::default()
    }

    fn with_user(mut self, user: Principal) -> Self {
        self.user = Some(user);
        self
    }

    fn with_object(mut self, object: Value) -> Self {
        self.object = Some(into_map(object));
        self
    }

    fn with_previous(mut self, previous: Value) -> Self {
        self.previous = Some(into_map(previous));
        self
    }

    fn with_request(mut self, request: Value) -> Self {
        self.request = into_map(request);
        self
    }

    fn granting(mut self, attribute: &'static str) -> Self {
        self.grants.push(attribute);
        self
    }

    fn votes(&self) -> Vec<(String, Asked)> {
        self.votes.borrow().clone()
    }

    fn item(&self, root: Root) -> Option<&Map<String, Value>> {
        match root {
            Root::Object => self.object.as_ref(),
            Root::PreviousObject => self.previous.as_ref(),
            Root::User | Root::Request => None,
        }
    }
}

fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

impl Environment for Env {
    fn user(&self) -> Option<&Principal> {
        self.user.as_ref()
    }

    fn has_object(&self, root: Root) -> bool {
        self.item(root).is_some()
    }

    fn object_property(&self, root: Root, name: &str) -> Option<Property<'_>> {
        self.item(root)?
            .get(name)
            .map(|value| Property::Json(Cow::Borrowed(value)))
    }

    fn request_attribute(&self, name: &str) -> Option<Property<'_>> {
        self.request
            .get(name)
            .map(|value| Property::Json(Cow::Borrowed(value)))
    }

    fn vote(&self, attribute: &str, subject: SubjectRef<'_>) -> bool {
        let asked = match subject {
            SubjectRef::None => Asked::None,
            SubjectRef::Root(root) => Asked::Root(root),
            SubjectRef::Value(value) => Asked::Value(value.clone()),
        };
        self.votes.borrow_mut().push((attribute.to_owned(), asked));
        self.grants.contains(&attribute)
    }
}

fn jane() -> Principal {
    Principal::new("7", "jane", PrincipalKind::Customer)
        .with_role("ROLE_CUSTOMER")
        .with_claim("customerReference", "DE--7")
        .with_claim("address", json!({"city": "Berlin", "zip": "10115"}))
}

fn admin() -> Principal {
    Principal::new("1", "root", PrincipalKind::User).with_role("ROLE_ADMIN")
}

/// A logged-in customer, an order as `object`, and a GET request.
fn env() -> Env {
    Env::anonymous()
        .with_user(jane())
        .with_object(json!({
            "id": 12,
            "customerReference": "DE--7",
            "total": 99.5,
            "quantity": 3,
            "status": "paid",
            "tags": ["gift", "express"],
            "address": {"city": "Berlin", "street": {"name": "Unter den Linden"}},
            "sameAddress": {"street": {"name": "Unter den Linden"}, "city": "Berlin"},
            "empty": {},
            "none": null,
            "order": 1,
            "permission": "EDIT",
        }))
        .with_request(json!({"method": "GET", "path": "/orders/12", "locale": "de_DE"}))
}

#[track_caller]
fn parse(source: &str) -> Expression {
    Expression::parse(source).unwrap_or_else(|error| panic!("{source:?} should parse:\n{error}"))
}

#[track_caller]
fn eval_in(source: &str, env: &Env) -> bool {
    parse(source).evaluate(env)
}

#[track_caller]
fn eval(source: &str) -> bool {
    eval_in(source, &env())
}

#[track_caller]
fn assert_true(sources: &[&str]) {
    for source in sources {
        assert!(eval(source), "{source:?} should be true");
    }
}

#[track_caller]
fn assert_false(sources: &[&str]) {
    for source in sources {
        assert!(!eval(source), "{source:?} should be false");
    }
}

#[track_caller]
fn parse_error(source: &str) -> ExpressionError {
    match Expression::parse(source) {
        Ok(expression) => panic!("{source:?} should not parse, got {expression:?}"),
        Err(error) => error,
    }
}

/// Asserts the message and the span of a parse error.
#[track_caller]
fn assert_error(source: &str, span: Range<usize>, message: &str) {
    let error = parse_error(source);
    assert_eq!(error.message(), message, "message for {source:?}");
    assert_eq!(error.span(), span, "span for {source:?}");
    assert_eq!(error.expression(), source);
}

const ORDER: &[&str] = &["id", "customerReference", "owner", "title"];

// --- the SPEC examples ---------------------------------------------------------------------

#[test]
fn spec_role_check_grants_admins_only() {
    let rule = parse("is_granted('ROLE_ADMIN')");
    assert!(rule.evaluate(&Env::anonymous().with_user(admin())));
    assert!(!rule.evaluate(&env()));
    assert!(!rule.evaluate(&Env::anonymous()));
}

#[test]
fn spec_edit_on_object_asks_the_voters_with_the_object() {
    let rule = parse("is_granted('EDIT', object)");
    let granting = env().granting("EDIT");
    assert!(rule.evaluate(&granting));
    assert_eq!(
        granting.votes(),
        [("EDIT".to_owned(), Asked::Root(Root::Object))]
    );
    let denying = env();
    assert!(!rule.evaluate(&denying));
    assert_eq!(denying.votes().len(), 1);
}

#[test]
fn spec_customer_reference_matches_the_principal_claim() {
    let rule = parse("object.customerReference == user.customerReference");
    assert!(rule.evaluate(&env()));
    let other = Env::anonymous()
        .with_user(admin().with_claim("customerReference", "AT--1"))
        .with_object(json!({"customerReference": "DE--7"}));
    assert!(!rule.evaluate(&other));
    // Anonymous: `user.customerReference` is null, the order's reference is not.
    let anonymous = Env::anonymous().with_object(json!({"customerReference": "DE--7"}));
    assert!(!rule.evaluate(&anonymous));
}

#[test]
fn spec_either_role_is_enough() {
    let rule = parse("is_granted('ROLE_VIEWER') or is_granted('ROLE_ADMIN')");
    let viewer = Principal::new("2", "vic", PrincipalKind::User).with_role("ROLE_VIEWER");
    assert!(rule.evaluate(&Env::anonymous().with_user(viewer)));
    assert!(rule.evaluate(&Env::anonymous().with_user(admin())));
    assert!(!rule.evaluate(&env()));
    assert!(!rule.evaluate(&Env::anonymous()));
}

#[test]
fn spec_request_method_in_a_list() {
    let rule = parse("request.method in ['GET', 'HEAD']");
    let with_method = |method: &str| Env::anonymous().with_request(json!({ "method": method }));
    assert!(rule.evaluate(&with_method("GET")));
    assert!(rule.evaluate(&with_method("HEAD")));
    assert!(!rule.evaluate(&with_method("POST")));
    assert!(!rule.evaluate(&with_method("get")));
    assert!(!rule.evaluate(&Env::anonymous()));
}

#[test]
fn crate_example_checks_object_fields() {
    let rule = parse("is_granted('ROLE_ADMIN') or object.owner == user.id");
    assert!(
        rule.check(&Schema::with_object(&["owner", "title"]))
            .is_ok()
    );
    assert!(rule.check(&Schema::without_object()).is_err());
    let owner = Env::anonymous()
        .with_user(jane())
        .with_object(json!({"owner": "7"}));
    assert!(rule.evaluate(&owner));
    let stranger = Env::anonymous()
        .with_user(jane())
        .with_object(json!({"owner": "8"}));
    assert!(!rule.evaluate(&stranger));
}

// --- precedence and structure ----------------------------------------------------------------

#[test]
fn or_binds_looser_than_and() {
    assert_true(&[
        "true or false and false",
        "true || false && false",
        "false and false or true",
        "false && false || true",
    ]);
    assert_false(&["(true or false) and false", "false and (false or true)"]);
}

#[test]
fn word_and_symbol_operators_mix() {
    assert_true(&[
        "true and true && true",
        "false or false || true",
        "true && 1 and 'x'",
    ]);
    assert_false(&["true and true && false", "false || false or 0"]);
}

#[test]
fn not_binds_tighter_than_comparisons() {
    // (not 0) == 1 is `true == 1`, false without coercion; not (0 == 1) is true.
    assert_false(&["not 0 == 1", "!0 == 1", "not 0 in [1]", "! 0 in [1]"]);
    assert_true(&[
        "not (0 == 1)",
        "!(0 == 1)",
        "not (0 in [1])",
        "(not 0) == true",
    ]);
}

#[test]
fn not_binds_tighter_than_and_and_or() {
    assert_true(&["not false and true", "not true or true", "!false && !false"]);
    assert_false(&[
        "not true and true",
        "not (false or true)",
        "not true or false",
    ]);
}

#[test]
fn not_can_be_repeated() {
    assert_true(&["not not 1", "!!1", "not !'x'", "not not not 0"]);
    assert_false(&["not not 0", "!!''", "!!!1"]);
}

#[test]
fn comparisons_bind_tighter_than_and() {
    assert_true(&[
        "1 == 1 and 2 == 2",
        "1 == 2 or 2 == 2",
        "1 < 2 && 'a' in ['a']",
    ]);
    assert_false(&["1 == 1 and 2 == 3"]);
}

#[test]
fn parentheses_group() {
    assert_true(&[
        "((true))",
        "(1 == 1) == true",
        "((1) == (1.0))",
        "(false or (true and (1)))",
    ]);
    assert_false(&["((false))", "(1 == 1) == false"]);
}

#[test]
fn not_in_is_one_operator() {
    assert_true(&[
        "'x' not in ['a', 'b']",
        "'a' not in []",
        "3 not   in [1, 2]",
    ]);
    assert_false(&["'a' not in ['a', 'b']"]);
}

#[test]
fn keywords_are_whole_words() {
    // `order` is a property, not `or` + `der`; `android` is not `and` + `roid`.
    assert_true(&[
        "object.order == 1",
        "object.order and object.status == 'paid'",
    ]);
    assert_error(
        "order",
        0..5,
        "unknown variable `order`; expressions can use user, object, previous_object and request",
    );
    assert_error(
        "true android",
        5..12,
        "expected an operator or the end of the expression, found `android`",
    );
    assert_error(
        "trueorfalse",
        0..11,
        "unknown variable `trueorfalse`; expressions can use user, object, previous_object and request",
    );
    assert_error(
        "1 innot [1]",
        2..7,
        "expected an operator or the end of the expression, found `innot`",
    );
}

#[test]
fn keywords_may_name_properties() {
    let env = Env::anonymous().with_object(json!({"in": 1, "not": 2, "true": 3, "null": 4}));
    for source in [
        "object.in == 1",
        "object.not == 2",
        "object.true == 3",
        "object.null == 4",
    ] {
        assert!(eval_in(source, &env), "{source}");
    }
}

#[test]
fn literals_accept_upper_case_constants() {
    assert_true(&[
        "TRUE",
        "true == TRUE",
        "not FALSE",
        "NULL == null",
        "FALSE == false",
    ]);
    assert_error(
        "True",
        0..4,
        "unknown variable `True`; expressions can use user, object, previous_object and request",
    );
}

#[test]
fn strings_take_either_quote_and_escapes() {
    let env = Env::anonymous().with_request(json!({
        "path": "it's \"quoted\" a\\b\nline\ttab",
        "locale": "",
    }));
    assert!(eval_in(
        r#"request.path == 'it\'s "quoted" a\\b\nline\ttab'"#,
        &env
    ));
    assert!(eval_in(
        r#"request.path == "it's \"quoted\" a\\b\nline\ttab""#,
        &env
    ));
    assert!(eval_in(
        r#"request.locale == '' and request.locale == """#,
        &env
    ));
    assert!(eval_in("'multi\nline' == \"multi\\nline\"", &env));
    assert!(eval_in("'é' == \"é\"", &env));
    assert!(!eval_in("'a' == 'A'", &env));
}

#[test]
fn numbers_are_integers_and_decimals() {
    assert_true(&[
        "0 == 0",
        "42 == 42.0",
        "3.5 > 3",
        "3.5 < 3.50001",
        "-1 < 0",
        "- 2 == -2",
        "-0 == 0",
        "-0.0 == 0",
        "-1.5 < -1",
        "0.1 > 0.09",
        "007 == 7",
        "object.quantity == 3.0",
        "object.total == 99.50",
    ]);
    assert_false(&["0.5 == 0.25", "-3 > -2"]);
}

#[test]
fn integers_compare_exactly_beyond_f64_precision() {
    assert_true(&[
        "18446744073709551615 > 18446744073709551614",
        "9007199254740993 != 9007199254740992",
        "-9223372036854775808 < -9223372036854775807",
        "-9223372036854775808 == -9223372036854775808",
        "18446744073709551616 > 18446744073709551615",
        "18446744073709551615 < 18446744073709551616",
        "9007199254740993 > 9007199254740992.0",
        "9007199254740993.0 == 9007199254740992",
        "2.5 > 2 and 2.5 < 3 and -2.5 < -2 and -2.5 > -3",
        "1.0 >= 1 and 1 <= 1.0",
    ]);
}

#[test]
fn lists_allow_a_trailing_comma() {
    assert_true(&[
        "[1, 2,] == [1, 2]",
        "[1,] == [1]",
        "'a' in ['a',]",
        "[ ] == []",
        "[[1, 2], [3]] == [[1, 2.0], [3]]",
        "object.quantity in [1, object.quantity,]",
    ]);
    assert_error("[,]", 1..2, "expected a value, found `,`");
    assert_error("[1,,]", 3..4, "expected a value, found `,`");
}

#[test]
fn calls_do_not_allow_a_trailing_comma() {
    assert_error("is_granted('EDIT',)", 18..19, "expected a value, found `)`");
    assert_error("is_authenticated(,)", 17..18, "expected a value, found `,`");
}

#[test]
fn whitespace_is_free() {
    assert_true(&[
        "  is_authenticated ( )  ",
        "\n1\t==\r\n1\n",
        "user . id == '7'",
        "is_granted(\n  'ROLE_CUSTOMER'\n)",
        "[\n 'a',\n 'b',\n] == ['a', 'b']",
    ]);
}

#[test]
fn uses_reports_every_variable_mentioned() {
    let cases: &[(&str, &[Root])] = &[
        ("true", &[]),
        ("is_authenticated() or is_granted('ROLE_X')", &[]),
        ("user", &[Root::User]),
        ("user.id == '1'", &[Root::User]),
        ("is_granted('EDIT', object)", &[Root::Object]),
        ("object.a.b == 1", &[Root::Object]),
        (
            "previous_object.status != object.status",
            &[Root::Object, Root::PreviousObject],
        ),
        ("request.method in ['GET']", &[Root::Request]),
        ("'x' in [user.id, object.id]", &[Root::User, Root::Object]),
        (
            "not (true and (false or previous_object))",
            &[Root::PreviousObject],
        ),
        (
            "is_granted(request.path, [user])",
            &[Root::User, Root::Request],
        ),
        ("'object' == 'user'", &[]),
    ];
    let all = [
        Root::User,
        Root::Object,
        Root::PreviousObject,
        Root::Request,
    ];
    for (source, used) in cases {
        let expression = parse(source);
        for root in all {
            assert_eq!(
                expression.uses(root),
                used.contains(&root),
                "{source:?} uses {}",
                root.name()
            );
        }
    }
}

#[test]
fn source_and_display_give_the_text_back() {
    let source = "  is_granted('ROLE_ADMIN')  ";
    let expression = parse(source);
    assert_eq!(expression.source(), source);
    assert_eq!(expression.to_string(), source);
}

// --- parse errors ----------------------------------------------------------------------------

#[test]
fn empty_expressions_are_refused() {
    let message = "empty expression: write a condition such as `is_granted('ROLE_ADMIN')`";
    assert_error("", 0..0, message);
    assert_error("   \n", 0..4, message);
}

#[test]
fn unexpected_characters_are_pointed_at() {
    assert_error("user @ x", 5..6, "unexpected character `@`");
    assert_error("user.id == 1 and é", 17..19, "unexpected character `é`");
    assert_error("user.id = 1", 8..9, "unexpected `=`; compare with `==`");
    assert_error("true & false", 5..6, "unexpected `&`; use `&&` or `and`");
    assert_error("true | false", 5..6, "unexpected `|`; use `||` or `or`");
    assert_error(
        "object.quantity + 1 > 2",
        16..17,
        "the operator `+` is not supported in security expressions",
    );
    assert_error("a\u{0}", 1..2, "unexpected character `\\0`");
}

#[test]
fn unterminated_strings_run_to_the_end() {
    assert_error(
        "'abc",
        0..4,
        "unterminated string: the closing `'` is missing",
    );
    assert_error(
        "object.status == \"paid",
        17..22,
        "unterminated string: the closing `\"` is missing",
    );
    assert_error(
        "'it\\'",
        0..5,
        "unterminated string: the closing `'` is missing",
    );
    assert_error(
        "'trailing\\",
        0..10,
        "unterminated string: the closing `'` is missing",
    );
    assert_error(
        "\"mixed'",
        0..7,
        "unterminated string: the closing `\"` is missing",
    );
}

#[test]
fn unknown_escapes_are_refused() {
    assert_error(
        r"'a\qb'",
        2..4,
        r#"unknown escape `\q` in a string; the escapes are \', \", \\, \n and \t"#,
    );
    assert_error(
        "'\\é'",
        1..4,
        r#"unknown escape `\é` in a string; the escapes are \', \", \\, \n and \t"#,
    );
}

#[test]
fn invalid_numbers_are_refused() {
    assert_error("12abc == 1", 0..5, "invalid number `12abc`");
    assert_error("1e3", 0..3, "invalid number `1e3`");
    assert_error("1.5x", 0..4, "invalid number `1.5x`");
    assert_error(
        "1. == 1",
        1..2,
        "expected an operator or the end of the expression, found `.`",
    );
    assert_error(".5", 0..1, "expected a value, found `.`");
    let huge = format!("1{}", "0".repeat(400));
    assert_error(
        &huge,
        0..401,
        &format!("the number `{huge}` is out of range"),
    );
}

#[test]
fn minus_applies_to_numbers_only() {
    assert_error(
        "-user.id == 1",
        1..5,
        "expected a number after `-`, found `user`",
    );
    assert_error("--1", 1..2, "expected a number after `-`, found `-`");
    assert_error(
        "-",
        1..1,
        "expected a number after `-`, found the end of the expression",
    );
    assert_error(
        "1 - 1",
        2..3,
        "expected an operator or the end of the expression, found `-`",
    );
}

#[test]
fn unclosed_groups_point_at_their_opener() {
    assert_error("(true or false", 0..1, "unclosed parenthesis");
    assert_error("true and ((false)", 9..10, "unclosed parenthesis");
    assert_error("[1, 2", 0..1, "unclosed bracket");
    assert_error("'a' in ['a',", 7..8, "unclosed bracket");
    assert_error("is_granted('EDIT', object", 10..11, "unclosed parenthesis");
    assert_error("is_authenticated(", 16..17, "unclosed parenthesis");
    assert_error("is_granted('A',", 10..11, "unclosed parenthesis");
    assert_error("(", 0..1, "unclosed parenthesis");
    assert_error("[", 0..1, "unclosed bracket");
    // A missing operand is reported as such, even inside a group.
    assert_error(
        "(true and",
        9..9,
        "unexpected end of the expression: expected a value",
    );
}

#[test]
fn wrong_closers_are_pointed_at() {
    assert_error("(true ]", 6..7, "expected `)` or an operator, found `]`");
    assert_error("[1, 2)", 5..6, "expected `,` or `]`, found `)`");
    assert_error("[1 2]", 3..4, "expected `,` or `]`, found `2`");
    assert_error(
        "is_granted('A' 'B')",
        15..18,
        "expected `,` or `)`, found `'B'`",
    );
}

#[test]
fn trailing_input_is_refused() {
    assert_error(
        "true false",
        5..10,
        "expected an operator or the end of the expression, found `false`",
    );
    assert_error("true)", 4..5, "unmatched `)`");
    assert_error("(true))", 6..7, "unmatched `)`");
    assert_error("[1]]", 3..4, "unmatched `]`");
    assert_error(
        "user.id 'x'",
        8..11,
        "expected an operator or the end of the expression, found `'x'`",
    );
    assert_error(
        "is_authenticated() ,",
        19..20,
        "expected an operator or the end of the expression, found `,`",
    );
}

#[test]
fn missing_operands_are_refused() {
    assert_error(
        "true and",
        8..8,
        "unexpected end of the expression: expected a value",
    );
    assert_error(
        "1 ==",
        4..4,
        "unexpected end of the expression: expected a value",
    );
    assert_error(
        "not",
        3..3,
        "unexpected end of the expression: expected a value",
    );
    assert_error("== 1", 0..2, "expected a value, found `==`");
    assert_error("true or or false", 8..10, "expected a value, found `or`");
    assert_error("and", 0..3, "expected a value, found `and`");
    assert_error("1 in in [1]", 5..7, "expected a value, found `in`");
    assert_error("not in [1]", 4..6, "expected a value, found `in`");
    assert_error("()", 1..2, "expected a value, found `)`");
}

#[test]
fn comparisons_cannot_be_chained() {
    let message = "comparisons cannot be chained; add parentheses, as in `(a == b) == c`";
    assert_error("1 == 1 == 1", 7..9, message);
    assert_error("1 < 2 < 3", 6..7, message);
    assert_error("'a' in ['a'] in [true]", 13..15, message);
    assert_error("1 == 1 not in [true]", 7..10, message);
    assert_true(&["(1 == 1) == true", "true == (1 == 1)"]);
}

#[test]
fn not_in_needs_its_in() {
    assert_error("1 not 2", 6..7, "expected `in` after `not`, found `2`");
    assert_error(
        "1 not",
        5..5,
        "expected `in` after `not`, found the end of the expression",
    );
}

#[test]
fn unknown_variables_are_refused_with_a_suggestion() {
    assert_error(
        "foo == 1",
        0..3,
        "unknown variable `foo`; expressions can use user, object, previous_object and request",
    );
    assert_error(
        "objet.id == 1",
        0..5,
        "unknown variable `objet`; expressions can use user, object, previous_object and request (did you mean `object`?)",
    );
    assert_error(
        "true and users",
        9..14,
        "unknown variable `users`; expressions can use user, object, previous_object and request (did you mean `user`?)",
    );
}

#[test]
fn unknown_functions_are_refused() {
    assert_error(
        "is_admin()",
        0..8,
        "unknown function `is_admin`; expressions can call is_granted and is_authenticated",
    );
    assert_error(
        "true or is_grante('ROLE_X')",
        8..17,
        "unknown function `is_grante`; expressions can call is_granted and is_authenticated (did you mean `is_granted`?)",
    );
    assert_error(
        "is_authenticated",
        0..16,
        "`is_authenticated` is a function: call it, as in `is_authenticated(...)`",
    );
    assert_error("user()", 4..5, "`user` is a variable, not a function");
    assert_error(
        "object.isOwner(user)",
        14..15,
        "`object.isOwner` is a property: methods cannot be called",
    );
    assert_error(
        "true(1)",
        4..5,
        "expected an operator or the end of the expression, found `(`",
    );
}

#[test]
fn wrong_arities_span_the_call() {
    assert_error(
        "is_granted()",
        0..12,
        "`is_granted` takes 1 or 2 arguments, got 0",
    );
    assert_error(
        "true and is_granted('A', object, 1)",
        9..35,
        "`is_granted` takes 1 or 2 arguments, got 3",
    );
    assert_error(
        "is_authenticated(1)",
        0..19,
        "`is_authenticated` takes no arguments, got 1",
    );
    assert_error(
        "is_authenticated( user , 2 )",
        0..28,
        "`is_authenticated` takes no arguments, got 2",
    );
}

#[test]
fn request_attributes_are_a_closed_set() {
    for name in glue_security::REQUEST_ATTRIBUTES {
        parse(&format!("request.{name} == 'x'"));
    }
    let known = {
        let (last, init) = glue_security::REQUEST_ATTRIBUTES
            .split_last()
            .expect("request attributes");
        format!("{} and {last}", init.join(", "))
    };
    assert_error(
        "request.host == 'x'",
        8..12,
        &format!("unknown request attribute `host`; request has {known}"),
    );
    assert_error(
        "request.methd == 'GET'",
        8..13,
        &format!("unknown request attribute `methd`; request has {known} (did you mean `method`?)"),
    );
    // Only the first segment is an attribute; `user.<anything>` is allowed.
    parse("request.path.deeper == null");
    parse("user.anything.at.all == null");
}

#[test]
fn paths_need_names() {
    assert_error(
        "user.",
        5..5,
        "expected a property name after `.`, found the end of the expression",
    );
    assert_error(
        "user.1",
        5..6,
        "expected a property name after `.`, found `1`",
    );
    assert_error(
        "object..id",
        7..8,
        "expected a property name after `.`, found `.`",
    );
    assert_error(
        "object.'id'",
        7..11,
        "expected a property name after `.`, found `'id'`",
    );
    assert_error(
        "user.roles[0] == 'ROLE_X'",
        10..11,
        "`user.roles[...]`: indexing is not supported; read properties with `.name`",
    );
    assert_error(
        "(user).id",
        6..7,
        "expected an operator or the end of the expression, found `.`",
    );
}

#[test]
fn nesting_is_bounded() {
    let deep = |levels: usize| format!("{}true{}", "(".repeat(levels), ")".repeat(levels));
    assert!(eval(&deep(64)));
    assert_error(
        &deep(65),
        64..65,
        "the expression nests more than 64 levels deep",
    );
    assert!(!eval(&format!("{}true", "not ".repeat(63))));
    assert_error(
        &format!("{}true", "!".repeat(65)),
        64..65,
        "the expression nests more than 64 levels deep",
    );
    assert_error(
        &format!("{}1{}", "[".repeat(65), "]".repeat(65)),
        64..65,
        "the expression nests more than 64 levels deep",
    );
    // Long flat chains are not nesting.
    let chain = vec!["true"; 10_000].join(" and ");
    assert!(eval(&chain));
}

// --- error display ---------------------------------------------------------------------------

#[test]
fn errors_display_the_message_the_expression_and_a_caret_line() {
    let error = parse_error("is_admin() or true");
    assert_eq!(
        error.to_string(),
        "unknown function `is_admin`; expressions can call is_granted and is_authenticated\n\
         is_admin() or true\n\
         ^^^^^^^^"
    );
    let error = parse_error("user.id == 1 and foo");
    assert_eq!(
        error.to_string(),
        "unknown variable `foo`; expressions can use user, object, previous_object and request\n\
         user.id == 1 and foo\n                 ^^^"
    );
}

#[test]
fn error_display_marks_the_end_with_one_caret() {
    let error = parse_error("true and");
    assert_eq!(
        error.to_string(),
        "unexpected end of the expression: expected a value\ntrue and\n        ^"
    );
    let error = parse_error("");
    assert_eq!(
        error.to_string(),
        "empty expression: write a condition such as `is_granted('ROLE_ADMIN')`\n\n^"
    );
}

#[test]
fn error_display_counts_characters_not_bytes() {
    let error = parse_error("'é' == foo");
    assert_eq!(error.span(), 8..11);
    assert!(
        error.to_string().ends_with("\n'é' == foo\n       ^^^"),
        "{error}"
    );
    let error = parse_error("'abc' == 'ü");
    assert!(
        error.to_string().ends_with("\n'abc' == 'ü\n         ^^"),
        "{error}"
    );
}

#[test]
fn error_display_shows_the_line_of_a_multi_line_expression() {
    let error = parse_error("is_granted('ROLE_ADMIN')\n\tor foo.bar");
    assert_eq!(error.span(), 29..32);
    assert_eq!(
        error.to_string(),
        "unknown variable `foo`; expressions can use user, object, previous_object and request\n\
         \tor foo.bar\n\t   ^^^"
    );
    // A span over several lines is underlined up to the end of its first line.
    let error = parse_error("true and 'open\nstill open");
    assert_eq!(
        error.to_string(),
        "unterminated string: the closing `'` is missing\ntrue and 'open\n         ^^^^^"
    );
}

#[test]
fn errors_are_std_errors() {
    let error: Box<dyn std::error::Error> = Box::new(parse_error("foo"));
    assert!(error.to_string().starts_with("unknown variable `foo`"));
}

// --- check -----------------------------------------------------------------------------------

#[track_caller]
fn check_error(source: &str, schema: &Schema<'_>) -> ExpressionError {
    match parse(source).check(schema) {
        Ok(()) => panic!("{source:?} should fail the check"),
        Err(error) => error,
    }
}

#[test]
fn check_refuses_object_where_no_item_is_loaded() {
    let schema = Schema::without_object();
    for (source, span) in [
        ("object.title == 'x'", 0..6),
        ("is_granted('EDIT', object)", 19..25),
        ("is_granted('ROLE_ADMIN') or object", 28..34),
        ("'x' in [user.id, object.id]", 17..23),
    ] {
        let error = check_error(source, &schema);
        assert_eq!(
            error.message(),
            "`object` is not available here: no item is loaded yet (as in `security` on \
             GetCollection and Post); use `security_post_denormalize` to check the decoded item",
            "{source}"
        );
        assert_eq!(error.span(), span, "{source}");
        assert_eq!(error.expression(), source);
    }
}

#[test]
fn check_refuses_previous_object_without_a_stored_item() {
    let source = "previous_object.status == 'draft' and object.status == 'paid'";
    for schema in [Schema::without_object(), Schema::with_object(ORDER)] {
        let error = check_error(source, &schema);
        assert_eq!(error.span(), 0..15);
        assert!(
            error
                .message()
                .starts_with("`previous_object` is not available here: it is the stored item"),
            "{}",
            error.message()
        );
    }
    assert!(
        parse("previous_object.title == object.title")
            .check(&Schema::with_previous(ORDER))
            .is_ok()
    );
}

#[test]
fn check_refuses_unknown_properties_at_the_segment() {
    let error = check_error(
        "user.id == '1' and object.titel == 'x'",
        &Schema::with_object(ORDER),
    );
    assert_eq!(
        error.message(),
        "`object` has no property `titel`; the properties are id, customerReference, owner and \
         title (did you mean `title`?)"
    );
    assert_eq!(error.span(), 26..31);
    let error = check_error("previous_object.secret", &Schema::with_previous(ORDER));
    assert_eq!(
        error.message(),
        "`previous_object` has no property `secret`; the properties are id, customerReference, \
         owner and title"
    );
    assert_eq!(error.span(), 16..22);
    let error = check_error("object.id", &Schema::with_object(&[]));
    assert_eq!(
        error.message(),
        "`object` has no property `id`; it has no properties"
    );
}

#[test]
fn check_reports_the_first_problem_in_source_order() {
    let error = check_error("object.a == object.b", &Schema::with_object(ORDER));
    assert_eq!(error.span(), 7..8);
    let error = check_error(
        "not (object.id or previous_object)",
        &Schema::with_object(ORDER),
    );
    assert_eq!(error.span(), 18..33);
}

#[test]
fn check_only_looks_at_the_first_segment() {
    let schema = Schema::with_object(ORDER);
    for source in [
        "object.owner.name == user.username",
        "object.title.anything.deeper == null",
        "object == null",
        "is_granted('EDIT', object)",
        "user.whatever == request.method",
        "is_authenticated()",
    ] {
        assert!(parse(source).check(&schema).is_ok(), "{source}");
    }
    assert!(
        parse("user.x and request.path")
            .check(&Schema::without_object())
            .is_ok()
    );
}

#[test]
fn check_errors_display_like_parse_errors() {
    let error = check_error("is_granted('EDIT', object)", &Schema::without_object());
    assert!(
        error
            .to_string()
            .ends_with("\nis_granted('EDIT', object)\n                   ^^^^^^"),
        "{error}"
    );
}

// --- evaluation ------------------------------------------------------------------------------

#[test]
fn truthiness_follows_the_language() {
    assert_false(&[
        "null",
        "false",
        "0",
        "0.0",
        "-0",
        "''",
        "\"\"",
        "[]",
        "object.empty",
        "object.none",
        "object.missing",
    ]);
    assert_true(&[
        "true",
        "1",
        "-1",
        "0.5",
        "'0'",
        "' '",
        "'false'",
        "[0]",
        "[null]",
        "[[]]",
        "object.address",
        "object.tags",
        "user",
        "object",
        "request",
    ]);
    assert!(!eval_in("user", &Env::anonymous()));
    assert!(!eval_in("object", &Env::anonymous()));
    assert!(!eval_in("previous_object", &env()));
    assert!(eval_in("request", &Env::anonymous()));
}

#[test]
fn and_and_or_yield_booleans() {
    assert_true(&[
        "('a' and 'b') == true",
        "(1 or 0) == true",
        "(0 or '') == false",
        "(null and 1) == false",
        "(not 'x') == false",
        "(1 == 1) == true",
        "is_authenticated() == true",
    ]);
    assert_false(&["('a' and 'b') == 'b'", "(0 or 5) == 5"]);
}

#[test]
fn equality_is_json_equality_with_numeric_numbers() {
    assert_true(&[
        "1 == 1.0",
        "1.0 == 1",
        "null == null",
        "'a' == 'a'",
        "true == true",
        "[1, 'a', null] == [1.0, 'a', null]",
        "object.tags == ['gift', 'express']",
        "['gift', 'express'] == object.tags",
        "object.address == object.sameAddress",
        "object.address.street == object.sameAddress.street",
        "object.missing != null",
        "not (object.missing == null)",
        "object.none == null",
        "user.id == '7'",
        "'1' != 1",
        "1 != true",
        "0 != false",
        "'' != null",
        "[] != null",
        "object.empty != []",
        "[object.quantity, 'x'] == [3, 'x']",
        "[3, 'x'] == [object.quantity, 'x']",
        "[object.quantity] != [3, 4]",
        "[object.quantity] != 3",
    ]);
    assert_false(&[
        "'1' == 1",
        "1 == true",
        "0 == false",
        "0 == null",
        "'' == null",
        "[] == null",
        "['gift'] == object.tags",
        "object.tags == ['express', 'gift']",
        "object.address == object.empty",
        "'true' == true",
    ]);
}

#[test]
fn variables_equal_null_only_when_absent() {
    let anonymous = Env::anonymous();
    for source in [
        "user == null",
        "object == null",
        "previous_object == null",
        "null == user",
    ] {
        assert!(eval_in(source, &anonymous), "{source}");
    }
    assert!(!eval_in("request == null", &anonymous));
    assert_false(&[
        "user == null",
        "object == null",
        "object == 'x'",
        "user == object",
        "user == 1",
    ]);
    assert_true(&[
        "user != null",
        "object == object",
        "user == user",
        "previous_object == null",
        "user != object",
    ]);
}

#[test]
fn ordering_compares_numbers_and_strings_only() {
    assert_true(&[
        "1 < 2",
        "2 > 1",
        "1 <= 1",
        "1 >= 1.0",
        "1.5 <= 2",
        "-2 < -1.5",
        "'a' < 'b'",
        "'B' < 'a'",
        "'abc' > 'ab'",
        "'a' <= 'a'",
        "'é' > 'z'",
        "object.total > 99",
        "object.quantity >= 3",
        "'paid' >= object.status",
    ]);
    // Anything else is false both ways, not a negation of the other side.
    for (left, right) in [
        ("'1'", "2"),
        ("2", "'1'"),
        ("null", "1"),
        ("null", "null"),
        ("true", "false"),
        ("[1]", "[2]"),
        ("object.address", "object.address"),
        ("user", "user"),
        ("object.missing", "0"),
    ] {
        for op in ["<", "<=", ">", ">="] {
            let source = format!("{left} {op} {right}");
            assert!(!eval(&source), "{source} should be false");
        }
    }
}

#[test]
fn membership_uses_equality() {
    assert_true(&[
        "'b' in ['a', 'b']",
        "1 in [1.0]",
        "1.0 in [0, 1]",
        "null in [null]",
        "[1] in [[1.0], 2]",
        "'gift' in object.tags",
        "'ROLE_CUSTOMER' in user.roles",
        "user.id in [object.customerReference, '7']",
        "object.status in ['draft', 'paid']",
        "'1' not in [1]",
        "'c' not in ['a', 'b']",
        "'x' not in 'xyz'",
        "'x' not in null",
        "'x' not in object.address",
        "'x' not in user",
        "'ROLE_ADMIN' not in user.roles",
    ]);
    assert_false(&[
        "'1' in [1]",
        "true in [1]",
        "'x' in 'xyz'",
        "'city' in object.address",
        "'x' in null",
        "'x' in user",
        "'x' in []",
        "'a' not in ['a']",
        "'ROLE_ADMIN' in user.roles",
    ]);
    assert!(!eval_in("'ROLE_CUSTOMER' in user.roles", &Env::anonymous()));
}

#[test]
fn user_paths_read_principal_attributes() {
    assert_true(&[
        "user.id == '7'",
        "user.username == 'jane'",
        "user.kind == 'customer'",
        "user.roles == ['ROLE_CUSTOMER']",
        "user.customerReference == 'DE--7'",
        "user.address.city == 'Berlin'",
        "user.address.country != null",
        "user.missing != null",
        "user.id.deeper != null",
    ]);
    // Through an absent principal every path is undefined: false, equal to nothing.
    let anonymous = Env::anonymous();
    for source in ["user.id != null", "user.roles != []", "not user.username"] {
        assert!(eval_in(source, &anonymous), "{source}");
    }
    for source in [
        "user.id == null",
        "user.roles == null",
        "user.id == user.id",
    ] {
        assert!(!eval_in(source, &anonymous), "{source}");
    }
}

#[test]
fn object_paths_read_properties_and_navigate_json() {
    assert_true(&[
        "object.id == 12",
        "object.address.city == 'Berlin'",
        "object.address.street.name == 'Unter den Linden'",
        "object.address.street.number != null",
        "object.address.missing.deeper != null",
        "object.status.length != null",
        "object.tags.first != null",
        "object.none.deeper != null",
    ]);
    let env = env().with_previous(json!({"status": "draft", "address": {"city": "Bonn"}}));
    assert!(eval_in(
        "previous_object.status == 'draft' and object.status == 'paid'",
        &env
    ));
    assert!(eval_in(
        "previous_object.address.city != object.address.city",
        &env
    ));
    assert!(eval_in("previous_object", &env));
    let no_item = Env::anonymous().with_user(jane());
    assert!(!eval_in("object.id == null", &no_item));
    assert!(!eval_in("object.id == previous_object.id", &no_item));
    assert!(eval_in(
        "object.id != null and previous_object.id != 12",
        &no_item
    ));
}

#[test]
fn request_paths_read_request_attributes() {
    assert_true(&[
        "request.method == 'GET'",
        "request.path == '/orders/12'",
        "request.locale in ['de_DE', 'en_US']",
        "request.version != null",
        "request.code_bucket != 'AT'",
        "request.method.deeper != null",
    ]);
    let env = Env::anonymous().with_request(json!({"variables": {"customerReference": "DE--7"}}));
    assert!(eval_in(
        "request.variables.customerReference == 'DE--7'",
        &env
    ));
    assert!(!eval_in("request.variables.other == null", &env));
    assert!(eval_in("request.variables.other != 'DE--7'", &env));
}

#[test]
fn roles_are_checked_without_the_voters() {
    let env = env().granting("ROLE_ADMIN");
    assert!(eval_in("is_granted('ROLE_CUSTOMER')", &env));
    assert!(!eval_in("is_granted('ROLE_ADMIN')", &env));
    assert!(eval_in("is_granted('ROLE_CUSTOMER', object)", &env));
    // `or` yields a boolean, which is not an attribute.
    assert!(!eval_in(
        "is_granted(request.method == 'x' or 'ROLE_CUSTOMER')",
        &env
    ));
    assert!(env.votes().is_empty(), "{:?}", env.votes());
    assert!(!eval_in("is_granted('ROLE_CUSTOMER')", &Env::anonymous()));
}

#[test]
fn role_checks_ignore_the_subject_expression() {
    let env = env().granting("EDIT");
    assert!(eval_in(
        "is_granted('ROLE_CUSTOMER', is_granted('EDIT'))",
        &env
    ));
    assert!(env.votes().is_empty());
}

#[test]
fn attributes_must_be_strings() {
    let env = env().granting("EDIT");
    for source in [
        "is_granted(1)",
        "is_granted(null, object)",
        "is_granted(true)",
        "is_granted(['EDIT'])",
        "is_granted(object)",
        "is_granted(object.missing)",
        "is_granted(user.roles)",
    ] {
        assert!(!eval_in(source, &env), "{source}");
    }
    assert!(env.votes().is_empty());
}

#[test]
fn attributes_may_be_computed() {
    let env = env().granting("EDIT");
    assert!(eval_in("is_granted(object.permission, object)", &env));
    assert_eq!(
        env.votes(),
        [("EDIT".to_owned(), Asked::Root(Root::Object))]
    );
}

#[test]
fn voters_see_the_subject_as_written() {
    let env = env()
        .with_previous(json!({"status": "draft"}))
        .granting("READ");
    let cases = [
        ("is_granted('READ')", Asked::None),
        ("is_granted('READ', null)", Asked::None),
        ("is_granted('READ', object)", Asked::Root(Root::Object)),
        ("is_granted('READ', (object))", Asked::Root(Root::Object)),
        (
            "is_granted('READ', previous_object)",
            Asked::Root(Root::PreviousObject),
        ),
        ("is_granted('READ', user)", Asked::Root(Root::User)),
        ("is_granted('READ', request)", Asked::Root(Root::Request)),
        (
            "is_granted('READ', 'reports')",
            Asked::Value(json!("reports")),
        ),
        ("is_granted('READ', 3)", Asked::Value(json!(3))),
        ("is_granted('READ', false)", Asked::Value(json!(false))),
        (
            "is_granted('READ', object.address)",
            Asked::Value(json!({"city": "Berlin", "street": {"name": "Unter den Linden"}})),
        ),
        ("is_granted('READ', object.missing)", Asked::None),
        (
            "is_granted('READ', ['a', 1])",
            Asked::Value(json!(["a", 1])),
        ),
        (
            "is_granted('READ', [object.id, 'x'])",
            Asked::Value(json!([12, "x"])),
        ),
        ("is_granted('READ', 1 == 1)", Asked::Value(json!(true))),
    ];
    for (source, asked) in cases {
        env.votes.borrow_mut().clear();
        assert!(eval_in(source, &env), "{source}");
        assert_eq!(env.votes(), [("READ".to_owned(), asked)], "{source}");
    }
}

#[test]
fn absent_variables_are_no_subject() {
    let env = Env::anonymous().granting("CREATE");
    assert!(eval_in("is_granted('CREATE', object)", &env));
    assert!(eval_in("is_granted('CREATE', user)", &env));
    assert!(eval_in("is_granted('CREATE', previous_object)", &env));
    assert_eq!(
        env.votes(),
        [
            ("CREATE".to_owned(), Asked::None),
            ("CREATE".to_owned(), Asked::None),
            ("CREATE".to_owned(), Asked::None),
        ]
    );
}

#[test]
fn denied_votes_are_false() {
    let env = env().granting("READ");
    assert!(!eval_in("is_granted('EDIT', object)", &env));
    assert!(eval_in("not is_granted('EDIT', object)", &env));
    assert_eq!(env.votes().len(), 2);
}

#[test]
fn is_authenticated_is_whether_there_is_a_principal() {
    assert!(eval("is_authenticated()"));
    assert!(!eval_in("is_authenticated()", &Env::anonymous()));
    assert!(eval_in("not is_authenticated()", &Env::anonymous()));
}

#[test]
fn and_and_or_short_circuit() {
    let env = env().granting("X");
    assert!(!eval_in("false and is_granted('X')", &env));
    assert!(eval_in("true or is_granted('X')", &env));
    assert!(!eval_in("0 && is_granted('X') && is_granted('Y')", &env));
    assert!(eval_in("'yes' || is_granted('X')", &env));
    assert!(!eval_in("not is_authenticated() and is_granted('X')", &env));
    assert!(env.votes().is_empty(), "{:?}", env.votes());

    assert!(eval_in("true and is_granted('X')", &env));
    assert!(eval_in("false or is_granted('X')", &env));
    assert_eq!(env.votes().len(), 2);
}

#[test]
fn or_stops_at_the_first_granting_voter() {
    let env = env().granting("B");
    assert!(eval_in(
        "is_granted('A') or is_granted('B') or is_granted('C')",
        &env
    ));
    let asked: Vec<String> = env
        .votes()
        .into_iter()
        .map(|(attribute, _)| attribute)
        .collect();
    assert_eq!(asked, ["A", "B"]);
}

#[test]
fn and_stops_at_the_first_denying_voter() {
    let env = env().granting("A");
    assert!(!eval_in(
        "is_granted('A') and is_granted('B') and is_granted('C')",
        &env
    ));
    let asked: Vec<String> = env
        .votes()
        .into_iter()
        .map(|(attribute, _)| attribute)
        .collect();
    assert_eq!(asked, ["A", "B"]);
}

#[test]
fn comparisons_evaluate_both_sides_once() {
    let env = env().granting("A");
    assert!(eval_in("is_granted('A') == not is_granted('B')", &env));
    let asked: Vec<String> = env
        .votes()
        .into_iter()
        .map(|(attribute, _)| attribute)
        .collect();
    assert_eq!(asked, ["A", "B"]);
}

#[test]
fn expressions_are_reusable_across_environments() {
    let rule = parse(
        "is_granted('ROLE_ADMIN') or (is_authenticated() and object.customerReference == user.customerReference)",
    );
    assert!(rule.evaluate(&env()));
    assert!(rule.evaluate(&Env::anonymous().with_user(admin())));
    assert!(!rule.evaluate(&Env::anonymous().with_object(json!({"customerReference": null}))));
    let clone = rule.clone();
    assert!(clone.evaluate(&env()));
    assert!(!clone.evaluate(&Env::anonymous()));
    assert_eq!(clone.source(), rule.source());
}

// --- properties ------------------------------------------------------------------------------

/// Fragments that make token soups likely to reach deep into the parser.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "!",
    "&&",
    "||",
    "-",
    "=",
    "&",
    "|",
    "not",
    "in",
    "and",
    "or",
    "true",
    "FALSE",
    "null",
    "user",
    "object",
    "previous_object",
    "request",
    "method",
    "is_granted",
    "is_authenticated",
    "foo",
    "'a'",
    "\"b\"",
    "'",
    "\"",
    "\\",
    "'\\n'",
    "0",
    "42",
    "3.5",
    "1e3",
    "é",
    " ",
    "\n",
    "\t",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..24).prop_map(|parts| parts.concat())
}

/// Everything an outcome can be inspected for must hold without panicking.
fn inspect(source: &str) {
    match Expression::parse(source) {
        Ok(expression) => {
            let _ = expression.check(&Schema::without_object());
            let _ = expression.check(&Schema::with_previous(ORDER));
            let _ = expression.evaluate(&env().granting("EDIT"));
            let _ = expression.evaluate(&Env::anonymous());
        }
        Err(error) => {
            let span = error.span();
            assert!(
                span.start <= span.end && span.end <= source.len(),
                "{span:?} in {source:?}"
            );
            assert!(source.is_char_boundary(span.start) && source.is_char_boundary(span.end));
            assert!(!error.message().is_empty());
            let shown = error.to_string();
            assert!(shown.starts_with(error.message()));
            assert!(shown.ends_with('^'), "{shown:?}");
        }
    }
}

proptest! {
    #[test]
    fn random_text_never_panics(source in "\\PC{0,48}") {
        inspect(&source);
    }

    #[test]
    fn token_soup_never_panics(source in soup()) {
        inspect(&source);
    }
}

#[test]
fn two_missing_values_are_not_equal() {
    // An anonymous caller and an item without an owner: `object.owner == user.id` must not
    // hold because both sides are missing, nor may an ordering or a list hold on them.
    let env = Env::anonymous().with_object(json!({"owner": null, "tags": []}));
    for source in [
        "object.owner == user.id",
        "object.missing == user.id",
        "object.missing == object.missing",
        "user.id in [null]",
        "object.missing in object.tags",
        "object.missing <= object.missing",
        "object.missing",
    ] {
        assert!(!eval_in(source, &env), "{source}");
    }
    // A property that exists with the value null is null.
    assert!(eval_in("object.owner == null", &env));
    assert!(eval_in("user.id not in [null]", &env));
}
