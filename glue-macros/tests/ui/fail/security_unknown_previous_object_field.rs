#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(
    operations(Get, Patch(security_post_denormalize = "previous_object.status != 'closed' and object.balance >= 0")),
    provider = Customers,
    processor = Customers
)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
    state: String,
    balance: i64,
}

fn main() {}
