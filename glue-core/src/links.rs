//! Absolute links (SPEC §3.1): built from the configured base URL, else from `Host`, with
//! uri variables percent-encoded.

use std::collections::HashMap;
use std::sync::Arc;

use glue_common::template::Segment;
use http::HeaderMap;
use http::uri::{Authority, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::meta::RelationshipMeta;
use crate::resource::ResourceObject;

/// Characters kept as they are in a path segment: the unreserved set of RFC 3986.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment.
#[must_use]
pub fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// A uri template split into literal text and variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Variable(String),
}

impl Template {
    pub(crate) fn parse(template: &str) -> Self {
        let parts = glue_common::template::segments(template)
            .map(|segment| match segment {
                Segment::Literal(text) => Part::Literal(text.to_owned()),
                Segment::Variable(name) => Part::Variable(name.to_owned()),
            })
            .collect();
        Self { parts }
    }

    /// The variable names, in order.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Variable(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    fn expand(&self, out: &mut String, value: impl Fn(&str) -> Option<String>) -> Option<()> {
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Variable(name) => {
                    let value = value(name).filter(|value| !value.is_empty())?;
                    out.push_str(&encode_segment(&value));
                }
            }
        }
        Some(())
    }

    /// Writes the expanded path straight into a JSON string being written: literals escaped,
    /// values percent-encoded (which leaves nothing to escape). Writes nothing and answers
    /// `false` when a variable has no value.
    fn write_json(&self, out: &mut Vec<u8>, item: &dyn ResourceObject) -> bool {
        let mark = out.len();
        for part in &self.parts {
            match part {
                Part::Literal(text) => write_json_fragment(out, text),
                Part::Variable(name) => {
                    let Some(value) = item
                        .resource_uri_value(name)
                        .filter(|value| !value.is_empty())
                    else {
                        out.truncate(mark);
                        return false;
                    };
                    for chunk in utf8_percent_encode(&value, SEGMENT) {
                        out.extend_from_slice(chunk.as_bytes());
                    }
                }
            }
        }
        true
    }
}

/// Appends text as the inside of a JSON string (escaped, without quotes).
fn write_json_fragment(out: &mut Vec<u8>, text: &str) {
    if text
        .bytes()
        .any(|byte| byte == b'"' || byte == b'\\' || byte < 0x20)
    {
        let mut quoted = Vec::with_capacity(text.len() + 2);
        crate::json::write_str(&mut quoted, text);
        out.extend_from_slice(&quoted[1..quoted.len() - 1]);
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// The item and collection routes of an application's resources, by resource type.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    items: HashMap<&'static str, Template>,
    collections: HashMap<&'static str, Template>,
}

impl Routes {
    pub(crate) fn insert_item(&mut self, resource_type: &'static str, template: Template) {
        self.items.entry(resource_type).or_insert(template);
    }

    pub(crate) fn insert_collection(&mut self, resource_type: &'static str, template: Template) {
        self.collections.entry(resource_type).or_insert(template);
    }
}

/// The link builder of one request.
#[derive(Debug, Clone)]
pub struct Links {
    base: String,
    routes: Arc<Routes>,
}

impl Links {
    pub(crate) fn new(base: String, routes: Arc<Routes>) -> Self {
        Self { base, routes }
    }

    /// The base URL: scheme, host and mount path, without a trailing slash.
    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// An absolute URL for a path on this application.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base.len() + path.len());
        url.push_str(&self.base);
        url.push_str(path);
        url
    }

    /// Writes the absolute URL of an item as a JSON string (quoted), straight into `out`;
    /// writes nothing and answers `false` when its resource has no item route.
    pub fn write_item_url_json(&self, item: &dyn ResourceObject, out: &mut Vec<u8>) -> bool {
        let Some(template) = self.routes.items.get(item.resource_meta().short_name) else {
            return false;
        };
        let mark = out.len();
        out.push(b'"');
        write_json_fragment(out, &self.base);
        if template.write_json(out, item) {
            out.push(b'"');
            true
        } else {
            out.truncate(mark);
            false
        }
    }

    /// The absolute URL of an item, when its resource has an item route.
    #[must_use]
    pub fn item_url(&self, item: &dyn ResourceObject) -> Option<String> {
        let template = self.routes.items.get(item.resource_meta().short_name)?;
        let mut url = String::with_capacity(self.base.len() + 48);
        url.push_str(&self.base);
        template.expand(&mut url, |name| {
            item.resource_uri_value(name)
                .map(|value| value.into_owned())
        })?;
        Some(url)
    }
}

impl Links {
    /// The absolute URL of the items related to `item` through `relationship` (SPEC §3.3): the
    /// target's collection route (to-many) or item route (to-one), its variables taken from
    /// `item` through the relationship's key; `None` when the target has no such route or a
    /// variable cannot be filled.
    #[must_use]
    pub fn related_url(
        &self,
        item: &dyn ResourceObject,
        relationship: &RelationshipMeta,
    ) -> Option<String> {
        let target = (relationship.target)();
        let routes = if relationship.many {
            &self.routes.collections
        } else {
            &self.routes.items
        };
        let template = routes.get(target.short_name)?;
        let (own, theirs) = relationship.keys.first()?;
        // The route must select by the key: a collection route without it lists every item.
        if !template.variables().any(|variable| {
            target
                .uri_variable_property(variable)
                .is_some_and(|p| p.name == *theirs)
        }) {
            return None;
        }
        let mut url = String::with_capacity(self.base.len() + 48);
        url.push_str(&self.base);
        template.expand(&mut url, |variable| {
            // The variable holds a target property; the key says which property of `item`
            // has the same value.
            let property = target.uri_variable_property(variable)?;
            if property.name != *theirs {
                return None;
            }
            match item.resource_property(own)? {
                serde_json::Value::String(text) => Some(text),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            }
        })?;
        Some(url)
    }
}

/// The base URL of a request: the configured one, else `http://` and the request's host
/// (from an absolute request target, else `Host`), followed by the mount path.
pub(crate) fn request_base(
    configured: Option<&str>,
    mount_path: &str,
    uri: &Uri,
    headers: &HeaderMap,
) -> String {
    if let Some(base) = configured {
        return base.to_owned();
    }
    let authority = uri.authority().cloned().or_else(|| {
        headers
            .get(http::header::HOST)
            .and_then(|host| host.to_str().ok())
            .and_then(|host| host.parse::<Authority>().ok())
    });
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = authority.as_ref().map_or("localhost", Authority::as_str);
    format!("{scheme}://{host}{mount_path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_expand_with_encoded_values() {
        let template = Template::parse("/customers/{customerReference}/addresses/{uuid}");
        assert_eq!(
            template.variables().collect::<Vec<_>>(),
            ["customerReference", "uuid"]
        );
        let mut out = String::new();
        template
            .expand(&mut out, |name| {
                Some(if name == "uuid" { "a b/c" } else { "DE--1" }.to_owned())
            })
            .unwrap();
        assert_eq!(out, "/customers/DE--1/addresses/a%20b%2Fc");
    }

    #[test]
    fn base_comes_from_configuration_else_host() {
        let uri: Uri = "/customers".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(http::header::HOST, "shop.test:8081".parse().unwrap());
        assert_eq!(
            request_base(None, "", &uri, &headers),
            "http://shop.test:8081"
        );
        assert_eq!(
            request_base(Some("https://api.example.com/v1"), "", &uri, &headers),
            "https://api.example.com/v1"
        );
        headers.insert(http::header::HOST, "bad host\"".parse().unwrap());
        assert_eq!(
            request_base(None, "/api", &uri, &headers),
            "http://localhost/api"
        );
    }
}
