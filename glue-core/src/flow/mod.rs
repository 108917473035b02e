//! The request flow: a `tower::Service` that takes a request through named steps, each in a
//! file of its own:
//!
//! | step | file | refuses with |
//! |---|---|---|
//! | scope: locale and code bucket | [`scope`] | |
//! | route: the route, then the method | [`route`] | 404, 405 (and answers `OPTIONS`) |
//! | negotiate: variant, answering and reading conventions | [`negotiate`] | 406, 415 |
//! | authenticate: credentials into a principal | [`authenticate`] | 401 |
//! | parse the query: filters, sort, fields, include, page | [`parse`] | 400 |
//! | authorize: rules that need no item | [`authorize`] | 401, 403 |
//! | run: the resource's handler (provider, processor, includes) | [`run`] | 404, 409, 413, 422... |
//! | encode: the answer, or the error, in the negotiated convention | [`encode`] | |
//!
//! Endpoints (routes outside the resource model) leave the flow after routing, in
//! [`endpoint`].

mod app;
mod atomic;
mod authenticate;
mod authorize;
mod body;
mod encode;
mod endpoint;
mod negotiate;
mod parse;
mod route;
mod run;
mod scope;

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use http::{Method, Request, Response};
use http_body::Body as HttpBody;
use tower_service::Service;

pub(crate) use app::{App, Auth, Buckets, LinkSettings};
pub(crate) use negotiate::AcceptCache;
use scope::Scope;

use crate::body::{Body, BoxError};
use crate::error::GlueError;
use crate::meta::ResourceMeta;
use crate::model::ApiModel;

/// An application's router: a cheap-to-clone, always-ready, infallible
/// `tower::Service<http::Request<B>>` for any body type.
///
/// Mount it in axum with `Router::nest_service`, or serve it with hyper through
/// `hyper_util::service::TowerToHyperService`.
#[derive(Clone)]
#[must_use]
pub struct Router {
    app: Arc<App>,
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Router")
            .field("application", &self.app.model.name())
            .field(
                "routes",
                &self
                    .app
                    .model
                    .routes()
                    .iter()
                    .map(crate::model::RouteModel::template)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Router {
    pub(crate) fn new(app: App) -> Self {
        Self { app: Arc::new(app) }
    }

    /// The application's name.
    #[must_use]
    pub fn application(&self) -> &str {
        self.app.model.name()
    }

    /// The resources of the application.
    pub fn resources(&self) -> impl Iterator<Item = &'static ResourceMeta> + '_ {
        self.app.model.resources().iter().copied()
    }

    /// The built application, read-only: routes, conventions, strategies, locales.
    #[must_use]
    pub fn model(&self) -> &Arc<ApiModel> {
        &self.app.model
    }

    /// Serves one request.
    pub async fn handle<B>(&self, request: crate::GlueRequest<B>) -> crate::GlueResponse
    where
        B: HttpBody + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        Arc::clone(&self.app).handle(request).await
    }
}

/// The future of [`Router`]'s `call`.
pub struct RouteFuture {
    inner: Pin<Box<dyn Future<Output = Response<Body>> + Send>>,
}

impl fmt::Debug for RouteFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouteFuture").finish_non_exhaustive()
    }
}

impl Future for RouteFuture {
    type Output = Result<Response<Body>, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx).map(Ok)
    }
}

impl<B> Service<Request<B>> for Router
where
    B: HttpBody + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = RouteFuture;

    #[inline]
    fn poll_ready(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> RouteFuture {
        let app = Arc::clone(&self.app);
        RouteFuture {
            inner: Box::pin(app.handle(request)),
        }
    }
}

/// The longest request URI (path and query) served (SPEC §13.1).
pub const MAX_URI_LENGTH: usize = 8 * 1024;

impl App {
    /// One request, through the steps.
    async fn handle<B>(self: Arc<Self>, request: Request<B>) -> Response<Body>
    where
        B: HttpBody + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let (parts, body) = request.into_parts();
        let head = parts.method == Method::HEAD;
        let scope = scope::scope(&self.model, &self.buckets, &parts);
        let accepted = negotiate::accepted(&self.model, &self.accepts, &parts.headers);
        let response = match self.serve(parts, body, &scope, accepted).await {
            Ok(response) => response,
            Err(error) => {
                encode::error(&self.model, accepted.unwrap_or_default(&self.model), &error)
            }
        };
        encode::finish(response, &scope, head)
    }

    /// [`serve`](Self::serve) for one operation of an atomic request, behind a box: the
    /// atomic endpoint runs the flow from within the flow.
    fn serve_operation<'a>(
        &'a self,
        parts: http::request::Parts,
        body: http_body_util::Full<bytes::Bytes>,
        scope: &'a Scope,
        accepted: crate::negotiate::Accepted,
    ) -> crate::body::BoxFuture<'a, Result<Response<Body>, GlueError>> {
        Box::pin(self.serve(parts, body, scope, accepted))
    }

    /// Route, negotiate, authenticate, parse the query, authorize, run, encode.
    async fn serve<B>(
        &self,
        mut parts: http::request::Parts,
        body: B,
        scope: &Scope,
        accepted: crate::negotiate::Accepted,
    ) -> Result<Response<Body>, GlueError>
    where
        B: HttpBody + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        // SPEC §13.1: a URI longer than 8 KiB is not read further.
        let length = parts.uri.path_and_query().map_or(0, |pq| pq.as_str().len());
        if length > MAX_URI_LENGTH {
            return Err(GlueError::new(
                http::StatusCode::URI_TOO_LONG,
                format!("The URI is {length} bytes long; at most {MAX_URI_LENGTH} are read."),
            ));
        }
        let matched = match route::route(self, &parts)? {
            route::Target::Options(allow) => return Ok(encode::options(allow)),
            route::Target::Endpoint(endpoint) if self.atomic == Some(endpoint.target.endpoint) => {
                return atomic::serve(self, parts, body, scope).await;
            }
            route::Target::Endpoint(endpoint) => {
                return endpoint::serve(self, endpoint, parts, body, scope).await;
            }
            route::Target::Operations(matched) => matched,
        };
        let chosen = negotiate::negotiate(&self.model, &parts, &matched, accepted, scope)?;
        authenticate::authenticate(&self.auth, &mut parts, self.model.name())
            .await
            .or_else(|error| {
                // Bad credentials matter where a rule asks who is calling; an operation open
                // to everyone serves the request as anonymous (a client renewing its tokens
                // still sends the expired one).
                if chosen.operation.is_secured() {
                    Err(error)
                } else {
                    Ok(())
                }
            })?;
        let parsed = parse::parse(self, parts, matched, &chosen, scope)?;
        authorize::early(&self.auth, &chosen, &parsed.request)?;
        let output = run::run(self, parsed, body, &chosen).await?;
        Ok(encode::success(&chosen, output))
    }
}
