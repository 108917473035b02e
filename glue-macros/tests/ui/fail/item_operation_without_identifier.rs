#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;
impl glue_core::Provider<Customer> for Customers {}

#[derive(ApiResource, Clone)]
#[api(operations(GetCollection, Get), provider = Customers)]
struct Customer {
    customer_reference: String,
    email: String,
}

fn main() {}
