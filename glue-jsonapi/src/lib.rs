//! The JSON:API 1.1 convention for Glue (SPEC §3).
//!
//! Offer it on an application and its resources speak `application/vnd.api+json`: resource
//! objects with `type`, `id`, `attributes` and absolute `links`, collections with pagination
//! links and meta, request documents checked for `type` and `id`, and error documents with
//! `status`, `code`, `title`, `detail` and `source`.
//!
//! # Example
//!
//! ```
//! use glue_core::{ApiResource, Application, Context, GlueError, ItemProvider};
//! use glue_core::http::{Request, header};
//! use glue_jsonapi::JsonApi;
//! use tower::ServiceExt;
//!
//! #[derive(ApiResource, Clone)]
//! #[api(operations(Get), provider = Articles)]
//! struct Article {
//!     #[api(identifier)]
//!     id: u64,
//!     title: String,
//! }
//!
//! struct Articles;
//!
//! impl ItemProvider<Article> for Articles {
//!     async fn item(&self, ctx: &Context<Article>) -> Result<Option<Article>, GlueError> {
//!         Ok((ctx.id() == Some(&1)).then(|| Article { id: 1, title: "Hello".into() }))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let router = Application::new("blog").convention(JsonApi::new()).resource::<Article>(Articles, ()).build();
//! let response = router
//!     .oneshot(Request::get("/articles/1").header(header::HOST, "blog.test").body(String::new()).unwrap())
//!     .await
//!     .unwrap();
//! assert_eq!(
//!     std::str::from_utf8(response.body().as_bytes()).unwrap(),
//!     r#"{"jsonapi":{"version":"1.1"},"data":{"type":"articles","id":"1","attributes":{"title":"Hello"},"links":{"self":"http://blog.test/articles/1"}},"links":{"self":"http://blog.test/articles/1"}}"#
//! );
//! # }
//! ```

use std::borrow::Cow;

use glue_core::convention::json::{
    write_key, write_page_meta, write_str, write_truncated, write_u64,
};
use glue_core::convention::schema::SchemaSet;
use glue_core::convention::wire::{MEMBER_MARGIN, decode_envelope, decode_members};
use glue_core::convention::{
    Around, Convention, DecodeTarget, Linkage, MediaRange, PageInfo, RenderContext, WriteDocument,
    property_pointer,
};
use glue_core::meta::ResourceMeta;
use glue_core::resource::ResourceObject;
use glue_core::{ErrorSource, GlueError};
use serde_json::value::RawValue;

mod schema;

/// The README's quick start, compiled as a doc test so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeQuickStart;

/// The JSON:API media type.
pub const MEDIA_TYPE: &str = "application/vnd.api+json";

/// The media type parameters JSON:API allows besides `ext` (SPEC §2.2, §2.3).
const ALLOWED_PARAMETERS: [&str; 2] = ["profile", "version"];

const HEADER: &[u8] = br#"{"jsonapi":{"version":"1.1"},"#;

/// The JSON:API 1.1 convention.
#[derive(Debug, Clone, Default)]
pub struct JsonApi {
    extensions: Vec<&'static str>,
}

impl JsonApi {
    /// The JSON:API convention, with no extension.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            extensions: Vec::new(),
        }
    }

    /// Supports an extension (`glue_core::atomic::ATOMIC_EXTENSION`): media types whose `ext`
    /// names it are accepted. A media type with an `ext` the convention does not support is
    /// not: 415 as a `Content-Type`, 406 as the only JSON:API type in `Accept` (JSON:API 1.1).
    #[must_use]
    pub fn extension(mut self, uri: &'static str) -> Self {
        self.extensions.push(uri);
        self
    }
}

