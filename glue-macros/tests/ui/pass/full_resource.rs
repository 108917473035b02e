//! Every struct and field option at once, with chrono dates and validator rules.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use glue_core::{ApiResource, Processor, Resource};
use glue_core::meta::{OperationKind, PropertyType};
use glue_core::resource::{PropertyWriter, WriteInput, WriteMode};
use serde_json::value::RawValue;

struct Customers;

/// A code list the program uses elsewhere too, named by `enum_values = ...`.
const COUNTRIES: [&str; 3] = ["AT", "CH", "DE"];
/// The same as a slice.
const LANGUAGES: &[&str] = &["de", "en"];


impl Processor<Customer> for Customers {}

impl ::glue_core::ItemProvider<Customer> for Customers {
    async fn item(&self, _: &::glue_core::Context<Customer>) -> ::core::result::Result<::core::option::Option<Customer>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}

impl ::glue_core::CollectionProvider<Customer> for Customers {
    async fn collection(&self, _: &::glue_core::Context<Customer>) -> ::core::result::Result<::glue_core::Paginated<Customer>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::glue_core::Paginated::unpaginated(::std::vec::Vec::new()))
    }
}

impl ::glue_core::CreateProcessor<Customer> for Customers {
    async fn create(&self, _: &::glue_core::Context<Customer>, item: Customer) -> ::core::result::Result<Customer, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}

impl ::glue_core::ReplaceProcessor<Customer> for Customers {
    async fn replace(&self, _: &::glue_core::Context<Customer>, item: Customer, _: Customer) -> ::core::result::Result<Customer, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}

impl ::glue_core::UpdateProcessor<Customer> for Customers {
    async fn update(&self, _: &::glue_core::Context<Customer>, item: Customer, _: Customer) -> ::core::result::Result<Customer, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}

impl ::glue_core::DeleteProcessor<Customer> for Customers {
    async fn delete(&self, _: &::glue_core::Context<Customer>, _: Customer) -> ::core::result::Result<(), ::glue_core::GlueError> {
        ::core::result::Result::Ok(())
    }
}


