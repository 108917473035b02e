#![allow(unused_imports)]
use glue_core::ApiResource;

#[derive(Clone, serde::Deserialize)]
struct Money {
    cents: i64,
}

struct Invoices;
impl glue_core::Provider<Invoice> for Invoices {}

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = Invoices)]
struct Invoice {
    #[api(identifier)]
    number: String,
    total: Money,
}

fn main() {}
