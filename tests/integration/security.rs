//! The framework's side of authentication and authorization (SPEC §6.3 to §6.6), on a small
//! application of its own: authenticators in order, credentials kept out of links, principals
//! from tower layers, the three points of evaluation with `object` and `previous_object`,
//! voters, 401 against 403, and routes of their own (endpoints).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use glue_core::http::{Method, Response, StatusCode};
use glue_core::{
    ApiResource, Application, AuthRequest, Authenticator, Body, CollectionProvider, Context,
    CreateProcessor, DeleteProcessor, EndpointRequest, GlueError, ItemProvider, Paginated,
    Principal, PrincipalKind, Processor, Router, Subject, UpdateProcessor, Vote, Voter,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use http::header;
use serde_json::{Value, json};

use crate::common::{Answer, call, get, jsonapi_errors};

/// A document with an owner: readable by voters' leave, writable by its owner.
#[derive(ApiResource, Clone, Debug)]
#[api(
    operations(
        Get(security = "is_granted('READ', object)"),
        GetCollection(security = "is_granted('ROLE_ADMIN') or is_granted('ROLE_LIBRARIAN')"),
        Post(
            security = "is_authenticated()",
            security_post_denormalize = "object.ownerId == user.id or is_granted('ROLE_ADMIN')",
            security_post_denormalize_message = "Documents are created for oneself.",
            security_post_validation = "object.pages <= 100 or is_granted('ROLE_ADMIN')",
            security_post_validation_message = "Long documents need an administrator."
        ),
        Patch(
            security_post_denormalize = "previous_object.ownerId == object.ownerId",
            security_post_denormalize_message = "The owner cannot change."
        ),
        Delete(security = "is_granted('ROLE_ADMIN') or object.ownerId == user.id")
    ),
    provider = Library,
    processor = Library,
    security = "is_authenticated() and (is_granted('ROLE_ADMIN') or object.ownerId == user.id)",
    security_message = "Only the owner may do this.",
    pagination(items_per_page = 2),
    relationships(
        profile(target = Profile, key = "ownerId"),
        vault(target = Vault, many, key = "ownerId")
    )
)]
struct Document {
    #[api(identifier, writable = false)]
    id: u64,
    #[api(required)]
    title: String,
    owner_id: String,
    #[api(default = 1)]
    pages: i64,
    #[api(default = false)]
    public: bool,
}

/// A profile: public unless private, then only its owner sees it (a rule on the item).
#[derive(ApiResource, Clone, Debug)]
#[api(
    operations(Get),
    provider = Profiles,
    security = "not object.private or object.ownerId == user.id"
)]
struct Profile {
    #[api(identifier)]
    owner_id: String,
    bio: String,
    private: bool,
}

#[derive(Debug, Clone)]
struct Profiles;

impl Profiles {
    fn all() -> Vec<Profile> {
        let profile = |owner: &str, private| Profile {
            owner_id: owner.to_owned(),
            bio: format!("All about {owner}"),
            private,
        };
        vec![profile("ada", true), profile("bob", false)]
    }
}

impl ItemProvider<Profile> for Profiles {
    async fn item(&self, ctx: &Context<Profile>) -> Result<Option<Profile>, GlueError> {
        Ok(Self::all()
            .into_iter()
            .find(|profile| Some(&profile.owner_id) == ctx.id()))
    }
}

impl CollectionProvider<Profile> for Profiles {
    async fn collection(&self, _ctx: &Context<Profile>) -> Result<Paginated<Profile>, GlueError> {
        Ok(Self::all().into())
    }
}

/// A vault: administrators only, or whom a voter lets open vaults (a rule without the item,
/// checked before the provider).
#[derive(ApiResource, Clone, Debug)]
#[api(
    operations(Get),
    provider = Vaults,
    security = "is_granted('ROLE_ADMIN') or is_granted('OPEN_VAULT')"
)]
struct Vault {
    #[api(identifier)]
    id: String,
    owner_id: String,
    secret: String,
}

