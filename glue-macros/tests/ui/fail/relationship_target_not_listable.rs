#![allow(unused_imports)]
use glue_core::{ApiResource, Context, GlueError, ItemProvider};

struct Store;

impl ItemProvider<Customer> for Store {
    async fn item(&self, _: &Context<Customer>) -> Result<Option<Customer>, GlueError> {
        Ok(None)
    }
}

// Addresses can be read one by one, but a relationship loads them as a collection.
impl ItemProvider<Address> for Store {
    async fn item(&self, _: &Context<Address>) -> Result<Option<Address>, GlueError> {
        Ok(None)
    }
}

#[derive(ApiResource, Clone)]
#[api(
    operations(Get),
    provider = Store,
    relationships(addresses(target = Address, many, key = "customerReference"))
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
