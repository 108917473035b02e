//! What the fuzz targets share: a small application whose resources have every kind of field,
//! a relationship both ways and two versions, answered from memory; and [`send`], which puts
//! one request through its router and fails on what a client must never see (SPEC §13): a
//! panic, a 5xx, or a body that is not the JSON document its `Content-Type` announces.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use chrono::{DateTime, NaiveDate, Utc};
use glue_core::http::{HeaderValue, Request, StatusCode, header};
use glue_core::{
    ApiResource, Application, CollectionProvider, Context, CreateProcessor, DeleteProcessor,
    GlueError, ItemProvider, Paginated, PlainJson, Processor, ReplaceProcessor, Router,
    UpdateProcessor,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use http_body_util::BodyExt;
use tower::ServiceExt;
use validator::Validate;

/// A gadget: one field of every kind the derive knows, validation rules, a default, an
/// enumeration, a hidden field and its parts.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    operations(Get, GetCollection, Post, Put, Patch, Delete),
    provider = Shelf,
    processor = Shelf,
    pagination(
        items_per_page = 5,
        maximum_items_per_page = 20,
        client_enabled = true,
        client_items_per_page = true
    ),
    relationships(parts(target = Part, many, keys(id = gadgetId)))
)]
pub struct Gadget {
    #[api(identifier, writable = false)]
    id: u64,
    #[api(required)]
    #[validate(length(min = 1, max = 50))]
    name: String,
    colour: Option<String>,
    price: f64,
    stock: i64,
    active: bool,
    released: Option<DateTime<Utc>>,
    launch: Option<NaiveDate>,
    tags: Vec<String>,
    #[api(default = 3)]
    #[validate(range(min = 1, max = 5))]
    priority: i32,
    #[api(rename = "kind", enum_values("tool", "toy"), default = "tool")]
    category: String,
    #[api(readable = false)]
    secret: Option<String>,
}

/// A part of a gadget.
#[derive(ApiResource, Clone, Debug)]
#[api(
    operations(Get, GetCollection),
    provider = Shelf,
    relationships(gadget(target = Gadget, keys(gadget_id = id)))
)]
pub struct Part {
    #[api(identifier)]
    id: u64,
    gadget_id: u64,
    label: String,
}

/// Version 1.0 of an article.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "Articles",
    short_name = "articles",
    version = "1.0",
    operations(Get, GetCollection, Post),
    provider = Shelf,
    processor = Shelf
)]
pub struct ArticleV1 {
    #[api(identifier, writable = false)]
    id: String,
    #[api(required)]
    title: String,
}

/// Version 2.0 of an article; its `Post` is version 2.1.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "Articles",
    short_name = "articles",
    version = "2.0",
    operations(Get, GetCollection, Post(version = "2.1")),
    provider = Shelf,
    processor = Shelf
)]
pub struct ArticleV2 {
    #[api(identifier, writable = false)]
    id: String,
    #[api(required)]
    title: String,
    subtitle: Option<String>,
}

/// How many gadgets the shelf starts with; writes beyond a bound put it back to these.
const SEEDED: u64 = 30;

/// Everything in memory: the framework filters, sorts and pages the lists.
#[derive(Clone, Default)]
pub struct Shelf {
    gadgets: Arc<Mutex<Vec<Gadget>>>,
}

