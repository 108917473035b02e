#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(operations(Get(cache_control = "no-store\n")), provider = Customers)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
}

fn main() {}
