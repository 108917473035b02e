//! The application builder (SPEC §1.1).

use std::collections::HashMap;
use std::sync::Arc;

use glue_security::Voter;
use http::{HeaderValue, Method};
use thiserror::Error;

use crate::auth::{Authenticator, ErasedAuthenticator};
use crate::convention::Convention;
use crate::endpoint::{Endpoint, ErasedEndpoint, OpenApi};
use crate::handler::{ErasedHandler, TypedHandler};
use crate::links::{Routes, Template};
use crate::meta::{OperationMeta, ResourceMeta};
use crate::openapi::ApiInfo;
use crate::pagination::{PaginationSettings, PaginationStrategy};
use crate::resource::Resource;
use crate::router::{AppInner, RouteEntry, RouteOperation, Router};
use crate::security::{OperationSecurity, ReadRule};

/// The default limit on request bodies: 1 MiB (SPEC §2.3).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A named set of resources with its own conventions, pagination defaults and base URL,
/// built into a [`Router`].
///
/// ```
/// use glue_core::{Application, PlainJson};
///
/// let router = Application::backend()
///     .convention(PlainJson::new())
///     .base_url("https://api.example.com")
///     .build();
/// # let _ = router;
/// ```
#[must_use]
pub struct Application {
    name: String,
    conventions: Vec<Arc<dyn Convention>>,
    default_convention: Option<String>,
    strategies: Vec<Arc<dyn PaginationStrategy>>,
    pagination: PaginationSettings,
    base_url: Option<String>,
    mount_path: String,
    body_limit: usize,
    resources: Vec<Arc<dyn ErasedHandler>>,
    authenticators: Vec<Arc<dyn ErasedAuthenticator>>,
    voters: Vec<Arc<dyn Voter>>,
    endpoints: Vec<(String, Vec<Method>, Arc<dyn ErasedEndpoint>)>,
    locales: Vec<Arc<str>>,
    code_bucket: Option<Arc<str>>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
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
                "resources",
                &self
                    .resources
                    .iter()
                    .map(|r| r.meta().short_name)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Application {
    /// An empty application.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            conventions: Vec::new(),
            default_convention: None,
            strategies: Vec::new(),
            pagination: PaginationSettings::default(),
            base_url: None,
            mount_path: String::new(),
            body_limit: DEFAULT_BODY_LIMIT,
            resources: Vec::new(),
            authenticators: Vec::new(),
            voters: Vec::new(),
            endpoints: Vec::new(),
            locales: Vec::new(),
            code_bucket: None,
        }
    }

    /// The storefront preset: the customer-facing application.
    pub fn storefront() -> Self {
        Self::new("storefront")
    }

    /// The backend preset: the back-office and integration application.
    pub fn backend() -> Self {
        Self::new("backend")
    }

    /// The application's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Offers a convention. The first one offered is the default unless
    /// [`default_convention`](Self::default_convention) names another.
    pub fn convention(mut self, convention: impl Convention) -> Self {
        self.conventions.push(Arc::new(convention));
        self
    }

    /// Names the default convention (by [`Convention::name`]): used when `Accept` says
    /// nothing specific, and for errors when negotiation itself failed.
    pub fn default_convention(mut self, name: impl Into<String>) -> Self {
        self.default_convention = Some(name.into());
        self
    }

    /// Accepts a pagination request form; forms are tried in the order registered.
    pub fn pagination_strategy(mut self, strategy: impl PaginationStrategy) -> Self {
        self.strategies.push(Arc::new(strategy));
        self
    }

    /// The pagination defaults of the application's collections (SPEC §5.1); resources
    /// override them one by one.
    pub fn pagination_defaults(mut self, settings: PaginationSettings) -> Self {
        self.pagination = settings;
        self
    }

    /// The absolute base URL of links (`https://api.example.com/v1`); without it links are
    /// built from the request's `Host`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.base_url = Some(url.trim_end_matches('/').to_owned());
        self
    }

    /// The path under which the router is mounted (`/api` for
    /// `axum::Router::nest_service("/api", ...)`), added to links built from `Host`.
    pub fn mount_path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        let path = path.trim_end_matches('/');
        self.mount_path = if path.is_empty() || path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        self
    }

    /// The largest request body accepted; larger ones get 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Registers a resource with the provider and processor that serve it.
    pub fn resource<R: Resource>(mut self, provider: R::Provider, processor: R::Processor) -> Self {
        self.resources
            .push(Arc::new(TypedHandler::<R>::new(provider, processor)));
        self
    }

    /// The locales the application answers in (SPEC §2.5), the default first
    /// (`["de_DE", "en_US"]`): `Accept-Language` picks one, providers read it with
    /// [`Context::locale`](crate::Context::locale), and answers carry it as
    /// `Content-Language`.
    pub fn locales<L: Into<String>>(mut self, locales: impl IntoIterator<Item = L>) -> Self {
        self.locales = locales
            .into_iter()
            .map(|locale| Arc::from(locale.into()))
            .collect();
        self
    }

    /// Fixes the code bucket of every request (SPEC §7.3; `APPLICATION_CODE_BUCKET`). Without
    /// it, a request's bucket is the one a label of its host names
    /// (`glue-backend.eu.example.local` is `EU`) among the buckets the variants declare.
    pub fn code_bucket(mut self, bucket: impl Into<String>) -> Self {
        let bucket = bucket.into();
        self.code_bucket = (!bucket.is_empty()).then(|| Arc::from(bucket));
        self
    }

    /// Adds an authenticator (SPEC §6.3 to §6.5); they are asked in the order added: the
    /// first valid credentials authenticate, bad ones are refused only when none are valid.
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Self {
        self.authenticators.push(Arc::new(authenticator));
        self
    }

    /// Adds a voter: it decides `is_granted(attribute, subject)` for attributes that are not
    /// roles (SPEC §6.6). Access is granted when one voter grants.
    pub fn voter(mut self, voter: impl Voter) -> Self {
        self.voters.push(Arc::new(voter));
        self
    }

    /// Serves a route outside the resource model (`POST /token`, `GET /openapi.json`) for
    /// the given methods; `OPTIONS` and `405` with `Allow` come for free, and `HEAD` follows
    /// `GET`.
    pub fn route(
        mut self,
        path: impl Into<String>,
        methods: impl IntoIterator<Item = Method>,
        endpoint: impl Endpoint,
    ) -> Self {
        self.endpoints.push((
            path.into(),
            methods.into_iter().collect(),
            Arc::new(endpoint),
        ));
        self
    }

    /// Serves the application's OpenAPI 3.1 document at `GET /openapi.json` (SPEC §10.1).
    pub fn openapi(self, info: ApiInfo) -> Self {
        self.route("/openapi.json", [Method::GET], OpenApi::new(info))
    }

    /// Registers a resource whose provider and processor are built by `Default`.
    pub fn resource_default<R: Resource>(self) -> Self
    where
        R::Provider: Default,
        R::Processor: Default,
    {
        self.resource::<R>(R::Provider::default(), R::Processor::default())
    }

    /// Builds the router.
    ///
    /// # Panics
    ///
    /// Panics when the configuration is inconsistent; [`try_build`](Self::try_build) returns
    /// the reason instead.
    #[track_caller]
    pub fn build(self) -> Router {
        match self.try_build() {
            Ok(router) => router,
            Err(error) => panic!("invalid application: {error}"),
        }
    }

    /// Builds the router, or says why the configuration is inconsistent.
    ///
    /// # Errors
    ///
    /// No convention, an unknown default convention, two operations on one route and
    /// method, a route the matcher refuses, or a uri variable no property holds.
    pub fn try_build(self) -> Result<Router, BuildError> {
        if self.conventions.is_empty() {
            return Err(BuildError::NoConvention(self.name));
        }
        let default_convention = match &self.default_convention {
            None => 0,
            Some(name) => self
                .conventions
                .iter()
                .position(|convention| convention.name() == name)
                .ok_or_else(|| BuildError::UnknownConvention(name.clone()))?,
        };

        let mut matcher = matchit::Router::new();
        let mut routes: Vec<RouteEntry> = Vec::new();
        let mut route_index: HashMap<String, usize> = HashMap::new();
        let mut settings = Vec::with_capacity(self.resources.len());

        let mut read_rules = Vec::with_capacity(self.resources.len());
        for (resource_index, handler) in self.resources.iter().enumerate() {
            let meta = handler.meta();
            check_relationships(meta)?;
            read_rules.push(ReadRule::compile(meta).map_err(|(kind, error)| {
                BuildError::Security {
                    resource: meta.short_name,
                    operation: kind.name(),
                    attribute: error.attribute,
                    error: error.error.to_string(),
                }
            })?);
            let resource_settings = self.pagination.overridden_by(&meta.pagination);
            if let Some(form) = resource_settings.form
                && !self
                    .strategies
                    .iter()
                    .any(|strategy| strategy.name() == form)
            {
                return Err(BuildError::UnknownPageForm {
                    resource: meta.short_name,
                    form,
                    known: self.strategies.iter().map(|s| s.name()).collect(),
                });
            }
            settings.push(resource_settings);
            for operation in meta.operations {
                let template = glue_common::template::normalize(&meta.route(operation));
                let variables = check_variables(meta, operation, &template)?;
                let index = match route_index.get(&template) {
                    Some(index) => *index,
                    None => {
                        matcher
                            .insert(template.clone(), routes.len())
                            .map_err(|error| BuildError::Route {
                                route: template.clone(),
                                reason: error.to_string(),
                            })?;
                        route_index.insert(template.clone(), routes.len());
                        routes.push(RouteEntry {
                            template: template.clone(),
                            operations: Vec::new(),
                            endpoints: Vec::new(),
                            allow: HeaderValue::from_static(""),
                        });
                        routes.len() - 1
                    }
                };
                let entry = &mut routes[index];
                let method = operation.kind.method();
                // Variants of one resource (versions, code buckets) share routes; anything
                // else may not.
                let version = meta.version_of(operation);
                let clash = |existing: &&RouteOperation| {
                    let other = existing.resource_meta;
                    existing.method == method
                        && (other.name != meta.name
                            || (existing.version == version
                                && other.code_bucket == meta.code_bucket))
                };
                if let Some(existing) = entry.operations.iter().find(clash) {
                    return Err(BuildError::DuplicateOperation {
                        route: template,
                        method: method.to_string(),
                        first: existing.resource_meta.short_name,
                        second: meta.short_name,
                    });
                }
                let security = OperationSecurity::compile(meta, operation).map_err(|error| {
                    BuildError::Security {
                        resource: meta.short_name,
                        operation: operation.kind.name(),
                        attribute: error.attribute,
                        error: error.error.to_string(),
                    }
                })?;
                entry.operations.push(RouteOperation {
                    method,
                    resource: resource_index,
                    resource_meta: meta,
                    operation,
                    id_variable: variables.id,
                    variables: variables.names,
                    security,
                    version,
                });
            }
        }
        let mut endpoints = Vec::with_capacity(self.endpoints.len());
        for (path, methods, endpoint) in self.endpoints {
            let template = glue_common::template::normalize(&path);
            let index = match route_index.get(&template) {
                Some(index) => *index,
                None => {
                    matcher
                        .insert(template.clone(), routes.len())
                        .map_err(|error| BuildError::Route {
                            route: template.clone(),
                            reason: error.to_string(),
                        })?;
                    route_index.insert(template.clone(), routes.len());
                    routes.push(RouteEntry {
                        template: template.clone(),
                        operations: Vec::new(),
                        endpoints: Vec::new(),
                        allow: HeaderValue::from_static(""),
                    });
                    routes.len() - 1
                }
            };
            let entry = &mut routes[index];
            for method in methods {
                let taken = entry.operations.iter().any(|op| op.method == method)
                    || entry.endpoints.iter().any(|(m, _)| *m == method);
                if taken {
                    return Err(BuildError::DuplicateEndpoint {
                        route: template,
                        method: method.to_string(),
                    });
                }
                entry.endpoints.push((method, endpoints.len()));
            }
            endpoints.push(endpoint);
        }
        for entry in &mut routes {
            let methods: Vec<&Method> = entry
                .operations
                .iter()
                .map(|op| &op.method)
                .chain(entry.endpoints.iter().map(|(method, _)| method))
                .collect();
            entry.allow = allow_header(&methods);
        }
        let challenges = self
            .authenticators
            .iter()
            .filter_map(|authenticator| authenticator.challenge())
            .collect();
        let credential_parameters = self
            .authenticators
            .iter()
            .flat_map(|authenticator| authenticator.credential_parameters().iter().copied())
            .collect();
        let resource_metas: Arc<[&'static ResourceMeta]> = self
            .resources
            .iter()
            .map(|handler| handler.meta())
            .collect();
        let mut code_buckets: Vec<Arc<str>> = Vec::new();
        for bucket in resource_metas.iter().filter_map(|meta| meta.code_bucket) {
            if !code_buckets
                .iter()
                .any(|known| known.eq_ignore_ascii_case(bucket))
            {
                code_buckets.push(Arc::from(bucket));
            }
        }

        let link_routes = Routes::new(&resource_metas, |meta, kind| {
            meta.operation(kind)
                .map(|operation| glue_common::template::normalize(&meta.route(operation)))
        });
        Ok(Router::from_inner(AppInner {
            name: Arc::from(self.name),
            conventions: self.conventions,
            default_convention,
            strategies: self.strategies,
            settings,
            base_url: self.base_url,
            mount_path: self.mount_path,
            body_limit: self.body_limit,
            handlers: self.resources,
            matcher,
            routes,
            link_routes: Arc::new(link_routes),
            authenticators: self.authenticators,
            voters: self.voters,
            challenges,
            credential_parameters,
            endpoints,
            resource_metas,
            read_rules,
            locales: self.locales,
            code_bucket: self.code_bucket,
            code_buckets,
            this: std::sync::Weak::new(),
        }))
    }
}

