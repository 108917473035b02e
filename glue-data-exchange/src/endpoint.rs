//! The routes `/dynamic-entity/{alias}` and `/dynamic-entity/{alias}/{id}` (SPEC §9.2,
//! §9.3): who may read and write, in which convention the answer is written, and the
//! documents.

use std::sync::Arc;

use glue_core::http::{HeaderMap, Method, Response, StatusCode, header};
use glue_core::{Body, EndpointRequest, GlueError};
use serde_json::{Map, Value, json};

use crate::DataExchangeInner;
use crate::compound::Compound;
use crate::config::Configuration;
use crate::errors::DxError;
use crate::query::{self, Page};
use crate::read;
use crate::registry::Loaded;
use crate::write;

/// Serves the configured entities.
pub(crate) struct Entities {
    pub(crate) exchange: Arc<DataExchangeInner>,
}

impl glue_core::Endpoint for Entities {
    async fn call(&self, request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        let Some(jsonapi) = convention(request.headers()) else {
            return Ok(DxError::not_acceptable().response(false));
        };
        let answer = if request.method() == Method::GET {
            self.read(&request, jsonapi).await
        } else {
            self.write(&request, jsonapi).await
        };
        Ok(match answer {
            Ok(response) => response,
            Err(errors) if errors.len() == 1 => errors[0].response(jsonapi),
            Err(errors) => crate::errors::many(&errors, jsonapi),
        })
    }
}

impl Entities {
    /// The configurations now, and the URL's alias, when it is active and the principal may
    /// use it.
    async fn configuration(
        &self,
        request: &EndpointRequest,
        write: bool,
    ) -> Result<(Arc<Loaded>, String), Vec<DxError>> {
        let loaded = self
            .exchange
            .registry
            .current()
            .await
            .map_err(|error| vec![DxError::database(&error)])?;
        // Who is asking, before which aliases exist is told.
        if request.principal().is_none() {
            return Err(vec![DxError::denied(false)]);
        }
        let alias = request.param("alias").unwrap_or_default().to_owned();
        let configuration = loaded
            .active(&alias)
            .ok_or_else(|| vec![DxError::unknown_alias()])?;
        allowed(configuration, request, write).map_err(|error| vec![error])?;
        Ok((loaded, alias))
    }

    async fn read(
        &self,
        request: &EndpointRequest,
        jsonapi: bool,
    ) -> Result<Response<Body>, Vec<DxError>> {
        let (loaded, alias) = self.configuration(request, false).await?;
        let alias = alias.as_str();
        let Some(configuration) = loaded.active(alias) else {
            return Err(vec![DxError::unknown_alias()]);
        };
        let range = request
            .headers()
            .get(header::RANGE)
            .and_then(|value| value.to_str().ok());
        let query =
            query::parse(configuration, request.uri().query(), range).map_err(|e| vec![e])?;
        let db = &self.exchange.db;
        let base = format!("{}/dynamic-entity/{alias}", request.base_url());
        let readable = |child: &Configuration| allowed(child, request, false);
        if let Some(id) = request.param("id") {
            let row = read::item(db, &loaded, configuration, id, &query, &readable)
                .await
                .map_err(|e| vec![e])?
                .ok_or_else(|| vec![DxError::not_found(alias)])?;
            let document = if jsonapi {
                let mut compound = Compound::new(&loaded, request.base_url());
                let data = compound.resource(configuration, row);
                with_included(
                    json!({"jsonapi": {"version": "1.1"}, "data": data,
                           "links": {"self": format!("{base}/{id}")}}),
                    compound,
                )
            } else {
                json!({"data": row})
            };
            return Ok(crate::errors::document(StatusCode::OK, &document, jsonapi));
        }
        // JSON:API pages carry their totals (SPEC §3.2); plain JSON answers rows alone, as
        // the reference does.
        let counted = jsonapi && !matches!(query.page, Page::Cursor { .. });
        let found = read::collection(db, &loaded, configuration, &query, counted, &readable)
            .await
            .map_err(|e| vec![e])?;
        if let (Page::Range { first, .. }, Some(total)) = (&query.page, found.total)
            && *first >= total
        {
            let mut response = DxError::unsatisfiable_range(total).response(jsonapi);
            response.headers_mut().insert(
                header::CONTENT_RANGE,
                header_value(&format!("{alias} */{total}")),
            );
            return Ok(response);
        }
        let paging = crate::paging::Paging {
            base: &base,
            query: request.uri().query(),
            page: &query.page,
            found: &found,
        };
        let document = if jsonapi {
            let mut compound = Compound::new(&loaded, request.base_url());
            let data: Vec<Value> = found
                .rows
                .iter()
                .cloned()
                .map(|row| compound.resource(configuration, row))
                .collect();
            let mut document = json!({"jsonapi": {"version": "1.1"}, "data": data,
                                      "links": paging.links()});
            if let Some(meta) = paging.meta() {
                document["meta"] = meta;
            }
            with_included(document, compound)
        } else {
            json!({"data": found.rows})
        };
        let mut response = crate::errors::document(StatusCode::OK, &document, jsonapi);
        if let (Page::Range { first, .. }, Some(total)) = (&query.page, found.total) {
            let headers = response.headers_mut();
            headers.insert(header::ACCEPT_RANGES, header_value(alias));
            let last = first + found.rows.len() as u64 - 1;
            if *first > 0 || last + 1 < total {
                *response.status_mut() = StatusCode::PARTIAL_CONTENT;
                response.headers_mut().insert(
                    header::CONTENT_RANGE,
                    header_value(&format!("{alias} {first}-{last}/{total}")),
                );
            }
        }
        Ok(response)
    }

