//! One URL, several declarations: versions (SPEC §2.4), languages (SPEC §2.5) and code
//! buckets (SPEC §7.3), with what security rules see of them (SPEC §6.6).

use std::sync::{Arc, Mutex, PoisonError};

use glue_core::{
    ApiResource, Application, CollectionProvider, Context, CreateProcessor, GlueError,
    ItemProvider, Paginated, PlainJson, Processor, Router,
};
use glue_jsonapi::JsonApi;
use http::{Method, StatusCode};
use serde_json::json;

use crate::common::{call, get, jsonapi_document, jsonapi_errors};

const JSONAPI: &str = "application/vnd.api+json";

/// Version 1.0: a title.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "Articles",
    short_name = "articles",
    version = "1.0",
    operations(Get, GetCollection, Post),
    provider = Desk,
    processor = Desk
)]
struct ArticleV1 {
    #[api(identifier, writable = false)]
    id: String,
    #[api(required)]
    title: String,
}

/// Version 2.0: a title and a subtitle; its Post belongs to version 2.1.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "Articles",
    short_name = "articles",
    version = "2.0",
    operations(
        Get,
        GetCollection,
        Post(version = "2.1", security = "request.version == '2.1'")
    ),
    provider = Desk,
    processor = Desk
)]
struct ArticleV2 {
    #[api(identifier, writable = false)]
    id: String,
    #[api(required)]
    title: String,
    subtitle: Option<String>,
}

/// Articles in memory; titles in the request's language.
#[derive(Clone, Default)]
struct Desk {
    created: Arc<Mutex<Vec<(String, &'static str)>>>,
}

fn title<R: glue_core::Resource>(ctx: &Context<R>) -> String {
    match ctx.locale() {
        Some("de_DE") => "Guten Tag".to_owned(),
        Some("en_US") => "Good day".to_owned(),
        other => format!("{other:?}"),
    }
}

impl ItemProvider<ArticleV1> for Desk {
    async fn item(&self, ctx: &Context<ArticleV1>) -> Result<Option<ArticleV1>, GlueError> {
        Ok(ctx.id().map(|id| ArticleV1 {
            id: id.clone(),
            title: title(ctx),
        }))
    }
}

impl CollectionProvider<ArticleV1> for Desk {
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

impl ItemProvider<ArticleV2> for Desk {
    async fn item(&self, ctx: &Context<ArticleV2>) -> Result<Option<ArticleV2>, GlueError> {
        Ok(ctx.id().map(|id| ArticleV2 {
            id: id.clone(),
            title: title(ctx),
            subtitle: Some(format!("version {:?}", ctx.version())),
        }))
    }
}

impl CollectionProvider<ArticleV2> for Desk {
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

impl Processor<ArticleV1> for Desk {}

impl CreateProcessor<ArticleV1> for Desk {
    async fn create(
        &self,
        ctx: &Context<ArticleV1>,
        mut item: ArticleV1,
    ) -> Result<ArticleV1, GlueError> {
        item.id = "new-1".to_owned();
        self.lock()
            .push((item.title.clone(), ctx.version().unwrap_or("?")));
        Ok(item)
    }
}

impl Processor<ArticleV2> for Desk {}

impl CreateProcessor<ArticleV2> for Desk {
    async fn create(
        &self,
        ctx: &Context<ArticleV2>,
        mut item: ArticleV2,
    ) -> Result<ArticleV2, GlueError> {
        item.id = "new-2".to_owned();
        self.lock()
            .push((item.title.clone(), ctx.version().unwrap_or("?")));
        Ok(item)
    }
}

impl Desk {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, &'static str)>> {
        self.created.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The base declaration of a store.
#[derive(ApiResource, Clone, Debug)]
#[api(name = "Outlets", short_name = "outlets", operations(Get), provider = Outlets)]
struct Outlet {
    #[api(identifier)]
    name: String,
    currency: String,
}

/// The EU variant: one more field, and a rule that reads the bucket.
#[derive(ApiResource, Clone, Debug)]
#[api(
    name = "Outlets",
    short_name = "outlets",
    code_bucket = "EU",
    operations(Get),
    provider = Outlets,
    security = "request.code_bucket == 'EU' and request.locale == 'de_DE'"
)]
struct OutletEu {
    #[api(identifier)]
    name: String,
    currency: String,
    gdpr_contact: String,
}

#[derive(Clone)]
struct Outlets;

impl ItemProvider<Outlet> for Outlets {
    async fn item(&self, ctx: &Context<Outlet>) -> Result<Option<Outlet>, GlueError> {
        Ok(ctx.id().map(|name| Outlet {
            name: name.to_owned(),
            currency: "CHF".to_owned(),
        }))
    }
}

impl ItemProvider<OutletEu> for Outlets {
    async fn item(&self, ctx: &Context<OutletEu>) -> Result<Option<OutletEu>, GlueError> {
        Ok(ctx.id().map(|name| OutletEu {
            name: name.to_owned(),
            currency: "EUR".to_owned(),
            gdpr_contact: format!("privacy@{name}.example"),
        }))
    }
}

fn application(desk: Desk) -> Application {
    Application::new("variants")
        .convention(JsonApi::new())
        .convention(PlainJson::new())
        .locales(["de_DE", "en_US"])
        .resource::<ArticleV1>(desk.clone(), desk.clone())
        .resource::<ArticleV2>(desk.clone(), desk)
        .resource::<Outlet>(Outlets, ())
        .resource::<OutletEu>(Outlets, ())
}

fn router() -> (Router, Desk) {
    let desk = Desk::default();
    (application(desk.clone()).build(), desk)
}

// ---------------------------------------------------------------------------------------------
// Versions (SPEC §2.4)

#[tokio::test]
async fn without_a_version_the_newest_answers_and_says_so() {
    let (router, _) = router();
    let answer = get("/articles/7").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        answer.header("content-type"),
        Some("application/vnd.api+json; version=2.0")
    );
    assert_eq!(
        document["data"]["attributes"]["subtitle"],
        "version Some(\"2.0\")"
    );
}

#[tokio::test]
async fn accept_selects_a_declared_version() {
    let (router, _) = router();
    let answer = get("/articles/7")
        .accept("application/vnd.api+json; version=1.0")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        answer.header("content-type"),
        Some("application/vnd.api+json; version=1.0")
    );
    assert!(document["data"]["attributes"].get("subtitle").is_none());
    // Plain JSON carries the version too.
    let answer = get("/articles")
        .accept("application/json; version=1.0")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.header("content-type"),
        Some("application/json; version=1.0")
    );
}

