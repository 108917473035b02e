//! The demo shop over real sockets: start, a CRUD round trip through SQLite, what only a socket
//! shows (body limits, concurrency), a database file that survives a restart, and shutdown.

use std::path::PathBuf;
use std::time::Duration;

use example_shop::{Config, RunningShop, start};
use serde_json::{Value, json};

const JSONAPI: &str = "application/vnd.api+json";

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("the shop answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("a body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|error| {
            panic!("not JSON ({error}): {}", String::from_utf8_lossy(&bytes))
        })
    };
    Reply {
        status,
        headers,
        body,
    }
}

/// The API key the shops of these tests register (`SHOP_API_KEY`).
const ADMIN_KEY: &str = "socket-tests-admin-key";

/// A shop on free ports over `url`, with [`ADMIN_KEY`] registered.
fn config(url: &str) -> Config {
    Config {
        api_key: Some(ADMIN_KEY.to_owned()),
        ..Config::ephemeral(url)
    }
}

/// A client that sends the administrator's API key.
fn admin() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-api-key",
        reqwest::header::HeaderValue::from_static(ADMIN_KEY),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("a client")
}

async fn memory_shop() -> RunningShop {
    start(&config("sqlite::memory:"))
        .await
        .expect("the shop starts")
}

/// A database file in a fresh temporary directory.
fn database_file(name: &str) -> (PathBuf, String) {
    let directory = std::env::temp_dir().join(format!(
        "glue-shop-{name}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir_all(&directory).expect("a temporary directory");
    let file = directory.join("shop.db");
    let url = format!("sqlite://{}", file.display());
    (directory, url)
}

#[tokio::test]
async fn a_customer_round_trip_through_sqlite_over_http() {
    let shop = memory_shop().await;
    let backend = format!("http://{}", shop.backend_addr());
    let client = admin();

    let created = send(
        client
            .post(format!("{backend}/customers"))
            .header("content-type", JSONAPI)
            .body(
                json!({"data": {"type": "customers", "attributes": {
                    "email": "socket@example.com", "firstName": "Sock", "lastName": "Et",
                    "password": "long enough", "creditLimit": 10.5
                }}})
                .to_string(),
            ),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let reference = created.body["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(reference, "DE--56");
    let location = created.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{backend}/customers/{reference}"));

    let read = send(client.get(&location)).await;
    assert_eq!(read.status, 200);
    assert_eq!(
        read.body["data"]["attributes"]["email"],
        "socket@example.com"
    );
    assert!(read.body["data"]["attributes"].get("password").is_none());

    let patched = send(
        client
            .patch(&location)
            .header("content-type", JSONAPI)
            .body(
                json!({"data": {"type": "customers", "id": reference,
                    "attributes": {"lastName": "Changed"}}})
                .to_string(),
            ),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["data"]["attributes"]["lastName"], "Changed");
    assert_eq!(patched.body["data"]["attributes"]["firstName"], "Sock");

    let plain = send(client.get(&location).header("accept", "application/json")).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.body["data"]["customerReference"], reference.as_str());
    assert_eq!(plain.body["data"]["lastName"], "Changed");

    let deleted = send(client.delete(&location)).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(deleted.body, Value::Null);
    let gone = send(client.get(&location)).await;
    assert_eq!(gone.status, 404);

    shop.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_with_413_over_the_socket() {
    let shop = memory_shop().await;
    let backend = format!("http://{}", shop.backend_addr());
    let big = format!(
        r#"{{"data":{{"type":"customers","attributes":{{"firstName":"{}"}}}}}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let reply = send(
        admin()
            .post(format!("{backend}/customers"))
            .header("content-type", JSONAPI)
            .body(big),
    )
    .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.body["errors"][0]["status"], "413");
    shop.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn concurrent_requests_are_all_answered() {
    let shop = memory_shop().await;
    let backend = format!("http://{}", shop.backend_addr());
    let client = admin();
    let requests = (1..=40).map(|n| {
        let client = client.clone();
        let url = format!("{backend}/customers/DE--{}", n % 55 + 1);
        tokio::spawn(async move { send(client.get(url)).await })
    });
    for request in requests {
        let reply = request.await.expect("the task finishes");
        assert_eq!(reply.status, 200);
        assert!(
            reply.body["data"]["id"]
                .as_str()
                .unwrap()
                .starts_with("DE--")
        );
    }
    shop.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn both_applications_listen_and_keep_their_resources_apart() {
    let shop = memory_shop().await;
    let storefront = format!("http://{}", shop.storefront_addr());
    let backend = format!("http://{}", shop.backend_addr());
    let products = send(admin().get(format!("{storefront}/products"))).await;
    assert_eq!(products.status, 200);
    assert_eq!(products.body["data"].as_array().unwrap().len(), 12);
    // The customer collection lives on the backend only; the storefront serves a customer
    // their own account.
    let customers = send(admin().get(format!("{storefront}/customers"))).await;
    assert_eq!(customers.status, 404);
    let customers = send(admin().get(format!("{backend}/customers"))).await;
    assert_eq!(customers.status, 200);
    shop.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn a_database_file_is_created_seeded_once_and_kept_across_restarts() {
    let (directory, url) = database_file("restart");
    let shop = start(&config(&url))
        .await
        .expect("the shop creates its database file");
    let backend = format!("http://{}", shop.backend_addr());
    let created = send(
        admin()
            .post(format!("{backend}/products"))
            .header("content-type", JSONAPI)
            .body(
                json!({"data": {"type": "products", "id": "SKU-PERSIST",
                    "attributes": {"name": "Kept", "price": 100}}})
                .to_string(),
            ),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    shop.shutdown().await.expect("a clean shutdown");
    assert!(directory.join("shop.db").exists());

    let shop = start(&config(&url))
        .await
        .expect("the shop reopens its database file");
    let backend = format!("http://{}", shop.backend_addr());
    let kept = send(admin().get(format!("{backend}/products/SKU-PERSIST"))).await;
    assert_eq!(kept.status, 200);
    let total = send(admin().get(format!("{backend}/customers"))).await;
    assert_eq!(total.body["meta"]["records_total"], 55, "seeded only once");
    shop.shutdown().await.expect("a clean shutdown");
    let _ = std::fs::remove_dir_all(directory);
}

#[tokio::test]
async fn after_shutdown_the_ports_are_closed() {
    let shop = memory_shop().await;
    let backend = shop.backend_addr();
    shop.shutdown().await.expect("a clean shutdown");
    let refused = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::TcpStream::connect(backend),
    )
    .await
    .expect("connect does not hang");
    assert!(refused.is_err(), "the backend still accepts connections");
}