    async fn write(
        &self,
        request: &EndpointRequest,
        jsonapi: bool,
    ) -> Result<Response<Body>, Vec<DxError>> {
        let (loaded, alias) = self.configuration(request, true).await?;
        let Some(configuration) = loaded.active(&alias) else {
            return Err(vec![DxError::unknown_alias()]);
        };
        if request.method() == Method::DELETE {
            return self.delete(request, configuration).await;
        }
        let db = &self.exchange.db;
        let id = request.param("id");
        let kind = match *request.method() {
            Method::POST => write::Kind::Create,
            Method::PUT => write::Kind::Replace,
            _ => write::Kind::Update,
        };
        let body_jsonapi = body_convention(request.headers()).map_err(|e| vec![e])?;
        let mut items = write::items(request.body(), id.is_some()).map_err(|e| vec![e])?;
        if body_jsonapi {
            for (index, item) in items.iter_mut().enumerate() {
                let path = format!("{alias}[{index}]");
                *item =
                    attributes(configuration, &path, std::mem::take(item)).map_err(|e| vec![e])?;
            }
        }
        let mut checked = Vec::with_capacity(items.len());
        let mut errors = Vec::new();
        let writable = |child: &Configuration| allowed(child, request, true);
        let defaults = if kind == write::Kind::Replace {
            write::defaults(db, &loaded, configuration)
                .await
                .map_err(|e| vec![e])?
        } else {
            std::collections::HashMap::new()
        };
        let within = write::Within {
            loaded: &loaded,
            writable_by: &writable,
            defaults: &defaults,
        };
        for (index, item) in items.iter().enumerate() {
            let path = format!("{alias}[{index}]");
            match write::check(&within, configuration, kind, path, item, id, None) {
                Ok(item) => checked.push(item),
                Err(found) => errors.extend(found),
            }
        }
        let transactional = !request
            .headers()
            .get("x-is-transactional")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| matches!(value.trim(), "false" | "0"));
        if transactional && !errors.is_empty() {
            return Err(errors);
        }
        let (written, failed) = write::run(db, configuration, kind, checked, transactional)
            .await
            .map_err(|e| vec![e])?;
        errors.extend(failed);
        if written.is_empty() && !errors.is_empty() {
            let mut response = crate::errors::many(&errors, jsonapi);
            *response.status_mut() = write::failed_status(&errors);
            return Ok(response);
        }
        let status = if kind == write::Kind::Create {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        let mut compound = Compound::new(&loaded, request.base_url());
        let mut shown = |row: Map<String, Value>| {
            if jsonapi {
                compound.resource(configuration, row)
            } else {
                Value::Object(row)
            }
        };
        let data = match id {
            Some(_) => written.into_iter().next().map_or(Value::Null, &mut shown),
            None => Value::Array(written.into_iter().map(&mut shown).collect()),
        };
        let mut document = Map::new();
        if jsonapi {
            document.insert("jsonapi".to_owned(), json!({"version": "1.1"}));
        }
        document.insert("data".to_owned(), data);
        let included = compound.included();
        if !included.is_empty() {
            document.insert("included".to_owned(), Value::Array(included));
        }
        if !errors.is_empty() {
            let failures: Vec<Value> = errors.iter().map(DxError::plain).collect();
            document.insert("meta".to_owned(), json!({"errors": failures}));
        }
        Ok(crate::errors::document(
            status,
            &Value::Object(document),
            jsonapi,
        ))
    }

