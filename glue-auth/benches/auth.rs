//! What access control costs per request: GET of one item through the router with no
//! security at all, with a role rule and a Bearer token, with a role rule and a static API
//! key, and with an object rule (`object.owner == user.id`) and a Bearer token; plus the parts
//! alone (verifying a token, checking an API key).
//!
//! Run with `cargo bench -p glue-auth --bench auth`.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use glue_auth::{
    AccessTokens, ApiKeyAuthenticator, BearerAuthenticator, MemoryStore, Principal, PrincipalKind,
    StaticApiKeys, TokenKeys, TokenSettings, authenticate_api_key,
};
use glue_core::http::{Request, StatusCode};
use glue_core::{ApiResource, Application, Context, GlueError, ItemProvider, Router};
use glue_jsonapi::JsonApi;
use http_body_util::BodyExt;
use tower::ServiceExt;

const API_KEY: &str = "bench-static-api-key";

/// The same document three times over: open, behind a role, behind its owner.
macro_rules! document {
    ($name:ident, $short:literal $(, $security:literal)?) => {
        #[derive(ApiResource, Clone, Debug)]
        #[api(short_name = $short, operations(Get), provider = Documents $(, security = $security)?)]
        struct $name {
            #[api(identifier)]
            id: String,
            title: String,
            owner: String,
            pages: i64,
        }

        impl ItemProvider<$name> for Documents {
            async fn item(&self, ctx: &Context<$name>) -> Result<Option<$name>, GlueError> {
                Ok(ctx.id().map(|id| $name {
                    id: id.clone(),
                    title: "The annual report".to_owned(),
                    owner: "ada".to_owned(),
                    pages: 42,
                }))
            }
        }
    };
}

#[derive(Clone)]
struct Documents;

document!(Open, "open");
document!(
    Guarded,
    "guarded",
    "is_granted('ROLE_VIEWER') or is_granted('ROLE_ADMIN')"
);
document!(Owned, "owned", "object.owner == user.id");

fn tokens() -> Arc<AccessTokens> {
    Arc::new(AccessTokens::new(
        TokenKeys::from_secret(b"bench secret"),
        TokenSettings::default(),
    ))
}

fn ada() -> Principal {
    Principal::new("ada", "ada@example.com", PrincipalKind::User).with_role("ROLE_VIEWER")
}

fn router(tokens: Arc<AccessTokens>) -> Router {
    Application::backend()
        .convention(JsonApi::new())
        .authenticator(BearerAuthenticator::new(tokens))
        .authenticator(ApiKeyAuthenticator::new(
            MemoryStore::new(),
            StaticApiKeys::new().with_key(API_KEY, ada()),
        ))
        .resource::<Open>(Documents, ())
        .resource::<Guarded>(Documents, ())
        .resource::<Owned>(Documents, ())
        .build()
}

async fn get(router: &Router, uri: &str, header: Option<(&str, &str)>) -> usize {
    let mut request = Request::get(uri).header("host", "bench.test");
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    let response = router
        .clone()
        .oneshot(request.body(String::new()).expect("a request"))
        .await
        .unwrap_or_else(|never| match never {});
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes()
        .len()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let tokens = tokens();
    let token = tokens.issue(&ada(), "backend").expect("a token").token;
    let bearer = format!("Bearer {token}");
    let router = router(Arc::clone(&tokens));

    let mut group = c.benchmark_group("item");
    group.bench_function("open", |b| {
        b.to_async(&runtime).iter(|| get(&router, "/open/1", None));
    });
    group.bench_function("role_rule_bearer", |b| {
        b.to_async(&runtime)
            .iter(|| get(&router, "/guarded/1", Some(("authorization", &bearer))));
    });
    group.bench_function("role_rule_api_key", |b| {
        b.to_async(&runtime)
            .iter(|| get(&router, "/guarded/1", Some(("x-api-key", API_KEY))));
    });
    group.bench_function("object_rule_bearer", |b| {
        b.to_async(&runtime)
            .iter(|| get(&router, "/owned/1", Some(("authorization", &bearer))));
    });
    group.finish();

    let mut group = c.benchmark_group("parts");
    group.bench_function("verify_token", |b| {
        b.iter(|| tokens.verify(&token, "backend").expect("valid"));
    });
    let store = MemoryStore::new();
    let statics = StaticApiKeys::new().with_key(API_KEY, ada());
    group.bench_function("static_api_key", |b| {
        b.to_async(&runtime)
            .iter(|| authenticate_api_key(&store, &statics, API_KEY));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
