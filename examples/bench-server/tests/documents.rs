//! The bench server answers the documents of `../shared/perf` (whose `same.py` compares them
//! with the hand-written servers): checked here against the README's formula, written out.

use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const BASE: &str = "http://127.0.0.1:8080";

async fn get(path: &str) -> (StatusCode, Value) {
    let app = example_bench_server::app(BASE);
    let response = app
        .oneshot(
            Request::get(path)
                .header("host", "127.0.0.1:8080")
                .body(axum::body::Body::empty())
                .expect("a request"),
        )
        .await
        .unwrap_or_else(|never| match never {});
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    (status, serde_json::from_slice(&body).expect("JSON"))
}

/// Customer 7 by the formula: i = 6.
fn seventh(path: &str) -> Value {
    json!({
        "type": "customers",
        "id": "DE--7",
        "attributes": {
            "email": "customer7@example.com", "firstName": "Greta", "lastName": "Wagner",
            "status": "active", "dateOfBirth": "1966-07-07", "isActive": true,
            "creditLimit": 1223.5, "createdAt": "2024-01-02T09:10:05+00:00"
        },
        "links": {"self": format!("{BASE}{path}/customers/DE--7")}
    })
}

#[tokio::test]
async fn an_item_is_the_formula_s_customer() {
    let (status, document) = get("/customers/DE--7").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        document,
        json!({"jsonapi": {"version": "1.1"}, "data": seventh(""),
               "links": {"self": format!("{BASE}/customers/DE--7")}})
    );
    let (status, _) = get("/customers/DE--99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_collection_is_the_first_page_of_twenty() {
    let (status, document) = get("/customers").await;
    assert_eq!(status, StatusCode::OK);
    let data = document["data"].as_array().expect("a list");
    let ids: Vec<&str> = data.iter().filter_map(|item| item["id"].as_str()).collect();
    let expected: Vec<String> = (1..=20).map(|n| format!("DE--{n}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(data[6], seventh(""));
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 3, "records": 20, "records_per_page": 20, "records_total": 55})
    );
    let link =
        |offset: u32| format!("{BASE}/customers?page%5Boffset%5D={offset}&page%5Blimit%5D=20");
    assert_eq!(
        document["links"],
        json!({"self": format!("{BASE}/customers"), "first": link(0), "next": link(20), "last": link(40)})
    );
}

#[tokio::test]
async fn the_linked_customers_carry_their_addresses_link() {
    let (status, document) = get("/linked/customers/DE--7").await;
    assert_eq!(status, StatusCode::OK);
    // One type, two routes: the resource's own link is its canonical one.
    let mut expected = seventh("");
    expected["relationships"] = json!({"addresses": {"links": {
        "related": format!("{BASE}/linked/customers/DE--7/addresses")
    }}});
    assert_eq!(document["data"], expected);
    let (status, document) = get("/linked/customers").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["data"].as_array().map(Vec::len), Some(20));
    assert_eq!(
        document["data"][19]["relationships"]["addresses"]["links"]["related"],
        format!("{BASE}/linked/customers/DE--20/addresses")
    );
}
