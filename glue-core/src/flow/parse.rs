//! Parse the query: filters, sort, sparse fieldsets, includes (SPEC §3.3 to §3.6) and the
//! page a collection asks for (SPEC §5), every mistake answered with 400 and its
//! `source.parameter`; and the request's links.

use std::sync::Arc;

use http::request::Parts;

use super::app::App;
use super::negotiate::Chosen;
use super::route::Matched;
use super::scope::Scope;
use crate::context::RequestContext;
use crate::error::GlueError;
use crate::links::{Links, request_base};
use crate::meta::OperationKind;
use crate::model::ApiModel;
use crate::pagination::{PageInput, PageRequest, PaginationSettings};
use crate::paging::Paging;
use crate::params::QueryParams;
use crate::query::Query;

/// A request ready for its handler: typed query, links, and which strategies page it.
pub(crate) struct Parsed {
    pub(crate) request: RequestContext,
    pub(crate) paging: Paging,
    pub(crate) links: Links,
    pub(crate) path: String,
    pub(crate) document_url: String,
}

/// Parses the query of a request to an operation.
pub(crate) fn parse(
    app: &App,
    parts: Parts,
    matched: Matched<'_, ()>,
    chosen: &Chosen<'_>,
    scope: &Scope,
) -> Result<Parsed, GlueError> {
    let model = &app.model;
    let operation = chosen.operation;
    let mut params = QueryParams::parse(parts.uri.query().unwrap_or(""));
    for name in &app.auth.credential_parameters {
        params.remove(name);
    }
    let collection = operation.operation.kind == OperationKind::GetCollection;
    let (paging, page) = if collection {
        paging(
            model,
            &operation.settings,
            &params,
            &parts,
            chosen,
            operation.resource.short_name,
        )?
    } else {
        (Paging::default(), None)
    };
    let links = Links::new(
        request_base(
            app.links.base_url.as_deref(),
            &app.links.mount_path,
            &parts.uri,
            &parts.headers,
        ),
        Arc::clone(&app.links.routes),
    );
    let mut document_url = links.url(&matched.path);
    if !params.is_empty() {
        document_url.push('?');
        document_url.push_str(&params.encode_with(|_| true, &[]));
    }
    let mut query = Query::parse(operation.resource, &params, collection, &|name| {
        model.resource_type(name)
    })?;
    query.page = page;
    let request = RequestContext {
        parts,
        application: Arc::clone(&model.name),
        resource: operation.resource,
        operation: operation.operation,
        uri_variables: matched.variables,
        id_variable: operation.id_variable,
        params,
        query,
        include: false,
        locale: scope.locale.clone(),
        code_bucket: scope.code_bucket.clone(),
    };
    Ok(Parsed {
        request,
        paging,
        links,
        path: matched.path,
        document_url,
    })
}

/// The page a collection request asks for (`None`: every item), which strategy read it,
/// and which one writes the links: the one the client used, else the resource's form, else
/// the convention's, else the first.
fn paging(
    model: &ApiModel,
    settings: &PaginationSettings,
    params: &QueryParams,
    parts: &Parts,
    chosen: &Chosen<'_>,
    resource_type: &str,
) -> Result<(Paging, Option<PageRequest>), GlueError> {
    if !settings.enabled {
        return Ok((Paging::default(), None));
    }
    if settings.client_enabled
        && let Some(raw) = params.get("pagination")
    {
        match raw {
            "false" | "0" => return Ok((Paging::default(), None)),
            "true" | "1" => {}
            _ => {
                return Err(GlueError::invalid_parameter(
                    "pagination",
                    format!("pagination must be true or false, got \"{raw}\"."),
                ));
            }
        }
    }
    let strategies = model.strategies();
    let configured = settings
        .form
        .or_else(|| chosen.convention.default_page_form())
        .and_then(|form| strategies.iter().position(|s| s.name() == form))
        .or_else(|| (!strategies.is_empty()).then_some(0));
    let input = PageInput {
        query: params,
        headers: &parts.headers,
        resource_type,
    };
    // Every form's parameters are checked, whichever form decides the page: a malformed
    // `page=-1` beside a cursor is still a 400 (SPEC §5.4).
    let mut found = None;
    for (index, strategy) in strategies.iter().enumerate() {
        if let Some(request) = strategy.parse(&input, settings)?
            && found.is_none()
        {
            let links = if strategy.in_links() {
                Some(index)
            } else {
                configured
            };
            let paging = Paging {
                parsed_by: Some(index),
                links,
            };
            found = Some((paging, Some(request)));
        }
    }
    if let Some(found) = found {
        return Ok(found);
    }
    let paging = Paging {
        parsed_by: None,
        links: configured,
    };
    Ok((paging, Some(PageRequest::new(0, settings.items_per_page))))
}
