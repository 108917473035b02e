#![allow(unused_imports)]
use glue_core::ApiResource;

struct Customers;

#[derive(ApiResource, Clone)]
#[api(
    operations(Get),
    provider = Customers,
    security = "is_granted('ROLE_ADMIN') or (user.id == object.owner"
)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
    owner: String,
}

fn main() {}
