//! What providers and processors learn about the request they serve.

use std::sync::Arc;

use glue_security::Principal;
use http::request::Parts;
use http::{Extensions, HeaderMap, Method, Uri};

use crate::meta::{OperationMeta, ResourceMeta};
use crate::pagination::PageRequest;
use crate::query::{Query, QueryParams};

/// The request as the provider or processor sees it: the matched resource and operation, the
/// uri variables, the parsed query and the request head (headers and extensions, where
/// authentication layers put the principal).
#[derive(Debug)]
pub struct Context {
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

impl Context {
    /// The name of the application that received the request (`backend`).
    #[must_use]
    pub fn application(&self) -> &str {
        &self.application
    }

    /// The matched resource.
    #[must_use]
    pub fn resource(&self) -> &'static ResourceMeta {
        self.resource
    }

    /// The matched operation.
    #[must_use]
    pub fn operation(&self) -> &'static OperationMeta {
        self.operation
    }

    /// The request method (`HEAD` requests are served as `GET`).
    #[must_use]
    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// The request URI as the router received it.
    #[must_use]
    pub fn uri(&self) -> &Uri {
        &self.parts.uri
    }

    /// The request headers.
    #[must_use]
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// The authenticated principal: from the application's authenticators, or set by a tower
    /// layer in front of the router.
    #[must_use]
    pub fn principal(&self) -> Option<&Principal> {
        self.parts.extensions.get::<Principal>()
    }

    /// The request extensions (set by tower layers, such as an authenticated principal).
    #[must_use]
    pub fn extensions(&self) -> &Extensions {
        &self.parts.extensions
    }

    /// Every uri variable of the matched route, percent-decoded, in template order.
    #[must_use]
    pub fn uri_variables(&self) -> &[(String, String)] {
        &self.uri_variables
    }

    /// One uri variable (`customerReference`).
    #[must_use]
    pub fn uri_variable(&self, name: &str) -> Option<&str> {
        self.uri_variables
            .iter()
            .find(|(variable, _)| variable == name)
            .map(|(_, value)| value.as_str())
    }

    /// The identifier of the addressed item, for item operations.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id_variable
            .map(|index| self.uri_variables[index].1.as_str())
    }

    /// The decoded query parameters.
    #[must_use]
    pub fn params(&self) -> &QueryParams {
        &self.params
    }

    /// The parsed query of a collection request.
    #[must_use]
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// Whether the provider is loading items to include in another resource's document
    /// (SPEC §3.3): there are no uri variables then, and the query's filter names the keys of
    /// every item wanted (one batched call per relationship).
    #[must_use]
    pub fn is_include(&self) -> bool {
        self.include
    }

    /// The locale negotiated from `Accept-Language` (SPEC §2.5, `de_DE`); `None` when the
    /// application offers no locales.
    #[must_use]
    pub fn locale(&self) -> Option<&str> {
        self.locale.as_deref()
    }

    /// The code bucket of the request (SPEC §7.3, `EU`): the application's fixed one, or the
    /// one its host names.
    #[must_use]
    pub fn code_bucket(&self) -> Option<&str> {
        self.code_bucket.as_deref()
    }

    /// The version of the resource that serves the request (SPEC §2.4).
    #[must_use]
    pub fn version(&self) -> Option<&'static str> {
        self.resource.version_of(self.operation)
    }

    /// The page a collection request asks for; `None` means every item.
    #[must_use]
    pub fn page(&self) -> Option<&PageRequest> {
        self.query.page()
    }
}
