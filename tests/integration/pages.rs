//! The `Range` header and cursor forms of pagination (SPEC §5.2) on the shop's customers.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{call, get, jsonapi_document, jsonapi_errors, shop};

fn ids(document: &Value) -> Vec<String> {
    document["data"]
        .as_array()
        .expect("data is an array")
        .iter()
        .map(|item| item["id"].as_str().expect("a string id").to_owned())
        .collect()
}

fn customers(numbers: impl IntoIterator<Item = u32>) -> Vec<String> {
    numbers.into_iter().map(|n| format!("DE--{n}")).collect()
}

fn relative(link: &Value) -> String {
    link.as_str()
        .expect("a link")
        .trim_start_matches("http://shop.test")
        .to_owned()
}

#[tokio::test]
async fn a_range_is_answered_with_206_and_content_range() {
    let router = shop().await.backend();
    let answer = get("/customers")
        .header("range", "customers=0-9")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::PARTIAL_CONTENT);
    assert_eq!(ids(&document), customers(1..=10));
    assert_eq!(answer.header("content-range"), Some("customers 0-9/55"));
    assert_eq!(answer.header("accept-ranges"), Some("customers"));

    // Any start, not only page boundaries; the last page ends at the last item.
    let answer = get("/customers")
        .header("range", "customers=7-11")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::PARTIAL_CONTENT);
    assert_eq!(ids(&document), customers(8..=12));
    assert_eq!(answer.header("content-range"), Some("customers 7-11/55"));
    let answer = get("/customers")
        .header("range", "customers=50-99")
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::PARTIAL_CONTENT);
    assert_eq!(answer.header("content-range"), Some("customers 50-54/55"));
}

#[tokio::test]
async fn a_range_covering_the_whole_collection_is_200() {
    let router = shop().await.backend();
    for range in ["customers=0-54", "customers=0-99"] {
        let answer = get("/customers").header("range", range).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(ids(&document).len(), 55, "{range}");
        assert_eq!(answer.header("content-range"), None, "{range}");
    }
}

#[tokio::test]
async fn a_range_past_the_end_is_416() {
    let router = shop().await.backend();
    for range in ["customers=55-60", "customers=100-109"] {
        let answer = get("/customers").header("range", range).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(errors[0]["status"], "416");
        assert_eq!(
            answer.header("content-range"),
            Some("customers */55"),
            "{range}"
        );
    }
}

#[tokio::test]
async fn malformed_or_foreign_ranges_are_ignored() {
    let router = shop().await.backend();
    for range in [
        "customers=a-9",
        "customers=9-3",
        "customers=-5",
        "customers 0-9",
        "bytes=0-9",
        "products=0-9",
        "customers=0-9,20-29",
    ] {
        let answer = get("/customers").header("range", range).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(ids(&document), customers(1..=10), "{range}");
        assert_eq!(answer.header("content-range"), None, "{range}");
    }
}

#[tokio::test]
async fn range_answers_link_in_the_configured_form_and_honour_filters() {
    let router = shop().await.backend();
    let answer = get("/customers?filter[creditLimit][gt]=10000&sort=-creditLimit")
        .header("range", "customers=2-4")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::PARTIAL_CONTENT);
    // Customers 41 to 55 have a credit limit over 10000: 15 of them, the largest first.
    assert_eq!(ids(&document), customers([53, 52, 51]));
    assert_eq!(answer.header("content-range"), Some("customers 2-4/15"));
    let next = relative(&document["links"]["next"]);
    assert!(next.contains("page%5Boffset%5D=5"), "{next}");
}

#[tokio::test]
async fn cursor_pages_walk_forward_and_back() {
    let router = shop().await.backend();
    let first = get("/customers?page[size]=20").send(&router).await;
    let document = jsonapi_document(&first, StatusCode::OK);
    assert_eq!(ids(&document), customers(1..=20));
    assert!(document["links"].get("prev").is_none());
    assert!(document["links"].get("last").is_none(), "no total, no last");
    assert_eq!(
        document["meta"],
        json!({"records": 20, "records_per_page": 20})
    );

    let second = get(&relative(&document["links"]["next"]))
        .send(&router)
        .await;
    let second = jsonapi_document(&second, StatusCode::OK);
    assert_eq!(ids(&second), customers(21..=40));
    let third = get(&relative(&second["links"]["next"])).send(&router).await;
    let third = jsonapi_document(&third, StatusCode::OK);
    assert_eq!(ids(&third), customers(41..=55));
    assert!(third["links"].get("next").is_none(), "the last page");

    let back = get(&relative(&third["links"]["prev"])).send(&router).await;
    let back = jsonapi_document(&back, StatusCode::OK);
    assert_eq!(ids(&back), customers(21..=40));
    let start = get(&relative(&back["links"]["prev"])).send(&router).await;
    let start = jsonapi_document(&start, StatusCode::OK);
    assert_eq!(ids(&start), customers(1..=20));
    assert!(start["links"].get("prev").is_none(), "back at the start");
}

