//! The built application, read-only: its routes and what serves them, its conventions,
//! pagination strategies, locales and security schemes. The router runs on it, and tools that
//! describe an application (the OpenAPI document of `glue-openapi`) read it.

use std::sync::Arc;

use http::{HeaderValue, Method};

use crate::body::BoxFuture;
use crate::convention::Convention;
use crate::meta::{OperationMeta, ResourceMeta};
use crate::pagination::{PaginationSettings, PaginationStrategy};
use crate::security::OperationSecurity;

/// An application as built: what it serves and how it speaks.
pub struct ApiModel {
    pub(crate) name: Arc<str>,
    pub(crate) conventions: Vec<Arc<dyn Convention>>,
    pub(crate) default_convention: usize,
    pub(crate) strategies: Vec<Arc<dyn PaginationStrategy>>,
    pub(crate) routes: Vec<RouteModel>,
    pub(crate) resources: Vec<&'static ResourceMeta>,
    pub(crate) locales: Vec<Arc<str>>,
    pub(crate) security_schemes: Vec<(&'static str, serde_json::Value)>,
    pub(crate) live: Vec<Arc<dyn LiveDocument>>,
}

impl std::fmt::Debug for ApiModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiModel")
            .field("name", &self.name)
            .field(
                "conventions",
                &self
                    .conventions
                    .iter()
                    .map(|c| c.name())
                    .collect::<Vec<_>>(),
            )
            .field(
                "strategies",
                &self.strategies.iter().map(|s| s.name()).collect::<Vec<_>>(),
            )
            .field("routes", &self.routes)
            .finish_non_exhaustive()
    }
}

impl ApiModel {
    /// The application's name (`backend`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The conventions offered, in the order offered.
    #[must_use]
    pub fn conventions(&self) -> &[Arc<dyn Convention>] {
        &self.conventions
    }

    /// The default convention: for `Accept: */*`, and for errors when negotiation failed.
    #[must_use]
    pub fn default_convention(&self) -> &dyn Convention {
        &*self.conventions[self.default_convention]
    }

    /// The pagination request forms accepted, in the order they are tried.
    #[must_use]
    pub fn strategies(&self) -> &[Arc<dyn PaginationStrategy>] {
        &self.strategies
    }

    /// Every route, resource routes and endpoints, in the order first declared.
    #[must_use]
    pub fn routes(&self) -> &[RouteModel] {
        &self.routes
    }

    /// The resources, in registration order.
    #[must_use]
    pub fn resources(&self) -> &[&'static ResourceMeta] {
        &self.resources
    }

    /// A resource type by its short name (the first registered of that name).
    #[must_use]
    pub fn resource_type(&self, short_name: &str) -> Option<&'static ResourceMeta> {
        self.resources
            .iter()
            .copied()
            .find(|meta| meta.short_name == short_name)
    }

    /// The locales offered, the default first (SPEC §2.5).
    #[must_use]
    pub fn locales(&self) -> &[Arc<str>] {
        &self.locales
    }

    /// The parts of the OpenAPI document known only at run time.
    #[must_use]
    pub fn live_documents(&self) -> &[Arc<dyn LiveDocument>] {
        &self.live
    }

    /// The OpenAPI security schemes of the authenticators, by name.
    #[must_use]
    pub fn security_schemes(&self) -> &[(&'static str, serde_json::Value)] {
        &self.security_schemes
    }
}

/// A part of an application's OpenAPI document that changes while it runs (the Data
/// Exchange's configured entities, SPEC §9.7), registered with
/// [`Application::live_document`](crate::Application::live_document).
pub trait LiveDocument: Send + Sync + 'static {
    /// What to add to the document now.
    fn describe<'a>(&'a self, model: &'a ApiModel) -> BoxFuture<'a, LivePaths>;
}

/// Paths and component schemas to add to an OpenAPI document.
#[derive(Debug, Default, Clone)]
pub struct LivePaths {
    /// Path items by path (`/dynamic-entity/countries`).
    pub paths: serde_json::Map<String, serde_json::Value>,
    /// Schemas by component name.
    pub schemas: serde_json::Map<String, serde_json::Value>,
    /// Tag objects.
    pub tags: Vec<serde_json::Value>,
}

