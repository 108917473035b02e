//! The principal: who is calling.

use std::collections::BTreeMap;

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

impl PrincipalKind {
    /// The name used in tokens and expressions (`api_key`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Customer => "customer",
            Self::ApiKey => "api_key",
        }
    }

    /// Parses [`name`](Self::name).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::User, Self::Customer, Self::ApiKey]
            .into_iter()
            .find(|kind| kind.name() == name)
    }
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

    /// Every extra claim, by name.
    #[must_use]
    pub fn claims(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.claims
    }

    /// What `user.<name>` is in a security expression (SPEC §6.6): `id`, `username`, `roles`
    /// and `kind`, else the claim of that name, else `None`.
    #[must_use]
    pub fn attribute(&self, name: &str) -> Option<serde_json::Value> {
        match name {
            "id" => Some(serde_json::Value::String(self.id.clone())),
            "username" => Some(serde_json::Value::String(self.username.clone())),
            "roles" => Some(serde_json::Value::Array(
                self.roles
                    .iter()
                    .map(|role| serde_json::Value::String(role.clone()))
                    .collect(),
            )),
            "kind" => Some(serde_json::Value::String(self.kind.name().to_owned())),
            _ => self.claims.get(name).cloned(),
        }
    }
}