#[tokio::test]
async fn an_undeclared_version_is_406_unless_a_later_choice_is_declared() {
    let (router, _) = router();
    let answer = get("/articles/7")
        .accept("application/vnd.api+json; version=3.0")
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(errors[0]["source"]["header"], "Accept");
    assert!(
        errors[0]["detail"].as_str().unwrap().contains("1.0, 2.0"),
        "{}",
        errors[0]["detail"]
    );
    let answer = get("/articles/7")
        .accept(
            "application/vnd.api+json; version=3.0, application/vnd.api+json; version=1.0; q=0.5",
        )
        .send(&router)
        .await;
    assert_eq!(
        answer.header("content-type"),
        Some("application/vnd.api+json; version=1.0")
    );
    // `*/*` after an undeclared version takes the newest.
    let answer = get("/articles/7")
        .accept("application/vnd.api+json; version=3.0, */*; q=0.1")
        .send(&router)
        .await;
    assert_eq!(
        answer.header("content-type"),
        Some("application/vnd.api+json; version=2.0")
    );
}

#[tokio::test]
async fn content_type_selects_the_version_that_reads_the_body() {
    let (router, desk) = router();
    let body = json!({"data": {"type": "articles", "attributes": {"title": "Hello"}}}).to_string();
    let answer = call(Method::POST, "/articles")
        .raw("application/vnd.api+json; version=1.0", &body)
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["id"], "new-1");
    assert_eq!(
        answer.header("content-type"),
        Some("application/vnd.api+json; version=1.0")
    );
    let answer = call(Method::POST, "/articles")
        .raw("application/vnd.api+json; version=7.0", &body)
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(errors[0]["source"]["header"], "Content-Type");
    // Without a version, Post goes to the newest: 2.1 (an operation of the 2.0 declaration).
    let answer = call(Method::POST, "/articles")
        .raw(JSONAPI, &body)
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["id"], "new-2");
    assert_eq!(
        answer.header("content-type"),
        Some("application/vnd.api+json; version=2.1")
    );
    // Content-Type and Accept disagreeing: nothing acceptable.
    let answer = call(Method::POST, "/articles")
        .raw("application/vnd.api+json; version=1.0", &body)
        .accept("application/vnd.api+json; version=2.1")
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(
        *desk.lock(),
        [("Hello".to_owned(), "1.0"), ("Hello".to_owned(), "2.1")]
    );
}

