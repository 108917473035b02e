#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(operations(GetCollection, Get), provider = Customers)]
struct Customer {
    customer_reference: String,
    email: String,
}

fn main() {}
