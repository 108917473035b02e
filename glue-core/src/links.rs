//! Absolute links (SPEC §3.1): built from the configured base URL, else from `Host`, with
//! uri variables percent-encoded, written straight into the response buffer.

use std::io::Write as _;
use std::sync::Arc;

use glue_common::Scalar;
use glue_common::template::Segment;
use http::HeaderMap;
use http::uri::{Authority, Uri};

use crate::meta::{OperationKind, PropertyType, RelationshipMeta, ResourceMeta};
use crate::resource::ResourceObject;

/// A uri template split into literal text and variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Literal text, as it is and escaped for the inside of a JSON string.
    Literal {
        raw: String,
        json: String,
    },
    Variable(String),
}

impl Template {
    pub(crate) fn parse(template: &str) -> Self {
        let parts = glue_common::template::segments(template)
            .map(|segment| match segment {
                Segment::Literal(text) => Part::Literal {
                    raw: text.to_owned(),
                    json: json_fragment(text),
                },
                Segment::Variable(name) => Part::Variable(name.to_owned()),
            })
            .collect();
        Self { parts }
    }

    /// The variable names, in order.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Variable(name) => Some(name.as_str()),
            Part::Literal { .. } => None,
        })
    }

    /// Writes the expanded path (literals as they are, values percent-encoded) into `out`;
    /// writes nothing and answers `false` when a variable has no value. `json` escapes the
    /// literals for the inside of a JSON string (values need no escaping once encoded).
    pub(crate) fn write<'v>(
        &self,
        out: &mut Vec<u8>,
        json: bool,
        mut value: impl FnMut(&str) -> Option<Scalar<'v>>,
    ) -> bool {
        let mark = out.len();
        for part in &self.parts {
            match part {
                Part::Literal { json: text, .. } if json => out.extend_from_slice(text.as_bytes()),
                Part::Literal { raw, .. } => out.extend_from_slice(raw.as_bytes()),
                Part::Variable(name) => {
                    let written = value(name).is_some_and(|value| write_segment(out, &value));
                    if !written {
                        out.truncate(mark);
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// Whether a value makes a path segment: not null, not composite, not an empty text.
fn fills_segment(value: &Scalar<'_>) -> bool {
    match value {
        Scalar::Null | Scalar::Composite => false,
        Scalar::String(text) => !text.is_empty(),
        _ => true,
    }
}

/// Writes a value as a percent-encoded path segment; `false` (nothing written) for a value
/// that does not [fill one](fills_segment).
#[inline]
fn write_segment(out: &mut Vec<u8>, value: &Scalar<'_>) -> bool {
    match value {
        Scalar::String(text) if !text.is_empty() => {
            write_encoded(out, text);
            true
        }
        other if !fills_segment(other) => false,
        other => write_formatted(out, other),
    }
}

/// Numbers, booleans and dates: short text, written without allocating.
#[inline(never)]
fn write_formatted(out: &mut Vec<u8>, value: &Scalar<'_>) -> bool {
    let mut buffer = [0u8; 64];
    let mut cursor = &mut buffer[..];
    // Numbers, booleans, dates and instants all fit in 64 bytes.
    if write!(cursor, "{value}").is_err() {
        return false;
    }
    let written = 64 - cursor.len();
    let text = std::str::from_utf8(&buffer[..written]).unwrap_or_default();
    write_encoded(out, text);
    written > 0
}

/// Whether a byte is unreserved (RFC 3986) and so stands for itself in a path segment.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        byte += 1;
    }
    table
};

/// Appends text percent-encoded as a path segment; text that needs no encoding (most
/// identifiers) is copied at once.
#[inline]
fn write_encoded(out: &mut Vec<u8>, text: &str) {
    // Identifiers are short and almost always plain: the bytes are copied while they are
    // looked at (one pass, no branch for each), and taken back in the rare other case.
    let mark = out.len();
    let mut plain = true;
    #[expect(
        clippy::manual_inspect,
        reason = "`map` keeps the length known, so `extend` reserves once and copies without \
                  a check per byte; `inspect` does not"
    )]
    out.extend(text.bytes().map(|byte| {
        plain &= UNRESERVED[usize::from(byte)];
        byte
    }));
    if !plain {
        out.truncate(mark);
        write_percent_encoded(out, text);
    }
}

#[inline(never)]
fn write_percent_encoded(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if UNRESERVED[usize::from(byte)] {
            out.push(byte);
        } else {
            out.extend_from_slice(&[
                b'%',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xF)],
            ]);
        }
    }
}

