//! Encode: the handler's output as an HTTP answer in the negotiated convention, an error as
//! the convention's error document (SPEC §1.4), and what every answer carries
//! (`Content-Language`, the version in `Content-Type`, `Cache-Control`; no body for `HEAD`).

use http::header::{self, HeaderValue};
use http::{Response, StatusCode};

use super::negotiate::{Chosen, versioned_media_type};
use super::scope::Scope;
use crate::body::Body;
use crate::convention::Convention;
use crate::error::GlueError;
use crate::handler::Output;
use crate::model::ApiModel;

/// The answer of a handler.
pub(crate) fn success(chosen: &Chosen<'_>, output: Output) -> Response<Body> {
    let convention = chosen.convention.as_ref();
    let mut response = match output {
        Output::Stream(status, chunks) => typed(status, convention, Body::stream(chunks)),
        Output::Empty(status) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = status;
            response
        }
        Output::NotModified(tag) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response.headers_mut().insert(header::ETAG, tag);
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Accept"));
            response
        }
        Output::Document {
            status,
            body,
            location,
            headers,
        } => {
            let mut response = typed(status, convention, Body::from(body));
            response.headers_mut().extend(headers);
            if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
    };
    let headers = response.headers_mut();
    if let Some(version) = chosen.operation.version
        && headers.contains_key(header::CONTENT_TYPE)
        && let Some(value) = versioned_media_type(convention, version)
    {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Some(value) = chosen
        .operation
        .operation
        .cache_control
        .and_then(|value| HeaderValue::from_str(value).ok())
    {
        headers.insert(header::CACHE_CONTROL, value);
    }
    response
}

/// An error document in the convention `convention` (an index into the model's), logged:
/// server errors with their cause, client errors at debug level.
pub(crate) fn error(model: &ApiModel, convention: usize, error: &GlueError) -> Response<Body> {
    if error.status().is_server_error() {
        tracing::error!(
            application = %model.name(),
            status = error.status().as_u16(),
            error = %error,
            cause = ?std::error::Error::source(error).map(ToString::to_string),
            "request failed"
        );
    } else {
        tracing::debug!(application = %model.name(), status = error.status().as_u16(), error = %error, "request refused");
    }
    let convention = &*model.conventions()[convention];
    let mut body = Vec::with_capacity(256);
    convention.write_error(&mut body, error);
    let mut response = typed(error.status(), convention, Body::from(body));
    for (name, value) in error.headers() {
        response.headers_mut().append(name, value.clone());
    }
    response
}

/// `OPTIONS`: 204 with `Allow`.
pub(crate) fn options(allow: HeaderValue) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response.headers_mut().insert(header::ALLOW, allow);
    response
}

/// What every answer carries: `Content-Language` (SPEC §2.5); a `HEAD` answer has the GET
/// answer's status and headers, with its length but without its body.
pub(crate) fn finish(mut response: Response<Body>, scope: &Scope, head: bool) -> Response<Body> {
    // SPEC §13.3: no answer is sniffed into another type than the one it says.
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(locale) = scope
        .locale
        .as_deref()
        .and_then(|l| HeaderValue::from_str(l).ok())
    {
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_LANGUAGE, locale);
        headers.append(header::VARY, HeaderValue::from_static("Accept-Language"));
    }
    if !head {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let length = body.as_bytes().len();
    if length > 0 {
        parts
            .headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    Response::from_parts(parts, Body::empty())
}

/// An answer with the convention's media type.
fn typed(status: StatusCode, convention: &dyn Convention, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(convention.media_type()),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}
