//! `glue_sql::SqlStore`: full CRUD from a declaration, on SQLite and on PostgreSQL (when
//! `.ci/run`'s cluster is configured), through the router: identifiers made by the database,
//! as UUIDs or by the client; PATCH of only the sent columns (SPEC §12.2); entity tags and
//! `If-Match`/`If-None-Match` (SPEC §12.1); constraint violations as answers; sub-resources
//! whose parent must exist.

use chrono::{DateTime, Utc};
use glue_core::{ApiResource, Application, Router};
use glue_jsonapi::JsonApi;
use glue_sql::{Database, Dialect, SqlStore};
use http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Executor;

use crate::common::{Answer, TempDir, call, get, jsonapi_document, jsonapi_errors, pointers};

type Books = SqlStore<Book>;
type Chapters = SqlStore<Chapter>;
type Notes = SqlStore<Note>;

/// A book, identified by its ISBN (sent by the client), versioned by a counter.
#[derive(ApiResource, Clone, Debug)]
#[api(
    table = "books",
    operations(Get, GetCollection, Post, Put, Patch, Delete),
    provider = Books,
    processor = Books,
    concurrency(version = "version"),
    relationships(chapters(target = Chapter, many, key = "isbn")),
    pagination(client_enabled = true)
)]
struct Book {
    #[api(identifier)]
    isbn: String,
    #[api(required)]
    title: String,
    #[api(column = "page_count")]
    pages: i64,
    price: f64,
    #[api(default = true)]
    available: bool,
    published: Option<chrono::NaiveDate>,
    tags: Vec<String>,
    code: Option<String>,
    #[api(writable = false)]
    version: i64,
    /// Kept by the application, never in the table.
    #[api(stored = false, readable = false)]
    secret: Option<String>,
}

/// A chapter of a book at `/books/{isbn}/chapters`, numbered by the database, versioned by
/// a hash of its state.
#[derive(ApiResource, Clone, Debug)]
#[api(
    table = "chapters",
    operations(
        GetCollection(uri_template = "/books/{isbn}/chapters"),
        Post(uri_template = "/books/{isbn}/chapters"),
        Get(uri_template = "/books/{isbn}/chapters/{id}"),
        Patch(uri_template = "/books/{isbn}/chapters/{id}"),
        Delete(uri_template = "/books/{isbn}/chapters/{id}"),
    ),
    uri_variables(isbn = isbn),
    provider = Chapters,
    processor = Chapters,
    concurrency(hash),
    relationships(book(target = Book, key = "isbn"))
)]
struct Chapter {
    #[api(identifier, writable = false)]
    id: i64,
    #[api(writable = false)]
    isbn: String,
    #[api(required)]
    title: String,
    #[api(required)]
    position: i64,
}

/// A note, identified by a UUID the store makes, versioned by its `updated_at`; writes must
/// carry `If-Match`.
#[derive(ApiResource, Clone, Debug)]
#[api(
    table = "notes",
    operations(Get, GetCollection, Post, Patch, Delete),
    provider = Notes,
    processor = Notes,
    concurrency(updated_at = "updatedAt", require_if_match)
)]
struct Note {
    #[api(identifier, writable = false)]
    uuid: String,
    #[api(required)]
    body: String,
    /// Optional in the declaration, but the column takes no null.
    tag: Option<String>,
    #[api(writable = false)]
    updated_at: DateTime<Utc>,
}

