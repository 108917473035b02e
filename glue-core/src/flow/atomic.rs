//! `POST /operations`: the JSON:API Atomic Operations extension (SPEC §12.3).
//!
//! The request is checked whole first (its media types, its document, that every operation
//! names a resource and an operation the application serves, and that its storage can join
//! the transaction); then each operation runs as the request of its own route would (the
//! same authentication, security, validation and processor), in order, every one inside the
//! request's [`Transactions`]. `lid`s name items created by earlier operations. The first
//! failure rolls everything back and is the answer, its pointers inside the operation
//! (`/atomic:operations/2/data/attributes/email`); when every operation succeeds, everything
//! is committed and the results come back in order.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::request::Parts;
use http::{Method, Response, StatusCode};
use http_body::Body as HttpBody;
use serde_json::{Map, Value};

use super::app::App;
use super::body::read_body;
use super::negotiate;
use super::scope::Scope;
use crate::atomic::{ATOMIC_EXTENSION, Transactions};
use crate::body::{Body, BoxError};
use crate::error::{ErrorSource, GlueError};
use crate::meta::OperationKind;
use crate::model::{OperationModel, RouteModel};
use crate::negotiate::{MediaRange, accept_header, acceptable_ranges};

/// The media type of the extension's documents.
const ATOMIC_MEDIA_TYPE: &str = "application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"";

/// At most this many operations in one request.
const MAX_OPERATIONS: usize = 500;

/// Serves the atomic endpoint.
pub(crate) async fn serve<B>(
    app: &App,
    mut parts: Parts,
    body: B,
    scope: &Scope,
) -> Result<Response<Body>, GlueError>
where
    B: HttpBody + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    check_media_types(&parts)?;
    // Once for the whole request: the operations carry the principal, so that they need
    // neither the credentials (a query parameter stays behind) nor a store connection each.
    super::authenticate::authenticate(&app.auth, &mut parts, app.model.name()).await?;
    let bytes = read_body(body, app.body_limit, &parts).await?;
    let operations = parse(&bytes)?;
    let planned = operations
        .iter()
        .enumerate()
        .map(|(index, operation)| plan(app, index, operation))
        .collect::<Result<Vec<_>, _>>()?;
    let transactions = Arc::new(Transactions::default());
    match run(app, &parts, scope, &planned, &transactions).await {
        Ok(results) => {
            transactions.commit().await?;
            Ok(answer(results))
        }
        Err(error) => {
            transactions.rollback().await;
            Err(error)
        }
    }
}

/// `Content-Type` must be JSON:API with the extension (415); `Accept`, when it names JSON:API,
/// must allow it (406).
fn check_media_types(parts: &Parts) -> Result<(), GlueError> {
    let with_atomic = |media: &MediaRange<'_>| {
        media.is("application", "vnd.api", Some("json"))
            && media.params().all(|(name, value)| match name.as_ref() {
                "ext" => value.split_whitespace().all(|uri| uri == ATOMIC_EXTENSION),
                "profile" | "version" => true,
                _ => false,
            })
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(MediaRange::parse);
    let atomic = content_type.as_ref().is_some_and(|media| {
        with_atomic(media)
            && media
                .params()
                .any(|(name, value)| name == "ext" && value.contains(ATOMIC_EXTENSION))
    });
    if !atomic {
        return Err(GlueError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Atomic operations are sent as {ATOMIC_MEDIA_TYPE}."),
        )
        .with_source(ErrorSource::Header("Content-Type".to_owned())));
    }
    let accept = accept_header(&parts.headers);
    if let Some(accept) = accept.as_deref().filter(|text| !text.trim().is_empty()) {
        let acceptable = acceptable_ranges(accept).any(|media| {
            media.is("*", "*", None) || media.is("application", "*", None) || with_atomic(&media)
        });
        if !acceptable {
            return Err(GlueError::new(
                StatusCode::NOT_ACCEPTABLE,
                format!("Atomic operations answer {ATOMIC_MEDIA_TYPE}; Accept does not allow it."),
            )
            .with_source(ErrorSource::Header("Accept".to_owned())));
        }
    }
    Ok(())
}

