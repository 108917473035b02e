//! The shop under concurrent writers (SPEC §12.1, §12.2): customers, addresses and products
//! answer `ETag` and honour `If-Match`; PATCHes of different members of one customer all
//! survive; of writers that read the same version, exactly one wins. On an SQLite file (a
//! pool of connections, as the shop runs) and on PostgreSQL when the test cluster is
//! configured.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TempDir, TestShop, call, get, jsonapi_document, jsonapi_errors};

/// The shop on an SQLite file.
async fn file_shop() -> (TestShop, TempDir) {
    let dir = TempDir::new("shop");
    let shop = example_shop::Shop::open(&dir.sqlite_url("shop.db"))
        .await
        .expect("the shop opens on an SQLite file");
    (TestShop(shop), dir)
}

macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let (shop, _dir) = super::file_shop().await;
                super::$scenario(shop).await;
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

fn patch(kind: &str, id: &str, attributes: &Value) -> Value {
    json!({"data": {"type": kind, "id": id, "attributes": attributes}})
}

on_both!(different_members, patches_of_different_members_all_survive);
async fn patches_of_different_members_all_survive(shop: TestShop) {
    let backend = shop.backend();
    for round in 0..5 {
        let changes = [
            json!({"firstName": format!("First{round}")}),
            json!({"lastName": format!("Last{round}")}),
            json!({"status": if round % 2 == 0 { "inactive" } else { "pending" }}),
            json!({"creditLimit": 100.0 + f64::from(round)}),
        ];
        let requests = changes.iter().map(|change| {
            call(Method::PATCH, "/customers/DE--3")
                .jsonapi(&patch("customers", "DE--3", change))
                .send(&backend)
        });
        for answer in futures_util::future::join_all(requests).await {
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        }
        let read = get("/customers/DE--3").send(&backend).await;
        let attributes = jsonapi_document(&read, StatusCode::OK)["data"]["attributes"].clone();
        assert_eq!(
            attributes["firstName"],
            format!("First{round}"),
            "round {round}"
        );
        assert_eq!(
            attributes["lastName"],
            format!("Last{round}"),
            "round {round}"
        );
        assert_eq!(
            attributes["status"],
            if round % 2 == 0 {
                "inactive"
            } else {
                "pending"
            }
        );
        assert_eq!(attributes["creditLimit"], 100.0 + f64::from(round));
    }
}

on_both!(versions, every_shop_item_has_a_version);
async fn every_shop_item_has_a_version(shop: TestShop) {
    let backend = shop.backend();
    for url in [
        "/customers/DE--1",
        "/products/SKU-0001",
        "/customers/DE--1/addresses",
    ] {
        let url = if url.ends_with("addresses") {
            let list = get(url).send(&backend).await;
            let list = jsonapi_document(&list, StatusCode::OK);
            let uuid = list["data"][0]["id"]
                .as_str()
                .expect("DE--1 has an address");
            format!("{url}/{uuid}")
        } else {
            url.to_owned()
        };
        let read = get(&url).send(&backend).await;
        let document = jsonapi_document(&read, StatusCode::OK);
        let tag = read.header("etag").expect("an ETag").to_owned();
        assert_eq!(tag, "\"1\"", "{url}: a row never written is at version 1");
        let cached = get(&url).header("if-none-match", &tag).send(&backend).await;
        assert_eq!(cached.status, StatusCode::NOT_MODIFIED, "{url}");
        let kind = document["data"]["type"].as_str().unwrap().to_owned();
        let id = document["data"]["id"].as_str().unwrap().to_owned();
        let change = match kind.as_str() {
            "customers" => json!({"lastName": "Changed"}),
            "products" => json!({"stock": 5}),
            _ => json!({"city": "Changed"}),
        };
        let written = call(Method::PATCH, &url)
            .header("if-match", &tag)
            .jsonapi(&patch(&kind, &id, &change))
            .send(&backend)
            .await;
        assert_eq!(written.status, StatusCode::OK, "{url}: {}", written.text());
        assert_eq!(written.header("etag"), Some("\"2\""), "{url}");
        let stale = call(Method::PATCH, &url)
            .header("if-match", &tag)
            .jsonapi(&patch(&kind, &id, &change))
            .send(&backend)
            .await;
        let errors = jsonapi_errors(&stale, StatusCode::PRECONDITION_FAILED);
        assert_eq!(errors[0]["code"], "precondition_failed", "{url}");
        let stale_delete = call(Method::DELETE, &url)
            .header("if-match", &tag)
            .send(&backend)
            .await;
        assert_eq!(
            stale_delete.status,
            StatusCode::PRECONDITION_FAILED,
            "{url}"
        );
        let still = get(&url).send(&backend).await;
        assert_eq!(
            still.status,
            StatusCode::OK,
            "{url}: the refused delete kept it"
        );
    }
}