#[derive(Debug, Clone)]
struct Vaults;

impl Vaults {
    fn all() -> Vec<Vault> {
        vec![Vault {
            id: "v1".to_owned(),
            owner_id: "ada".to_owned(),
            secret: "launch codes".to_owned(),
        }]
    }
}

impl ItemProvider<Vault> for Vaults {
    async fn item(&self, ctx: &Context<Vault>) -> Result<Option<Vault>, GlueError> {
        Ok(Self::all()
            .into_iter()
            .find(|vault| Some(&vault.id) == ctx.id()))
    }
}

impl CollectionProvider<Vault> for Vaults {
    async fn collection(&self, _ctx: &Context<Vault>) -> Result<Paginated<Vault>, GlueError> {
        Ok(Self::all().into())
    }
}

/// Documents in memory, counting provider calls.
#[derive(Debug, Clone, Default)]
struct Library {
    items: Arc<Mutex<Vec<Document>>>,
    reads: Arc<AtomicUsize>,
}

impl Library {
    fn seeded() -> Self {
        let library = Self::default();
        library.lock().extend([
            document(1, "ada", false),
            document(2, "ada", true),
            document(3, "bob", false),
        ]);
        library
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Document>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, id: u64) -> Option<Document> {
        self.lock().iter().find(|doc| doc.id == id).cloned()
    }
}

fn document(id: u64, owner: &str, public: bool) -> Document {
    Document {
        id,
        title: format!("Document {id}"),
        owner_id: owner.to_owned(),
        pages: 10,
        public,
    }
}

impl ItemProvider<Document> for Library {
    async fn item(&self, ctx: &Context<Document>) -> Result<Option<Document>, GlueError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        Ok(ctx.id().and_then(|id| self.get(*id)))
    }
}

impl CollectionProvider<Document> for Library {
    async fn collection(&self, _ctx: &Context<Document>) -> Result<Paginated<Document>, GlueError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        Ok(self.lock().clone().into())
    }
}

impl Processor<Document> for Library {}

impl CreateProcessor<Document> for Library {
    async fn create(
        &self,
        _ctx: &Context<Document>,
        mut doc: Document,
    ) -> Result<Document, GlueError> {
        let mut items = self.lock();
        doc.id = items.iter().map(|doc| doc.id).max().unwrap_or(0) + 1;
        items.push(doc.clone());
        Ok(doc)
    }
}

impl UpdateProcessor<Document> for Library {
    async fn update(
        &self,
        _ctx: &Context<Document>,
        doc: Document,
        _previous: Document,
    ) -> Result<Document, GlueError> {
        let mut items = self.lock();
        if let Some(slot) = items.iter_mut().find(|stored| stored.id == doc.id) {
            *slot = doc.clone();
        }
        Ok(doc)
    }
}

impl DeleteProcessor<Document> for Library {
    async fn delete(&self, _ctx: &Context<Document>, doc: Document) -> Result<(), GlueError> {
        self.lock().retain(|stored| stored.id != doc.id);
        Ok(())
    }
}

/// Grants `READ` on public documents and on one's own; abstains on anything else.
struct ReadVoter;

impl Voter for ReadVoter {
    fn vote(&self, attribute: &str, subject: &Subject<'_>, user: Option<&Principal>) -> Vote {
        assert!(
            user.is_none_or(|user| user.id() != "voter-panic"),
            "a voter panics"
        );
        let Some(doc) = subject.downcast_ref::<Document>() else {
            return Vote::Abstain;
        };
        match attribute {
            "READ" if doc.public => Vote::Grant,
            "READ" if user.is_some_and(|user| user.id() == doc.owner_id) => Vote::Grant,
            _ => Vote::Abstain,
        }
    }
}

/// `X-User: <id> <ROLE>...`; an `X-User` without an id is refused.
struct HeaderUser;

