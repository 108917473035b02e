//! Why an application could not be built.

use thiserror::Error;

/// Why an application could not be built.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Atomic operations are served, but no convention accepts their media type.
    #[error(
        "application `{0}` serves atomic operations, but no convention accepts their media type; add the extension to the JSON:API convention"
    )]
    AtomicWithoutExtension(String),
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
        /// The name of the resource declared first (`Customers`).
        first: &'static str,
        /// The name of the resource declared second.
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
    /// A declared operation has no server: a resource whose `Resource` impl is not derived
    /// (the derive checks this at compile time).
    #[error(
        "`{resource}` declares {operation}, but nothing serves it; derive `Resource` or fill `Resource::operations`"
    )]
    OperationNotServed {
        /// The resource.
        resource: &'static str,
        /// The operation.
        operation: &'static str,
    },
    /// The target of a relationship cannot list its items, so it cannot be loaded.
    #[error(
        "relationship `{relationship}` of `{resource}` targets `{target}`, whose provider cannot list its items"
    )]
    RelationshipTarget {
        /// The resource.
        resource: &'static str,
        /// The relationship.
        relationship: &'static str,
        /// The target resource.
        target: &'static str,
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
