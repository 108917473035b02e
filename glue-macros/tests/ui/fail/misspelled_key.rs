#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = Customers)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
    #[api(tpye = "string")]
    phone: u64,
}

fn main() {}
