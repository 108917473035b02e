#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(
    operations(Get),
    provider = Customers,
    security_message = "Only administrators."
)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
}

fn main() {}