#[tokio::test]
async fn cursor_pages_are_stable_under_inserts() {
    let router = shop().await.backend();
    let first = get("/customers?page[size]=10&sort=-creditLimit")
        .send(&router)
        .await;
    let first = jsonapi_document(&first, StatusCode::OK);
    assert_eq!(ids(&first), customers((46..=55).rev()));
    // A customer with the largest credit limit arrives before the client reads on.
    let created = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "customers", "attributes": {
            "email": "late@example.com", "firstName": "Late", "lastName": "Comer",
            "creditLimit": 99999
        }}}))
        .send(&router)
        .await;
    jsonapi_document(&created, StatusCode::CREATED);
    let second = get(&relative(&first["links"]["next"])).send(&router).await;
    let second = jsonapi_document(&second, StatusCode::OK);
    assert_eq!(
        ids(&second),
        customers((36..=45).rev()),
        "no item repeats or goes missing"
    );
}

#[tokio::test]
async fn cursor_mistakes_are_400_naming_the_parameter() {
    let router = shop().await.backend();
    let first = get("/customers?page[size]=5&sort=email")
        .send(&router)
        .await;
    let first = jsonapi_document(&first, StatusCode::OK);
    let next = relative(&first["links"]["next"]);
    let token = next
        .split("page%5Bafter%5D=")
        .nth(1)
        .expect("a cursor")
        .to_owned();
    let cases = [
        (
            format!("/customers?page[after]={token}&sort=-email"),
            "page[after]",
        ),
        (
            "/customers?page[after]=not-a-cursor".to_owned(),
            "page[after]",
        ),
        ("/customers?page[before]=e30".to_owned(), "page[before]"),
        (
            format!("/customers?page[after]={token}&page[before]={token}&sort=email"),
            "page[before]",
        ),
        ("/customers?page[size]=0".to_owned(), "page[size]"),
        ("/customers?page[size]=x".to_owned(), "page[size]"),
    ];
    for (uri, parameter) in cases {
        let answer = get(&uri).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["source"]["parameter"], parameter, "{uri}");
    }
}

#[tokio::test]
async fn cursor_links_keep_the_other_parameters() {
    let router = shop().await.backend();
    let answer = get("/customers?page[size]=2&filter[status]=pending&fields[customers]=email")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let next = relative(&document["links"]["next"]);
    assert!(next.contains("filter%5Bstatus%5D=pending"), "{next}");
    assert!(next.contains("fields%5Bcustomers%5D=email"), "{next}");
    assert!(next.contains("page%5Bsize%5D=2"), "{next}");
    let page = get(&next).send(&router).await;
    let page = jsonapi_document(&page, StatusCode::OK);
    for customer in page["data"].as_array().unwrap() {
        let names: Vec<&String> = customer["attributes"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["email"]);
    }
}

#[tokio::test]
async fn pagination_false_streams_the_filtered_sorted_collection() {
    use tower::ServiceExt;
    let router = shop().await.backend();
    let request = call(
        Method::GET,
        "/customers?pagination=false&filter[status]=pending&sort=-creditLimit&fields[customers]=creditLimit",
    )
    .build();
    let response = router.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.body().is_stream(),
        "the shop streams a collection without pagination"
    );
    let answer = get("/customers?pagination=false&filter[status]=pending&sort=-creditLimit&fields[customers]=creditLimit")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    // Customer n is pending when n % 3 == 2: 18 of the 55, largest credit limit first.
    let expected: Vec<String> = customers((1..=55).rev().filter(|n| n % 3 == 2));
    assert_eq!(ids(&document), expected);
    assert_eq!(document["meta"], json!({"records": 18}));
    assert_eq!(
        document["links"]["self"],
        "http://shop.test/customers?pagination=false&filter%5Bstatus%5D=pending&sort=-creditLimit&fields%5Bcustomers%5D=creditLimit"
    );
    for customer in document["data"].as_array().unwrap() {
        let names: Vec<&String> = customer["attributes"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["creditLimit"]);
    }
}

#[tokio::test]
async fn pagination_false_with_includes_is_written_whole() {
    use tower::ServiceExt;
    let router = shop().await.backend();
    let request = call(Method::GET, "/customers?pagination=false&include=addresses").build();
    let response = router.clone().oneshot(request).await.expect("infallible");
    assert!(
        !response.body().is_stream(),
        "includes need every item first"
    );
    let answer = get("/customers?pagination=false&include=addresses")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document).len(), 55);
    let addresses: u32 = (1..=55).map(|n| n % 4).sum();
    assert_eq!(
        document["included"].as_array().unwrap().len(),
        addresses as usize
    );
}