/// Why an application could not be built.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The application offers no convention.
    #[error("application `{0}` offers no convention; add one with `.convention(...)`")]
    NoConvention(String),
    /// The default convention names none that is offered.
    #[error("the default convention `{0}` is not offered")]
    UnknownConvention(String),
    /// Two operations share a route and method.
    #[error("`{method} {route}` is declared by both `{first}` and `{second}`")]
    DuplicateOperation {
        /// The route.
        route: String,
        /// The method.
        method: String,
        /// The resource declared first.
        first: &'static str,
        /// The resource declared second.
        second: &'static str,
    },
    /// The route matcher refused a route.
    #[error("route `{route}` cannot be added: {reason}")]
    Route {
        /// The route.
        route: String,
        /// The matcher's reason.
        reason: String,
    },
    /// A uri variable is held by no property of the resource.
    #[error(
        "`{variable}` in route `{route}` of `{resource}` maps to no property; map it with `uri_variables`"
    )]
    UnmappedVariable {
        /// The resource.
        resource: &'static str,
        /// The route.
        route: String,
        /// The variable.
        variable: String,
    },
    /// A relationship joins on a property its target does not have.
    #[error(
        "relationship `{relationship}` of `{resource}` joins on `{property}`, which `{target}` does not have"
    )]
    RelationshipKey {
        /// The resource.
        resource: &'static str,
        /// The relationship.
        relationship: &'static str,
        /// The target resource.
        target: &'static str,
        /// The missing property.
        property: &'static str,
    },
    /// An endpoint takes a route and method already served.
    #[error("`{method} {route}` is served twice")]
    DuplicateEndpoint {
        /// The route.
        route: String,
        /// The method.
        method: String,
    },
    /// A security expression does not parse, or names what its point of evaluation lacks
    /// (the derive reports these at compile time; this catches hand-written metadata).
    #[error("`{attribute}` of `{resource}` {operation}: {error}")]
    Security {
        /// The resource.
        resource: &'static str,
        /// The operation.
        operation: &'static str,
        /// `security`, `security_post_denormalize` or `security_post_validation`.
        attribute: &'static str,
        /// What is wrong, with the expression underlined.
        error: String,
    },
    /// A resource's links use a pagination form no registered strategy has.
    #[error(
        "`{resource}` writes its links in the pagination form `{form}`, but the application's strategies are {known:?}"
    )]
    UnknownPageForm {
        /// The resource.
        resource: &'static str,
        /// The form it names.
        form: &'static str,
        /// The names of the registered strategies.
        known: Vec<&'static str>,
    },
    /// An item operation's route does not carry the identifier.
    #[error("item operation `{operation}` of `{resource}` has no identifier variable in `{route}`")]
    MissingIdentifier {
        /// The resource.
        resource: &'static str,
        /// The operation.
        operation: &'static str,
        /// The route.
        route: String,
    },
}

