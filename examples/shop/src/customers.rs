//! `customers` on the backend (SPEC §11.3).

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

use glue_core::{
    ApiResource, CollectionProvider, Context, CreateProcessor, DeleteProcessor, FieldError,
    GlueError, ItemProvider, ItemStream, Paginated, Processor, ReplaceProcessor, Resource,
    UpdateProcessor,
};
use glue_sql::Table;
use sqlx::Row;
use sqlx::any::AnyRow;
use validator::Validate;

use crate::db::{
    Db, count, date_time_text, db_error, fetch_page, get, get_bool, get_date, get_date_time,
    is_unique_violation, stream_rows,
};
use crate::password;

/// A customer of the shop.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    name = "Customers",
    short_name = "customers",
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
    /// The password; never shown.
    #[api(readable = false)]
    #[validate(length(min = 8))]
    pub password: Option<String>,
    /// When the customer was created.
    #[api(writable = false)]
    pub created_at: DateTime<Utc>,
}

/// The columns a customer is read from.
macro_rules! columns {
    () => {
        "id_customer, customer_reference, email, first_name, last_name, status, date_of_birth, \
         is_active, credit_limit, created_at"
    };
}

impl Customer {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            customer_reference: get(row, "customer_reference")?,
            id_customer: get(row, "id_customer")?,
            email: get(row, "email")?,
            first_name: get(row, "first_name")?,
            last_name: get(row, "last_name")?,
            status: get(row, "status")?,
            date_of_birth: get_date(row, "date_of_birth")?,
            is_active: get_bool(row, "is_active")?,
            credit_limit: get(row, "credit_limit")?,
            password: None,
            created_at: get_date_time(row, "created_at")?,
        })
    }

    /// How customers are stored, for queries pushed down to SQL.
    fn table() -> Table {
        Table::new("customers", Self::meta()).without("password")
    }
}

/// Reads and writes customers in the shop's database.
#[derive(Debug, Clone)]
pub struct CustomerStore {
    db: Db,
    table: Arc<Table>,
}

impl CustomerStore {
    /// A store over `db`.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self {
            db,
            table: Arc::new(Customer::table()),
        }
    }

    /// The customer with this reference.
    ///
    /// # Errors
    ///
    /// When the query fails.
    pub async fn find(&self, reference: &str) -> Result<Option<Customer>, GlueError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM customers WHERE customer_reference = $1"
        ))
        .bind(reference)
        .fetch_optional(self.db.pool())
        .await
        .map_err(db_error)?;
        row.as_ref()
            .map(Customer::from_row)
            .transpose()
            .map_err(db_error)
    }

    async fn email_taken(&self, email: &str, except: Option<&str>) -> Result<bool, GlueError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM customers WHERE lower(email) = lower($1) \
             AND customer_reference <> $2",
        )
        .bind(email)
        .bind(except.unwrap_or(""))
        .fetch_one(self.db.pool())
        .await
        .map_err(db_error)?;
        Ok(count(&row).map_err(db_error)? > 0)
    }

    async fn store(&self, customer: &Customer, reference: &str) -> Result<Customer, GlueError> {
        let hash = password::hash_new(customer.password.as_deref()).await?;
        let result = sqlx::query(
            "UPDATE customers SET email = $1, first_name = $2, last_name = $3, status = $4, \
             date_of_birth = $5, is_active = $6, credit_limit = $7, \
             password_hash = COALESCE($8, password_hash) WHERE customer_reference = $9",
        )
        .bind(&customer.email)
        .bind(&customer.first_name)
        .bind(&customer.last_name)
        .bind(&customer.status)
        .bind(customer.date_of_birth.map(|date| date.to_string()))
        .bind(customer.is_active)
        .bind(customer.credit_limit)
        .bind(hash)
        .bind(reference)
        .execute(self.db.pool())
        .await;
        match result {
            Err(error) if is_unique_violation(&error) => return Err(email_in_use()),
            Err(error) => return Err(db_error(error)),
            Ok(done) if done.rows_affected() == 0 => {
                return Err(GlueError::not_found(format!(
                    "Customer {reference} not found."
                )));
            }
            Ok(_) => {}
        }
        if customer.password.is_some() {
            password::revoke_refresh_tokens(&self.db, reference).await?;
        }
        self.find(reference)
            .await?
            .ok_or_else(|| GlueError::not_found(format!("Customer {reference} not found.")))
    }
}

