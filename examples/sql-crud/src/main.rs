//! A full CRUD resource over an SQLite table: the README's quick start.
use glue_core::{ApiResource, Application};
use glue_sql::{Database, SqlResources, SqlStore};

type Books = SqlStore<Book>;

/// A book: every operation, ETag and If-Match, from this declaration.
#[derive(ApiResource, Clone, Debug)]
#[api(table = "books", operations(Get, GetCollection, Post, Put, Patch, Delete),
      provider = Books, processor = Books, concurrency(version = "version"))]
struct Book {
    #[api(identifier, writable = false)]
    id: i64,
    #[api(required)]
    title: String,
    author: Option<String>,
    #[api(writable = false)]
    version: i64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let db = Database::connect(&env("BOOKS_DATABASE_URL", "sqlite://books.db")).await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, \
                 author TEXT, version INTEGER NOT NULL DEFAULT 1)",
    )
    .execute(db.pool())
    .await?;
    let api = Application::new("books")
        .convention(glue_jsonapi::JsonApi::new())
        .sql_resource::<Book>(&db)
        .build();
    let listener = tokio::net::TcpListener::bind(env("BOOKS_ADDR", "127.0.0.1:3000")).await?;
    println!("books on http://{}/books", listener.local_addr()?);
    axum::serve(listener, axum::Router::new().fallback_service(api)).await?;
    Ok(())
}
