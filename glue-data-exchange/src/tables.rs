//! `GET /dynamic-entity-tables` (SPEC §9.5): the tables a configuration may name, with their
//! columns as the database declares them and the aliases already configured on each, for the
//! configuration page and for any administrator's tool. Administrators only.

use std::sync::Arc;

use glue_core::http::{Method, Response, StatusCode};
use glue_core::{Body, EndpointRequest, GlueError};
use serde_json::{Value, json};

use crate::DataExchangeInner;
use crate::errors::DxError;
use crate::schema;

/// The role that may see the schema (and manage configurations).
pub(crate) const ADMIN: &str = "ROLE_ADMIN";

/// Lists the tables.
pub(crate) struct Tables {
    pub(crate) exchange: Arc<DataExchangeInner>,
}

impl glue_core::Endpoint for Tables {
    async fn call(&self, request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        let Some(jsonapi) = crate::endpoint::convention(request.headers()) else {
            return Ok(DxError::not_acceptable().response(false));
        };
        Ok(match self.list(&request).await {
            Ok(tables) => {
                let body = if jsonapi {
                    let data: Vec<Value> = tables
                        .into_iter()
                        .map(|mut table| {
                            let id = table
                                .as_object_mut()
                                .and_then(|attributes| attributes.remove("tableName"));
                            json!({"type": "dynamic-entity-tables", "id": id, "attributes": table})
                        })
                        .collect();
                    json!({"jsonapi": {"version": "1.1"}, "data": data})
                } else {
                    json!({"data": tables})
                };
                crate::errors::document(StatusCode::OK, &body, jsonapi)
            }
            Err(error) => error.response(jsonapi),
        })
    }

    fn describe(&self, method: &Method) -> Option<Value> {
        (method == Method::GET).then(describe)
    }
}

impl Tables {
    /// Every table a configuration may name, in name order: its columns (those that may be
    /// exposed) and the aliases configured on it.
    async fn list(&self, request: &EndpointRequest) -> Result<Vec<Value>, DxError> {
        match request.principal() {
            None => return Err(DxError::denied(false)),
            Some(principal) if !principal.has_role(ADMIN) => return Err(DxError::denied(true)),
            Some(_) => {}
        }
        let db = &self.exchange.db;
        let protected = &self.exchange.protected;
        let loaded = self
            .exchange
            .registry
            .current()
            .await
            .map_err(|error| DxError::database(&error))?;
        let names = schema::tables(db)
            .await
            .map_err(|error| DxError::database(&error))?;
        let mut tables = Vec::new();
        for name in names
            .into_iter()
            .filter(|name| schema::available(name, protected))
        {
            let columns: Vec<schema::Column> = schema::columns(db, &name)
                .await
                .map_err(|error| DxError::database(&error))?
                .into_iter()
                .filter(|column| schema::column_available(&name, &column.name, protected))
                .collect();
            let aliases: Vec<&str> = loaded
                .all()
                .iter()
                .filter(|configuration| configuration.table_name == name)
                .map(|configuration| configuration.table_alias.as_str())
                .collect();
            tables.push(json!({"tableName": name, "columns": columns, "aliases": aliases}));
        }
        Ok(tables)
    }
}

/// The OpenAPI operation of the list.
fn describe() -> Value {
    let column = json!({
        "type": "object",
        "required": ["name", "declaredType", "nullable", "hasDefault", "primaryKey"],
        "properties": {
            "name": {"type": "string"},
            "declaredType": {"type": "string", "description": "The type the database declares, lower-cased."},
            "nullable": {"type": "boolean"},
            "hasDefault": {"type": "boolean"},
            "primaryKey": {"type": "boolean"},
            "unique": {"type": "boolean", "description": "Whether the column alone names at most one row."},
            "default": {"type": "string", "description": "The default's SQL expression."},
        },
    });
    let table = json!({
        "type": "object",
        "required": ["columns", "aliases"],
        "properties": {
            "tableName": {"type": "string"},
            "columns": {"type": "array", "items": column},
            "aliases": {"type": "array", "items": {"type": "string"}},
        },
    });
    let jsonapi = json!({
        "type": "object",
        "required": ["data"],
        "properties": {"jsonapi": {"type": "object"}, "data": {"type": "array", "items": {
            "type": "object",
            "required": ["type", "id", "attributes"],
            "properties": {"type": {"const": "dynamic-entity-tables"}, "id": {"type": "string"}, "attributes": table},
        }}},
    });
    let plain = json!({
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": table}},
    });
    json!({
        "tags": ["dynamic-entity-configurations"],
        "operationId": "dynamic-entity-tables.get",
        "summary": "Lists the tables a Data Exchange configuration may name, with their columns",
        "description": "Introspected from the database on every request; the API's own tables and the application's protected tables and columns are left out (SPEC §9.5). Administrators only.",
        "responses": {
            "200": {"description": "The tables, in name order.", "content": {
                "application/vnd.api+json": {"schema": jsonapi},
                "application/json": {"schema": plain},
            }},
            "401": crate::openapi::error("Credentials are missing or not valid."),
            "403": crate::openapi::error("Only administrators see the schema."),
            "406": crate::openapi::error("Accept names neither JSON:API nor plain JSON."),
            "503": crate::openapi::error("The database is busy; try again."),
        },
    })
}