impl Authenticator for HeaderUser {
    async fn authenticate(
        &self,
        request: &AuthRequest<'_>,
    ) -> Result<Option<Principal>, GlueError> {
        let Some(value) = request.headers().get("x-user") else {
            return Ok(None);
        };
        let text = value.to_str().unwrap_or_default();
        let mut words = text.split_whitespace();
        let Some(id) = words.next() else {
            return Err(GlueError::unauthorized("X-User names nobody."));
        };
        assert!(id != "panic", "an authenticator panics");
        Ok(Some(words.fold(
            Principal::new(id, id, PrincipalKind::User),
            Principal::with_role,
        )))
    }

    fn challenge(&self) -> Option<http::HeaderValue> {
        Some(http::HeaderValue::from_static("Bearer"))
    }
}

/// `?who=<id>`: credentials in the query, which must never reach links.
struct QueryUser {
    asked: Arc<AtomicUsize>,
}

impl Authenticator for QueryUser {
    async fn authenticate(
        &self,
        request: &AuthRequest<'_>,
    ) -> Result<Option<Principal>, GlueError> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        Ok(request.query_parameter("who").map(|who| {
            Principal::new(who.as_ref(), who.as_ref(), PrincipalKind::ApiKey)
                .with_role("ROLE_LIBRARIAN")
        }))
    }

    fn credential_parameters(&self) -> &'static [&'static str] {
        &["who"]
    }
}

struct Fixture {
    router: Router,
    library: Library,
    asked: Arc<AtomicUsize>,
}

fn fixture() -> Fixture {
    let library = Library::seeded();
    let asked = Arc::new(AtomicUsize::new(0));
    let router = Application::new("library")
        .convention(JsonApi::new())
        .standard_pagination()
        .body_limit(1024)
        .authenticator(HeaderUser)
        .authenticator(QueryUser {
            asked: Arc::clone(&asked),
        })
        .voter(ReadVoter)
        .route(
            "/ping",
            [Method::GET],
            |request: EndpointRequest| async move {
                let mut response = Response::new(Body::from(format!(
                    "pong from {} at {}",
                    request.application(),
                    request.base_url()
                )));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    http::HeaderValue::from_static("text/plain"),
                );
                Ok::<_, GlueError>(response)
            },
        )
        .route(
            "/echo/{word}",
            [Method::POST, Method::PUT],
            |request: EndpointRequest| async move {
                if request.body().is_empty() {
                    return Err(GlueError::bad_request("Send a body."));
                }
                let word = request.param("word").unwrap_or_default().to_owned();
                Ok(Response::new(Body::from(Bytes::from(format!(
                    "{word}:{}",
                    request.body().len()
                )))))
            },
        )
        .route(
            "/whoami",
            [Method::GET],
            |request: EndpointRequest| async move {
                let who = request
                    .principal()
                    .map_or_else(|| "nobody".to_owned(), |user| user.id().to_owned());
                Ok::<_, GlueError>(Response::new(Body::from(who)))
            },
        )
        .route(
            "/boom",
            [Method::GET],
            |_request: EndpointRequest| async move {
                if true {
                    panic!("the endpoint blew up");
                }
                Ok::<_, GlueError>(Response::new(Body::empty()))
            },
        )
        .resource::<Document>(library.clone(), library.clone())
        .resource::<Profile>(Profiles, ())
        .resource::<Vault>(Vaults, ())
        .build();
    Fixture {
        router,
        library,
        asked,
    }
}

fn as_user(request: crate::common::Call, user: &str) -> crate::common::Call {
    request.header("x-user", user)
}

fn new_document(owner: &str, pages: i64) -> Value {
    json!({"data": {"type": "documents", "attributes": {
        "title": "New", "ownerId": owner, "pages": pages
    }}})
}

