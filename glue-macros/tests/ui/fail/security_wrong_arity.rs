#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(
    operations(Get(security = "is_granted('EDIT', object, user)")),
    provider = Customers
)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
}

fn main() {}
