//! Evaluation: literals are borrowed from the tree, what the environment hands over is
//! borrowed where it can be (typed scalars, claims), and operators that yield booleans never
//! build a value.

use std::borrow::Cow;
use std::cmp::Ordering;

use glue_common::Scalar;
use serde_json::{Number, Value};

use super::parser::{Comparison, Node, Path};
use super::{Environment, Members, Property, Root, SubjectRef};
use crate::Principal;

/// A value during evaluation.
#[derive(Debug)]
enum Val<'a> {
    /// A literal (borrowed), a claim or JSON of the environment, or a computed boolean.
    Json(Cow<'a, Value>),
    /// A typed value of the environment (a property of the item, the principal's id).
    Scalar(Scalar<'a>),
    /// An object of the environment read member by member.
    Members(&'a dyn Members),
    /// A list with items that are not all literals.
    List(Vec<Self>),
    /// A bare variable that is present (an absent one is `null`).
    Subject(Root),
    /// A path that leads nowhere: through an absent principal or item, or to an attribute,
    /// claim or property that does not exist. It equals nothing, not even another undefined
    /// value, so that `object.owner == user.id` never holds because both sides are missing.
    Undefined,
}

const NULL: Val<'static> = Val::Json(Cow::Owned(Value::Null));

impl<'a> From<Property<'a>> for Val<'a> {
    fn from(property: Property<'a>) -> Self {
        match property {
            Property::Scalar(value) => Self::Scalar(value),
            Property::Json(value) => Self::Json(value),
            Property::Members(members) => Self::Members(members),
        }
    }
}

impl<'a> Val<'a> {
    /// The text of a string value.
    fn as_str(&self) -> Option<&str> {
        match self {
            Self::Json(value) => value.as_str(),
            Self::Scalar(value) => value.as_str(),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        match self {
            Self::Json(value) => value.is_null(),
            Self::Scalar(value) => value.is_null(),
            _ => false,
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Self::Json(value) => truthy(value),
            Self::Scalar(value) => match value {
                Scalar::Null => false,
                Scalar::String(text) => !text.is_empty(),
                Scalar::Integer(number) => *number != 0,
                Scalar::Decimal(number) => !number.is_zero(),
                Scalar::Boolean(flag) => *flag,
                Scalar::Date(_) | Scalar::DateTime(_) | Scalar::Composite => true,
            },
            Self::List(items) => !items.is_empty(),
            Self::Members(_) | Self::Subject(_) => true,
            Self::Undefined => false,
        }
    }

    /// The member `name` of an object value; anything else has none.
    fn member(self, name: &str) -> Self {
        match self {
            Self::Json(Cow::Borrowed(Value::Object(map))) => map
                .get(name)
                .map_or(Self::Undefined, |value| Self::Json(Cow::Borrowed(value))),
            Self::Json(Cow::Owned(Value::Object(mut map))) => map
                .remove(name)
                .map_or(Self::Undefined, |value| Self::Json(Cow::Owned(value))),
            Self::Members(members) => members.member(name).map_or(Self::Undefined, Self::from),
            _ => Self::Undefined,
        }
    }

    /// The value as JSON, for a voter; a variable inside a list, and an undefined value,
    /// become `null`.
    fn to_json(&self) -> Value {
        match self {
            Self::Json(value) => value.as_ref().clone(),
            Self::Scalar(value) => serde_json::to_value(value).unwrap_or(Value::Null),
            Self::Members(members) => members.to_json(),
            Self::List(items) => Value::Array(items.iter().map(Self::to_json).collect()),
            Self::Subject(_) | Self::Undefined => Value::Null,
        }
    }
}

impl Node {
    /// The truthiness of the node, without building a value where the node is a boolean.
    pub(super) fn test(&self, env: &dyn Environment) -> bool {
        match self {
            Self::Literal(value) => truthy(value),
            Self::List(items) => !items.is_empty(),
            Self::Path(path) => path.eval(env).truthy(),
            Self::Not(operand) => !operand.test(env),
            Self::And(operands) => operands.iter().all(|operand| operand.test(env)),
            Self::Or(operands) => operands.iter().any(|operand| operand.test(env)),
            Self::Compare { op, left, right } => compare(*op, &left.eval(env), &right.eval(env)),
            Self::IsGranted { attribute, subject } => {
                is_granted(attribute, subject.as_deref(), env)
            }
            Self::IsAuthenticated => env.user().is_some(),
        }
    }

    fn eval<'a>(&'a self, env: &'a dyn Environment) -> Val<'a> {
        match self {
            Self::Literal(value) => Val::Json(Cow::Borrowed(value)),
            Self::List(items) => Val::List(items.iter().map(|item| item.eval(env)).collect()),
            Self::Path(path) => path.eval(env),
            Self::Not(_)
            | Self::And(_)
            | Self::Or(_)
            | Self::Compare { .. }
            | Self::IsGranted { .. }
            | Self::IsAuthenticated => Val::Json(Cow::Owned(Value::Bool(self.test(env)))),
        }
    }
}

impl Path {
    fn eval<'a>(&self, env: &'a dyn Environment) -> Val<'a> {
        let Some((first, rest)) = self.segments.split_first() else {
            let present = match self.root {
                Root::User => env.user().is_some(),
                Root::Object | Root::PreviousObject => env.has_object(self.root),
                Root::Request => true,
            };
            return if present {
                Val::Subject(self.root)
            } else {
                NULL
            };
        };
        let value = match self.root {
            Root::User => env
                .user()
                .and_then(|user| user_attribute(user, &first.name)),
            Root::Object | Root::PreviousObject => {
                env.object_property(self.root, &first.name).map(Val::from)
            }
            Root::Request => env.request_attribute(&first.name).map(Val::from),
        };
        let Some(mut value) = value else {
            return Val::Undefined;
        };
        for segment in rest {
            value = value.member(&segment.name);
            if matches!(value, Val::Undefined) {
                break;
            }
        }
        value
    }
}

