//! The router: a `tower::Service` that runs the request flow of an application.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use futures_util::FutureExt;
use http::header::{self, HeaderValue};
use http::request::Parts;
use http::{Method, Request, Response, StatusCode};
use http_body::Body as HttpBody;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use percent_encoding::percent_decode_str;
use tower_service::Service;

use glue_security::{Principal, Voter};

use crate::auth::{AuthRequest, ErasedAuthenticator};
use crate::body::Body;
use crate::context::Context;
use crate::convention::{Convention, PageInfo};
use crate::endpoint::{EndpointRequest, ErasedEndpoint};
use crate::error::GlueError;
use crate::handler::{Call, ErasedHandler, Output, Paging};
use crate::links::{Links, Routes, request_base};
use crate::meta::{OperationKind, OperationMeta, ResourceMeta};
use crate::negotiate::{
    Accepted, Accepts, MediaRange, accept_header, acceptable, content_type_version,
    negotiate_accept, negotiate_content_type, negotiate_language,
};
use crate::pagination::{
    Cursor, Direction, PageInput, PageOutcome, PageRequest, PaginationSettings, PaginationStrategy,
    Total,
};
use crate::query::{Query, QueryParams, Scalar};
use crate::resource::ResourceObject;
use crate::security::{Facts, Guard, OperationSecurity, ReadRule};

