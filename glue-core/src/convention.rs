//! Conventions: how documents look on the wire (JSON:API, plain JSON, your own).
//!
//! A convention owns a media type, reads request documents into a [`WriteDocument`] and
//! writes response documents straight into the response buffer. The core knows no particular
//! convention; `glue-jsonapi` implements JSON:API, and [`PlainJson`](crate::PlainJson) the
//! plain shape.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::value::RawValue;

use crate::error::GlueError;
use crate::include::{Included, Linkage};
use crate::links::{Links, Related};
use crate::meta::{OperationKind, ResourceMeta};
use crate::negotiate::MediaRange;
use crate::openapi::SchemaSet;
use crate::query::Query;
use crate::resource::{PropertyWriter, ResourceObject};

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
    /// The JSON pointer under which attributes live (`/data/attributes`), for errors.
    pub pointer: &'static str,
}

/// What a convention needs besides the items: absolute URLs, the request's query (sparse
/// fieldsets) and the included resources.
#[derive(Debug)]
pub struct RenderContext<'a> {
    pub(crate) links: &'a Links,
    pub(crate) document_url: &'a str,
    pub(crate) query: &'a Query,
    pub(crate) included: Option<&'a Included>,
}

/// One relationship of an item, as a document shows it.
#[derive(Debug)]
pub struct RelationshipView<'r> {
    /// The relationship name.
    pub name: &'static str,
    /// The link to the related resources, when the target has a route for them.
    pub related: Option<Related<'r>>,
    /// The linkage, when the relationship was included.
    pub linkage: Option<&'r Linkage>,
}

impl RenderContext<'_> {
    /// The absolute URL of the document (`links.self`).
    #[must_use]
    pub fn document_url(&self) -> &str {
        self.document_url
    }

    /// The absolute URL of an item, when its resource declares a Get operation.
    #[must_use]
    pub fn item_url(&self, item: &dyn ResourceObject) -> Option<String> {
        self.links.item_url(item)
    }

    /// Writes the absolute URL of an item as a JSON string, straight into `out`; writes
    /// nothing and answers `false` when its resource declares no Get operation.
    pub fn write_item_url(&self, item: &dyn ResourceObject, out: &mut Vec<u8>) -> bool {
        self.links.write_item_url_json(item, out)
    }

    /// Writes an item's readable properties as members of an open JSON object, with or
    /// without the identifier among them.
    ///
    /// # Errors
    ///
    /// Fails when a property cannot be serialized.
    pub fn write_properties(
        &self,
        out: &mut Vec<u8>,
        item: &dyn ResourceObject,
        with_identifier: bool,
    ) -> Result<usize, serde_json::Error> {
        let fields = self.query.fields(item.resource_meta().short_name);
        let mut writer = PropertyWriter::new(out, with_identifier, fields);
        item.write_resource_properties(&mut writer)?;
        Ok(writer.written())
    }

    /// The relationships of an item that the document shows: those in its type's sparse
    /// fieldset (all when there is none) that have a related link or were included.
    pub fn relationships<'r>(
        &'r self,
        item: &'r dyn ResourceObject,
    ) -> impl Iterator<Item = RelationshipView<'r>> + 'r {
        let meta = item.resource_meta();
        let fields = if meta.relationships.is_empty() {
            None
        } else {
            self.query.fields(meta.short_name)
        };
        meta.relationships
            .iter()
            .enumerate()
            .filter(move |(_, relationship)| {
                fields.is_none_or(|fields| fields.iter().any(|f| f == relationship.name))
            })
            .filter_map(move |(index, relationship)| {
                let related = self.links.related(item, index);
                let linkage = self
                    .included
                    .and_then(|included| included.linkage(item, relationship.name));
                (related.is_some() || linkage.is_some()).then_some(RelationshipView {
                    name: relationship.name,
                    related,
                    linkage,
                })
            })
    }

    /// The included resources (compound documents), each once.
    #[must_use]
    pub fn included(&self) -> &[Arc<dyn ResourceObject>] {
        self.included.map_or(&[], Included::items)
    }
}

/// Pagination of a collection document: links and meta (SPEC §3.2, §4.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageInfo {
    /// Whether the collection was paginated; when not, only `records` (and `self`) apply.
    pub paginated: bool,
    /// The 1-based page number; `None` for cursor pages.
    pub page: Option<u64>,
    /// How many pages there are, when the total is known.
    pub pages: Option<u64>,
    /// How many items this page holds.
    pub records: u64,
    /// The page size.
    pub records_per_page: u64,
    /// The size of the whole collection, when known.
    pub records_total: Option<u64>,
    /// The first page.
    pub first: Option<String>,
    /// The previous page; absent on the first.
    pub prev: Option<String>,
    /// The next page; absent on the last.
    pub next: Option<String>,
    /// The last page, when the total is known.
    pub last: Option<String>,
}
