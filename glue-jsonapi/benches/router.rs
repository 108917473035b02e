//! GET of a 20-item JSON:API collection and of one item, through the Glue router with an
//! in-memory provider, against a hand-written axum handler that produces the same bytes with
//! typed structs and `serde_json::to_vec` (the fast baseline, not `axum::Json`).
//!
//! The same customers are also served with an `addresses` relationship (links only, no
//! `include`), on both sides, to show what a relationship costs per item.
//!
//! Run with `cargo bench -p glue-jsonapi --bench router`. Both sides clone the rows they
//! answer with from the same in-memory store, as a provider reading a database would own
//! them; both answers are compared byte for byte before measuring.
//!
//! For a deterministic count, `GLUE_BENCH_REQUESTS=<case>:<n>` serves `n` requests of one
//! case and exits, to run under `valgrind --tool=callgrind` twice with different `n`; the
//! cases are `glue`, `glue_linked`, `axum`, `axum_linked`, each followed by `/customers` or
//! `/customers/DE--7` (`glue_linked/customers/DE--7:500`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, HeaderValue, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use criterion::{Criterion, criterion_group};
use glue_core::{
    ApiResource, Application, CollectionProvider, Context, GlueError, ItemProvider, Paginated,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use http_body_util::BodyExt;
use serde::{Serialize, Serializer};
use tower::ServiceExt;

const TOTAL: usize = 100;
const PAGE: usize = 20;

/// A customer, as an application would declare it.
#[derive(ApiResource, Clone, Debug)]
#[api(short_name = "customers", operations(Get, GetCollection), provider = Store)]
struct Customer {
    #[api(identifier)]
    customer_reference: String,
    id_customer: i64,
    email: String,
    first_name: String,
    last_name: String,
    status: String,
    is_active: bool,
    credit_limit: f64,
    created_at: DateTime<Utc>,
}

/// The rows, shared by both sides; the linked customers are the same rows, stored as their
/// own type as a provider would read them.
#[derive(Clone)]
struct Store {
    rows: Arc<Vec<Customer>>,
    linked: Arc<Vec<LinkedCustomer>>,
}

impl Store {
    fn new() -> Self {
        let epoch = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        let rows: Vec<Customer> = (1..=TOTAL as i64)
            .map(|n| Customer {
                customer_reference: format!("DE--{n}"),
                id_customer: n,
                email: format!("customer{n}@example.com"),
                first_name: "Anna".to_owned(),
                last_name: "Müller".to_owned(),
                status: "active".to_owned(),
                is_active: n % 5 != 0,
                credit_limit: n as f64 * 250.5,
                created_at: epoch + chrono::Duration::minutes(n),
            })
            .collect();
        Self {
            linked: Arc::new(rows.iter().cloned().map(LinkedCustomer::from).collect()),
            rows: Arc::new(rows),
        }
    }

    fn page(&self, offset: usize, limit: usize) -> Vec<Customer> {
        window(&self.rows, offset, limit)
    }

    fn find(&self, reference: &str) -> Option<Customer> {
        self.rows
            .iter()
            .find(|row| row.customer_reference == reference)
            .cloned()
    }
}

/// Clones `limit` rows from `offset`.
fn window<T: Clone>(rows: &[T], offset: usize, limit: usize) -> Vec<T> {
    let start = offset.min(rows.len());
    rows[start..(start + limit).min(rows.len())].to_vec()
}

/// The page a provider answers with: the one asked for, else the first 20.
fn paged<T: Clone>(rows: &[T], page: Option<&glue_core::PageRequest>) -> Paginated<T> {
    let (offset, limit) = page.map_or((0, 20), |page| (page.offset, page.limit));
    Paginated::new(window(rows, offset as usize, limit as usize), TOTAL as u64)
}

impl ItemProvider<Customer> for Store {
    async fn item(&self, ctx: &Context<Customer>) -> Result<Option<Customer>, GlueError> {
        Ok(ctx.id().and_then(|id| self.find(id)))
    }
}

impl CollectionProvider<Customer> for Store {
    async fn collection(&self, ctx: &Context<Customer>) -> Result<Paginated<Customer>, GlueError> {
        Ok(paged(&self.rows, ctx.page()))
    }
}

/// The same customer with a relationship to its addresses: every answer carries a `related`
/// link per item.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "LinkedCustomers",
    short_name = "customers",
    operations(Get, GetCollection),
    provider = Store,
    relationships(addresses(target = Address, many, key = "customerReference"))
)]
struct LinkedCustomer {
    #[api(identifier)]
    customer_reference: String,
    id_customer: i64,
    email: String,
    first_name: String,
    last_name: String,
    status: String,
    is_active: bool,
    credit_limit: f64,
    created_at: DateTime<Utc>,
}

