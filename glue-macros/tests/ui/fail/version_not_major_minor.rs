#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(version = "v2", operations(Get(version = "2.1.3")), provider = Customers)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
}

fn main() {}
