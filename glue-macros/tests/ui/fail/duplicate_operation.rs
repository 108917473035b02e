#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection, Get), provider = Customers)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
    email: String,
}

fn main() {}