/// Every relationship's key exists on both sides.
fn check_relationships(meta: &'static ResourceMeta) -> Result<(), BuildError> {
    for relationship in meta.relationships {
        let target = (relationship.target)();
        for (own, theirs) in relationship.keys {
            for (side, property) in [(meta, own), (target, theirs)] {
                if side.property(property).is_none() {
                    return Err(BuildError::RelationshipKey {
                        resource: meta.short_name,
                        relationship: relationship.name,
                        target: side.short_name,
                        property,
                    });
                }
            }
        }
    }
    Ok(())
}

struct Variables {
    names: Vec<String>,
    id: Option<usize>,
}

fn check_variables(
    meta: &'static ResourceMeta,
    operation: &OperationMeta,
    template: &str,
) -> Result<Variables, BuildError> {
    let parsed = Template::parse(template);
    let names: Vec<String> = parsed.variables().map(str::to_owned).collect();
    let mut id = None;
    for (index, name) in names.iter().enumerate() {
        let property =
            meta.uri_variable_property(name)
                .ok_or_else(|| BuildError::UnmappedVariable {
                    resource: meta.short_name,
                    route: template.to_owned(),
                    variable: name.clone(),
                })?;
        if property.identifier {
            id = Some(index);
        }
    }
    if operation.kind.is_item() && id.is_none() {
        return Err(BuildError::MissingIdentifier {
            resource: meta.short_name,
            operation: operation.kind.name(),
            route: template.to_owned(),
        });
    }
    Ok(Variables { names, id })
}

/// `GET, POST` in a fixed order.
pub(crate) fn allow_header(methods: &[&Method]) -> HeaderValue {
    let order = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ];
    let listed: Vec<&str> = order
        .iter()
        .filter(|method| methods.contains(method))
        .map(Method::as_str)
        .collect();
    HeaderValue::from_str(&listed.join(", ")).unwrap_or_else(|_| HeaderValue::from_static(""))
}
