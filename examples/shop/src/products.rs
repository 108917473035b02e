//! `products`: full CRUD on the backend (SPEC §11.3), read-only and active-only on the
//! storefront (SPEC §11.4).

use chrono::{DateTime, Utc};
use std::sync::Arc;

use glue_core::{
    ApiResource, CollectionProvider, Context, CreateProcessor, DeleteProcessor, GlueError,
    ItemProvider, Paginated, Processor, ReplaceProcessor, Resource, UpdateProcessor,
};
use glue_sql::Table;
use glue_sql::sea_query::{Expr, ExprTrait};
use sqlx::Row;
use sqlx::any::AnyRow;
use validator::Validate;

use crate::codes;
use crate::db::{
    Db, date_time_text, db_error, fetch_page, get, get_bool, get_date_time, is_unique_violation,
};

/// A product of the catalogue, as the back office manages it.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    name = "Products",
    short_name = "products",
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
}

/// A product as the storefront shows it: active products only, read-only.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "StorefrontProducts",
    short_name = "products",
    label = "Product",
    operations(Get, GetCollection),
    provider = ProductStore,
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

/// The locale whose text lives in the `*_de` columns; every other locale reads `name` and
/// `description` (en_US).
pub const GERMAN: &str = "de_DE";

/// The columns a product is read from, with its text in English or German.
macro_rules! columns {
    (en) => {
        "sku, name, description, price, currency, stock, is_active, created_at"
    };
    (de) => {
        "sku, name_de, description_de, price, currency, stock, is_active, created_at"
    };
}

/// The statements that read one product, by language.
struct Finds {
    any: &'static str,
    active: &'static str,
}

const FIND_EN: Finds = Finds {
    any: concat!("SELECT ", columns!(en), " FROM products WHERE sku = $1"),
    active: concat!(
        "SELECT ",
        columns!(en),
        " FROM products WHERE sku = $1 AND is_active = TRUE"
    ),
};
const FIND_DE: Finds = Finds {
    any: concat!("SELECT ", columns!(de), " FROM products WHERE sku = $1"),
    active: concat!(
        "SELECT ",
        columns!(de),
        " FROM products WHERE sku = $1 AND is_active = TRUE"
    ),
};

fn german<R: Resource>(ctx: &Context<R>) -> bool {
    ctx.locale() == Some(GERMAN)
}

fn finds<R: Resource>(ctx: &Context<R>) -> &'static Finds {
    if german(ctx) { &FIND_DE } else { &FIND_EN }
}

/// A text column in whichever language the statement selected.
fn localized<T>(row: &AnyRow, column: &str) -> Result<T, sqlx::Error>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + Default,
{
    match row.try_get::<T, _>(format!("{column}_de").as_str()) {
        Err(sqlx::Error::ColumnNotFound(_)) => get(row, column),
        other => other,
    }
}

impl Product {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            sku: get(row, "sku")?,
            name: localized(row, "name")?,
            description: localized(row, "description")?,
            price: get(row, "price")?,
            currency: get(row, "currency")?,
            stock: get(row, "stock")?,
            is_active: get_bool(row, "is_active")?,
            created_at: get_date_time(row, "created_at")?,
        })
    }
}

impl StorefrontProduct {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Product::from_row(row).map(Self::from)
    }
}

impl From<Product> for StorefrontProduct {
    fn from(product: Product) -> Self {
        Self {
            sku: product.sku,
            name: product.name,
            description: product.description,
            price: product.price,
            currency: product.currency,
        }
    }
}

/// How a resource's text properties map to the columns of one language.
#[derive(Debug)]
struct Tables {
    english: Table,
    german: Table,
}

impl Tables {
    fn new(meta: &'static glue_core::meta::ResourceMeta) -> Self {
        Self {
            english: Table::new("products", meta),
            german: Table::new("products", meta)
                .column("name", "name_de")
                .column("description", "description_de"),
        }
    }

    fn of<R: Resource>(&self, ctx: &Context<R>) -> &Table {
        if german(ctx) {
            &self.german
        } else {
            &self.english
        }
    }
}

/// Reads and writes products in the shop's database, in the request's language.
#[derive(Debug, Clone)]
pub struct ProductStore {
    db: Db,
    backend: Arc<Tables>,
    storefront: Arc<Tables>,
}

