#![allow(unused_imports)]
use glue_core::ApiResource;

struct Store;

#[derive(ApiResource, Clone)]
#[api(
    operations(Get),
    provider = Store,
    relationships(addresses(target = Address, many, keys(customer_reference = owner)))
)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
}

#[derive(ApiResource, Clone)]
#[api(operations(Get), provider = Store)]
struct Address {
    #[api(identifier)]
    uuid: String,
    customer_reference: String,
}

fn main() {}

impl ::glue_core::ItemProvider<Customer> for Store {
    async fn item(&self, _: &::glue_core::Context<Customer>) -> ::core::result::Result<::core::option::Option<Customer>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}

impl ::glue_core::ItemProvider<Address> for Store {
    async fn item(&self, _: &::glue_core::Context<Address>) -> ::core::result::Result<::core::option::Option<Address>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}

impl ::glue_core::CollectionProvider<Address> for Store {
    async fn collection(&self, _: &::glue_core::Context<Address>) -> ::core::result::Result<::glue_core::Paginated<Address>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::glue_core::Paginated::unpaginated(::std::vec::Vec::new()))
    }
}
