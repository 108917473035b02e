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
use crate::openapi::ApiInfo;
use crate::router::AppInner;

/// A request to an [`Endpoint`], its body read in full (within the application's body limit).
pub struct EndpointRequest {
    pub(crate) parts: Parts,
    pub(crate) body: Bytes,
    pub(crate) application: Arc<str>,
    pub(crate) base_url: String,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) resources: Arc<[&'static ResourceMeta]>,
    pub(crate) app: Arc<AppInner>,
    pub(crate) code_bucket: Option<Arc<str>>,
    pub(crate) locale: Option<Arc<str>>,
}

impl std::fmt::Debug for EndpointRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointRequest")
            .field("method", &self.parts.method)
            .field("uri", &self.parts.uri)
            .field("application", &self.application)
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

    /// The application's OpenAPI 3.1 document as this request sees it: its base URL, and
    /// the variants of its code bucket (SPEC §10.1).
    #[must_use]
    pub fn openapi(&self, info: &ApiInfo) -> serde_json::Value {
        self.app
            .openapi(info, &self.base_url, self.code_bucket.as_deref())
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

/// Serves the application's OpenAPI 3.1 document (SPEC §10.1) as JSON: mount it with
/// [`Application::openapi`](crate::Application::openapi).
#[derive(Debug, Clone)]
pub struct OpenApi {
    info: ApiInfo,
}

impl OpenApi {
    /// The document of an API with this title, version and description.
    #[must_use]
    pub fn new(info: ApiInfo) -> Self {
        Self { info }
    }
}

impl Endpoint for OpenApi {
    async fn call(&self, request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        let document = request.openapi(&self.info);
        let body = serde_json::to_vec(&document).map_err(GlueError::internal)?;
        let mut response = Response::new(Body::from(body));
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Ok(response)
    }
}
