//! `customers-addresses`: a sub-resource of customers at
//! `/customers/{customerReference}/addresses` (SPEC §11.3).

use std::sync::Arc;

use glue_core::{
    ApiResource, CollectionProvider, Context, CreateProcessor, DeleteProcessor, GlueError,
    ItemProvider, Paginated, Processor, ReplaceProcessor, Resource, UpdateProcessor,
};
use glue_sql::Table;
use glue_sql::sea_query::{Expr, ExprTrait};
use sqlx::any::AnyRow;
use validator::Validate;

use crate::codes;
use crate::db::{Db, count, db_error, fetch_page, get, get_bool};

/// A postal address of a customer.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    name = "CustomersAddresses",
    short_name = "customers-addresses",
    label = "Address",
    operations(
        GetCollection(uri_template = "/customers/{customerReference}/addresses"),
        Post(
            uri_template = "/customers/{customerReference}/addresses",
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing addresses needs ROLE_ADMIN."
        ),
        Get(uri_template = "/customers/{customerReference}/addresses/{uuid}"),
        Put(
            uri_template = "/customers/{customerReference}/addresses/{uuid}",
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing addresses needs ROLE_ADMIN."
        ),
        Patch(
            uri_template = "/customers/{customerReference}/addresses/{uuid}",
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing addresses needs ROLE_ADMIN."
        ),
        Delete(
            uri_template = "/customers/{customerReference}/addresses/{uuid}",
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing addresses needs ROLE_ADMIN."
        ),
    ),
    uri_variables(customerReference = customer_reference),
    security = "is_granted('ROLE_VIEWER') or is_granted('ROLE_ADMIN')",
    security_message = "Reading addresses needs ROLE_VIEWER or ROLE_ADMIN.",
    provider = AddressStore,
    processor = AddressStore,
    relationships(customer(
        target = crate::customers::Customer,
        key = "customerReference",
        description = "The customer the address belongs to"
    )),
)]
pub struct Address {
    /// The address id, assigned by the shop.
    #[api(identifier, writable = false, format = "uuid")]
    pub uuid: String,
    /// The customer the address belongs to (from the URL).
    #[api(writable = false, example = "DE--1")]
    pub customer_reference: String,
    /// Street and number.
    #[api(required, example = "Julie-Wolfthorn-Straße 1")]
    #[validate(length(min = 1, max = 255))]
    pub address1: String,
    /// Additional address line.
    #[validate(length(max = 255))]
    pub address2: Option<String>,
    /// Postal code.
    #[api(required, example = "10115")]
    #[validate(length(min = 1, max = 20))]
    pub zip_code: String,
    /// City.
    #[api(required, example = "Berlin")]
    #[validate(length(min = 1, max = 100))]
    pub city: String,
    /// ISO 3166-1 alpha-2 country code.
    #[api(required, example = "DE", enum_values = codes::COUNTRIES)]
    pub country: String,
    /// Whether this is the customer's default address.
    #[api(default = false)]
    pub is_default: bool,
}

/// The columns an address is read from.
macro_rules! columns {
    () => {
        "uuid, customer_reference, address1, address2, zip_code, city, country, is_default"
    };
}

impl Address {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            uuid: get(row, "uuid")?,
            customer_reference: get(row, "customer_reference")?,
            address1: get(row, "address1")?,
            address2: get(row, "address2")?,
            zip_code: get(row, "zip_code")?,
            city: get(row, "city")?,
            country: get(row, "country")?,
            is_default: get_bool(row, "is_default")?,
        })
    }
}

/// Reads and writes addresses in the shop's database.
#[derive(Debug, Clone)]
pub struct AddressStore {
    db: Db,
    table: Arc<Table>,
}

