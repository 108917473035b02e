//! The [`Resource`] trait the derive implements, and the two halves of its wire form:
//! [`PropertyWriter`] (out) and [`WriteInput`] (in).

mod id;
mod input;
mod operations;
mod writer;

use std::borrow::Cow;

use glue_common::Scalar;

pub use id::{NoId, ResourceId};
pub use input::{WriteInput, WriteMode};
#[doc(hidden)]
pub use operations::{Op, Operations};
pub use writer::PropertyWriter;

use crate::error::FieldError;
use crate::meta::ResourceMeta;

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
    /// The type that reads items (`provider = ...`; `()` for write-only resources): it
    /// implements [`ItemProvider`](crate::ItemProvider) for item operations and
    /// [`CollectionProvider`](crate::CollectionProvider) for `GetCollection` (and to be
    /// included in other resources' documents).
    type Provider: Send + Sync + 'static;
    /// The type that writes items (`processor = ...`; `()` for read-only resources): it
    /// implements [`Processor`](crate::Processor) and the trait of each write operation
    /// declared.
    type Processor: Send + Sync + 'static;
    /// The type of the identifier (`String`, `u64`...), as [`Context::id`](crate::Context::id)
    /// hands it over; [`NoId`] for a resource without one.
    type Id: ResourceId + Send + Sync + 'static;

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

    /// Checks the rules of one write's operation group (SPEC §7.1: `create` for Post,
    /// `replace` for Put, `update` for Patch), after [`validate`](Self::validate)'s, which
    /// apply to every write. The derive fills it from `validate_group = path`; code generated
    /// from schema files declares it when a validation file gives a group rules of its own.
    ///
    /// # Errors
    ///
    /// Every rule of the group that fails, by property.
    fn validate_group(&self, mode: WriteMode) -> Result<(), Vec<FieldError>> {
        let _ = mode;
        Ok(())
    }

    /// How the declared operations are served: the derive fills it from the declaration,
    /// so that an operation whose provider or processor method is missing fails to compile.
    /// A hand-written resource serves none, and [`Application::try_build`] refuses its
    /// declared operations.
    ///
    /// [`Application::try_build`]: crate::Application::try_build
    #[doc(hidden)]
    #[must_use]
    fn operations() -> Operations<Self> {
        Operations::none()
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
