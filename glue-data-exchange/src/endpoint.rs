//! The routes `/dynamic-entity/{alias}` and `/dynamic-entity/{alias}/{id}` (SPEC §9.2):
//! who may read, in which convention the answer is written, and the documents.

use std::sync::Arc;

use glue_core::http::{HeaderMap, Response, StatusCode, header};
use glue_core::{Body, EndpointRequest, GlueError};
use serde_json::{Map, Value, json};

use crate::DataExchangeInner;
use crate::config::Configuration;
use crate::errors::DxError;
use crate::read;

/// Serves reads of the configured entities.
pub(crate) struct Reads {
    pub(crate) exchange: Arc<DataExchangeInner>,
}

impl glue_core::Endpoint for Reads {
    async fn call(&self, request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        let jsonapi = wants_jsonapi(request.headers());
        Ok(match self.read(&request, jsonapi).await {
            Ok(response) => response,
            Err(error) => error.response(jsonapi),
        })
    }
}

impl Reads {
    async fn read(
        &self,
        request: &EndpointRequest,
        jsonapi: bool,
    ) -> Result<Response<Body>, DxError> {
        let loaded = self
            .exchange
            .registry
            .current()
            .await
            .map_err(|error| DxError::database(&error))?;
        let alias = request.param("alias").unwrap_or_default();
        let configuration = loaded.active(alias).ok_or_else(DxError::unknown_alias)?;
        allowed(configuration, request)?;
        let query = read::parse(configuration, request.uri().query())?;
        let db = &self.exchange.db;
        let base = format!("{}/dynamic-entity/{alias}", request.base_url());
        let document = match request.param("id") {
            Some(id) => {
                let row = read::item(db, &loaded, configuration, id, &query)
                    .await?
                    .ok_or_else(|| DxError::not_found(alias))?;
                if jsonapi {
                    json!({"jsonapi": {"version": "1.1"},
                           "data": resource(configuration, row, &base),
                           "links": {"self": format!("{base}/{id}")}})
                } else {
                    json!({"data": row})
                }
            }
            None => {
                let rows = read::collection(db, &loaded, configuration, &query).await?;
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
        let mut response = Response::new(Body::from(document.to_string()));
        *response.status_mut() = StatusCode::OK;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static(if jsonapi {
                "application/vnd.api+json"
            } else {
                "application/json"
            }),
        );
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

/// Reads need a principal with a role the configuration lets read (administrators by
/// default); `*` lets anyone authenticated.
fn allowed(configuration: &Configuration, request: &EndpointRequest) -> Result<(), DxError> {
    let Some(principal) = request.principal() else {
        return Err(DxError::denied(false));
    };
    let default = ["ROLE_ADMIN".to_owned()];
    let roles: &[String] = configuration
        .definition
        .access
        .as_ref()
        .map_or(&default, |access| &access.read);
    if roles
        .iter()
        .any(|role| role == "*" || principal.has_role(role))
    {
        Ok(())
    } else {
        Err(DxError::denied(true))
    }
}

/// Whether the answer is JSON:API: the first of the two media types `Accept` names; plain
/// JSON otherwise (SPEC §9.2, as the reference answers).
fn wants_jsonapi(headers: &HeaderMap) -> bool {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let jsonapi = accept.find("application/vnd.api+json");
    let plain = accept.find("application/json");
    match (jsonapi, plain) {
        (Some(jsonapi), Some(plain)) => jsonapi < plain,
        (Some(_), None) => true,
        _ => false,
    }
}