/// `user.<name>`: `id`, `username`, `roles` and `kind`, else the claim of that name (as
/// [`Principal::attribute`] says), borrowed from the principal.
fn user_attribute<'a>(user: &'a Principal, name: &str) -> Option<Val<'a>> {
    let text = |value: &'a str| Val::Scalar(Scalar::String(Cow::Borrowed(value)));
    Some(match name {
        "id" => text(user.id()),
        "username" => text(user.username()),
        "kind" => text(user.kind().name()),
        "roles" => Val::List(user.roles().iter().map(|role| text(role)).collect()),
        _ => Val::Json(Cow::Borrowed(user.claim(name)?)),
    })
}

/// `null`, `false`, `0`, `""`, `[]` and `{}` are false.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(value) => *value,
        Value::Number(number) => number.as_f64() != Some(0.0),
        Value::String(string) => !string.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

fn compare(op: Comparison, left: &Val<'_>, right: &Val<'_>) -> bool {
    match op {
        Comparison::Eq => equals(left, right),
        Comparison::Ne => !equals(left, right),
        Comparison::Lt => order(left, right).is_some_and(Ordering::is_lt),
        Comparison::Le => order(left, right).is_some_and(Ordering::is_le),
        Comparison::Gt => order(left, right).is_some_and(Ordering::is_gt),
        Comparison::Ge => order(left, right).is_some_and(Ordering::is_ge),
        Comparison::In => contains(right, left),
        Comparison::NotIn => !contains(right, left),
    }
}

/// JSON equality with numbers compared by value; a variable equals only itself, an undefined
/// value nothing.
fn equals(left: &Val<'_>, right: &Val<'_>) -> bool {
    match (left, right) {
        (Val::Undefined, _) | (_, Val::Undefined) => false,
        (Val::Subject(left), Val::Subject(right)) => left == right,
        (Val::Subject(_), _) | (_, Val::Subject(_)) => false,
        (Val::Members(_), _) | (_, Val::Members(_)) => false,
        (Val::Json(left), Val::Json(right)) => json_equals(left, right),
        (Val::Scalar(left), Val::Scalar(right)) => scalar_equals(left, right),
        (Val::Scalar(scalar), Val::Json(json)) | (Val::Json(json), Val::Scalar(scalar)) => {
            scalar_json_order(scalar, json) == Some(Ordering::Equal)
                || (scalar.is_null() && json.is_null())
        }
        (Val::List(left), Val::List(right)) => {
            left.len() == right.len() && left.iter().zip(right).all(|(l, r)| equals(l, r))
        }
        (Val::List(list), Val::Json(json)) | (Val::Json(json), Val::List(list)) => {
            json.as_array().is_some_and(|items| {
                list.len() == items.len()
                    && list
                        .iter()
                        .zip(items)
                        .all(|(l, r)| equals(l, &Val::Json(Cow::Borrowed(r))))
            })
        }
        (Val::List(_), Val::Scalar(_)) | (Val::Scalar(_), Val::List(_)) => false,
    }
}

fn scalar_equals(left: &Scalar<'_>, right: &Scalar<'_>) -> bool {
    (left.is_null() && right.is_null()) || left.compare(right) == Some(Ordering::Equal)
}

fn json_equals(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(left), Value::Number(right)) => {
            compare_numbers(left, right) == Some(Ordering::Equal)
        }
        (Value::Array(left), Value::Array(right)) => {
            left.len() == right.len() && left.iter().zip(right).all(|(l, r)| json_equals(l, r))
        }
        (Value::Object(left), Value::Object(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .all(|(key, l)| right.get(key).is_some_and(|r| json_equals(l, r)))
        }
        _ => left == right,
    }
}