fn detail(answer: &Answer, status: StatusCode) -> String {
    jsonapi_errors(answer, status)[0]["detail"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// 401 and 403

#[tokio::test]
async fn without_a_principal_a_denied_request_is_401_with_the_challenge() {
    let f = fixture();
    let answer = get("/documents/1").send(&f.router).await;
    assert_eq!(
        detail(&answer, StatusCode::UNAUTHORIZED),
        "Full authentication is required to access this resource."
    );
    assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
    // The resource's message comes with the resource's rule.
    let answer = call(Method::DELETE, "/documents/1").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = as_user(call(Method::PATCH, "/documents/3"), "ada")
        .jsonapi(&json!({"data": {"type": "documents", "id": "3", "attributes": {}}}))
        .send(&f.router)
        .await;
    assert_eq!(
        detail(&answer, StatusCode::FORBIDDEN),
        "Only the owner may do this."
    );
}

#[tokio::test]
async fn with_a_principal_a_denied_request_is_403_without_a_challenge() {
    let f = fixture();
    let answer = as_user(get("/documents/3"), "ada").send(&f.router).await;
    assert_eq!(detail(&answer, StatusCode::FORBIDDEN), "Access Denied.");
    assert_eq!(answer.header("www-authenticate"), None);
}

#[tokio::test]
async fn rules_without_the_item_run_before_the_provider() {
    let f = fixture();
    let answer = get("/documents").send(&f.router).await;
    assert_eq!(
        detail(&answer, StatusCode::UNAUTHORIZED),
        "Full authentication is required to access this resource."
    );
    let answer = as_user(get("/documents"), "ada").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        f.library.reads.load(Ordering::SeqCst),
        0,
        "the provider is never asked"
    );
    let answer = call(Method::POST, "/documents")
        .jsonapi(&new_document("ada", 1))
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(f.library.lock().len(), 3, "nothing was created");
}

#[tokio::test]
async fn an_item_rule_that_reads_the_item_runs_after_it_is_loaded() {
    let f = fixture();
    // READ on a public document is granted by the voter, even anonymously.
    let answer = get("/documents/2").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    // A private one: the owner may, another user may not, nobody without a principal.
    let answer = as_user(get("/documents/1"), "ada").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::OK);
    let answer = as_user(get("/documents/1"), "bob").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let answer = get("/documents/1").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    // A missing item is 404: the rule needs the item.
    let answer = as_user(get("/documents/99"), "ada").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_operation_rule_replaces_the_resource_rule() {
    let f = fixture();
    // GetCollection has a rule of its own (the resource's reads `object`, which a collection
    // has not; the derive refuses to inherit it).
    let answer = as_user(get("/documents"), "root ROLE_ADMIN")
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let answer = as_user(get("/documents"), "lib ROLE_LIBRARIAN")
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    // Delete overrides: the owner or an administrator.
    let answer = as_user(call(Method::DELETE, "/documents/3"), "ada")
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(
        f.library.get(3).is_some(),
        "a denied delete deletes nothing"
    );
    let answer = as_user(call(Method::DELETE, "/documents/3"), "bob")
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(f.library.get(3).is_none());
}

// ---------------------------------------------------------------------------------------------
// securityPostDenormalize and securityPostValidation

#[tokio::test]
async fn post_denormalize_sees_the_decoded_item() {
    let f = fixture();
    let answer = as_user(call(Method::POST, "/documents"), "ada")
        .jsonapi(&new_document("bob", 1))
        .send(&f.router)
        .await;
    assert_eq!(
        detail(&answer, StatusCode::FORBIDDEN),
        "Documents are created for oneself."
    );
    assert_eq!(f.library.lock().len(), 3);
    let answer = as_user(call(Method::POST, "/documents"), "ada")
        .jsonapi(&new_document("ada", 1))
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    assert_eq!(f.library.lock().len(), 4);
}

#[tokio::test]
async fn post_denormalize_comes_before_validation() {
    let f = fixture();
    // Someone else's document, and no title: the denial wins, the 422 is not shown.
    let body = json!({"data": {"type": "documents", "attributes": {"ownerId": "bob"}}});
    let answer = as_user(call(Method::POST, "/documents"), "ada")
        .jsonapi(&body)
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text());
}