    /// `DELETE` of the URL's row, or of the rows a filter names (never of every row).
    async fn delete(
        &self,
        request: &EndpointRequest,
        configuration: &Configuration,
    ) -> Result<Response<Body>, Vec<DxError>> {
        let alias = configuration.table_alias.as_str();
        if !configuration.definition.is_deletable {
            return Err(vec![DxError::not_deletable(alias)]);
        }
        let id = request.param("id");
        let conditions = match id {
            Some(id) => read::identified(configuration, id)
                .ok_or_else(|| vec![DxError::not_found(alias)])?,
            None => {
                let query = query::parse(configuration, request.uri().query(), None)
                    .map_err(|e| vec![e])?;
                let conditions = query.conditions(self.exchange.db.dialect());
                if conditions.is_empty() {
                    return Err(vec![DxError::bad_parameter(
                        "A delete of the collection names its rows with a filter.",
                    )]);
                }
                conditions
            }
        };
        let deleted = write::delete(&self.exchange.db, configuration, conditions)
            .await
            .map_err(|e| vec![e])?;
        if id.is_some() && deleted == 0 {
            return Err(vec![DxError::not_found(alias)]);
        }
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        Ok(response)
    }
}

/// A document with the included resources its compound collected, if any.
fn with_included(mut document: Value, compound: Compound<'_>) -> Value {
    let included = compound.included();
    if !included.is_empty() {
        document["included"] = Value::Array(included);
    }
    document
}

/// Reads and writes need a principal with a role the configuration lets read or write
/// (administrators by default); `*` lets anyone authenticated.
fn allowed(
    configuration: &Configuration,
    request: &EndpointRequest,
    write: bool,
) -> Result<(), DxError> {
    let Some(principal) = request.principal() else {
        return Err(DxError::denied(false));
    };
    let default = ["ROLE_ADMIN".to_owned()];
    let roles: &[String] = configuration
        .definition
        .access
        .as_ref()
        .map_or(
            &default,
            |access| {
                if write { &access.write } else { &access.read }
            },
        );
    if roles
        .iter()
        .any(|role| role == "*" || principal.has_role(role))
    {
        Ok(())
    } else {
        Err(DxError::denied(true))
    }
}

/// Whether the answer is JSON:API (the backend's default, SPEC §2.2, §11.3) or plain JSON
/// (`Accept: application/json`): the first of the two that `Accept` names, JSON:API for
/// `*/*` or no `Accept`; `None` (406) when `Accept` names neither and no wildcard.
pub(crate) fn convention(headers: &HeaderMap) -> Option<bool> {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    if accept.trim().is_empty() {
        return Some(true);
    }
    for range in accept.split(',') {
        let media = range
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let weight = range
            .split(';')
            .skip(1)
            .filter_map(|parameter| parameter.trim().strip_prefix("q="))
            .find_map(|value| value.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if weight <= 0.0 {
            continue;
        }
        match media.as_str() {
            "application/vnd.api+json" | "*/*" | "application/*" => return Some(true),
            "application/json" => return Some(false),
            _ => {}
        }
    }
    None
}

/// A header value made of a configuration's alias and numbers (always visible ASCII).
fn header_value(text: &str) -> header::HeaderValue {
    header::HeaderValue::from_str(text).unwrap_or_else(|_| header::HeaderValue::from_static(""))
}

/// Whether a write's body is JSON:API (`true`) or plain JSON (SPEC §2.3): no `Content-Type`,
/// another type, or JSON:API with parameters besides `ext`, `profile` and `version` (or an
/// extension, none of which the entities support) is 415.
fn body_convention(headers: &HeaderMap) -> Result<bool, DxError> {
    let refused = DxError::unsupported_media_type;
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(refused)?;
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    match media.as_str() {
        "application/json" => Ok(false),
        "application/vnd.api+json" => {
            for parameter in parts {
                let name = parameter
                    .split('=')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase();
                if !matches!(name.as_str(), "profile" | "version") {
                    return Err(refused());
                }
            }
            Ok(true)
        }
        _ => Err(refused()),
    }
}

/// A JSON:API resource object (`{"type": alias, "id": ..., "attributes": {...}}`) as the
/// row it describes; any other object is a row already.
fn attributes(
    configuration: &Configuration,
    path: &str,
    mut item: Map<String, Value>,
) -> Result<Map<String, Value>, DxError> {
    let Some(Value::Object(attributes)) = item.remove("attributes") else {
        return Ok(item);
    };
    match item.remove("type") {
        Some(Value::String(ty)) if ty == configuration.table_alias => {}
        None => {}
        Some(_) => {
            return Err(DxError::wrong_resource_type(
                path,
                &configuration.table_alias,
            ));
        }
    }
    let mut row = attributes;
    if let (Some(id), Some(identifier)) = (
        item.remove("id"),
        configuration.field(&configuration.definition.identifier),
    ) {
        // JSON:API ids are strings; the row's key has the identifier's type.
        let key = query::typed(identifier, &id).unwrap_or(id);
        row.entry(identifier.field_visible_name.clone())
            .or_insert(key);
    }
    // Members a row cannot have (`relationships`, `meta`, `lid`) are reported as fields.
    row.extend(item);
    Ok(row)
}
