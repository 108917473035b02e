//! Compiling an [`Application`] into the model the router runs on: every route and what
//! serves it, checked once, so that requests find everything ready.

use std::collections::HashMap;
use std::sync::Arc;

use http::{HeaderValue, Method};

use super::{Application, BuildError};
use crate::flow::{AcceptCache, App, Auth, Buckets, LinkSettings, Router};
use crate::handler::{ErasedHandler, target_index};
use crate::links::{Routes, Template};
use crate::meta::{OperationKind, OperationMeta, ResourceMeta};
use crate::model::{ApiModel, EndpointModel, OperationModel, RouteModel};
use crate::pagination::PaginationSettings;
use crate::security::{OperationSecurity, ReadRule, RuleError};

impl Application {
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
    /// No convention, an unknown default convention or pagination form, two operations on
    /// one route and method, a route the matcher refuses, a uri variable no property holds,
    /// a relationship whose key or target does not fit, a declared operation nothing serves,
    /// or a security rule that does not parse.
    pub fn try_build(self) -> Result<Router, BuildError> {
        build(self).map(Router::new)
    }
}

/// Checks the application and compiles it.
fn build(application: Application) -> Result<App, BuildError> {
    if application.conventions.is_empty() {
        return Err(BuildError::NoConvention(application.name));
    }
    let default_convention = default_convention(&application)?;
    let mut table = RouteTable::default();
    let mut read_rules = Vec::with_capacity(application.resources.len());
    for (index, handler) in application.resources.iter().enumerate() {
        let meta = handler.meta();
        check_relationships(meta, &application.resources)?;
        read_rules.push(
            ReadRule::compile(meta).map_err(|(kind, error)| security_error(meta, kind, &error))?,
        );
        let settings = settings(&application, meta)?;
        for operation in meta.operations {
            if !handler.serves(operation.kind) {
                return Err(BuildError::OperationNotServed {
                    resource: meta.short_name,
                    operation: operation.kind.name(),
                });
            }
            table.add_operation(meta, operation, index, settings)?;
        }
    }
    let mut endpoints = Vec::with_capacity(application.endpoints.len() + 1);
    for (path, methods, endpoint) in application.endpoints {
        table.add_endpoint(&path, &methods, endpoints.len(), &*endpoint)?;
        endpoints.push(endpoint);
    }
    let atomic = match &application.atomic {
        Some(path) => {
            let media = format!(
                "application/vnd.api+json; ext=\"{}\"",
                crate::atomic::ATOMIC_EXTENSION
            );
            let accepted = crate::negotiate::MediaRange::parse(&media)
                .is_some_and(|media| application.conventions.iter().any(|c| c.accepts(&media)));
            if !accepted {
                return Err(BuildError::AtomicWithoutExtension(application.name));
            }
            let endpoint: Arc<dyn crate::endpoint::ErasedEndpoint> =
                Arc::new(crate::atomic::AtomicOperations);
            table.add_endpoint(path, &[Method::POST], endpoints.len(), &*endpoint)?;
            endpoints.push(endpoint);
            Some(endpoints.len() - 1)
        }
        None => None,
    };
    let resources: Vec<&'static ResourceMeta> = application
        .resources
        .iter()
        .map(|handler| handler.meta())
        .collect();
    let link_routes = Routes::new(&resources, |meta, kind| {
        meta.operation(kind)
            .map(|operation| glue_common::template::normalize(&meta.route(operation)))
    });
    let known = code_buckets(&resources);
    let auth = Auth {
        challenges: application
            .authenticators
            .iter()
            .filter_map(|authenticator| authenticator.challenge())
            .collect(),
        credential_parameters: application
            .authenticators
            .iter()
            .flat_map(|authenticator| authenticator.credential_parameters().iter().copied())
            .collect(),
        authenticators: application.authenticators,
        voters: application.voters,
    };
    let security_schemes = auth
        .authenticators
        .iter()
        .flat_map(|authenticator| authenticator.security_schemes())
        .collect();
    let (matcher, routes) = table.finish();
    let model = ApiModel {
        name: Arc::from(application.name),
        conventions: application.conventions,
        default_convention,
        strategies: application.strategies,
        routes,
        resources,
        locales: application.locales,
        security_schemes,
        live: application.live,
    };
    Ok(App {
        model: Arc::new(model),
        matcher,
        handlers: application.resources,
        endpoints,
        auth,
        read_rules,
        links: LinkSettings {
            base_url: application.base_url,
            mount_path: application.mount_path,
            routes: Arc::new(link_routes),
        },
        body_limit: application.body_limit,
        buckets: Buckets {
            fixed: application.code_bucket,
            known,
        },
        atomic,
        accepts: AcceptCache::default(),
    })
}

/// The first convention offered, unless `default_convention` names another.
fn default_convention(application: &Application) -> Result<usize, BuildError> {
    match &application.default_convention {
        None => Ok(0),
        Some(name) => application
            .conventions
            .iter()
            .position(|convention| convention.name() == name)
            .ok_or_else(|| BuildError::UnknownConvention(name.clone())),
    }
}

/// A resource's pagination: its declaration over the application's defaults; the form its
/// links use is a registered strategy's.
fn settings(
    application: &Application,
    meta: &'static ResourceMeta,
) -> Result<PaginationSettings, BuildError> {
    let settings = application.pagination.overridden_by(&meta.pagination);
    if let Some(form) = settings.form
        && !application
            .strategies
            .iter()
            .any(|strategy| strategy.name() == form)
    {
        return Err(BuildError::UnknownPageForm {
            resource: meta.short_name,
            form,
            known: application.strategies.iter().map(|s| s.name()).collect(),
        });
    }
    Ok(settings)
}

