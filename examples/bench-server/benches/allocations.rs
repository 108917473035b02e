//! Heap allocations per request of the benchmark's four cases, counted by dhat's global
//! allocator (a measurement, run with `cargo bench -p example-bench-server --bench
//! allocations`): GET of the 20-item collection and of one item, without and with the
//! `addresses` relationship.
//! The requests go through the axum router of the bench server as a tower service (no
//! socket), so the figures are the framework's and the handler's, not hyper's.

use axum::http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const REQUESTS: u64 = 2_000;

async fn get(app: &axum::Router, path: &str) -> usize {
    let request = Request::get(path)
        .header("host", "127.0.0.1:8080")
        .header("accept", "application/vnd.api+json")
        .body(axum::body::Body::empty())
        .expect("a request");
    let response = app
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response
        .into_body()
        .collect()
        .await
        .expect("the body")
        .to_bytes()
        .len()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let app = example_bench_server::app("http://127.0.0.1:8080");
    let _profiler = dhat::Profiler::builder().testing().build();
    println!("case\tallocations/request\tbytes allocated/request\tbody bytes");
    for (case, path) in [
        ("collection", "/customers"),
        ("item", "/customers/DE--7"),
        ("collection, linked", "/linked/customers"),
        ("item, linked", "/linked/customers/DE--7"),
    ] {
        runtime.block_on(async {
            for _ in 0..50 {
                get(&app, path).await;
            }
            let before = dhat::HeapStats::get();
            let mut body = 0;
            for _ in 0..REQUESTS {
                body = get(&app, path).await;
            }
            let after = dhat::HeapStats::get();
            let calls = after.total_blocks - before.total_blocks;
            let bytes = after.total_bytes - before.total_bytes;
            println!(
                "{case}\t{:.1}\t{}\t{body}",
                calls as f64 / REQUESTS as f64,
                bytes / REQUESTS
            );
        });
    }
}
