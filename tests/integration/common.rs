//! Helpers shared by the test modules: sending requests through a router, reading answers,
//! and checking documents against the JSON:API 1.1 schema.

use std::sync::OnceLock;

use bytes::Bytes;
use glue_core::Router;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The host the helpers send, so links are predictable.
pub(crate) const HOST: &str = "shop.test";

/// The JSON:API media type.
pub(crate) const JSONAPI: &str = "application/vnd.api+json";

/// An answer, read whole.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Answer {
    /// The body as JSON; panics with the body text when it is not JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "body is not JSON ({error}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// A header as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A request under construction.
#[derive(Debug)]
pub(crate) struct Call {
    method: Method,
    uri: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// A request with the test host.
pub(crate) fn call(method: Method, uri: &str) -> Call {
    Call {
        method,
        uri: uri.to_owned(),
        headers: vec![("host".to_owned(), HOST.to_owned())],
        body: String::new(),
    }
}

/// `GET uri`.
pub(crate) fn get(uri: &str) -> Call {
    call(Method::GET, uri)
}

impl Call {
    /// Adds (or replaces) a header.
    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Removes a header.
    pub(crate) fn without(mut self, name: &str) -> Self {
        self.headers
            .retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
        self
    }

    /// Sets `Accept`.
    pub(crate) fn accept(self, value: &str) -> Self {
        self.header("accept", value)
    }

    /// A JSON:API body.
    pub(crate) fn jsonapi(self, body: &Value) -> Self {
        self.raw(JSONAPI, &body.to_string())
    }

    /// A plain JSON body, answered in plain JSON.
    pub(crate) fn plain(self, body: &Value) -> Self {
        self.raw("application/json", &body.to_string())
            .accept("application/json")
    }

    /// A body of any content type.
    pub(crate) fn raw(mut self, content_type: &str, body: &str) -> Self {
        self = self.header("content-type", content_type);
        self.body = body.to_owned();
        self
    }

    /// The request.
    pub(crate) fn build(self) -> Request<String> {
        let mut request = Request::builder().method(self.method).uri(self.uri);
        for (name, value) in self.headers {
            request = request.header(name, value);
        }
        request.body(self.body).expect("a valid request")
    }

    /// Sends it through the router.
    pub(crate) async fn send(self, router: &Router) -> Answer {
        send(router, self.build()).await
    }
}

/// Sends one request through a router (a tower service, no socket).
pub(crate) async fn send(router: &Router, request: Request<String>) -> Answer {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .expect("the body is read to its end")
        .to_bytes();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

fn jsonapi_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("../schemas/jsonapi-1.1-schema.json"))
                .expect("the JSON:API schema is JSON");
        jsonschema::validator_for(&schema).expect("the JSON:API schema compiles")
    })
}

/// Panics, listing every violation, when `document` is not a valid JSON:API 1.1 document.
pub(crate) fn assert_jsonapi(document: &Value) {
    let validator = jsonapi_validator();
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not a JSON:API 1.1 document: {errors:#?}\n{document:#}"
    );
}

/// The members of a JSON object, sorted.
pub(crate) fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