/// Text as the inside of a JSON string (escaped, without quotes).
fn json_fragment(text: &str) -> String {
    let mut quoted = Vec::with_capacity(text.len() + 2);
    crate::json::write_str(&mut quoted, text);
    String::from_utf8_lossy(&quoted[1..quoted.len() - 1]).into_owned()
}

/// The route that lists the items related to an item through one relationship: the target's
/// collection route (to-many) or item route (to-one), every variable of which is the key.
#[derive(Debug, Clone)]
pub(crate) struct RelatedRoute {
    /// The literal text around the variables (one more than there are variables), escaped
    /// for the inside of a JSON string, the last one followed by the closing quote.
    json: Vec<String>,
    /// This resource's property whose value fills the route.
    own: &'static str,
    /// Whether that property is a text identifier, which the item lends without a lookup by
    /// name.
    own_is_identifier: bool,
    /// The route's number among the application's related routes.
    slot: usize,
}

impl RelatedRoute {
    /// Where the route's key comes from.
    pub(crate) fn key(&self) -> RelatedKey {
        RelatedKey {
            own: self.own,
            own_is_identifier: self.own_is_identifier,
        }
    }
}

/// Where the key of a related link comes from: the item's property that fills its route.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RelatedKey {
    own: &'static str,
    own_is_identifier: bool,
}

impl RelatedKey {
    /// Writes the key of an item's link, percent-encoded: what differs between the links of
    /// one route. `false`, writing nothing, when the key has no value.
    #[inline]
    pub(crate) fn write(self, out: &mut Vec<u8>, item: &dyn ResourceObject) -> bool {
        if self.own_is_identifier {
            write_segment(out, &Scalar::String(item.resource_id()))
        } else {
            item.resource_property(self.own)
                .is_some_and(|key| write_segment(out, &key))
        }
    }
}

/// The routes links are built from, computed when the application is built, by resource.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    resources: Vec<ResourceRoutes>,
}

/// The routes of one resource (one declaration: a version or code bucket variant is another).
#[derive(Debug)]
struct ResourceRoutes {
    /// The address of the resource's metadata (each is one `static`).
    address: usize,
    /// The item route of its type (`/customers/{customerReference}`).
    item: Option<Template>,
    /// One entry per relationship.
    related: Vec<Option<RelatedRoute>>,
}

impl Routes {
    /// The routes of these resources; of several routes of one type, the first one's.
    pub(crate) fn new(
        resources: &[&ResourceMeta],
        route: impl Fn(&ResourceMeta, OperationKind) -> Option<String>,
    ) -> Self {
        let first = |short_name: &str, kind: OperationKind| {
            resources
                .iter()
                .filter(|meta| meta.short_name == short_name)
                .find_map(|meta| route(meta, kind))
                .map(|template| Template::parse(&template))
        };
        let mut slots = 0..;
        let resources = resources
            .iter()
            .map(|meta| ResourceRoutes {
                address: address(meta),
                item: first(meta.short_name, OperationKind::Get),
                related: meta
                    .relationships
                    .iter()
                    .map(|relationship| {
                        let target = (relationship.target)();
                        let kind = if relationship.many {
                            OperationKind::GetCollection
                        } else {
                            OperationKind::Get
                        };
                        let mut route = RelatedRoute::new(
                            meta,
                            relationship,
                            &first(target.short_name, kind)?,
                        )?;
                        route.slot = slots.next().unwrap_or_default();
                        Some(route)
                    })
                    .collect(),
            })
            .collect();
        Self { resources }
    }

    fn of(&self, meta: &ResourceMeta) -> Option<&ResourceRoutes> {
        let address = address(meta);
        self.resources
            .iter()
            .find(|routes| routes.address == address)
    }
}

impl RelatedRoute {
    /// The route of a relationship, when the target's route selects by the key alone (a
    /// collection route without the key would list every item).
    fn new(
        meta: &ResourceMeta,
        relationship: &RelationshipMeta,
        template: &Template,
    ) -> Option<Self> {
        let target = (relationship.target)();
        let (own, theirs) = relationship.keys.first()?;
        let by_key = template.variables().next().is_some()
            && template.variables().all(|variable| {
                target
                    .uri_variable_property(variable)
                    .is_some_and(|property| property.name == *theirs)
            });
        if !by_key {
            return None;
        }
        let json = json_literals(template)?;
        Some(Self {
            json,
            own,
            own_is_identifier: meta.identifier().is_some_and(|id| {
                id.name == *own && id.ty == PropertyType::String && id.format.is_none()
            }),
            slot: 0,
        })
    }
}