/// A customer of the shop.
#[derive(ApiResource, Clone, validator::Validate)]
#[api(
    name = "Customers",
    short_name = "customers",
    label = "Customer",
    operations(
        Get,
        GetCollection(description = "Lists the customers"),
        Post(status = 201),
        Put,
        Patch,
        Delete(status = 204),
    ),
    provider = Customers,
    processor = Customers,
    pagination(
        enabled = true,
        items_per_page = 10,
        maximum_items_per_page = 100,
        client_enabled,
        client_items_per_page = false,
        form = "page",
    ),
    idempotent_delete,
)]
struct Customer {
    /// The customer number.
    #[api(identifier, writable = false)]
    customer_reference: String,
    #[api(
        required,
        description = "Login and contact address",
        example = "jane@example.com",
        format = "email"
    )]
    #[validate(email)]
    email: String,
    #[api(readable = false)]
    #[validate(length(min = 8))]
    password: Option<String>,
    #[api(default = true)]
    is_active: bool,
    #[api(default = "standard", enum_values("standard", "premium"))]
    tier: String,
    #[api(default = "DE", enum_values = COUNTRIES)]
    country: String,
    #[api(enum_values = LANGUAGES)]
    language: Option<String>,
    #[api(default = 5, filterable = false, sortable = false, example = 10)]
    discount_percent: u8,
    #[api(rename = "phone")]
    phone_number: Option<String>,
    #[api(type = "string")]
    vat_number: u64,
    #[api(writable = false)]
    created_at: DateTime<Utc>,
    date_of_birth: NaiveDate,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {
    let meta = Customer::meta();
    assert_eq!(meta.name, "Customers");
    assert_eq!(meta.short_name, "customers");
    assert_eq!(meta.label, "Customer");
    assert_eq!(meta.description, Some("A customer of the shop."));
    let kinds: Vec<OperationKind> = meta.operations.iter().map(|op| op.kind).collect();
    assert_eq!(kinds, OperationKind::ALL);
    assert_eq!(
        meta.operation(OperationKind::GetCollection)
            .unwrap()
            .description,
        Some("Lists the customers")
    );
    assert_eq!(
        meta.operation(OperationKind::Post).unwrap().status,
        Some(201)
    );
    assert_eq!(meta.pagination.enabled, Some(true));
    assert_eq!(meta.pagination.items_per_page, Some(10));
    assert_eq!(meta.pagination.maximum_items_per_page, Some(100));
    assert_eq!(meta.pagination.client_enabled, Some(true));
    assert_eq!(meta.pagination.client_items_per_page, Some(false));
    assert_eq!(meta.pagination.form, Some("page"));
    assert!(meta.idempotent_delete);

    let names: Vec<&str> = meta.properties.iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "customerReference",
            "email",
            "password",
            "isActive",
            "tier",
            "country",
            "language",
            "discountPercent",
            "phone",
            "vatNumber",
            "createdAt",
            "dateOfBirth",
            "deletedAt",
        ]
    );
    let property = |name: &str| meta.property(name).unwrap();

    let reference = property("customerReference");
    assert!(reference.identifier && reference.readable && !reference.writable);
    assert_eq!(reference.description, Some("The customer number."));
    assert_eq!(meta.identifier().unwrap().field, "customer_reference");
    assert_eq!(
        meta.route(meta.operation(OperationKind::Get).unwrap()),
        "/customers/{customerReference}"
    );

    let email = property("email");
    assert!(email.required && email.readable && email.writable);
    assert_eq!(email.description, Some("Login and contact address"));
    assert_eq!(email.example, Some("\"jane@example.com\""));
    assert_eq!(email.format, Some("email"));

    let password = property("password");
    assert!(!password.readable && password.writable && password.nullable);
    assert!(!password.filterable && !password.sortable);

    assert_eq!(property("isActive").default, Some("true"));
    assert_eq!(property("isActive").ty, PropertyType::Boolean);
    assert_eq!(property("tier").default, Some("\"standard\""));
    assert_eq!(property("tier").enum_values, ["standard", "premium"]);
    assert_eq!(property("country").enum_values, COUNTRIES);
    assert_eq!(property("language").enum_values, LANGUAGES);

    let discount = property("discountPercent");
    assert_eq!(discount.default, Some("5"));
    assert_eq!(discount.example, Some("10"));
    assert_eq!(discount.ty, PropertyType::Integer);
    assert!(!discount.filterable && !discount.sortable);

    assert_eq!(property("phone").field, "phone_number");
    assert_eq!(property("vatNumber").ty, PropertyType::String);

    let created = property("createdAt");
    assert!(created.readable && !created.writable);
    assert_eq!(created.format, Some("date-time"));
    assert_eq!(property("dateOfBirth").format, Some("date"));
    let deleted = property("deletedAt");
    assert!(deleted.nullable);
    assert_eq!(
        (deleted.ty, deleted.format),
        (PropertyType::String, Some("date-time"))
    );

    // A Post: defaults fill what the request leaves out.
    let email_json = RawValue::from_string(r#""jane@example.com""#.to_owned()).unwrap();
    let password_json = RawValue::from_string(r#""correct horse""#.to_owned()).unwrap();
    let born_json = RawValue::from_string(r#""1985-06-30""#.to_owned()).unwrap();
    let mut input = WriteInput::new(
        WriteMode::Create,
        vec![
            (Cow::Borrowed("email"), &*email_json),
            (Cow::Borrowed("password"), &*password_json),
            (Cow::Borrowed("dateOfBirth"), &*born_json),
        ],
        None,
        &[],
    );
    let mut customer = Customer::from_input(&mut input, None).expect("a valid Post");
    assert!(input.into_errors().is_empty());
    assert_eq!(customer.email, "jane@example.com");
    assert!(customer.is_active);
    assert_eq!(customer.tier, "standard");
    assert_eq!(customer.country, "DE");
    assert_eq!(customer.language, None, "no value is no wrong value");
    assert_eq!(customer.discount_percent, 5);
    assert_eq!(
        customer.date_of_birth,
        NaiveDate::from_ymd_opt(1985, 6, 30).unwrap()
    );
    assert!(customer.validate().is_ok());

    // Responses leave out what is not readable.
    customer.customer_reference = "DE-99".to_owned();
    assert_eq!(customer.id(), "DE-99");
    let mut out = Vec::new();
    customer
        .write_properties(&mut PropertyWriter::new(&mut out, true, None))
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.starts_with(r#""customerReference":"DE-99","email":"jane@example.com","#),
        "{out}"
    );
    assert!(!out.contains("password"), "{out}");
    assert!(
        out.contains(r#""createdAt":"1970-01-01T00:00:00+00:00""#),
        "{out}"
    );

    // Validation rules and enum_values are checked together.
    customer.email = "not an email".to_owned();
    customer.password = Some("short".to_owned());
    customer.tier = "gold".to_owned();
    customer.country = "FR".to_owned();
    customer.language = Some("fr".to_owned());
    let mut failed: Vec<String> = customer
        .validate()
        .unwrap_err()
        .into_iter()
        .map(|error| error.property)
        .collect();
    failed.sort();
    assert_eq!(failed, ["country", "email", "language", "password", "tier"]);
}
