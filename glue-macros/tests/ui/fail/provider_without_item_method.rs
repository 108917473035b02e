#![allow(unused_imports)]
use glue_core::{ApiResource, CollectionProvider, Context, GlueError, Paginated};

struct Books;

// `Get` is declared, but the provider only lists: before, every id answered 404.
impl CollectionProvider<Book> for Books {
    async fn collection(&self, _: &Context<Book>) -> Result<Paginated<Book>, GlueError> {
        Ok(Vec::new().into())
    }
}

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = Books)]
struct Book {
    #[api(identifier)]
    isbn: String,
}

fn main() {}