/// The query of an absolute link as decoded pairs, sorted; panics unless the link is
/// absolute.
pub(crate) fn query_pairs(link: &Value) -> Vec<(String, String)> {
    let text = link
        .as_str()
        .unwrap_or_else(|| panic!("not a link: {link}"));
    let url =
        reqwest::Url::parse(text).unwrap_or_else(|error| panic!("{text} is not absolute: {error}"));
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// The plain JSON media type.
pub(crate) const PLAIN: &str = "application/json";

/// Checks the answer is a plain JSON document with this status and returns it.
pub(crate) fn plain_document(answer: &Answer, status: StatusCode) -> Value {
    assert_eq!(answer.status, status, "{}", answer.text());
    assert_eq!(
        answer.header("content-type"),
        Some(PLAIN),
        "{}",
        answer.text()
    );
    let document = answer.json();
    assert!(document.get("jsonapi").is_none(), "{document}");
    document
}

/// Checks the answer is a plain JSON error `{"code": ..., "message": ...}` with this status
/// and returns the message.
pub(crate) fn plain_error(answer: &Answer, status: StatusCode) -> String {
    let document = plain_document(answer, status);
    assert_eq!(keys(&document), ["code", "message"], "{document}");
    assert_eq!(document["code"], status.as_u16(), "{document}");
    let message = document["message"]
        .as_str()
        .unwrap_or_else(|| panic!("message is not a string: {document}"));
    assert!(!message.is_empty());
    message.to_owned()
}

/// A JSON:API document creating a note with these attributes.
pub(crate) fn new_note(attributes: &Value) -> Value {
    serde_json::json!({"data": {"type": "notes", "attributes": attributes}})
}

/// Checks the answer is a JSON:API document with this status and returns it.
pub(crate) fn jsonapi_document(answer: &Answer, status: StatusCode) -> Value {
    assert_eq!(answer.status, status, "{}", answer.text());
    // The media type, with a `version` parameter when a versioned resource answers.
    let content_type = answer.header("content-type").unwrap_or_default();
    assert!(
        content_type == JSONAPI || content_type.starts_with("application/vnd.api+json; version="),
        "content type {content_type:?}"
    );
    let document = answer.json();
    assert_jsonapi(&document);
    document
}

/// The errors of a JSON:API error document with this status.
pub(crate) fn jsonapi_errors(answer: &Answer, status: StatusCode) -> Vec<Value> {
    let document = jsonapi_document(answer, status);
    assert!(document.get("data").is_none());
    document["errors"]
        .as_array()
        .expect("errors is an array")
        .clone()
}

/// The `source.pointer` values of a list of errors.
pub(crate) fn pointers(errors: &[Value]) -> Vec<String> {
    errors
        .iter()
        .filter_map(|error| error["source"]["pointer"].as_str().map(str::to_owned))
        .collect()
}

/// The attributes of one resource object, as a sorted list of names.
pub(crate) fn attribute_names(resource: &Value) -> Vec<String> {
    let mut names: Vec<String> = resource["attributes"]
        .as_object()
        .map(|attributes| attributes.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// The environment variable that picks the database of the shop suite: `sqlite` (the
/// default) or `postgres`, which needs the test cluster of `GLUE_TEST_POSTGRES_URL`.
/// `.ci/run` runs the suite once for each.
pub(crate) const SHOP_DATABASE: &str = "GLUE_TEST_SHOP_DATABASE";

/// A fresh demo shop on its own database: SQLite in memory, or a fresh PostgreSQL database
/// when [`SHOP_DATABASE`] says `postgres`.
pub(crate) async fn shop() -> TestShop {
    match std::env::var(SHOP_DATABASE).as_deref() {
        Err(_) | Ok("sqlite") => sqlite_shop().await,
        Ok("postgres") => crate::postgres::postgres_shop()
            .await
            .expect("GLUE_TEST_SHOP_DATABASE=postgres needs GLUE_TEST_POSTGRES_URL"),
        Ok(other) => panic!("{SHOP_DATABASE}={other:?}: expected sqlite or postgres"),
    }
}

/// A fresh demo shop on SQLite in memory, whatever the suite's database: for tests that run
/// a scenario on both databases themselves.
pub(crate) async fn sqlite_shop() -> TestShop {
    TestShop(
        example_shop::Shop::open("sqlite::memory:")
            .await
            .expect("the shop opens on sqlite::memory:"),
    )
}

/// The demo shop for tests of everything but access control: its `backend()` treats a request
/// without credentials as an administrator's. Tests of access control use
/// [`TestShop::secured_backend`], the backend exactly as the shop serves it.
#[derive(Debug, Clone)]
pub(crate) struct TestShop(pub(crate) example_shop::Shop);

impl std::ops::Deref for TestShop {
    type Target = example_shop::Shop;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl TestShop {
    /// The same database with the shop configured further (`with_api_key`, ...).
    pub(crate) fn map(
        self,
        configure: impl FnOnce(example_shop::Shop) -> example_shop::Shop,
    ) -> Self {
        Self(configure(self.0))
    }

    /// The backend, an administrator's unless a request says otherwise.
    pub(crate) fn backend(&self) -> Router {
        self.0
            .backend_application()
            .authenticator(TrustedAdministrator)
            .build()
    }

    /// The backend as the shop serves it.
    pub(crate) fn secured_backend(&self) -> Router {
        self.0.backend()
    }

    /// A backend access token of a back-office user with `ROLE_VIEWER` only.
    pub(crate) fn viewer_token(&self) -> String {
        let viewer =
            glue_core::Principal::new("2", "viewer@example.com", glue_core::PrincipalKind::User)
                .with_role("ROLE_VIEWER");
        self.access_tokens()
            .issue(&viewer, "backend")
            .expect("a token")
            .token
    }
}

/// Asked last, after the shop's own authenticators found no credentials.
pub(crate) struct TrustedAdministrator;

impl glue_core::Authenticator for TrustedAdministrator {
    async fn authenticate(
        &self,
        _request: &glue_core::AuthRequest<'_>,
    ) -> Result<Option<glue_core::Principal>, glue_core::GlueError> {
        Ok(Some(
            glue_core::Principal::new("test", "test-admin", glue_core::PrincipalKind::User)
                .with_role("ROLE_ADMIN"),
        ))
    }
}

/// Reads a header value.
pub(crate) fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).expect("a valid header value")
}

/// The `Allow` methods of an answer, as a sorted list.
pub(crate) fn allowed(answer: &Answer) -> Vec<String> {
    let mut methods: Vec<String> = answer
        .header(header::ALLOW.as_str())
        .unwrap_or_default()
        .split(',')
        .map(|method| method.trim().to_owned())
        .filter(|method| !method.is_empty())
        .collect();
    methods.sort();
    methods
}

/// A fresh directory under the system's temporary one, removed on drop.
pub(crate) struct TempDir(pub(crate) std::path::PathBuf);

impl TempDir {
    /// `glue-{purpose}-{process}-{nanoseconds}`, created.
    pub(crate) fn new(purpose: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "glue-{purpose}-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        Self(dir)
    }

    /// An SQLite URL of a file in the directory.
    pub(crate) fn sqlite_url(&self, file: &str) -> String {
        format!("sqlite://{}", self.0.join(file).display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An SQLite file in WAL mode whose connections wait only 20 ms for a lock (sqlx waits 5 s):
/// for tests of a database another writer keeps busy.
pub(crate) async fn impatient_sqlite(url: &str) -> sqlx::AnyPool {
    use sqlx::Executor as _;
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .after_connect(|connection, _| {
            Box::pin(async move {
                connection.execute("PRAGMA busy_timeout = 20").await?;
                Ok(())
            })
        })
        .connect(url)
        .await
        .expect("SQLite opens");
    pool.execute("PRAGMA journal_mode = WAL")
        .await
        .expect("WAL");
    pool
}