const SQLITE_TABLES: &str = "
CREATE TABLE books (
    isbn       TEXT PRIMARY KEY,
    title      TEXT    NOT NULL,
    page_count INTEGER NOT NULL DEFAULT 0,
    price      REAL    NOT NULL DEFAULT 0,
    available  INTEGER NOT NULL DEFAULT 1,
    published  TEXT,
    tags       TEXT    NOT NULL DEFAULT '[]',
    code       TEXT UNIQUE,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE chapters (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    isbn     TEXT    NOT NULL REFERENCES books (isbn) ON DELETE CASCADE,
    title    TEXT    NOT NULL,
    position INTEGER NOT NULL CHECK (position > 0)
);
CREATE TABLE notes (
    uuid TEXT PRIMARY KEY, body TEXT NOT NULL, tag TEXT NOT NULL DEFAULT 'none',
    updated_at TEXT NOT NULL
);
CREATE TABLE loans (id INTEGER PRIMARY KEY, isbn TEXT NOT NULL REFERENCES books (isbn));
";

const POSTGRES_TABLES: &str = "
CREATE TABLE books (
    isbn       TEXT PRIMARY KEY,
    title      TEXT             NOT NULL,
    page_count BIGINT           NOT NULL DEFAULT 0,
    price      DOUBLE PRECISION NOT NULL DEFAULT 0,
    available  BOOLEAN          NOT NULL DEFAULT TRUE,
    published  TEXT,
    tags       TEXT             NOT NULL DEFAULT '[]',
    code       TEXT UNIQUE,
    version    BIGINT           NOT NULL DEFAULT 1
);
CREATE TABLE chapters (
    id       BIGSERIAL PRIMARY KEY,
    isbn     TEXT   NOT NULL REFERENCES books (isbn) ON DELETE CASCADE,
    title    TEXT   NOT NULL,
    position BIGINT NOT NULL CHECK (position > 0)
);
CREATE TABLE notes (
    uuid TEXT PRIMARY KEY, body TEXT NOT NULL, tag TEXT NOT NULL DEFAULT 'none',
    updated_at TEXT NOT NULL
);
CREATE TABLE loans (id BIGSERIAL PRIMARY KEY, isbn TEXT NOT NULL REFERENCES books (isbn));
";

/// The application over a database, with the database to count statements on.
struct Library {
    router: Router,
    db: Database,
    _dir: Option<TempDir>,
}

async fn library(db: Database, dir: Option<TempDir>) -> Library {
    let tables = match db.dialect() {
        Dialect::Sqlite => SQLITE_TABLES,
        Dialect::Postgres => POSTGRES_TABLES,
    };
    for statement in tables.split(';').filter(|s| !s.trim().is_empty()) {
        db.pool()
            .execute(sqlx::AssertSqlSafe(statement.to_owned()))
            .await
            .expect("the test tables are created");
    }
    let books = SqlStore::<Book>::new(&db);
    let chapters = SqlStore::<Chapter>::new(&db);
    let notes = SqlStore::<Note>::new(&db);
    let router = Application::new("library")
        .convention(JsonApi::new())
        .resource::<Book>(books.clone(), books)
        .resource::<Chapter>(chapters.clone(), chapters)
        .resource::<Note>(notes.clone(), notes)
        .build();
    Library {
        router,
        db,
        _dir: dir,
    }
}

/// The library on an SQLite file (several connections, as in production).
async fn on_sqlite() -> Library {
    let dir = TempDir::new("store");
    let db = Database::connect(&dir.sqlite_url("library.db"))
        .await
        .expect("SQLite opens");
    library(db, Some(dir)).await
}

/// The library on a fresh PostgreSQL database, when the test cluster is configured.
async fn on_postgres() -> Option<Library> {
    let url = crate::postgres::fresh_database().await?;
    let db = Database::connect(&url).await.expect("PostgreSQL opens");
    Some(library(db, None).await)
}

/// Runs a scenario on SQLite, then on PostgreSQL when there is a cluster.
macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$scenario(super::on_sqlite().await).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(library) = super::on_postgres().await {
                    super::$scenario(library).await;
                }
            }
        }
    };
}

fn book(isbn: &str, title: &str) -> Value {
    json!({"data": {"type": "books", "id": isbn, "attributes": {
        "title": title, "pages": 120, "price": 9.5, "published": "2020-02-29",
        "tags": ["sea", "ships"]
    }}})
}

async fn post_book(library: &Library, isbn: &str, title: &str) -> Answer {
    call(Method::POST, "/books")
        .jsonapi(&book(isbn, title))
        .send(&library.router)
        .await
}

fn patch(kind: &str, id: &str, attributes: &Value) -> Value {
    json!({"data": {"type": kind, "id": id, "attributes": attributes}})
}