on_both!(same_version, of_writers_that_read_one_version_one_wins);
async fn of_writers_that_read_one_version_one_wins(shop: TestShop) {
    let backend = shop.backend();
    let writers = (0..8).map(|n| {
        call(Method::PATCH, "/customers/DE--4")
            .header("if-match", "\"1\"")
            .jsonapi(&patch(
                "customers",
                "DE--4",
                &json!({"creditLimit": f64::from(n)}),
            ))
            .send(&backend)
    });
    let answers = futures_util::future::join_all(writers).await;
    let winners: Vec<&crate::common::Answer> = answers
        .iter()
        .filter(|answer| answer.status == StatusCode::OK)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one write wins");
    assert!(
        answers
            .iter()
            .all(|a| a.status == StatusCode::OK || a.status == StatusCode::PRECONDITION_FAILED)
    );
    let won = winners[0].json()["data"]["attributes"]["creditLimit"].clone();
    let read = get("/customers/DE--4").send(&backend).await;
    let attributes = jsonapi_document(&read, StatusCode::OK)["data"]["attributes"].clone();
    assert_eq!(
        attributes["creditLimit"], won,
        "the final state is the winner's"
    );
    assert_eq!(read.header("etag"), Some("\"2\""));
}

/// An in-memory counter that takes part in optimistic concurrency: its processor checks the
/// request's `If-Match` under its lock with `Context::check_version`.
#[derive(glue_core::ApiResource, Clone, Debug)]
#[api(
    operations(Get, Patch),
    provider = Counters,
    processor = Counters,
    concurrency(version = "version")
)]
struct Counter {
    #[api(identifier, writable = false)]
    id: u64,
    value: i64,
    #[api(writable = false)]
    version: i64,
}

#[derive(Clone, Default)]
struct Counters(std::sync::Arc<std::sync::Mutex<Vec<Counter>>>);

impl glue_core::ItemProvider<Counter> for Counters {
    async fn item(
        &self,
        ctx: &glue_core::Context<Counter>,
    ) -> Result<Option<Counter>, glue_core::GlueError> {
        let items = self.0.lock().expect("the lock");
        Ok(items.iter().find(|c| Some(&c.id) == ctx.id()).cloned())
    }
}

impl glue_core::Processor<Counter> for Counters {}

impl glue_core::UpdateProcessor<Counter> for Counters {
    async fn update(
        &self,
        ctx: &glue_core::Context<Counter>,
        counter: Counter,
        _previous: Counter,
    ) -> Result<Counter, glue_core::GlueError> {
        // Every writer gets past the router's check before any writes.
        tokio::task::yield_now().await;
        let mut items = self.0.lock().expect("the lock");
        let stored = items
            .iter_mut()
            .find(|c| c.id == counter.id)
            .ok_or_else(|| glue_core::GlueError::not_found("No such counter."))?;
        ctx.check_version(stored)?;
        stored.value = counter.value;
        stored.version += 1;
        Ok(stored.clone())
    }
}

#[tokio::test]
async fn an_in_memory_store_checks_the_version_under_its_lock() {
    let counters = Counters::default();
    counters.0.lock().expect("the lock").push(Counter {
        id: 1,
        value: 0,
        version: 1,
    });
    let router = glue_core::Application::new("counters")
        .convention(glue_jsonapi::JsonApi::new())
        .resource::<Counter>(counters.clone(), counters.clone())
        .build();
    let read = get("/counters/1").send(&router).await;
    assert_eq!(read.header("etag"), Some("\"1\""));
    let cached = get("/counters/1")
        .header("if-none-match", "W/\"1\", \"9\"")
        .send(&router)
        .await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    let writers = (0..8).map(|n| {
        call(Method::PATCH, "/counters/1")
            .header("if-match", "\"1\"")
            .jsonapi(&patch("counters", "1", &json!({"value": n})))
            .send(&router)
    });
    let answers = futures_util::future::join_all(writers).await;
    let won = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    let refused = answers
        .iter()
        .filter(|a| a.status == StatusCode::PRECONDITION_FAILED)
        .count();
    assert_eq!((won, refused), (1, 7));
    assert_eq!(counters.0.lock().expect("the lock")[0].version, 2);
}

/// An item without a version has no entity tag: `If-Match` with tags fails, `If-Match: *`
/// holds (it exists), `If-None-Match: *` fails (RFC 9110 §13.1).
#[tokio::test]
async fn preconditions_on_an_unversioned_item() {
    let notes = crate::fixtures::Notes::with(2);
    let router = crate::fixtures::app(notes.clone());
    let change =
        |title: &str| json!({"data": {"type": "notes", "id": "1", "attributes": {"title": title}}});
    let tagged = call(Method::PATCH, "/notes/1")
        .header("if-match", "\"1\"")
        .jsonapi(&change("tagged"))
        .send(&router)
        .await;
    assert_eq!(tagged.status, StatusCode::PRECONDITION_FAILED);
    let none_match = call(Method::PATCH, "/notes/1")
        .header("if-none-match", "*")
        .jsonapi(&change("created only"))
        .send(&router)
        .await;
    assert_eq!(none_match.status, StatusCode::PRECONDITION_FAILED);
    let any = call(Method::PATCH, "/notes/1")
        .header("if-match", "*")
        .jsonapi(&change("any"))
        .send(&router)
        .await;
    assert_eq!(any.status, StatusCode::OK, "{}", any.text());
    assert_eq!(notes.get(1).expect("note 1").title, "any");
    let removed = call(Method::DELETE, "/notes/2")
        .header("if-match", "\"2\"")
        .send(&router)
        .await;
    assert_eq!(removed.status, StatusCode::PRECONDITION_FAILED);
    assert!(notes.get(2).is_some());
}
