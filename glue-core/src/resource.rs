//! The [`Resource`] trait the derive implements, and the two halves of its wire form:
//! [`PropertyWriter`] (out) and [`WriteInput`] (in).

use std::borrow::Cow;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::{ErrorObject, ErrorSource, FieldError};
use crate::meta::ResourceMeta;
use crate::provider::{Processor, Provider};
use crate::query::Scalar;

/// A resource type: a struct with `#[derive(ApiResource)]`.
///
/// Resources are `Clone`: a Put or Patch hands the processor both the new state and the
/// stored one.
///
/// The derive writes every method from the declaration; implementing it by hand is possible
/// but rarely useful.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an API resource",
    note = "add `#[derive(glue_core::ApiResource)]` and an `#[api(...)]` declaration to the struct"
)]
pub trait Resource: Clone + Send + Sync + 'static {
    /// The type that reads items (`provider = ...`; `()` for write-only resources).
    type Provider: Provider<Self>;
    /// The type that writes items (`processor = ...`; `()` for read-only resources).
    type Processor: Processor<Self>;

    /// The resource's metadata, also for checks at compile time (a relationship's target
    /// has the property it joins on).
    const META: &'static ResourceMeta;

    /// The resource's metadata.
    #[must_use]
    fn meta() -> &'static ResourceMeta {
        Self::META
    }

    /// The value of the identifier, as it appears in URLs and as the JSON:API `id`.
    fn id(&self) -> Cow<'_, str>;

    /// The value of a uri template variable for this item (the identifier, or a property mapped
    /// to a parent's variable), used to build the item's links.
    fn uri_value(&self, variable: &str) -> Option<Cow<'_, str>>;

    /// Writes the readable properties.
    ///
    /// # Errors
    ///
    /// Fails when a property value cannot be serialized.
    fn write_properties(&self, out: &mut PropertyWriter<'_>) -> Result<(), serde_json::Error>;

    /// The value of a readable property (or of a relationship's key), typed and borrowed,
    /// for filters and sorts in memory, relationship links and keys, cursor positions and
    /// security paths; `None` for a name that is neither.
    fn property_value(&self, name: &str) -> Option<Scalar<'_>> {
        let _ = name;
        None
    }

    /// The value of a readable array or object property as JSON, for security paths that
    /// look inside it (`object.address.city`); `None` for other names.
    fn property_json(&self, name: &str) -> Option<serde_json::Value> {
        let _ = name;
        None
    }

    /// Builds the resource from a write request: a new item (`previous` is `None`, for Post),
    /// or `previous` with the request applied (Put replaces every writable property, Patch
    /// only those sent). Errors are recorded in `input`; the item is still built where
    /// defaults allow, so that validation can report the other properties in the same
    /// answer, and `None` is returned only when it cannot be built at all.
    fn from_input(input: &mut WriteInput<'_>, previous: Option<Self>) -> Option<Self>;

    /// Checks the validation rules declared on the struct.
    ///
    /// # Errors
    ///
    /// Every rule that fails, by property.
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        Ok(())
    }
}

/// A resource item of any type, as conventions see it.
pub trait ResourceObject: Send + Sync {
    /// The metadata of the item's type.
    fn resource_meta(&self) -> &'static ResourceMeta;
    /// The identifier value.
    fn resource_id(&self) -> Cow<'_, str>;
    /// The value of a uri template variable.
    fn resource_uri_value(&self, variable: &str) -> Option<Cow<'_, str>>;
    /// Writes the readable properties.
    ///
    /// # Errors
    ///
    /// Fails when a property value cannot be serialized.
    fn write_resource_properties(
        &self,
        out: &mut PropertyWriter<'_>,
    ) -> Result<(), serde_json::Error>;
    /// The value of a readable property (or a relationship's key), typed.
    fn resource_property(&self, name: &str) -> Option<Scalar<'_>>;
    /// The value of a readable array or object property as JSON.
    fn resource_property_json(&self, name: &str) -> Option<serde_json::Value>;
}

impl<R: Resource> ResourceObject for R {
    fn resource_meta(&self) -> &'static ResourceMeta {
        R::meta()
    }

    fn resource_id(&self) -> Cow<'_, str> {
        self.id()
    }

    fn resource_uri_value(&self, variable: &str) -> Option<Cow<'_, str>> {
        self.uri_value(variable)
    }

    fn write_resource_properties(
        &self,
        out: &mut PropertyWriter<'_>,
    ) -> Result<(), serde_json::Error> {
        self.write_properties(out)
    }

    fn resource_property(&self, name: &str) -> Option<Scalar<'_>> {
        self.property_value(name)
    }

    fn resource_property_json(&self, name: &str) -> Option<serde_json::Value> {
        self.property_json(name)
    }
}

