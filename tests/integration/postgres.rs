//! The demo shop on PostgreSQL (SPEC §11.1: `DATABASE_URL=postgres://...` works too).
//!
//! `.ci/run` installs Debian's `postgresql`, starts a cluster under a temporary directory on
//! loopback and sets `GLUE_TEST_POSTGRES_URL` (a URL of a database the tests may create
//! databases from) and `GLUE_REQUIRE_POSTGRES=1`. Elsewhere, without that URL, these tests say
//! so and return; with `GLUE_REQUIRE_POSTGRES=1` and no URL they fail.

use http::{Method, StatusCode};
use serde_json::json;
use sqlx::Executor;

use crate::common::{TestShop, call, get, jsonapi_document, jsonapi_errors};

/// A fresh, empty schema on the test cluster, as the URL of connections whose search path
/// is that schema; `None` when no cluster is configured.
///
/// Each test process makes one database of its own (`glue_test_<process>_<nanoseconds>`) and
/// each test a schema in it: a schema costs a few milliseconds where a database copies its
/// template, and the hundreds a run of the whole suite makes stay small. The database is
/// dropped by the first test process that finds this one ended.
pub(crate) async fn fresh_database() -> Option<String> {
    let Ok(admin_url) = std::env::var("GLUE_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("GLUE_REQUIRE_POSTGRES").is_err(),
            "GLUE_REQUIRE_POSTGRES is set but GLUE_TEST_POSTGRES_URL is not"
        );
        eprintln!("skipped: set GLUE_TEST_POSTGRES_URL to run the PostgreSQL tests");
        return None;
    };
    sqlx::any::install_default_drivers();
    let (base, _) = admin_url
        .split_once('?')
        .map_or(admin_url.as_str(), |(url, _)| url)
        .rsplit_once('/')
        .expect("the URL names a database");
    let database = process_database(&admin_url).await;
    let schema = format!(
        "test_{}",
        SCHEMAS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let url = format!("{base}/{database}");
    let connection = sqlx::AnyPool::connect(&url)
        .await
        .expect("the test database accepts connections");
    connection
        .execute(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .await
        .expect("a test schema can be created");
    connection.close().await;
    Some(format!("{url}?options[search_path]={schema}"))
}

/// How many schemas this process has made.
static SCHEMAS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The name of this process's database, made on first use.
async fn process_database(admin_url: &str) -> &'static str {
    static DATABASE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DATABASE
        .get_or_init(|| async {
            let admin = sqlx::AnyPool::connect(admin_url)
                .await
                .expect("the PostgreSQL test cluster accepts connections");
            reap(&admin).await;
            let name = format!(
                "glue_test_{}_{}",
                std::process::id(),
                chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
            );
            admin
                .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .expect("a test database can be created");
            admin.close().await;
            name
        })
        .await
}

/// Drops, once per test process, the databases of earlier test processes that have ended, so
/// that a cluster kept between runs does not fill its disk.
async fn reap(admin: &sqlx::AnyPool) {
    static REAPED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if REAPED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let Ok(rows) =
        sqlx::query("SELECT datname::text FROM pg_database WHERE datname LIKE 'glue\\_test\\_%'")
            .fetch_all(admin)
            .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = sqlx::Row::try_get::<String, _>(&row, 0) else {
            continue;
        };
        let pid = name
            .split('_')
            .nth(2)
            .and_then(|pid| pid.parse::<u32>().ok());
        let ended = pid.is_some_and(|pid| {
            pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        });
        if ended && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            let _ = admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .await;
        }
    }
}

/// The shop on a fresh PostgreSQL database, when the test cluster is configured.
pub(crate) async fn postgres_shop() -> Option<TestShop> {
    let url = fresh_database().await?;
    let shop = example_shop::Shop::open(&url)
        .await
        .expect("the shop opens on PostgreSQL");
    assert_eq!(shop.db().backend(), example_shop::db::Backend::Postgres);
    Some(TestShop(shop))
}

#[tokio::test]
async fn the_shop_migrates_and_seeds_postgresql() {
    let Some(shop) = postgres_shop().await else {
        return;
    };
    let backend = shop.backend();
    let page = get("/customers?page[limit]=5").send(&backend).await;
    let document = jsonapi_document(&page, StatusCode::OK);
    assert_eq!(document["data"].as_array().unwrap().len(), 5);
    assert_eq!(document["meta"]["records_total"], 55);
    assert_eq!(document["data"][0]["id"], "DE--1");

    let storefront = shop.storefront();
    let products = get("/products").send(&storefront).await;
    let document = jsonapi_document(&products, StatusCode::OK);
    assert_eq!(document["data"].as_array().unwrap().len(), 12);
    // SKU-0007 is inactive: hidden from the storefront, shown on the backend.
    let hidden = get("/products/SKU-0007").send(&storefront).await;
    jsonapi_errors(&hidden, StatusCode::NOT_FOUND);
    let shown = get("/products/SKU-0007").send(&backend).await;
    let document = jsonapi_document(&shown, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["isActive"], false);
}

