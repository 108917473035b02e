#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(
    operations(Get),
    provider = Customers,
    security = "object.customerRefernce == user.customerReference"
)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
}

fn main() {}
