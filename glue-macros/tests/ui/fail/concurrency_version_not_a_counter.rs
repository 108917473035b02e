use glue_core::ApiResource;

struct Store;

/// The version must be an integer the store sets; a table name is quotable; a column too.
#[derive(ApiResource, Clone)]
#[api(
    table = "my books",
    operations(Get),
    provider = Store,
    concurrency(version = "title", require_if_match)
)]
struct Book {
    #[api(identifier)]
    isbn: String,
    title: String,
    #[api(column = "1st")]
    edition: i64,
}

/// Two version sources at once.
#[derive(ApiResource, Clone)]
#[api(operations(Get), provider = Store, concurrency(hash, version = "version"))]
struct Note {
    #[api(identifier)]
    id: String,
    #[api(writable = false)]
    version: i64,
}

/// A version without a column protects nothing.
#[derive(ApiResource, Clone)]
#[api(operations(Get), provider = Store, concurrency(version = "version"))]
struct Memo {
    #[api(identifier)]
    id: String,
    #[api(writable = false, stored = false)]
    version: i64,
}

fn main() {}