on_both!(crud, every_operation_round_trips);
async fn every_operation_round_trips(library: Library) {
    let created = post_book(&library, "978-1", "Moby Dick").await;
    let document = jsonapi_document(&created, StatusCode::CREATED);
    assert_eq!(
        created.header("location"),
        Some("http://shop.test/books/978-1")
    );
    assert_eq!(created.header("etag"), Some("\"1\""));
    let attributes = &document["data"]["attributes"];
    assert_eq!(attributes["title"], "Moby Dick");
    assert_eq!(attributes["pages"], 120);
    assert_eq!(attributes["price"], 9.5);
    assert_eq!(attributes["available"], true, "the declared default");
    assert_eq!(attributes["published"], "2020-02-29");
    assert_eq!(attributes["tags"], json!(["sea", "ships"]));
    assert_eq!(attributes["version"], 1);
    assert!(attributes.get("secret").is_none());

    let read = get("/books/978-1").send(&library.router).await;
    let read_document = jsonapi_document(&read, StatusCode::OK);
    assert_eq!(read_document["data"], document["data"]);
    assert_eq!(read.header("etag"), Some("\"1\""));

    let replaced = call(Method::PUT, "/books/978-1")
        .jsonapi(&patch(
            "books",
            "978-1",
            &json!({"title": "Moby-Dick", "pages": 600}),
        ))
        .send(&library.router)
        .await;
    let replaced = jsonapi_document(&replaced, StatusCode::OK);
    let attributes = &replaced["data"]["attributes"];
    assert_eq!(attributes["title"], "Moby-Dick");
    assert_eq!(attributes["pages"], 600);
    assert_eq!(attributes["price"], 0.0, "Put resets what it does not send");
    assert_eq!(attributes["tags"], json!([]));
    assert_eq!(attributes["published"], Value::Null);
    assert_eq!(attributes["version"], 2);

    let list = get("/books?filter[title]=Moby-Dick&fields[books]=title")
        .send(&library.router)
        .await;
    let list = jsonapi_document(&list, StatusCode::OK);
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["data"][0]["attributes"], json!({"title": "Moby-Dick"}));

    let deleted = call(Method::DELETE, "/books/978-1")
        .send(&library.router)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = get("/books/978-1").send(&library.router).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let again = call(Method::DELETE, "/books/978-1")
        .send(&library.router)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

on_both!(patch_columns, patch_writes_only_the_sent_columns);
async fn patch_writes_only_the_sent_columns(library: Library) {
    post_book(&library, "978-2", "Dune").await;
    let before = library.db.statements();
    let patched = call(Method::PATCH, "/books/978-2")
        .jsonapi(&patch("books", "978-2", &json!({"price": 12.0})))
        .send(&library.router)
        .await;
    let document = jsonapi_document(&patched, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["price"], 12.0);
    assert_eq!(document["data"]["attributes"]["title"], "Dune");
    assert_eq!(patched.header("etag"), Some("\"2\""));
    // The stored item is read once, then one UPDATE ... RETURNING writes and answers.
    assert_eq!(library.db.statements() - before, 2);

    // Four PATCHes of different properties at once: every one survives (SPEC §12.2).
    let changes = [
        json!({"title": "Dune Messiah"}),
        json!({"pages": 256}),
        json!({"available": false}),
        json!({"code": "DM"}),
    ];
    let requests = changes.iter().map(|change| {
        call(Method::PATCH, "/books/978-2")
            .jsonapi(&patch("books", "978-2", change))
            .send(&library.router)
    });
    for answer in futures_util::future::join_all(requests).await {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    }
    let read = get("/books/978-2").send(&library.router).await;
    let attributes = jsonapi_document(&read, StatusCode::OK)["data"]["attributes"].clone();
    assert_eq!(attributes["title"], "Dune Messiah");
    assert_eq!(attributes["pages"], 256);
    assert_eq!(attributes["available"], false);
    assert_eq!(attributes["code"], "DM");
    assert_eq!(attributes["price"], 12.0);
    assert_eq!(attributes["version"], 6, "each write counted once");
}

