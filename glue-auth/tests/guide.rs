//! The README's security guide, run: a role check, an object check with a voter, the token
//! endpoint over a `MemoryStore`, and an authenticator of one's own.

use std::sync::{Arc, Mutex, PoisonError};

use glue_auth::{
    AccessTokens, ApiKeyAuthenticator, BearerAuthenticator, MemoryStore, Principal, PrincipalKind,
    StaticApiKeys, Subject, TokenEndpoint, TokenKeys, TokenService, TokenSettings, Vote, Voter,
};
use glue_core::http::{Method, Request, StatusCode};
use glue_core::{
    ApiResource, Application, AuthRequest, Authenticator, CollectionProvider, Context,
    CreateProcessor, GlueError, ItemProvider, Paginated, Processor, Router, UpdateProcessor,
};
use glue_jsonapi::JsonApi;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

#[derive(ApiResource, Clone, Debug)]
#[api(
    operations(
        Get,
        GetCollection,
        Post(security = "is_granted('ROLE_ADMIN')"),
        Patch(security = "is_granted('EDIT', object)")
    ),
    provider = Books,
    processor = Books,
    security = "is_granted('ROLE_VIEWER') or is_granted('ROLE_ADMIN')",
    security_message = "Reading books needs ROLE_VIEWER."
)]
struct Book {
    #[api(identifier, writable = false)]
    id: u64,
    #[api(required)]
    title: String,
    #[api(writable = false)]
    author_id: String,
}

#[derive(Clone, Default)]
struct Books {
    items: Arc<Mutex<Vec<Book>>>,
}

impl Books {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Book>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ItemProvider<Book> for Books {
    async fn item(&self, ctx: &Context<Book>) -> Result<Option<Book>, GlueError> {
        let id: Option<u64> = ctx.id().copied();
        Ok(self.lock().iter().find(|book| Some(book.id) == id).cloned())
    }
}

impl CollectionProvider<Book> for Books {
    async fn collection(&self, _ctx: &Context<Book>) -> Result<Paginated<Book>, GlueError> {
        Ok(self.lock().clone().into())
    }
}

impl Processor<Book> for Books {}

impl CreateProcessor<Book> for Books {
    async fn create(&self, ctx: &Context<Book>, mut book: Book) -> Result<Book, GlueError> {
        let mut items = self.lock();
        book.id = items.len() as u64 + 1;
        book.author_id = ctx
            .principal()
            .map(|user| user.id().to_owned())
            .unwrap_or_default();
        items.push(book.clone());
        Ok(book)
    }
}

impl UpdateProcessor<Book> for Books {
    async fn update(
        &self,
        _ctx: &Context<Book>,
        book: Book,
        _previous: Book,
    ) -> Result<Book, GlueError> {
        let mut items = self.lock();
        if let Some(slot) = items.iter_mut().find(|stored| stored.id == book.id) {
            *slot = book.clone();
        }
        Ok(book)
    }
}

/// The README's voter: authors may edit their books.
struct BookVoter;

impl Voter for BookVoter {
    fn vote(&self, attribute: &str, subject: &Subject<'_>, user: Option<&Principal>) -> Vote {
        match (attribute, subject.downcast_ref::<Book>(), user) {
            ("EDIT", Some(book), Some(user)) if book.author_id == user.id() => Vote::Grant,
            _ => Vote::Abstain,
        }
    }
}

/// The README's authenticator: trusts the user a gateway names.
struct Gateway;

impl Authenticator for Gateway {
    async fn authenticate(
        &self,
        request: &AuthRequest<'_>,
    ) -> Result<Option<Principal>, GlueError> {
        let Some(user) = request.headers().get("x-gateway-user") else {
            return Ok(None);
        };
        let user = user
            .to_str()
            .map_err(|_| GlueError::unauthorized("Unreadable user."))?;
        Ok(Some(
            Principal::new(user, user, PrincipalKind::User).with_role("ROLE_VIEWER"),
        ))
    }
}

async fn application() -> Router {
    let store = MemoryStore::new();
    store
        .add_user(
            "ada",
            "a long password",
            Principal::new("ada", "ada", PrincipalKind::User).with_role("ROLE_ADMIN"),
        )
        .expect("a user");
    let tokens = Arc::new(AccessTokens::new(
        TokenKeys::from_secret(b"guide secret"),
        TokenSettings::default(),
    ));
    let grants = TokenService::new(
        AccessTokens::clone(&tokens),
        "backend",
        store.clone(),
        store.clone(),
    );
    let books = Books::default();
    Application::backend()
        .convention(JsonApi::new())
        .authenticator(BearerAuthenticator::new(tokens))
        .authenticator(ApiKeyAuthenticator::new(store, StaticApiKeys::new()))
        .authenticator(Gateway)
        .voter(BookVoter)
        .route("/token", [Method::POST], TokenEndpoint::new(grants))
        .resource::<Book>(books.clone(), books)
        .build()
}

async fn send(router: &Router, request: Request<String>) -> (StatusCode, Value) {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON")
    };
    (status, body)
}

fn request(method: Method, uri: &str, headers: &[(&str, &str)], body: &str) -> Request<String> {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "books.test");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.to_owned()).expect("a request")
}

const JSONAPI: &str = "application/vnd.api+json";

#[tokio::test]
async fn the_guide_works_end_to_end() {
    let router = application().await;

    // The role check: nobody, then a gateway viewer.
    let (status, body) = send(&router, request(Method::GET, "/books", &[], "")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body["errors"][0]["detail"],
        "Reading books needs ROLE_VIEWER."
    );
    let viewer = [("x-gateway-user", "vic")];
    let (status, _) = send(&router, request(Method::GET, "/books", &viewer, "")).await;
    assert_eq!(status, StatusCode::OK);
    let new_book = r#"{"data":{"type":"books","attributes":{"title":"Notes"}}}"#;
    let (status, _) = send(
        &router,
        request(
            Method::POST,
            "/books",
            &[viewer[0], ("content-type", JSONAPI)],
            new_book,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A token from the token endpoint, for the administrator.
    let (status, body) = send(
        &router,
        request(
            Method::POST,
            "/token",
            &[("content-type", "application/x-www-form-urlencoded")],
            "grant_type=password&username=ada&password=a%20long%20password",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bearer = format!("Bearer {}", body["access_token"].as_str().expect("a token"));
    let admin = [
        ("authorization", bearer.as_str()),
        ("content-type", JSONAPI),
    ];
    let (status, body) = send(&router, request(Method::POST, "/books", &admin, new_book)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["attributes"]["authorId"], "ada");

    // The voter: the author may edit, a viewer may not.
    let rename = r#"{"data":{"type":"books","id":"1","attributes":{"title":"Renamed"}}}"#;
    let (status, _) = send(
        &router,
        request(
            Method::PATCH,
            "/books/1",
            &[viewer[0], ("content-type", JSONAPI)],
            rename,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = send(&router, request(Method::PATCH, "/books/1", &admin, rename)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["attributes"]["title"], "Renamed");
}