/// The operations of the document.
fn parse(bytes: &[u8]) -> Result<Vec<Map<String, Value>>, GlueError> {
    crate::convention::wire::check_depth(bytes)?;
    let document: Value = serde_json::from_slice(bytes).map_err(|error| {
        GlueError::bad_request(format!("The body is not a JSON document: {error}"))
    })?;
    let Value::Object(mut document) = document else {
        return Err(GlueError::invalid_document(
            "",
            "The document must be an object.",
        ));
    };
    for key in document.keys() {
        if !matches!(key.as_str(), "atomic:operations" | "jsonapi" | "meta") {
            return Err(GlueError::invalid_document(
                format!("/{key}"),
                format!("\"{key}\" is not a member of an atomic request."),
            ));
        }
    }
    let Some(Value::Array(operations)) = document.remove("atomic:operations") else {
        return Err(GlueError::invalid_document(
            "/atomic:operations",
            "An atomic request has an \"atomic:operations\" array.",
        ));
    };
    if operations.is_empty() || operations.len() > MAX_OPERATIONS {
        return Err(GlueError::invalid_document(
            "/atomic:operations",
            format!("An atomic request has 1 to {MAX_OPERATIONS} operations."),
        ));
    }
    operations
        .into_iter()
        .enumerate()
        .map(|(index, operation)| match operation {
            Value::Object(operation) => Ok(operation),
            _ => Err(GlueError::invalid_document(
                format!("/atomic:operations/{index}"),
                "An operation is an object.",
            )),
        })
        .collect()
}

/// One operation, checked: what it does, to which resource type, where.
struct Planned {
    kind: OperationKind,
    method: Method,
    resource: &'static str,
    /// The request's path: `href`, the collection's route, or the item's with its id (or
    /// `lid`, resolved when the operation runs).
    target: Target,
    data: Option<Value>,
    /// The `lid` an `add` gives the created item.
    lid: Option<String>,
}

enum Target {
    Path(String),
    Item {
        template: String,
        reference: Reference,
    },
    /// A sub-resource's collection: each parent variable from the relationship of `data`
    /// that joins on it (`customer` for `{customerReference}`).
    Child {
        template: String,
        parents: Vec<(String, &'static str)>,
    },
}

enum Reference {
    Id(String),
    Lid(String),
}

fn invalid(index: usize, member: &str, detail: impl Into<String>) -> GlueError {
    GlueError::invalid_document(format!("/atomic:operations/{index}{member}"), detail)
}

fn plan(app: &App, index: usize, operation: &Map<String, Value>) -> Result<Planned, GlueError> {
    let (kind, method) = op_kind(index, operation)?;
    let data = operation.get("data").cloned();
    let named = named(index, kind, operation)?;
    let (route, served) = served(app, index, kind, &named)?;
    let href = operation
        .get("href")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(href) = &href {
        check_href(app, index, href, route)?;
    }
    let target = target(index, kind, href, route.template(), served.resource, named)?;
    let lid = match (&data, kind) {
        (Some(Value::Object(data)), OperationKind::Post) => {
            data.get("lid").and_then(Value::as_str).map(str::to_owned)
        }
        _ => None,
    };
    Ok(Planned {
        kind,
        method,
        resource: served.resource.short_name,
        target,
        data,
        lid,
    })
}

/// The members of an operation are known, and `op` is one of the three.
fn op_kind(
    index: usize,
    operation: &Map<String, Value>,
) -> Result<(OperationKind, Method), GlueError> {
    for key in operation.keys() {
        if !matches!(key.as_str(), "op" | "ref" | "href" | "data" | "meta") {
            return Err(invalid(
                index,
                &format!("/{key}"),
                format!("\"{key}\" is not a member of an operation."),
            ));
        }
    }
    match operation.get("op").and_then(Value::as_str) {
        Some("add") => Ok((OperationKind::Post, Method::POST)),
        Some("update") => Ok((OperationKind::Patch, Method::PATCH)),
        Some("remove") => Ok((OperationKind::Delete, Method::DELETE)),
        _ => Err(invalid(
            index,
            "/op",
            "\"op\" is one of \"add\", \"update\", \"remove\".",
        )),
    }
}

/// What an operation names: the resource type and, for an item, its `id` or `lid`; from
/// `ref`, else from `data`.
struct Named {
    resource: String,
    member: &'static str,
    reference: Option<Reference>,
}

fn named(
    index: usize,
    kind: OperationKind,
    operation: &Map<String, Value>,
) -> Result<Named, GlueError> {
    let object = |member: &'static str| match operation.get(member) {
        None => Ok(None),
        Some(Value::Object(object)) => Ok(Some(object)),
        Some(_) => Err(invalid(index, &format!("/{member}"), "must be an object")),
    };
    let (data, reference) = (object("data")?, object("ref")?);
    let (source, member) = match (reference, data, kind) {
        (_, None, OperationKind::Post) => {
            return Err(invalid(index, "", "An \"add\" operation has \"data\"."));
        }
        (None, _, OperationKind::Delete) => {
            return Err(invalid(index, "", "A \"remove\" operation has \"ref\"."));
        }
        (Some(reference), _, _) => (reference, "/ref"),
        (None, Some(data), _) => (data, "/data"),
        (None, None, _) => {
            return Err(invalid(
                index,
                "",
                "An \"update\" operation has \"ref\" or \"data\".",
            ));
        }
    };
    let Some(resource) = source.get("type").and_then(Value::as_str) else {
        return Err(invalid(
            index,
            &format!("{member}/type"),
            "\"type\" is required.",
        ));
    };
    let text = |name: &str| source.get(name).and_then(Value::as_str).map(str::to_owned);
    let reference = match (text("id"), text("lid")) {
        (Some(id), _) => Some(Reference::Id(id)),
        (None, Some(lid)) => Some(Reference::Lid(lid)),
        (None, None) => None,
    };
    Ok(Named {
        resource: resource.to_owned(),
        member,
        reference,
    })
}

