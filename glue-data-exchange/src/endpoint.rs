//! The routes `/dynamic-entity/{alias}` and `/dynamic-entity/{alias}/{id}` (SPEC §9.2,
//! §9.3): who may read and write, in which convention the answer is written, and the
//! documents.

use std::sync::Arc;

use glue_core::http::{HeaderMap, Method, Response, StatusCode, header};
use glue_core::{Body, EndpointRequest, GlueError};
use serde_json::{Map, Value, json};

use crate::DataExchangeInner;
use crate::config::Configuration;
use crate::errors::DxError;
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
        let query = read::parse(configuration, request.uri().query()).map_err(|e| vec![e])?;
        let db = &self.exchange.db;
        let base = format!("{}/dynamic-entity/{alias}", request.base_url());
        let document = match request.param("id") {
            Some(id) => {
                let readable = |child: &Configuration| allowed(child, request, false);
                let row = read::item(db, &loaded, configuration, id, &query, &readable)
                    .await
                    .map_err(|e| vec![e])?
                    .ok_or_else(|| vec![DxError::not_found(alias)])?;
                if jsonapi {
                    json!({"jsonapi": {"version": "1.1"},
                           "data": resource(configuration, row, &base),
                           "links": {"self": format!("{base}/{id}")}})
                } else {
                    json!({"data": row})
                }
            }
            None => {
                let readable = |child: &Configuration| allowed(child, request, false);
                let rows = read::collection(db, &loaded, configuration, &query, &readable)
                    .await
                    .map_err(|e| vec![e])?;
                if jsonapi {
                    let data: Vec<Value> = rows
                        .into_iter()
                        .map(|row| resource(configuration, row, &base))
                        .collect();
                    json!({"jsonapi": {"version": "1.1"}, "data": data, "links": {"self": base}})
                } else {
                    json!({"data": rows})
                }
            }
        };
        Ok(crate::errors::document(StatusCode::OK, &document, jsonapi))
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
        let items = write::items(request.body(), id.is_some()).map_err(|e| vec![e])?;
        let mut checked = Vec::with_capacity(items.len());
        let mut errors = Vec::new();
        let writable = |child: &Configuration| allowed(child, request, true);
        let within = write::Within {
            loaded: &loaded,
            writable_by: &writable,
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
        let base = format!("{}/dynamic-entity/{alias}", request.base_url());
        let shown = |row: Map<String, Value>| {
            if jsonapi {
                resource(configuration, row, &base)
            } else {
                Value::Object(row)
            }
        };
        let data = match id {
            Some(_) => written.into_iter().next().map_or(Value::Null, shown),
            None => Value::Array(written.into_iter().map(shown).collect()),
        };
        let mut document = Map::new();
        if jsonapi {
            document.insert("jsonapi".to_owned(), json!({"version": "1.1"}));
        }
        document.insert("data".to_owned(), data);
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
                let query =
                    read::parse(configuration, request.uri().query()).map_err(|e| vec![e])?;
                let conditions = query.conditions();
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

/// A row as a JSON:API resource object: `type` is the alias, `id` the identifier.
fn resource(configuration: &Configuration, mut row: Map<String, Value>, base: &str) -> Value {
    let identifier = configuration
        .field(&configuration.definition.identifier)
        .map(|field| field.field_visible_name.as_str())
        .unwrap_or_default();
    let id = match row.remove(identifier) {
        Some(Value::String(text)) => text,
        Some(other) => other.to_string(),
        None => String::new(),
    };
    json!({"type": configuration.table_alias, "id": id, "attributes": row,
           "links": {"self": format!("{base}/{id}")}})
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
