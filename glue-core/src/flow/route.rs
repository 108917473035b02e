//! Route: the route a request's path names, then what serves its method there (SPEC §1.2,
//! §1.3): 404 for an unknown path, 405 with `Allow` for a method not served, 204 with `Allow`
//! for `OPTIONS`. `HEAD` is served as `GET`.

use http::header::{self, HeaderValue};
use http::request::Parts;
use http::{Method, StatusCode};
use percent_encoding::percent_decode_str;

use super::app::App;
use crate::error::GlueError;
use crate::model::{EndpointModel, RouteModel};

/// Where routing leads.
pub(crate) enum Target<'a> {
    /// `OPTIONS`: the methods of the route.
    Options(HeaderValue),
    /// An endpoint serves the method.
    Endpoint(Matched<'a, &'a EndpointModel>),
    /// Resource operations serve the method (their variants are chosen next).
    Operations(Matched<'a, ()>),
}

/// A route that serves the request's method, with the request's path and uri variables.
pub(crate) struct Matched<'a, T> {
    pub(crate) route: &'a RouteModel,
    pub(crate) target: T,
    /// The method served (`GET` for `HEAD`).
    pub(crate) method: Method,
    /// The path, without a trailing slash.
    pub(crate) path: String,
    /// The uri variables, percent-decoded, in template order.
    pub(crate) variables: Vec<(String, String)>,
}

/// Finds the route and what serves the method on it.
pub(crate) fn route<'a>(app: &'a App, parts: &Parts) -> Result<Target<'a>, GlueError> {
    let path = glue_common::template::trim_trailing_slash(parts.uri.path()).to_owned();
    let found = app
        .matcher
        .at(&path)
        .map_err(|_| GlueError::not_found(format!("No resource is found at {path}.")))?;
    let route = &app.model.routes()[*found.value];
    if parts.method == Method::OPTIONS {
        return Ok(Target::Options(route.allow.clone()));
    }
    let variables = found
        .params
        .iter()
        .map(|(name, raw)| {
            (
                name.to_owned(),
                percent_decode_str(raw).decode_utf8_lossy().into_owned(),
            )
        })
        .collect();
    let method = if parts.method == Method::HEAD {
        Method::GET
    } else {
        parts.method.clone()
    };
    if let Some(endpoint) = route
        .endpoints
        .iter()
        .find(|endpoint| endpoint.method == method)
    {
        return Ok(Target::Endpoint(Matched {
            route,
            target: endpoint,
            method,
            path,
            variables,
        }));
    }
    if !route.operations.iter().any(|op| op.method == method) {
        return Err(GlueError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{} is not allowed on {path}.", parts.method),
        )
        .with_header(header::ALLOW, route.allow.clone()));
    }
    Ok(Target::Operations(Matched {
        route,
        target: (),
        method,
        path,
        variables,
    }))
}