#[tokio::test]
async fn customer_writes_work_the_same_on_postgresql() {
    let Some(shop) = postgres_shop().await else {
        return;
    };
    let backend = shop.backend();
    let created = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "customers", "attributes": {
            "email": "pg@example.com", "firstName": "Post", "lastName": "Gres",
            "password": "long enough", "dateOfBirth": "1990-01-31", "isActive": false
        }}}))
        .send(&backend)
        .await;
    let document = jsonapi_document(&created, StatusCode::CREATED);
    assert_eq!(document["data"]["id"], "DE--56");
    assert_eq!(document["data"]["attributes"]["dateOfBirth"], "1990-01-31");
    assert_eq!(document["data"]["attributes"]["isActive"], false);

    let duplicate = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "customers", "attributes": {
            "email": "PG@example.com", "firstName": "A", "lastName": "B"
        }}}))
        .send(&backend)
        .await;
    let errors = jsonapi_errors(&duplicate, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors[0]["source"]["pointer"], "/data/attributes/email");

    let patched = call(Method::PATCH, "/customers/DE--56")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--56",
            "attributes": {"creditLimit": 99.5, "isActive": true}}}))
        .send(&backend)
        .await;
    let document = jsonapi_document(&patched, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["creditLimit"], 99.5);
    assert_eq!(document["data"]["attributes"]["isActive"], true);
    assert_eq!(document["data"]["attributes"]["firstName"], "Post");

    let address = call(Method::POST, "/customers/DE--56/addresses")
        .jsonapi(
            &json!({"data": {"type": "customers-addresses", "attributes": {
                "address1": "Hauptstraße 1", "zipCode": "10115", "city": "Berlin", "country": "DE"
            }}}),
        )
        .send(&backend)
        .await;
    let document = jsonapi_document(&address, StatusCode::CREATED);
    assert_eq!(document["data"]["attributes"]["isDefault"], false);

    let deleted = call(Method::DELETE, "/customers/DE--56")
        .send(&backend)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = get("/customers/DE--56/addresses").send(&backend).await;
    jsonapi_errors(&gone, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn product_writes_work_the_same_on_postgresql() {
    let Some(shop) = postgres_shop().await else {
        return;
    };
    let backend = shop.backend();
    let created = call(Method::POST, "/products")
        .jsonapi(&json!({"data": {"type": "products", "id": "SKU-PG",
            "attributes": {"name": "Elephant", "price": 1999, "stock": 3}}}))
        .send(&backend)
        .await;
    let document = jsonapi_document(&created, StatusCode::CREATED);
    assert_eq!(document["data"]["attributes"]["currency"], "EUR");
    assert_eq!(document["data"]["attributes"]["isActive"], true);
    let duplicate = call(Method::POST, "/products")
        .jsonapi(&json!({"data": {"type": "products", "id": "SKU-PG",
            "attributes": {"name": "Again"}}}))
        .send(&backend)
        .await;
    jsonapi_errors(&duplicate, StatusCode::CONFLICT);
    let storefront = get("/products/SKU-PG").send(&shop.storefront()).await;
    jsonapi_document(&storefront, StatusCode::OK);
}

#[tokio::test]
async fn authentication_works_the_same_on_postgresql() {
    let Some(shop) = postgres_shop().await else {
        return;
    };
    let backend = shop.secured_backend();
    let denied = get("/customers").send(&backend).await;
    jsonapi_errors(&denied, StatusCode::UNAUTHORIZED);

    // Password grant against the seeded back-office users, then a single-use refresh.
    let login = call(Method::POST, "/token")
        .raw(
            "application/x-www-form-urlencoded",
            "grant_type=password&username=viewer%40example.com&password=change123",
        )
        .send(&backend)
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    let tokens = login.json();
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let read = get("/customers/DE--1")
        .header("authorization", &bearer)
        .send(&backend)
        .await;
    jsonapi_document(&read, StatusCode::OK);
    let refresh = format!(
        "grant_type=refresh_token&refresh_token={}",
        tokens["refresh_token"].as_str().unwrap()
    );
    let renewed = call(Method::POST, "/token")
        .raw("application/x-www-form-urlencoded", &refresh)
        .send(&backend)
        .await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.text());
    let reused = call(Method::POST, "/token")
        .raw("application/x-www-form-urlencoded", &refresh)
        .send(&backend)
        .await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST);
    assert_eq!(reused.json()["error"], "invalid_grant");

    // An API key created by an administrator works until it is revoked.
    let admin = shop.backend();
    let created = call(Method::POST, "/api-keys")
        .jsonapi(&json!({"data": {"type": "api-keys",
            "attributes": {"name": "PG import", "roles": ["ROLE_VIEWER"]}}}))
        .send(&admin)
        .await;
    let document = jsonapi_document(&created, StatusCode::CREATED);
    let key = document["data"]["attributes"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = document["data"]["id"].as_str().unwrap().to_owned();
    let with_key = get("/products/SKU-0001")
        .header("x-api-key", &key)
        .send(&backend)
        .await;
    jsonapi_document(&with_key, StatusCode::OK);
    let revoked = call(Method::DELETE, &format!("/api-keys/{id}"))
        .send(&admin)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let refused = get("/products/SKU-0001")
        .header("x-api-key", &key)
        .send(&backend)
        .await;
    jsonapi_errors(&refused, StatusCode::UNAUTHORIZED);

    // A customer logs in to the storefront and sees only their own account.
    let storefront = shop.storefront();
    let login = call(Method::POST, "/access-tokens")
        .jsonapi(&json!({"data": {"type": "access-tokens", "attributes": {
            "username": "customer2@example.com", "password": "change123"}}}))
        .send(&storefront)
        .await;
    let document = jsonapi_document(&login, StatusCode::CREATED);
    let bearer = format!(
        "Bearer {}",
        document["data"]["attributes"]["accessToken"]
            .as_str()
            .unwrap()
    );
    let own = get("/customers/DE--2?include=addresses")
        .header("authorization", &bearer)
        .send(&storefront)
        .await;
    let document = jsonapi_document(&own, StatusCode::OK);
    assert_eq!(document["included"].as_array().unwrap().len(), 2);
    let other = get("/customers/DE--1")
        .header("authorization", &bearer)
        .send(&storefront)
        .await;
    jsonapi_errors(&other, StatusCode::FORBIDDEN);
}

