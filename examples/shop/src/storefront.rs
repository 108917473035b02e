//! The customer's own account on the storefront (SPEC §11.4): `customers/{customerReference}`
//! (Get, Patch) granted only to that customer, with the customer's addresses includable.

use chrono::{DateTime, NaiveDate, Utc};
use glue_core::ApiResource;
use glue_sql::SqlStore;
use validator::Validate;

use crate::customers::{AccountRules, account};

/// The customer's account: the `customers` row, under the same rules as on the backend.
pub type AccountStore = SqlStore<StorefrontCustomer, AccountRules>;

/// The customer's addresses, read-only.
pub type AddressBook = SqlStore<StorefrontAddress>;

/// A customer's own account, as the customer sees it.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    name = "StorefrontCustomers",
    short_name = "customers",
    label = "Customer",
    table = "customers",
    operations(Get, Patch),
    provider = AccountStore,
    processor = AccountStore,
    concurrency(version = "version"),
    security = "is_granted('ROLE_CUSTOMER') and object.customerReference == user.customerReference",
    security_message = "Customers can only see and change their own account.",
    relationships(addresses(
        target = StorefrontAddress,
        many,
        key = "customerReference",
        description = "The customer's postal addresses"
    ))
)]
pub struct StorefrontCustomer {
    /// The customer's reference.
    #[api(identifier, writable = false, example = "DE--1")]
    pub customer_reference: String,
    /// Login and contact address; unique.
    #[api(format = "email", example = "jane@example.com")]
    #[validate(email)]
    pub email: String,
    /// First name.
    #[api(example = "Jane")]
    #[validate(length(min = 1, max = 100))]
    pub first_name: String,
    /// Last name.
    #[api(example = "Doe")]
    #[validate(length(min = 1, max = 100))]
    pub last_name: String,
    /// Date of birth.
    #[api(example = "1990-01-01")]
    pub date_of_birth: Option<NaiveDate>,
    /// A new password; never shown.
    #[api(readable = false, stored = false)]
    #[validate(length(min = 8))]
    pub password: Option<String>,
    /// When the account was created.
    #[api(writable = false)]
    pub created_at: DateTime<Utc>,
    /// The version of the row, for `ETag` and `If-Match`.
    #[api(readable = false, writable = false)]
    pub version: i64,
}

account!(StorefrontCustomer);

/// One of the customer's addresses, read-only.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "StorefrontCustomersAddresses",
    short_name = "customers-addresses",
    label = "Address",
    table = "customer_addresses",
    operations(
        GetCollection(
            uri_template = "/customers/{customerReference}/addresses",
            security = "is_granted('ROLE_CUSTOMER') and request.variables.customerReference == user.customerReference"
        ),
        Get(uri_template = "/customers/{customerReference}/addresses/{uuid}"),
    ),
    uri_variables(customerReference = customer_reference),
    provider = AddressBook,
    security = "is_granted('ROLE_CUSTOMER') and object.customerReference == user.customerReference",
    security_message = "Customers can only see their own addresses.",
    pagination(enabled = false)
)]
pub struct StorefrontAddress {
    /// The address id.
    #[api(identifier, format = "uuid")]
    pub uuid: String,
    /// The customer the address belongs to.
    #[api(example = "DE--1")]
    pub customer_reference: String,
    /// Street and number.
    pub address1: String,
    /// Additional address line.
    pub address2: Option<String>,
    /// Postal code.
    pub zip_code: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Whether this is the customer's default address.
    pub is_default: bool,
}
