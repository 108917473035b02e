//! Conventions: how documents look on the wire (JSON:API, plain JSON, your own), and the kit
//! for writing one.
//!
//! A convention owns a media type, reads request documents into a [`WriteDocument`] and
//! writes response documents straight into the response buffer. The core knows no particular
//! convention; `glue-jsonapi` implements JSON:API, and [`PlainJson`](crate::PlainJson) the
//! plain shape. What a convention author needs besides the trait lives here too, as
//! `serde::ser` holds what format authors need: [`RenderContext`] (links, query, included
//! resources), [`json`] writers, [`wire`] readers, [`schema`] for describing documents.

pub mod json;
mod render;
pub mod schema;
pub mod wire;

use std::borrow::Cow;

use serde_json::value::RawValue;

pub use crate::error::property_pointer;
pub use crate::include::{Included, Linkage};
pub use crate::links::Related;
pub use crate::negotiate::MediaRange;
pub(crate) use render::Fragments;
pub use render::{Around, PageInfo, RelationshipView, Relationships, RenderContext};
use schema::SchemaSet;

use crate::error::GlueError;
use crate::meta::{OperationKind, ResourceMeta};
use crate::resource::ResourceObject;

/// A wire convention.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a convention",
    note = "conventions implement `glue_core::Convention`; see `glue_jsonapi::JsonApi` and `glue_core::PlainJson`"
)]
pub trait Convention: Send + Sync + 'static {
    /// A short name (`jsonapi`, `json`).
    fn name(&self) -> &'static str;

    /// The media type of its documents, sent as `Content-Type`.
    fn media_type(&self) -> &'static str;

    /// Whether a media type from `Accept` or `Content-Type` (without its weight) selects
    /// this convention.
    fn accepts(&self, media: &MediaRange<'_>) -> bool;

    /// The pagination form links use when neither the client nor the resource chose one.
    fn default_page_form(&self) -> Option<&'static str> {
        None
    }

    /// Whether the convention writes relationships and included resources (compound
    /// documents); when not, `include` loads nothing.
    fn renders_includes(&self) -> bool {
        false
    }

    /// Reads a request document.
    ///
    /// # Errors
    ///
    /// 400 for a malformed document (with the JSON parse position in `detail`), 409 for a
    /// type that is not the endpoint's, and whatever else the convention's rules say.
    fn decode<'b>(
        &self,
        body: &'b [u8],
        target: &DecodeTarget<'_>,
    ) -> Result<WriteDocument<'b>, GlueError>;

    /// Writes a single-resource document.
    ///
    /// # Errors
    ///
    /// Fails when a property cannot be serialized.
    fn write_item(
        &self,
        out: &mut Vec<u8>,
        item: &dyn ResourceObject,
        ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error>;

    /// Opens a collection document; members and the end follow.
    ///
    /// # Errors
    ///
    /// Fails when something cannot be serialized.
    fn begin_collection(
        &self,
        out: &mut Vec<u8>,
        ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error>;

    /// Writes one member of a collection (`index` counts from 0).
    ///
    /// # Errors
    ///
    /// Fails when a property cannot be serialized.
    fn write_member(
        &self,
        out: &mut Vec<u8>,
        index: usize,
        item: &dyn ResourceObject,
        ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error>;

    /// Closes a collection document with its links and meta.
    ///
    /// # Errors
    ///
    /// Fails when something cannot be serialized.
    fn end_collection(
        &self,
        out: &mut Vec<u8>,
        page: &PageInfo,
        ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error>;

    /// Writes an error document.
    fn write_error(&self, out: &mut Vec<u8>, error: &GlueError);

    /// The JSON Schema of a resource's document in this convention, for the OpenAPI document
    /// (SPEC §10.1); `None` leaves the convention out of it.
    fn document_schema(&self, resource: &SchemaSet) -> Option<serde_json::Value> {
        let _ = resource;
        None
    }

    /// The JSON Schema of this convention's error documents.
    fn error_schema(&self) -> Option<serde_json::Value> {
        None
    }

    /// Where this convention's documents carry a resource's identifier, as a JSON pointer
    /// (`/data/id` for JSON:API), for OpenAPI link expressions; `None` when it does not say.
    fn identifier_pointer(&self, resource: &ResourceMeta) -> Option<String> {
        let _ = resource;
        None
    }
}

/// What a request document is decoded for.
#[derive(Debug, Clone, Copy)]
pub struct DecodeTarget<'a> {
    /// The resource of the endpoint.
    pub resource: &'static ResourceMeta,
    /// The operation (Post, Put or Patch).
    pub operation: OperationKind,
    /// The identifier in the URL, for item operations.
    pub url_id: Option<&'a str>,
}

/// A decoded request document: the attributes as raw JSON values, and the `id` when the
/// convention carries it outside the attributes.
#[derive(Debug, Clone, Default)]
pub struct WriteDocument<'b> {
    /// The attributes (or properties), in document order.
    pub attributes: Vec<(Cow<'b, str>, &'b RawValue)>,
    /// The identifier sent outside the attributes (the JSON:API `id`).
    pub id: Option<Cow<'b, str>>,
}
