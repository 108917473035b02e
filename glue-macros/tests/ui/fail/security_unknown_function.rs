#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(
    operations(Get),
    provider = Customers,
    security = "has_role('ROLE_ADMIN')"
)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
}

fn main() {}