#[tokio::test]
async fn post_validation_runs_after_validation_passes() {
    let f = fixture();
    let answer = as_user(call(Method::POST, "/documents"), "ada")
        .jsonapi(&new_document("ada", 500))
        .send(&f.router)
        .await;
    assert_eq!(
        detail(&answer, StatusCode::FORBIDDEN),
        "Long documents need an administrator."
    );
    assert_eq!(f.library.lock().len(), 3, "a denied write changes nothing");
    // Invalid input is reported as such before the rule is asked.
    let body =
        json!({"data": {"type": "documents", "attributes": {"ownerId": "ada", "pages": 500}}});
    let answer = as_user(call(Method::POST, "/documents"), "ada")
        .jsonapi(&body)
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let answer = as_user(call(Method::POST, "/documents"), "ada ROLE_ADMIN")
        .jsonapi(&new_document("ada", 500))
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
}

#[tokio::test]
async fn previous_object_is_the_stored_state() {
    let f = fixture();
    let patch = |owner: &str| json!({"data": {"type": "documents", "id": "1", "attributes": {"ownerId": owner}}});
    let answer = as_user(call(Method::PATCH, "/documents/1"), "ada")
        .jsonapi(&patch("bob"))
        .send(&f.router)
        .await;
    assert_eq!(
        detail(&answer, StatusCode::FORBIDDEN),
        "The owner cannot change."
    );
    assert_eq!(
        f.library.get(1).map(|doc| doc.owner_id),
        Some("ada".to_owned())
    );
    let title =
        json!({"data": {"type": "documents", "id": "1", "attributes": {"title": "Renamed"}}});
    let answer = as_user(call(Method::PATCH, "/documents/1"), "ada")
        .jsonapi(&title)
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        f.library.get(1).map(|doc| doc.title),
        Some("Renamed".to_owned())
    );
    // `security` (the resource's) still runs first on Patch: bob may not touch ada's.
    let answer = as_user(call(Method::PATCH, "/documents/1"), "bob")
        .jsonapi(&title)
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

// ---------------------------------------------------------------------------------------------
// Authenticators

