//! What providers and processors learn about the request they serve.

use std::fmt;
use std::sync::Arc;

use glue_security::Principal;
use http::request::Parts;
use http::{Extensions, HeaderMap, Method, Uri};

use crate::meta::{OperationMeta, ResourceMeta};
use crate::pagination::PageRequest;
use crate::params::QueryParams;
use crate::query::Query;
use crate::resource::{Resource, ResourceId};

/// The request as the flow hands it to a resource's handler, before it is typed.
#[derive(Debug)]
pub(crate) struct RequestContext {
    pub(crate) parts: Parts,
    pub(crate) application: Arc<str>,
    pub(crate) resource: &'static ResourceMeta,
    pub(crate) operation: &'static OperationMeta,
    pub(crate) uri_variables: Vec<(String, String)>,
    pub(crate) id_variable: Option<usize>,
    pub(crate) params: QueryParams,
    pub(crate) query: Query,
    pub(crate) include: bool,
    pub(crate) locale: Option<Arc<str>>,
    pub(crate) code_bucket: Option<Arc<str>>,
}

impl RequestContext {
    /// The identifier in the URL, as text.
    pub(crate) fn raw_id(&self) -> Option<&str> {
        self.id_variable
            .and_then(|index| self.uri_variables.get(index))
            .map(|(_, value)| value.as_str())
    }

    /// The version of the resource that serves the request (SPEC §2.4).
    pub(crate) fn version(&self) -> Option<&'static str> {
        self.resource.version_of(self.operation)
    }

    /// The principal, when one is authenticated.
    pub(crate) fn principal(&self) -> Option<&Principal> {
        self.parts.extensions.get::<Principal>()
    }
}

/// The request as the provider or processor of `R` sees it: the matched resource and
/// operation, the identifier typed as the resource declares it, the uri variables, the parsed
/// query and the request head (headers and extensions, where authentication layers put the
/// principal).
pub struct Context<R: Resource> {
    request: RequestContext,
    id: Option<R::Id>,
    written: Vec<&'static str>,
}

impl<R: Resource> fmt::Debug for Context<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("resource", &self.request.resource.short_name)
            .field("operation", &self.request.operation.kind)
            .field("id", &self.request.raw_id())
            .field("uri", &self.request.parts.uri)
            .finish_non_exhaustive()
    }
}

impl<R: Resource> Context<R> {
    /// Types a request for `R`; the request comes back when the URL's identifier is not one
    /// of `R`'s (no item can have it).
    pub(crate) fn typed(request: RequestContext) -> Result<Self, Box<RequestContext>> {
        let id = match request.raw_id().map(R::Id::from_id) {
            Some(Some(id)) => Some(id),
            Some(None) => return Err(Box::new(request)),
            None => None,
        };
        Ok(Self {
            request,
            id,
            written: Vec::new(),
        })
    }

    pub(crate) fn request(&self) -> &RequestContext {
        &self.request
    }

    pub(crate) fn set_written(&mut self, written: Vec<&'static str>) {
        self.written = written;
    }

    /// The properties a write request set, by wire name: for `Patch` only those the body
    /// carries (a store writes only their columns, SPEC §12.2); for `Post` and `Put` every
    /// writable property, sent or defaulted. Empty for reads.
    #[must_use]
    pub fn written(&self) -> &[&'static str] {
        &self.written
    }

    /// Checks the request's `If-Match` against the item as stored now (SPEC §12.1): for
    /// processors that keep items themselves, called under the lock that serializes their
    /// writes, so that a write that raced past the router's check is refused too. `Ok` when
    /// the request names this version (or names none and needs none); 412 otherwise.
    ///
    /// # Errors
    ///
    /// 412 when `If-Match` names another version, 428 when the resource requires one and the
    /// request has none.
    pub fn check_version(&self, stored: &R) -> Result<(), crate::GlueError> {
        crate::concurrency::check_write(&self.request.parts.headers, stored)
    }

    /// The transactions of the atomic request this operation is part of (SPEC §12.3);
    /// `None` for a request of its own.
    #[must_use]
    pub fn transactions(&self) -> Option<&crate::atomic::Transactions> {
        self.request
            .parts
            .extensions
            .get::<std::sync::Arc<crate::atomic::Transactions>>()
            .map(|transactions| &**transactions)
    }

