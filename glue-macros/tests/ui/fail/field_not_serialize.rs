#![allow(unused_imports)]
use glue_core::ApiResource;

#[derive(Clone, serde::Deserialize)]
struct Money {
    cents: i64,
}

struct Invoices;

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = Invoices)]
struct Invoice {
    #[api(identifier)]
    number: String,
    total: Money,
}

fn main() {}

impl ::glue_core::ItemProvider<Invoice> for Invoices {
    async fn item(&self, _: &::glue_core::Context<Invoice>) -> ::core::result::Result<::core::option::Option<Invoice>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}

impl ::glue_core::CollectionProvider<Invoice> for Invoices {
    async fn collection(&self, _: &::glue_core::Context<Invoice>) -> ::core::result::Result<::glue_core::Paginated<Invoice>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::glue_core::Paginated::unpaginated(::std::vec::Vec::new()))
    }
}