/// A value that can identify a resource in a URL.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot identify a resource in a URL",
    note = "identifiers and uri variables are strings or integers; implement `glue_core::ResourceId` for other types"
)]
pub trait ResourceId {
    /// The value as it appears in URLs.
    fn to_id(&self) -> Cow<'_, str>;
    /// Parses a value from a URL or a JSON:API `id`.
    fn from_id(id: &str) -> Option<Self>
    where
        Self: Sized;
}

impl ResourceId for String {
    fn to_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }

    fn from_id(id: &str) -> Option<Self> {
        Some(id.to_owned())
    }
}

impl<T: ResourceId> ResourceId for Option<T> {
    fn to_id(&self) -> Cow<'_, str> {
        self.as_ref().map_or(Cow::Borrowed(""), ResourceId::to_id)
    }

    fn from_id(id: &str) -> Option<Self> {
        T::from_id(id).map(Some)
    }
}

macro_rules! integer_ids {
    ($($ty:ty),*) => {$(
        impl ResourceId for $ty {
            fn to_id(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }

            fn from_id(id: &str) -> Option<Self> {
                id.parse().ok()
            }
        }
    )*};
}

integer_ids!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

/// Writes the properties of one item as members of a JSON object, straight into the response
/// buffer (no intermediate value trees).
#[derive(Debug)]
pub struct PropertyWriter<'a> {
    out: &'a mut Vec<u8>,
    with_identifier: bool,
    fields: Option<&'a [String]>,
    written: usize,
}

impl<'a> PropertyWriter<'a> {
    /// A writer appending members to `out`, which must be inside an open JSON object.
    /// `with_identifier` says whether the identifier is written among the properties (plain
    /// JSON) or elsewhere (JSON:API `id`); `fields`, when given, limits the properties.
    pub fn new(out: &'a mut Vec<u8>, with_identifier: bool, fields: Option<&'a [String]>) -> Self {
        Self {
            out,
            with_identifier,
            fields,
            written: 0,
        }
    }

    /// How many members have been written.
    #[must_use]
    pub fn written(&self) -> usize {
        self.written
    }

    fn selected(&self, name: &str) -> bool {
        self.fields
            .is_none_or(|fields| fields.iter().any(|field| field == name))
    }

    /// Writes one property, unless a sparse fieldset leaves it out.
    ///
    /// # Errors
    ///
    /// Fails when the value cannot be serialized.
    pub fn property<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        if !self.selected(name) {
            return Ok(());
        }
        if self.written > 0 {
            self.out.push(b',');
        }
        crate::json::write_str(self.out, name);
        self.out.push(b':');
        serde_json::to_writer(&mut *self.out, value)?;
        self.written += 1;
        Ok(())
    }

    /// Writes the identifier property when the convention shows it among the properties.
    ///
    /// # Errors
    ///
    /// Fails when the value cannot be serialized.
    pub fn identifier<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        if !self.with_identifier {
            return Ok(());
        }
        // The identifier addresses the item: sparse fieldsets never leave it out.
        if self.written > 0 {
            self.out.push(b',');
        }
        crate::json::write_str(self.out, name);
        self.out.push(b':');
        serde_json::to_writer(&mut *self.out, value)?;
        self.written += 1;
        Ok(())
    }
}

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

/// The decoded body of a write request, as the derived [`Resource::from_input`] reads it.
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
    fn writer_separates_members_and_honours_fields() {
        let mut out = b"{".to_vec();
        let fields = vec!["b".to_owned()];
        let mut writer = PropertyWriter::new(&mut out, false, Some(&fields));
        writer.identifier("id", "x").unwrap();
        writer.property("a", &1).unwrap();
        writer.property("b", "two\"").unwrap();
        out.push(b'}');
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"b":"two\""}"#);

        let mut out = b"{".to_vec();
        let mut writer = PropertyWriter::new(&mut out, true, Some(&fields));
        writer.identifier("id", "x").unwrap();
        writer.property("a", &1).unwrap();
        out.push(b'}');
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"id":"x"}"#);
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
