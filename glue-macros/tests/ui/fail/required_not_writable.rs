#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = Customers)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
    #[api(writable = false, required)]
    created_at: String,
}

fn main() {}