/// Errors of request bodies, as `http-body` reports them.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An application's router: a cheap-to-clone, always-ready, infallible
/// `tower::Service<http::Request<B>>` for any body type.
///
/// Mount it in axum with `Router::nest_service`, or serve it with hyper through
/// `hyper_util::service::TowerToHyperService`.
#[derive(Clone)]
#[must_use]
pub struct Router {
    inner: Arc<AppInner>,
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Router")
            .field("application", &self.inner.name)
            .field(
                "routes",
                &self
                    .inner
                    .routes
                    .iter()
                    .map(|route| route.template.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Router {
    pub(crate) fn from_inner(mut inner: AppInner) -> Self {
        Self {
            inner: Arc::new_cyclic(|this| {
                inner.this = this.clone();
                inner
            }),
        }
    }

    /// The application's name.
    #[must_use]
    pub fn application(&self) -> &str {
        &self.inner.name
    }

    /// The resources of the application.
    pub fn resources(&self) -> impl Iterator<Item = &'static ResourceMeta> + '_ {
        self.inner.handlers.iter().map(|handler| handler.meta())
    }

    /// Serves one request.
    pub async fn handle<B>(&self, request: crate::GlueRequest<B>) -> crate::GlueResponse
    where
        B: HttpBody + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        Arc::clone(&self.inner).handle(request).await
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
        let inner = Arc::clone(&self.inner);
        RouteFuture {
            inner: Box::pin(inner.handle(request)),
        }
    }
}

/// The pagination part of a collection answer.
pub(crate) struct PageAnswer {
    pub(crate) info: PageInfo,
    pub(crate) status: Option<StatusCode>,
    pub(crate) headers: http::HeaderMap,
}

impl From<PageInfo> for PageAnswer {
    fn from(info: PageInfo) -> Self {
        Self {
            info,
            status: None,
            headers: http::HeaderMap::new(),
        }
    }
}

/// The cursor pages around a keyset page (SPEC §5.2): the positions of its first and last
/// items under the sort, then the tie-breaker.
fn keyset_neighbours(
    call: &Call<'_>,
    request: &PageRequest,
    items: &[&dyn ResourceObject],
    total: Total,
) -> (Option<PageRequest>, Option<PageRequest>) {
    let has_more = matches!(total, Total::Partial { has_more: true });
    let position = |item: &dyn ResourceObject| -> Vec<Scalar<'static>> {
        order_keys(call.ctx.resource, call.ctx.query())
            .into_iter()
            .map(|name| {
                item.resource_property(name)
                    .map_or(Scalar::Null, Scalar::into_owned)
            })
            .collect()
    };
    let at = |direction, item: Option<&&dyn ResourceObject>, fallback: Option<&Cursor>| {
        let values = match (item, fallback) {
            (Some(item), _) => position(*item),
            (None, Some(cursor)) => cursor.values().to_vec(),
            (None, None) => return None,
        };
        Some(PageRequest::keyset(
            request.limit,
            Some(Cursor::new(direction, values)),
        ))
    };
    let cursor = request.cursor();
    match cursor.map(Cursor::direction) {
        None => (
            None,
            has_more
                .then(|| at(Direction::After, items.last(), None))
                .flatten(),
        ),
        Some(Direction::After) => (
            at(Direction::Before, items.first(), cursor),
            has_more
                .then(|| at(Direction::After, items.last(), None))
                .flatten(),
        ),
        Some(Direction::Before) => (
            has_more
                .then(|| at(Direction::Before, items.first(), None))
                .flatten(),
            at(Direction::After, items.last(), cursor),
        ),
    }
}

/// The properties a keyset position holds: the sort keys, then the tie-breaker.
pub(crate) fn order_keys(meta: &'static ResourceMeta, query: &Query) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = query.sort().iter().map(|key| key.property.name).collect();
    if let Some(tie_breaker) = meta.order_key()
        && !keys.contains(&tie_breaker.name)
    {
        keys.push(tie_breaker.name);
    }
    keys
}

/// One route of the application and the operations declared on it.
pub(crate) struct RouteEntry {
    pub(crate) template: String,
    pub(crate) operations: Vec<RouteOperation>,
    /// Methods served by endpoints, with the endpoint's index.
    pub(crate) endpoints: Vec<(Method, usize)>,
    pub(crate) allow: HeaderValue,
}

pub(crate) struct RouteOperation {
    pub(crate) method: Method,
    pub(crate) resource: usize,
    pub(crate) resource_meta: &'static ResourceMeta,
    pub(crate) operation: &'static OperationMeta,
    pub(crate) id_variable: Option<usize>,
    pub(crate) variables: Vec<String>,
    pub(crate) security: OperationSecurity,
    /// The version the operation belongs to (SPEC §2.4).
    pub(crate) version: Option<&'static str>,
}

pub(crate) struct AppInner {
    pub(crate) name: Arc<str>,
    pub(crate) conventions: Vec<Arc<dyn Convention>>,
    pub(crate) default_convention: usize,
    pub(crate) strategies: Vec<Arc<dyn PaginationStrategy>>,
    pub(crate) settings: Vec<PaginationSettings>,
    pub(crate) base_url: Option<String>,
    pub(crate) mount_path: String,
    pub(crate) body_limit: usize,
    pub(crate) handlers: Vec<Arc<dyn ErasedHandler>>,
    pub(crate) matcher: matchit::Router<usize>,
    pub(crate) routes: Vec<RouteEntry>,
    pub(crate) link_routes: Arc<Routes>,
    pub(crate) authenticators: Vec<Arc<dyn ErasedAuthenticator>>,
    pub(crate) voters: Vec<Arc<dyn Voter>>,
    /// `WWW-Authenticate` challenges of the authenticators, for 401 answers.
    pub(crate) challenges: Vec<HeaderValue>,
    /// Query parameters that carry credentials.
    pub(crate) credential_parameters: Vec<&'static str>,
    pub(crate) endpoints: Vec<Arc<dyn ErasedEndpoint>>,
    pub(crate) resource_metas: Arc<[&'static ResourceMeta]>,
    /// Who may see included items, by resource.
    pub(crate) read_rules: Vec<ReadRule>,
    /// The locales offered, the default first (SPEC §2.5).
    pub(crate) locales: Vec<Arc<str>>,
    /// The code bucket of every request, when fixed (SPEC §7.3).
    pub(crate) code_bucket: Option<Arc<str>>,
    /// The code buckets the variants declare, recognised in the request's host.
    pub(crate) code_buckets: Vec<Arc<str>>,
    /// The application itself, for endpoints that describe it.
    pub(crate) this: std::sync::Weak<Self>,
}

impl Accepts for Arc<dyn Convention> {
    fn accepts_media(&self, media: &MediaRange<'_>) -> bool {
        self.accepts(media)
    }
}

/// What a request is scoped to before routing: its locale and code bucket.
pub(crate) struct Scope {
    pub(crate) locale: Option<Arc<str>>,
    pub(crate) code_bucket: Option<Arc<str>>,
}

/// What the flow decided before the handler runs.
struct Prepared<'a> {
    route: &'a RouteOperation,
    convention: &'a dyn Convention,
    convention_index: usize,
    /// The convention that reads the body, for operations with one.
    reader: Option<&'a dyn Convention>,
}

impl AppInner {
    async fn handle<B>(self: Arc<Self>, request: Request<B>) -> Response<Body>
    where
        B: HttpBody + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let (parts, body) = request.into_parts();
        let head = parts.method == Method::HEAD;
        let accepted = negotiate_accept(
            accept_header(&parts.headers).as_deref(),
            &self.conventions,
            self.default_convention,
        );
        let answer_with = match accepted {
            Accepted::Index(index) => index,
            Accepted::None => self.default_convention,
        };
        let scope = self.scope(&parts);
        let content_language = scope.locale.clone();
        let mut response = match self.respond(parts, body, accepted, scope).await {
            Ok(response) => response,
            Err(error) => self.error_response(answer_with, &error),
        };
        if let Some(locale) = content_language.and_then(|l| HeaderValue::from_str(&l).ok()) {
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_LANGUAGE, locale);
            headers.append(header::VARY, HeaderValue::from_static("Accept-Language"));
        }
        if head { strip_body(response) } else { response }
    }

    async fn respond<B>(
        &self,
        parts: Parts,
        body: B,
        accepted: Accepted,
        scope: Scope,
    ) -> Result<Response<Body>, GlueError>
    where
        B: HttpBody + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let path = glue_common::template::trim_trailing_slash(parts.uri.path()).to_owned();
        let matched = self
            .matcher
            .at(&path)
            .map_err(|_| GlueError::not_found(format!("No resource is found at {path}.")))?;
        let entry = &self.routes[*matched.value];
        let raw_variables: Vec<(&str, &str)> = matched.params.iter().collect();

        if parts.method == Method::OPTIONS {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NO_CONTENT;
            response
                .headers_mut()
                .insert(header::ALLOW, entry.allow.clone());
            return Ok(response);
        }
        let method = if parts.method == Method::HEAD {
            Method::GET
        } else {
            parts.method.clone()
        };
        if let Some((_, endpoint)) = entry.endpoints.iter().find(|(m, _)| *m == method) {
            let mut parts = parts;
            // An endpoint sees the principal of valid credentials; it decides itself what
            // missing or bad ones mean.
            let _ = self.authenticate(&mut parts).await;
            return self
                .serve_endpoint(*endpoint, parts, body, &raw_variables, scope)
                .await;
        }
        let candidates: Vec<&RouteOperation> = entry
            .operations
            .iter()
            .filter(|op| op.method == method)
            .collect();
        if candidates.is_empty() {
            return Err(GlueError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{} is not allowed on {path}.", parts.method),
            )
            .with_header(header::ALLOW, entry.allow.clone()));
        }
        let (route, convention_index, reader) = self.select(
            &parts,
            &path,
            &candidates,
            accepted,
            scope.code_bucket.as_deref(),
        )?;
        let convention = &*self.conventions[convention_index];
        let mut parts = parts;
        if let Err(error) = self.authenticate(&mut parts).await
            && !route.security.is_empty()
        {
            // Bad credentials matter where a rule asks who is calling; an operation open to
            // everyone serves the request as anonymous (a client renewing its tokens still
            // sends the expired one).
            return Err(error);
        }

        let uri_variables = route
            .variables
            .iter()
            .map(|name| {
                let raw = raw_variables
                    .iter()
                    .find(|(key, _)| key == name)
                    .map_or("", |(_, value)| *value);
                (
                    name.clone(),
                    percent_decode_str(raw).decode_utf8_lossy().into_owned(),
                )
            })
            .collect();
        let prepared = Prepared {
            route,
            convention,
            convention_index,
            reader,
        };
        self.dispatch(parts, body, path, uri_variables, prepared, scope)
            .await
    }

    /// The locale and code bucket of a request (SPEC §2.5, §7.3).
    fn scope(&self, parts: &Parts) -> Scope {
        let locale = negotiate_language(
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok()),
            &self.locales,
        )
        .map(|index| Arc::clone(&self.locales[index]));
        let code_bucket = self.code_bucket.clone().or_else(|| {
            let host = parts
                .headers
                .get(header::HOST)
                .and_then(|value| value.to_str().ok())
                .or_else(|| parts.uri.host())?;
            let host = host.rsplit_once(':').map_or(host, |(name, _)| name);
            host.split('.').find_map(|label| {
                self.code_buckets
                    .iter()
                    .find(|bucket| bucket.eq_ignore_ascii_case(label))
                    .cloned()
            })
        });
        Scope {
            locale,
            code_bucket,
        }
    }

    /// The variant that answers (SPEC §2.4, §7.3): the request's code bucket, else the base;
    /// then the version `Content-Type` or `Accept` asks for, else the newest; with the
    /// convention that answers and the one that reads the body.
    fn select<'a>(
        &'a self,
        parts: &Parts,
        path: &str,
        candidates: &[&'a RouteOperation],
        accepted: Accepted,
        bucket: Option<&str>,
    ) -> Result<(&'a RouteOperation, usize, Option<&'a dyn Convention>), GlueError> {
        let in_bucket = |op: &&&RouteOperation| {
            op.resource_meta
                .code_bucket
                .zip(bucket)
                .is_some_and(|(own, wanted)| own.eq_ignore_ascii_case(wanted))
        };
        let variants: Vec<&RouteOperation> = if candidates.iter().any(|op| in_bucket(&op)) {
            candidates.iter().filter(in_bucket).copied().collect()
        } else {
            candidates
                .iter()
                .filter(|op| op.resource_meta.code_bucket.is_none())
                .copied()
                .collect()
        };
        let Some(first) = variants.first() else {
            return Err(GlueError::not_found(format!(
                "No resource is found at {path} for this code bucket."
            )));
        };
        let reader = if first.operation.kind.has_body() {
            let index =
                negotiate_content_type(parts.headers.get(header::CONTENT_TYPE), &self.conventions)
                    .ok_or_else(|| self.unsupported_media_type(parts))?;
            Some(&*self.conventions[index])
        } else {
            None
        };
        let accept = accept_header(&parts.headers);
        let body_version = reader
            .is_some()
            .then(|| content_type_version(parts.headers.get(header::CONTENT_TYPE)))
            .flatten();
        let versioned = variants.iter().any(|op| op.version.is_some());
        if !versioned
            && body_version.is_none()
            && !accept
                .as_deref()
                .is_some_and(|text| text.contains("version"))
        {
            let Accepted::Index(index) = accepted else {
                return Err(self.not_acceptable());
            };
            return Ok((first, index, reader));
        }

        let declared = || {
            let versions: Vec<&str> = variants.iter().filter_map(|op| op.version).collect();
            if versions.is_empty() {
                format!("{} declares no versions.", first.resource_meta.short_name)
            } else {
                format!(
                    "{} offers version {}.",
                    first.resource_meta.short_name,
                    versions.join(", ")
                )
            }
        };
        let by_version = |wanted: &str| -> Option<&'a RouteOperation> {
            variants
                .iter()
                .copied()
                .find(|op| op.version == Some(wanted))
        };
        let newest = variants
            .iter()
            .copied()
            .max_by_key(|op| op.version.and_then(glue_common::version::parse))
            .unwrap_or(first);
        let from_body = match &body_version {
            Some(version) => Some(by_version(version).ok_or_else(|| {
                GlueError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!("Version {version} is not offered: {}", declared()),
                )
                .with_source(crate::error::ErrorSource::Header("Content-Type".to_owned()))
            })?),
            None => None,
        };
        let list = acceptable(
            accept.as_deref(),
            &self.conventions,
            self.default_convention,
        )
        .ok_or_else(|| self.not_acceptable())?;
        for (index, version) in list {
            let chosen = match (version, from_body) {
                (None, Some(op)) => op,
                (None, None) => newest,
                (Some(version), Some(op)) if op.version == Some(version.as_str()) => op,
                (Some(_), Some(_)) => continue,
                (Some(version), None) => match by_version(&version) {
                    Some(op) => op,
                    None => continue,
                },
            };
            return Ok((chosen, index, reader));
        }
        Err(GlueError::new(
            StatusCode::NOT_ACCEPTABLE,
            format!("No version in Accept is offered: {}", declared()),
        )
        .with_source(crate::error::ErrorSource::Header("Accept".to_owned())))
    }

    async fn dispatch<B>(
        &self,
        parts: Parts,
        body: B,
        path: String,
        uri_variables: Vec<(String, String)>,
        prepared: Prepared<'_>,
        scope: Scope,
    ) -> Result<Response<Body>, GlueError>
    where
        B: HttpBody + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let Prepared {
            route,
            convention,
            convention_index,
            reader,
        } = prepared;
        let mut params = QueryParams::parse(parts.uri.query().unwrap_or(""));
        for name in &self.credential_parameters {
            params.remove(name);
        }
        let (paging, page) = if route.operation.kind == OperationKind::GetCollection {
            self.resolve_paging(route, &params, &parts, convention)?
        } else {
            (Paging::default(), None)
        };
        let links = Links::new(
            request_base(
                self.base_url.as_deref(),
                &self.mount_path,
                &parts.uri,
                &parts.headers,
            ),
            Arc::clone(&self.link_routes),
        );
        let mut document_url = links.url(&path);
        if !params.is_empty() {
            document_url.push('?');
            document_url.push_str(&params.encode_with(|_| true, &[]));
        }
        let collection = route.operation.kind == OperationKind::GetCollection;
        let mut query = Query::parse(route.resource_meta, &params, collection, &|name| {
            self.resource_type(name)
        })?;
        query.page = page;
        let security = &route.security;
        if security.security_is_early(route.operation.kind)
            && let Some(rule) = &security.security
        {
            let facts = Facts {
                principal: parts.extensions.get::<Principal>(),
                method: &parts.method,
                path: parts.uri.path(),
                application: &self.name,
                variables: &uri_variables,
                locale: scope.locale.as_deref(),
                code_bucket: scope.code_bucket.as_deref(),
                version: route.version,
            };
            self.guard().check_early(rule, &facts)?;
        }
        // The body is read once the caller may send it.
        let call_body = match reader {
            Some(reader) => Some((read_body(body, self.body_limit, &parts).await?, reader)),
            None => {
                drop(body);
                None
            }
        };
        let ctx = Context {
            parts,
            application: Arc::clone(&self.name),
            resource: route.resource_meta,
            operation: route.operation,
            uri_variables,
            id_variable: route.id_variable,
            params,
            query,
            include: false,
            locale: scope.locale,
            code_bucket: scope.code_bucket,
        };
        let call = Call {
            app: self,
            ctx,
            convention,
            convention_index,
            body: call_body,
            links,
            path,
            document_url,
            paging,
            security,
        };
        let handler = &self.handlers[route.resource];
        let output = AssertUnwindSafe(handler.handle(call))
            .catch_unwind()
            .await
            .map_err(|panic| {
                let message = panic_message(&*panic);
                tracing::error!(
                    application = %self.name,
                    resource = route.resource_meta.short_name,
                    operation = %route.operation.kind,
                    panic = %message,
                    "a provider or processor panicked"
                );
                GlueError::internal(format!("panic: {message}"))
            })??;
        let mut response = self.success_response(convention, output);
        if let Some(version) = route.version
            && response.headers().contains_key(header::CONTENT_TYPE)
            && let Ok(value) =
                HeaderValue::from_str(&format!("{}; version={version}", convention.media_type()))
        {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        if let Some(value) = route
            .operation
            .cache_control
            .and_then(|value| HeaderValue::from_str(value).ok())
        {
            response.headers_mut().insert(header::CACHE_CONTROL, value);
        }
        Ok(response)
    }

    /// What security checks need from the application.
    pub(crate) fn guard(&self) -> Guard<'_> {
        Guard {
            voters: &self.voters,
            challenges: &self.challenges,
        }
    }

    /// Runs the authenticators (SPEC §6.3 to §6.5), in order, unless a layer in front of the router
    /// already put a principal into the request (trusted as it is: such a layer answers for
    /// checking that it belongs to this application); the principal lands in the extensions.
    async fn authenticate(&self, parts: &mut Parts) -> Result<(), GlueError> {
        if self.authenticators.is_empty() || parts.extensions.get::<Principal>().is_some() {
            return Ok(());
        }
        // The first valid credentials authenticate; bad ones matter only when no others do
        // (a stale bearer token beside a valid API key is not an error).
        let mut found = None;
        let mut refused = None;
        {
            let request = AuthRequest::new(parts, &self.name);
            for authenticator in &self.authenticators {
                match authenticator.authenticate(&request).await {
                    Ok(Some(principal)) => {
                        found = Some(principal);
                        break;
                    }
                    Ok(None) => {}
                    Err(error) => {
                        refused.get_or_insert(error);
                    }
                }
            }
        }
        match (found, refused) {
            (Some(principal), _) => {
                parts.extensions.insert(principal);
                Ok(())
            }
            (None, Some(error)) => Err(error),
            (None, None) => Ok(()),
        }
    }

    /// Serves a route of an endpoint: reads the body within the limit and hands over.
    async fn serve_endpoint<B>(
        &self,
        index: usize,
        parts: Parts,
        body: B,
        raw_variables: &[(&str, &str)],
        scope: Scope,
    ) -> Result<Response<Body>, GlueError>
    where
        B: HttpBody + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let bytes = if matches!(parts.method, Method::GET | Method::HEAD | Method::DELETE) {
            drop(body);
            Bytes::new()
        } else {
            read_body(body, self.body_limit, &parts).await?
        };
        let base_url = request_base(
            self.base_url.as_deref(),
            &self.mount_path,
            &parts.uri,
            &parts.headers,
        );
        let params = raw_variables
            .iter()
            .map(|(name, raw)| {
                (
                    (*name).to_owned(),
                    percent_decode_str(raw).decode_utf8_lossy().into_owned(),
                )
            })
            .collect();
        let app = self
            .this
            .upgrade()
            .ok_or_else(|| GlueError::internal("the application is gone"))?;
        let request = EndpointRequest {
            parts,
            body: bytes,
            application: Arc::clone(&self.name),
            base_url,
            params,
            resources: Arc::clone(&self.resource_metas),
            app,
            code_bucket: scope.code_bucket,
            locale: scope.locale,
        };
        let endpoint = &self.endpoints[index];
        AssertUnwindSafe(endpoint.call(request))
            .catch_unwind()
            .await
            .map_err(|panic| {
                let message = panic_message(&*panic);
                tracing::error!(application = %self.name, panic = %message, "an endpoint panicked");
                GlueError::internal(format!("panic: {message}"))
            })?
    }

    /// The metadata of a resource type of this application.
    pub(crate) fn resource_type(&self, name: &str) -> Option<&'static ResourceMeta> {
        self.handlers
            .iter()
            .map(|handler| handler.meta())
            .find(|meta| meta.short_name == name)
    }

    /// The page a collection request asks for (`None`: every item), which strategy read it,
    /// and which one writes the links.
    fn resolve_paging(
        &self,
        route: &RouteOperation,
        params: &QueryParams,
        parts: &Parts,
        convention: &dyn Convention,
    ) -> Result<(Paging, Option<PageRequest>), GlueError> {
        let settings = &self.settings[route.resource];
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
        let configured = settings
            .form
            .or_else(|| convention.default_page_form())
            .and_then(|form| self.strategies.iter().position(|s| s.name() == form))
            .or_else(|| (!self.strategies.is_empty()).then_some(0));
        let input = PageInput {
            query: params,
            headers: &parts.headers,
            resource_type: route.resource_meta.short_name,
        };
        for (index, strategy) in self.strategies.iter().enumerate() {
            if let Some(request) = strategy.parse(&input, settings)? {
                let links = if strategy.in_links() {
                    Some(index)
                } else {
                    configured
                };
                let paging = Paging {
                    parsed_by: Some(index),
                    links,
                };
                return Ok((paging, Some(request)));
            }
        }
        let paging = Paging {
            parsed_by: None,
            links: configured,
        };
        Ok((paging, Some(PageRequest::new(0, settings.items_per_page))))
    }

    /// Links and meta of a collection page (SPEC §3.2, §5.4), and what the strategy that read
    /// the page adds to the answer (SPEC §5.2: 206 and `Content-Range`, or 416).
    pub(crate) fn page_info(
        &self,
        call: &Call<'_>,
        items: &[&dyn ResourceObject],
        total: Total,
    ) -> Result<PageAnswer, GlueError> {
        let records = items.len() as u64;
        let Some(request) = call.ctx.query().page() else {
            return Ok(PageAnswer::from(PageInfo {
                paginated: false,
                page: Some(1),
                pages: Some(1),
                records,
                records_per_page: records,
                records_total: Some(records),
                ..PageInfo::default()
            }));
        };
        let limit = request.limit;
        let known = match total {
            Total::Known(total) => Some(total),
            Total::Partial { .. } | Total::Unpaginated => None,
        };
        let input = PageInput {
            query: &call.ctx.params,
            headers: &call.ctx.parts.headers,
            resource_type: call.ctx.resource.short_name,
        };
        let mut answer = PageAnswer::from(PageInfo {
            paginated: true,
            page: (!request.is_keyset()).then(|| request.page_number()),
            pages: known.map(|total| total.div_ceil(limit).max(1)),
            records,
            records_per_page: limit,
            records_total: known,
            ..PageInfo::default()
        });
        if let Some(strategy) = call.paging.parsed_by.map(|index| &self.strategies[index]) {
            let outcome = PageOutcome {
                request,
                records,
                total: known,
                resource_type: call.ctx.resource.short_name,
            };
            answer.status = strategy.finish(&outcome, &mut answer.headers)?;
        }
        let Some(strategy) = call.paging.links.map(|index| &self.strategies[index]) else {
            return Ok(answer);
        };
        let link = |target: PageRequest| {
            let mut extra = Vec::new();
            strategy.link_params(&target, &input, &mut extra);
            let mut url = call.links.url(&call.path);
            url.push('?');
            url.push_str(
                &call
                    .ctx
                    .params
                    .encode_with(|key| !strategy.owns(key), &extra),
            );
            url
        };
        let info = &mut answer.info;
        info.first = Some(link(request.first()));
        if request.is_keyset() {
            let (prev, next) = keyset_neighbours(call, request, items, total);
            info.prev = prev.map(&link);
            info.next = next.map(&link);
            return Ok(answer);
        }
        info.prev = request.previous().map(&link);
        let has_next = match total {
            Total::Known(total) => request.offset.saturating_add(limit) < total,
            Total::Partial { has_more } => has_more,
            Total::Unpaginated => false,
        };
        if has_next {
            info.next = Some(link(request.next()));
        }
        if let Some(pages) = info.pages {
            info.last = Some(link(PageRequest::page(pages, limit)));
        }
        Ok(answer)
    }

    fn success_response(&self, convention: &dyn Convention, output: Output) -> Response<Body> {
        match output {
            Output::Stream(status, chunks) => {
                let mut response = Response::new(Body::stream(chunks));
                *response.status_mut() = status;
                let headers = response.headers_mut();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(convention.media_type()),
                );
                headers.insert(header::VARY, HeaderValue::from_static("Accept"));
                response
            }
            Output::Empty(status) => {
                let mut response = Response::new(Body::empty());
                *response.status_mut() = status;
                response
            }
            Output::Document {
                status,
                body,
                location,
                headers,
            } => {
                let mut response = document_response(status, convention, body);
                response.headers_mut().extend(headers);
                if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
                    response.headers_mut().insert(header::LOCATION, location);
                }
                response
            }
        }
    }

    fn error_response(&self, convention: usize, error: &GlueError) -> Response<Body> {
        if error.status().is_server_error() {
            tracing::error!(
                application = %self.name,
                status = error.status().as_u16(),
                error = %error,
                cause = ?std::error::Error::source(error).map(ToString::to_string),
                "request failed"
            );
        } else {
            tracing::debug!(application = %self.name, status = error.status().as_u16(), error = %error, "request refused");
        }
        let convention = &*self.conventions[convention];
        let mut body = Vec::with_capacity(256);
        convention.write_error(&mut body, error);
        let mut response = document_response(error.status(), convention, body);
        for (name, value) in error.headers() {
            response.headers_mut().append(name, value.clone());
        }
        response
    }

    fn not_acceptable(&self) -> GlueError {
        let offered: Vec<&str> = self.conventions.iter().map(|c| c.media_type()).collect();
        GlueError::new(
            StatusCode::NOT_ACCEPTABLE,
            format!(
                "None of the media types in Accept is offered; this API offers {}.",
                offered.join(", ")
            ),
        )
        .with_source(crate::error::ErrorSource::Header("Accept".to_owned()))
    }

    fn unsupported_media_type(&self, parts: &Parts) -> GlueError {
        let offered: Vec<&str> = self.conventions.iter().map(|c| c.media_type()).collect();
        let detail = match parts.headers.get(header::CONTENT_TYPE) {
            None => format!(
                "The request has a body but no Content-Type; send one of {}.",
                offered.join(", ")
            ),
            Some(value) => format!(
                "The Content-Type \"{}\" is not supported; send one of {}.",
                value.to_str().unwrap_or("?"),
                offered.join(", ")
            ),
        };
        GlueError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, detail)
            .with_source(crate::error::ErrorSource::Header("Content-Type".to_owned()))
    }
}

fn document_response(
    status: StatusCode,
    convention: &dyn Convention,
    body: Vec<u8>,
) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(convention.media_type()),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// A HEAD answer: the GET answer's status and headers, with its length but without its body.
fn strip_body(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let length = body.as_bytes().len();
    if length > 0 {
        parts
            .headers
            .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    Response::from_parts(parts, Body::empty())
}

async fn read_body<B>(body: B, limit: usize, parts: &Parts) -> Result<Bytes, GlueError>
where
    B: HttpBody + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let too_large = || {
        GlueError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The request body is larger than the limit of {limit} bytes."),
        )
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(too_large()),
        Err(error) => {
            Err(GlueError::bad_request("The request body could not be read.").with_cause(error))
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
