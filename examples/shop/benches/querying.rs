//! The shop's collection queries at scale: 100,000 customers and 250,000 addresses in SQLite.
//!
//! Run with `cargo bench -p example-shop --bench querying`. It reports:
//!
//! - the median and 95th-percentile latency of
//!   `GET /customers?filter[status]=active&filter[creditLimit][gte]=5000&sort=-createdAt&include=addresses&page[limit]=N`
//!   through the backend router, for several page sizes, with the SQL statements each request
//!   ran (they must not grow with the page size);
//!
//! `benches/streaming.rs` measures `pagination=false` on the same data.

use std::time::{Duration, Instant};

mod common;

use common::{CUSTOMERS, seed};
use example_shop::Shop;
use example_shop::db::Db;
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn get(router: &glue_core::Router, uri: &str) -> (u16, usize) {
    let request = glue_core::http::Request::get(uri)
        .header("host", "bench.test")
        .header("x-api-key", common::API_KEY)
        .body(String::new())
        .expect("a request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    (status, body.len())
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let directory = std::env::temp_dir().join(format!("glue-bench-{}", std::process::id()));
        std::fs::create_dir_all(&directory).expect("a directory");
        let url = format!("sqlite://{}", directory.join("shop.db").display());

        let started = Instant::now();
        let db = Db::connect(&url).await.expect("the database opens");
        db.migrate().await.expect("the tables are created");
        seed(&db).await;
        println!(
            "seeded {CUSTOMERS} customers and about {} addresses in {:.1} s",
            CUSTOMERS * 5 / 2,
            started.elapsed().as_secs_f64()
        );
        let shop = Shop::open(&url)
            .await
            .expect("the shop opens")
            .with_api_key(common::API_KEY);
        let backend = shop.backend();

        println!("\nfiltered, sorted, included page (SQLite, {CUSTOMERS} customers):");
        println!("page size | median | p95 | statements per request | bytes");
        for size in [10, 20, 50, 100] {
            let uri = format!(
                "/customers?filter[status]=active&filter[creditLimit][gte]=5000&sort=-createdAt&include=addresses&page[limit]={size}"
            );
            let (status, _) = get(&backend, &uri).await;
            assert_eq!(status, 200, "{uri}");
            let runs = 200;
            let mut times = Vec::with_capacity(runs);
            let before = shop.db().statements();
            let mut bytes = 0;
            for _ in 0..runs {
                let start = Instant::now();
                let (_, length) = get(&backend, &uri).await;
                times.push(start.elapsed());
                bytes = length;
            }
            let statements = (shop.db().statements() - before) as f64 / runs as f64;
            times.sort();
            println!(
                "{size:>9} | {:>6.2} ms | {:>5.2} ms | {statements:>4.1} | {bytes}",
                percentile(&times, 0.5).as_secs_f64() * 1000.0,
                percentile(&times, 0.95).as_secs_f64() * 1000.0,
            );
        }

        let _ = std::fs::remove_dir_all(directory);
    });
}
