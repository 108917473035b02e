//! Resource metadata: what a resource is called, which operations it offers and what its
//! properties look like.
//!
//! The derive writes one [`ResourceMeta`] per resource as a `static`; routing, decoding,
//! validation, rendering and (later) OpenAPI all read it. Every field is public so that the
//! metadata can be written by hand or by a generator; new fields always come with a value in
//! [`ResourceMeta::DEFAULT`] (and its siblings), so `..ResourceMeta::DEFAULT` keeps such code
//! compiling.

use http::StatusCode;

pub use glue_common::{OperationKind, PropertyType};

/// One declared operation.
#[derive(Debug, Clone, Copy)]
pub struct OperationMeta {
    /// Which operation this is.
    pub kind: OperationKind,
    /// The route, replacing the default `/{type}` or `/{type}/{identifier}`
    /// (`/customers/{customerReference}/addresses/{uuid}`).
    pub uri_template: Option<&'static str>,
    /// The success status, replacing [`OperationKind::default_status`].
    pub status: Option<u16>,
    /// A description for documentation.
    pub description: Option<&'static str>,
    /// Security rules of this operation; each one declared replaces the resource's rule at
    /// the same point.
    pub security: SecurityMeta,
    /// The `Cache-Control` of successful answers (`no-store` for answers carrying secrets).
    pub cache_control: Option<&'static str>,
    /// The version this operation belongs to, replacing the resource's (SPEC §2.4).
    pub version: Option<&'static str>,
}

impl OperationMeta {
    /// An operation with the default route and status.
    pub const DEFAULT: Self = Self {
        kind: OperationKind::Get,
        uri_template: None,
        status: None,
        description: None,
        security: SecurityMeta::NONE,
        cache_control: None,
        version: None,
    };

    /// The success status of this operation.
    #[must_use]
    pub fn success_status(&self) -> StatusCode {
        self.status
            .and_then(|code| StatusCode::from_u16(code).ok())
            .unwrap_or_else(|| self.kind.default_status())
    }
}

/// A security expression (SPEC §6.6) and the error detail when it denies access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityRule {
    /// The expression (`is_granted('ROLE_ADMIN')`).
    pub expression: &'static str,
    /// The error detail when access is denied; a generic one otherwise.
    pub message: Option<&'static str>,
}

/// The security rules of a resource or an operation, one per point of evaluation (SPEC §6.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SecurityMeta {
    /// `security`: before the provider for collections and `Post`, after the item is loaded
    /// for item operations (`object` is it).
    pub security: Option<SecurityRule>,
    /// `securityPostDenormalize`: after the body is decoded (`object` is the new state,
    /// `previous_object` the stored one).
    pub post_denormalize: Option<SecurityRule>,
    /// `securityPostValidation`: after validation passes.
    pub post_validation: Option<SecurityRule>,
}

impl SecurityMeta {
    /// No rule at any point.
    pub const NONE: Self = Self {
        security: None,
        post_denormalize: None,
        post_validation: None,
    };

    /// These rules, each replaced by the one `overrides` declares at the same point.
    #[must_use]
    pub fn overridden_by(&self, overrides: &Self) -> Self {
        Self {
            security: overrides.security.or(self.security),
            post_denormalize: overrides.post_denormalize.or(self.post_denormalize),
            post_validation: overrides.post_validation.or(self.post_validation),
        }
    }

    /// Whether no rule is declared.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::NONE
    }
}

/// One property of a resource.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PropertyMeta {
    /// The name on the wire (`createdAt`).
    pub name: &'static str,
    /// The Rust field name (`created_at`).
    pub field: &'static str,
    /// The JSON type.
    pub ty: PropertyType,
    /// A format refining the type (`date-time`, `date`, `email`, `uuid`...).
    pub format: Option<&'static str>,
    /// Whether `null` is a valid value (the field is an `Option`).
    pub nullable: bool,
    /// Whether this property identifies the resource (its value is the JSON:API `id`).
    pub identifier: bool,
    /// Whether the property appears in responses.
    pub readable: bool,
    /// Whether requests may set the property.
    pub writable: bool,
    /// Whether `Post` and `Put` must carry the property.
    pub required: bool,
    /// The default value as JSON text, when one is declared.
    pub default: Option<&'static str>,
    /// A description for documentation.
    pub description: Option<&'static str>,
    /// An example value as JSON text.
    pub example: Option<&'static str>,
    /// The allowed values, when the property is an enumeration.
    pub enum_values: &'static [&'static str],
    /// Whether clients may filter by the property.
    pub filterable: bool,
    /// Whether clients may sort by the property.
    pub sortable: bool,
    /// The type and format of an array's items, when they are scalars.
    pub items: Option<(PropertyType, Option<&'static str>)>,
    /// Bounds the property's validation rules set, for documentation.
    pub constraints: Constraints,
    /// The column the property is stored in, when it is not the Rust field's name
    /// (`#[api(column = "...")]`).
    pub column: Option<&'static str>,
    /// Whether the property has a column at all (`#[api(stored = false)]` for values computed
    /// or kept elsewhere, such as a password that is stored as a hash).
    pub stored: bool,
}

