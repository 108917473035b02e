//! The plain JSON convention ("no convention", SPEC §4): `application/json` documents with the
//! resource's readable properties under `data`.

use crate::convention::json::{
    write_key, write_optional_str_member, write_page_meta, write_str, write_truncated, write_u64,
};
use crate::convention::schema::{ClientId, DocumentKind, SchemaSet};
use crate::convention::wire::{MEMBER_MARGIN, decode_envelope, decode_members};
use crate::convention::{
    Convention, DecodeTarget, MediaRange, PageInfo, RenderContext, WriteDocument,
};
use crate::error::{ErrorSource, GlueError};
use crate::meta::ResourceMeta;
use crate::resource::ResourceObject;
use serde_json::{Value, json};

/// Plain JSON: `{"data": {...}}` for items, `{"data": [...], "links": ..., "meta": ...}` for
/// collections, `{"code": 404, "message": "..."}` for errors.
///
/// ```
/// use glue_core::{Application, PlainJson};
///
/// let app = Application::backend().convention(PlainJson::new());
/// # let _ = app;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainJson {
    _private: (),
}

impl PlainJson {
    /// The plain JSON convention.
    #[must_use]
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl Convention for PlainJson {
    fn name(&self) -> &'static str {
        "json"
    }

    fn media_type(&self) -> &'static str {
        "application/json"
    }

    fn accepts(&self, media: &MediaRange<'_>) -> bool {
        media.is("application", "json", None)
    }

    fn default_page_form(&self) -> Option<&'static str> {
        Some("page")
    }

    fn decode<'b>(
        &self,
        body: &'b [u8],
        target: &DecodeTarget<'_>,
    ) -> Result<WriteDocument<'b>, GlueError> {
        let data = decode_envelope(body)?;
        let limit = target.resource.properties.len() + MEMBER_MARGIN;
        let attributes = decode_members(data, "/data", limit)?;
        Ok(WriteDocument {
            attributes,
            id: None,
        })
    }

    fn write_item(
        &self,
        out: &mut Vec<u8>,
        item: &dyn ResourceObject,
        ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error> {
        out.extend_from_slice(b"{\"data\":{");
        ctx.write_properties(out, item, true)?;
        out.extend_from_slice(b"}}");
        Ok(())
    }

    fn begin_collection(
        &self,
        out: &mut Vec<u8>,
        _ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error> {
        out.extend_from_slice(b"{\"data\":[");
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
        out.push(b'{');
        ctx.write_properties(out, item, true)?;
        out.push(b'}');
        Ok(())
    }

    fn end_collection(
        &self,
        out: &mut Vec<u8>,
        page: &PageInfo,
        _ctx: &RenderContext<'_>,
    ) -> Result<(), serde_json::Error> {
        out.push(b']');
        if page.paginated {
            out.extend_from_slice(b",\"links\":{");
            write_optional_str_member(out, "first", page.first.as_deref());
            out.push(b',');
            write_optional_str_member(out, "prev", page.prev.as_deref());
            out.push(b',');
            write_optional_str_member(out, "next", page.next.as_deref());
            out.push(b',');
            write_optional_str_member(out, "last", page.last.as_deref());
            out.extend_from_slice(b"},\"meta\":");
            write_page_meta(out, page);
        } else {
            out.extend_from_slice(b",\"meta\":{\"records\":");
            write_u64(out, page.records);
            out.push(b'}');
        }
        out.push(b'}');
        Ok(())
    }

    fn document_schema(&self, resource: &SchemaSet) -> Option<serde_json::Value> {
        let document = match resource.document() {
            DocumentKind::Item => json!({
                "type": "object",
                "required": ["data"],
                "properties": {"data": resource.readable(true)},
                "additionalProperties": false,
            }),
            DocumentKind::Collection => {
                let link = json!({"type": ["string", "null"]});
                json!({
                    "type": "object",
                    "required": ["data"],
                    "properties": {
                        "data": {"type": "array", "items": resource.readable(true)},
                        "links": {
                            "type": "object",
                            "properties": {
                                "first": link, "prev": link, "next": link, "last": link,
                            },
                        },
                        "meta": {
                            "type": "object",
                            "properties": {
                                "page": {"type": "integer", "minimum": 1},
                                "pages": {"type": "integer", "minimum": 1},
                                "records": {"type": "integer", "minimum": 0},
                                "records_per_page": {"type": "integer", "minimum": 0},
                                "records_total": {"type": "integer", "minimum": 0},
                            },
                        },
                    },
                    "additionalProperties": false,
                })
            }
            _ => {
                // The body is the properties, the identifier among them where one may be sent.
                let mut data = resource.writable();
                if let (Some(name), Some(schema), Value::Object(object)) =
                    (resource.identifier_name(), resource.identifier(), &mut data)
                {
                    match resource.client_id() {
                        ClientId::Forbidden => {}
                        client => {
                            if let Some(Value::Object(members)) = object.get_mut("properties") {
                                members.insert(name.to_owned(), schema);
                            }
                            if client == ClientId::Required {
                                let required = object
                                    .entry("required")
                                    .or_insert_with(|| Value::Array(Vec::new()));
                                if let Value::Array(names) = required {
                                    names.push(Value::from(name));
                                }
                            }
                        }
                    }
                }
                json!({
                    "type": "object",
                    "required": ["data"],
                    "properties": {"data": data},
                })
            }
        };
        Some(document)
    }

    /// Plain JSON carries the identifier among the properties.
    fn identifier_pointer(&self, resource: &ResourceMeta) -> Option<String> {
        resource
            .identifier()
            .map(|property| crate::convention::property_pointer("/data", property.name))
    }

    fn error_schema(&self) -> Option<serde_json::Value> {
        Some(json!({
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string"},
                "errors": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "additionalProperties": false,
        }))
    }

    fn write_error(&self, out: &mut Vec<u8>, error: &GlueError) {
        out.extend_from_slice(b"{\"code\":");
        write_u64(out, u64::from(error.status().as_u16()));
        if error.is_validation() {
            out.extend_from_slice(b",\"message\":\"Validation errors.\",\"errors\":{");
            let mut keys: Vec<&str> = Vec::new();
            for object in error.errors() {
                if let Some(ErrorSource::Property(key) | ErrorSource::Identifier(key)) =
                    &object.source
                    && !keys.contains(&key.as_str())
                {
                    keys.push(key);
                }
            }
            for (position, key) in keys.iter().enumerate() {
                if position > 0 {
                    out.push(b',');
                }
                write_key(out, key);
                out.push(b'[');
                let messages = error.errors().iter().filter(|object| {
                    matches!(&object.source,
                        Some(ErrorSource::Property(k) | ErrorSource::Identifier(k)) if k == key)
                });
                for (index, object) in messages.enumerate() {
                    if index > 0 {
                        out.push(b',');
                    }
                    write_str(out, object.detail.as_deref().unwrap_or(&object.title));
                }
                out.push(b']');
            }
            out.push(b'}');
            write_truncated(out, error);
            out.push(b'}');
        } else {
            out.extend_from_slice(b",\"message\":");
            let first = &error.errors()[0];
            write_str(out, first.detail.as_deref().unwrap_or(&first.title));
            out.push(b'}');
        }
    }
}