/// The route and operation that serve the operation; their storage must join transactions.
fn served<'a>(
    app: &'a App,
    index: usize,
    kind: OperationKind,
    named: &Named,
) -> Result<(&'a RouteModel, &'a OperationModel), GlueError> {
    let resource = named.resource.as_str();
    let served = app
        .model
        .routes()
        .iter()
        .flat_map(|route| {
            route
                .operations()
                .iter()
                .filter(|op| op.resource.short_name == resource && op.operation.kind == kind)
                .map(move |op| (route, op))
        })
        .next();
    let Some((route, served)) = served else {
        return Err(invalid(
            index,
            &format!("{}/type", named.member),
            format!(
                "\"{resource}\" does not offer the operation \"{}\".",
                op_name(kind)
            ),
        ));
    };
    if !app.handlers[served.handler].joins_transactions() {
        return Err(GlueError::bad_request(format!(
            "\"{resource}\" cannot take part in atomic operations: its storage cannot join \
             the request's transaction."
        ))
        .with_source(ErrorSource::Pointer(format!("/atomic:operations/{index}"))));
    }
    Ok((route, served))
}

/// An `href` must lead to the route of the operation's resource and kind, never elsewhere
/// (an endpoint, another resource's storage).
fn check_href(app: &App, index: usize, href: &str, route: &RouteModel) -> Result<(), GlueError> {
    let path = href.split(['?', '#']).next().unwrap_or_default();
    let path = glue_common::template::trim_trailing_slash(path);
    let leads_there = app
        .matcher
        .at(path)
        .is_ok_and(|found| std::ptr::eq(&app.model.routes()[*found.value], route));
    if leads_there && !href.contains(['?', '#']) {
        Ok(())
    } else {
        Err(invalid(
            index,
            "/href",
            format!("\"{href}\" is not a route of the operation's resource."),
        ))
    }
}

/// Where the operation's request goes: `href`, the collection, the item, or a sub-resource's
/// collection whose parents come from `data`'s relationships.
fn target(
    index: usize,
    kind: OperationKind,
    href: Option<String>,
    template: &str,
    meta: &'static crate::meta::ResourceMeta,
    named: Named,
) -> Result<Target, GlueError> {
    let nested = || {
        invalid(
            index,
            "",
            format!(
                "\"{}\" lives under another resource: name it with \"href\".",
                named.resource
            ),
        )
    };
    let variables = glue_common::template::variables(template).count();
    match (href, kind) {
        (Some(href), _) => Ok(Target::Path(href)),
        (None, OperationKind::Post) if variables == 0 => Ok(Target::Path(template.to_owned())),
        (None, OperationKind::Post) => {
            let parents = glue_common::template::variables(template)
                .map(|variable| {
                    let property = meta.uri_variable_property(variable)?;
                    let relationship = meta
                        .relationships
                        .iter()
                        .find(|r| !r.many && r.keys.iter().any(|(own, _)| *own == property.name))?;
                    Some((variable.to_owned(), relationship.name))
                })
                .collect::<Option<Vec<_>>>()
                .ok_or_else(nested)?;
            Ok(Target::Child {
                template: template.to_owned(),
                parents,
            })
        }
        (None, OperationKind::Patch | OperationKind::Delete) if variables == 1 => {
            let member = named.member;
            let reference = named
                .reference
                .ok_or_else(|| invalid(index, member, "The item is named by \"id\" or \"lid\"."))?;
            Ok(Target::Item {
                template: template.to_owned(),
                reference,
            })
        }
        (None, _) => Err(nested()),
    }
}

