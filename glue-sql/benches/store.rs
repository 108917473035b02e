//! `SqlStore` against hand-written sqlx, and what each operation costs in statements.
//!
//! Run with `cargo bench -p glue-sql --bench store` (set `GLUE_TEST_POSTGRES_URL` to a
//! database the bench may create databases from, to measure PostgreSQL too). It prints:
//!
//! 1. GET of a page of 20 books from an SQLite file, through the Glue router with a
//!    `SqlStore`, and through a hand-written axum handler (sqlx queries, typed structs,
//!    `serde_json::to_vec`) that answers the same bytes, compared before timing: requests per
//!    second of each and their ratio;
//! 2. 1,000 sequential POSTs, then 1,000 sequential PATCHes, through the router, per database:
//!    requests per second;
//! 3. the statements each operation runs.

use std::time::Instant;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Request};
use axum::response::{IntoResponse, Response};
use glue_core::{ApiResource, Application};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use glue_sql::{Database, Dialect, SqlStore};
use http_body_util::BodyExt;
use serde::Serialize;
use sqlx::{Executor, Row};
use tower::ServiceExt;

const ROWS: i64 = 100;
const PAGE: i64 = 20;
const READS: u32 = 2_000;
const WRITES: u32 = 1_000;

type Books = SqlStore<Book>;

/// A book.
#[derive(ApiResource, Clone, Debug)]
#[api(
    table = "books",
    operations(Get, GetCollection, Post, Put, Patch, Delete),
    provider = Books,
    processor = Books,
    concurrency(version = "version")
)]
struct Book {
    #[api(identifier, writable = false)]
    id: i64,
    #[api(required)]
    title: String,
    author: Option<String>,
    pages: i64,
    price: f64,
    #[api(readable = false, writable = false)]
    version: i64,
}

const TABLE: &str = "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, \
    author TEXT, pages BIGINT NOT NULL DEFAULT 0, price DOUBLE PRECISION NOT NULL DEFAULT 0, \
    version BIGINT NOT NULL DEFAULT 1)";

async fn fill(db: &Database) {
    let table = match db.dialect() {
        Dialect::Sqlite => TABLE.to_owned(),
        Dialect::Postgres => TABLE.replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY"),
    };
    db.pool()
        .execute(sqlx::AssertSqlSafe(table))
        .await
        .expect("the table");
    for n in 1..=ROWS {
        sqlx::query("INSERT INTO books (title, author, pages, price) VALUES ($1, $2, $3, $4)")
            .bind(format!("Book {n}"))
            .bind((n % 3 != 0).then(|| format!("Author {}", n % 7)))
            .bind(100 + n)
            .bind(n as f64 * 1.25)
            .execute(db.pool())
            .await
            .expect("a row");
    }
}

fn router(db: &Database) -> glue_core::Router {
    let books = Books::new(db);
    Application::new("bench")
        .convention(JsonApi::new())
        .standard_pagination()
        .resource::<Book>(books.clone(), books)
        .build()
}

// The hand-written side: the same page, the same bytes.

#[derive(Serialize)]
struct Attributes {
    title: String,
    author: Option<String>,
    pages: i64,
    price: f64,
}

#[derive(Serialize)]
struct SelfLink {
    #[serde(rename = "self")]
    self_link: String,
}

#[derive(Serialize)]
struct Object {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    attributes: Attributes,
    links: SelfLink,
}

#[derive(Serialize)]
struct Links {
    #[serde(rename = "self")]
    self_link: String,
    first: String,
    next: String,
    last: String,
}

#[derive(Serialize)]
struct Meta {
    page: i64,
    pages: i64,
    records: i64,
    records_per_page: i64,
    records_total: i64,
}

#[derive(Serialize)]
struct Version {
    version: &'static str,
}

#[derive(Serialize)]
struct Document {
    jsonapi: Version,
    data: Vec<Object>,
    links: Links,
    meta: Meta,
}

async fn hand_written(State(db): State<Database>) -> Response {
    let base = "http://localhost";
    let rows = sqlx::query(
        "SELECT id, title, author, pages, price FROM books ORDER BY id ASC LIMIT $1 OFFSET 0",
    )
    .bind(PAGE)
    .fetch_all(db.pool())
    .await
    .expect("rows");
    let total: i64 = sqlx::query("SELECT COUNT(*) FROM books")
        .fetch_one(db.pool())
        .await
        .expect("a count")
        .get(0);
    let page =
        |offset: i64| format!("{base}/books?page%5Boffset%5D={offset}&page%5Blimit%5D={PAGE}");
    let data = rows
        .iter()
        .map(|row| {
            let id: i64 = row.get("id");
            Object {
                kind: "books",
                id: id.to_string(),
                attributes: Attributes {
                    title: row.get("title"),
                    author: row.get("author"),
                    pages: row.get("pages"),
                    price: row.get("price"),
                },
                links: SelfLink {
                    self_link: format!("{base}/books/{id}"),
                },
            }
        })
        .collect();
    let document = Document {
        jsonapi: Version { version: "1.1" },
        data,
        links: Links {
            self_link: format!("{base}/books?page%5Blimit%5D={PAGE}"),
            first: page(0),
            next: page(PAGE),
            last: page(total - PAGE),
        },
        meta: Meta {
            page: 1,
            pages: (total + PAGE - 1) / PAGE,
            records: PAGE,
            records_per_page: PAGE,
            records_total: total,
        },
    };
    let mut response = serde_json::to_vec(&document)
        .expect("serializable")
        .into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.api+json"),
    );
    response
}