    /// Whether the write carries `If-Match` with an entity tag (SPEC §12.1). The framework has
    /// checked it against the item it loaded; a processor must still write only if the
    /// stored version is that one, in the same statement or transaction as the write, and
    /// answer [`concurrency::precondition_failed`](crate::concurrency::precondition_failed)
    /// otherwise.
    #[must_use]
    pub fn is_conditional(&self) -> bool {
        crate::concurrency::is_conditional(&self.request.parts.headers)
    }

    /// The name of the application that received the request (`backend`).
    #[must_use]
    pub fn application(&self) -> &str {
        &self.request.application
    }

    /// The matched resource.
    #[must_use]
    pub fn resource(&self) -> &'static ResourceMeta {
        self.request.resource
    }

    /// The matched operation.
    #[must_use]
    pub fn operation(&self) -> &'static OperationMeta {
        self.request.operation
    }

    /// The request method (`HEAD` requests are served as `GET`).
    #[must_use]
    pub fn method(&self) -> &Method {
        &self.request.parts.method
    }

    /// The request URI as the router received it.
    #[must_use]
    pub fn uri(&self) -> &Uri {
        &self.request.parts.uri
    }

    /// The request headers.
    #[must_use]
    pub fn headers(&self) -> &HeaderMap {
        &self.request.parts.headers
    }

    /// The authenticated principal: from the application's authenticators, or set by a tower
    /// layer in front of the router.
    #[must_use]
    pub fn principal(&self) -> Option<&Principal> {
        self.request.principal()
    }

    /// The request extensions (set by tower layers, such as an authenticated principal).
    #[must_use]
    pub fn extensions(&self) -> &Extensions {
        &self.request.parts.extensions
    }

    /// Every uri variable of the matched route, percent-decoded, in template order.
    #[must_use]
    pub fn uri_variables(&self) -> &[(String, String)] {
        &self.request.uri_variables
    }

    /// One uri variable (`customerReference`).
    #[must_use]
    pub fn uri_variable(&self, name: &str) -> Option<&str> {
        self.request
            .uri_variables
            .iter()
            .find(|(variable, _)| variable == name)
            .map(|(_, value)| value.as_str())
    }

    /// The identifier of the addressed item, typed as the resource's identifier, for item
    /// operations. A URL whose identifier is not of that type never reaches the provider:
    /// it is answered with 404.
    #[must_use]
    pub fn id(&self) -> Option<&R::Id> {
        self.id.as_ref()
    }

    /// The identifier of the addressed item as the URL has it (percent-decoded).
    #[must_use]
    pub fn raw_id(&self) -> Option<&str> {
        self.request.raw_id()
    }

    /// The decoded query parameters.
    #[must_use]
    pub fn params(&self) -> &QueryParams {
        &self.request.params
    }

    /// The parsed query of a collection request.
    #[must_use]
    pub fn query(&self) -> &Query {
        &self.request.query
    }

    /// Whether the provider is loading items to include in another resource's document
    /// (SPEC §3.3): there are no uri variables then, and the query's filter names the keys of
    /// every item wanted (one batched call per relationship).
    #[must_use]
    pub fn is_include(&self) -> bool {
        self.request.include
    }

    /// The locale negotiated from `Accept-Language` (SPEC §2.5, `de_DE`); `None` when the
    /// application offers no locales.
    #[must_use]
    pub fn locale(&self) -> Option<&str> {
        self.request.locale.as_deref()
    }

    /// The code bucket of the request (SPEC §7.3, `EU`): the application's fixed one, or the
    /// one its host names.
    #[must_use]
    pub fn code_bucket(&self) -> Option<&str> {
        self.request.code_bucket.as_deref()
    }

    /// The version of the resource that serves the request (SPEC §2.4).
    #[must_use]
    pub fn version(&self) -> Option<&'static str> {
        self.request.version()
    }

    /// The page a collection request asks for; `None` means every item.
    #[must_use]
    pub fn page(&self) -> Option<&PageRequest> {
        self.request.query.page()
    }
}
