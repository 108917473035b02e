//! Voters: object-level decisions for `is_granted(attribute, subject)` (SPEC §6.6).

use std::any::Any;
use std::fmt;

use crate::Principal;

/// A voter's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vote {
    /// The voter grants access.
    Grant,
    /// The voter denies access.
    Deny,
    /// The voter has no opinion on this attribute or subject.
    Abstain,
}

/// What `is_granted(attribute, subject)` asks about: nothing, a resource (the `object` or
/// `previous_object` of the request, as the user's own type), the principal, or a plain value.
#[derive(Clone, Copy)]
pub struct Subject<'a> {
    inner: Inner<'a>,
}

#[derive(Clone, Copy)]
enum Inner<'a> {
    None,
    Resource {
        value: &'a (dyn Any + Send + Sync),
        resource_type: &'static str,
    },
    User,
    Value(&'a serde_json::Value),
}

impl<'a> Subject<'a> {
    /// No subject: `is_granted('EDIT')`.
    #[must_use]
    pub const fn none() -> Self {
        Self { inner: Inner::None }
    }

    /// A resource of type `resource_type` (its short name, `customers`).
    #[must_use]
    pub fn resource(value: &'a (dyn Any + Send + Sync), resource_type: &'static str) -> Self {
        Self {
            inner: Inner::Resource {
                value,
                resource_type,
            },
        }
    }

    /// The principal itself: `is_granted('IMPERSONATE', user)`.
    #[must_use]
    pub const fn user() -> Self {
        Self { inner: Inner::User }
    }

    /// A plain value: `is_granted('READ', 'reports')`.
    #[must_use]
    pub const fn value(value: &'a serde_json::Value) -> Self {
        Self {
            inner: Inner::Value(value),
        }
    }

    /// Whether there is no subject.
    #[must_use]
    pub fn is_none(&self) -> bool {
        matches!(self.inner, Inner::None)
    }

    /// Whether the subject is the principal.
    #[must_use]
    pub fn is_user(&self) -> bool {
        matches!(self.inner, Inner::User)
    }

    /// The resource as the user's own type, when it is one of type `T`.
    #[must_use]
    pub fn downcast_ref<T: Any>(&self) -> Option<&'a T> {
        match self.inner {
            Inner::Resource { value, .. } => (value as &dyn Any).downcast_ref::<T>(),
            _ => None,
        }
    }

    /// The short name of the resource's type (`customers`), when the subject is a resource.
    #[must_use]
    pub fn resource_type(&self) -> Option<&'static str> {
        match self.inner {
            Inner::Resource { resource_type, .. } => Some(resource_type),
            _ => None,
        }
    }

    /// The plain value, when the subject is one.
    #[must_use]
    pub fn as_value(&self) -> Option<&'a serde_json::Value> {
        match self.inner {
            Inner::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl fmt::Debug for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner {
            Inner::None => f.write_str("Subject::None"),
            Inner::Resource { resource_type, .. } => f
                .debug_tuple("Subject::Resource")
                .field(&resource_type)
                .finish(),
            Inner::User => f.write_str("Subject::User"),
            Inner::Value(value) => f.debug_tuple("Subject::Value").field(value).finish(),
        }
    }
}

/// Decides `is_granted(attribute, subject)` for attributes that are not roles.
///
/// Voters of an application are asked in turn; access is granted when one grants, and denied
/// when none does (every voter abstaining denies).
///
/// ```
/// use glue_security::{Principal, PrincipalKind, Subject, Vote, Voter};
///
/// struct Report {
///     owner: String,
/// }
///
/// struct OwnerVoter;
///
/// impl Voter for OwnerVoter {
///     fn vote(&self, attribute: &str, subject: &Subject<'_>, user: Option<&Principal>) -> Vote {
///         let (Some(report), Some(user)) = (subject.downcast_ref::<Report>(), user) else {
///             return Vote::Abstain;
///         };
///         match attribute {
///             "EDIT" if report.owner == user.id() => Vote::Grant,
///             "EDIT" => Vote::Deny,
///             _ => Vote::Abstain,
///         }
///     }
/// }
///
/// let report = Report { owner: "7".into() };
/// let owner = Principal::new("7", "jane", PrincipalKind::User);
/// let subject = Subject::resource(&report, "reports");
/// assert_eq!(OwnerVoter.vote("EDIT", &subject, Some(&owner)), Vote::Grant);
/// ```
pub trait Voter: Send + Sync + 'static {
    /// Votes on `attribute` for `subject`; `user` is `None` for anonymous requests.
    fn vote(&self, attribute: &str, subject: &Subject<'_>, user: Option<&Principal>) -> Vote;
}

/// The affirmative decision over a set of voters: granted when one grants.
pub fn decide(
    voters: &[std::sync::Arc<dyn Voter>],
    attribute: &str,
    subject: &Subject<'_>,
    user: Option<&Principal>,
) -> bool {
    voters
        .iter()
        .any(|voter| voter.vote(attribute, subject, user) == Vote::Grant)
}