impl Shelf {
    fn seeded() -> Self {
        let shelf = Self::default();
        shelf.lock().extend((1..=SEEDED).map(gadget));
        shelf
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Gadget>> {
        self.gadgets.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn gadget(id: u64) -> Gadget {
    let seconds = 1_700_000_000 + i64::try_from(id).unwrap_or_default() * 86_400;
    Gadget {
        id,
        name: format!("Gadget {id}"),
        colour: ["red", "green", "blue"]
            .get(usize::try_from(id % 4).unwrap_or_default())
            .map(|colour| (*colour).to_owned()),
        price: id as f64 * 1.25,
        stock: i64::try_from(id % 7).unwrap_or_default() - 2,
        active: id.is_multiple_of(2),
        released: DateTime::from_timestamp(seconds, 0),
        launch: NaiveDate::from_ymd_opt(2020, 1 + u32::try_from(id % 12).unwrap_or_default(), 1),
        tags: vec![format!("tag{}", id % 3)],
        priority: 1 + i32::try_from(id % 5).unwrap_or_default(),
        category: if id.is_multiple_of(3) { "toy" } else { "tool" }.to_owned(),
        secret: Some("hidden".to_owned()),
    }
}

fn parts() -> Vec<Part> {
    (1..=SEEDED * 2)
        .map(|id| Part {
            id,
            gadget_id: 1 + id % SEEDED,
            label: format!("Part {id}"),
        })
        .collect()
}

impl ItemProvider<Gadget> for Shelf {
    async fn item(&self, ctx: &Context<Gadget>) -> Result<Option<Gadget>, GlueError> {
        Ok(self
            .lock()
            .iter()
            .find(|gadget| Some(&gadget.id) == ctx.id())
            .cloned())
    }
}

impl CollectionProvider<Gadget> for Shelf {
    async fn collection(&self, _ctx: &Context<Gadget>) -> Result<Paginated<Gadget>, GlueError> {
        Ok(self.lock().clone().into())
    }
}

impl Processor<Gadget> for Shelf {}

impl CreateProcessor<Gadget> for Shelf {
    async fn create(&self, _ctx: &Context<Gadget>, mut item: Gadget) -> Result<Gadget, GlueError> {
        let mut gadgets = self.lock();
        if gadgets.len() > 100 {
            gadgets.truncate(usize::try_from(SEEDED).unwrap_or_default());
        }
        item.id = gadgets.iter().map(|gadget| gadget.id).max().unwrap_or(0) + 1;
        gadgets.push(item.clone());
        Ok(item)
    }
}

impl ReplaceProcessor<Gadget> for Shelf {
    async fn replace(
        &self,
        _ctx: &Context<Gadget>,
        item: Gadget,
        _previous: Gadget,
    ) -> Result<Gadget, GlueError> {
        if let Some(slot) = self.lock().iter_mut().find(|stored| stored.id == item.id) {
            *slot = item.clone();
        }
        Ok(item)
    }
}

impl UpdateProcessor<Gadget> for Shelf {
    async fn update(
        &self,
        ctx: &Context<Gadget>,
        item: Gadget,
        previous: Gadget,
    ) -> Result<Gadget, GlueError> {
        self.replace(ctx, item, previous).await
    }
}

impl DeleteProcessor<Gadget> for Shelf {
    async fn delete(&self, _ctx: &Context<Gadget>, item: Gadget) -> Result<(), GlueError> {
        let mut gadgets = self.lock();
        gadgets.retain(|stored| stored.id != item.id);
        if gadgets.len() < 10 {
            *gadgets = (1..=SEEDED).map(gadget).collect();
        }
        Ok(())
    }
}

impl ItemProvider<Part> for Shelf {
    async fn item(&self, ctx: &Context<Part>) -> Result<Option<Part>, GlueError> {
        Ok(parts().into_iter().find(|part| Some(&part.id) == ctx.id()))
    }
}

impl CollectionProvider<Part> for Shelf {
    async fn collection(&self, _ctx: &Context<Part>) -> Result<Paginated<Part>, GlueError> {
        Ok(parts().into())
    }
}

/// The article's title in the request's language, so that the locale is used.
fn title<R: glue_core::Resource>(ctx: &Context<R>) -> String {
    format!("Title in {:?}", ctx.locale())
}

impl ItemProvider<ArticleV1> for Shelf {
    async fn item(&self, ctx: &Context<ArticleV1>) -> Result<Option<ArticleV1>, GlueError> {
        Ok(ctx.id().map(|id| ArticleV1 {
            id: id.clone(),
            title: title(ctx),
        }))
    }
}

impl CollectionProvider<ArticleV1> for Shelf {
    async fn collection(
        &self,
        ctx: &Context<ArticleV1>,
    ) -> Result<Paginated<ArticleV1>, GlueError> {
        Ok(vec![ArticleV1 {
            id: "1".to_owned(),
            title: title(ctx),
        }]
        .into())
    }
}

impl Processor<ArticleV1> for Shelf {}

impl CreateProcessor<ArticleV1> for Shelf {
    async fn create(
        &self,
        _ctx: &Context<ArticleV1>,
        mut item: ArticleV1,
    ) -> Result<ArticleV1, GlueError> {
        item.id = "new-1".to_owned();
        Ok(item)
    }
}

impl ItemProvider<ArticleV2> for Shelf {
    async fn item(&self, ctx: &Context<ArticleV2>) -> Result<Option<ArticleV2>, GlueError> {
        Ok(ctx.id().map(|id| ArticleV2 {
            id: id.clone(),
            title: title(ctx),
            subtitle: ctx.version().map(str::to_owned),
        }))
    }
}

impl CollectionProvider<ArticleV2> for Shelf {
    async fn collection(
        &self,
        ctx: &Context<ArticleV2>,
    ) -> Result<Paginated<ArticleV2>, GlueError> {
        Ok(vec![ArticleV2 {
            id: "1".to_owned(),
            title: title(ctx),
            subtitle: None,
        }]
        .into())
    }
}

impl Processor<ArticleV2> for Shelf {}

impl CreateProcessor<ArticleV2> for Shelf {
    async fn create(
        &self,
        _ctx: &Context<ArticleV2>,
        mut item: ArticleV2,
    ) -> Result<ArticleV2, GlueError> {
        item.id = "new-2".to_owned();
        Ok(item)
    }
}

/// The router and the runtime every input runs on, made once per process.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    router: Router,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let shelf = Shelf::seeded();
        let router = Application::new("fuzz")
            .convention(JsonApi::new())
            .convention(PlainJson::new())
            .standard_pagination()
            .locales(["en_US", "de_DE", "fr_FR"])
            .body_limit(64 * 1024)
            .resource::<Gadget>(shelf.clone(), shelf.clone())
            .resource::<Part>(shelf.clone(), ())
            .resource::<ArticleV1>(shelf.clone(), shelf.clone())
            .resource::<ArticleV2>(shelf.clone(), shelf)
            .build();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        Fixture { runtime, router }
    })
}

