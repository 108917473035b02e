//! `products`: full CRUD on the backend (SPEC §11.3), read-only and active-only on the
//! storefront (SPEC §11.4).

use chrono::{DateTime, Utc};
use glue_core::{ApiResource, GlueError};
use glue_sql::sea_query::{Alias, Expr, ExprTrait};
use glue_sql::{Hooks, SqlStore, Table, Write, WriteKind};
use validator::Validate;

use crate::codes;
use crate::db::{Db, date_time_text};

/// The back office's products, in the `products` table.
pub type ProductStore = SqlStore<Product, ProductRules>;

/// The storefront's products: the active ones of the same table, read-only.
pub type CatalogueStore = SqlStore<StorefrontProduct>;

/// A product of the catalogue, as the back office manages it.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    name = "Products",
    short_name = "products",
    table = "products",
    operations(
        Get,
        GetCollection,
        Post(
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing products needs ROLE_ADMIN."
        ),
        Put(
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing products needs ROLE_ADMIN."
        ),
        Patch(
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing products needs ROLE_ADMIN."
        ),
        Delete(
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing products needs ROLE_ADMIN."
        )
    ),
    security = "is_granted('ROLE_VIEWER') or is_granted('ROLE_ADMIN')",
    security_message = "Reading products needs ROLE_VIEWER or ROLE_ADMIN.",
    provider = ProductStore,
    processor = ProductStore,
    concurrency(version = "version"),
)]
pub struct Product {
    /// The stock keeping unit; chosen by the client on creation.
    #[api(identifier, required, example = "SKU-0001")]
    #[validate(length(min = 1, max = 64))]
    pub sku: String,
    /// The product name.
    #[api(required, example = "Oak Chair")]
    #[validate(length(min = 1, max = 255))]
    pub name: String,
    /// A description.
    pub description: Option<String>,
    /// The price in cents.
    #[api(example = 4999)]
    #[validate(range(min = 0))]
    pub price: i64,
    /// The ISO 4217 currency of the price.
    #[api(default = "EUR", example = "EUR", enum_values = codes::CURRENCIES)]
    pub currency: String,
    /// Units in stock.
    #[validate(range(min = 0))]
    pub stock: i64,
    /// Whether the storefront shows the product.
    #[api(default = true)]
    pub is_active: bool,
    /// When the product was created.
    #[api(writable = false)]
    pub created_at: DateTime<Utc>,
    /// The version of the row, for `ETag` and `If-Match`.
    #[api(readable = false, writable = false)]
    pub version: i64,
}

/// A product as the storefront shows it: active products only, read-only.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "StorefrontProducts",
    short_name = "products",
    label = "Product",
    operations(Get, GetCollection),
    table = "products",
    provider = CatalogueStore,
    pagination(items_per_page = 12, form = "offset"),
)]
pub struct StorefrontProduct {
    /// The stock keeping unit.
    #[api(identifier, example = "SKU-0001")]
    pub sku: String,
    /// The product name.
    pub name: String,
    /// A description.
    pub description: Option<String>,
    /// The price in cents.
    pub price: i64,
    /// The ISO 4217 currency of the price.
    pub currency: String,
}

/// The locale whose text is in the `_de` columns (SPEC §2.5).
pub const GERMAN: &str = "de_DE";

/// A request in German reads and writes the `_de` columns.
fn german(table: Table) -> Table {
    table
        .column("name", "name_de")
        .column("description", "description_de")
}

/// The back office's products: the text in the request's language, and a new product's text
/// in every language until someone translates it.
#[must_use]
pub fn product_store(db: &Db) -> ProductStore {
    SqlStore::<Product>::new(db.database())
        .localized(GERMAN, german)
        .hooks(ProductRules)
}

/// The storefront's active products.
#[must_use]
pub fn catalogue_store(db: &Db) -> CatalogueStore {
    SqlStore::<StorefrontProduct>::new(db.database())
        .localized(GERMAN, german)
        .scope(Expr::col(Alias::new("is_active")).eq(true))
}

/// What a product write adds: the time of creation, and the text in both languages.
#[derive(Debug, Clone, Copy)]
pub struct ProductRules;

impl Hooks<Product> for ProductRules {
    async fn before_write(&self, write: &mut Write<'_, Product>) -> Result<(), GlueError> {
        if write.kind == WriteKind::Create {
            let (name, description) = (write.item.name.clone(), write.item.description.clone());
            write.set_column("created_at", date_time_text(&Utc::now()));
            for suffix in ["", "_de"] {
                write.set_column(format!("name{suffix}"), name.clone());
                write.set_column(format!("description{suffix}"), description.clone());
            }
        }
        Ok(())
    }
}
