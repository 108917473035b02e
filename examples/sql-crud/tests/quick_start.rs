//! The quick start as a user runs it: the binary serves every operation of `books` over a
//! fresh SQLite file, with versions.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const JSONAPI: &str = "application/vnd.api+json";

#[tokio::test]
async fn the_quick_start_serves_books() {
    let dir = std::env::temp_dir().join(format!("glue-quick-start-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_example-sql-crud"))
        .env(
            "BOOKS_DATABASE_URL",
            format!("sqlite://{}", dir.join("books.db").display()),
        )
        .env("BOOKS_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("the quick start starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("it prints where it serves");
    assert!(line.contains(&format!("127.0.0.1:{port}/books")), "{line}");

    let base = format!("http://127.0.0.1:{port}/books");
    let client = reqwest::Client::new();
    let created = client
        .post(&base)
        .header("content-type", JSONAPI)
        .body(json!({"data": {"type": "books", "attributes": {"title": "Dune"}}}).to_string())
        .send()
        .await
        .expect("an answer");
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.headers()["etag"], "\"1\"");
    let document: Value = serde_json::from_str(&created.text().await.unwrap()).unwrap();
    let id = document["data"]["id"].as_str().expect("an id").to_owned();
    let patch = |tag: &str| {
        client
            .patch(format!("{base}/{id}"))
            .header("content-type", JSONAPI)
            .header("if-match", tag)
            .body(
                json!({"data": {"type": "books", "id": id, "attributes": {"author": "Herbert"}}})
                    .to_string(),
            )
            .send()
    };
    assert_eq!(patch("\"1\"").await.unwrap().status().as_u16(), 200);
    assert_eq!(patch("\"1\"").await.unwrap().status().as_u16(), 412);
    let listed = client.get(&base).send().await.expect("an answer");
    let list: Value = serde_json::from_str(&listed.text().await.unwrap()).unwrap();
    assert_eq!(list["data"][0]["attributes"]["author"], "Herbert");
    let deleted = client.delete(format!("{base}/{id}")).send().await.unwrap();
    assert_eq!(deleted.status().as_u16(), 204);

    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