/// The bounds of a property's validation rules that a JSON Schema can state (`length`,
/// `range`), for documentation; the rules themselves are checked by validation.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Constraints {
    /// The fewest characters (or items).
    pub min_length: Option<u64>,
    /// The most characters (or items).
    pub max_length: Option<u64>,
    /// The smallest value.
    pub minimum: Option<f64>,
    /// The largest value.
    pub maximum: Option<f64>,
}

impl Constraints {
    /// No bounds.
    pub const NONE: Self = Self {
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
    };
}

impl PropertyMeta {
    /// A readable, writable, optional string property; the base for struct updates.
    pub const DEFAULT: Self = Self {
        name: "",
        field: "",
        ty: PropertyType::String,
        format: None,
        nullable: false,
        identifier: false,
        readable: true,
        writable: true,
        required: false,
        default: None,
        description: None,
        example: None,
        enum_values: &[],
        filterable: true,
        sortable: true,
        items: None,
        constraints: Constraints::NONE,
        column: None,
        stored: true,
    };

    /// The column of a stored property: the declared one, else the Rust field's name.
    #[must_use]
    pub fn column_name(&self) -> Option<&'static str> {
        self.stored.then(|| self.column.unwrap_or(self.field))
    }
}

/// Maps a variable of a uri template to the property that holds its value.
#[derive(Debug, Clone, Copy)]
pub struct UriVariableMeta {
    /// The variable name in the template (`customerReference`).
    pub name: &'static str,
    /// The property name (`customerReference`), by its name on the wire.
    pub property: &'static str,
}

/// A relationship to another resource type (SPEC §3.3): how items of the target are found
/// from an item of this resource.
#[derive(Debug, Clone, Copy)]
pub struct RelationshipMeta {
    /// The relationship name on the wire (`addresses`).
    pub name: &'static str,
    /// The target resource's metadata.
    pub target: fn() -> &'static ResourceMeta,
    /// Whether the relationship holds many items (`addresses`) or at most one (`customer`).
    pub many: bool,
    /// How targets are found: pairs of (this resource's property, the target's property)
    /// whose values are equal (`customerReference` = `customerReference`).
    pub keys: &'static [(&'static str, &'static str)],
    /// A description for documentation.
    pub description: Option<&'static str>,
}

/// Pagination settings declared on a resource; `None` falls back to the application's.
#[derive(Debug, Clone, Copy, Default)]
pub struct PaginationMeta {
    /// Whether the collection is paginated at all.
    pub enabled: Option<bool>,
    /// The page size when the client asks for none.
    pub items_per_page: Option<u64>,
    /// The largest page size a client may ask for.
    pub maximum_items_per_page: Option<u64>,
    /// Whether the client may send `pagination=false`.
    pub client_enabled: Option<bool>,
    /// Whether the client may choose the page size.
    pub client_items_per_page: Option<bool>,
    /// The request form that links use when the client used none (`"offset"`, `"page"`).
    pub form: Option<&'static str>,
}

impl PaginationMeta {
    /// Nothing declared: every setting comes from the application.
    pub const DEFAULT: Self = Self {
        enabled: None,
        items_per_page: None,
        maximum_items_per_page: None,
        client_enabled: None,
        client_items_per_page: None,
        form: None,
    };
}

/// Everything the framework knows about a resource type.
#[derive(Debug, Clone, Copy)]
pub struct ResourceMeta {
    /// The resource name, used to merge schemas and in documentation (`Customers`).
    pub name: &'static str,
    /// The resource type on the wire and in routes: plural, kebab-case (`customers`).
    pub short_name: &'static str,
    /// A human name for one item, used in messages (`Customer`).
    pub label: &'static str,
    /// A description for documentation.
    pub description: Option<&'static str>,
    /// The declared operations.
    pub operations: &'static [OperationMeta],
    /// The properties, in declaration order.
    pub properties: &'static [PropertyMeta],
    /// Maps uri template variables to properties.
    pub uri_variables: &'static [UriVariableMeta],
    /// Pagination settings of the collection.
    pub pagination: PaginationMeta,
    /// Whether `DELETE` of an unknown id answers 204 instead of 404.
    pub idempotent_delete: bool,
    /// Relationships to other resources (SPEC §3.3).
    pub relationships: &'static [RelationshipMeta],
    /// The property that makes every order total (the last sort key, and part of every
    /// cursor); `None` for the identifier.
    pub tie_breaker: Option<&'static str>,
    /// Security rules of every operation, unless the operation declares its own.
    pub security: SecurityMeta,
    /// The version of the resource (`"1.0"`), selected by `version=1.0` in `Accept` or
    /// `Content-Type` (SPEC §2.4); declarations of one `name` with different versions share
    /// their routes.
    pub version: Option<&'static str>,
    /// The code bucket of a variant (`"EU"`, SPEC §7.3): it replaces the base declaration of
    /// the same `name` (the one without a bucket) on requests of that bucket.
    pub code_bucket: Option<&'static str>,
    /// The table the resource is stored in, for stores that read the declaration
    /// (`table = "customers"`).
    pub table: Option<&'static str>,
    /// Where the version of an item comes from, for entity tags and conditional writes
    /// (SPEC §12.1); `None` when items have no version.
    pub concurrency: Option<ConcurrencyMeta>,
    /// The most `include` paths one request may name (SPEC §13.1; 20 by default,
    /// `includes(paths = ...)`).
    pub include_paths: usize,
    /// The most relationships one `include` path may cross (3 by default,
    /// `includes(depth = ...)`).
    pub include_depth: usize,
}