#[tokio::test]
async fn the_first_authenticator_that_recognises_credentials_decides() {
    let f = fixture();
    let answer = as_user(get("/documents/1?who=bob"), "ada")
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "ada, not bob");
    // Every authenticator looks (credentials that are present must be valid, SPEC §13.4);
    // the first that recognises some decides who is calling.
    assert_eq!(f.asked.load(Ordering::SeqCst), 1, "the second one is asked");
    let answer = get("/documents/1?who=bob").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "bob");
    assert_eq!(f.asked.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn credential_parameters_never_reach_links() {
    let f = fixture();
    let answer = get("/documents?who=librarian&page%5Blimit%5D=1")
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let document = answer.json();
    for name in ["self", "first", "next", "last"] {
        let link = document["links"][name].as_str().unwrap_or_default();
        assert!(!link.is_empty(), "{name} link in {document}");
        assert!(!link.contains("who"), "{name} = {link}");
    }
}

#[tokio::test]
async fn a_principal_from_a_tower_layer_is_used_as_is() {
    let f = fixture();
    let mut request = get("/documents/1").header("x-user", "bob").build();
    request
        .extensions_mut()
        .insert(Principal::new("ada", "ada", PrincipalKind::User));
    let answer = crate::common::send(&f.router, request).await;
    assert_eq!(answer.status, StatusCode::OK, "ada from the layer, not bob");
}

#[tokio::test]
async fn an_open_operation_ignores_bad_credentials() {
    let f = fixture();
    // A bad `X-User` is refused where a rule asks who calls (even one that would let an
    // anonymous caller in)...
    let answer = as_user(get("/documents/2"), "").send(&f.router).await;
    assert_eq!(
        detail(&answer, StatusCode::UNAUTHORIZED),
        "X-User names nobody."
    );
    // ...and ignored where nobody asks: the echo endpoint and an operation without rules.
    let answer = as_user(call(Method::PUT, "/echo/open"), "")
        .raw("text/plain", "1")
        .send(&f.router)
        .await;
    assert_eq!(answer.text(), "open:1");
}

#[tokio::test]
async fn deleting_a_missing_item_is_404_for_everyone() {
    let f = fixture();
    for user in [None, Some("ada"), Some("root ROLE_ADMIN")] {
        let request = call(Method::DELETE, "/documents/999");
        let request = match user {
            Some(user) => as_user(request, user),
            None => request,
        };
        let answer = request.send(&f.router).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{user:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Includes: the included resource's own rule applies

#[tokio::test]
async fn an_include_the_caller_may_not_read_is_refused() {
    let f = fixture();
    let answer = as_user(get("/documents/1?include=vault"), "ada")
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text());
    assert!(!answer.text().contains("launch codes"));
    let answer = as_user(get("/documents/1?include=vault"), "ada ROLE_ADMIN")
        .send(&f.router)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let document = answer.json();
    assert_eq!(
        document["included"][0]["attributes"]["secret"],
        "launch codes"
    );
}

#[tokio::test]
async fn included_items_the_caller_may_not_see_are_left_out_with_their_linkage() {
    let f = fixture();
    // Document 2 is public and ada's; ada's profile is private.
    let answer = get("/documents/2?include=profile").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let document = answer.json();
    assert_eq!(
        document["data"]["relationships"]["profile"]["data"],
        Value::Null
    );
    assert!(
        document
            .get("included")
            .is_none_or(|included| included == &json!([]))
    );
    assert!(!answer.text().contains("All about ada"));
    // Its owner sees it.
    let answer = as_user(get("/documents/2?include=profile"), "ada")
        .send(&f.router)
        .await;
    let document = answer.json();
    assert_eq!(
        document["data"]["relationships"]["profile"]["data"],
        json!({"type": "profiles", "id": "ada"})
    );
    assert_eq!(
        document["included"][0]["attributes"]["bio"],
        "All about ada"
    );
    // Bob's profile is public: anyone who may read bob's document sees it.
    let answer = as_user(get("/documents/3?include=profile"), "bob")
        .send(&f.router)
        .await;
    assert_eq!(answer.json()["included"][0]["id"], "bob");
}

// ---------------------------------------------------------------------------------------------
// Endpoints

#[tokio::test]
async fn an_endpoint_answers_its_route_with_its_own_body() {
    let f = fixture();
    let answer = get("/ping").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), Some("text/plain"));
    assert_eq!(answer.text(), "pong from library at http://shop.test");
    let answer = call(Method::PUT, "/echo/hello%20world")
        .raw("text/plain", "12345")
        .send(&f.router)
        .await;
    assert_eq!(answer.text(), "hello world:5");
}

#[tokio::test]
async fn an_endpoint_gets_head_options_and_405() {
    let f = fixture();
    let answer = call(Method::HEAD, "/ping").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.is_empty());
    assert!(answer.header("content-length").is_some());
    let answer = call(Method::OPTIONS, "/echo/x").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(answer.header("allow"), Some("POST, PUT"));
    let answer = call(Method::DELETE, "/echo/x").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.header("allow"), Some("POST, PUT"));
}

#[tokio::test]
async fn an_endpoint_sees_the_principal_of_valid_credentials() {
    let f = fixture();
    let answer = as_user(get("/whoami"), "ada").send(&f.router).await;
    assert_eq!(answer.text(), "ada");
    let answer = get("/whoami").send(&f.router).await;
    assert_eq!(answer.text(), "nobody");
    // Bad credentials are the endpoint's to judge: it sees none.
    let answer = as_user(get("/whoami"), "").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), "nobody");
}

#[tokio::test]
async fn an_endpoint_error_or_panic_leaves_as_an_error_document() {
    let f = fixture();
    let answer = call(Method::POST, "/echo/x").send(&f.router).await;
    assert_eq!(detail(&answer, StatusCode::BAD_REQUEST), "Send a body.");
    let answer = get("/boom").send(&f.router).await;
    jsonapi_errors(&answer, StatusCode::INTERNAL_SERVER_ERROR);
    let answer = call(Method::POST, "/echo/x")
        .raw("text/plain", &"x".repeat(2000))
        .send(&f.router)
        .await;
    jsonapi_errors(&answer, StatusCode::PAYLOAD_TOO_LARGE);
}

