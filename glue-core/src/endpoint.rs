//! Routes outside the resource model: `POST /token`, `GET /openapi.json`, `GET /docs`.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use glue_security::Principal;
use http::request::Parts;
use http::{HeaderMap, Method, Response, Uri};

use crate::body::{Body, BoxFuture};
use crate::error::GlueError;
use crate::meta::ResourceMeta;
use crate::model::ApiModel;

/// A request to an [`Endpoint`], its body read in full (within the application's body limit).
pub struct EndpointRequest {
    pub(crate) parts: Parts,
    pub(crate) body: Bytes,
    pub(crate) base_url: String,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) model: Arc<ApiModel>,
    pub(crate) code_bucket: Option<Arc<str>>,
    pub(crate) locale: Option<Arc<str>>,
}

impl std::fmt::Debug for EndpointRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointRequest")
            .field("method", &self.parts.method)
            .field("uri", &self.parts.uri)
            .field("application", &self.model.name())
            .field("body", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl EndpointRequest {
    /// The request method.
    #[must_use]
    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// The request URI.
    #[must_use]
    pub fn uri(&self) -> &Uri {
        &self.parts.uri
    }

    /// The request headers.
    #[must_use]
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// The request head.
    #[must_use]
    pub fn parts(&self) -> &Parts {
        &self.parts
    }

    /// The body.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The application's name (`backend`).
    #[must_use]
    pub fn application(&self) -> &str {
        self.model.name()
    }

    /// The application as built, read-only: its routes, conventions and strategies (what a
    /// document describing the application reads).
    #[must_use]
    pub fn model(&self) -> &ApiModel {
        &self.model
    }

    /// The base URL links of this request start with (`http://127.0.0.1:8081`).
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A variable of the route template, percent-decoded.
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The resources of the application, in registration order.
    #[must_use]
    pub fn resources(&self) -> &[&'static ResourceMeta] {
        self.model.resources()
    }

    /// The code bucket of the request (SPEC §7.3).
    #[must_use]
    pub fn code_bucket(&self) -> Option<&str> {
        self.code_bucket.as_deref()
    }

    /// The locale negotiated for the request (SPEC §2.5).
    #[must_use]
    pub fn locale(&self) -> Option<&str> {
        self.locale.as_deref()
    }

    /// The principal a tower layer in front of the router authenticated, if any.
    #[must_use]
    pub fn principal(&self) -> Option<&Principal> {
        self.parts.extensions.get::<Principal>()
    }
}

/// Serves one route of its own (registered with
/// [`Application::route`](crate::Application::route)).
///
/// Any `Fn(EndpointRequest) -> impl Future<Output = Result<Response<Body>, GlueError>>` is an
/// endpoint; an error leaves in the application's default convention.
pub trait Endpoint: Send + Sync + 'static {
    /// Answers the request.
    fn call(
        &self,
        request: EndpointRequest,
    ) -> impl Future<Output = Result<Response<Body>, GlueError>> + Send;

    /// The OpenAPI operation object of this endpoint for `method`, for the application's
    /// document; `None` (the default) leaves it out.
    fn describe(&self, method: &Method) -> Option<serde_json::Value> {
        let _ = method;
        None
    }
}

impl<F, Fut> Endpoint for F
where
    F: Fn(EndpointRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<Body>, GlueError>> + Send,
{
    fn call(
        &self,
        request: EndpointRequest,
    ) -> impl Future<Output = Result<Response<Body>, GlueError>> + Send {
        self(request)
    }
}

/// The object-safe face of [`Endpoint`].
pub(crate) trait ErasedEndpoint: Send + Sync {
    fn call(&self, request: EndpointRequest) -> BoxFuture<'_, Result<Response<Body>, GlueError>>;
    fn describe(&self, method: &Method) -> Option<serde_json::Value>;
}

impl<E: Endpoint> ErasedEndpoint for E {
    fn call(&self, request: EndpointRequest) -> BoxFuture<'_, Result<Response<Body>, GlueError>> {
        Box::pin(Endpoint::call(self, request))
    }

    fn describe(&self, method: &Method) -> Option<serde_json::Value> {
        Endpoint::describe(self, method)
    }
}