/// The default bounds of `include` (SPEC §13.1).
pub const DEFAULT_INCLUDE_PATHS: usize = 20;
/// The default depth of an `include` path.
pub const DEFAULT_INCLUDE_DEPTH: usize = 3;

/// How a resource takes part in optimistic concurrency (SPEC §12.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConcurrencyMeta {
    /// Where an item's version comes from.
    pub source: VersionSource,
    /// Whether writes must carry `If-Match` (428 without it).
    pub require_if_match: bool,
}

/// Where the version of an item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSource {
    /// An integer property the store increments on every write (`version`).
    Counter(&'static str),
    /// A date-time property the store sets on every write (`updatedAt`).
    Timestamp(&'static str),
    /// A hash of the item's readable state.
    Hash,
}

impl VersionSource {
    /// The property that holds the version, for counters and timestamps.
    #[must_use]
    pub fn property(&self) -> Option<&'static str> {
        match self {
            Self::Counter(name) | Self::Timestamp(name) => Some(name),
            Self::Hash => None,
        }
    }
}

impl ResourceMeta {
    /// An empty declaration; the base for struct updates.
    pub const DEFAULT: Self = Self {
        name: "",
        short_name: "",
        label: "",
        description: None,
        operations: &[],
        properties: &[],
        uri_variables: &[],
        pagination: PaginationMeta::DEFAULT,
        idempotent_delete: false,
        relationships: &[],
        tie_breaker: None,
        security: SecurityMeta::NONE,
        version: None,
        code_bucket: None,
        table: None,
        concurrency: None,
        include_paths: DEFAULT_INCLUDE_PATHS,
        include_depth: DEFAULT_INCLUDE_DEPTH,
    };

    /// The version an operation belongs to: its own, else the resource's.
    #[must_use]
    pub fn version_of(&self, operation: &OperationMeta) -> Option<&'static str> {
        operation.version.or(self.version)
    }

    /// The security rules in force for an operation: the operation's, else the resource's.
    #[must_use]
    pub fn security_of(&self, operation: &OperationMeta) -> SecurityMeta {
        self.security.overridden_by(&operation.security)
    }

    /// The property marked as identifier.
    #[must_use]
    pub fn identifier(&self) -> Option<&'static PropertyMeta> {
        self.properties.iter().find(|property| property.identifier)
    }

    /// The property that breaks ties in every order: the declared tie-breaker, else the
    /// identifier.
    #[must_use]
    pub fn order_key(&self) -> Option<&'static PropertyMeta> {
        match self.tie_breaker {
            Some(name) => self.property(name),
            None => self.identifier(),
        }
    }

    /// A property by its name on the wire.
    #[must_use]
    pub fn property(&self, name: &str) -> Option<&'static PropertyMeta> {
        self.properties
            .iter()
            .find(|property| property.name == name)
    }

    /// A relationship by its name on the wire.
    #[must_use]
    pub fn relationship(&self, name: &str) -> Option<&'static RelationshipMeta> {
        self.relationships
            .iter()
            .find(|relationship| relationship.name == name)
    }

    /// The declared operation of a kind.
    #[must_use]
    pub fn operation(&self, kind: OperationKind) -> Option<&'static OperationMeta> {
        self.operations
            .iter()
            .find(|operation| operation.kind == kind)
    }

    /// The property that holds the value of a uri variable: an explicit mapping, else the
    /// property of the same name.
    #[must_use]
    pub fn uri_variable_property(&self, variable: &str) -> Option<&'static PropertyMeta> {
        let name = self
            .uri_variables
            .iter()
            .find(|mapping| mapping.name == variable)
            .map_or(variable, |mapping| mapping.property);
        self.property(name)
    }

    /// The route of an operation: its template, else `/{short_name}` for collection
    /// operations and `/{short_name}/{identifier}` for item operations.
    #[must_use]
    pub fn route(&self, operation: &OperationMeta) -> String {
        if let Some(template) = operation.uri_template {
            return template.to_owned();
        }
        if operation.kind.is_item() {
            let identifier = self.identifier().map_or("id", |property| property.name);
            format!("/{}/{{{identifier}}}", self.short_name)
        } else {
            format!("/{}", self.short_name)
        }
    }
}
