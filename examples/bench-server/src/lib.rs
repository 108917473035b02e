//! The customers of the side-by-side HTTP benchmark of Rust API stacks (`../shared/perf`),
//! served by Glue mounted in axum: the same 55 customers, the same documents, byte for byte
//! (as `same.py` checks) as the hand-written and peer servers.
//!
//! - `GET /customers` (page 1 of 20, offset links) and `GET /customers/{customerReference}`;
//! - `GET /linked/customers...`: the same customers with an `addresses` relationship (a
//!   `related` link per item, no `include`), to show what a relationship costs. Both are
//!   routes of one application, so that the two differ by the relationship alone (their
//!   `self` links are the type's canonical ones, under `/customers`).
//!
//! Like the peers, the provider step clones the page or the record out of a `Vec` per request.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use glue_core::{
    ApiResource, Application, CollectionProvider, Context, GlueError, ItemProvider, PageRequest,
    Paginated, Router,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;

/// Customers in the store (`DE--1` to `DE--55`).
pub const TOTAL: usize = 55;

/// A customer, attributes in the benchmark's order.
#[derive(ApiResource, Clone, Debug)]
#[api(
    short_name = "customers",
    operations(Get, GetCollection),
    provider = Store,
    pagination(items_per_page = 20)
)]
pub struct Customer {
    #[api(identifier)]
    customer_reference: String,
    email: String,
    first_name: String,
    last_name: String,
    status: &'static str,
    date_of_birth: NaiveDate,
    is_active: bool,
    credit_limit: f64,
    created_at: DateTime<Utc>,
}

/// The same customer with its addresses as a relationship (links only).
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "LinkedCustomers",
    short_name = "customers",
    operations(
        Get(uri_template = "/linked/customers/{customerReference}"),
        GetCollection(uri_template = "/linked/customers")
    ),
    provider = Store,
    pagination(items_per_page = 20),
    relationships(addresses(target = Address, many, key = "customerReference"))
)]
pub struct LinkedCustomer {
    #[api(identifier)]
    customer_reference: String,
    email: String,
    first_name: String,
    last_name: String,
    status: &'static str,
    date_of_birth: NaiveDate,
    is_active: bool,
    credit_limit: f64,
    created_at: DateTime<Utc>,
}

/// An address of a linked customer: declared so the relationship has a target; the
/// benchmark never reads one.
#[derive(ApiResource, Clone, Debug)]
#[api(
    short_name = "customers-addresses",
    operations(GetCollection(uri_template = "/linked/customers/{customerReference}/addresses")),
    provider = Store
)]
pub struct Address {
    #[api(identifier)]
    uuid: String,
    customer_reference: String,
    city: String,
}

const FIRST_NAMES: [&str; 8] = [
    "Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hans",
];
const LAST_NAMES: [&str; 7] = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
];
const STATUSES: [&str; 3] = ["active", "inactive", "pending"];

/// Customer `n` (1 to 55), by the benchmark's formula.
#[must_use]
pub fn customer(n: usize) -> Customer {
    let i = n - 1;
    let status = STATUSES[i % 3];
    let small = |value: usize| u32::try_from(value).unwrap_or_default();
    Customer {
        customer_reference: format!("DE--{n}"),
        email: format!("customer{n}@example.com"),
        first_name: FIRST_NAMES[i % FIRST_NAMES.len()].to_owned(),
        last_name: LAST_NAMES[i % LAST_NAMES.len()].to_owned(),
        status,
        date_of_birth: NaiveDate::from_ymd_opt(
            1960 + i32::try_from(i % 40).unwrap_or_default(),
            1 + small(i % 12),
            1 + small(i % 28),
        )
        .unwrap_or_default(),
        is_active: status == "active",
        credit_limit: 1000.0 + f64::from(small(i)) * 37.25,
        created_at: Utc
            .with_ymd_and_hms(2024, 1, 2, 3, 4, 5)
            .single()
            .unwrap_or_default()
            + chrono::Duration::minutes(i64::from(small(i)) * 61),
    }
}

impl From<Customer> for LinkedCustomer {
    fn from(customer: Customer) -> Self {
        Self {
            customer_reference: customer.customer_reference,
            email: customer.email,
            first_name: customer.first_name,
            last_name: customer.last_name,
            status: customer.status,
            date_of_birth: customer.date_of_birth,
            is_active: customer.is_active,
            credit_limit: customer.credit_limit,
            created_at: customer.created_at,
        }
    }
}

/// The customers in memory, in both shapes.
#[derive(Clone, Debug)]
pub struct Store {
    customers: Arc<Vec<Customer>>,
    linked: Arc<Vec<LinkedCustomer>>,
}

impl Store {
    /// The 55 customers.
    #[must_use]
    pub fn seeded() -> Self {
        let customers: Vec<Customer> = (1..=TOTAL).map(customer).collect();
        Self {
            linked: Arc::new(customers.iter().cloned().map(Into::into).collect()),
            customers: Arc::new(customers),
        }
    }
}

/// The provider step of a collection: an owned copy of the page asked for.
fn page<T: Clone>(rows: &[T], page: Option<&PageRequest>) -> Paginated<T> {
    let (offset, limit) = page.map_or((0, 20), |page| (page.offset, page.limit));
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(rows.len());
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(rows.len());
    Paginated::new(rows[start..end].to_vec(), rows.len() as u64)
}

impl ItemProvider<Customer> for Store {
    async fn item(&self, ctx: &Context<Customer>) -> Result<Option<Customer>, GlueError> {
        Ok(ctx.id().and_then(|id| {
            self.customers
                .iter()
                .find(|customer| &customer.customer_reference == id)
                .cloned()
        }))
    }
}

impl CollectionProvider<Customer> for Store {
    async fn collection(&self, ctx: &Context<Customer>) -> Result<Paginated<Customer>, GlueError> {
        Ok(page(&self.customers, ctx.page()))
    }
}

impl ItemProvider<LinkedCustomer> for Store {
    async fn item(
        &self,
        ctx: &Context<LinkedCustomer>,
    ) -> Result<Option<LinkedCustomer>, GlueError> {
        Ok(ctx.id().and_then(|id| {
            self.linked
                .iter()
                .find(|customer| &customer.customer_reference == id)
                .cloned()
        }))
    }
}

impl CollectionProvider<LinkedCustomer> for Store {
    async fn collection(
        &self,
        ctx: &Context<LinkedCustomer>,
    ) -> Result<Paginated<LinkedCustomer>, GlueError> {
        Ok(page(&self.linked, ctx.page()))
    }
}

impl CollectionProvider<Address> for Store {
    async fn collection(&self, _ctx: &Context<Address>) -> Result<Paginated<Address>, GlueError> {
        Ok(Vec::new().into())
    }
}

/// Both shapes in one application, links absolute under `base_url`
/// (`http://127.0.0.1:8080`): the plain customers at `/customers`, the linked ones at
/// `/linked/customers`.
pub fn api(store: &Store, base_url: &str) -> Router {
    Application::new("bench")
        .convention(JsonApi::new())
        .standard_pagination()
        .base_url(base_url)
        .resource::<Customer>(store.clone(), ())
        .resource::<LinkedCustomer>(store.clone(), ())
        .resource::<Address>(store.clone(), ())
        .build()
}

/// The application mounted in axum, as a user mounts Glue beside their own routes.
pub fn app(base_url: &str) -> axum::Router {
    axum::Router::new().fallback_service(api(&Store::seeded(), base_url))
}
