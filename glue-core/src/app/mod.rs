//! The application builder (SPEC §1.1): what an application serves and how, collected here,
//! then compiled by [`Application::try_build`] (in `build`) into the model and the router.

mod build;
mod error;

use std::sync::Arc;

use glue_security::Voter;
use http::Method;

pub use error::BuildError;

use crate::auth::{Authenticator, ErasedAuthenticator};
use crate::convention::Convention;
use crate::endpoint::{Endpoint, ErasedEndpoint};
use crate::handler::{ErasedHandler, TypedHandler};
use crate::model::LiveDocument;
use crate::pagination::{PaginationSettings, PaginationStrategy};
use crate::resource::Resource;

/// The default limit on request bodies: 1 MiB (SPEC §2.3).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A named set of resources with its own conventions, pagination defaults and base URL,
/// built into a [`Router`](crate::Router).
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
    pub(super) name: String,
    pub(super) conventions: Vec<Arc<dyn Convention>>,
    pub(super) default_convention: Option<String>,
    pub(super) strategies: Vec<Arc<dyn PaginationStrategy>>,
    pub(super) pagination: PaginationSettings,
    pub(super) base_url: Option<String>,
    pub(super) mount_path: String,
    pub(super) body_limit: usize,
    pub(super) resources: Vec<Arc<dyn ErasedHandler>>,
    pub(super) authenticators: Vec<Arc<dyn ErasedAuthenticator>>,
    pub(super) voters: Vec<Arc<dyn Voter>>,
    pub(super) endpoints: Vec<(String, Vec<Method>, Arc<dyn ErasedEndpoint>)>,
    pub(super) locales: Vec<Arc<str>>,
    pub(super) code_bucket: Option<Arc<str>>,
    pub(super) atomic: Option<String>,
    pub(super) live: Vec<Arc<dyn LiveDocument>>,
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
            atomic: None,
            live: Vec::new(),
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

    /// Serves the JSON:API Atomic Operations extension at `POST /operations` (SPEC §12.3):
    /// writes to resources whose processors join transactions (such as `glue_sql::SqlStore`),
    /// all or nothing. A convention must accept the extension's media type
    /// (`JsonApi::new().extension(ATOMIC_EXTENSION)`), or building fails.
    pub fn atomic_operations(mut self) -> Self {
        self.atomic = Some("/operations".to_owned());
        self
    }

    /// Adds to the application's OpenAPI document what it learns only at run time (the Data
    /// Exchange's configured entities, SPEC §9.7): asked on every request for the document.
    pub fn live_document(mut self, part: impl LiveDocument) -> Self {
        self.live.push(Arc::new(part));
        self
    }

    /// Registers a resource whose provider and processor are built by `Default`.
    pub fn resource_default<R: Resource>(self) -> Self
    where
        R::Provider: Default,
        R::Processor: Default,
    {
        self.resource::<R>(R::Provider::default(), R::Processor::default())
    }
}
