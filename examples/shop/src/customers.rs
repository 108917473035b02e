//! `customers` on the backend (SPEC §11.3).

use chrono::{DateTime, NaiveDate, Utc};
use glue_core::store::StoredResource;
use glue_core::{ApiResource, Context, FieldError, GlueError};
use glue_sql::{Hooks, SqlStore, UniqueAnswer, Write, WriteKind};
use sqlx::AnyConnection;
use validator::Validate;

use crate::db::{Db, date_time_text};
use crate::password;

/// Customers in the `customers` table, with the shop's rules around their writes.
pub type CustomerStore = SqlStore<Customer, AccountRules>;

/// A customer of the shop.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    name = "Customers",
    short_name = "customers",
    table = "customers",
    operations(
        Get,
        GetCollection,
        Post(
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing customers needs ROLE_ADMIN."
        ),
        Put(
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing customers needs ROLE_ADMIN."
        ),
        Patch(
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing customers needs ROLE_ADMIN."
        ),
        Delete(
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing customers needs ROLE_ADMIN."
        )
    ),
    security = "is_granted('ROLE_VIEWER') or is_granted('ROLE_ADMIN')",
    security_message = "Reading customers needs ROLE_VIEWER or ROLE_ADMIN.",
    provider = CustomerStore,
    processor = CustomerStore,
    pagination(
        items_per_page = 10,
        maximum_items_per_page = 100,
        client_enabled = true,
        client_items_per_page = true
    ),
    tie_breaker = "idCustomer",
    concurrency(version = "version"),
    relationships(addresses(
        target = crate::addresses::Address,
        many,
        key = "customerReference",
        description = "The customer's postal addresses"
    ))
)]
pub struct Customer {
    /// The customer's reference, assigned by the shop.
    #[api(identifier, writable = false, example = "DE--1")]
    pub customer_reference: String,
    /// The internal id.
    #[api(writable = false, example = 1)]
    pub id_customer: i64,
    /// Login and contact address; unique.
    #[api(required, format = "email", example = "jane@example.com")]
    #[validate(email)]
    pub email: String,
    /// First name.
    #[api(required, example = "Jane")]
    #[validate(length(min = 1, max = 100))]
    pub first_name: String,
    /// Last name.
    #[api(required, example = "Doe")]
    #[validate(length(min = 1, max = 100))]
    pub last_name: String,
    /// Account status.
    #[api(enum_values("active", "inactive", "pending"), default = "active")]
    pub status: String,
    /// Date of birth.
    #[api(example = "1990-01-01")]
    pub date_of_birth: Option<NaiveDate>,
    /// Whether the customer may buy.
    #[api(default = true)]
    pub is_active: bool,
    /// Credit limit.
    #[api(example = 5000.0)]
    #[validate(range(min = 0.0))]
    pub credit_limit: f64,
    /// The password; never shown, stored as a hash.
    #[api(readable = false, stored = false)]
    #[validate(length(min = 8))]
    pub password: Option<String>,
    /// When the customer was created.
    #[api(writable = false)]
    pub created_at: DateTime<Utc>,
    /// The version of the row, for `ETag` and `If-Match`.
    #[api(readable = false, writable = false)]
    pub version: i64,
}

/// What the backend's and the storefront's customers share: the columns the shop's rules
/// read.
pub trait Account: StoredResource {
    /// The customer reference (empty before the first write).
    fn reference(&self) -> &str;
    /// The login address.
    fn email(&self) -> &str;
    /// A new password, when the request sets one.
    fn password(&self) -> Option<&str>;
    /// Sets the customer reference the database assigned.
    fn set_reference(&mut self, reference: String);
}

/// `Account` for a customer type with the usual fields.
macro_rules! account {
    ($customer:ty) => {
        impl $crate::customers::Account for $customer {
            fn reference(&self) -> &str {
                &self.customer_reference
            }

            fn email(&self) -> &str {
                &self.email
            }

            fn password(&self) -> Option<&str> {
                self.password.as_deref()
            }

            fn set_reference(&mut self, reference: String) {
                self.customer_reference = reference;
            }
        }
    };
}
pub(crate) use account;

account!(Customer);

/// The shop's rules around customer writes, in the write's transaction: the email is unique
/// whatever its case; a password is stored as its Argon2id hash and a new one ends the refresh
/// tokens issued under the old; a new customer's reference is `DE--{idCustomer}`, known once
/// the row is inserted; `createdAt` is the time of the insert.
#[derive(Debug, Clone, Copy)]
pub struct AccountRules;

impl AccountRules {
    /// Customers of the `customers` table, their email unique (the `customers_email` index on
    /// `lower(email)`, reported as a 422 on `email`).
    #[must_use]
    pub fn store<R: Account>(db: &Db) -> SqlStore<R, Self> {
        SqlStore::<R>::new(db.database())
            .constraint("customers_email", "email")
            .unique_violations(UniqueAnswer::Invalid)
            .hooks(Self)
    }
}

impl<R: Account> Hooks<R> for AccountRules {
    async fn validate(
        &self,
        _ctx: &Context<R>,
        item: &R,
        _previous: Option<&R>,
        connection: &mut AnyConnection,
    ) -> Result<Vec<FieldError>, GlueError> {
        // Checked here too, so that a taken email is reported with the other errors; the
        // index decides between two writes that race past this check.
        let taken: Option<(i64,)> = sqlx::query_as(
            "SELECT 1 FROM customers WHERE lower(email) = lower($1) AND customer_reference <> $2",
        )
        .bind(item.email())
        .bind(item.reference())
        .fetch_optional(connection)
        .await
        .map_err(GlueError::internal)?;
        Ok(taken
            .map(|_| FieldError::new("email", "is already in use"))
            .into_iter()
            .collect())
    }

    async fn before_write(&self, write: &mut Write<'_, R>) -> Result<(), GlueError> {
        if write.kind == WriteKind::Create {
            write.set_column("created_at", date_time_text(&Utc::now()));
        }
        if let Some(hash) = password::hash_new(write.item.password()).await? {
            write.set_column("password_hash", hash);
            if write.kind != WriteKind::Create {
                let reference = write.item.reference().to_owned();
                password::revoke_refresh_tokens(write.connection(), &reference).await?;
            }
        }
        Ok(())
    }

    async fn after_write(&self, write: &mut Write<'_, R>) -> Result<(), GlueError> {
        if write.kind != WriteKind::Create {
            return Ok(());
        }
        // The row holds a unique placeholder until its id is known.
        let placeholder = write.item.reference().to_owned();
        let (reference,): (String,) = sqlx::query_as(
            "UPDATE customers SET customer_reference = 'DE--' || id_customer \
             WHERE customer_reference = $1 RETURNING customer_reference",
        )
        .bind(placeholder)
        .fetch_one(write.connection())
        .await
        .map_err(GlueError::internal)?;
        write.item.set_reference(reference);
        Ok(())
    }
}
