//! Routes outside the resource model: `POST /token`, `GET /openapi.json`, `GET /docs`.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use glue_security::Principal;
use http::request::Parts;
use http::{HeaderMap, Method, Response, Uri};

use crate::body::Body;
use crate::error::GlueError;
use crate::handler::BoxFuture;
use crate::meta::ResourceMeta;

/// A request to an [`Endpoint`], its body read in full (within the application's body limit).
#[derive(Debug)]
pub struct EndpointRequest {
    pub(crate) parts: Parts,
    pub(crate) body: Bytes,
    pub(crate) application: Arc<str>,
    pub(crate) base_url: String,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) resources: Arc<[&'static ResourceMeta]>,
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
        &self.application
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
        &self.resources
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
}

impl<E: Endpoint> ErasedEndpoint for E {
    fn call(&self, request: EndpointRequest) -> BoxFuture<'_, Result<Response<Body>, GlueError>> {
        Box::pin(Endpoint::call(self, request))
    }
}
