//! `pagination=false` over 100,000 customers (SPEC §5.3): the answer is written as rows
//! arrive, so the memory a request holds stays flat as the collection grows.
//!
//! Run with `cargo bench -p example-shop --bench streaming`. The heap is measured with dhat's
//! allocator: the peak of the bytes allocated during one request, for 10,000, 50,000 and
//! 100,000 customers, next to the size of the answer.

mod common;

use common::seed;
use example_shop::Shop;
use example_shop::db::Db;
use http_body_util::BodyExt;
use tower::ServiceExt;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// Reads every chunk of a streamed answer without keeping it; returns the bytes seen.
async fn drain(router: &glue_core::Router, uri: &str) -> usize {
    let request = glue_core::http::Request::get(uri)
        .header("host", "bench.test")
        .header("x-api-key", common::API_KEY)
        .body(String::new())
        .expect("a request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.body().is_stream(), "pagination=false is streamed");
    let mut body = response.into_body();
    let mut seen = 0;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.expect("a frame").into_data() {
            seen += data.len();
        }
    }
    seen
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let directory =
            std::env::temp_dir().join(format!("glue-bench-stream-{}", std::process::id()));
        std::fs::create_dir_all(&directory).expect("a directory");
        let url = format!("sqlite://{}", directory.join("shop.db").display());
        let db = Db::connect(&url).await.expect("the database opens");
        db.migrate().await.expect("the tables are created");
        seed(&db).await;
        let shop = Shop::open(&url)
            .await
            .expect("the shop opens")
            .with_api_key(common::API_KEY);
        let backend = shop.backend();

        println!("pagination=false, streamed (heap measured by dhat):");
        println!("customers | answer size | peak heap during the request");
        for count in [10_000, 50_000, 100_000] {
            let uri = format!(
                "/customers?pagination=false&filter[idCustomer][lte]={count}&sort=idCustomer"
            );
            // Warm up the connection and statement caches outside the measurement.
            drain(&backend, &uri).await;
            let profiler = dhat::Profiler::builder().testing().build();
            let baseline = dhat::HeapStats::get().curr_bytes;
            let bytes = drain(&backend, &uri).await;
            let peak = dhat::HeapStats::get().max_bytes.saturating_sub(baseline);
            drop(profiler);
            println!(
                "{count:>9} | {:>8.1} MB | {:>8.1} KiB",
                bytes as f64 / 1_000_000.0,
                peak as f64 / 1024.0
            );
        }
        let _ = std::fs::remove_dir_all(directory);
    });
}