/// Numbers by value, strings by bytes; nothing else is ordered.
fn order(left: &Val<'_>, right: &Val<'_>) -> Option<Ordering> {
    match (left, right) {
        (Val::Json(left), Val::Json(right)) => match (left.as_ref(), right.as_ref()) {
            (Value::Number(left), Value::Number(right)) => compare_numbers(left, right),
            (Value::String(left), Value::String(right)) => {
                Some(left.as_bytes().cmp(right.as_bytes()))
            }
            _ => None,
        },
        (Val::Scalar(left), Val::Scalar(right)) => left.compare(right),
        (Val::Scalar(scalar), Val::Json(json)) => scalar_json_order(scalar, json),
        (Val::Json(json), Val::Scalar(scalar)) => {
            scalar_json_order(scalar, json).map(Ordering::reverse)
        }
        _ => None,
    }
}

/// A typed value against JSON: numbers by value, text (and dates, by the text the wire
/// writes) by bytes, booleans; nothing else is ordered.
fn scalar_json_order(scalar: &Scalar<'_>, json: &Value) -> Option<Ordering> {
    match (scalar, json) {
        (Scalar::String(text), Value::String(other)) => Some(text.as_bytes().cmp(other.as_bytes())),
        (Scalar::Date(_) | Scalar::DateTime(_), Value::String(other)) => {
            Some(scalar.to_string().as_bytes().cmp(other.as_bytes()))
        }
        (Scalar::Integer(_) | Scalar::Decimal(_), Value::Number(number)) => {
            scalar.compare(&json_number(number)?)
        }
        (Scalar::Boolean(flag), Value::Bool(other)) => Some(flag.cmp(other)),
        _ => None,
    }
}

/// A JSON number as a scalar: integers as such, fractions as exact decimals.
fn json_number(number: &Number) -> Option<Scalar<'static>> {
    serde::Deserialize::deserialize(number).ok()
}

/// Numbers by value, exactly: integers as integers, an integer against a fraction without
/// rounding the integer to `f64`.
fn compare_numbers(left: &Number, right: &Number) -> Option<Ordering> {
    match (integer(left), integer(right)) {
        (Some(left), Some(right)) => Some(left.cmp(&right)),
        (Some(left), None) => compare_float(right.as_f64()?, left).map(Ordering::reverse),
        (None, Some(right)) => compare_float(left.as_f64()?, right),
        (None, None) => left.as_f64()?.partial_cmp(&right.as_f64()?),
    }
}

fn integer(number: &Number) -> Option<i128> {
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

/// `float` against `integer` (which is within the `u64` and `i64` ranges).
fn compare_float(float: f64, integer: i128) -> Option<Ordering> {
    const BEYOND: f64 = 1e30;
    if float.is_nan() {
        return None;
    }
    if float.abs() >= BEYOND {
        return Some(if float > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        });
    }
    let whole = float.trunc();
    // Exact: `whole` is integral and far inside the `i128` range.
    #[allow(clippy::cast_possible_truncation)]
    let truncated = whole as i128;
    match truncated.cmp(&integer) {
        Ordering::Equal => float.partial_cmp(&whole),
        unequal => Some(unequal),
    }
}

/// Whether `item` is in `list`; `false` when `list` is not a list.
fn contains(list: &Val<'_>, item: &Val<'_>) -> bool {
    match list {
        Val::List(items) => items.iter().any(|candidate| equals(item, candidate)),
        Val::Json(value) => value.as_array().is_some_and(|items| {
            items
                .iter()
                .any(|candidate| equals(item, &Val::Json(Cow::Borrowed(candidate))))
        }),
        Val::Scalar(_) | Val::Members(_) | Val::Subject(_) | Val::Undefined => false,
    }
}

fn is_granted(attribute: &Node, subject: Option<&Node>, env: &dyn Environment) -> bool {
    let attribute = attribute.eval(env);
    let Some(attribute) = attribute.as_str() else {
        return false;
    };
    if attribute.starts_with("ROLE_") {
        return env.user().is_some_and(|user| user.has_role(attribute));
    }
    let Some(subject) = subject else {
        return env.vote(attribute, SubjectRef::None);
    };
    match subject.eval(env) {
        Val::Subject(root) => env.vote(attribute, SubjectRef::Root(root)),
        Val::Undefined => env.vote(attribute, SubjectRef::None),
        value if value.is_null() => env.vote(attribute, SubjectRef::None),
        Val::Json(value) => env.vote(attribute, SubjectRef::Value(&value)),
        other => env.vote(attribute, SubjectRef::Value(&other.to_json())),
    }
}
