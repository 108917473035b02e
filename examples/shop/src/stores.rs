//! `stores` (SPEC §11.3): one URL, three declarations. The base shows a store's name, default
//! currency and time zone; the EU code bucket adds the GDPR contact; the AT bucket adds the
//! GDPR contact and the UID number (SPEC §7.3).

use glue_core::{
    ApiResource, CollectionProvider, Context, GlueError, ItemProvider, Paginated, Resource,
};
use sqlx::any::AnyRow;

use crate::db::{Db, db_error, get};

/// A store, as every code bucket sees it.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "Stores",
    short_name = "stores",
    label = "Store",
    operations(Get, GetCollection),
    provider = StoreStore,
    pagination(enabled = false),
    security = "is_granted('ROLE_VIEWER') or is_granted('ROLE_ADMIN')",
    security_message = "Reading stores needs ROLE_VIEWER or ROLE_ADMIN."
)]
pub struct Store {
    /// The store's name.
    #[api(identifier, example = "DE")]
    pub name: String,
    /// The ISO 4217 currency prices default to.
    #[api(example = "EUR")]
    pub default_currency: String,
    /// The IANA time zone.
    #[api(example = "Europe/Berlin")]
    pub timezone: String,
}

/// A store in the EU code bucket.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "Stores",
    short_name = "stores",
    label = "Store",
    code_bucket = "EU",
    operations(Get, GetCollection),
    provider = StoreStore,
    pagination(enabled = false),
    security = "is_granted('ROLE_VIEWER') or is_granted('ROLE_ADMIN')",
    security_message = "Reading stores needs ROLE_VIEWER or ROLE_ADMIN."
)]
pub struct StoreEu {
    /// The store's name.
    #[api(identifier, example = "DE")]
    pub name: String,
    /// The ISO 4217 currency prices default to.
    #[api(example = "EUR")]
    pub default_currency: String,
    /// The IANA time zone.
    #[api(example = "Europe/Berlin")]
    pub timezone: String,
    /// Whom to write about personal data.
    #[api(format = "email", example = "privacy@shop.example.de")]
    pub gdpr_contact_email: Option<String>,
}

/// A store in the AT code bucket.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "Stores",
    short_name = "stores",
    label = "Store",
    code_bucket = "AT",
    operations(Get, GetCollection),
    provider = StoreStore,
    pagination(enabled = false),
    security = "is_granted('ROLE_VIEWER') or is_granted('ROLE_ADMIN')",
    security_message = "Reading stores needs ROLE_VIEWER or ROLE_ADMIN."
)]
pub struct StoreAt {
    /// The store's name.
    #[api(identifier, example = "AT")]
    pub name: String,
    /// The ISO 4217 currency prices default to.
    #[api(example = "EUR")]
    pub default_currency: String,
    /// The IANA time zone.
    #[api(example = "Europe/Vienna")]
    pub timezone: String,
    /// Whom to write about personal data.
    #[api(format = "email", example = "datenschutz@shop.example.at")]
    pub gdpr_contact_email: Option<String>,
    /// The Austrian VAT identification number.
    #[api(example = "ATU12345678")]
    pub uid_number: Option<String>,
}

/// One row, whatever the variant shows of it.
struct Row {
    name: String,
    default_currency: String,
    timezone: String,
    gdpr_contact_email: Option<String>,
    uid_number: Option<String>,
}

impl Row {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            name: get(row, "name")?,
            default_currency: get(row, "default_currency")?,
            timezone: get(row, "timezone")?,
            gdpr_contact_email: get(row, "gdpr_contact_email")?,
            uid_number: get(row, "uid_number")?,
        })
    }
}

impl From<Row> for Store {
    fn from(row: Row) -> Self {
        Self {
            name: row.name,
            default_currency: row.default_currency,
            timezone: row.timezone,
        }
    }
}

impl From<Row> for StoreEu {
    fn from(row: Row) -> Self {
        Self {
            name: row.name,
            default_currency: row.default_currency,
            timezone: row.timezone,
            gdpr_contact_email: row.gdpr_contact_email,
        }
    }
}

impl From<Row> for StoreAt {
    fn from(row: Row) -> Self {
        Self {
            name: row.name,
            default_currency: row.default_currency,
            timezone: row.timezone,
            gdpr_contact_email: row.gdpr_contact_email,
            uid_number: row.uid_number,
        }
    }
}

/// Reads stores from the shop's database, for every variant.
#[derive(Debug, Clone)]
pub struct StoreStore {
    db: Db,
}

impl StoreStore {
    /// A store over `db`.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    async fn one<R: Resource<Id = String>>(
        &self,
        ctx: &Context<R>,
    ) -> Result<Option<Row>, GlueError> {
        let Some(name) = ctx.id() else {
            return Ok(None);
        };
        let row = sqlx::query(
            "SELECT name, default_currency, timezone, gdpr_contact_email, uid_number \
             FROM stores WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(self.db.pool())
        .await
        .map_err(db_error)?;
        row.as_ref().map(Row::read).transpose().map_err(db_error)
    }

    async fn all(&self) -> Result<Vec<Row>, GlueError> {
        let rows = sqlx::query(
            "SELECT name, default_currency, timezone, gdpr_contact_email, uid_number \
             FROM stores ORDER BY name",
        )
        .fetch_all(self.db.pool())
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(Row::read)
            .collect::<Result<_, _>>()
            .map_err(db_error)
    }
}

/// The same reads for each variant: a handful of rows, paged by the framework.
macro_rules! store_provider {
    ($variant:ty) => {
        impl ItemProvider<$variant> for StoreStore {
            async fn item(&self, ctx: &Context<$variant>) -> Result<Option<$variant>, GlueError> {
                Ok(self.one(ctx).await?.map(<$variant>::from))
            }
        }

        impl CollectionProvider<$variant> for StoreStore {
            async fn collection(
                &self,
                _ctx: &Context<$variant>,
            ) -> Result<Paginated<$variant>, GlueError> {
                let rows = self.all().await?;
                Ok(Paginated::unpaginated(
                    rows.into_iter().map(<$variant>::from).collect(),
                ))
            }
        }
    };
}

store_provider!(Store);
store_provider!(StoreEu);
store_provider!(StoreAt);
