//! Password changes: Argon2id hashing off the async threads, and the end of the refresh tokens
//! issued under the old password.

use glue_core::GlueError;

use sqlx::AnyConnection;

use crate::db::db_error;

/// Hashes a password when one was sent; `None` keeps the stored hash.
///
/// The hash runs in a slot of the process's hashing pool, the one logins verify in (SPEC
/// §13.2): a flood of writes with passwords holds no more Argon2 memory than a flood of
/// logins.
///
/// # Errors
///
/// 503 with `Retry-After` when every slot stayed taken; 500 when hashing fails.
pub(crate) async fn hash_new(password: Option<&str>) -> Result<Option<String>, GlueError> {
    let Some(password) = password else {
        return Ok(None);
    };
    let password = password.to_owned();
    let slot = glue_auth::HashingPool::shared().slot_or_busy().await?;
    tokio::task::spawn_blocking(move || {
        // Held until the hash is done, even when the client has gone.
        let _slot = slot;
        glue_auth::hash_password(&password)
    })
    .await
    .map_err(GlueError::internal)?
    .map(Some)
    .map_err(GlueError::internal)
}

/// Ends every refresh token of a customer, so that a changed password also locks out whoever
/// held a token issued under the old one.
///
/// # Errors
///
/// 500 when the statement fails.
pub(crate) async fn revoke_refresh_tokens(
    connection: &mut AnyConnection,
    customer_reference: &str,
) -> Result<(), GlueError> {
    sqlx::query(
        "UPDATE refresh_tokens SET used_at = $1 WHERE subject = $2 AND kind = 'customer' \
         AND used_at IS NULL",
    )
    .bind(i64::try_from(glue_auth::now()).unwrap_or(i64::MAX))
    .bind(customer_reference)
    .execute(connection)
    .await
    .map_err(db_error)?;
    Ok(())
}
