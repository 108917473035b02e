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
pub mod auth;
pub mod codes;
pub mod customers;
pub mod db;
pub mod exchange;
pub mod generated;
mod password;
pub mod products;
pub mod seed;
pub mod storefront;
pub mod stores;

use std::future::Future;
use std::net::SocketAddr;

use std::sync::Arc;

use anyhow::Context as _;
use glue_auth::{
    AccessToken, AccessTokens, ApiKey, ApiKeyAdmin, ApiKeyAuthenticator, BearerAuthenticator,
    Principal, PrincipalKind, RefreshToken, StaticApiKeys, TokenEndpoint, TokenGrants, TokenKeys,
    TokenProcessor, TokenService, TokenSettings,
};
use glue_core::http::Method;
use glue_core::{Application, PlainJson, Router};
use glue_docs::{Docs, DocsExt};
use glue_jsonapi::JsonApi;
use glue_openapi::{ApiInfo, OpenApiExt};
use glue_pagination::PaginationExt;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::addresses::{Address, AddressStore};
use crate::auth::{ApiKeys, BackOfficeUsers, CustomerLogins, ROLE_ADMIN, RefreshTokens};
use crate::customers::{AccountRules, Customer, CustomerStore};
use crate::db::Db;
use crate::products::{Product, StorefrontProduct, catalogue_store, product_store};
use crate::storefront::{AddressBook, StorefrontAddress, StorefrontCustomer};
use crate::stores::{Store, StoreAt, StoreEu, StoreStore};
use glue_core::atomic::ATOMIC_EXTENSION;
use glue_data_exchange::DataExchangeExt;

/// The locales both applications answer in (SPEC §2.5), the default first.
pub const LOCALES: [&str; 2] = ["de_DE", "en_US"];

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
    /// `GLUE_TOKEN_SECRET`: the secret access tokens are signed with; a random one (valid
    /// until the shop stops) when unset.
    pub token_secret: Option<String>,
    /// `SHOP_API_KEY`: an API key with `ROLE_ADMIN`, when set.
    pub api_key: Option<String>,
    /// `APPLICATION_CODE_BUCKET`: the code bucket of every request, when set.
    pub code_bucket: Option<String>,
}

impl Config {
    /// Reads `DATABASE_URL`, `SHOP_STOREFRONT_ADDR`, `SHOP_BACKEND_ADDR`, `GLUE_TOKEN_SECRET`,
    /// `SHOP_API_KEY` and `APPLICATION_CODE_BUCKET`, with the defaults.
    ///
    /// # Errors
    ///
    /// When an address does not parse, or `GLUE_TOKEN_SECRET` is shorter than 32 bytes.
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
        let optional = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let token_secret = optional("GLUE_TOKEN_SECRET");
        if let Some(secret) = &token_secret {
            // SPEC §13.2: refused at start-up, with what to do about it.
            glue_auth::TokenKeys::from_checked_secret(secret.as_bytes())
                .map_err(|error| anyhow::anyhow!("GLUE_TOKEN_SECRET: {error}"))?;
        }
        Ok(Self {
            database_url: var("DATABASE_URL", DEFAULT_DATABASE_URL),
            storefront_addr: address("SHOP_STOREFRONT_ADDR", DEFAULT_STOREFRONT_ADDR)?,
            backend_addr: address("SHOP_BACKEND_ADDR", DEFAULT_BACKEND_ADDR)?,
            token_secret,
            api_key: optional("SHOP_API_KEY"),
            code_bucket: optional("APPLICATION_CODE_BUCKET"),
        })
    }

    /// Both applications on free loopback ports, over `database_url` (for tests).
    #[must_use]
    pub fn ephemeral(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            storefront_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            backend_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            token_secret: None,
            api_key: None,
            code_bucket: None,
        }
    }
}

/// The shop: its database, its credentials and its two applications.
#[derive(Clone)]
pub struct Shop {
    db: Db,
    exchange: glue_data_exchange::DataExchange,
    tokens: Arc<AccessTokens>,
    api_keys: StaticApiKeys,
    code_bucket: Option<String>,
}

impl std::fmt::Debug for Shop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shop")
            .field("db", &self.db)
            .field("api_keys", &self.api_keys)
            .finish_non_exhaustive()
    }
}