/// SPEC §11.2: every ISO 3166 country and some tax rates, on both databases.
#[tokio::test]
async fn countries_and_tax_rates_are_seeded_on_both_databases() {
    let mut shops = vec![crate::common::sqlite_shop().await];
    shops.extend(postgres_shop().await);
    for shop in shops {
        let pool = shop.db().pool();
        let countries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM countries")
            .fetch_one(pool)
            .await
            .expect("countries");
        assert_eq!(countries, 249);
        let (iso3, name): (String, String) =
            sqlx::query_as("SELECT iso3_code, name FROM countries WHERE iso2_code = 'DE'")
                .fetch_one(pool)
                .await
                .expect("Germany");
        assert_eq!((iso3.as_str(), name.as_str()), ("DEU", "Germany"));
        for country in ["DE", "AT"] {
            let rates: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM tax_rates JOIN countries ON fk_country = id_country \
                 WHERE iso2_code = $1",
            )
            .bind(country)
            .fetch_one(pool)
            .await
            .expect("rates");
            assert!(rates >= 1, "{country} has a tax rate");
        }
        // New rows get new keys after the seeded ones.
        sqlx::query(
            "INSERT INTO countries (iso2_code, iso3_code, name) VALUES ('XA', 'XAA', 'Test')",
        )
        .execute(pool)
        .await
        .expect("a new country");
    }
}

/// The suite's shops are on the database `GLUE_TEST_SHOP_DATABASE` names, each in a schema of
/// its own: `.ci/run` runs every shop test on PostgreSQL through this switch.
#[tokio::test]
async fn the_suite_runs_on_the_database_it_names() {
    let shop = crate::common::shop().await;
    let expected = match std::env::var(crate::common::SHOP_DATABASE).as_deref() {
        Ok("postgres") => example_shop::db::Backend::Postgres,
        _ => example_shop::db::Backend::Sqlite,
    };
    assert_eq!(shop.db().backend(), expected);
    if expected == example_shop::db::Backend::Postgres {
        let other = crate::common::shop().await;
        let schemas: Vec<String> = futures_util::future::join_all([&shop, &other].map(|shop| {
            sqlx::query_scalar("SELECT current_schema()::text").fetch_one(shop.db().pool())
        }))
        .await
        .into_iter()
        .map(|schema| schema.expect("a schema"))
        .collect();
        assert_ne!(schemas[0], schemas[1]);
        assert!(
            schemas.iter().all(|schema| schema.starts_with("test_")),
            "{schemas:?}"
        );
    }
}