impl AddressStore {
    /// A store over `db`.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self {
            db,
            table: Arc::new(Table::new("customer_addresses", Address::meta())),
        }
    }

    /// 404 unless the customer of the URL exists (SPEC §1.2: a missing parent is 404).
    async fn require_customer(&self, ctx: &Context<Address>) -> Result<String, GlueError> {
        let reference = ctx.uri_variable("customerReference").unwrap_or_default();
        let row = sqlx::query("SELECT COUNT(*) FROM customers WHERE customer_reference = $1")
            .bind(reference)
            .fetch_one(self.db.pool())
            .await
            .map_err(db_error)?;
        if count(&row).map_err(db_error)? == 0 {
            return Err(GlueError::not_found(format!(
                "Customer {reference} not found."
            )));
        }
        Ok(reference.to_owned())
    }

    pub(crate) async fn find(
        &self,
        reference: &str,
        uuid: &str,
    ) -> Result<Option<Address>, GlueError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM customer_addresses WHERE customer_reference = $1 AND uuid = $2"
        ))
        .bind(reference)
        .bind(uuid)
        .fetch_optional(self.db.pool())
        .await
        .map_err(db_error)?;
        row.as_ref()
            .map(Address::from_row)
            .transpose()
            .map_err(db_error)
    }

    async fn save(&self, address: &Address) -> Result<Address, GlueError> {
        sqlx::query(
            "UPDATE customer_addresses SET address1 = $1, address2 = $2, zip_code = $3, \
             city = $4, country = $5, is_default = $6 WHERE uuid = $7",
        )
        .bind(&address.address1)
        .bind(address.address2.as_deref())
        .bind(&address.zip_code)
        .bind(&address.city)
        .bind(&address.country)
        .bind(address.is_default)
        .bind(&address.uuid)
        .execute(self.db.pool())
        .await
        .map_err(db_error)?;
        self.find(&address.customer_reference, &address.uuid)
            .await?
            .ok_or_else(|| GlueError::not_found(format!("Address {} not found.", address.uuid)))
    }
}

impl ItemProvider<Address> for AddressStore {
    async fn item(&self, ctx: &Context<Address>) -> Result<Option<Address>, GlueError> {
        let reference = self.require_customer(ctx).await?;
        let Some(uuid) = ctx.id() else {
            return Ok(None);
        };
        self.find(&reference, uuid).await
    }
}

impl CollectionProvider<Address> for AddressStore {
    async fn collection(&self, ctx: &Context<Address>) -> Result<Paginated<Address>, GlueError> {
        let select = self.table.select(ctx.query());
        // Included in customers, the query's filter names every customer wanted; as a
        // sub-resource, the customer comes from the URL and must exist.
        let select = if ctx.is_include() {
            select
        } else {
            let reference = self.require_customer(ctx).await?;
            select.and_where(Expr::col("customer_reference").eq(reference))
        };
        fetch_page(&self.db, &select, ctx.query(), Address::from_row).await
    }
}

impl Processor<Address> for AddressStore {}

impl CreateProcessor<Address> for AddressStore {
    async fn create(
        &self,
        ctx: &Context<Address>,
        mut address: Address,
    ) -> Result<Address, GlueError> {
        address.customer_reference = self.require_customer(ctx).await?;
        address.uuid = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO customer_addresses (uuid, customer_reference, address1, address2, \
             zip_code, city, country, is_default) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&address.uuid)
        .bind(&address.customer_reference)
        .bind(&address.address1)
        .bind(address.address2.as_deref())
        .bind(&address.zip_code)
        .bind(&address.city)
        .bind(&address.country)
        .bind(address.is_default)
        .execute(self.db.pool())
        .await
        .map_err(db_error)?;
        Ok(address)
    }
}

impl ReplaceProcessor<Address> for AddressStore {
    async fn replace(
        &self,
        _ctx: &Context<Address>,
        address: Address,
        _previous: Address,
    ) -> Result<Address, GlueError> {
        self.save(&address).await
    }
}

impl UpdateProcessor<Address> for AddressStore {
    async fn update(
        &self,
        _ctx: &Context<Address>,
        address: Address,
        _previous: Address,
    ) -> Result<Address, GlueError> {
        self.save(&address).await
    }
}

impl DeleteProcessor<Address> for AddressStore {
    async fn delete(&self, _ctx: &Context<Address>, address: Address) -> Result<(), GlueError> {
        sqlx::query("DELETE FROM customer_addresses WHERE uuid = $1")
            .bind(&address.uuid)
            .execute(self.db.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
