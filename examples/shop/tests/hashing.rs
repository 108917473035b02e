//! Writes that hash a password share the login's bounded hashing pool (SPEC §13.2): with every
//! slot taken, a new customer with a password waits briefly, then is answered 503 with
//! `Retry-After` and nothing is written. A process of its own, since the pool is the
//! process's.

use glue_core::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const API_KEY: &str = "hashing-test-admin-key";

async fn send(router: &glue_core::Router, request: Request<String>) -> (StatusCode, Value, bool) {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    let status = response.status();
    let retry_after = response.headers().contains_key("retry-after");
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the body is read")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&body).expect("a JSON body"),
        retry_after,
    )
}

fn create(email: &str) -> Request<String> {
    Request::post("/customers")
        .header("host", "shop.test")
        .header("x-api-key", API_KEY)
        .header("content-type", "application/vnd.api+json")
        .body(
            json!({"data": {"type": "customers", "attributes": {
                "email": email, "firstName": "Ada", "lastName": "Lovelace",
                "password": "long enough password"
            }}})
            .to_string(),
        )
        .expect("a request")
}

async fn total(router: &glue_core::Router) -> Value {
    let request = Request::get("/customers?page[limit]=1")
        .header("host", "shop.test")
        .header("x-api-key", API_KEY)
        .body(String::new())
        .expect("a request");
    send(router, request).await.1["meta"]["records_total"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_password_waits_for_a_hashing_slot_then_is_refused_with_503() {
    let shop = example_shop::Shop::open("sqlite::memory:")
        .await
        .expect("the shop opens")
        .with_api_key(API_KEY);
    let backend = shop.backend();
    let before = total(&backend).await;

    // Every slot of the process's pool, taken.
    let pool = glue_auth::HashingPool::shared();
    let mut taken = Vec::new();
    while let Some(slot) = pool.slot().await {
        taken.push(slot);
    }
    assert!(!taken.is_empty());

    let (status, document, retry_after) = send(&backend, create("busy@example.com")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{document}");
    assert!(retry_after, "{document}");
    assert_eq!(document["errors"][0]["status"], "503", "{document}");
    assert_eq!(
        total(&backend).await,
        before,
        "the refused write changed nothing"
    );

    drop(taken);
    let (status, document, _) = send(&backend, create("busy@example.com")).await;
    assert_eq!(status, StatusCode::CREATED, "{document}");
}