/// The JSON:API media type.
pub const JSONAPI: &str = "application/vnd.api+json";

/// The plain JSON media type.
pub const PLAIN: &str = "application/json";

/// A request to the fixture, built from parts a target has derived from its input.
#[derive(Debug)]
pub struct Call<'a> {
    /// The method.
    pub method: &'a str,
    /// The path and query.
    pub uri: &'a str,
    /// The headers.
    pub headers: Vec<(&'a str, &'a [u8])>,
    /// The body.
    pub body: String,
}

impl<'a> Call<'a> {
    /// `method uri` without headers or body.
    #[must_use]
    pub fn new(method: &'a str, uri: &'a str) -> Self {
        Self {
            method,
            uri,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    /// With a header.
    #[must_use]
    pub fn header(mut self, name: &'a str, value: &'a [u8]) -> Self {
        self.headers.push((name, value));
        self
    }

    /// With a body.
    #[must_use]
    pub fn body(mut self, body: String) -> Self {
        self.body = body;
        self
    }
}

/// Sends one request through the fixture's router and checks the answer; `None` when the
/// input cannot be an HTTP request at all (a URI or header value `http` refuses, as a server
/// would before the router), else the status.
///
/// # Panics
///
/// On a 5xx answer, a body that cannot be read to its end, or a JSON answer whose body is not
/// JSON: each is a finding.
pub fn send(call: Call<'_>) -> Option<StatusCode> {
    let mut request = Request::builder()
        .method(call.method)
        .uri(call.uri)
        .header(header::HOST, "fuzz.test");
    for (name, value) in &call.headers {
        request = request.header(*name, HeaderValue::from_bytes(value).ok()?);
    }
    let request = request.body(call.body).ok()?;
    let fixture = fixture();
    let router = fixture.router.clone();
    fixture.runtime.block_on(async move {
        let response = router
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .unwrap_or_else(|error| panic!("the body ends in an error: {error}"))
            .to_bytes();
        assert!(
            !parts.status.is_server_error(),
            "{} answered {}: {}",
            call.uri,
            parts.status,
            String::from_utf8_lossy(&body)
        );
        let json = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with(JSONAPI) || value.starts_with(PLAIN));
        if json
            && !body.is_empty()
            && let Err(error) = serde_json::from_slice::<serde::de::IgnoredAny>(&body)
        {
            panic!(
                "{} answered {} with a body that is not JSON ({error}): {}",
                call.uri,
                parts.status,
                String::from_utf8_lossy(&body)
            );
        }
        Some(parts.status)
    })
}

/// The input as a query string: bytes that may not appear in a URI's query are
/// percent-encoded, the rest (`&`, `=`, `[`, `]`, `%`, ...) kept, so that the fuzzer reaches
/// the parsers rather than `http`'s URI check.
#[must_use]
pub fn query_text(data: &[u8]) -> String {
    let mut text = String::with_capacity(data.len());
    for &byte in data {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&byte) {
            text.push(char::from(byte));
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    text
}

/// Every byte percent-encoded but letters and digits: a value the query parser decodes back
/// to exactly the input.
#[must_use]
pub fn encoded(data: &[u8]) -> String {
    let mut text = String::with_capacity(data.len() * 3);
    for &byte in data {
        if byte.is_ascii_alphanumeric() {
            text.push(char::from(byte));
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    text
}