/// A template's literal text around its variables (one more than there are variables),
/// escaped for the inside of a JSON string, the last one followed by the closing quote.
fn json_literals(template: &Template) -> Option<Vec<String>> {
    let mut literals = vec![String::new()];
    for part in &template.parts {
        match part {
            Part::Literal { json, .. } => literals.last_mut()?.push_str(json),
            Part::Variable(_) => literals.push(String::new()),
        }
    }
    literals.last_mut()?.push('"');
    Some(literals)
}

/// The identity of a resource's metadata.
fn address(meta: &ResourceMeta) -> usize {
    std::ptr::from_ref(meta) as usize
}

/// The link builder of one request.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    base: String,
    /// The base, escaped for the inside of a JSON string, where escaping changes it.
    base_escaped: Option<String>,
    routes: Arc<Routes>,
}

impl Links {
    pub(crate) fn new(base: String, routes: Arc<Routes>) -> Self {
        Self {
            base_escaped: (!crate::json::is_plain(&base)).then(|| json_fragment(&base)),
            base,
            routes,
        }
    }

    /// An absolute URL for a path on this application.
    #[must_use]
    pub(crate) fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base.len() + path.len());
        url.push_str(&self.base);
        url.push_str(path);
        url
    }

    /// Writes the absolute URL of an item as a JSON string (quoted), straight into `out`;
    /// writes nothing and answers `false` when its resource has no item route.
    pub(crate) fn write_item_url_json(&self, item: &dyn ResourceObject, out: &mut Vec<u8>) -> bool {
        let Some(template) = self
            .routes
            .of(item.resource_meta())
            .and_then(|routes| routes.item.as_ref())
        else {
            return false;
        };
        let mark = out.len();
        out.push(b'"');
        out.extend_from_slice(self.base_json().as_bytes());
        let written = template.write(out, true, |name| {
            item.resource_uri_value(name).map(Scalar::String)
        });
        if written {
            out.push(b'"');
        } else {
            out.truncate(mark);
        }
        written
    }

    /// The absolute URL of an item, when its resource has an item route.
    #[must_use]
    pub(crate) fn item_url(&self, item: &dyn ResourceObject) -> Option<String> {
        let template = self.routes.of(item.resource_meta())?.item.as_ref()?;
        let mut url = self.base.as_bytes().to_vec();
        template
            .write(&mut url, false, |name| {
                item.resource_uri_value(name).map(Scalar::String)
            })
            .then(|| String::from_utf8(url).ok())
            .flatten()
    }

    /// The routes of the relationships of a type, by position (`None` where a relationship's
    /// target has no route that lists by the key); empty for an unknown type.
    #[inline]
    pub(crate) fn related_routes(&self, meta: &ResourceMeta) -> &[Option<RelatedRoute>] {
        self.routes
            .of(meta)
            .map_or(&[], |routes| routes.related.as_slice())
    }

    /// A route's text around its key, escaped for the inside of a JSON string: before it
    /// (after the base) and after it, with the closing quote. `None` for a route with more
    /// than one variable.
    pub(crate) fn route_text<'r>(&self, route: &'r RelatedRoute) -> Option<(&'r str, &'r str)> {
        match route.json.as_slice() {
            [head, tail] => Some((head, tail)),
            _ => None,
        }
    }

    /// The base, escaped for the inside of a JSON string.
    pub(crate) fn base_json(&self) -> &str {
        self.base_escaped.as_deref().unwrap_or(&self.base)
    }

    /// The link to the items related to `item` through the relationship whose route this
    /// is (SPEC §3.3), when the key has a value.
    #[inline]
    pub(crate) fn related<'a>(
        &'a self,
        route: &'a RelatedRoute,
        item: &'a dyn ResourceObject,
    ) -> Option<Related<'a>> {
        let key = if route.own_is_identifier {
            // The identifier as URLs carry it (`/customers/DE--7/addresses`).
            Scalar::String(item.resource_id())
        } else {
            item.resource_property(route.own)?
        };
        fills_segment(&key).then_some(Related {
            links: self,
            route,
            key,
        })
    }
}

/// The link to an item's related items, not yet written.
#[derive(Debug)]
pub struct Related<'a> {
    links: &'a Links,
    route: &'a RelatedRoute,
    key: Scalar<'a>,
}

