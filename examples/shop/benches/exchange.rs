//! The Data Exchange API at volume (issue figures): a bulk POST of 10,000 tax rates in one
//! request (rows per second), and GET of 1,000 countries with their tax rates included
//! (latency and statements per request), on an SQLite file and, when
//! `GLUE_TEST_POSTGRES_URL` names a cluster, on PostgreSQL.
//!
//! Run with `cargo bench -p example-shop --bench exchange`.

use std::time::{Duration, Instant};

use example_shop::Shop;
use http_body_util::BodyExt;
use serde_json::json;
use sqlx::Executor;
use tower::ServiceExt;

const API_KEY: &str = "exchange-bench-key";
const ROWS: usize = 10_000;

async fn send(router: &glue_core::Router, method: &str, uri: &str, body: String) -> (u16, usize) {
    let request = glue_core::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "bench.test")
        .header("x-api-key", API_KEY)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body)
        .expect("a request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    (status, bytes.len())
}

async fn measure(name: &str, url: &str) {
    let shop = Shop::open(url)
        .await
        .expect("the shop opens")
        .with_api_key(API_KEY);
    let backend = shop.backend();
    // 1,000 more countries, straight into the table (their codes need not be real).
    for n in 0..1000 {
        sqlx::query("INSERT INTO countries (iso2_code, iso3_code, name) VALUES ($1, $2, $3)")
            .bind(format!("Z{n:04}"))
            .bind(format!("ZZ{n:04}"))
            .bind(format!("Bench country {n}"))
            .execute(shop.db().pool())
            .await
            .expect("a country");
    }
    let rates: Vec<serde_json::Value> = (0..ROWS)
        .map(|n| json!({"fk_country": n % 1000 + 1, "name": format!("Rate {n}"), "rate": "19.00"}))
        .collect();
    let body = json!({"data": rates}).to_string();
    let before = shop.db().statements();
    let started = Instant::now();
    let (status, _) = send(&backend, "POST", "/dynamic-entity/tax-rates", body).await;
    let took = started.elapsed();
    assert_eq!(status, 201, "the bulk POST is accepted");
    println!(
        "{name}: POST of {ROWS} tax rates in one request: {:.2} s, {:.0} rows/s, {} statements",
        took.as_secs_f64(),
        ROWS as f64 / took.as_secs_f64(),
        shop.db().statements() - before
    );

    let uri = "/dynamic-entity/countries?page[offset]=0&page[limit]=1000&include=countryTaxRates";
    let mut times: Vec<Duration> = Vec::new();
    let mut statements = 0;
    let mut size = 0;
    for _ in 0..30 {
        let before = shop.db().statements();
        let started = Instant::now();
        let (status, bytes) = send(&backend, "GET", uri, String::new()).await;
        times.push(started.elapsed());
        assert_eq!(status, 200);
        statements = shop.db().statements() - before;
        size = bytes;
    }
    times.sort();
    println!(
        "{name}: GET of 1,000 countries with their tax rates ({size} bytes): median {:.1} ms, p95 {:.1} ms, {statements} statements",
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[times.len() * 95 / 100].as_secs_f64() * 1000.0
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let directory = std::env::temp_dir().join(format!("glue-exchange-{}", std::process::id()));
        std::fs::create_dir_all(&directory).expect("a directory");
        let url = format!("sqlite://{}", directory.join("shop.db").display());
        measure("SQLite", &url).await;
        let _ = std::fs::remove_dir_all(&directory);
        if let Ok(admin) = std::env::var("GLUE_TEST_POSTGRES_URL") {
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin).await.expect("the cluster");
            let name = format!("glue_exchange_bench_{}", std::process::id());
            pool.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .expect("a database");
            let (base, _) = admin.rsplit_once('/').expect("a database in the URL");
            measure("PostgreSQL", &format!("{base}/{name}")).await;
        } else {
            println!("PostgreSQL: set GLUE_TEST_POSTGRES_URL to measure it");
        }
    });
}
