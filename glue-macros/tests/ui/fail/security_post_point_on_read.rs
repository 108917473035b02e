#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(
    operations(Get(security_post_validation = "is_granted('ROLE_ADMIN')")),
    provider = Customers
)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
}

fn main() {}
