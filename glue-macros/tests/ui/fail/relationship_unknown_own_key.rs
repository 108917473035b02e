#![allow(unused_imports)]
use glue_core::ApiResource;

struct Store;
impl glue_core::Provider<Customer> for Store {}
impl glue_core::Provider<Address> for Store {}

#[derive(ApiResource, Clone)]
#[api(
    operations(Get),
    provider = Store,
    relationships(addresses(target = Address, many, keys(reference = customerReference)))
)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
}

#[derive(ApiResource, Clone)]
#[api(operations(Get), provider = Store)]
struct Address {
    #[api(identifier)]
    uuid: String,
    customer_reference: String,
}

fn main() {}
