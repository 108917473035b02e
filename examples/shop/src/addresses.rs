//! `customers-addresses`: a sub-resource of customers at
//! `/customers/{customerReference}/addresses` (SPEC §11.3).

use glue_core::ApiResource;
use glue_sql::SqlStore;
use validator::Validate;

use crate::codes;

/// Addresses in the `customer_addresses` table: a UUID each, the customer from the URL, who
/// must exist (the `customer` relationship names the table to look in).
pub type AddressStore = SqlStore<Address>;

/// A postal address of a customer.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    name = "CustomersAddresses",
    short_name = "customers-addresses",
    table = "customer_addresses",
    label = "Address",
    operations(
        GetCollection(uri_template = "/customers/{customerReference}/addresses"),
        Post(
            uri_template = "/customers/{customerReference}/addresses",
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing addresses needs ROLE_ADMIN."
        ),
        Get(uri_template = "/customers/{customerReference}/addresses/{uuid}"),
        Put(
            uri_template = "/customers/{customerReference}/addresses/{uuid}",
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing addresses needs ROLE_ADMIN."
        ),
        Patch(
            uri_template = "/customers/{customerReference}/addresses/{uuid}",
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing addresses needs ROLE_ADMIN."
        ),
        Delete(
            uri_template = "/customers/{customerReference}/addresses/{uuid}",
            security = "is_granted('ROLE_ADMIN')",
            security_message = "Changing addresses needs ROLE_ADMIN."
        ),
    ),
    uri_variables(customerReference = customer_reference),
    security = "is_granted('ROLE_VIEWER') or is_granted('ROLE_ADMIN')",
    security_message = "Reading addresses needs ROLE_VIEWER or ROLE_ADMIN.",
    provider = AddressStore,
    processor = AddressStore,
    concurrency(version = "version"),
    relationships(customer(
        target = crate::customers::Customer,
        key = "customerReference",
        description = "The customer the address belongs to"
    )),
)]
pub struct Address {
    /// The address id, assigned by the shop.
    #[api(identifier, writable = false, format = "uuid")]
    pub uuid: String,
    /// The customer the address belongs to (from the URL).
    #[api(writable = false, example = "DE--1")]
    pub customer_reference: String,
    /// Street and number.
    #[api(required, example = "Julie-Wolfthorn-Straße 1")]
    #[validate(length(min = 1, max = 255))]
    pub address1: String,
    /// Additional address line.
    #[validate(length(max = 255))]
    pub address2: Option<String>,
    /// Postal code.
    #[api(required, example = "10115")]
    #[validate(length(min = 1, max = 20))]
    pub zip_code: String,
    /// City.
    #[api(required, example = "Berlin")]
    #[validate(length(min = 1, max = 100))]
    pub city: String,
    /// ISO 3166-1 alpha-2 country code.
    #[api(required, example = "DE", enum_values = codes::COUNTRIES)]
    pub country: String,
    /// Whether this is the customer's default address.
    #[api(default = false)]
    pub is_default: bool,
    /// The version of the row, for `ETag` and `If-Match`.
    #[api(readable = false, writable = false)]
    pub version: i64,
}