impl From<Customer> for LinkedCustomer {
    fn from(row: Customer) -> Self {
        Self {
            customer_reference: row.customer_reference,
            id_customer: row.id_customer,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            status: row.status,
            is_active: row.is_active,
            credit_limit: row.credit_limit,
            created_at: row.created_at,
        }
    }
}

/// A customer's address: only the target of the relationship here.
#[derive(ApiResource, Clone, Debug)]
#[api(
    short_name = "customers-addresses",
    operations(GetCollection(uri_template = "/customers/{customerReference}/addresses")),
    provider = Store
)]
struct Address {
    #[api(identifier)]
    uuid: String,
    customer_reference: String,
    city: String,
}

impl ItemProvider<LinkedCustomer> for Store {
    async fn item(
        &self,
        ctx: &Context<LinkedCustomer>,
    ) -> Result<Option<LinkedCustomer>, GlueError> {
        Ok(ctx.id().and_then(|id| {
            self.linked
                .iter()
                .find(|row| &row.customer_reference == id)
                .cloned()
        }))
    }
}

impl CollectionProvider<LinkedCustomer> for Store {
    async fn collection(
        &self,
        ctx: &Context<LinkedCustomer>,
    ) -> Result<Paginated<LinkedCustomer>, GlueError> {
        Ok(paged(&self.linked, ctx.page()))
    }
}

impl CollectionProvider<Address> for Store {
    async fn collection(&self, _ctx: &Context<Address>) -> Result<Paginated<Address>, GlueError> {
        Ok(Paginated::new(Vec::new(), 0))
    }
}

fn glue_linked_router(store: Store) -> glue_core::Router {
    Application::new("bench")
        .convention(JsonApi::new())
        .standard_pagination()
        .resource::<LinkedCustomer>(store.clone(), ())
        .resource::<Address>(store, ())
        .build()
}

fn glue_router(store: Store) -> glue_core::Router {
    Application::new("bench")
        .convention(JsonApi::new())
        .standard_pagination()
        .resource::<Customer>(store, ())
        .build()
}

// The hand-written baseline: typed documents serialized with `serde_json::to_vec`.

/// The same date writer Glue uses, so that the comparison measures the framework, not
/// date formatting.
fn utc<S: Serializer>(instant: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    glue_core::date::UtcDateTime(instant).serialize(serializer)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Attributes<'a> {
    id_customer: i64,
    email: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    status: &'a str,
    is_active: bool,
    credit_limit: f64,
    #[serde(serialize_with = "utc")]
    created_at: &'a DateTime<Utc>,
}

#[derive(Serialize)]
struct SelfLink {
    #[serde(rename = "self")]
    self_link: String,
}

#[derive(Serialize)]
struct ResourceObject<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    attributes: Attributes<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relationships: Option<Relationships>,
    links: SelfLink,
}

#[derive(Serialize)]
struct Relationships {
    addresses: Related,
}

#[derive(Serialize)]
struct Related {
    links: RelatedLink,
}

#[derive(Serialize)]
struct RelatedLink {
    related: String,
}

#[derive(Serialize)]
struct Version {
    version: &'static str,
}

#[derive(Serialize)]
struct CollectionLinks {
    #[serde(rename = "self")]
    self_link: String,
    first: String,
    next: String,
    last: String,
}

#[derive(Serialize)]
struct Meta {
    page: u64,
    pages: u64,
    records: u64,
    records_per_page: u64,
    records_total: u64,
}

#[derive(Serialize)]
struct CollectionDocument<'a> {
    jsonapi: Version,
    data: Vec<ResourceObject<'a>>,
    links: CollectionLinks,
    meta: Meta,
}

#[derive(Serialize)]
struct ItemDocument<'a> {
    jsonapi: Version,
    data: ResourceObject<'a>,
    links: SelfLink,
}

fn host(headers: &HeaderMap) -> &str {
    headers
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("localhost")
}

fn resource_object<'a>(base: &str, row: &'a Customer, linked: bool) -> ResourceObject<'a> {
    ResourceObject {
        kind: "customers",
        id: &row.customer_reference,
        attributes: Attributes {
            id_customer: row.id_customer,
            email: &row.email,
            first_name: &row.first_name,
            last_name: &row.last_name,
            status: &row.status,
            is_active: row.is_active,
            credit_limit: row.credit_limit,
            created_at: &row.created_at,
        },
        relationships: linked.then(|| Relationships {
            addresses: Related {
                links: RelatedLink {
                    related: format!("{base}/customers/{}/addresses", row.customer_reference),
                },
            },
        }),
        links: SelfLink {
            self_link: format!("{base}/customers/{}", row.customer_reference),
        },
    }
}

fn json_response(body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.api+json"),
    );
    response
}

/// Whether the hand-written side writes the relationship.
#[derive(Clone)]
struct Side {
    store: Store,
    linked: bool,
}