on_both!(preconditions, stale_writes_are_refused);
async fn stale_writes_are_refused(library: Library) {
    post_book(&library, "978-3", "Emma").await;
    let not_modified = get("/books/978-3")
        .header("if-none-match", "\"1\"")
        .send(&library.router)
        .await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    assert_eq!(not_modified.header("etag"), Some("\"1\""));
    assert!(not_modified.body.is_empty());
    let modified = get("/books/978-3")
        .header("if-none-match", "\"0\"")
        .send(&library.router)
        .await;
    assert_eq!(modified.status, StatusCode::OK);
    // `If-None-Match` on a write: `*` (the item exists) or the current tag refuse it.
    for tag in ["*", "\"1\""] {
        let refused = call(Method::PATCH, "/books/978-3")
            .header("if-none-match", tag)
            .jsonapi(&patch("books", "978-3", &json!({"pages": 5})))
            .send(&library.router)
            .await;
        assert_eq!(refused.status, StatusCode::PRECONDITION_FAILED, "{tag}");
    }

    let first = call(Method::PATCH, "/books/978-3")
        .header("if-match", "\"1\"")
        .jsonapi(&patch("books", "978-3", &json!({"title": "Emma (1815)"})))
        .send(&library.router)
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(first.header("etag"), Some("\"2\""));
    let second = call(Method::PATCH, "/books/978-3")
        .header("if-match", "\"1\"")
        .jsonapi(&patch("books", "978-3", &json!({"pages": 1})))
        .send(&library.router)
        .await;
    let errors = jsonapi_errors(&second, StatusCode::PRECONDITION_FAILED);
    assert_eq!(errors[0]["code"], "precondition_failed");
    let stale_delete = call(Method::DELETE, "/books/978-3")
        .header("if-match", "\"1\"")
        .send(&library.router)
        .await;
    assert_eq!(stale_delete.status, StatusCode::PRECONDITION_FAILED);
    let read = get("/books/978-3").send(&library.router).await;
    let attributes = jsonapi_document(&read, StatusCode::OK)["data"]["attributes"].clone();
    assert_eq!(
        attributes["pages"], 120,
        "the refused write changed nothing"
    );
    assert_eq!(attributes["version"], 2);

    // Two clients that read the same version: exactly one write succeeds.
    let racing = (0..6).map(|n| {
        call(Method::PATCH, "/books/978-3")
            .header("if-match", "\"2\"")
            .jsonapi(&patch("books", "978-3", &json!({"pages": 10 + n})))
            .send(&library.router)
    });
    let answers = futures_util::future::join_all(racing).await;
    let won = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    let lost = answers
        .iter()
        .filter(|a| a.status == StatusCode::PRECONDITION_FAILED)
        .count();
    assert_eq!((won, lost), (1, 5));
    let matching = call(Method::DELETE, "/books/978-3")
        .header("if-match", "\"3\"")
        .send(&library.router)
        .await;
    assert_eq!(matching.status, StatusCode::NO_CONTENT);
}

