//! The customer's own account on the storefront (SPEC §11.4): `customers/{customerReference}`
//! (Get, Patch) granted only to that customer, with the customer's addresses includable.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use glue_core::{
    ApiResource, CollectionProvider, Context, FieldError, GlueError, ItemProvider, Paginated,
    Processor, UpdateProcessor,
};
use glue_sql::Table;
use glue_sql::sea_query::{Expr, ExprTrait};
use sqlx::any::AnyRow;
use validator::Validate;

use crate::addresses::{Address, AddressStore};
use crate::customers::{Customer, CustomerStore};
use crate::db::{Db, count, db_error, fetch_page, is_unique_violation};
use crate::password;

/// A customer's own account, as the customer sees it.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    name = "StorefrontCustomers",
    short_name = "customers",
    label = "Customer",
    operations(Get, Patch),
    provider = AccountStore,
    processor = AccountStore,
    security = "is_granted('ROLE_CUSTOMER') and object.customerReference == user.customerReference",
    security_message = "Customers can only see and change their own account.",
    relationships(addresses(
        target = StorefrontAddress,
        many,
        key = "customerReference",
        description = "The customer's postal addresses"
    ))
)]
pub struct StorefrontCustomer {
    /// The customer's reference.
    #[api(identifier, writable = false, example = "DE--1")]
    pub customer_reference: String,
    /// Login and contact address; unique.
    #[api(format = "email", example = "jane@example.com")]
    #[validate(email)]
    pub email: String,
    /// First name.
    #[api(example = "Jane")]
    #[validate(length(min = 1, max = 100))]
    pub first_name: String,
    /// Last name.
    #[api(example = "Doe")]
    #[validate(length(min = 1, max = 100))]
    pub last_name: String,
    /// Date of birth.
    #[api(example = "1990-01-01")]
    pub date_of_birth: Option<NaiveDate>,
    /// A new password; never shown.
    #[api(readable = false)]
    #[validate(length(min = 8))]
    pub password: Option<String>,
    /// When the account was created.
    #[api(writable = false)]
    pub created_at: DateTime<Utc>,
}

impl From<Customer> for StorefrontCustomer {
    fn from(customer: Customer) -> Self {
        Self {
            customer_reference: customer.customer_reference,
            email: customer.email,
            first_name: customer.first_name,
            last_name: customer.last_name,
            date_of_birth: customer.date_of_birth,
            password: None,
            created_at: customer.created_at,
        }
    }
}

/// One of the customer's addresses, read-only on the storefront.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "StorefrontCustomersAddresses",
    short_name = "customers-addresses",
    label = "Address",
    operations(
        GetCollection(
            uri_template = "/customers/{customerReference}/addresses",
            security = "is_granted('ROLE_CUSTOMER') and request.variables.customerReference == user.customerReference"
        ),
        Get(uri_template = "/customers/{customerReference}/addresses/{uuid}"),
    ),
    uri_variables(customerReference = customer_reference),
    provider = AccountStore,
    security = "is_granted('ROLE_CUSTOMER') and object.customerReference == user.customerReference",
    security_message = "Customers can only see their own addresses.",
    pagination(enabled = false)
)]
pub struct StorefrontAddress {
    /// The address id.
    #[api(identifier, format = "uuid")]
    pub uuid: String,
    /// The customer the address belongs to.
    #[api(example = "DE--1")]
    pub customer_reference: String,
    /// Street and number.
    pub address1: String,
    /// Additional address line.
    pub address2: Option<String>,
    /// Postal code.
    pub zip_code: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Whether this is the customer's default address.
    pub is_default: bool,
}

impl From<Address> for StorefrontAddress {
    fn from(address: Address) -> Self {
        Self {
            uuid: address.uuid,
            customer_reference: address.customer_reference,
            address1: address.address1,
            address2: address.address2,
            zip_code: address.zip_code,
            city: address.city,
            country: address.country,
            is_default: address.is_default,
        }
    }
}

/// Reads and changes the customer's own account.
#[derive(Debug, Clone)]
pub struct AccountStore {
    db: Db,
    customers: CustomerStore,
    address_store: AddressStore,
    addresses: Arc<Table>,
}

