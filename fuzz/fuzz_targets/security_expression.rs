//! Security expressions (SPEC §6.5): parsing any text, checking it against the names an
//! operation offers, and evaluating it for a user and an object.
#![no_main]

use std::borrow::Cow;

use glue_security::{
    Environment, Expression, Principal, PrincipalKind, Property, Root, Scalar, Schema, SubjectRef,
};
use libfuzzer_sys::fuzz_target;

/// A user with two roles, an object and a previous object with a few properties.
struct Scene {
    user: Principal,
    object: serde_json::Value,
}

impl Environment for Scene {
    fn user(&self) -> Option<&Principal> {
        Some(&self.user)
    }

    fn has_object(&self, _root: Root) -> bool {
        true
    }

    fn object_property(&self, _root: Root, name: &str) -> Option<Property<'_>> {
        self.object
            .get(name)
            .map(|value| Property::Json(Cow::Borrowed(value)))
    }

    fn request_attribute(&self, name: &str) -> Option<Property<'_>> {
        match name {
            "method" => Some(Property::Scalar(Scalar::String(Cow::Borrowed("GET")))),
            "path" => Some(Property::Scalar(Scalar::String(Cow::Borrowed(
                "/gadgets/1",
            )))),
            _ => None,
        }
    }

    fn vote(&self, attribute: &str, _subject: SubjectRef<'_>) -> bool {
        attribute.len().is_multiple_of(2)
    }
}

const NAMES: &[&str] = &["owner", "stock", "tags", "name"];

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expression) = Expression::parse(source) else {
        return;
    };
    assert_eq!(expression.source(), source);
    for schema in [
        Schema::without_object(),
        Schema::with_object(NAMES),
        Schema::with_previous(NAMES),
    ] {
        let _ = expression.check(&schema);
    }
    let scene = Scene {
        user: Principal::new("7", "ada@example.com", PrincipalKind::User).with_role("ROLE_ADMIN"),
        object: serde_json::json!({
            "owner": "7", "stock": 3, "tags": ["a", "b"], "name": {"en": "x"}
        }),
    };
    let _ = expression.evaluate(&scene);
});