impl Shop {
    /// Connects to the database, creates the tables and writes the demo data on first start.
    /// Tokens are signed with a random secret until [`with_token_secret`](Self::with_token_secret)
    /// sets one.
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
        if seed::seed_users_if_empty(&db)
            .await
            .context("cannot seed the back-office users")?
        {
            tracing::info!("wrote the back-office users");
        }
        let exchange = exchange::open(&db)
            .await
            .context("cannot open the Data Exchange API")?;
        Ok(Self {
            db,
            exchange,
            tokens: Arc::new(AccessTokens::new(
                TokenKeys::random(),
                TokenSettings::default(),
            )),
            api_keys: StaticApiKeys::new(),
            code_bucket: None,
        })
    }

    /// Fixes the code bucket of both applications (`APPLICATION_CODE_BUCKET`, SPEC §7.3);
    /// without it the host of each request names it (`glue-backend.eu.example.local`).
    #[must_use]
    pub fn with_code_bucket(mut self, bucket: &str) -> Self {
        self.code_bucket = (!bucket.is_empty()).then(|| bucket.to_owned());
        self
    }

    /// Signs and verifies access tokens with this secret (`GLUE_TOKEN_SECRET`), so that
    /// tokens outlive a restart and every replica accepts them.
    #[must_use]
    pub fn with_token_secret(mut self, secret: &str) -> Self {
        self.tokens = Arc::new(AccessTokens::new(
            TokenKeys::from_secret(secret.as_bytes()),
            TokenSettings::default(),
        ));
        self
    }

    /// Registers an API key with `ROLE_ADMIN` on the backend (`SHOP_API_KEY`).
    #[must_use]
    pub fn with_api_key(mut self, key: &str) -> Self {
        self.api_keys = self.api_keys.with_key(
            key,
            Principal::new("shop-api-key", "SHOP_API_KEY", PrincipalKind::ApiKey)
                .with_role(ROLE_ADMIN),
        );
        self
    }

    /// The keys and settings of access tokens (for tests that mint their own).
    #[must_use]
    pub fn access_tokens(&self) -> &AccessTokens {
        &self.tokens
    }

    /// The database.
    #[must_use]
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The backend application (SPEC §11.3): JSON:API by default, plain JSON on request;
    /// back-office users log in at `POST /token`, integrations send an API key.
    pub fn backend(&self) -> Router {
        self.backend_application().build()
    }

    /// The backend before it is built, for callers that add to it (their own
    /// authenticators or routes).
    pub fn backend_application(&self) -> Application {
        let customers: CustomerStore = AccountRules::store(&self.db);
        let addresses = AddressStore::new(self.db.database());
        let products = product_store(&self.db);
        let api_keys = ApiKeys::new(self.db.clone());
        let stores = StoreStore::new(self.db.clone());
        let grants = TokenService::new(
            AccessTokens::clone(&self.tokens),
            "backend",
            BackOfficeUsers::new(self.db.clone()),
            RefreshTokens::new(self.db.clone()),
        );
        let application = Application::backend()
            .convention(JsonApi::new().extension(ATOMIC_EXTENSION))
            .convention(PlainJson::new())
            .atomic_operations()
            .locales(LOCALES)
            .standard_pagination()
            .authenticator(BearerAuthenticator::new(Arc::clone(&self.tokens)))
            .authenticator(ApiKeyAuthenticator::new(
                api_keys.clone(),
                self.api_keys.clone(),
            ))
            .route("/token", [Method::POST], TokenEndpoint::new(grants))
            .openapi(
                ApiInfo::new("Glue demo shop: backend", "1.0.0").description(
                    "The back office of the demo shop: customers and their addresses, \
                     products, stores by code bucket, and API keys. Log in at `POST /token`.",
                ),
            )
            .docs(Docs::new("Glue demo shop: backend"))
            .resource::<Customer>(customers.clone(), customers)
            .resource::<Address>(addresses.clone(), addresses)
            .resource::<Product>(products.clone(), products)
            .resource::<ApiKey>(
                ApiKeyAdmin::new(api_keys.clone()),
                ApiKeyAdmin::new(api_keys),
            )
            .data_exchange(&self.exchange)
            .resource::<Store>(stores.clone(), ())
            .resource::<StoreEu>(stores.clone(), ())
            .resource::<StoreAt>(stores, ());
        match &self.code_bucket {
            Some(bucket) => application.code_bucket(bucket.as_str()),
            None => application,
        }
    }

    /// The storefront application (SPEC §11.4): JSON:API only; customers log in at
    /// `POST /access-tokens`.
    pub fn storefront(&self) -> Router {
        let grants: Arc<dyn TokenGrants> = Arc::new(TokenService::new(
            AccessTokens::clone(&self.tokens),
            "storefront",
            CustomerLogins::new(self.db.clone()),
            RefreshTokens::new(self.db.clone()),
        ));
        let accounts = AccountRules::store::<StorefrontCustomer>(&self.db);
        let application = Application::storefront()
            .convention(JsonApi::new())
            .locales(LOCALES)
            .standard_pagination()
            .authenticator(BearerAuthenticator::new(Arc::clone(&self.tokens)))
            .openapi(
                ApiInfo::new("Glue demo shop: storefront", "1.0.0").description(
                    "The customer-facing shop: products, and the customer's own account. \
                     Log in at `POST /access-tokens`.",
                ),
            )
            .docs(Docs::new("Glue demo shop: storefront"))
            .resource::<AccessToken>((), TokenProcessor::shared(Arc::clone(&grants)))
            .resource::<RefreshToken>((), TokenProcessor::shared(grants))
            .resource::<StorefrontProduct>(catalogue_store(&self.db), ())
            .resource::<StorefrontCustomer>(accounts.clone(), accounts)
            .resource::<StorefrontAddress>(AddressBook::new(self.db.database()), ());
        match &self.code_bucket {
            Some(bucket) => application.code_bucket(bucket.as_str()),
            None => application,
        }
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
    let mut shop = Shop::open(&config.database_url).await?;
    if let Some(secret) = &config.token_secret {
        shop = shop.with_token_secret(secret);
    }
    if let Some(key) = &config.api_key {
        shop = shop.with_api_key(key);
    }
    if let Some(bucket) = &config.code_bucket {
        shop = shop.with_code_bucket(bucket);
    }
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

/// Serves one application with the bounds of SPEC §13.3 (`glue_server`: header-read and idle
/// timeouts, a connection cap), until the shop stops; requests in flight finish.
async fn serve(
    listener: TcpListener,
    router: Router,
    mut stopped: watch::Receiver<bool>,
) -> std::io::Result<()> {
    glue_server::Server::new()
        .serve(listener, router, async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        })
        .await
}
