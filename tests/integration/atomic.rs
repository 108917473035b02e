//! Atomic operations on the shop's backend (SPEC §12.3): `POST /operations` with the JSON:API
//! Atomic Operations extension, all or nothing, `lid`s, every check of the single route per
//! operation and pointers into the operation that failed; on SQLite and on PostgreSQL.

use glue_core::{Principal, PrincipalKind};
use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Answer, TestShop, call, get, jsonapi_document, jsonapi_errors, shop};

const ATOMIC: &str = "application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"";

async fn operations(router: &glue_core::Router, operations: &Value) -> Answer {
    call(Method::POST, "/operations")
        .raw(
            ATOMIC,
            &json!({"atomic:operations": operations}).to_string(),
        )
        .header("accept", ATOMIC)
        .send(router)
        .await
}

macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$scenario(crate::common::sqlite_shop().await).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(shop) = crate::postgres::postgres_shop().await {
                    super::$scenario(shop).await;
                }
            }
        }
    };
}

fn new_customer(lid: &str, email: &str) -> Value {
    json!({"op": "add", "data": {"type": "customers", "lid": lid, "attributes": {
        "email": email, "firstName": "Ada", "lastName": "Lovelace", "password": "secret-123"
    }}})
}

async fn total(router: &glue_core::Router, path: &str) -> u64 {
    let answer = get(path).send(router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    document["meta"]["records_total"]
        .as_u64()
        .unwrap_or_else(|| panic!("a total in {document}"))
}

on_both!(together, every_operation_lands_together);
async fn every_operation_lands_together(shop: TestShop) {
    let backend = shop.backend();
    let answer = operations(
        &backend,
        &json!([
            new_customer("ada", "ada@example.com"),
            {"op": "add", "data": {"type": "customers-addresses", "attributes": {
                "address1": "1 Analytical Way", "zipCode": "10115", "city": "Berlin", "country": "DE"
            }, "relationships": {"customer": {"data": {"type": "customers", "lid": "ada"}}}}},
            {"op": "update", "ref": {"type": "customers", "lid": "ada"},
             "data": {"type": "customers", "lid": "ada", "attributes": {"status": "pending"}}},
            {"op": "update", "data": {"type": "products", "id": "SKU-0001", "attributes": {"stock": 7}}},
            {"op": "remove", "ref": {"type": "products", "id": "SKU-0002"}},
        ]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some(ATOMIC));
    let document = answer.json();
    let results = document["atomic:results"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    let reference = results[0]["data"]["id"].as_str().expect("a customer id");
    assert_eq!(reference, "DE--56");
    assert_eq!(results[1]["data"]["type"], "customers-addresses");
    assert_eq!(
        results[1]["data"]["attributes"]["customerReference"],
        reference
    );
    assert_eq!(results[2]["data"]["attributes"]["status"], "pending");
    assert_eq!(results[3]["data"]["attributes"]["stock"], 7);
    assert_eq!(results[4], json!({}));

    let customer = get("/customers/DE--56").send(&backend).await;
    let customer = jsonapi_document(&customer, StatusCode::OK);
    assert_eq!(customer["data"]["attributes"]["status"], "pending");
    let addresses = get("/customers/DE--56/addresses").send(&backend).await;
    let addresses = jsonapi_document(&addresses, StatusCode::OK);
    assert_eq!(addresses["data"].as_array().map(Vec::len), Some(1));
    let gone = get("/products/SKU-0002").send(&backend).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

on_both!(rollback, a_failing_operation_changes_nothing);
async fn a_failing_operation_changes_nothing(shop: TestShop) {
    let backend = shop.backend();
    let customers = total(&backend, "/customers").await;
    let answer = operations(
        &backend,
        &json!([
            new_customer("a", "first@example.com"),
            {"op": "update", "data": {"type": "products", "id": "SKU-0001", "attributes": {"stock": 9}}},
            new_customer("b", "customer1@example.com"),
        ]),
    )
    .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors[0]["source"]["pointer"],
        "/atomic:operations/2/data/attributes/email"
    );
    assert_eq!(errors[0]["detail"], "is already in use");
    assert_eq!(total(&backend, "/customers").await, customers);
    let product = get("/products/SKU-0001").send(&backend).await;
    let product = jsonapi_document(&product, StatusCode::OK);
    assert_ne!(
        product["data"]["attributes"]["stock"], 9,
        "the update was undone"
    );

    // A missing item, a bad value: each points into its operation.
    let answer = operations(
        &backend,
        &json!([
            {"op": "update", "data": {"type": "products", "id": "SKU-0001", "attributes": {"stock": 9}}},
            {"op": "remove", "ref": {"type": "products", "id": "SKU-9999"}},
        ]),
    )
    .await;
    let errors = jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    assert_eq!(errors[0]["source"]["pointer"], "/atomic:operations/1");
    let answer = operations(
        &backend,
        &json!([{"op": "update", "data": {"type": "products", "id": "SKU-0001", "attributes": {"stock": -1}}}]),
    )
    .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors[0]["source"]["pointer"],
        "/atomic:operations/0/data/attributes/stock"
    );
    let product = get("/products/SKU-0001").send(&backend).await;
    let product = jsonapi_document(&product, StatusCode::OK);
    assert_ne!(product["data"]["attributes"]["stock"], 9);
}

#[tokio::test]
async fn malformed_requests_are_refused_before_anything_runs() {
    let shop = shop().await;
    let backend = shop.backend();
    let plain = call(Method::POST, "/operations")
        .raw(
            "application/vnd.api+json",
            &json!({"atomic:operations": [new_customer("x", "x@example.com")]}).to_string(),
        )
        .send(&backend)
        .await;
    jsonapi_errors(&plain, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let unacceptable = call(Method::POST, "/operations")
        .raw(
            ATOMIC,
            &json!({"atomic:operations": [new_customer("x", "x@example.com")]}).to_string(),
        )
        .header("accept", "application/json")
        .send(&backend)
        .await;
    assert_eq!(unacceptable.status, StatusCode::NOT_ACCEPTABLE);
    let get_answer = get("/operations").send(&backend).await;
    assert_eq!(get_answer.status, StatusCode::METHOD_NOT_ALLOWED);

    let cases = [
        (json!({"operations": []}), "/operations"),
        (json!({"atomic:operations": []}), "/atomic:operations"),
        (
            json!({"atomic:operations": [{"op": "upsert"}]}),
            "/atomic:operations/0/op",
        ),
        (
            json!({"atomic:operations": [{"op": "add", "data": {"attributes": {}}}]}),
            "/atomic:operations/0/data/type",
        ),
        (
            json!({"atomic:operations": [{"op": "add", "data": {"type": "stores", "attributes": {}}}]}),
            "/atomic:operations/0/data/type",
        ),
        (
            json!({"atomic:operations": [
                new_customer("x", "x@example.com"),
                {"op": "add", "data": {"type": "api-keys", "attributes": {"name": "k"}}},
            ]}),
            "/atomic:operations/1",
        ),
        (
            json!({"atomic:operations": [{"op": "remove", "ref": {"type": "customers", "lid": "nobody"}}]}),
            "/atomic:operations/0",
        ),
    ];
    for (document, pointer) in cases {
        let answer = call(Method::POST, "/operations")
            .raw(ATOMIC, &document.to_string())
            .send(&backend)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["source"]["pointer"], pointer, "{document}");
    }
    let broken = call(Method::POST, "/operations")
        .raw(ATOMIC, "{\"atomic:operations\": [")
        .send(&backend)
        .await;
    jsonapi_errors(&broken, StatusCode::BAD_REQUEST);
    assert!(
        get("/customers/DE--56").send(&backend).await.status == StatusCode::NOT_FOUND,
        "nothing ran"
    );
}

#[tokio::test]
async fn each_operation_is_authorized_as_its_route() {
    let shop = shop().await;
    let backend = shop.secured_backend();
    let viewer =
        Principal::new("2", "viewer@example.com", PrincipalKind::User).with_role("ROLE_VIEWER");
    let token = shop
        .access_tokens()
        .issue(&viewer, "backend")
        .expect("a token")
        .token;
    let answer = call(Method::POST, "/operations")
        .raw(
            ATOMIC,
            &json!({"atomic:operations": [
                {"op": "update", "data": {"type": "products", "id": "SKU-0001", "attributes": {"stock": 1}}}
            ]})
            .to_string(),
        )
        .header("authorization", &format!("Bearer {token}"))
        .send(&backend)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::FORBIDDEN);
    assert_eq!(errors[0]["source"]["pointer"], "/atomic:operations/0");
    let anonymous = call(Method::POST, "/operations")
        .raw(
            ATOMIC,
            &json!({"atomic:operations": [{"op": "remove", "ref": {"type": "products", "id": "SKU-0001"}}]})
                .to_string(),
        )
        .send(&backend)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let still = get("/products/SKU-0001")
        .header("authorization", &format!("Bearer {token}"))
        .send(&backend)
        .await;
    assert_eq!(still.status, StatusCode::OK);
}

#[tokio::test]
async fn operations_cannot_reach_beyond_their_resource() {
    let shop = shop().await;
    let backend = shop.backend();
    // `href` must be a route of the operation's own resource and kind.
    for href in ["/token", "/api-keys/1", "/customers/DE--1", "/products?x=1"] {
        let answer = operations(
            &backend,
            &json!([
                {"op": "update", "data": {"type": "products", "id": "SKU-0003", "attributes": {"stock": 77}}},
                {"op": "remove", "ref": {"type": "products", "id": "SKU-0001"}, "href": href},
            ]),
        )
        .await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(
            errors[0]["source"]["pointer"], "/atomic:operations/1/href",
            "{href}"
        );
    }
    let untouched = get("/products/SKU-0003").send(&backend).await;
    let untouched = jsonapi_document(&untouched, StatusCode::OK);
    assert_ne!(untouched["data"]["attributes"]["stock"], 77);
    let href = operations(
        &backend,
        &json!([{"op": "remove", "ref": {"type": "products", "id": "SKU-0001"}, "href": "/products/SKU-0001"}]),
    )
    .await;
    assert_eq!(href.status, StatusCode::NO_CONTENT, "{}", href.text());

    // The outer request's preconditions are not the operations'.
    let answer = call(Method::POST, "/operations")
        .raw(
            ATOMIC,
            &json!({"atomic:operations": [
                {"op": "update", "data": {"type": "products", "id": "SKU-0004", "attributes": {"stock": 1}}},
                {"op": "update", "data": {"type": "products", "id": "SKU-0004", "attributes": {"stock": 2}}},
            ]})
            .to_string(),
        )
        .header("if-match", "\"1\"")
        .send(&backend)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

#[tokio::test]
async fn the_request_is_authenticated_once_for_every_operation() {
    let shop = shop()
        .await
        .map(|shop| shop.with_api_key("atomic-admin-key"));
    let backend = shop.secured_backend();
    let body = json!({"atomic:operations": [
        {"op": "update", "data": {"type": "products", "id": "SKU-0005", "attributes": {"stock": 3}}},
        {"op": "update", "data": {"type": "products", "id": "SKU-0006", "attributes": {"stock": 4}}},
    ]})
    .to_string();
    let by_header = call(Method::POST, "/operations")
        .raw(ATOMIC, &body)
        .header("x-api-key", "atomic-admin-key")
        .send(&backend)
        .await;
    assert_eq!(by_header.status, StatusCode::OK, "{}", by_header.text());
    let by_query = call(Method::POST, "/operations?api_key=atomic-admin-key")
        .raw(ATOMIC, &body)
        .send(&backend)
        .await;
    assert_eq!(by_query.status, StatusCode::OK, "{}", by_query.text());
    let bad_key = call(Method::POST, "/operations")
        .raw(ATOMIC, &body)
        .header("x-api-key", "not-a-key")
        .send(&backend)
        .await;
    assert_eq!(bad_key.status, StatusCode::UNAUTHORIZED);
}
