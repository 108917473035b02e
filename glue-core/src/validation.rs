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

/// The rules of one operation group, checked one property at a time: what code generated
/// from a validation file's groups (SPEC §7.1) calls in its `validate_group` function. Each
/// failure is a property error with the message `validator`'s rule of the same name gives.
///
/// ```
/// use glue_core::validation::Checks;
///
/// let mut checks = Checks::new();
/// checks.email("email", &"not an address");
/// checks.length("firstName", &String::new(), Some(1), Some(100));
/// checks.range("stock", &-1_i64, Some(0), None);
/// let errors = checks.finish().unwrap_err();
/// assert_eq!(errors[1].message, "must be between 1 and 100 characters long");
/// ```
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    /// No failures yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn fail(&mut self, property: &str, error: &ValidationError) {
        self.errors
            .push(FieldError::new(property.to_owned(), message(error)));
    }

    /// An email address (absent values pass).
    pub fn email(&mut self, property: &str, value: &impl validator::ValidateEmail) {
        if !value.validate_email() {
            self.fail(property, &ValidationError::new("email"));
        }
    }

    /// A URL (absent values pass).
    pub fn url(&mut self, property: &str, value: &impl validator::ValidateUrl) {
        if !value.validate_url() {
            self.fail(property, &ValidationError::new("url"));
        }
    }

    /// A length in characters, for text (absent values pass).
    pub fn length(
        &mut self,
        property: &str,
        value: &impl validator::ValidateLength<u64>,
        min: Option<u64>,
        max: Option<u64>,
    ) {
        self.sized(property, value, min, max, &"");
    }

    /// A number of items, for lists (absent values pass).
    pub fn count(
        &mut self,
        property: &str,
        value: &impl validator::ValidateLength<u64>,
        min: Option<u64>,
        max: Option<u64>,
    ) {
        self.sized(property, value, min, max, &Vec::<()>::new());
    }

    fn sized(
        &mut self,
        property: &str,
        value: &impl validator::ValidateLength<u64>,
        min: Option<u64>,
        max: Option<u64>,
        unit: &impl serde::Serialize,
    ) {
        if !value.validate_length(min, max, None) {
            let mut error = ValidationError::new("length");
            if let Some(min) = min {
                error.add_param(Cow::Borrowed("min"), &min);
            }
            if let Some(max) = max {
                error.add_param(Cow::Borrowed("max"), &max);
            }
            error.add_param(Cow::Borrowed("value"), unit);
            self.fail(property, &error);
        }
    }

    /// A number within bounds (absent values pass).
    pub fn range<T: serde::Serialize + PartialOrd + Copy>(
        &mut self,
        property: &str,
        value: &impl validator::ValidateRange<T>,
        min: Option<T>,
        max: Option<T>,
    ) {
        if value.validate_range(min, max, None, None) {
            return;
        }
        let mut error = ValidationError::new("range");
        if let Some(min) = &min {
            error.add_param(Cow::Borrowed("min"), min);
        }
        if let Some(max) = &max {
            error.add_param(Cow::Borrowed("max"), max);
        }
        self.fail(property, &error);
    }

    /// One of the allowed texts (absent values pass).
    pub fn choice(&mut self, property: &str, value: Option<&str>, allowed: &[&str]) {
        if let Some(value) = value
            && !allowed.contains(&value)
        {
            self.errors.push(FieldError::new(
                property.to_owned(),
                format!("must be one of {}", allowed.join(", ")),
            ));
        }
    }

    /// The failures, if any.
    ///
    /// # Errors
    ///
    /// Every failed rule, in the order checked.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
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
    fn group_checks_speak_as_validator_does() {
        let mut checks = Checks::new();
        checks.email("email", &"x");
        checks.email("backup", &None::<String>);
        checks.url("site", &Some("not a url".to_owned()));
        checks.length("name", &"ab".to_owned(), Some(3), None);
        checks.count("tags", &vec![1, 2, 3], None, Some(2));
        checks.range("stock", &-1_i64, Some(0), None);
        checks.range("price", &Some(5.5_f64), Some(0.0), Some(5.0));
        checks.choice("status", Some("gone"), &["active", "inactive"]);
        checks.choice("status", None, &["active"]);
        let errors = checks.finish().unwrap_err();
        let found: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.property.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("email", "must be a valid email address"),
                ("site", "must be a valid URL"),
                ("name", "must be at least 3 characters long"),
                ("tags", "must be at most 2 items long"),
                ("stock", "must be greater than or equal to 0"),
                (
                    "price",
                    "must be greater than or equal to 0 and less than or equal to 5"
                ),
                ("status", "must be one of active, inactive"),
            ]
        );
        assert!(Checks::new().finish().is_ok());
    }

    #[test]
    fn ranges_read_naturally() {
        let mut range = ValidationError::new("range");
        range.add_param(Cow::Borrowed("min"), &0.0);
        assert_eq!(message(&range), "must be greater than or equal to 0");
    }
}
