//! Endpoints: routes outside the resource model (`POST /token`, `GET /openapi.json`). They
//! leave the flow after routing: the body is read within the limit, valid credentials become
//! the principal (the endpoint decides itself what missing or bad ones mean), and a panic is
//! a 500.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::FutureExt;
use http::request::Parts;
use http::{Method, Response};
use http_body::Body as HttpBody;

use super::app::App;
use super::authenticate::authenticate;
use super::body::{panic_message, read_body};
use super::route::Matched;
use super::scope::Scope;
use crate::body::{Body, BoxError};
use crate::endpoint::EndpointRequest;
use crate::error::GlueError;
use crate::links::request_base;
use crate::model::EndpointModel;

/// Serves a route of an endpoint.
pub(crate) async fn serve<B>(
    app: &App,
    matched: Matched<'_, &EndpointModel>,
    mut parts: Parts,
    body: B,
    scope: &Scope,
) -> Result<Response<Body>, GlueError>
where
    B: HttpBody + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    // Bad credentials are the endpoint's to judge: only valid ones count here.
    let _ = authenticate(&app.auth, &mut parts, app.model.name()).await;
    let bytes = if matches!(parts.method, Method::GET | Method::HEAD | Method::DELETE) {
        drop(body);
        Bytes::new()
    } else {
        read_body(body, app.body_limit, &parts).await?
    };
    let base_url = request_base(
        app.links.base_url.as_deref(),
        &app.links.mount_path,
        &parts.uri,
        &parts.headers,
    );
    let request = EndpointRequest {
        parts,
        body: bytes,
        base_url,
        params: matched.variables,
        model: Arc::clone(&app.model),
        code_bucket: scope.code_bucket.clone(),
        locale: scope.locale.clone(),
    };
    let endpoint = &app.endpoints[matched.target.endpoint];
    AssertUnwindSafe(endpoint.call(request))
        .catch_unwind()
        .await
        .map_err(|panic| {
            let message = panic_message(&*panic);
            tracing::error!(application = %app.model.name(), panic = %message, "an endpoint panicked");
            GlueError::internal(format!("panic: {message}"))
        })?
}