/// Every relationship's key exists on both sides, and a target the application serves can
/// list its items (they are loaded as a collection).
fn check_relationships(
    meta: &'static ResourceMeta,
    handlers: &[Arc<dyn ErasedHandler>],
) -> Result<(), BuildError> {
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
        // Found as includes find it, so that what loads there can list.
        let unlisted = target_index(handlers, target).is_some_and(|index| !handlers[index].lists());
        if unlisted {
            return Err(BuildError::RelationshipTarget {
                resource: meta.short_name,
                relationship: relationship.name,
                target: target.short_name,
            });
        }
    }
    Ok(())
}

/// The code buckets the variants declare, each once.
fn code_buckets(resources: &[&'static ResourceMeta]) -> Vec<Arc<str>> {
    let mut buckets: Vec<Arc<str>> = Vec::new();
    for bucket in resources.iter().filter_map(|meta| meta.code_bucket) {
        if !buckets
            .iter()
            .any(|known| known.eq_ignore_ascii_case(bucket))
        {
            buckets.push(Arc::from(bucket));
        }
    }
    buckets
}

fn security_error(
    meta: &'static ResourceMeta,
    kind: OperationKind,
    error: &RuleError,
) -> BuildError {
    BuildError::Security {
        resource: meta.short_name,
        operation: kind.name(),
        attribute: error.attribute,
        error: error.error.to_string(),
    }
}

/// The routes as they are collected: the matcher, and each route's operations and
/// endpoints.
#[derive(Default)]
struct RouteTable {
    matcher: matchit::Router<usize>,
    routes: Vec<RouteModel>,
    by_template: HashMap<String, usize>,
}

impl RouteTable {
    /// The route of a template, added on first sight.
    fn route(&mut self, template: &str) -> Result<&mut RouteModel, BuildError> {
        let index = match self.by_template.get(template) {
            Some(index) => *index,
            None => {
                let index = self.routes.len();
                self.matcher
                    .insert(template.to_owned(), index)
                    .map_err(|error| BuildError::Route {
                        route: template.to_owned(),
                        reason: error.to_string(),
                    })?;
                self.by_template.insert(template.to_owned(), index);
                self.routes.push(RouteModel {
                    template: template.to_owned(),
                    operations: Vec::new(),
                    endpoints: Vec::new(),
                    allow: HeaderValue::from_static(""),
                });
                index
            }
        };
        Ok(&mut self.routes[index])
    }

    /// An operation of resource number `handler` on its route. Variants of one resource
    /// (versions, code buckets) share routes; anything else may not.
    fn add_operation(
        &mut self,
        meta: &'static ResourceMeta,
        operation: &'static OperationMeta,
        handler: usize,
        settings: PaginationSettings,
    ) -> Result<(), BuildError> {
        let template = glue_common::template::normalize(&meta.route(operation));
        let (variables, id_variable) = variables(meta, operation, &template)?;
        let security = OperationSecurity::compile(meta, operation)
            .map_err(|error| security_error(meta, operation.kind, &error))?;
        let method = operation.kind.method();
        let version = meta.version_of(operation);
        let route = self.route(&template)?;
        let clash = |existing: &&OperationModel| {
            let other = existing.resource;
            existing.method == method
                && (other.name != meta.name
                    || (existing.version == version && other.code_bucket == meta.code_bucket))
        };
        if let Some(existing) = route.operations.iter().find(clash) {
            return Err(BuildError::DuplicateOperation {
                route: template,
                method: method.to_string(),
                first: existing.resource.name,
                second: meta.name,
            });
        }
        route.operations.push(OperationModel {
            method,
            resource: meta,
            operation,
            variables,
            version,
            settings,
            id_variable,
            handler,
            security,
        });
        Ok(())
    }

    /// An endpoint, number `index`, for its methods on a route.
    fn add_endpoint(
        &mut self,
        path: &str,
        methods: &[Method],
        index: usize,
        endpoint: &dyn crate::endpoint::ErasedEndpoint,
    ) -> Result<(), BuildError> {
        let template = glue_common::template::normalize(path);
        let route = self.route(&template)?;
        for method in methods {
            let taken = route.operations.iter().any(|op| op.method == *method)
                || route.endpoints.iter().any(|e| e.method == *method);
            if taken {
                return Err(BuildError::DuplicateEndpoint {
                    route: template,
                    method: method.to_string(),
                });
            }
            route.endpoints.push(EndpointModel {
                method: method.clone(),
                description: endpoint.describe(method),
                endpoint: index,
            });
        }
        Ok(())
    }

    /// The matcher and the routes, each with its `Allow` header.
    fn finish(mut self) -> (matchit::Router<usize>, Vec<RouteModel>) {
        for route in &mut self.routes {
            route.allow = allow_header(&route.methods());
        }
        (self.matcher, self.routes)
    }
}

/// The variables of an operation's route, each held by a property, and which one is the
/// identifier (item operations need it).
fn variables(
    meta: &'static ResourceMeta,
    operation: &OperationMeta,
    template: &str,
) -> Result<(Vec<String>, Option<usize>), BuildError> {
    let names: Vec<String> = Template::parse(template)
        .variables()
        .map(str::to_owned)
        .collect();
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
    Ok((names, id))
}

/// `GET, POST, PUT, PATCH, DELETE`, the ones the route serves.
fn allow_header(methods: &[&Method]) -> HeaderValue {
    let listed: Vec<&str> = methods
        .iter()
        .filter(|method| {
            matches!(
                **method,
                &Method::GET | &Method::POST | &Method::PUT | &Method::PATCH | &Method::DELETE
            )
        })
        .map(|method| method.as_str())
        .collect();
    HeaderValue::from_str(&listed.join(", ")).unwrap_or_else(|_| HeaderValue::from_static(""))
}
