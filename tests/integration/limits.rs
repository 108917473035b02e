//! SPEC §13.1 against the shop: each hostile input gets a small 4xx error document, and the
//! application keeps answering. (No timings are asserted: each request here would take
//! seconds of CPU, or megabytes of answer, if a bound were missing.)

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{call, get, jsonapi_errors, shop};

/// The shop still answers a plain request.
async fn still_serving(router: &glue_core::Router) {
    let answer = get("/customers?page[limit]=1").send(router).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

#[tokio::test]
async fn a_flood_of_members_is_refused_unread() {
    let shop = shop().await;
    let storefront = shop.storefront();
    let mut attributes = serde_json::Map::new();
    for index in 0..60_000 {
        attributes.insert(format!("m{index}"), json!(index));
    }
    let body = json!({"data": {"type": "access-tokens", "attributes": attributes}});
    assert!(body.to_string().len() < 1024 * 1024, "under the body limit");
    let answer = call(Method::POST, "/access-tokens")
        .jsonapi(&body)
        .send(&storefront)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["source"]["pointer"], "/data/attributes");
    assert!(
        answer.body.len() < 2048,
        "a small answer: {}",
        answer.text()
    );

    // Duplicates are still refused, and a normal login still works.
    let twice = r#"{"data":{"type":"access-tokens","attributes":{"username":"a","username":"b"}}}"#;
    let answer = call(Method::POST, "/access-tokens")
        .raw("application/vnd.api+json", twice)
        .send(&storefront)
        .await;
    jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    still_serving(&shop.backend()).await;
}