fn op_name(kind: OperationKind) -> &'static str {
    match kind {
        OperationKind::Post => "add",
        OperationKind::Delete => "remove",
        _ => "update",
    }
}

/// Runs the operations in order; the results, or the first failure.
async fn run(
    app: &App,
    parts: &Parts,
    scope: &Scope,
    planned: &[Planned],
    transactions: &Arc<Transactions>,
) -> Result<Vec<Option<Value>>, GlueError> {
    let mut lids: HashMap<(&str, String), String> = HashMap::new();
    let mut results = Vec::with_capacity(planned.len());
    for (index, operation) in planned.iter().enumerate() {
        let resolve = |lid: &str, resource: &str| {
            lids.get(&(resource, lid.to_owned()))
                .cloned()
                .ok_or_else(|| {
                    invalid(
                        index,
                        "",
                        format!("No earlier operation created the lid \"{lid}\"."),
                    )
                })
        };
        let mut data = operation.data.clone();
        if let Some(Value::Object(data)) = &mut data {
            if let Some(Value::String(lid)) = data.get("lid").cloned()
                && operation.kind != OperationKind::Post
            {
                data.remove("lid");
                data.insert(
                    "id".to_owned(),
                    Value::String(resolve(&lid, operation.resource)?),
                );
            } else if operation.kind == OperationKind::Post {
                data.remove("lid");
            }
            resolve_linkage(data, &lids).map_err(|lid| {
                invalid(
                    index,
                    "/data/relationships",
                    format!("No earlier operation created the lid \"{lid}\"."),
                )
            })?;
        }
        let path = match &operation.target {
            Target::Path(path) => path.clone(),
            Target::Item {
                template,
                reference,
            } => {
                let id = match reference {
                    Reference::Id(id) => id.clone(),
                    Reference::Lid(lid) => resolve(lid, operation.resource)?,
                };
                let variable = glue_common::template::variables(template)
                    .next()
                    .unwrap_or("");
                fill(template, &[(variable.to_owned(), id)])
            }
            Target::Child { template, parents } => {
                let mut values = Vec::with_capacity(parents.len());
                for (variable, relationship) in parents {
                    let id = data
                        .as_ref()
                        .and_then(|data| data.pointer(&format!("/relationships/{relationship}/data/id")))
                        .and_then(Value::as_str)
                        .ok_or_else(|| {
                            invalid(
                                index,
                                &format!("/data/relationships/{relationship}"),
                                format!("The parent is named by the \"{relationship}\" relationship (or by \"href\")."),
                            )
                        })?;
                    values.push((variable.clone(), id.to_owned()));
                }
                fill(template, &values)
            }
        };
        let answer = one(app, parts, scope, operation, &path, data, transactions)
            .await
            .map_err(|error| error.in_operation(index))?;
        if let (Some(lid), Some(Value::Object(created))) =
            (&operation.lid, answer.as_ref().and_then(|a| a.get("data")))
            && let Some(Value::String(id)) = created.get("id")
        {
            lids.insert((operation.resource, lid.clone()), id.clone());
        }
        results.push(answer);
    }
    Ok(results)
}

/// A route's template with its variables filled (percent-encoded).
fn fill(template: &str, values: &[(String, String)]) -> String {
    let mut path = Vec::with_capacity(template.len() + 16);
    crate::links::Template::parse(template).write(&mut path, false, |variable| {
        values
            .iter()
            .find(|(name, _)| name == variable)
            .map(|(_, value)| glue_common::Scalar::String(value.as_str().into()))
    });
    String::from_utf8(path).unwrap_or_default()
}