async fn list(State(side): State<Side>, headers: HeaderMap) -> Response {
    let Side { store, linked } = side;
    let base = format!("http://{}", host(&headers));
    let rows = store.page(0, PAGE);
    let page = |offset: usize| {
        format!("{base}/customers?page%5Boffset%5D={offset}&page%5Blimit%5D={PAGE}")
    };
    let document = CollectionDocument {
        jsonapi: Version { version: "1.1" },
        data: rows
            .iter()
            .map(|row| resource_object(&base, row, linked))
            .collect(),
        links: CollectionLinks {
            self_link: format!("{base}/customers"),
            first: page(0),
            next: page(PAGE),
            last: page(TOTAL - PAGE),
        },
        meta: Meta {
            page: 1,
            pages: (TOTAL / PAGE) as u64,
            records: PAGE as u64,
            records_per_page: PAGE as u64,
            records_total: TOTAL as u64,
        },
    };
    json_response(serde_json::to_vec(&document).expect("serializable"))
}

async fn one(
    State(side): State<Side>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Side { store, linked } = side;
    let base = format!("http://{}", host(&headers));
    let Some(row) = store.find(&reference) else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    let document = ItemDocument {
        jsonapi: Version { version: "1.1" },
        data: resource_object(&base, &row, linked),
        links: SelfLink {
            self_link: format!("{base}/customers/{reference}"),
        },
    };
    json_response(serde_json::to_vec(&document).expect("serializable"))
}

fn axum_router(store: Store, linked: bool) -> axum::Router {
    axum::Router::new()
        .route("/customers", get(list))
        .route("/customers/{reference}", get(one))
        .with_state(Side { store, linked })
}

fn request(uri: &str) -> Request<axum::body::Body> {
    Request::get(uri)
        .header(HOST, "bench.test")
        .header("accept", "application/vnd.api+json")
        .body(axum::body::Body::empty())
        .expect("a valid request")
}

async fn through_glue(router: &glue_core::Router, uri: &str) -> Bytes {
    let response = router
        .clone()
        .oneshot(request(uri))
        .await
        .expect("infallible");
    response
        .into_body()
        .collect()
        .await
        .expect("infallible")
        .to_bytes()
}

async fn through_axum(router: &axum::Router, uri: &str) -> Bytes {
    let response = router
        .clone()
        .oneshot(request(uri))
        .await
        .expect("infallible");
    response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes()
}

/// The four servers under comparison.
struct Servers {
    glue: glue_core::Router,
    glue_linked: glue_core::Router,
    axum: axum::Router,
    axum_linked: axum::Router,
}

impl Servers {
    fn new() -> Self {
        let store = Store::new();
        Self {
            glue: glue_router(store.clone()),
            glue_linked: glue_linked_router(store.clone()),
            axum: axum_router(store.clone(), false),
            axum_linked: axum_router(store, true),
        }
    }

    async fn serve(&self, case: &str, uri: &str) -> Bytes {
        match case {
            "glue" => through_glue(&self.glue, uri).await,
            "glue_linked" => through_glue(&self.glue_linked, uri).await,
            "axum" => through_axum(&self.axum, uri).await,
            "axum_linked" => through_axum(&self.axum_linked, uri).await,
            other => panic!("unknown case {other}"),
        }
    }
}

const CASES: [&str; 4] = ["glue", "glue_linked", "axum", "axum_linked"];

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let servers = Servers::new();

    for uri in ["/customers", "/customers/DE--7"] {
        for (ours, theirs) in [("glue", "axum"), ("glue_linked", "axum_linked")] {
            let (ours, theirs) = runtime.block_on(async {
                (
                    servers.serve(ours, uri).await,
                    servers.serve(theirs, uri).await,
                )
            });
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs),
                "both sides must answer {uri} with the same bytes"
            );
        }
    }

    for (group, uri) in [
        ("collection_20", "/customers"),
        ("item", "/customers/DE--7"),
    ] {
        let mut group = c.benchmark_group(group);
        for case in CASES {
            group.bench_function(case, |b| {
                b.to_async(&runtime).iter(|| servers.serve(case, uri))
            });
        }
        group.finish();
    }
}

/// `GLUE_BENCH_REQUESTS=glue_linked/customers:500`: serves that many requests and exits,
/// for instruction counts under callgrind.
fn serve_for_callgrind(spec: &str) {
    let (target, count) = spec.split_once(':').expect("<case><path>:<n>");
    let split = target.find('/').expect("a path after the case");
    let (case, uri) = target.split_at(split);
    let count: usize = count.parse().expect("a number of requests");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let servers = Servers::new();
    runtime.block_on(async {
        for _ in 0..count {
            std::hint::black_box(servers.serve(case, uri).await);
        }
    });
}

criterion_group!(benches, bench);

fn main() {
    if let Ok(spec) = std::env::var("GLUE_BENCH_REQUESTS") {
        serve_for_callgrind(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
