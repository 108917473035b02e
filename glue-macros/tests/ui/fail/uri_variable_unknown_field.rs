#![allow(unused_imports)]
use glue_core::ApiResource;

struct Addresses;

#[derive(ApiResource, Clone)]
#[api(
    operations(GetCollection(uri_template = "/customers/{customerReference}/addresses")),
    provider = Addresses,
    uri_variables(customerReference = no_such_field),
)]
struct CustomerAddress {
    #[api(identifier)]
    uuid: String,
    customer_reference: String,
    street: String,
}

fn main() {}