/// One route (`/customers/{customerReference}`) and what serves it.
#[derive(Debug)]
pub struct RouteModel {
    pub(crate) template: String,
    pub(crate) operations: Vec<OperationModel>,
    pub(crate) endpoints: Vec<EndpointModel>,
    /// The `Allow` header of the route.
    pub(crate) allow: HeaderValue,
}

impl RouteModel {
    /// The route's template.
    #[must_use]
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The resource operations on the route (every variant: versions, code buckets).
    #[must_use]
    pub fn operations(&self) -> &[OperationModel] {
        &self.operations
    }

    /// The endpoints on the route.
    #[must_use]
    pub fn endpoints(&self) -> &[EndpointModel] {
        &self.endpoints
    }

    /// The methods served, in a fixed order (`GET, POST, PUT, PATCH, DELETE`), then any
    /// other endpoint method.
    #[must_use]
    pub fn methods(&self) -> Vec<&Method> {
        let mut methods: Vec<&Method> = self
            .operations
            .iter()
            .map(|op| &op.method)
            .chain(self.endpoints.iter().map(|endpoint| &endpoint.method))
            .collect();
        methods.sort_by_key(|method| method_rank(method));
        methods.dedup();
        methods
    }

    /// The variants of an operation that a request in `bucket` reaches (SPEC §7.3): the
    /// bucket's own, else the base declarations; every version of them.
    #[must_use]
    pub fn variants(&self, method: &Method, bucket: Option<&str>) -> Vec<&OperationModel> {
        let in_bucket = |op: &&OperationModel| {
            op.resource
                .code_bucket
                .zip(bucket)
                .is_some_and(|(own, wanted)| own.eq_ignore_ascii_case(wanted))
        };
        let candidates = || self.operations.iter().filter(|op| op.method == *method);
        if candidates().any(|op| in_bucket(&op)) {
            candidates().filter(in_bucket).collect()
        } else {
            candidates()
                .filter(|op| op.resource.code_bucket.is_none())
                .collect()
        }
    }
}

/// `GET, POST, PUT, PATCH, DELETE` first, in that order.
fn method_rank(method: &Method) -> usize {
    [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ]
    .iter()
    .position(|known| known == method)
    .unwrap_or(usize::MAX)
}

/// The newest version among variants (SPEC §2.4).
#[must_use]
pub fn newest<'a>(variants: &[&'a OperationModel]) -> Option<&'a OperationModel> {
    variants
        .iter()
        .copied()
        .max_by_key(|op| op.version.and_then(glue_common::version::parse))
}

/// One operation of a resource on a route.
#[derive(Debug)]
pub struct OperationModel {
    pub(crate) method: Method,
    pub(crate) resource: &'static ResourceMeta,
    pub(crate) operation: &'static OperationMeta,
    pub(crate) variables: Vec<String>,
    pub(crate) version: Option<&'static str>,
    pub(crate) settings: PaginationSettings,
    /// Which of the route's variables holds the identifier.
    pub(crate) id_variable: Option<usize>,
    /// The resource's handler, by registration index.
    pub(crate) handler: usize,
    pub(crate) security: OperationSecurity,
}

impl OperationModel {
    /// The method that invokes it.
    #[must_use]
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The resource.
    #[must_use]
    pub fn resource(&self) -> &'static ResourceMeta {
        self.resource
    }

    /// The declared operation.
    #[must_use]
    pub fn operation(&self) -> &'static OperationMeta {
        self.operation
    }

    /// The route's variables, in order.
    #[must_use]
    pub fn variables(&self) -> &[String] {
        &self.variables
    }

    /// The version the operation belongs to (SPEC §2.4).
    #[must_use]
    pub fn version(&self) -> Option<&'static str> {
        self.version
    }

    /// The pagination settings of the resource's collection.
    #[must_use]
    pub fn settings(&self) -> &PaginationSettings {
        &self.settings
    }

    /// Whether a security rule guards the operation.
    #[must_use]
    pub fn is_secured(&self) -> bool {
        !self.security.is_empty()
    }
}

/// One endpoint method on a route.
#[derive(Debug)]
pub struct EndpointModel {
    pub(crate) method: Method,
    pub(crate) description: Option<serde_json::Value>,
    /// The endpoint, by registration index.
    pub(crate) endpoint: usize,
}

impl EndpointModel {
    /// The method.
    #[must_use]
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The endpoint's OpenAPI operation object, when it describes itself.
    #[must_use]
    pub fn description(&self) -> Option<&serde_json::Value> {
        self.description.as_ref()
    }
}
