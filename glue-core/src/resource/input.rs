//! The decoded body of a write request, as the derived `Resource::from_input` reads it.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::id::ResourceId;
use crate::error::{ErrorObject, ErrorSource, FieldError};

/// How a write request applies to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// Post: a new item from the request and defaults.
    Create,
    /// Put: every writable property from the request; absent ones reset to their default.
    Replace,
    /// Patch: only the properties sent change.
    Update,
}

/// The decoded body of a write request, as the derived
/// [`Resource::from_input`](super::Resource::from_input) reads it.
///
/// Only declared, writable properties reach it; the router has already answered unknown
/// attributes with 422 and dropped read-only ones.
#[derive(Debug)]
pub struct WriteInput<'a> {
    mode: WriteMode,
    attributes: Vec<(Cow<'a, str>, &'a RawValue)>,
    id: Option<Cow<'a, str>>,
    uri_variables: &'a [(String, String)],
    errors: Vec<ErrorObject>,
}

impl<'a> WriteInput<'a> {
    /// An input of declared, writable attributes; `id` is a JSON:API `id` from the document;
    /// `uri_variables` are the request's.
    #[must_use]
    pub fn new(
        mode: WriteMode,
        attributes: Vec<(Cow<'a, str>, &'a RawValue)>,
        id: Option<Cow<'a, str>>,
        uri_variables: &'a [(String, String)],
    ) -> Self {
        Self {
            mode,
            attributes,
            id,
            uri_variables,
            errors: Vec::new(),
        }
    }

    /// How the request applies.
    #[must_use]
    pub fn mode(&self) -> WriteMode {
        self.mode
    }

    fn raw(&self, name: &str) -> Option<&'a RawValue> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, raw)| *raw)
    }

    /// Whether the request carries a non-null value for the property.
    #[must_use]
    pub fn has_value(&self, name: &str) -> bool {
        self.raw(name).is_some_and(|raw| raw.get().trim() != "null")
    }

    /// Decodes a property the request carries; `None` when absent or invalid (the error is
    /// recorded).
    pub fn value<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        self.value_with(name, |raw| {
            serde_json::from_str(raw.get()).map_err(|error| type_message(&error))
        })
    }

    /// Decodes a property with a custom decoder whose error is the message to report.
    pub fn value_with<T>(
        &mut self,
        name: &str,
        decode: impl FnOnce(&RawValue) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.raw(name)?;
        match decode(raw) {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors
                    .push(FieldError::new(name.to_owned(), message).into());
                None
            }
        }
    }

    /// The identifier a client sent for a new item: the JSON:API `id`, else the property.
    pub fn identifier<T: ResourceId + DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        match self.id.take() {
            Some(id) => match T::from_id(&id) {
                Some(value) => Some(value),
                None => {
                    let mut error: ErrorObject =
                        FieldError::new(name.to_owned(), format!("\"{id}\" is not a valid id"))
                            .into();
                    error.source = Some(ErrorSource::Identifier(name.to_owned()));
                    self.errors.push(error);
                    None
                }
            },
            None => self.value(name),
        }
    }

    /// The value of a uri variable of the request, parsed as the property's type.
    pub fn uri_variable<T: ResourceId>(&mut self, variable: &str) -> Option<T> {
        self.uri_variables
            .iter()
            .find(|(name, _)| name == variable)
            .and_then(|(_, value)| T::from_id(value))
    }

    /// Records that a required property is missing, unless it already has an error.
    pub fn require(&mut self, name: &str) {
        let reported = self.errors.iter().any(|error| {
            matches!(&error.source, Some(ErrorSource::Property(property)) if property == name)
        });
        if !reported && !self.has_value(name) {
            self.errors
                .push(FieldError::new(name.to_owned(), "is required").into());
        }
    }

    /// `Some(())` when no error was recorded, for `?` in derived code.
    #[must_use]
    pub fn check(&self) -> Option<()> {
        self.errors.is_empty().then_some(())
    }

    /// The recorded errors.
    #[must_use]
    pub fn into_errors(self) -> Vec<ErrorObject> {
        self.errors
    }
}

/// A short message for a value of the wrong type, without serde's position suffix.
fn type_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> &RawValue {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn input_records_type_errors_and_missing_values() {
        let vars = [];
        let attributes = vec![
            (Cow::Borrowed("age"), raw("\"x\"")),
            (Cow::Borrowed("name"), raw("null")),
        ];
        let mut input = WriteInput::new(WriteMode::Create, attributes, None, &vars);
        assert_eq!(input.value::<u32>("age"), None);
        input.require("age");
        input.require("name");
        input.require("email");
        assert!(input.check().is_none());
        let errors = input.into_errors();
        let details: Vec<_> = errors.iter().map(|e| e.detail.clone().unwrap()).collect();
        assert_eq!(
            details,
            [
                "invalid type: string \"x\", expected u32",
                "is required",
                "is required"
            ]
        );
    }

    #[test]
    fn identifier_comes_from_the_document_id() {
        let vars = [];
        let mut input = WriteInput::new(
            WriteMode::Create,
            Vec::new(),
            Some(Cow::Borrowed("42")),
            &vars,
        );
        assert_eq!(input.identifier::<u64>("id"), Some(42));
        let mut input = WriteInput::new(
            WriteMode::Create,
            Vec::new(),
            Some(Cow::Borrowed("x")),
            &vars,
        );
        assert_eq!(input.identifier::<u64>("id"), None);
        assert_eq!(
            input.into_errors()[0].source,
            Some(ErrorSource::Identifier("id".to_owned()))
        );
    }
}