on_both!(required_preconditions, notes_need_if_match);
async fn notes_need_if_match(library: Library) {
    let created = call(Method::POST, "/notes")
        .jsonapi(&json!({"data": {"type": "notes", "attributes": {"body": "hello", "tag": "t"}}}))
        .send(&library.router)
        .await;
    let document = jsonapi_document(&created, StatusCode::CREATED);
    let uuid = document["data"]["id"].as_str().expect("an id").to_owned();
    assert_eq!(uuid.len(), 36, "a UUID: {uuid}");
    let tag = created.header("etag").expect("an ETag").to_owned();
    // The time of the write, to the microsecond.
    let seconds = &document["data"]["attributes"]["updatedAt"]
        .as_str()
        .unwrap()[..19];
    assert!(tag.starts_with(&format!("\"{seconds}.")), "{tag}");
    assert_eq!(
        tag.len(),
        "\"2024-01-01T00:00:00.000000+00:00\"".len(),
        "{tag}"
    );
    let url = format!("/notes/{uuid}");
    let unconditional = call(Method::PATCH, &url)
        .jsonapi(&patch("notes", &uuid, &json!({"body": "changed"})))
        .send(&library.router)
        .await;
    let errors = jsonapi_errors(&unconditional, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(errors[0]["code"], "if_match_required");
    let delete = call(Method::DELETE, &url).send(&library.router).await;
    assert_eq!(delete.status, StatusCode::PRECONDITION_REQUIRED);
    // A null the column does not take: 422 at the property, nothing written.
    let null = call(Method::PATCH, &url)
        .header("if-match", &tag)
        .jsonapi(&patch("notes", &uuid, &json!({"tag": null})))
        .send(&library.router)
        .await;
    let errors = jsonapi_errors(&null, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors[0]["code"], "constraint");
    assert_eq!(pointers(&errors), ["/data/attributes/tag"]);
    let conditional = call(Method::PATCH, &url)
        .header("if-match", &tag)
        .jsonapi(&patch("notes", &uuid, &json!({"body": "changed"})))
        .send(&library.router)
        .await;
    assert_eq!(conditional.status, StatusCode::OK, "{}", conditional.text());
    let note = jsonapi_document(&conditional, StatusCode::OK);
    assert_eq!(note["data"]["attributes"]["tag"], "t");
    // Writes within one second are still two versions: the old tag is stale at once.
    let next = conditional.header("etag").expect("an ETag").to_owned();
    assert_ne!(next, tag);
    let stale = call(Method::PATCH, &url)
        .header("if-match", &tag)
        .jsonapi(&patch("notes", &uuid, &json!({"body": "lost"})))
        .send(&library.router)
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let again = call(Method::PATCH, &url)
        .header("if-match", &next)
        .jsonapi(&patch("notes", &uuid, &json!({"body": "kept"})))
        .send(&library.router)
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert_ne!(again.header("etag"), Some(next.as_str()));

    // A database that cannot be reached: 503, never a 500.
    library.db.pool().close().await;
    let closed = get(&url).send(&library.router).await;
    let errors = jsonapi_errors(&closed, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(errors[0]["code"], "unavailable");
    assert_eq!(closed.header("retry-after"), Some("1"));
}

on_both!(constraints, violations_are_answers);
async fn violations_are_answers(library: Library) {
    post_book(&library, "978-4", "Ulysses").await;
    let duplicate = post_book(&library, "978-4", "Ulysses again").await;
    let errors = jsonapi_errors(&duplicate, StatusCode::CONFLICT);
    assert_eq!(errors[0]["code"], "unique");
    post_book(&library, "978-5", "Dubliners").await;
    for isbn in ["978-4", "978-5"] {
        let coded = call(Method::PATCH, &format!("/books/{isbn}"))
            .jsonapi(&patch("books", isbn, &json!({"code": "JJ"})))
            .send(&library.router)
            .await;
        if isbn == "978-4" {
            assert_eq!(coded.status, StatusCode::OK);
        } else {
            let errors = jsonapi_errors(&coded, StatusCode::CONFLICT);
            assert_eq!(pointers(&errors), ["/data/attributes/code"]);
        }
    }
    let unchanged = get("/books/978-5").send(&library.router).await;
    let attributes = jsonapi_document(&unchanged, StatusCode::OK)["data"]["attributes"].clone();
    assert_eq!(attributes["code"], Value::Null);
    assert_eq!(
        attributes["version"], 1,
        "the refused write changed nothing"
    );

    let chapter = |title: &str, position: i64| json!({"data": {"type": "chapters", "attributes": {"title": title, "position": position}}});
    let checked = call(Method::POST, "/books/978-4/chapters")
        .jsonapi(&chapter("Telemachus", 0))
        .send(&library.router)
        .await;
    let errors = jsonapi_errors(&checked, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors[0]["code"], "constraint");
    assert_eq!(pointers(&errors), ["/data/attributes/position"]);

    // A book that a loan still refers to cannot go: 409, and it stays.
    library
        .db
        .pool()
        .execute("INSERT INTO loans (isbn) VALUES ('978-4')")
        .await
        .expect("a loan");
    let referenced = call(Method::DELETE, "/books/978-4")
        .send(&library.router)
        .await;
    let errors = jsonapi_errors(&referenced, StatusCode::CONFLICT);
    assert_eq!(errors[0]["code"], "reference");
    let kept = get("/books/978-4").send(&library.router).await;
    assert_eq!(kept.status, StatusCode::OK);

    // Text no column can hold: 422 at the property, 404 in a URL, never a 500.
    let nul = call(Method::PATCH, "/books/978-4")
        .jsonapi(&patch("books", "978-4", &json!({"title": "Ulys\u{0}ses"})))
        .send(&library.router)
        .await;
    let errors = jsonapi_errors(&nul, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointers(&errors), ["/data/attributes/title"]);
    for url in ["/books/978%00-4", "/books/978%00-4/chapters"] {
        let answer = get(url).send(&library.router).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{url}");
    }
}

on_both!(sub_resources, chapters_belong_to_their_book);
async fn chapters_belong_to_their_book(library: Library) {
    post_book(&library, "978-6", "Ulysses").await;
    let chapter = |title: &str, position: i64| json!({"data": {"type": "chapters", "attributes": {"title": title, "position": position}}});
    let missing = call(Method::POST, "/books/978-0/chapters")
        .jsonapi(&chapter("Nowhere", 1))
        .send(&library.router)
        .await;
    let errors = jsonapi_errors(&missing, StatusCode::NOT_FOUND);
    assert_eq!(errors[0]["detail"], "Book 978-0 not found.");
    let mut ids = Vec::new();
    for (position, title) in ["Telemachus", "Nestor", "Proteus"].iter().enumerate() {
        let created = call(Method::POST, "/books/978-6/chapters")
            .jsonapi(&chapter(title, position as i64 + 1))
            .send(&library.router)
            .await;
        let document = jsonapi_document(&created, StatusCode::CREATED);
        assert_eq!(document["data"]["attributes"]["isbn"], "978-6");
        ids.push(document["data"]["id"].as_str().unwrap().to_owned());
    }
    assert_ne!(ids[0], ids[1], "the database numbers them");
    let list = get("/books/978-6/chapters?sort=-position")
        .send(&library.router)
        .await;
    let list = jsonapi_document(&list, StatusCode::OK);
    let titles: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["attributes"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Proteus", "Nestor", "Telemachus"]);
    let elsewhere = get(&format!("/books/978-0/chapters/{}", ids[0]))
        .send(&library.router)
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    let no_book = get("/books/978-0/chapters").send(&library.router).await;
    assert_eq!(no_book.status, StatusCode::NOT_FOUND);

    // A hash of the state versions chapters: a stale one is refused.
    let url = format!("/books/978-6/chapters/{}", ids[0]);
    let read = get(&url).send(&library.router).await;
    let tag = read.header("etag").expect("an ETag").to_owned();
    let renamed = call(Method::PATCH, &url)
        .header("if-match", &tag)
        .jsonapi(&patch("chapters", &ids[0], &json!({"title": "I"})))
        .send(&library.router)
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
    assert_ne!(renamed.header("etag"), Some(tag.as_str()));
    let stale = call(Method::PATCH, &url)
        .header("if-match", &tag)
        .jsonapi(&patch("chapters", &ids[0], &json!({"title": "II"})))
        .send(&library.router)
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);

    let included = get("/books/978-6?include=chapters")
        .send(&library.router)
        .await;
    let included = jsonapi_document(&included, StatusCode::OK);
    assert_eq!(included["included"].as_array().map(Vec::len), Some(3));

    let everything = get("/books/978-6/chapters?pagination=false")
        .send(&library.router)
        .await;
    let everything = jsonapi_document(&everything, StatusCode::OK);
    assert_eq!(everything["data"].as_array().map(Vec::len), Some(3));
    let streamed = get("/books?pagination=false").send(&library.router).await;
    let streamed = jsonapi_document(&streamed, StatusCode::OK);
    assert_eq!(streamed["data"].as_array().map(Vec::len), Some(1));

    let deleted = call(Method::DELETE, "/books/978-6")
        .send(&library.router)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
}

/// A database that stays busy (another writer holds SQLite's lock): the write is tried
/// again, then answered with 503 and `Retry-After`, and works once the lock is gone.
#[tokio::test]
async fn a_busy_database_is_503_with_retry_after() {
    let dir = TempDir::new("store-busy");
    let url = format!("{}?mode=rwc", dir.sqlite_url("library.db"));
    let pool = crate::common::impatient_sqlite(&url).await;
    let db = Database::new(pool, Dialect::Sqlite).attempts(3);
    let library = library(db, Some(dir)).await;
    post_book(&library, "978-7", "Busy").await;

    let mut other = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("a second connection");
    other
        .execute("BEGIN IMMEDIATE")
        .await
        .expect("the other writer takes the lock");
    let before = library.db.statements();
    let busy = call(Method::PATCH, "/books/978-7")
        .jsonapi(&patch("books", "978-7", &json!({"pages": 2})))
        .send(&library.router)
        .await;
    let errors = jsonapi_errors(&busy, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(errors[0]["code"], "unavailable");
    assert_eq!(busy.header("retry-after"), Some("1"));
    // The item was read once; the UPDATE was tried three times.
    assert_eq!(library.db.statements() - before, 4);

    other
        .execute("ROLLBACK")
        .await
        .expect("the lock is released");
    let done = call(Method::PATCH, "/books/978-7")
        .jsonapi(&patch("books", "978-7", &json!({"pages": 2})))
        .send(&library.router)
        .await;
    let document = jsonapi_document(&done, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["pages"], 2);
}

/// OpenAPI documents the versions (SPEC §12.1): `ETag` on reads and writes, `If-None-Match`
/// and 304 on Get, `If-Match` and 412 on writes, required with 428 where the resource says.
#[tokio::test]
async fn openapi_documents_entity_tags_and_preconditions() {
    let library = on_sqlite().await;
    let document = glue_openapi::document(
        library.router.model(),
        &glue_openapi::ApiInfo::new("Library", "1.0.0"),
        "http://localhost",
        None,
    );
    let operation = |path: &str, method: &str| document["paths"][path][method].clone();
    let parameter = |operation: &Value, name: &str| {
        operation["parameters"]
            .as_array()
            .and_then(|parameters| parameters.iter().find(|p| p["name"] == name).cloned())
    };
    let get_book = operation("/books/{isbn}", "get");
    assert!(get_book["responses"]["200"]["headers"]["ETag"].is_object());
    assert!(get_book["responses"]["304"].is_object());
    let if_none_match = parameter(&get_book, "If-None-Match").expect("If-None-Match");
    assert_eq!(if_none_match["in"], "header");
    for method in ["put", "patch", "delete"] {
        let write = operation("/books/{isbn}", method);
        assert!(write["responses"]["412"].is_object(), "{method}");
        assert!(write["responses"].get("428").is_none(), "{method}");
        let if_match = parameter(&write, "If-Match").expect("If-Match");
        assert_ne!(if_match["required"], true, "{method}");
    }
    assert!(operation("/books", "post")["responses"]["201"]["headers"]["ETag"].is_object());
    let patch_note = operation("/notes/{uuid}", "patch");
    assert!(patch_note["responses"]["428"].is_object());
    assert_eq!(
        parameter(&patch_note, "If-Match").expect("If-Match")["required"],
        true
    );
    let list = operation("/books", "get");
    assert!(list["responses"]["200"]["headers"].get("ETag").is_none());
    assert!(parameter(&list, "If-None-Match").is_none());
}

/// Identifiers from the application's own function.
#[tokio::test]
async fn identifiers_can_come_from_a_function() {
    let library = on_sqlite().await;
    let next = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let notes = Notes::new(&library.db).identifiers(glue_sql::Identifiers::Function(
        std::sync::Arc::new(move || {
            let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            format!("note-{n}")
        }),
    ));
    let router = Application::new("notes")
        .convention(JsonApi::new())
        .resource::<Note>(notes.clone(), notes)
        .build();
    for n in 1..=2 {
        let created = call(Method::POST, "/notes")
            .jsonapi(&json!({"data": {"type": "notes", "attributes": {"body": "b", "tag": "t"}}}))
            .send(&router)
            .await;
        let document = jsonapi_document(&created, StatusCode::CREATED);
        assert_eq!(document["data"]["id"], format!("note-{n}"));
    }
    let read = get("/notes/note-2").send(&router).await;
    assert_eq!(read.status, StatusCode::OK);
}