#[test]
fn two_declarations_of_one_version_clash() {
    #[derive(ApiResource, Clone, Debug)]
    #[api(
        name = "Articles",
        short_name = "articles",
        version = "1.0",
        operations(Get),
        provider = Desk
    )]
    struct AnotherV1 {
        #[api(identifier)]
        id: String,
    }

    impl ItemProvider<AnotherV1> for Desk {
        async fn item(&self, _ctx: &Context<AnotherV1>) -> Result<Option<AnotherV1>, GlueError> {
            Ok(None)
        }
    }

    let error = application(Desk::default())
        .resource::<AnotherV1>(Desk::default(), ())
        .try_build()
        .map(|_| ())
        .expect_err("two version 1.0 Gets");
    assert!(error.to_string().contains("GET /articles/{id}"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Languages (SPEC §2.5)

#[tokio::test]
async fn accept_language_picks_the_locale_providers_see_and_answers_carry() {
    let (router, _) = router();
    for (header, locale, title) in [
        (None, "de_DE", "Guten Tag"),
        (Some("en"), "en_US", "Good day"),
        (Some("de;q=1, en;q=0.5"), "de_DE", "Guten Tag"),
        (Some("de;q=0.5, en-US;q=0.9"), "en_US", "Good day"),
        (Some("fr"), "de_DE", "Guten Tag"),
    ] {
        let mut request = get("/articles/7");
        if let Some(header) = header {
            request = request.header("accept-language", header);
        }
        let answer = request.send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(
            answer.header("content-language"),
            Some(locale),
            "{header:?}"
        );
        assert_eq!(document["data"]["attributes"]["title"], title, "{header:?}");
        let vary: Vec<&str> = answer
            .headers
            .get_all("vary")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        assert!(vary.contains(&"Accept-Language"), "{vary:?}");
    }
    // Errors are in the negotiated language too.
    let answer = get("/nowhere")
        .header("accept-language", "en")
        .send(&router)
        .await;
    assert_eq!(answer.header("content-language"), Some("en_US"));
}

#[tokio::test]
async fn without_locales_there_is_no_content_language() {
    let router = Application::new("plain")
        .convention(JsonApi::new())
        .resource::<Outlet>(Outlets, ())
        .build();
    let answer = get("/outlets/x")
        .header("accept-language", "de")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-language"), None);
}

// ---------------------------------------------------------------------------------------------
// Code buckets (SPEC §7.3)

#[tokio::test]
async fn the_host_names_the_code_bucket_and_the_base_answers_otherwise() {
    let (router, _) = router();
    let eu = get("/outlets/berlin")
        .header("host", "glue-backend.eu.example.local")
        .send(&router)
        .await;
    let document = jsonapi_document(&eu, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["currency"], "EUR");
    assert_eq!(
        document["data"]["attributes"]["gdprContact"],
        "privacy@berlin.example"
    );
    for host in [
        "glue-backend.example.local",
        "glue-backend.at.example.local:8081",
    ] {
        let answer = get("/outlets/zurich")
            .header("host", host)
            .send(&router)
            .await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(document["data"]["attributes"]["currency"], "CHF", "{host}");
        assert!(document["data"]["attributes"].get("gdprContact").is_none());
    }
}

#[tokio::test]
async fn an_absolute_request_target_names_the_bucket_as_it_names_the_links() {
    let (router, _) = router();
    // The target's authority wins over `Host` (RFC 9112 §3.2.2), for the bucket and the
    // links alike.
    let answer = get("http://glue-backend.eu.example.local/outlets/berlin")
        .header("host", "glue-backend.example.local")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["currency"], "EUR");
    assert_eq!(
        document["links"]["self"],
        "http://glue-backend.eu.example.local/outlets/berlin"
    );
}

#[tokio::test]
async fn a_fixed_code_bucket_applies_to_every_request() {
    let router = application(Desk::default()).code_bucket("EU").build();
    let answer = get("/outlets/paris").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["currency"], "EUR");
}

#[tokio::test]
async fn rules_read_the_code_bucket_and_the_locale() {
    let (router, _) = router();
    // The EU variant's rule wants the EU bucket in German.
    let answer = get("/outlets/paris")
        .header("host", "api.eu.example.test")
        .header("accept-language", "en")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = get("/outlets/paris")
        .header("host", "api.eu.example.test")
        .header("accept-language", "de-AT")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

#[tokio::test]
async fn a_rule_reads_the_version() {
    let (router, _) = router();
    // Post of 2.0 belongs to 2.1, and its rule asks for it.
    let body = json!({"data": {"type": "articles", "attributes": {"title": "Hi"}}}).to_string();
    let answer = call(Method::POST, "/articles")
        .raw("application/vnd.api+json; version=2.1", &body)
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
}
