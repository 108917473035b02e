//! The compiled application the flow runs on.

use std::sync::Arc;

use glue_security::Voter;
use http::HeaderValue;

use crate::auth::ErasedAuthenticator;
use crate::endpoint::ErasedEndpoint;
use crate::handler::ErasedHandler;
use crate::links::Routes;
use crate::model::ApiModel;
use crate::security::ReadRule;

/// The compiled application the flow runs on: the model (routes, conventions, strategies,
/// settings) and what serves it.
pub(crate) struct App {
    pub(crate) model: Arc<ApiModel>,
    /// Finds a route (an index into the model's routes) from a path.
    pub(crate) matcher: matchit::Router<usize>,
    pub(crate) handlers: Vec<Arc<dyn ErasedHandler>>,
    pub(crate) endpoints: Vec<Arc<dyn ErasedEndpoint>>,
    pub(crate) auth: Auth,
    /// Who may see included items, by resource.
    pub(crate) read_rules: Vec<ReadRule>,
    pub(crate) links: LinkSettings,
    pub(crate) body_limit: usize,
    pub(crate) buckets: Buckets,
    /// The endpoint that serves atomic operations (SPEC §12.3), when the application does.
    pub(crate) atomic: Option<usize>,
    /// The outcomes of `Accept` headers seen before.
    pub(crate) accepts: super::negotiate::AcceptCache,
}

/// Who is calling, and who decides what they may do.
pub(crate) struct Auth {
    pub(crate) authenticators: Vec<Arc<dyn ErasedAuthenticator>>,
    pub(crate) voters: Vec<Arc<dyn Voter>>,
    /// `WWW-Authenticate` challenges of the authenticators, for 401 answers.
    pub(crate) challenges: Vec<HeaderValue>,
    /// Query parameters that carry credentials (never parsed, never in links).
    pub(crate) credential_parameters: Vec<&'static str>,
}

/// How links are built.
pub(crate) struct LinkSettings {
    pub(crate) base_url: Option<String>,
    pub(crate) mount_path: String,
    pub(crate) routes: Arc<Routes>,
}

/// The code buckets of the application (SPEC §7.3).
pub(crate) struct Buckets {
    /// The bucket of every request, when fixed.
    pub(crate) fixed: Option<Arc<str>>,
    /// The buckets the variants declare, recognised in a request's host.
    pub(crate) known: Vec<Arc<str>>,
}