/// Replaces `lid`s in relationship linkage with the ids of the items they name; the unknown
/// `lid`, when one is.
fn resolve_linkage(
    data: &mut Map<String, Value>,
    lids: &HashMap<(&str, String), String>,
) -> Result<(), String> {
    let Some(Value::Object(relationships)) = data.get_mut("relationships") else {
        return Ok(());
    };
    for relationship in relationships.values_mut() {
        let Some(linkage) = relationship.get_mut("data") else {
            continue;
        };
        let identifiers: Vec<&mut Value> = match linkage {
            Value::Array(items) => items.iter_mut().collect(),
            other => vec![other],
        };
        for identifier in identifiers {
            let Value::Object(identifier) = identifier else {
                continue;
            };
            let (Some(Value::String(kind)), Some(Value::String(lid))) = (
                identifier.get("type").cloned(),
                identifier.get("lid").cloned(),
            ) else {
                continue;
            };
            let id = lids.get(&(kind.as_str(), lid.clone())).ok_or(lid)?;
            identifier.remove("lid");
            identifier.insert("id".to_owned(), Value::String(id.clone()));
        }
    }
    Ok(())
}

/// One operation as the request of its route, inside the transactions: the `data` of its
/// answer (`None` for none).
async fn one(
    app: &App,
    parts: &Parts,
    scope: &Scope,
    operation: &Planned,
    path: &str,
    data: Option<Value>,
    transactions: &Arc<Transactions>,
) -> Result<Option<Value>, GlueError> {
    let uri: http::Uri = path
        .parse()
        .map_err(|_| GlueError::invalid_document("/href", format!("\"{path}\" is not a path.")))?;
    if uri.path() == parts.uri.path() {
        return Err(GlueError::invalid_document(
            "/href",
            "An operation cannot be an atomic request itself.",
        ));
    }
    let mut request = http::Request::builder()
        .method(operation.method.clone())
        .uri(uri);
    // The outer request's body headers and preconditions are not the operation's.
    for (name, value) in &parts.headers {
        if !matches!(
            *name,
            header::CONTENT_TYPE
                | header::ACCEPT
                | header::CONTENT_LENGTH
                | header::TRANSFER_ENCODING
                | header::CONTENT_ENCODING
                | header::IF_MATCH
                | header::IF_NONE_MATCH
                | header::IF_MODIFIED_SINCE
                | header::IF_UNMODIFIED_SINCE
                | header::IF_RANGE
                | header::RANGE
        ) {
            request = request.header(name, value);
        }
    }
    let jsonapi = HeaderValue::from_static("application/vnd.api+json");
    request = request.header(header::ACCEPT, jsonapi.clone());
    let body = match data {
        Some(data) => {
            request = request.header(header::CONTENT_TYPE, jsonapi);
            let mut document = Map::new();
            document.insert("data".to_owned(), data);
            Bytes::from(Value::Object(document).to_string())
        }
        None => Bytes::new(),
    };
    let mut request = request
        .body(http_body_util::Full::new(body))
        .map_err(GlueError::internal)?;
    *request.extensions_mut() = parts.extensions.clone();
    request.extensions_mut().insert(Arc::clone(transactions));
    let (sub_parts, body) = request.into_parts();
    let accepted = negotiate::accepted(&app.model, &app.accepts, &sub_parts.headers);
    let response = app
        .serve_operation(sub_parts, body, scope, accepted)
        .await?;
    if !response.status().is_success() {
        return Err(GlueError::new(
            response.status(),
            "The operation was not carried out.",
        ));
    }
    if response.status() == StatusCode::NO_CONTENT {
        return Ok(None);
    }
    let document: Value =
        serde_json::from_slice(response.body().as_bytes()).map_err(GlueError::internal)?;
    let mut result = Map::new();
    if let Some(data) = document.get("data") {
        result.insert("data".to_owned(), data.clone());
    }
    if let Some(meta) = document.get("meta") {
        result.insert("meta".to_owned(), meta.clone());
    }
    Ok(Some(Value::Object(result)))
}

/// 200 with the results in order; 204 when no operation has one.
fn answer(results: Vec<Option<Value>>) -> Response<Body> {
    if results.iter().all(Option::is_none) {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        return response;
    }
    let results: Vec<Value> = results
        .into_iter()
        .map(|result| result.unwrap_or_else(|| Value::Object(Map::new())))
        .collect();
    let mut document = Map::new();
    document.insert(
        "jsonapi".to_owned(),
        serde_json::json!({"version": "1.1", "ext": [ATOMIC_EXTENSION]}),
    );
    document.insert("atomic:results".to_owned(), Value::Array(results));
    let mut response = Response::new(Body::from(Value::Object(document).to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(ATOMIC_MEDIA_TYPE),
    );
    response
}