#[test]
fn an_endpoint_cannot_take_a_route_and_method_twice() {
    let built = Application::new("twice")
        .convention(JsonApi::new())
        .route("/ping", [Method::GET], |_: EndpointRequest| async {
            Ok::<_, GlueError>(Response::new(Body::empty()))
        })
        .route("/ping", [Method::GET], |_: EndpointRequest| async {
            Ok::<_, GlueError>(Response::new(Body::empty()))
        })
        .try_build();
    let error = built.map(|_| ()).expect_err("two GET /ping");
    assert_eq!(error.to_string(), "`GET /ping` is served twice");
}

#[test]
fn a_hand_written_rule_that_does_not_parse_fails_the_build() {
    static OPERATIONS: [glue_core::meta::OperationMeta; 1] = [glue_core::meta::OperationMeta {
        kind: glue_core::meta::OperationKind::GetCollection,
        security: glue_core::meta::SecurityMeta {
            security: Some(glue_core::meta::SecurityRule {
                expression: "object.id == 1",
                message: None,
            }),
            post_denormalize: None,
            post_validation: None,
        },
        ..glue_core::meta::OperationMeta::DEFAULT
    }];
    static META: glue_core::meta::ResourceMeta = glue_core::meta::ResourceMeta {
        name: "Raw",
        short_name: "raws",
        label: "Raw",
        operations: &OPERATIONS,
        ..glue_core::meta::ResourceMeta::DEFAULT
    };
    #[derive(Clone)]
    struct Raw;
    impl glue_core::Resource for Raw {
        type Provider = ();
        type Processor = ();
        type Id = glue_core::NoId;
        const META: &'static glue_core::meta::ResourceMeta = &META;
        fn id(&self) -> std::borrow::Cow<'_, str> {
            "".into()
        }
        fn uri_value(&self, _: &str) -> Option<std::borrow::Cow<'_, str>> {
            None
        }
        fn write_properties(
            &self,
            _: &mut glue_core::resource::PropertyWriter<'_>,
        ) -> Result<(), serde_json::Error> {
            Ok(())
        }
        fn from_input(
            _: &mut glue_core::resource::WriteInput<'_>,
            _: Option<Self>,
        ) -> Option<Self> {
            None
        }
    }
    let error = Application::new("raw")
        .convention(JsonApi::new())
        .resource::<Raw>((), ())
        .try_build()
        .map(|_| ())
        .expect_err("object on a collection");
    let text = error.to_string();
    assert!(
        text.starts_with("`security` of `raws` GetCollection:"),
        "{text}"
    );
    assert!(text.contains("`object` is not available here"), "{text}");
}

/// SPEC §13.4: a panic in an authenticator or in a voter of an early rule is a 500 error
/// document, and the application keeps serving.
#[tokio::test]
async fn panics_in_authenticators_and_voters_are_500() {
    let f = fixture();
    let answer = get("/documents/1")
        .header("x-user", "panic")
        .send(&f.router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(errors[0]["status"], "500");
    let answer = get("/vaults/v1")
        .header("x-user", "voter-panic")
        .send(&f.router)
        .await;
    jsonapi_errors(&answer, StatusCode::INTERNAL_SERVER_ERROR);
    let answer = as_user(get("/documents/1"), "ada").send(&f.router).await;
    assert_eq!(answer.status, StatusCode::OK);
}

/// SPEC §13.4: credentials that are present but not valid refuse the request even beside
/// valid ones (RFC 6750 §3.1), with every challenge.
#[tokio::test]
async fn an_invalid_credential_is_refused_beside_a_valid_one() {
    let f = fixture();
    let answer = get("/documents/1?who=librarian")
        .header("x-user", "")
        .send(&f.router)
        .await;
    jsonapi_errors(&answer, StatusCode::UNAUTHORIZED);
}