impl Convention for JsonApi {
    fn name(&self) -> &'static str {
        "jsonapi"
    }

    fn media_type(&self) -> &'static str {
        MEDIA_TYPE
    }

    fn accepts(&self, media: &MediaRange<'_>) -> bool {
        media.is("application", "vnd.api", Some("json"))
            && media.params().all(|(name, value)| match name.as_ref() {
                "ext" => value
                    .split_whitespace()
                    .all(|uri| self.extensions.contains(&uri)),
                other => ALLOWED_PARAMETERS.contains(&other),
            })
    }

    fn default_page_form(&self) -> Option<&'static str> {
        Some("offset")
    }

    fn renders_includes(&self) -> bool {
        true
    }

    fn decode<'b>(
        &self,
        body: &'b [u8],
        target: &DecodeTarget<'_>,
    ) -> Result<WriteDocument<'b>, GlueError> {
        let data = decode_envelope(body)?;
        // type, id, lid, attributes, relationships, links, meta, and room to spare.
        let members = decode_members(data, "/data", 7 + MEMBER_MARGIN)?;
        let member = |name: &str| {
            members
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, raw)| *raw)
        };

        let resource_type = match member("type") {
            None => {
                return Err(GlueError::invalid_document(
                    "/data",
                    "The resource object needs a `type` member.",
                ));
            }
            Some(raw) => string_member(raw, "/data/type")?,
        };
        if resource_type != target.resource.short_name {
            return Err(GlueError::conflict_at(
                "/data/type",
                format!(
                    "The type \"{resource_type}\" does not match this endpoint's type \"{}\".",
                    target.resource.short_name
                ),
            ));
        }
        let id = member("id")
            .map(|raw| string_member(raw, "/data/id"))
            .transpose()?;
        let attributes = match member("attributes") {
            Some(raw) => decode_members(
                raw,
                "/data/attributes",
                target.resource.properties.len() + MEMBER_MARGIN,
            )?,
            None => Vec::new(),
        };
        // Relationships are not written through a resource's document, but a member that
        // is there must still be what JSON:API says it is: an object.
        if let Some(raw) = member("relationships") {
            decode_members(
                raw,
                "/data/relationships",
                target.resource.relationships.len() + MEMBER_MARGIN,
            )?;
        }
        Ok(WriteDocument { attributes, id })
    }

    fn write_item(
        &self,
        out: &mut Vec<u8>,
        item: &dyn ResourceObject,
        ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error> {
        out.extend_from_slice(HEADER);
        write_key(out, "data");
        write_resource(out, item, ctx)?;
        write_included(out, ctx)?;
        out.push(b',');
        write_key(out, "links");
        out.push(b'{');
        write_key(out, "self");
        write_str(out, ctx.document_url());
        out.extend_from_slice(b"}}");
        Ok(())
    }

    fn begin_collection(
        &self,
        out: &mut Vec<u8>,
        _ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error> {
        out.extend_from_slice(HEADER);
        out.extend_from_slice(b"\"data\":[");
        Ok(())
    }

    fn write_member(
        &self,
        out: &mut Vec<u8>,
        index: usize,
        item: &dyn ResourceObject,
        ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error> {
        if index > 0 {
            out.push(b',');
        }
        write_resource(out, item, ctx)
    }

    fn end_collection(
        &self,
        out: &mut Vec<u8>,
        page: &PageInfo,
        ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error> {
        out.push(b']');
        write_included(out, ctx)?;
        out.extend_from_slice(b",\"links\":{");
        write_key(out, "self");
        write_str(out, ctx.document_url());
        for (name, link) in [
            ("first", &page.first),
            ("prev", &page.prev),
            ("next", &page.next),
            ("last", &page.last),
        ] {
            if let Some(link) = link {
                out.push(b',');
                write_key(out, name);
                write_str(out, link);
            }
        }
        out.extend_from_slice(b"},\"meta\":");
        if page.paginated {
            write_page_meta(out, page);
        } else {
            out.extend_from_slice(b"{\"records\":");
            write_u64(out, page.records);
            out.push(b'}');
        }
        out.push(b'}');
        Ok(())
    }

    fn document_schema(&self, resource: &SchemaSet) -> Option<serde_json::Value> {
        Some(schema::document(resource))
    }

    /// The identifier is the resource object's `id`.
    fn identifier_pointer(&self, _resource: &ResourceMeta) -> Option<String> {
        Some("/data/id".to_owned())
    }

    fn error_schema(&self) -> Option<serde_json::Value> {
        Some(schema::errors())
    }

    fn write_error(&self, out: &mut Vec<u8>, error: &GlueError) {
        out.extend_from_slice(HEADER);
        out.extend_from_slice(b"\"errors\":[");
        for (index, object) in error.errors().iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            out.push(b'{');
            write_key(out, "status");
            write_str(out, object.status_str());
            out.push(b',');
            write_key(out, "code");
            write_str(out, &object.code);
            out.push(b',');
            write_key(out, "title");
            write_str(out, &object.title);
            // A validation message is about its property alone: the detail names it.
            let validation = object.status.as_u16() == 422;
            let detail = match (&object.source, &object.detail) {
                (Some(ErrorSource::Property(path)), Some(detail))
                    if validation && !path.is_empty() =>
                {
                    Some(Cow::Owned(format!("{path}: {detail}")))
                }
                (Some(ErrorSource::Identifier(_)), Some(detail)) if validation => {
                    Some(Cow::Owned(format!("id: {detail}")))
                }
                (_, detail) => detail.as_deref().map(Cow::Borrowed),
            };
            if let Some(detail) = detail {
                out.push(b',');
                write_key(out, "detail");
                write_str(out, &detail);
            }
            if let Some(source) = &object.source {
                out.push(b',');
                write_key(out, "source");
                out.push(b'{');
                match source {
                    ErrorSource::Pointer(pointer) => {
                        write_key(out, "pointer");
                        write_str(out, pointer);
                    }
                    ErrorSource::Property(path) => {
                        write_key(out, "pointer");
                        write_str(out, &property_pointer("/data/attributes", path));
                    }
                    ErrorSource::Identifier(_) => {
                        write_key(out, "pointer");
                        write_str(out, "/data/id");
                    }
                    ErrorSource::Parameter(parameter) => {
                        write_key(out, "parameter");
                        write_str(out, parameter);
                    }
                    ErrorSource::Header(header) => {
                        write_key(out, "header");
                        write_str(out, header);
                    }
                    _ => {}
                }
                out.push(b'}');
            }
            out.push(b'}');
        }
        out.push(b']');
        write_truncated(out, error);
        out.push(b'}');
    }
}

/// `{"type":...,"id":...,"attributes":{...},"links":{"self":...}}`
fn write_resource(
    out: &mut Vec<u8>,
    item: &dyn ResourceObject,
    ctx: &RenderContext<'_>,
) -> Result<(), serde_json::Error> {
    out.push(b'{');
    write_key(out, "type");
    write_str(out, item.resource_meta().short_name);
    out.push(b',');
    write_key(out, "id");
    write_str(out, &item.resource_id());
    let mark = out.len();
    out.extend_from_slice(b",\"attributes\":{");
    if ctx.write_properties(out, item, false)? == 0 {
        out.truncate(mark);
    } else {
        out.push(b'}');
    }
    write_relationships(out, item, ctx);
    let mark = out.len();
    out.extend_from_slice(b",\"links\":{\"self\":");
    if ctx.write_item_url(item, out) {
        out.push(b'}');
    } else {
        out.truncate(mark);
    }
    out.push(b'}');
    Ok(())
}

/// `"relationships":{"addresses":{"links":{"related":...},"data":[...]}}`: links to the
/// related resources, and the linkage of included relationships.
fn write_relationships(out: &mut Vec<u8>, item: &dyn ResourceObject, ctx: &RenderContext<'_>) {
    if !ctx.has_linkage() {
        // Links only: the text around them is the same for every item of a type.
        let written = ctx.write_related_links(out, item, |out, around| match around {
            Around::Before { name, first } => {
                out.extend_from_slice(if first { b",\"relationships\":{" } else { b"," });
                write_key(out, name);
                out.extend_from_slice(b"{\"links\":{\"related\":");
            }
            Around::After { .. } => out.extend_from_slice(b"}}"),
            _ => out.push(b'}'),
        });
        if written.is_some() {
            return;
        }
    }
    let mut written = 0;
    for relationship in ctx.relationships(item) {
        let opening: &[u8] = if written == 0 {
            b",\"relationships\":{"
        } else {
            b","
        };
        match (&relationship.related, relationship.linkage) {
            (Some(related), linkage) => {
                // `,"relationships":{"addresses":{"links":{"related":"https://…/customers/`
                // is the same for every item of the type: written once, then copied.
                let number = related.route_number() * 2 + usize::from(written == 0);
                ctx.write_fragment(out, number, |out| {
                    out.extend_from_slice(opening);
                    write_key(out, relationship.name);
                    out.extend_from_slice(b"{\"links\":{\"related\":");
                    related.write_json_head(out);
                });
                related.write_json_rest(out);
                out.push(b'}');
                if let Some(linkage) = linkage {
                    out.extend_from_slice(b",\"data\":");
                    write_linkage(out, linkage);
                }
            }
            (None, Some(linkage)) => {
                out.extend_from_slice(opening);
                write_key(out, relationship.name);
                out.extend_from_slice(b"{\"data\":");
                write_linkage(out, linkage);
            }
            // The render context only yields relationships with a link or linkage.
            (None, None) => {
                out.extend_from_slice(opening);
                write_key(out, relationship.name);
                out.push(b'{');
            }
        }
        out.push(b'}');
        written += 1;
    }
    if written > 0 {
        out.push(b'}');
    }
}

/// A relationship's `data`: identifiers, or one or `null`.
fn write_linkage(out: &mut Vec<u8>, linkage: &Linkage) {
    match linkage {
        Linkage::Many(identifiers) => {
            out.push(b'[');
            for (position, identifier) in identifiers.iter().enumerate() {
                if position > 0 {
                    out.push(b',');
                }
                write_identifier(out, identifier);
            }
            out.push(b']');
        }
        Linkage::One(Some(identifier)) => write_identifier(out, identifier),
        Linkage::One(None) => out.extend_from_slice(b"null"),
    }
}

/// `{"type":"customers-addresses","id":"..."}`
fn write_identifier(out: &mut Vec<u8>, (kind, id): &(&'static str, String)) {
    out.push(b'{');
    write_key(out, "type");
    write_str(out, kind);
    out.push(b',');
    write_key(out, "id");
    write_str(out, id);
    out.push(b'}');
}

/// `,"included":[...]` when the document has included resources.
fn write_included(out: &mut Vec<u8>, ctx: &RenderContext<'_>) -> Result<(), serde_json::Error> {
    let included = ctx.included();
    if included.is_empty() {
        return Ok(());
    }
    out.extend_from_slice(b",\"included\":[");
    for (index, item) in included.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_resource(out, item.as_ref(), ctx)?;
    }
    out.push(b']');
    Ok(())
}

/// A member that must be a JSON string.
fn string_member<'b>(raw: &'b RawValue, pointer: &str) -> Result<Cow<'b, str>, GlueError> {
    serde_json::from_str::<Cow<'b, str>>(raw.get())
        .map_err(|_| GlueError::invalid_document(pointer, format!("{pointer} must be a string.")))
}
