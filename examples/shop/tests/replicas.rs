//! Two processes of the shop on one PostgreSQL database (SPEC §12.4): a token issued by one
//! is accepted by the other, and writes through both lose no update. Needs the test cluster
//! of `.ci/run` (`GLUE_TEST_POSTGRES_URL`); without it the test says so and returns, unless
//! `GLUE_REQUIRE_POSTGRES` is set.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::Executor;

const API_KEY: &str = "replica-test-admin-key";
const SECRET: &str = "replica-test-token-secret-of-32-bytes";
const JSONAPI: &str = "application/vnd.api+json";

/// A fresh database on the test cluster.
async fn fresh_database() -> Option<String> {
    let Ok(admin_url) = std::env::var("GLUE_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("GLUE_REQUIRE_POSTGRES").is_err(),
            "GLUE_REQUIRE_POSTGRES is set but GLUE_TEST_POSTGRES_URL is not"
        );
        eprintln!("skipped: set GLUE_TEST_POSTGRES_URL to run the replica test");
        return None;
    };
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&admin_url)
        .await
        .expect("the PostgreSQL test cluster accepts connections");
    let name = format!("glue_replicas_{}", std::process::id());
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}"
        )))
        .await
        .expect("an old test database can be dropped");
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("a test database can be created");
    admin.close().await;
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("the URL names a database");
    Some(format!("{base}/{name}"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// One process of the shop.
struct Replica {
    child: Child,
    backend: String,
    storefront: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the shop binary on `database_url` and waits for its banner.
fn start(database_url: &str) -> Replica {
    let backend = format!("127.0.0.1:{}", free_port());
    let storefront = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_example-shop"))
        .env("DATABASE_URL", database_url)
        .env("SHOP_BACKEND_ADDR", &backend)
        .env("SHOP_STOREFRONT_ADDR", &storefront)
        .env("SHOP_API_KEY", API_KEY)
        .env("GLUE_TOKEN_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the shop binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (lines, banner) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    loop {
        let line = banner
            .recv_timeout(Duration::from_secs(120))
            .expect("the shop prints its banner within two minutes");
        if line.starts_with("Stop with") {
            break;
        }
    }
    Replica {
        child,
        backend: format!("http://{backend}"),
        storefront: format!("http://{storefront}"),
    }
}

/// An answer: status, `ETag` and document.
struct Answer {
    status: u16,
    etag: Option<String>,
    document: Value,
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("the replica answers");
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await.expect("a body");
    let document = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Answer {
        status,
        etag,
        document,
    }
}

fn read(client: &reqwest::Client, base: &str, path: &str) -> reqwest::RequestBuilder {
    client
        .get(format!("{base}{path}"))
        .header("x-api-key", API_KEY)
        .header("accept", JSONAPI)
}

fn patch(
    client: &reqwest::Client,
    base: &str,
    attributes: &Value,
    if_match: Option<&str>,
) -> reqwest::RequestBuilder {
    let request = client
        .patch(format!("{base}/customers/DE--5"))
        .header("x-api-key", API_KEY)
        .header("accept", JSONAPI)
        .header("content-type", JSONAPI)
        .body(
            json!({"data": {"type": "customers", "id": "DE--5", "attributes": attributes}})
                .to_string(),
        );
    match if_match {
        Some(tag) => request.header("if-match", tag),
        None => request,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_share_tokens_and_lose_no_update() {
    let Some(url) = fresh_database().await else {
        return;
    };
    // The first creates and seeds the database; the second finds it ready.
    let first = start(&url);
    let second = start(&url);
    let replicas = [&first, &second];
    let client = reqwest::Client::new();

    // A token issued by one replica is accepted by the other.
    let login = send(
        client
            .post(format!("{}/access-tokens", first.storefront))
            .header("content-type", JSONAPI)
            .body(
                json!({"data": {"type": "access-tokens", "attributes": {
                    "username": "customer1@example.com", "password": "change123"
                }}})
                .to_string(),
            ),
    )
    .await;
    assert_eq!(login.status, 201, "{}", login.document);
    let token = login.document["data"]["attributes"]["accessToken"]
        .as_str()
        .expect("an access token")
        .to_owned();
    let account = send(
        client
            .get(format!("{}/customers/DE--1", second.storefront))
            .header("authorization", format!("Bearer {token}")),
    )
    .await;
    assert_eq!(account.status, 200, "{}", account.document);

    // 200 writers that read the same version, spread over both: exactly one wins.
    let start_tag = send(read(&client, &first.backend, "/customers/DE--5"))
        .await
        .etag
        .expect("an ETag");
    let racing = (0..200).map(|n| {
        let base = &replicas[n % 2].backend;
        send(patch(
            &client,
            base,
            &json!({"creditLimit": 1000 + n}),
            Some(&start_tag),
        ))
    });
    let answers = futures_util::future::join_all(racing).await;
    let winners: Vec<&Answer> = answers.iter().filter(|a| a.status == 200).collect();
    let refused = answers.iter().filter(|a| a.status == 412).count();
    assert_eq!(
        (winners.len(), refused),
        (1, 199),
        "exactly one of 200 wins"
    );
    let won = winners[0].document["data"]["attributes"]["creditLimit"].clone();
    let stored = send(read(&client, &second.backend, "/customers/DE--5")).await;
    assert_eq!(stored.document["data"]["attributes"]["creditLimit"], won);
    assert_ne!(stored.etag.as_deref(), Some(start_tag.as_str()));

    // 20 clients each add 1 to the credit limit 10 times (read, then write with If-Match,
    // again on 412), through both replicas: all 200 increments survive.
    let base_limit = stored.document["data"]["attributes"]["creditLimit"]
        .as_f64()
        .expect("a credit limit");
    let clients = (0..20).map(|n| {
        let client = client.clone();
        let base = replicas[n % 2].backend.clone();
        async move {
            let mut attempts = 0;
            for _ in 0..10 {
                loop {
                    attempts += 1;
                    assert!(attempts < 2000, "a client never got its write in");
                    let current = send(read(&client, &base, "/customers/DE--5")).await;
                    let limit = current.document["data"]["attributes"]["creditLimit"]
                        .as_f64()
                        .expect("a credit limit");
                    let tag = current.etag.expect("an ETag");
                    let written = send(patch(
                        &client,
                        &base,
                        &json!({"creditLimit": limit + 1.0}),
                        Some(&tag),
                    ))
                    .await;
                    match written.status {
                        200 => break,
                        412 => continue,
                        other => panic!("a write answered {other}: {}", written.document),
                    }
                }
            }
        }
    });
    futures_util::future::join_all(clients).await;
    let after = send(read(&client, &first.backend, "/customers/DE--5")).await;
    assert_eq!(
        after.document["data"]["attributes"]["creditLimit"].as_f64(),
        Some(base_limit + 200.0),
        "no increment was lost"
    );

    // Writes of different members without If-Match, through both, all survive.
    let changes = [
        json!({"firstName": "Replica"}),
        json!({"lastName": "Writer"}),
        json!({"status": "pending"}),
        json!({"dateOfBirth": "1999-09-09"}),
    ];
    let writes = changes
        .iter()
        .enumerate()
        .map(|(n, change)| send(patch(&client, &replicas[n % 2].backend, change, None)));
    for answer in futures_util::future::join_all(writes).await {
        assert_eq!(answer.status, 200, "{}", answer.document);
    }
    let last = send(read(&client, &second.backend, "/customers/DE--5")).await;
    let attributes = &last.document["data"]["attributes"];
    assert_eq!(attributes["firstName"], "Replica");
    assert_eq!(attributes["lastName"], "Writer");
    assert_eq!(attributes["status"], "pending");
    assert_eq!(attributes["dateOfBirth"], "1999-09-09");
    assert_eq!(attributes["creditLimit"].as_f64(), Some(base_limit + 200.0));
}
