//! The Glue demo shop. Run with
//!
//! ```not_rust
//! cargo run -p example-shop
//! ```
//!
//! `DATABASE_URL` (default `sqlite://shop.db`; `sqlite::memory:` and `postgres://...` work
//! too), `SHOP_STOREFRONT_ADDR` (default `127.0.0.1:8080`) and `SHOP_BACKEND_ADDR` (default
//! `127.0.0.1:8081`) configure it; `GLUE_TOKEN_SECRET` sets the secret access tokens are
//! signed with (a random one otherwise, with a warning) and `SHOP_API_KEY` registers an admin
//! API key. SIGINT or SIGTERM stops it after requests in flight.

use std::process::ExitCode;

use example_shop::{Config, seed};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("example-shop: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    if config.token_secret.is_none() {
        tracing::warn!(
            "GLUE_TOKEN_SECRET is not set: access tokens are signed with a random secret and \
             stop working when the shop restarts"
        );
    }
    let shop = example_shop::start(&config).await?;
    let storefront = format!("http://{}", shop.storefront_addr());
    let backend = format!("http://{}", shop.backend_addr());
    println!("Glue demo shop");
    println!("  storefront  {storefront}   (JSON:API)");
    println!("  backend     {backend}   (JSON:API; plain JSON with Accept: application/json)");
    println!("  docs        {storefront}/docs   {backend}/docs");
    println!("  OpenAPI     {storefront}/openapi.json   {backend}/openapi.json");
    println!("  database    {}", config.database_url);
    println!(
        "  demo data   {} customers DE--1 ... DE--{}, {} products SKU-0001 ... SKU-{:04}",
        seed::CUSTOMERS,
        seed::CUSTOMERS,
        seed::PRODUCTS,
        seed::PRODUCTS,
    );
    println!(
        "  backend     {} (ROLE_ADMIN), {} (ROLE_VIEWER), password {}; POST {backend}/token",
        seed::ADMIN_USERNAME,
        seed::VIEWER_USERNAME,
        seed::DEMO_PASSWORD
    );
    println!(
        "  storefront  {} and {}, password {}; POST {storefront}/access-tokens",
        seed::customer_email(1),
        seed::customer_email(2),
        seed::DEMO_PASSWORD
    );
    println!(
        "  languages   {} (Accept-Language), default {}",
        example_shop::LOCALES.join(", "),
        example_shop::LOCALES[0]
    );
    match &config.code_bucket {
        Some(bucket) => println!("  code bucket {bucket} (APPLICATION_CODE_BUCKET)"),
        None => {
            println!("  code bucket from the host: *.eu.* and *.at.* select the EU and AT stores")
        }
    }
    if config.api_key.is_some() {
        println!("  API key     SHOP_API_KEY (ROLE_ADMIN) as X-Api-Key on the backend");
    }
    println!(
        "  try         TOKEN=$(curl -s {backend}/token -d grant_type=password \
         -d username={} -d password={} | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')",
        seed::ADMIN_USERNAME,
        seed::DEMO_PASSWORD
    );
    println!(
        "              curl -s -H \"Authorization: Bearer $TOKEN\" '{backend}/customers?page[limit]=5'"
    );
    println!("              curl -s '{storefront}/products'");
    println!("Stop with Ctrl-C.");
    shop.run_until(shutdown_signal()).await
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