#[tokio::test]
async fn documents_nested_deeper_than_64_levels_are_refused() {
    let shop = shop().await;
    let backend = shop.backend();
    let nested = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    // The document, `data` and `attributes` are three levels; the value fills the rest.
    let body = |depth: usize| {
        format!(
            r#"{{"data":{{"type":"customers","attributes":{{"firstName":{}}}}}}}"#,
            nested(depth)
        )
    };
    let answer = call(Method::POST, "/customers")
        .raw("application/vnd.api+json", &body(61))
        .send(&backend)
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "64 levels are read: {}",
        answer.text()
    );
    for depth in [62, 5_000] {
        let answer = call(Method::POST, "/customers")
            .raw("application/vnd.api+json", &body(depth))
            .send(&backend)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["code"], "too_deep", "{depth}");
    }
    let atomic = format!(r#"{{"atomic:operations":{}}}"#, nested(100));
    let answer = call(Method::POST, "/operations")
        .raw(
            r#"application/vnd.api+json; ext="https://jsonapi.org/ext/atomic""#,
            &atomic,
        )
        .header(
            "accept",
            r#"application/vnd.api+json; ext="https://jsonapi.org/ext/atomic""#,
        )
        .send(&backend)
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text());
    let exchange = call(Method::POST, "/dynamic-entity/tax-rates")
        .plain(&serde_json::from_str::<Value>(&format!(r#"{{"data":{}}}"#, nested(40))).unwrap())
        .send(&backend)
        .await;
    assert_eq!(exchange.status, StatusCode::BAD_REQUEST);
    let exchange = call(Method::POST, "/dynamic-entity/tax-rates")
        .raw(
            "application/json",
            &format!(r#"{{"data":{}}}"#, nested(200)),
        )
        .header("accept", "application/json")
        .send(&backend)
        .await;
    assert_eq!(exchange.status, StatusCode::BAD_REQUEST);
    assert!(
        exchange.text().contains("deeper than 64"),
        "{}",
        exchange.text()
    );
    still_serving(&backend).await;
}

#[tokio::test]
async fn includes_sorts_and_uris_are_bounded() {
    let shop = shop().await;
    let backend = shop.backend();
    // 400 levels would be thousands of statements; more than 3 is refused before any.
    let chain = vec!["addresses.customer"; 200].join(".");
    for uri in [
        format!("/customers?include={chain}"),
        "/customers?include=addresses.customer.addresses.customer".to_owned(),
        format!("/customers?include={}", vec!["addresses"; 21].join(",")),
    ] {
        let answer = get(&uri).send(&backend).await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["source"]["parameter"], "include", "{uri}");
    }
    let answer = get("/customers?include=addresses.customer.addresses&page[limit]=2")
        .send(&backend)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "3 levels: {}", answer.text());

    let sort = ["email"; 11].join(",");
    let answer = get(&format!("/customers?sort={sort}")).send(&backend).await;
    let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    assert_eq!(errors[0]["source"]["parameter"], "sort");
    let answer = get(&format!("/customers?sort={}", ["email"; 10].join(",")))
        .send(&backend)
        .await;
    assert_eq!(answer.status, StatusCode::OK);

    let long = format!("/customers?filter[email]={}", "a".repeat(9 * 1024));
    let answer = get(&long).send(&backend).await;
    jsonapi_errors(&answer, StatusCode::URI_TOO_LONG);
    still_serving(&backend).await;
}

#[tokio::test]
async fn error_lists_are_capped_with_meta_truncated() {
    let shop = shop().await;
    let backend = shop.backend();
    // 300 rows, each refused: the answer lists 100, and says how many there were.
    let rows: Vec<Value> = (0..300).map(|_| json!({"name": 1})).collect();
    let answer = call(Method::POST, "/dynamic-entity/tax-rates")
        .raw(
            "application/vnd.api+json",
            &json!({"data": rows}).to_string(),
        )
        .send(&backend)
        .await;
    let document = answer.json();
    assert_eq!(document["errors"].as_array().map(Vec::len), Some(100));
    assert_eq!(document["meta"]["truncated"], true);
    assert!(document["meta"]["total"].as_u64().unwrap() >= 300);

    // The framework's own errors: merged lists keep the first 100.
    let many = (0..250).fold(None, |merged: Option<glue_core::GlueError>, index| {
        let error = glue_core::GlueError::validation([glue_core::FieldError::new(
            format!("field{index}"),
            "is wrong",
        )]);
        Some(match merged {
            Some(merged) => merged.merge(error),
            None => error,
        })
    });
    let many = many.unwrap();
    assert_eq!(many.errors().len(), glue_core::MAX_ERRORS);
    assert_eq!(many.omitted(), 150);
}

#[tokio::test]
async fn every_answer_says_nosniff() {
    let shop = shop().await;
    let backend = shop.backend();
    for answer in [
        get("/customers?page[limit]=1").send(&backend).await,
        get("/customers/DE--999").send(&backend).await,
        get("/no-such-route").send(&backend).await,
        call(Method::OPTIONS, "/customers").send(&backend).await,
        get("/openapi.json").send(&backend).await,
        get("/dynamic-entity/countries/1").send(&backend).await,
    ] {
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{} {}",
            answer.status,
            answer.text()
        );
    }
    let token = call(Method::POST, "/token")
        .raw(
            "application/x-www-form-urlencoded",
            "grant_type=password&username=admin%40example.com&password=change123",
        )
        .send(&shop.secured_backend())
        .await;
    assert_eq!(token.status, StatusCode::OK);
    assert_eq!(token.header("cache-control"), Some("no-store"));
}

