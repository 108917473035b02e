//! Validation errors from `validator`'s derive, as property errors with readable messages.

use std::borrow::Cow;

use serde_json::Value;
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use glue_common::naming::camel_case;

use crate::error::FieldError;
use crate::meta::PropertyMeta;

/// Turns the errors of `Validate::validate` into property errors named by wire names, in
/// declaration order (struct-level errors last).
#[must_use]
pub fn from_validator(errors: &ValidationErrors, properties: &[PropertyMeta]) -> Vec<FieldError> {
    let mut collected: Vec<(usize, FieldError)> = Vec::new();
    for (field, kind) in errors.errors() {
        let (order, name) = match properties.iter().position(|p| p.field == field.as_ref()) {
            Some(index) => (index, Cow::Borrowed(properties[index].name)),
            None if field == "__all__" => (usize::MAX, Cow::Borrowed("")),
            None => (usize::MAX - 1, Cow::Owned(camel_case(field))),
        };
        let mut flat = Vec::new();
        flatten(&name, kind, &mut flat);
        collected.extend(flat.into_iter().map(|error| (order, error)));
    }
    collected.sort_by(|(a, x), (b, y)| {
        a.cmp(b)
            .then_with(|| x.property.cmp(&y.property))
            .then_with(|| x.message.cmp(&y.message))
    });
    collected.into_iter().map(|(_, error)| error).collect()
}

fn flatten(path: &str, kind: &ValidationErrorsKind, out: &mut Vec<FieldError>) {
    match kind {
        ValidationErrorsKind::Field(errors) => {
            out.extend(
                errors
                    .iter()
                    .map(|error| FieldError::new(path.to_owned(), message(error))),
            );
        }
        ValidationErrorsKind::Struct(nested) => nested_errors(path, nested, out),
        ValidationErrorsKind::List(items) => {
            for (index, nested) in items {
                nested_errors(&format!("{path}[{index}]"), nested, out);
            }
        }
    }
}

fn nested_errors(path: &str, errors: &ValidationErrors, out: &mut Vec<FieldError>) {
    let mut fields: Vec<_> = errors.errors().iter().collect();
    fields.sort_by_key(|(field, _)| *field);
    for (field, kind) in fields {
        let nested = if field == "__all__" {
            path.to_owned()
        } else if path.is_empty() {
            camel_case(field)
        } else {
            format!("{path}.{}", camel_case(field))
        };
        flatten(&nested, kind, out);
    }
}

fn param(error: &ValidationError, name: &str) -> Option<String> {
    error.params.get(name).map(|value| match value {
        Value::String(text) => text.clone(),
        Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or_default();
            if float.fract() == 0.0 && float.abs() < 1e15 {
                format!("{float:.0}")
            } else {
                float.to_string()
            }
        }
        other => other.to_string(),
    })
}

fn unit(error: &ValidationError) -> &'static str {
    match error.params.get("value") {
        Some(Value::Array(_) | Value::Object(_)) => "items",
        _ => "characters",
    }
}

/// A readable message for one failed rule: its own message when the declaration gives one,
/// else one made from the rule and its parameters.
#[must_use]
pub fn message(error: &ValidationError) -> String {
    if let Some(message) = &error.message {
        return message.to_string();
    }
    match error.code.as_ref() {
        "email" => "must be a valid email address".to_owned(),
        "url" => "must be a valid URL".to_owned(),
        "length" => {
            let unit = unit(error);
            match (
                param(error, "min"),
                param(error, "max"),
                param(error, "equal"),
            ) {
                (_, _, Some(equal)) => format!("must be exactly {equal} {unit} long"),
                (Some(min), Some(max), None) => {
                    format!("must be between {min} and {max} {unit} long")
                }
                (Some(min), None, None) => format!("must be at least {min} {unit} long"),
                (None, Some(max), None) => format!("must be at most {max} {unit} long"),
                (None, None, None) => "has an invalid length".to_owned(),
            }
        }
        "range" => {
            let mut bounds = Vec::new();
            if let Some(min) = param(error, "min") {
                bounds.push(format!("greater than or equal to {min}"));
            }
            if let Some(min) = param(error, "exclusive_min") {
                bounds.push(format!("greater than {min}"));
            }
            if let Some(max) = param(error, "max") {
                bounds.push(format!("less than or equal to {max}"));
            }
            if let Some(max) = param(error, "exclusive_max") {
                bounds.push(format!("less than {max}"));
            }
            if bounds.is_empty() {
                "is out of range".to_owned()
            } else {
                format!("must be {}", bounds.join(" and "))
            }
        }
        "required" => "is required".to_owned(),
        "must_match" => match param(error, "other") {
            Some(other) => format!("must match {}", camel_case(&other)),
            None => "must match the other value".to_owned(),
        },
        "contains" => match param(error, "needle") {
            Some(needle) => format!("must contain \"{needle}\""),
            None => "is missing a required part".to_owned(),
        },
        "does_not_contain" => match param(error, "needle") {
            Some(needle) => format!("must not contain \"{needle}\""),
            None => "contains a forbidden part".to_owned(),
        },
        "regex" => "has an invalid format".to_owned(),
        "credit_card" => "must be a valid credit card number".to_owned(),
        "non_control_character" => "must not contain control characters".to_owned(),
        "ip" | "ipv4" | "ipv6" => "must be a valid IP address".to_owned(),
        code => format!("is invalid ({code})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::PropertyMeta;

    const PROPERTIES: &[PropertyMeta] = &[
        PropertyMeta {
            name: "email",
            field: "email",
            ..PropertyMeta::DEFAULT
        },
        PropertyMeta {
            name: "firstName",
            field: "first_name",
            ..PropertyMeta::DEFAULT
        },
    ];

    #[test]
    fn errors_are_named_by_wire_names_in_declaration_order() {
        let mut errors = ValidationErrors::new();
        let mut length = ValidationError::new("length");
        length.add_param(Cow::Borrowed("min"), &1);
        length.add_param(Cow::Borrowed("max"), &100);
        length.add_param(Cow::Borrowed("value"), &"");
        errors.add("first_name", length);
        errors.add("email", ValidationError::new("email"));
        let fields = from_validator(&errors, PROPERTIES);
        assert_eq!(
            fields,
            [
                FieldError::new("email", "must be a valid email address"),
                FieldError::new("firstName", "must be between 1 and 100 characters long"),
            ]
        );
    }

    #[test]
    fn ranges_read_naturally() {
        let mut range = ValidationError::new("range");
        range.add_param(Cow::Borrowed("min"), &0.0);
        assert_eq!(message(&range), "must be greater than or equal to 0");
    }
}
