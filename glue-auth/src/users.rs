//! Where users and customers who log in with a password are found.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::{AuthError, Principal};

/// A user as stored: the principal and its Argon2id password hash
/// ([`hash_password`](crate::hash_password)). `Debug` does not show the hash.
#[derive(Clone, PartialEq)]
pub struct StoredUser {
    /// Who the user is once authenticated.
    pub principal: Principal,
    /// The PHC string of the password.
    pub password_hash: String,
}

impl fmt::Debug for StoredUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredUser")
            .field("principal", &self.principal)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// Looks up users for the password and refresh-token grants.
///
/// Implement it over the application's user table (one store per application: back-office
/// users for `backend`, customers for `storefront`); [`MemoryStore`](crate::MemoryStore) keeps
/// them in memory.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a user store",
    label = "implement `glue_auth::UserStore` for this type"
)]
pub trait UserStore: Send + Sync + 'static {
    /// The user who logs in with this name, if any.
    fn find_by_username(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<StoredUser>, AuthError>> + Send;

    /// The principal with this id as it is now (roles may have changed since the last token),
    /// or `None` when it no longer exists.
    fn find_by_id(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<Principal>, AuthError>> + Send;
}

impl<S: UserStore> UserStore for Arc<S> {
    fn find_by_username(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<StoredUser>, AuthError>> + Send {
        (**self).find_by_username(username)
    }

    fn find_by_id(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<Principal>, AuthError>> + Send {
        (**self).find_by_id(id)
    }
}