/// SPEC §13.1: the keys of an include reach the store in bounded lists, however many
/// parents a request holds (one list per parent key would exceed a database's limit of bound
/// parameters on a large table).
#[tokio::test]
async fn include_keys_reach_the_store_in_bounded_lists() {
    let shop = shop().await;
    let pool = shop.db().pool().clone();
    let mut tx = pool.begin().await.expect("a transaction");
    for n in 100..1_300 {
        sqlx::query(
            "INSERT INTO customers (customer_reference, email, first_name, last_name, created_at) \
             VALUES ($1, $2, 'Many', 'Customers', '2024-01-01T00:00:00+00:00')",
        )
        .bind(format!("MANY--{n}"))
        .bind(format!("many{n}@example.com"))
        .execute(&mut *tx)
        .await
        .expect("a customer");
        sqlx::query(
            "INSERT INTO customer_addresses (uuid, customer_reference, address1, zip_code, city, country) \
             VALUES ($1, $2, '1 Way', '10115', 'Berlin', 'DE')",
        )
        .bind(format!("00000000-0000-4000-9000-{n:012}"))
        .bind(format!("MANY--{n}"))
        .execute(&mut *tx)
        .await
        .expect("an address");
    }
    tx.commit().await.expect("committed");
    let backend = shop.backend();
    let before = shop.db().database().statements();
    let answer = get("/customers?pagination=false&include=addresses&filter[lastName]=Customers")
        .send(&backend)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let document = answer.json();
    assert_eq!(document["data"].as_array().map(Vec::len), Some(1_200));
    assert_eq!(document["included"].as_array().map(Vec::len), Some(1_200));
    // The customers, then the addresses in lists of at most 500 keys: three.
    assert_eq!(shop.db().database().statements() - before, 4);
}

/// A parameter that takes one value, given twice, and an `in` list of no value are refused
/// (which one would count?), each at its parameter.
#[tokio::test]
async fn ambiguous_parameters_are_refused() {
    let shop = shop().await;
    let backend = shop.backend();
    for (uri, parameter) in [
        ("/customers?page=1&page=2", "page"),
        ("/customers?page[limit]=5&page[limit]=6", "page[limit]"),
        ("/customers?sort=email&sort=-email", "sort"),
        ("/customers?filter[status][in]=", "filter[status][in]"),
        // Every page form's parameters are checked, whichever decides the page.
        ("/customers?page[offset]=0&page=-1", "page"),
    ] {
        let answer = get(uri).send(&backend).await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["source"]["parameter"], parameter, "{uri}");
    }
}

/// A tick of a stream that fails after 5,000 ticks.
#[derive(glue_core::ApiResource, Clone, Debug)]
#[api(
    operations(GetCollection),
    provider = FailingTicks,
    pagination(client_enabled = true)
)]
struct Tick {
    #[api(identifier)]
    id: u32,
}

#[derive(Clone, Debug)]
struct FailingTicks;

impl glue_core::CollectionProvider<Tick> for FailingTicks {
    async fn collection(
        &self,
        _ctx: &glue_core::Context<Tick>,
    ) -> Result<glue_core::Paginated<Tick>, glue_core::GlueError> {
        Ok((1..=3).map(|id| Tick { id }).collect::<Vec<_>>().into())
    }

    fn stream(&self, _ctx: &glue_core::Context<Tick>) -> Option<glue_core::ItemStream<Tick>> {
        let ticks = (1..=5_000u32)
            .map(|id| Ok(Tick { id }))
            .chain(std::iter::once(Err(glue_core::GlueError::internal(
                "the disk went away",
            ))));
        Some(Box::pin(futures_util::stream::iter(ticks)))
    }
}

/// SPEC §13.4: a provider that fails in the middle of a streamed answer ends the stream, so
/// that the client sees an incomplete document, never a well-formed wrong one.
#[tokio::test]
async fn a_provider_error_mid_stream_cuts_the_document() {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let router = glue_core::Application::new("ticks")
        .convention(glue_jsonapi::JsonApi::new())
        .resource::<Tick>(FailingTicks, ())
        .build();
    let response = router
        .clone()
        .oneshot(get("/ticks?pagination=false").build())
        .await
        .unwrap_or_else(|never| match never {});
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the head went before the failure"
    );
    let body = response.into_body().collect().await;
    assert!(
        body.is_err(),
        "the body ends with an error, not a closed document"
    );
    // Paged, the same provider answers whole documents.
    let paged = get("/ticks").send(&router).await;
    assert_eq!(paged.status, StatusCode::OK);
}