fn email_taken_error() -> FieldError {
    FieldError::new("email", "is already in use")
}

/// When two writes race past the check in `validate`, the unique index decides.
fn email_in_use() -> GlueError {
    GlueError::validation([email_taken_error()])
}

impl ItemProvider<Customer> for CustomerStore {
    async fn item(&self, ctx: &Context<Customer>) -> Result<Option<Customer>, GlueError> {
        match ctx.id() {
            Some(reference) => self.find(reference).await,
            None => Ok(None),
        }
    }
}

impl CollectionProvider<Customer> for CustomerStore {
    async fn collection(&self, ctx: &Context<Customer>) -> Result<Paginated<Customer>, GlueError> {
        let select = self.table.select(ctx.query());
        fetch_page(&self.db, &select, ctx.query(), Customer::from_row).await
    }

    fn stream(&self, ctx: &Context<Customer>) -> Option<ItemStream<Customer>> {
        let statement = self.table.select(ctx.query()).rows(self.db.dialect());
        Some(stream_rows(&self.db, &statement, Customer::from_row))
    }
}

impl Processor<Customer> for CustomerStore {
    async fn validate(
        &self,
        _ctx: &Context<Customer>,
        customer: &Customer,
        previous: Option<&Customer>,
    ) -> Result<Vec<FieldError>, GlueError> {
        let except = previous.map(|previous| previous.customer_reference.as_str());
        if self.email_taken(&customer.email, except).await? {
            Ok(vec![email_taken_error()])
        } else {
            Ok(Vec::new())
        }
    }
}

impl CreateProcessor<Customer> for CustomerStore {
    async fn create(
        &self,
        _ctx: &Context<Customer>,
        customer: Customer,
    ) -> Result<Customer, GlueError> {
        let hash = password::hash_new(customer.password.as_deref()).await?;
        let mut tx = self.db.pool().begin().await.map_err(db_error)?;
        // The reference derives from the id, which the insert assigns: insert with a unique
        // placeholder, then set the reference in the same transaction.
        let placeholder = format!("new-{}", uuid::Uuid::new_v4());
        let inserted = sqlx::query(
            "INSERT INTO customers (customer_reference, email, first_name, last_name, status, \
             date_of_birth, is_active, credit_limit, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id_customer",
        )
        .bind(&placeholder)
        .bind(&customer.email)
        .bind(&customer.first_name)
        .bind(&customer.last_name)
        .bind(&customer.status)
        .bind(customer.date_of_birth.map(|date| date.to_string()))
        .bind(customer.is_active)
        .bind(customer.credit_limit)
        .bind(hash)
        .bind(date_time_text(&Utc::now()))
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get(0).map_err(db_error)?,
            Err(error) if is_unique_violation(&error) => return Err(email_in_use()),
            Err(error) => return Err(db_error(error)),
        };
        let reference = format!("DE--{id}");
        sqlx::query("UPDATE customers SET customer_reference = $1 WHERE id_customer = $2")
            .bind(&reference)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        self.find(&reference)
            .await?
            .ok_or_else(|| GlueError::internal("a created customer could not be read back"))
    }
}

impl ReplaceProcessor<Customer> for CustomerStore {
    async fn replace(
        &self,
        _ctx: &Context<Customer>,
        customer: Customer,
        previous: Customer,
    ) -> Result<Customer, GlueError> {
        self.store(&customer, &previous.customer_reference).await
    }
}

impl UpdateProcessor<Customer> for CustomerStore {
    async fn update(
        &self,
        ctx: &Context<Customer>,
        customer: Customer,
        previous: Customer,
    ) -> Result<Customer, GlueError> {
        self.replace(ctx, customer, previous).await
    }
}

impl DeleteProcessor<Customer> for CustomerStore {
    async fn delete(&self, _ctx: &Context<Customer>, customer: Customer) -> Result<(), GlueError> {
        let mut tx = self.db.pool().begin().await.map_err(db_error)?;
        sqlx::query("DELETE FROM customer_addresses WHERE customer_reference = $1")
            .bind(&customer.customer_reference)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM customers WHERE customer_reference = $1")
            .bind(&customer.customer_reference)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }
}
