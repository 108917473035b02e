//! Password hashing with Argon2id, off the async threads.

use argon2::{Argon2, PasswordHasher};
use glue_core::GlueError;

/// Hashes a password into a PHC string (`$argon2id$v=19$...`) with a random salt.
///
/// # Errors
///
/// 500 when hashing fails.
async fn hash(password: &str) -> Result<String, GlueError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|error| GlueError::internal(error.to_string()))
    })
    .await
    .map_err(GlueError::internal)?
}

/// Hashes a password when one was sent; `None` keeps the stored hash.
///
/// # Errors
///
/// 500 when hashing fails.
pub(crate) async fn hash_new(password: Option<&str>) -> Result<Option<String>, GlueError> {
    match password {
        Some(password) => hash(password).await.map(Some),
        None => Ok(None),
    }
}
