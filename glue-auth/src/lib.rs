//! Authentication and authorization for Glue.
//!
//! This crate starts with the [`Principal`]: the one type that back-office users, customers
//! and API keys become once authenticated. An authentication layer puts it into the request
//! extensions; providers and processors read it with [`PrincipalExt::principal`].
//!
//! ```
//! use glue_auth::{Principal, PrincipalKind};
//!
//! let admin = Principal::new("1", "admin@example.com", PrincipalKind::User)
//!     .with_role("ROLE_ADMIN");
//! assert!(admin.has_role("ROLE_ADMIN"));
//! assert!(!admin.has_role("ROLE_VIEWER"));
//! ```

use std::collections::BTreeMap;

use glue_core::Context;
use serde::{Deserialize, Serialize};

/// What kind of party a principal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PrincipalKind {
    /// A back-office user.
    User,
    /// A storefront customer.
    Customer,
    /// An integration calling with an API key.
    ApiKey,
}

/// An authenticated party: its id, name, roles, kind and extra claims (such as
/// `customerReference`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Principal {
    id: String,
    username: String,
    roles: Vec<String>,
    kind: PrincipalKind,
    claims: BTreeMap<String, serde_json::Value>,
}

impl Principal {
    /// A principal without roles or claims.
    #[must_use]
    pub fn new(id: impl Into<String>, username: impl Into<String>, kind: PrincipalKind) -> Self {
        Self {
            id: id.into(),
            username: username.into(),
            roles: Vec::new(),
            kind,
            claims: BTreeMap::new(),
        }
    }

    /// Adds a role.
    #[must_use]
    pub fn with_role(mut self, role: impl Into<String>) -> Self {
        let role = role.into();
        if !self.roles.contains(&role) {
            self.roles.push(role);
        }
        self
    }

    /// Adds a claim.
    #[must_use]
    pub fn with_claim(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.claims.insert(name.into(), value.into());
        self
    }

    /// The principal's id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The login name.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The roles.
    #[must_use]
    pub fn roles(&self) -> &[String] {
        &self.roles
    }

    /// Whether the principal holds a role.
    #[must_use]
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|held| held == role)
    }

    /// What kind of party this is.
    #[must_use]
    pub fn kind(&self) -> PrincipalKind {
        self.kind
    }

    /// An extra claim.
    #[must_use]
    pub fn claim(&self, name: &str) -> Option<&serde_json::Value> {
        self.claims.get(name)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for glue_core::Context {}
}

/// Reads the principal of a request.
pub trait PrincipalExt: sealed::Sealed {
    /// The authenticated principal, when an authentication layer set one.
    fn principal(&self) -> Option<&Principal>;
}

impl PrincipalExt for Context {
    fn principal(&self) -> Option<&Principal> {
        self.extensions().get::<Principal>()
    }
}
