//! A sub-resource: its routes carry the parent's identifier, mapped to a field.

use std::borrow::Cow;

use glue_core::{ApiResource, Resource};
use glue_core::meta::{OperationKind};
use glue_core::resource::{WriteInput, WriteMode};

struct Addresses;

impl ::glue_core::ItemProvider<CustomerAddress> for Addresses {
    async fn item(&self, _: &::glue_core::Context<CustomerAddress>) -> ::core::result::Result<::core::option::Option<CustomerAddress>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}

impl ::glue_core::CollectionProvider<CustomerAddress> for Addresses {
    async fn collection(&self, _: &::glue_core::Context<CustomerAddress>) -> ::core::result::Result<::glue_core::Paginated<CustomerAddress>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::glue_core::Paginated::unpaginated(::std::vec::Vec::new()))
    }
}




#[derive(ApiResource, Clone)]
#[api(
    operations(
        GetCollection(uri_template = "/customers/{customerReference}/addresses"),
        Get(uri_template = "/customers/{customerReference}/addresses/{uuid}"),
    ),
    provider = Addresses,
    uri_variables(customerReference = customer_reference),
)]
struct CustomerAddress {
    #[api(identifier)]
    uuid: String,
    #[api(writable = false)]
    customer_reference: String,
    street: String,
    city: String,
}

fn main() {
    let meta = CustomerAddress::meta();
    assert_eq!(meta.short_name, "customer-addresses");
    assert_eq!(meta.name, "CustomerAddresses");
    assert_eq!(meta.label, "Customer address");
    let variables: Vec<(&str, &str)> = meta
        .uri_variables
        .iter()
        .map(|variable| (variable.name, variable.property))
        .collect();
    assert_eq!(
        variables,
        [("uuid", "uuid"), ("customerReference", "customerReference")]
    );
    assert_eq!(
        meta.route(meta.operation(OperationKind::Get).unwrap()),
        "/customers/{customerReference}/addresses/{uuid}"
    );
    assert_eq!(
        meta.uri_variable_property("customerReference")
            .unwrap()
            .field,
        "customer_reference"
    );
    let reference = meta.property("customerReference").unwrap();
    assert!(reference.readable && !reference.writable);

    let address = CustomerAddress {
        uuid: "a1".to_owned(),
        customer_reference: "DE-99".to_owned(),
        street: "Hauptstraße 1".to_owned(),
        city: "Berlin".to_owned(),
    };
    assert_eq!(address.id(), "a1");
    assert_eq!(address.uri_value("uuid").as_deref(), Some("a1"));
    assert_eq!(
        address.uri_value("customerReference").as_deref(),
        Some("DE-99")
    );
    assert_eq!(address.uri_value("city"), None);

    // Without Post there is no new item to build.
    let mut input = WriteInput::new(WriteMode::Create, Vec::new(), None, &[]);
    assert!(CustomerAddress::from_input(&mut input, None).is_none());
    let _: Cow<'_, str> = address.id();
}