async fn body<S>(service: S, request: Request<axum::body::Body>) -> (u16, Vec<u8>)
where
    S: tower::Service<Request<axum::body::Body>, Error = std::convert::Infallible>,
    S::Response: IntoResponse,
{
    let response = service
        .oneshot(request)
        .await
        .expect("infallible")
        .into_response();
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    (status, bytes.to_vec())
}

fn get(uri: &str) -> Request<axum::body::Body> {
    Request::get(uri)
        .header("host", "localhost")
        .body(axum::body::Body::empty())
        .expect("a request")
}

fn write(method: &str, uri: &str, document: &serde_json::Value) -> Request<axum::body::Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "localhost")
        .header("content-type", "application/vnd.api+json")
        .body(axum::body::Body::from(document.to_string()))
        .expect("a request")
}

/// Requests per second of `count` runs of `one`.
async fn rate(count: u32, mut one: impl AsyncFnMut(u32)) -> f64 {
    let started = Instant::now();
    for n in 0..count {
        one(n).await;
    }
    f64::from(count) / started.elapsed().as_secs_f64()
}

async fn reads(db: &Database) {
    let glue = router(db);
    let axum = axum::Router::new()
        .route("/books", axum::routing::get(hand_written))
        .with_state(db.clone());
    let uri = "/books?page[limit]=20";
    let ours = body(glue.clone(), get(uri)).await;
    let theirs = body(axum.clone(), get(uri)).await;
    assert_eq!(ours.0, 200);
    assert_eq!(
        String::from_utf8_lossy(&ours.1),
        String::from_utf8_lossy(&theirs.1),
        "both sides answer the same bytes"
    );
    // Warm both, then alternate rounds so that neither gets the quieter machine.
    let mut glue_rate = 0.0;
    let mut axum_rate = 0.0;
    for _ in 0..3 {
        glue_rate += rate(READS, async |_| drop(body(glue.clone(), get(uri)).await)).await;
        axum_rate += rate(READS, async |_| drop(body(axum.clone(), get(uri)).await)).await;
    }
    let (glue_rate, axum_rate) = (glue_rate / 3.0, axum_rate / 3.0);
    println!(
        "GET /books?page[limit]=20 on SQLite ({} bytes)",
        ours.1.len()
    );
    println!("  Glue + SqlStore        {glue_rate:>9.0} requests/s");
    println!("  hand-written sqlx+axum {axum_rate:>9.0} requests/s");
    println!("  Glue / hand-written    {:>9.2}", glue_rate / axum_rate);
}

async fn writes(name: &str, db: &Database) {
    let glue = router(db);
    let post = |n: u32| {
        write(
            "POST",
            "/books",
            &serde_json::json!({"data": {"type": "books", "attributes": {
                "title": format!("New {n}"), "pages": n, "price": 1.5
            }}}),
        )
    };
    let posts = rate(WRITES, async |n| {
        let (status, _) = body(glue.clone(), post(n)).await;
        assert_eq!(status, 201);
    })
    .await;
    let patches = rate(WRITES, async |n| {
        let id = i64::from(n) % ROWS + 1;
        let request = write(
            "PATCH",
            &format!("/books/{id}"),
            &serde_json::json!({"data": {"type": "books", "id": id.to_string(), "attributes": {"pages": n}}}),
        );
        let (status, _) = body(glue.clone(), request).await;
        assert_eq!(status, 200);
    })
    .await;
    println!("{name}: {WRITES} sequential POSTs {posts:>7.0}/s, PATCHes {patches:>7.0}/s");
}

async fn statements(db: &Database) {
    let glue = router(db);
    let cases: Vec<(&str, Request<axum::body::Body>)> = vec![
        ("GET item", get("/books/3")),
        ("GET collection (offset page)", get("/books?page[limit]=20")),
        ("GET collection (cursor page)", get("/books?page[size]=20")),
        (
            "POST",
            write(
                "POST",
                "/books",
                &serde_json::json!({"data": {"type": "books", "attributes": {"title": "S"}}}),
            ),
        ),
        (
            "PUT",
            write(
                "PUT",
                "/books/3",
                &serde_json::json!({"data": {"type": "books", "id": "3", "attributes": {"title": "P"}}}),
            ),
        ),
        (
            "PATCH",
            write(
                "PATCH",
                "/books/3",
                &serde_json::json!({"data": {"type": "books", "id": "3", "attributes": {"pages": 1}}}),
            ),
        ),
        ("DELETE", {
            let mut request = get("/books/4");
            *request.method_mut() = axum::http::Method::DELETE;
            request
        }),
    ];
    println!("statements per request:");
    for (name, request) in cases {
        let before = db.statements();
        let (status, _) = body(glue.clone(), request).await;
        assert!(status < 400, "{name}: {status}");
        println!("  {name:<30} {}", db.statements() - before);
    }
}

async fn postgres() -> Option<Database> {
    let admin_url = std::env::var("GLUE_TEST_POSTGRES_URL").ok()?;
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&admin_url).await.ok()?;
    let name = format!("glue_store_bench_{}", std::process::id());
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .ok()?;
    let (base, _) = admin_url.rsplit_once('/')?;
    Database::connect(&format!("{base}/{name}")).await.ok()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("glue-store-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        let url = format!("sqlite://{}", dir.join("books.db").display());
        let sqlite = Database::connect(&url).await.expect("SQLite");
        fill(&sqlite).await;
        reads(&sqlite).await;
        writes("SQLite", &sqlite).await;
        statements(&sqlite).await;
        if let Some(postgres) = postgres().await {
            fill(&postgres).await;
            writes("PostgreSQL", &postgres).await;
        } else {
            println!("PostgreSQL: set GLUE_TEST_POSTGRES_URL to measure it");
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
}
