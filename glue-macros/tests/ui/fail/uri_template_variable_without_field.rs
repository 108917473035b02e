#![allow(unused_imports)]
use glue_core::ApiResource;

struct Addresses;

#[derive(ApiResource, Clone)]
#[api(
    operations(GetCollection(uri_template = "/customers/{customerReference}/addresses")),
    provider = Addresses,
)]
struct CustomerAddress {
    #[api(identifier)]
    uuid: String,
    street: String,
}

fn main() {}