impl Related<'_> {
    /// Writes the link as a JSON string (quoted) into `out`: [`write_json_head`] then
    /// [`write_json_rest`].
    ///
    /// [`write_json_head`]: Self::write_json_head
    /// [`write_json_rest`]: Self::write_json_rest
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.write_json_head(out);
        self.write_json_rest(out);
    }

    /// Writes the JSON string up to the key (the opening quote, the base URL and the route's
    /// text before its variable): the same for every item of a type in one document, so a
    /// convention may write it once ([`RenderContext::write_fragment`]).
    ///
    /// [`RenderContext::write_fragment`]: crate::convention::RenderContext::write_fragment
    pub fn write_json_head(&self, out: &mut Vec<u8>) {
        out.push(b'"');
        out.extend_from_slice(self.links.base_json().as_bytes());
        if let Some(head) = self.route.json.first() {
            out.extend_from_slice(head.as_bytes());
        }
    }

    /// The number of the link's route among the application's related routes: links of
    /// one number differ only in their key, so text a convention writes around
    /// [`write_json_head`](Self::write_json_head) can be a
    /// [fragment](crate::convention::RenderContext::write_fragment) numbered after it.
    #[must_use]
    pub fn route_number(&self) -> usize {
        self.route.slot
    }

    /// Writes the rest of the JSON string: the key, the route's text after it, the closing
    /// quote.
    #[inline]
    pub fn write_json_rest(&self, out: &mut Vec<u8>) {
        match self.route.json.as_slice() {
            // One variable, the usual route (`/customers/{customerReference}/addresses`).
            [_, tail] => {
                write_segment(out, &self.key);
                out.extend_from_slice(tail.as_bytes());
            }
            literals => {
                for literal in literals.iter().skip(1) {
                    write_segment(out, &self.key);
                    out.extend_from_slice(literal.as_bytes());
                }
            }
        }
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
    let authority = request_authority(uri, headers);
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = authority.as_ref().map_or("localhost", Authority::as_str);
    format!("{scheme}://{host}{mount_path}")
}

/// The authority a request is addressed to: an absolute request target's, else `Host`
/// (RFC 9112 §3.2.2: a server uses the target's authority and ignores `Host` then).
pub(crate) fn request_authority(uri: &Uri, headers: &HeaderMap) -> Option<Authority> {
    uri.authority().cloned().or_else(|| {
        headers
            .get(http::header::HOST)
            .and_then(|host| host.to_str().ok())
            .and_then(|host| host.parse::<Authority>().ok())
    })
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
        let mut out = Vec::new();
        let written = template.write(&mut out, false, |name| {
            Some(Scalar::String(
                if name == "uuid" { "a b/c" } else { "DE--1" }.into(),
            ))
        });
        assert!(written);
        assert_eq!(out, b"/customers/DE--1/addresses/a%20b%2Fc");
        let mut out = b"x".to_vec();
        assert!(!template.write(&mut out, false, |_| Some(Scalar::Null)));
        assert_eq!(out, b"x");
        let mut out = Vec::new();
        assert!(Template::parse("/n/{n}").write(&mut out, true, |_| Some(Scalar::Integer(-7))));
        assert_eq!(out, b"/n/-7");
    }

    #[test]
    fn related_links_encode_their_key_and_escape_for_json() {
        let links = Links::new("http://h/a\"b\\c".to_owned(), Arc::default());
        let date = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let keys = [
            (Scalar::String("DE--1".into()), "DE--1"),
            (Scalar::String("a b/c\"ü~".into()), "a%20b%2Fc%22%C3%BC~"),
            (Scalar::Integer(-7), "-7"),
            (Scalar::Boolean(true), "true"),
            (Scalar::Date(date), "2024-02-29"),
        ];
        for template in ["/c/{k}/addresses", "/c/{k}", "/{k}/x/{k}/y", "/{k}"] {
            let json = json_literals(&Template::parse(template)).unwrap();
            let route = RelatedRoute {
                json,
                own: "k",
                own_is_identifier: false,
                slot: 0,
            };
            for (key, segment) in &keys {
                assert!(fills_segment(key));
                let related = Related {
                    links: &links,
                    route: &route,
                    key: key.reborrow(),
                };
                let mut out = Vec::new();
                related.write_json(&mut out);
                let parsed: String = serde_json::from_slice(&out).unwrap();
                assert_eq!(
                    parsed,
                    format!("http://h/a\"b\\c{}", template.replace("{k}", segment)),
                    "{key:?}"
                );
            }
        }
        assert!(!fills_segment(&Scalar::String("".into())));
        assert!(!fills_segment(&Scalar::Null));
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