impl AccountStore {
    /// A store over `db`.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self {
            customers: CustomerStore::new(db.clone()),
            address_store: AddressStore::new(db.clone()),
            addresses: Arc::new(Table::new("customer_addresses", StorefrontAddress::meta())),
            db,
        }
    }
}

use glue_core::Resource as _;

impl ItemProvider<StorefrontCustomer> for AccountStore {
    async fn item(
        &self,
        ctx: &Context<StorefrontCustomer>,
    ) -> Result<Option<StorefrontCustomer>, GlueError> {
        let Some(reference) = ctx.id() else {
            return Ok(None);
        };
        Ok(self
            .customers
            .find(reference)
            .await?
            .map(StorefrontCustomer::from))
    }
}

impl Processor<StorefrontCustomer> for AccountStore {
    async fn validate(
        &self,
        _ctx: &Context<StorefrontCustomer>,
        account: &StorefrontCustomer,
        _previous: Option<&StorefrontCustomer>,
    ) -> Result<Vec<FieldError>, GlueError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM customers WHERE lower(email) = lower($1) \
             AND customer_reference <> $2",
        )
        .bind(&account.email)
        .bind(&account.customer_reference)
        .fetch_one(self.db.pool())
        .await
        .map_err(db_error)?;
        if count(&row).map_err(db_error)? > 0 {
            return Ok(vec![FieldError::new("email", "is already in use")]);
        }
        Ok(Vec::new())
    }
}

impl UpdateProcessor<StorefrontCustomer> for AccountStore {
    async fn update(
        &self,
        _ctx: &Context<StorefrontCustomer>,
        account: StorefrontCustomer,
        _previous: StorefrontCustomer,
    ) -> Result<StorefrontCustomer, GlueError> {
        let hash = password::hash_new(account.password.as_deref()).await?;
        let result = sqlx::query(
            "UPDATE customers SET email = $1, first_name = $2, last_name = $3, \
             date_of_birth = $4, password_hash = COALESCE($5, password_hash) \
             WHERE customer_reference = $6",
        )
        .bind(&account.email)
        .bind(&account.first_name)
        .bind(&account.last_name)
        .bind(account.date_of_birth.map(|date| date.to_string()))
        .bind(hash)
        .bind(&account.customer_reference)
        .execute(self.db.pool())
        .await;
        match result {
            Err(error) if is_unique_violation(&error) => {
                return Err(GlueError::validation([FieldError::new(
                    "email",
                    "is already in use",
                )]));
            }
            Err(error) => return Err(db_error(error)),
            Ok(_) => {}
        }
        if account.password.is_some() {
            password::revoke_refresh_tokens(&self.db, &account.customer_reference).await?;
        }
        self.customers
            .find(&account.customer_reference)
            .await?
            .map(StorefrontCustomer::from)
            .ok_or_else(|| GlueError::not_found("The customer no longer exists."))
    }
}

impl ItemProvider<StorefrontAddress> for AccountStore {
    async fn item(
        &self,
        ctx: &Context<StorefrontAddress>,
    ) -> Result<Option<StorefrontAddress>, GlueError> {
        let (Some(reference), Some(uuid)) = (ctx.uri_variable("customerReference"), ctx.id())
        else {
            return Ok(None);
        };
        Ok(self
            .address_store
            .find(reference, uuid)
            .await?
            .map(StorefrontAddress::from))
    }
}

impl CollectionProvider<StorefrontAddress> for AccountStore {
    async fn collection(
        &self,
        ctx: &Context<StorefrontAddress>,
    ) -> Result<Paginated<StorefrontAddress>, GlueError> {
        let select = self.addresses.select(ctx.query());
        // Included in the customer, the query's filter names the customer; as a route, the
        // customer comes from the URL (and the security rule made sure it is the caller).
        let select = match ctx.uri_variable("customerReference") {
            Some(reference) if !ctx.is_include() => {
                select.and_where(Expr::col("customer_reference").eq(reference))
            }
            _ => select,
        };
        fetch_page(&self.db, &select, ctx.query(), address_from_row).await
    }
}

fn address_from_row(row: &AnyRow) -> Result<StorefrontAddress, sqlx::Error> {
    Address::from_row(row).map(StorefrontAddress::from)
}
