//! The Data Exchange API (SPEC §9): tables of the application's database exposed by
//! configuration at run time.
//!
//! - [`config`]: a configuration (SPEC §9.1) read from JSON, and every rule it must follow
//!   that needs no database, each refusal with a pointer to its key;
//! - [`schema`]: the database's tables and columns, introspected on SQLite and PostgreSQL,
//!   and the check of a configuration against them (a missing table or column, a type the
//!   column cannot hold, a column that needs a value the configuration cannot give);
//! - [`storage`]: the configurations in the application's own database, with a version that
//!   every change moves on, and [`registry`], which keeps a process's configurations current
//!   (SPEC §9.6);
//! - the reads and writes of `/dynamic-entity/{alias}` and `/dynamic-entity/{alias}/{id}`
//!   (SPEC §9.2, §9.3), their OpenAPI description (SPEC §9.7) and the configuration page at
//!   `/data-exchange` (SPEC §9.5), mounted on an application with
//!   [`DataExchangeExt::data_exchange`].
//!
//! ```no_run
//! use glue_core::Application;
//! use glue_data_exchange::{DataExchange, DataExchangeExt};
//! # async fn run(db: glue_sql::Database) -> Result<(), sqlx::Error> {
//! let exchange = DataExchange::open(&db).await?;
//! let backend = Application::backend().data_exchange(&exchange);
//! # Ok(()) }
//! ```

mod compound;
pub mod config;
mod endpoint;
pub mod errors;
mod openapi;
mod page;
mod paging;
mod query;
mod read;
pub mod registry;
pub mod resource;
pub mod schema;
pub mod storage;
mod tables;
mod write;

use std::sync::Arc;

use glue_core::Application;
use glue_core::http::Method;
use glue_sql::Database;

pub use config::{Configuration, FieldType, Problem};
pub use registry::Registry;
pub use storage::Storage;

/// The Data Exchange API of one database.
#[derive(Debug, Clone)]
pub struct DataExchange {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct DataExchangeInner {
    db: Database,
    registry: Registry,
    /// Tables (`users`) and columns (`customers.password_hash`) no configuration may expose.
    protected: Vec<String>,
}

type Inner = DataExchangeInner;

impl DataExchange {
    /// The API over `db`: its configuration tables created when missing, every stored
    /// configuration loaded.
    ///
    /// # Errors
    ///
    /// When the database cannot be read or the tables created.
    pub async fn open(db: &Database) -> Result<Self, sqlx::Error> {
        let storage = Storage::install(db).await?;
        let registry = Registry::load(storage).await?;
        Ok(Self {
            inner: Arc::new(Inner {
                db: db.clone(),
                registry,
                protected: Vec::new(),
            }),
        })
    }

    /// Tables (`back_office_users`) and columns (`customers.password_hash`) that no
    /// configuration may expose, besides the API's own tables and the migrations'.
    ///
    /// # Panics
    ///
    /// When the API was already cloned or mounted.
    #[must_use]
    pub fn protect<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        let inner = Arc::get_mut(&mut self.inner)
            .unwrap_or_else(|| panic!("protect tables before mounting the Data Exchange API"));
        inner.protected.extend(names.into_iter().map(Into::into));
        self
    }

    /// The configurations.
    #[must_use]
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }
}

/// Mounts the Data Exchange API on an application.
pub trait DataExchangeExt {
    /// Serves `/dynamic-entity/{alias}` and `/dynamic-entity/{alias}/{id}`, the
    /// configurations at `/dynamic-entity-configurations` and the tables they may name at
    /// `/dynamic-entity-tables` (administrators only), the configuration page at
    /// `/data-exchange`, and adds every active entity to the application's OpenAPI document.
    #[must_use]
    fn data_exchange(self, exchange: &DataExchange) -> Self;
}

impl DataExchangeExt for Application {
    fn data_exchange(self, exchange: &DataExchange) -> Self {
        let entities = || endpoint::Entities {
            exchange: Arc::clone(&exchange.inner),
        };
        let configurations = resource::ConfigurationStore {
            exchange: Arc::clone(&exchange.inner),
        };
        self.route(
            "/dynamic-entity/{alias}",
            [
                Method::GET,
                Method::POST,
                Method::PATCH,
                Method::PUT,
                Method::DELETE,
            ],
            entities(),
        )
        .route(
            "/dynamic-entity/{alias}/{id}",
            [Method::GET, Method::PATCH, Method::PUT, Method::DELETE],
            entities(),
        )
        .route(
            "/dynamic-entity-tables",
            [Method::GET],
            tables::Tables {
                exchange: Arc::clone(&exchange.inner),
            },
        )
        .route("/data-exchange", [Method::GET], page::Page)
        .route("/data-exchange/{file}", [Method::GET], page::Files)
        .live_document(openapi::Entities {
            exchange: Arc::clone(&exchange.inner),
        })
        .resource::<resource::DynamicEntityConfiguration>(configurations.clone(), configurations)
    }
}