impl ProductStore {
    /// A store over `db`.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self {
            db,
            backend: Arc::new(Tables::new(Product::meta())),
            storefront: Arc::new(Tables::new(StorefrontProduct::meta())),
        }
    }

    async fn find(&self, sku: &str, statement: &'static str) -> Result<Option<Product>, GlueError> {
        let row = sqlx::query(statement)
            .bind(sku)
            .fetch_optional(self.db.pool())
            .await
            .map_err(db_error)?;
        row.as_ref()
            .map(Product::from_row)
            .transpose()
            .map_err(db_error)
    }

    /// Writes a product; its text goes to the columns of the request's language.
    async fn save(&self, ctx: &Context<Product>, product: &Product) -> Result<Product, GlueError> {
        let statement = if german(ctx) {
            "UPDATE products SET name_de = $1, description_de = $2, price = $3, currency = $4, \
             stock = $5, is_active = $6 WHERE sku = $7"
        } else {
            "UPDATE products SET name = $1, description = $2, price = $3, currency = $4, \
             stock = $5, is_active = $6 WHERE sku = $7"
        };
        sqlx::query(statement)
            .bind(&product.name)
            .bind(product.description.as_deref())
            .bind(product.price)
            .bind(&product.currency)
            .bind(product.stock)
            .bind(product.is_active)
            .bind(&product.sku)
            .execute(self.db.pool())
            .await
            .map_err(db_error)?;
        self.find(&product.sku, finds(ctx).any)
            .await?
            .ok_or_else(|| GlueError::not_found(format!("Product {} not found.", product.sku)))
    }
}

impl ItemProvider<Product> for ProductStore {
    async fn item(&self, ctx: &Context<Product>) -> Result<Option<Product>, GlueError> {
        let Some(sku) = ctx.id() else {
            return Ok(None);
        };
        self.find(sku, finds(ctx).any).await
    }
}

impl CollectionProvider<Product> for ProductStore {
    async fn collection(&self, ctx: &Context<Product>) -> Result<Paginated<Product>, GlueError> {
        let select = self.backend.of(ctx).select(ctx.query());
        fetch_page(&self.db, &select, ctx.query(), Product::from_row).await
    }
}

impl ItemProvider<StorefrontProduct> for ProductStore {
    async fn item(
        &self,
        ctx: &Context<StorefrontProduct>,
    ) -> Result<Option<StorefrontProduct>, GlueError> {
        let Some(sku) = ctx.id() else {
            return Ok(None);
        };
        Ok(self
            .find(sku, finds(ctx).active)
            .await?
            .map(StorefrontProduct::from))
    }
}

impl CollectionProvider<StorefrontProduct> for ProductStore {
    async fn collection(
        &self,
        ctx: &Context<StorefrontProduct>,
    ) -> Result<Paginated<StorefrontProduct>, GlueError> {
        // The storefront shows active products only.
        let select = self
            .storefront
            .of(ctx)
            .select(ctx.query())
            .and_where(Expr::col("is_active").eq(true));
        fetch_page(&self.db, &select, ctx.query(), StorefrontProduct::from_row).await
    }
}

impl Processor<Product> for ProductStore {}

impl CreateProcessor<Product> for ProductStore {
    async fn create(&self, ctx: &Context<Product>, product: Product) -> Result<Product, GlueError> {
        // A new product has its text in every language until someone translates it.
        let result = sqlx::query(
            "INSERT INTO products (sku, name, description, name_de, description_de, price, \
             currency, stock, is_active, created_at) \
             VALUES ($1, $2, $3, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&product.sku)
        .bind(&product.name)
        .bind(product.description.as_deref())
        .bind(product.price)
        .bind(&product.currency)
        .bind(product.stock)
        .bind(product.is_active)
        .bind(date_time_text(&Utc::now()))
        .execute(self.db.pool())
        .await;
        match result {
            Err(error) if is_unique_violation(&error) => {
                return Err(GlueError::conflict_at(
                    "/data/id",
                    format!("A product with the sku {} already exists.", product.sku),
                ));
            }
            Err(error) => return Err(db_error(error)),
            Ok(_) => {}
        }
        self.find(&product.sku, finds(ctx).any)
            .await?
            .ok_or_else(|| GlueError::internal("a created product could not be read back"))
    }
}

impl ReplaceProcessor<Product> for ProductStore {
    async fn replace(
        &self,
        ctx: &Context<Product>,
        product: Product,
        _previous: Product,
    ) -> Result<Product, GlueError> {
        self.save(ctx, &product).await
    }
}

impl UpdateProcessor<Product> for ProductStore {
    async fn update(
        &self,
        ctx: &Context<Product>,
        product: Product,
        _previous: Product,
    ) -> Result<Product, GlueError> {
        self.save(ctx, &product).await
    }
}

impl DeleteProcessor<Product> for ProductStore {
    async fn delete(&self, _ctx: &Context<Product>, product: Product) -> Result<(), GlueError> {
        sqlx::query("DELETE FROM products WHERE sku = $1")
            .bind(&product.sku)
            .execute(self.db.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
