#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(
    operations(Get, GetCollection),
    provider = Customers,
    pagination(items_per_page = 50, maximum_items_per_page = 10),
)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
    email: String,
}

fn main() {}
