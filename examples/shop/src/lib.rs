//! The Glue demo shop (SPEC §11): a storefront application and a backend application over one
//! database.
//!
//! Run it with
//!
//! ```not_rust
//! cargo run -p example-shop
//! ```
//!
//! The library half lets tests build the same routers without a socket
//! ([`Shop::backend`], [`Shop::storefront`]) or start the whole shop on free ports
//! ([`start`]).

pub mod addresses;
pub mod codes;
pub mod customers;
pub mod db;
mod password;
pub mod products;
pub mod seed;

use std::future::Future;
use std::net::SocketAddr;

use anyhow::Context as _;
use glue_core::{Application, PlainJson, Router};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::addresses::{Address, AddressStore};
use crate::customers::{Customer, CustomerStore};
use crate::db::Db;
use crate::products::{Product, ProductStore, StorefrontProduct};

/// The default database: a file beside the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://shop.db";
/// The default storefront address.
pub const DEFAULT_STOREFRONT_ADDR: &str = "127.0.0.1:8080";
/// The default backend address.
pub const DEFAULT_BACKEND_ADDR: &str = "127.0.0.1:8081";

/// Where the shop listens and what it stores into (SPEC §11.1).
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`.
    pub database_url: String,
    /// `SHOP_STOREFRONT_ADDR`.
    pub storefront_addr: SocketAddr,
    /// `SHOP_BACKEND_ADDR`.
    pub backend_addr: SocketAddr,
}

impl Config {
    /// Reads `DATABASE_URL`, `SHOP_STOREFRONT_ADDR` and `SHOP_BACKEND_ADDR`, with the defaults.
    ///
    /// # Errors
    ///
    /// When an address does not parse.
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        let address = |name: &str, default: &str| -> anyhow::Result<SocketAddr> {
            let text = var(name, default);
            text.parse().with_context(|| {
                format!("{name}={text:?} is not an address such as 127.0.0.1:8080")
            })
        };
        Ok(Self {
            database_url: var("DATABASE_URL", DEFAULT_DATABASE_URL),
            storefront_addr: address("SHOP_STOREFRONT_ADDR", DEFAULT_STOREFRONT_ADDR)?,
            backend_addr: address("SHOP_BACKEND_ADDR", DEFAULT_BACKEND_ADDR)?,
        })
    }

    /// Both applications on free loopback ports, over `database_url` (for tests).
    #[must_use]
    pub fn ephemeral(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            storefront_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            backend_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }
}

/// The shop: its database and its two applications.
#[derive(Debug, Clone)]
pub struct Shop {
    db: Db,
}

impl Shop {
    /// Connects to the database, creates the tables and writes the demo data on first start.
    ///
    /// # Errors
    ///
    /// When the database cannot be reached, migrated or seeded.
    pub async fn open(database_url: &str) -> anyhow::Result<Self> {
        let db = Db::connect(database_url)
            .await
            .with_context(|| format!("cannot open the database {database_url}"))?;
        db.migrate().await.context("cannot migrate the database")?;
        if seed::seed_if_empty(&db)
            .await
            .context("cannot seed the database")?
        {
            tracing::info!("wrote the demo data");
        }
        Ok(Self { db })
    }

    /// The database.
    #[must_use]
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The backend application (SPEC §11.3): JSON:API by default, plain JSON on request.
    pub fn backend(&self) -> Router {
        let customers = CustomerStore::new(self.db.clone());
        let addresses = AddressStore::new(self.db.clone());
        let products = ProductStore::new(self.db.clone());
        Application::backend()
            .convention(JsonApi::new())
            .convention(PlainJson::new())
            .standard_pagination()
            .resource::<Customer>(customers.clone(), customers)
            .resource::<Address>(addresses.clone(), addresses)
            .resource::<Product>(products.clone(), products)
            .build()
    }

    /// The storefront application (SPEC §11.4): JSON:API only.
    pub fn storefront(&self) -> Router {
        Application::storefront()
            .convention(JsonApi::new())
            .standard_pagination()
            .resource::<StorefrontProduct>(ProductStore::new(self.db.clone()), ())
            .build()
    }
}

/// A running shop: both applications serving on their sockets.
#[derive(Debug)]
pub struct RunningShop {
    storefront_addr: SocketAddr,
    backend_addr: SocketAddr,
    stop: watch::Sender<bool>,
    servers: Vec<JoinHandle<std::io::Result<()>>>,
}

impl RunningShop {
    /// Where the storefront listens.
    #[must_use]
    pub fn storefront_addr(&self) -> SocketAddr {
        self.storefront_addr
    }

    /// Where the backend listens.
    #[must_use]
    pub fn backend_addr(&self) -> SocketAddr {
        self.backend_addr
    }

    /// Stops accepting connections, lets requests in flight finish, and returns when both
    /// servers are done.
    ///
    /// # Errors
    ///
    /// When a server failed.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        for server in self.servers {
            server.await.context("a server task failed")??;
        }
        Ok(())
    }

    /// Serves until `signal` completes, then shuts down gracefully.
    ///
    /// # Errors
    ///
    /// When a server failed.
    pub async fn run_until(self, signal: impl Future<Output = ()>) -> anyhow::Result<()> {
        signal.await;
        tracing::info!("shutting down: finishing requests in flight");
        self.shutdown().await
    }
}

/// Opens the shop and starts both applications on the configured addresses.
///
/// # Errors
///
/// When the database cannot be opened or an address cannot be bound.
pub async fn start(config: &Config) -> anyhow::Result<RunningShop> {
    let shop = Shop::open(&config.database_url).await?;
    let storefront = TcpListener::bind(config.storefront_addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.storefront_addr))?;
    let backend = TcpListener::bind(config.backend_addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.backend_addr))?;
    let (stop, stopped) = watch::channel(false);
    let storefront_addr = storefront.local_addr()?;
    let backend_addr = backend.local_addr()?;
    let servers = vec![
        tokio::spawn(serve(storefront, shop.storefront(), stopped.clone())),
        tokio::spawn(serve(backend, shop.backend(), stopped)),
    ];
    Ok(RunningShop {
        storefront_addr,
        backend_addr,
        stop,
        servers,
    })
}

async fn serve(
    listener: TcpListener,
    router: Router,
    mut stopped: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let app = axum::Router::new().fallback_service(router);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        })
        .await
}
