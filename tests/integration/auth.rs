//! Authentication and authorization (SPEC §6) against the demo shop (SPEC §11.2 - §11.4):
//! Bearer tokens and their refusals, roles on the backend, the customer's own account on the
//! storefront, both token endpoints, API keys, write-only fields, and a principal set by a
//! tower layer. Every access-control test uses the backend exactly as the shop serves it
//! (`secured_backend()`); a few run over real sockets.
//!
//! The few forged tokens (expired, another issuer, `alg: none`) are signed with jsonwebtoken's
//! HMAC, checked against a token the shop issued itself.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use example_shop::{Config, start};
use glue_core::{Principal, PrincipalKind, Router};
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};

use crate::common::{
    Answer, Call, PLAIN, TestShop, allowed, attribute_names, call, get, jsonapi_document,
    jsonapi_errors, keys, plain_document, plain_error, pointers, query_pairs, shop,
};

// ---------------------------------------------------------------------------------------------
// Helpers: principals, tokens, requests

/// The token secret of [`secret_shop`], so tests can sign tokens of their own.
const SECRET: &str = "auth-tests-token-secret-0123456789abcdef";

/// The demo password of every seeded account (SPEC §11.2).
const PASSWORD: &str = "change123";

const FORM: &str = "application/x-www-form-urlencoded";

/// A fresh shop whose tokens are signed with [`SECRET`].
async fn secret_shop() -> TestShop {
    shop().await.map(|shop| shop.with_token_secret(SECRET))
}

/// A fresh shop with `key` registered as an administrator's API key (`SHOP_API_KEY`).
async fn shop_with_api_key(key: &str) -> TestShop {
    shop().await.map(|shop| shop.with_api_key(key))
}

/// The seeded administrator, as the back-office user store describes them.
fn admin() -> Principal {
    Principal::new("1", "admin@example.com", PrincipalKind::User).with_role("ROLE_ADMIN")
}

/// The seeded viewer.
fn viewer() -> Principal {
    Principal::new("2", "viewer@example.com", PrincipalKind::User).with_role("ROLE_VIEWER")
}

/// Seeded customer `DE--{n}`, as the storefront's login describes them.
fn customer(n: u32) -> Principal {
    Principal::new(
        format!("DE--{n}"),
        format!("customer{n}@example.com"),
        PrincipalKind::Customer,
    )
    .with_role("ROLE_CUSTOMER")
    .with_claim("customerReference", format!("DE--{n}"))
}

/// An access token the shop itself signs for `principal` and the application `audience`.
fn mint(shop: &TestShop, principal: &Principal, audience: &str) -> String {
    shop.access_tokens()
        .issue(principal, audience)
        .expect("the shop issues a token")
        .token
}

/// A backend token of the administrator.
fn admin_token(shop: &TestShop) -> String {
    mint(shop, &admin(), "backend")
}

/// A backend token of the viewer.
fn viewer_token(shop: &TestShop) -> String {
    mint(shop, &viewer(), "backend")
}

/// A storefront token of customer `DE--{n}`.
fn customer_token(shop: &TestShop, n: u32) -> String {
    mint(shop, &customer(n), "storefront")
}

/// Credentials on a request.
trait Credentials {
    /// `Authorization: Bearer <token>`.
    fn bearer(self, token: &str) -> Self;
    /// `X-Api-Key: <key>`.
    fn api_key(self, key: &str) -> Self;
}

impl Credentials for Call {
    fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    fn api_key(self, key: &str) -> Self {
        self.header("x-api-key", key)
    }
}

/// An `application/x-www-form-urlencoded` body of these pairs.
fn form(pairs: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse("http://form.test/").expect("a URL");
    url.query_pairs_mut().extend_pairs(pairs);
    url.query().unwrap_or_default().to_owned()
}

/// `POST /token` with a form body.
async fn token_request(router: &Router, pairs: &[(&str, &str)]) -> Answer {
    call(Method::POST, "/token")
        .raw(FORM, &form(pairs))
        .send(router)
        .await
}

/// The password grant of the backend; panics unless it succeeds.
async fn backend_login(router: &Router, username: &str) -> Value {
    let answer = token_request(
        router,
        &[
            ("grant_type", "password"),
            ("username", username),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()
}

/// Checks an RFC 6749 §5.2 error answer and returns its `error_description`.
fn oauth_error(answer: &Answer, error: &str) -> String {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text());
    assert_eq!(
        answer.header("content-type"),
        Some(PLAIN),
        "{}",
        answer.text()
    );
    let body = answer.json();
    assert_eq!(body["error"], error, "{body}");
    assert!(body.get("access_token").is_none(), "{body}");
    body["error_description"]
        .as_str()
        .unwrap_or_else(|| panic!("no error_description: {body}"))
        .to_owned()
}

/// `POST /access-tokens` on the storefront.
async fn storefront_login(router: &Router, username: &str, password: &str) -> Answer {
    call(Method::POST, "/access-tokens")
        .jsonapi(&json!({"data": {"type": "access-tokens",
            "attributes": {"username": username, "password": password}}}))
        .send(router)
        .await
}

/// `POST /refresh-tokens` on the storefront.
async fn storefront_refresh(router: &Router, refresh_token: &str) -> Answer {
    call(Method::POST, "/refresh-tokens")
        .jsonapi(&json!({"data": {"type": "refresh-tokens",
            "attributes": {"refreshToken": refresh_token}}}))
        .send(router)
        .await
}

/// The attribute `name` of a JSON:API document's primary resource, as text.
fn attribute(document: &Value, name: &str) -> String {
    document["data"]["attributes"][name]
        .as_str()
        .unwrap_or_else(|| panic!("no text attribute {name}: {document}"))
        .to_owned()
}

/// Checks a 401 that asks for credentials (SPEC §6.4): `WWW-Authenticate: Bearer` without an
/// error, and a JSON:API error document.
fn assert_challenge(answer: &Answer) {
    let errors = jsonapi_errors(answer, StatusCode::UNAUTHORIZED);
    assert_eq!(errors[0]["status"], "401", "{errors:?}");
    let challenge = answer
        .header("www-authenticate")
        .unwrap_or_else(|| panic!("no WWW-Authenticate: {}", answer.text()));
    assert!(
        challenge == "Bearer" || challenge.starts_with("Bearer "),
        "{challenge}"
    );
    assert!(!challenge.contains("error="), "{challenge}");
}

/// Checks a 401 for a refused token (SPEC §6.4): `WWW-Authenticate: Bearer
/// error="invalid_token"` and a JSON:API error document.
fn assert_invalid_token(answer: &Answer) {
    let errors = jsonapi_errors(answer, StatusCode::UNAUTHORIZED);
    assert_eq!(errors[0]["status"], "401", "{errors:?}");
    let challenge = answer
        .header("www-authenticate")
        .unwrap_or_else(|| panic!("no WWW-Authenticate: {}", answer.text()));
    assert!(
        challenge.starts_with(r#"Bearer error="invalid_token""#),
        "{challenge}"
    );
}

/// Checks a 401 JSON:API error document (an API key refused: no Bearer error).
fn assert_unauthorized(answer: &Answer) {
    let errors = jsonapi_errors(answer, StatusCode::UNAUTHORIZED);
    assert_eq!(errors[0]["status"], "401", "{errors:?}");
}

/// Checks a 403 JSON:API error document and returns its detail.
fn assert_forbidden(answer: &Answer) -> String {
    let errors = jsonapi_errors(answer, StatusCode::FORBIDDEN);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["status"], "403", "{errors:?}");
    assert!(
        answer.header("www-authenticate").is_none(),
        "a 403 does not challenge"
    );
    errors[0]["detail"].as_str().unwrap_or_default().to_owned()
}

/// `GET uri` on the backend as the administrator; the JSON:API document of a 200.
async fn admin_read(shop: &TestShop, uri: &str) -> Value {
    let answer = get(uri)
        .bearer(&admin_token(shop))
        .send(&shop.secured_backend())
        .await;
    jsonapi_document(&answer, StatusCode::OK)
}

/// `GET uri` on the backend as the administrator: the status.
async fn admin_status(shop: &TestShop, uri: &str) -> StatusCode {
    get(uri)
        .bearer(&admin_token(shop))
        .send(&shop.secured_backend())
        .await
        .status
}

/// The `id`s of a JSON:API collection document.
fn ids(document: &Value) -> Vec<String> {
    document["data"]
        .as_array()
        .unwrap_or_else(|| panic!("data is not an array: {document}"))
        .iter()
        .map(|resource| resource["id"].as_str().expect("id is a string").to_owned())
        .collect()
}

/// Whether any object in `value`, at any depth, has a member called `name`.
fn has_member(value: &Value, name: &str) -> bool {
    match value {
        Value::Object(members) => members
            .iter()
            .any(|(key, member)| key == name || has_member(member, name)),
        Value::Array(items) => items.iter().any(|item| has_member(item, name)),
        _ => false,
    }
}

/// A customer document for the backend.
fn new_customer(email: &str, extra: &Value) -> Value {
    let mut attributes = json!({"email": email, "firstName": "Jane", "lastName": "Doe"});
    if let (Some(target), Some(extra)) = (attributes.as_object_mut(), extra.as_object()) {
        target.extend(extra.clone());
    }
    json!({"data": {"type": "customers", "attributes": attributes}})
}

/// A product document.
fn new_product(sku: &str, name: &str) -> Value {
    json!({"data": {"type": "products", "id": sku, "attributes": {"name": name, "price": 1999}}})
}

/// A valid address document.
fn new_address() -> Value {
    json!({"data": {"type": "customers-addresses", "attributes": {
        "address1": "Julie-Wolfthorn-Straße 1", "zipCode": "10115", "city": "Berlin",
        "country": "DE"}}})
}

/// The uuid of seeded address `a` (0-based) of customer `DE--{n}`.
fn seeded_address(n: u32, a: u32) -> String {
    format!("00000000-0000-4000-8000-{n:06}{a:06}")
}

/// Sends `request` through a tower layer that puts `principal` into the request extensions,
/// as an authentication layer in front of the router would.
async fn send_through_layer(
    router: &Router,
    principal: Principal,
    request: Request<String>,
) -> Answer {
    use tower::ServiceExt as _;
    let service = tower::ServiceBuilder::new()
        .map_request(move |mut request: Request<String>| {
            request.extensions_mut().insert(principal.clone());
            request
        })
        .service(router.clone());
    let response = service
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

// ---------------------------------------------------------------------------------------------
// Helpers: forged tokens (jsonwebtoken's HMAC, base64url without padding)

fn base64url_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn base64url_decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(text)
        .unwrap_or_else(|error| panic!("not base64url ({error}): {text}"))
}

/// The HS256 signature of `message`, base64url-encoded, as a JWT carries it.
fn hs256_signature(secret: &str, message: &str) -> String {
    jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        jsonwebtoken::Algorithm::HS256,
    )
    .expect("HMAC signing does not fail")
}

/// An HS256 JWT of `header` and `claims`, signed with `secret`.
fn sign(secret: &str, header: &Value, claims: &Value) -> String {
    let message = format!(
        "{}.{}",
        base64url_encode(header.to_string().as_bytes()),
        base64url_encode(claims.to_string().as_bytes())
    );
    let signature = hs256_signature(secret, &message);
    format!("{message}.{signature}")
}

/// The usual JWT header.
fn hs256() -> Value {
    json!({"alg": "HS256", "typ": "JWT"})
}

/// The claims of a JWT, read without checking anything.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has a payload");
    serde_json::from_slice(&base64url_decode(payload)).expect("the payload is JSON")
}

/// `token` with its payload replaced by `claims` and its signature kept.
fn with_claims(token: &str, claims: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    format!(
        "{}.{}.{}",
        parts[0],
        base64url_encode(claims.to_string().as_bytes()),
        parts[2]
    )
}

/// Seconds since the Unix epoch.
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs()
}

#[tokio::test]
async fn the_test_signer_reproduces_a_token_the_shop_issued() {
    // Pins the forged-token tests below: what they sign, the shop would have signed alike.
    let shop = secret_shop().await;
    let token = admin_token(&shop);
    let (message, signature) = token.rsplit_once('.').expect("a JWT");
    assert_eq!(hs256_signature(SECRET, message), signature);
    // And a token it signs from scratch opens the backend.
    let claims = claims_of(&token);
    let forged = sign(SECRET, &hs256(), &claims);
    let answer = get("/customers/DE--1")
        .bearer(&forged)
        .send(&shop.secured_backend())
        .await;
    jsonapi_document(&answer, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// No credentials (SPEC §6.4)

#[tokio::test]
async fn backend_operations_without_credentials_are_401_with_a_bearer_challenge() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let reads = [
        "/customers",
        "/customers/DE--1",
        "/customers/DE--1/addresses",
        "/customers/DE--1/addresses/00000000-0000-4000-8000-000001000000",
        "/products",
        "/products/SKU-0001",
        "/api-keys",
    ];
    for uri in reads {
        let answer = get(uri).send(&router).await;
        assert_challenge(&answer);
    }
    // A foreign scheme is no Bearer credential: the same challenge.
    let basic = get("/customers")
        .header("authorization", "Basic YWRtaW46Y2hhbmdlMTIz")
        .send(&router)
        .await;
    assert_challenge(&basic);
}

#[tokio::test]
async fn backend_writes_without_credentials_are_401_and_change_nothing() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let before = admin_read(&shop, "/customers/DE--1").await;

    let created = call(Method::POST, "/customers")
        .jsonapi(&new_customer("anonymous@example.com", &json!({})))
        .send(&router)
        .await;
    assert_challenge(&created);
    let patched = call(Method::PATCH, "/customers/DE--1")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--1",
            "attributes": {"firstName": "Anonymous"}}}))
        .send(&router)
        .await;
    assert_challenge(&patched);
    let deleted = call(Method::DELETE, "/customers/DE--1").send(&router).await;
    assert_challenge(&deleted);
    let product = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-ANON", "Anonymous"))
        .send(&router)
        .await;
    assert_challenge(&product);

    assert_eq!(admin_read(&shop, "/customers/DE--1").await, before);
    assert_eq!(
        admin_status(&shop, "/customers/DE--56").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin_status(&shop, "/products/SKU-ANON").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_401_in_plain_json_carries_the_same_challenge() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let anonymous = get("/customers").accept(PLAIN).send(&router).await;
    plain_error(&anonymous, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    let refused = get("/customers")
        .accept(PLAIN)
        .bearer("not-a-token")
        .send(&router)
        .await;
    plain_error(&refused, StatusCode::UNAUTHORIZED);
    assert!(
        refused
            .header("www-authenticate")
            .is_some_and(|value| value.starts_with(r#"Bearer error="invalid_token""#)),
        "{:?}",
        refused.headers
    );
    let denied = call(Method::DELETE, "/customers/DE--1")
        .accept(PLAIN)
        .bearer(&viewer_token(&shop))
        .send(&router)
        .await;
    assert_eq!(
        plain_error(&denied, StatusCode::FORBIDDEN),
        "Changing customers needs ROLE_ADMIN."
    );
}

#[tokio::test]
async fn storefront_customer_without_credentials_is_401_with_a_bearer_challenge() {
    let shop = shop().await;
    let router = shop.storefront();
    for uri in [
        "/customers/DE--1",
        "/customers/DE--1?include=addresses",
        "/customers/DE--1/addresses",
        "/customers/DE--1/addresses/00000000-0000-4000-8000-000001000000",
    ] {
        let answer = get(uri).send(&router).await;
        assert_challenge(&answer);
    }
    let patched = call(Method::PATCH, "/customers/DE--1")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--1",
            "attributes": {"firstName": "Anonymous"}}}))
        .send(&router)
        .await;
    assert_challenge(&patched);
    let stored = admin_read(&shop, "/customers/DE--1").await;
    assert_ne!(stored["data"]["attributes"]["firstName"], "Anonymous");
}

#[tokio::test]
async fn storefront_products_are_public() {
    let shop = shop().await;
    let answer = get("/products").send(&shop.storefront()).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"].as_array().map(Vec::len), Some(12));
    let item = get("/products/SKU-0001").send(&shop.storefront()).await;
    jsonapi_document(&item, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Refused tokens (SPEC §6.3, §6.4)

#[tokio::test]
async fn malformed_bearer_tokens_are_401_invalid_token() {
    let shop = shop().await;
    let router = shop.secured_backend();
    for token in [
        "abc",
        "a.b.c",
        "eyJhbGciOiJIUzI1NiJ9",
        "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln",
        "not a token at all",
    ] {
        let answer = get("/customers").bearer(token).send(&router).await;
        assert_invalid_token(&answer);
    }
    // `Bearer` with nothing after it.
    for header in ["Bearer", "Bearer   "] {
        let answer = get("/customers")
            .header("authorization", header)
            .send(&router)
            .await;
        assert_invalid_token(&answer);
    }
}

#[tokio::test]
async fn a_token_with_a_tampered_payload_is_401_and_grants_nothing() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let token = viewer_token(&shop);
    // The genuine token reads.
    jsonapi_document(
        &get("/products").bearer(&token).send(&router).await,
        StatusCode::OK,
    );

    let mut claims = claims_of(&token);
    claims["roles"] = json!(["ROLE_ADMIN"]);
    let promoted = with_claims(&token, &claims);
    let answer = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-TAMPERED", "Tampered"))
        .bearer(&promoted)
        .send(&router)
        .await;
    assert_invalid_token(&answer);
    let read = get("/products").bearer(&promoted).send(&router).await;
    assert_invalid_token(&read);
    assert_eq!(
        admin_status(&shop, "/products/SKU-TAMPERED").await,
        StatusCode::NOT_FOUND
    );

    // A flipped bit in the signature.
    let (message, signature) = token.rsplit_once('.').expect("a JWT");
    let mut bytes = base64url_decode(signature);
    bytes[0] ^= 0x01;
    let flipped = format!("{message}.{}", base64url_encode(&bytes));
    assert_invalid_token(&get("/products").bearer(&flipped).send(&router).await);
    // No signature at all.
    let unsigned = format!("{message}.");
    assert_invalid_token(&get("/products").bearer(&unsigned).send(&router).await);
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_401_invalid_token() {
    let shop = secret_shop().await;
    let claims = claims_of(&admin_token(&shop));
    let foreign = sign("some other secret", &hs256(), &claims);
    let answer = get("/customers")
        .bearer(&foreign)
        .send(&shop.secured_backend())
        .await;
    assert_invalid_token(&answer);
    // And a token of another shop (another random secret) is refused as well.
    let other = self::shop().await;
    let answer = get("/customers")
        .bearer(&admin_token(&other))
        .send(&shop.secured_backend())
        .await;
    assert_invalid_token(&answer);
}

#[tokio::test]
async fn an_expired_token_is_401_invalid_token() {
    let shop = secret_shop().await;
    let router = shop.secured_backend();
    let mut claims = claims_of(&admin_token(&shop));
    let now = now();
    claims["iat"] = json!(now - 7_200);
    claims["nbf"] = json!(now - 7_200);
    claims["exp"] = json!(now - 3_600);
    let expired = sign(SECRET, &hs256(), &claims);
    let answer = get("/customers").bearer(&expired).send(&router).await;
    assert_invalid_token(&answer);
    let answer = call(Method::DELETE, "/products/SKU-0001")
        .bearer(&expired)
        .send(&router)
        .await;
    assert_invalid_token(&answer);
    assert_eq!(
        admin_status(&shop, "/products/SKU-0001").await,
        StatusCode::OK
    );

    // The same claims, still valid, are accepted: only `exp` made the difference.
    claims["exp"] = json!(now + 3_600);
    let fresh = sign(SECRET, &hs256(), &claims);
    jsonapi_document(
        &get("/customers").bearer(&fresh).send(&router).await,
        StatusCode::OK,
    );
}

#[tokio::test]
async fn forged_tokens_are_401_invalid_token() {
    let shop = secret_shop().await;
    let router = shop.secured_backend();
    let claims = claims_of(&admin_token(&shop));

    let mut other_issuer = claims.clone();
    other_issuer["iss"] = json!("someone-else");
    let mut not_yet = claims.clone();
    not_yet["nbf"] = json!(now() + 3_600);
    let mut no_exp = claims.clone();
    no_exp.as_object_mut().expect("claims").remove("exp");
    let mut no_audience = claims.clone();
    no_audience.as_object_mut().expect("claims").remove("aud");
    let forged = [
        sign(SECRET, &hs256(), &other_issuer),
        sign(SECRET, &hs256(), &not_yet),
        sign(SECRET, &hs256(), &no_exp),
        sign(SECRET, &hs256(), &no_audience),
        // `alg: none` with and without a signature.
        format!(
            "{}.{}.",
            base64url_encode(br#"{"alg":"none","typ":"JWT"}"#),
            base64url_encode(claims.to_string().as_bytes())
        ),
        sign(SECRET, &json!({"alg": "none", "typ": "JWT"}), &claims),
    ];
    for token in &forged {
        let answer = get("/customers").bearer(token).send(&router).await;
        assert_invalid_token(&answer);
    }
}

#[tokio::test]
async fn a_storefront_token_is_refused_by_the_backend() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let storefront = customer_token(&shop, 1);
    assert_invalid_token(
        &get("/customers/DE--1")
            .bearer(&storefront)
            .send(&router)
            .await,
    );
    // Even an administrator's principal: the audience decides, not the roles.
    let admin_for_storefront = mint(&shop, &admin(), "storefront");
    assert_invalid_token(
        &get("/customers")
            .bearer(&admin_for_storefront)
            .send(&router)
            .await,
    );
    let answer = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-AUDIENCE", "Audience"))
        .bearer(&admin_for_storefront)
        .send(&router)
        .await;
    assert_invalid_token(&answer);
    assert_eq!(
        admin_status(&shop, "/products/SKU-AUDIENCE").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_backend_token_is_refused_by_the_storefront() {
    let shop = shop().await;
    let router = shop.storefront();
    // A token that names customer DE--1 exactly, but for the backend.
    let backend = mint(&shop, &customer(1), "backend");
    assert_invalid_token(&get("/customers/DE--1").bearer(&backend).send(&router).await);
    assert_invalid_token(
        &get("/customers/DE--1")
            .bearer(&admin_token(&shop))
            .send(&router)
            .await,
    );
    // The same principal with the storefront audience is let in.
    let storefront = customer_token(&shop, 1);
    jsonapi_document(
        &get("/customers/DE--1")
            .bearer(&storefront)
            .send(&router)
            .await,
        StatusCode::OK,
    );
}

/// The cases whose 401 has no `WWW-Authenticate` challenge. RFC 9110 §15.5.2: a server
/// generating a 401 MUST send at least one challenge (SPEC: the standards win).
fn without_challenge<'a>(cases: &'a [(&'a str, Answer)]) -> Vec<&'a str> {
    cases
        .iter()
        .filter_map(|(case, answer)| {
            assert_eq!(
                answer.status,
                StatusCode::UNAUTHORIZED,
                "{case}: {}",
                answer.text()
            );
            answer
                .header("www-authenticate")
                .is_none_or(|challenge| challenge.trim().is_empty())
                .then_some(*case)
        })
        .collect()
}

#[tokio::test]
async fn a_refused_api_key_401_carries_a_challenge() {
    let shop = shop_with_api_key("challenge-key").await;
    let backend = shop.secured_backend();
    let created = create_api_key(&shop, "Revoked at once", &["ROLE_ADMIN"]).await;
    let id = created["data"]["id"].as_str().expect("an id").to_owned();
    let revoked_key = attribute(&created, "key");
    let revoked = call(Method::DELETE, &format!("/api-keys/{id}"))
        .bearer(&admin_token(&shop))
        .send(&backend)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text());

    let cases = [
        (
            "an unknown API key in the header",
            get("/customers")
                .api_key("unknown-key")
                .send(&backend)
                .await,
        ),
        (
            "an unknown API key in the query",
            get("/customers?api_key=unknown-key").send(&backend).await,
        ),
        (
            "a revoked API key",
            get("/customers").api_key(&revoked_key).send(&backend).await,
        ),
    ];
    let missing = without_challenge(&cases);
    assert!(
        missing.is_empty(),
        "401 without WWW-Authenticate: {missing:?}"
    );
}

#[tokio::test]
async fn a_refused_storefront_login_401_carries_a_challenge() {
    let shop = shop().await;
    let storefront = shop.storefront();
    let cases = [
        (
            "a refused storefront login",
            storefront_login(&storefront, "nobody@example.com", "wrong-password").await,
        ),
        (
            "an unknown storefront refresh token",
            storefront_refresh(&storefront, "no-such-refresh-token").await,
        ),
    ];
    let missing = without_challenge(&cases);
    assert!(
        missing.is_empty(),
        "401 without WWW-Authenticate: {missing:?}"
    );
}

#[tokio::test]
async fn authorization_is_decided_before_the_body_is_validated() {
    // SPEC §6.6: `security` of a Post runs before the provider; an unauthorized caller learns
    // nothing about the body.
    let shop = shop().await;
    let router = shop.secured_backend();
    let invalid = json!({"data": {"type": "customers", "attributes": {"email": "not an email"}}});
    let viewer = call(Method::POST, "/customers")
        .jsonapi(&invalid)
        .bearer(&viewer_token(&shop))
        .send(&router)
        .await;
    assert_forbidden(&viewer);
    let anonymous = call(Method::POST, "/customers")
        .jsonapi(&invalid)
        .send(&router)
        .await;
    assert_challenge(&anonymous);
    let patch = call(Method::PATCH, "/customers/DE--1")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--1",
            "attributes": {"email": "not an email", "unknownField": 1}}}))
        .bearer(&viewer_token(&shop))
        .send(&router)
        .await;
    assert_forbidden(&patch);
}

// ---------------------------------------------------------------------------------------------
// Roles on the backend (SPEC §6.6, §11.3)

#[tokio::test]
async fn a_viewer_reads_customers_addresses_and_products() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let token = viewer_token(&shop);
    let customers = jsonapi_document(
        &get("/customers").bearer(&token).send(&router).await,
        StatusCode::OK,
    );
    assert_eq!(customers["meta"]["records_total"], 55);
    let one = jsonapi_document(
        &get("/customers/DE--1").bearer(&token).send(&router).await,
        StatusCode::OK,
    );
    assert_eq!(one["data"]["id"], "DE--1");
    let addresses = jsonapi_document(
        &get("/customers/DE--3/addresses")
            .bearer(&token)
            .send(&router)
            .await,
        StatusCode::OK,
    );
    assert_eq!(addresses["data"].as_array().map(Vec::len), Some(3));
    let address = get(&format!(
        "/customers/DE--3/addresses/{}",
        seeded_address(3, 0)
    ))
    .bearer(&token)
    .send(&router)
    .await;
    jsonapi_document(&address, StatusCode::OK);
    let products = jsonapi_document(
        &get("/products").bearer(&token).send(&router).await,
        StatusCode::OK,
    );
    assert_eq!(products["meta"]["records_total"], 200);
    jsonapi_document(
        &get("/products/SKU-0001").bearer(&token).send(&router).await,
        StatusCode::OK,
    );
    // And in plain JSON.
    let plain = get("/customers/DE--1")
        .bearer(&token)
        .accept(PLAIN)
        .send(&router)
        .await;
    plain_document(&plain, StatusCode::OK);
}

#[tokio::test]
async fn a_viewer_cannot_write_and_nothing_changes() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let token = viewer_token(&shop);
    let customer_before = admin_read(&shop, "/customers/DE--1").await;
    let product_before = admin_read(&shop, "/products/SKU-0001").await;
    let addresses_before = admin_read(&shop, "/customers/DE--2/addresses").await;
    let address_uri = format!("/customers/DE--2/addresses/{}", seeded_address(2, 0));

    let writes = [
        (
            Method::POST,
            "/customers".to_owned(),
            Some(new_customer("viewer-made@example.com", &json!({}))),
        ),
        (
            Method::PATCH,
            "/customers/DE--1".to_owned(),
            Some(
                json!({"data": {"type": "customers", "id": "DE--1", "attributes": {"firstName": "Viewer"}}}),
            ),
        ),
        (
            Method::PUT,
            "/customers/DE--1".to_owned(),
            Some(
                json!({"data": {"type": "customers", "id": "DE--1", "attributes": {
                "email": "customer1@example.com", "firstName": "Viewer", "lastName": "Put"}}}),
            ),
        ),
        (Method::DELETE, "/customers/DE--1".to_owned(), None),
        (
            Method::POST,
            "/products".to_owned(),
            Some(new_product("SKU-VIEWER", "Viewer")),
        ),
        (
            Method::PATCH,
            "/products/SKU-0001".to_owned(),
            Some(
                json!({"data": {"type": "products", "id": "SKU-0001", "attributes": {"price": 1}}}),
            ),
        ),
        (Method::DELETE, "/products/SKU-0001".to_owned(), None),
        (
            Method::POST,
            "/customers/DE--2/addresses".to_owned(),
            Some(new_address()),
        ),
        (
            Method::PATCH,
            address_uri.clone(),
            Some(
                json!({"data": {"type": "customers-addresses", "id": seeded_address(2, 0),
                "attributes": {"city": "Viewerstadt"}}}),
            ),
        ),
        (Method::DELETE, address_uri, None),
    ];
    for (method, uri, body) in writes {
        let request = call(method.clone(), &uri).bearer(&token);
        let request = match &body {
            Some(body) => request.jsonapi(body),
            None => request,
        };
        let answer = request.send(&router).await;
        let detail = assert_forbidden(&answer);
        assert!(detail.contains("ROLE_ADMIN"), "{method} {uri}: {detail}");
    }

    assert_eq!(admin_read(&shop, "/customers/DE--1").await, customer_before);
    assert_eq!(
        admin_read(&shop, "/products/SKU-0001").await,
        product_before
    );
    assert_eq!(
        admin_read(&shop, "/customers/DE--2/addresses").await,
        addresses_before
    );
    assert_eq!(
        admin_status(&shop, "/customers/DE--56").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin_status(&shop, "/products/SKU-VIEWER").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_security_message_is_the_detail_of_a_403() {
    let shop = shop().await;
    let answer = call(Method::DELETE, "/customers/DE--1")
        .bearer(&viewer_token(&shop))
        .send(&shop.secured_backend())
        .await;
    assert_eq!(
        assert_forbidden(&answer),
        "Changing customers needs ROLE_ADMIN."
    );
}

#[tokio::test]
async fn authenticated_principals_without_a_backend_role_are_403_not_401() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let nobody = mint(
        &shop,
        &Principal::new("9", "nobody@example.com", PrincipalKind::User),
        "backend",
    );
    let shopper = mint(&shop, &customer(1), "backend");
    for token in [nobody, shopper] {
        for uri in ["/customers", "/customers/DE--1", "/products", "/api-keys"] {
            let answer = get(uri).bearer(&token).send(&router).await;
            assert_forbidden(&answer);
        }
    }
}

#[tokio::test]
async fn an_admin_creates_changes_and_deletes() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let token = admin_token(&shop);

    let created = call(Method::POST, "/customers")
        .jsonapi(&new_customer("admin-made@example.com", &json!({})))
        .bearer(&token)
        .send(&router)
        .await;
    let created = jsonapi_document(&created, StatusCode::CREATED);
    assert_eq!(created["data"]["id"], "DE--56");
    let patched = call(Method::PATCH, "/customers/DE--56")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--56",
            "attributes": {"lastName": "Changed"}}}))
        .bearer(&token)
        .send(&router)
        .await;
    let patched = jsonapi_document(&patched, StatusCode::OK);
    assert_eq!(patched["data"]["attributes"]["lastName"], "Changed");
    let put = call(Method::PUT, "/customers/DE--56")
        .jsonapi(
            &json!({"data": {"type": "customers", "id": "DE--56", "attributes": {
            "email": "admin-made@example.com", "firstName": "Put", "lastName": "Whole"}}}),
        )
        .bearer(&token)
        .send(&router)
        .await;
    let put = jsonapi_document(&put, StatusCode::OK);
    assert_eq!(put["data"]["attributes"]["firstName"], "Put");

    let address = call(Method::POST, "/customers/DE--56/addresses")
        .jsonapi(&new_address())
        .bearer(&token)
        .send(&router)
        .await;
    let address = jsonapi_document(&address, StatusCode::CREATED);
    let uuid = address["data"]["id"].as_str().expect("an id").to_owned();
    let removed = call(
        Method::DELETE,
        &format!("/customers/DE--56/addresses/{uuid}"),
    )
    .bearer(&token)
    .send(&router)
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text());

    let deleted = call(Method::DELETE, "/customers/DE--56")
        .bearer(&token)
        .send(&router)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
    assert!(deleted.body.is_empty());
    assert_eq!(
        admin_status(&shop, "/customers/DE--56").await,
        StatusCode::NOT_FOUND
    );

    let product = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-ADMIN", "Admin"))
        .bearer(&token)
        .send(&router)
        .await;
    jsonapi_document(&product, StatusCode::CREATED);
    let deleted = call(Method::DELETE, "/products/SKU-ADMIN")
        .bearer(&token)
        .send(&router)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
}

#[tokio::test]
async fn tokens_from_post_token_carry_the_users_roles() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let admin_pair = backend_login(&router, "admin@example.com").await;
    let admin = admin_pair["access_token"]
        .as_str()
        .expect("an access token");
    let viewer_pair = backend_login(&router, "viewer@example.com").await;
    let viewer = viewer_pair["access_token"]
        .as_str()
        .expect("an access token");

    jsonapi_document(
        &get("/customers").bearer(viewer).send(&router).await,
        StatusCode::OK,
    );
    let denied = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-LOGIN", "Login"))
        .bearer(viewer)
        .send(&router)
        .await;
    assert_forbidden(&denied);
    let created = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-LOGIN", "Login"))
        .bearer(admin)
        .send(&router)
        .await;
    jsonapi_document(&created, StatusCode::CREATED);
    // The scheme name is case-insensitive (RFC 9110 §11.1).
    let lower = get("/customers")
        .header("authorization", &format!("bearer {admin}"))
        .send(&router)
        .await;
    jsonapi_document(&lower, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// The backend's token endpoint (SPEC §6.1)

#[tokio::test]
async fn password_grant_answers_a_bearer_pair_that_is_not_cached() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let answer = token_request(
        &router,
        &[
            ("grant_type", "password"),
            ("username", "admin@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert_eq!(answer.header("content-type"), Some(PLAIN));
    let body = answer.json();
    assert_eq!(
        keys(&body),
        ["access_token", "expires_in", "refresh_token", "token_type"],
        "{body}"
    );
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 28_800);
    let access = body["access_token"].as_str().expect("an access token");
    let refresh = body["refresh_token"].as_str().expect("a refresh token");
    assert_eq!(access.split('.').count(), 3, "a JWT: {access}");
    assert!(!refresh.is_empty());
    assert_ne!(access, refresh);

    // SPEC §6.3: subject, roles, issuer and the application as audience.
    let claims = claims_of(access);
    assert_eq!(claims["aud"], "backend", "{claims}");
    assert!(claims["iss"].is_string(), "{claims}");
    assert!(claims["sub"].is_string(), "{claims}");
    assert_eq!(claims["roles"], json!(["ROLE_ADMIN"]), "{claims}");
    let exp = claims["exp"].as_u64().expect("exp");
    let iat = claims["iat"].as_u64().expect("iat");
    assert_eq!(exp - iat, 28_800, "{claims}");
    assert!(!claims.to_string().contains(PASSWORD));

    jsonapi_document(
        &get("/customers").bearer(access).send(&router).await,
        StatusCode::OK,
    );
}

#[tokio::test]
async fn password_grant_accepts_a_json_body() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let answer = call(Method::POST, "/token")
        .raw(
            PLAIN,
            &json!({"grant_type": "password", "username": "viewer@example.com", "password": PASSWORD})
                .to_string(),
        )
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let body = answer.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 28_800);
    let access = body["access_token"].as_str().expect("an access token");
    assert_eq!(claims_of(access)["roles"], json!(["ROLE_VIEWER"]));
    jsonapi_document(
        &get("/products").bearer(access).send(&router).await,
        StatusCode::OK,
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_invalid_grant() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let wrong = token_request(
        &router,
        &[
            ("grant_type", "password"),
            ("username", "admin@example.com"),
            ("password", "not-the-password"),
        ],
    )
    .await;
    let unknown = token_request(
        &router,
        &[
            ("grant_type", "password"),
            ("username", "nobody@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let wrong_description = oauth_error(&wrong, "invalid_grant");
    let unknown_description = oauth_error(&unknown, "invalid_grant");
    assert_eq!(wrong_description, unknown_description);
    assert_eq!(wrong.body, unknown.body, "nothing tells the two apart");
    assert!(!wrong.text().contains("not-the-password"));
}

#[tokio::test]
async fn customer_credentials_are_no_back_office_credentials() {
    let shop = shop().await;
    let answer = token_request(
        &shop.secured_backend(),
        &[
            ("grant_type", "password"),
            ("username", "customer1@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    oauth_error(&answer, "invalid_grant");
}

#[tokio::test]
async fn missing_parameters_are_invalid_request() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let cases: [&[(&str, &str)]; 5] = [
        &[("username", "admin@example.com"), ("password", PASSWORD)],
        &[("grant_type", "password"), ("password", PASSWORD)],
        &[
            ("grant_type", "password"),
            ("username", "admin@example.com"),
        ],
        &[("grant_type", "refresh_token")],
        &[],
    ];
    for pairs in cases {
        let answer = token_request(&router, pairs).await;
        oauth_error(&answer, "invalid_request");
    }
}

#[tokio::test]
async fn an_unknown_grant_type_is_unsupported_grant_type() {
    let shop = shop().await;
    let router = shop.secured_backend();
    for grant in ["client_credentials", "authorization_code", "PASSWORD"] {
        let answer = token_request(
            &router,
            &[
                ("grant_type", grant),
                ("username", "admin@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
        oauth_error(&answer, "unsupported_grant_type");
    }
}

#[tokio::test]
async fn a_repeated_parameter_is_invalid_request() {
    // RFC 6749 §3.2: parameters must not be included more than once.
    let shop = shop().await;
    let answer = token_request(
        &shop.secured_backend(),
        &[
            ("grant_type", "password"),
            ("username", "admin@example.com"),
            ("username", "viewer@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    oauth_error(&answer, "invalid_request");
}

#[tokio::test]
async fn a_token_request_with_too_many_parameters_is_invalid_request() {
    // Bounded work per request: a body of thousands of parameters is refused outright.
    let shop = shop().await;
    let mut pairs: Vec<(String, String)> = vec![
        ("grant_type".to_owned(), "password".to_owned()),
        ("username".to_owned(), "admin@example.com".to_owned()),
        ("password".to_owned(), PASSWORD.to_owned()),
    ];
    pairs.extend((0..5_000).map(|n| (format!("p{n}"), "x".to_owned())));
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    let answer = token_request(&shop.secured_backend(), &borrowed).await;
    oauth_error(&answer, "invalid_request");
}

#[tokio::test]
async fn a_repeated_json_member_is_invalid_request() {
    let shop = shop().await;
    let answer = call(Method::POST, "/token")
        .raw(
            "application/json",
            r#"{"grant_type":"password","username":"viewer@example.com","username":"admin@example.com","password":"change123"}"#,
        )
        .send(&shop.secured_backend())
        .await;
    oauth_error(&answer, "invalid_request");
}

#[tokio::test]
async fn the_token_endpoint_only_takes_post() {
    let shop = shop().await;
    let answer = get("/token").send(&shop.secured_backend()).await;
    assert_eq!(
        answer.status,
        StatusCode::METHOD_NOT_ALLOWED,
        "{}",
        answer.text()
    );
    assert_eq!(allowed(&answer), ["POST"]);
}

#[tokio::test]
async fn parameters_outside_the_body_or_not_strings_are_invalid_request() {
    let shop = shop().await;
    let router = shop.secured_backend();
    // RFC 6749 §3.2: the token endpoint reads its parameters from the body, not the URI.
    let query = call(
        Method::POST,
        "/token?grant_type=password&username=admin%40example.com&password=change123",
    )
    .raw(FORM, "")
    .send(&router)
    .await;
    oauth_error(&query, "invalid_request");
    let not_a_string = call(Method::POST, "/token")
        .raw(
            PLAIN,
            &json!({"grant_type": "password", "username": "admin@example.com", "password": 123})
                .to_string(),
        )
        .send(&router)
        .await;
    oauth_error(&not_a_string, "invalid_request");
}

#[tokio::test]
async fn refresh_grant_renews_the_pair_and_revokes_the_used_token() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let first = backend_login(&router, "admin@example.com").await;
    let first_refresh = first["refresh_token"].as_str().expect("a refresh token");

    let renewed = token_request(
        &router,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first_refresh),
        ],
    )
    .await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.text());
    assert_eq!(renewed.header("cache-control"), Some("no-store"));
    let second = renewed.json();
    assert_eq!(second["token_type"], "Bearer");
    assert_eq!(second["expires_in"], 28_800);
    let second_access = second["access_token"].as_str().expect("an access token");
    let second_refresh = second["refresh_token"].as_str().expect("a refresh token");
    assert_ne!(second_refresh, first_refresh);
    assert_ne!(
        second_access,
        first["access_token"].as_str().unwrap_or_default()
    );
    let created = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-RENEWED", "Renewed"))
        .bearer(second_access)
        .send(&router)
        .await;
    jsonapi_document(&created, StatusCode::CREATED);

    // The used token is refused on reuse.
    let reused = token_request(
        &router,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first_refresh),
        ],
    )
    .await;
    oauth_error(&reused, "invalid_grant");
    // A reuse is a theft (SPEC §13.2): the token renewed from it is revoked with its family.
    let again = token_request(
        &router,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", second_refresh),
        ],
    )
    .await;
    oauth_error(&again, "invalid_grant");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refresh_token_is_used_once_even_by_concurrent_requests() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let pair = backend_login(&router, "viewer@example.com").await;
    let refresh = pair["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned();
    let attempts: Vec<_> = (0..6)
        .map(|_| {
            let router = router.clone();
            let refresh = refresh.clone();
            tokio::spawn(async move {
                token_request(
                    &router,
                    &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
                )
                .await
            })
        })
        .collect();
    let mut renewed = 0;
    for attempt in attempts {
        let answer = attempt.await.expect("the request finishes");
        if answer.status == StatusCode::OK {
            renewed += 1;
        } else {
            oauth_error(&answer, "invalid_grant");
        }
    }
    assert_eq!(renewed, 1, "a refresh token renews exactly once");
}

#[tokio::test]
async fn an_unknown_refresh_token_is_invalid_grant() {
    let shop = shop().await;
    let answer = token_request(
        &shop.secured_backend(),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "no-such-refresh-token"),
        ],
    )
    .await;
    oauth_error(&answer, "invalid_grant");
}

#[tokio::test]
async fn refresh_tokens_do_not_cross_applications() {
    let shop = shop().await;
    let backend = shop.secured_backend();
    let storefront = shop.storefront();

    // A storefront refresh token at the backend's /token.
    let login = storefront_login(&storefront, "customer1@example.com", PASSWORD).await;
    let login = jsonapi_document(&login, StatusCode::CREATED);
    let storefront_refresh_token = attribute(&login, "refreshToken");
    let answer = token_request(
        &backend,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &storefront_refresh_token),
        ],
    )
    .await;
    oauth_error(&answer, "invalid_grant");

    // A backend refresh token at the storefront's /refresh-tokens.
    let pair = backend_login(&backend, "admin@example.com").await;
    let backend_refresh_token = pair["refresh_token"].as_str().expect("a refresh token");
    let answer = storefront_refresh(&storefront, backend_refresh_token).await;
    assert_unauthorized(&answer);
    assert!(!answer.text().contains("accessToken"), "{}", answer.text());
}

// ---------------------------------------------------------------------------------------------
// The storefront's token resources (SPEC §6.2)

#[tokio::test]
async fn storefront_login_answers_an_access_tokens_resource() {
    let shop = shop().await;
    let router = shop.storefront();
    let answer = storefront_login(&router, "customer1@example.com", PASSWORD).await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["type"], "access-tokens");
    assert_eq!(
        attribute_names(&document["data"]),
        [
            "accessToken",
            "expiresIn",
            "refreshToken",
            "refreshTokenExpiresIn",
            "tokenType"
        ]
    );
    let attributes = &document["data"]["attributes"];
    assert_eq!(attributes["tokenType"], "Bearer");
    assert_eq!(attributes["expiresIn"], 28_800);
    assert!(attributes["refreshTokenExpiresIn"].as_u64().unwrap_or(0) > 28_800);
    let access = attribute(&document, "accessToken");
    assert!(!attribute(&document, "refreshToken").is_empty());
    let claims = claims_of(&access);
    assert_eq!(claims["aud"], "storefront", "{claims}");
    assert_eq!(claims["customerReference"], "DE--1", "{claims}");

    let account = get("/customers/DE--1").bearer(&access).send(&router).await;
    let account = jsonapi_document(&account, StatusCode::OK);
    assert_eq!(account["data"]["id"], "DE--1");
    assert_eq!(
        account["data"]["attributes"]["email"],
        "customer1@example.com"
    );
}

#[tokio::test]
async fn storefront_token_answers_are_not_cached() {
    // RFC 6749 §5.1: any response containing tokens MUST carry `Cache-Control: no-store`, as
    // the backend's /token does (SPEC §6.1).
    let shop = shop().await;
    let router = shop.storefront();
    let login = storefront_login(&router, "customer1@example.com", PASSWORD).await;
    let document = jsonapi_document(&login, StatusCode::CREATED);
    let renewed = storefront_refresh(&router, &attribute(&document, "refreshToken")).await;
    jsonapi_document(&renewed, StatusCode::CREATED);
    assert_eq!(
        login.header("cache-control"),
        Some("no-store"),
        "access-tokens"
    );
    assert_eq!(
        renewed.header("cache-control"),
        Some("no-store"),
        "refresh-tokens"
    );
}

#[tokio::test]
async fn storefront_login_with_bad_credentials_is_a_401_error_document() {
    let shop = shop().await;
    let router = shop.storefront();
    let wrong = storefront_login(&router, "customer1@example.com", "not-the-password").await;
    let unknown = storefront_login(&router, "nobody@example.com", PASSWORD).await;
    // Customers whose number is a multiple of 5 are inactive and cannot log in.
    let inactive = storefront_login(&router, "customer5@example.com", PASSWORD).await;
    // Back-office users are no customers.
    let back_office = storefront_login(&router, "admin@example.com", PASSWORD).await;
    let mut details = BTreeSet::new();
    for answer in [&wrong, &unknown, &inactive, &back_office] {
        let errors = jsonapi_errors(answer, StatusCode::UNAUTHORIZED);
        assert_eq!(errors[0]["status"], "401");
        details.insert(errors[0]["detail"].to_string());
        let text = answer.text();
        assert!(!text.contains("accessToken"), "{text}");
        assert!(!text.contains("not-the-password"), "{text}");
    }
    assert_eq!(
        details.len(),
        1,
        "one answer for every bad login: {details:?}"
    );
}

#[tokio::test]
async fn storefront_login_without_a_password_is_422() {
    let shop = shop().await;
    let answer = call(Method::POST, "/access-tokens")
        .jsonapi(&json!({"data": {"type": "access-tokens",
            "attributes": {"username": "customer1@example.com"}}}))
        .send(&shop.storefront())
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointers(&errors), ["/data/attributes/password"]);
    assert!(
        !answer.text().contains("customer1@example.com"),
        "{}",
        answer.text()
    );
}

#[tokio::test]
async fn storefront_refresh_renews_and_the_used_token_is_refused() {
    let shop = shop().await;
    let router = shop.storefront();
    let login = storefront_login(&router, "customer2@example.com", PASSWORD).await;
    let login = jsonapi_document(&login, StatusCode::CREATED);
    let first_refresh = attribute(&login, "refreshToken");

    let renewed = storefront_refresh(&router, &first_refresh).await;
    let renewed = jsonapi_document(&renewed, StatusCode::CREATED);
    assert_eq!(renewed["data"]["type"], "refresh-tokens");
    assert_eq!(renewed["data"]["attributes"]["tokenType"], "Bearer");
    assert_eq!(renewed["data"]["attributes"]["expiresIn"], 28_800);
    let access = attribute(&renewed, "accessToken");
    let second_refresh = attribute(&renewed, "refreshToken");
    assert_ne!(second_refresh, first_refresh);
    let account = get("/customers/DE--2").bearer(&access).send(&router).await;
    jsonapi_document(&account, StatusCode::OK);

    let reused = storefront_refresh(&router, &first_refresh).await;
    let errors = jsonapi_errors(&reused, StatusCode::UNAUTHORIZED);
    assert_eq!(errors[0]["status"], "401");
    // The reuse revoked the family: the token renewed from it no longer renews.
    let again = storefront_refresh(&router, &second_refresh).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "{}", again.text());
}

/// SPEC §13.2: a renewal that used its token up before the family was revoked, and saves
/// the token it issues after, leaves nothing that renews: the shop's store remembers revoked
/// families.
#[tokio::test]
async fn a_renewal_racing_with_the_revocation_of_its_family_is_refused() {
    use glue_auth::{RefreshRecord, RefreshTokenStore, generate_refresh_token};
    let shop = shop().await;
    let store = example_shop::auth::RefreshTokens::new(shop.db().clone());
    let record = |hash: &str, family: &str| RefreshRecord {
        token_hash: hash.to_owned(),
        subject: "1".to_owned(),
        kind: PrincipalKind::Customer,
        audience: "storefront".to_owned(),
        expires_at: now() + 600,
        family: family.to_owned(),
    };
    let (_, first) = generate_refresh_token();
    store.save(record(&first, "family-a")).await.unwrap();
    // The thief renews: the first token is used up ...
    assert!(store.consume(&first, "storefront").await.unwrap().is_some());
    // ... the owner presents it again, which revokes the family ...
    assert_eq!(
        store.spent_family(&first).await.unwrap().as_deref(),
        Some("family-a")
    );
    store.revoke_family("family-a").await.unwrap();
    // ... and only then is the thief's new token saved: it must not renew.
    let (_, late) = generate_refresh_token();
    store.save(record(&late, "family-a")).await.unwrap();
    assert_eq!(store.consume(&late, "storefront").await.unwrap(), None);
    // Revoking twice is harmless; other families renew.
    store.revoke_family("family-a").await.unwrap();
    let (_, other) = generate_refresh_token();
    store.save(record(&other, "family-b")).await.unwrap();
    assert!(store.consume(&other, "storefront").await.unwrap().is_some());
}

#[tokio::test]
async fn a_stale_access_token_does_not_block_renewal_or_public_reads() {
    // Clients send their expired access token along when they renew it.
    let shop = secret_shop().await;
    let router = shop.storefront();
    let login = storefront_login(&router, "customer1@example.com", PASSWORD).await;
    let login = jsonapi_document(&login, StatusCode::CREATED);
    let mut claims = claims_of(&attribute(&login, "accessToken"));
    claims["exp"] = json!(now() - 60);
    let stale = sign(SECRET, &hs256(), &claims);
    let renewed = call(Method::POST, "/refresh-tokens")
        .jsonapi(&json!({"data": {"type": "refresh-tokens",
            "attributes": {"refreshToken": attribute(&login, "refreshToken")}}}))
        .bearer(&stale)
        .send(&router)
        .await;
    jsonapi_document(&renewed, StatusCode::CREATED);
    let products = get("/products").bearer("garbage").send(&router).await;
    jsonapi_document(&products, StatusCode::OK);
    // Where a rule asks who is calling, the stale token is refused.
    let account = get("/customers/DE--1").bearer(&stale).send(&router).await;
    assert_invalid_token(&account);
}

#[tokio::test]
async fn a_new_password_ends_the_refresh_tokens_issued_before() {
    let shop = shop().await;
    let router = shop.storefront();
    let login = storefront_login(&router, "customer2@example.com", PASSWORD).await;
    let login = jsonapi_document(&login, StatusCode::CREATED);
    let patched = call(Method::PATCH, "/customers/DE--2")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--2",
            "attributes": {"password": "a brand new password"}}}))
        .bearer(&attribute(&login, "accessToken"))
        .send(&router)
        .await;
    jsonapi_document(&patched, StatusCode::OK);
    let renewed = storefront_refresh(&router, &attribute(&login, "refreshToken")).await;
    jsonapi_errors(&renewed, StatusCode::UNAUTHORIZED);
    // The backend's password change ends them too.
    let login = storefront_login(&router, "customer2@example.com", "a brand new password").await;
    let login = jsonapi_document(&login, StatusCode::CREATED);
    let patched = call(Method::PATCH, "/customers/DE--2")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--2",
            "attributes": {"password": "yet another password"}}}))
        .send(&shop.backend())
        .await;
    jsonapi_document(&patched, StatusCode::OK);
    let renewed = storefront_refresh(&router, &attribute(&login, "refreshToken")).await;
    jsonapi_errors(&renewed, StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------------------------------------
// The customer's own account on the storefront (SPEC §11.4)

#[tokio::test]
async fn a_customer_reads_their_own_account() {
    let shop = shop().await;
    let answer = get("/customers/DE--1")
        .bearer(&customer_token(&shop, 1))
        .send(&shop.storefront())
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["type"], "customers");
    assert_eq!(document["data"]["id"], "DE--1");
    assert_eq!(
        document["data"]["attributes"]["email"],
        "customer1@example.com"
    );
}

#[tokio::test]
async fn a_customer_cannot_read_another_customers_account() {
    let shop = shop().await;
    let router = shop.storefront();
    let token = customer_token(&shop, 1);
    let answer = get("/customers/DE--2").bearer(&token).send(&router).await;
    let detail = assert_forbidden(&answer);
    assert_eq!(
        detail,
        "Customers can only see and change their own account."
    );
    assert!(!answer.text().contains("customer2@example.com"));
    let included = get("/customers/DE--2?include=addresses")
        .bearer(&token)
        .send(&router)
        .await;
    assert_forbidden(&included);
}

#[tokio::test]
async fn a_missing_customer_is_404_on_the_storefront() {
    let shop = shop().await;
    let answer = get("/customers/DE--999")
        .bearer(&customer_token(&shop, 1))
        .send(&shop.storefront())
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    assert_eq!(errors[0]["status"], "404");
}

#[tokio::test]
async fn a_customer_patches_their_own_account() {
    let shop = shop().await;
    let router = shop.storefront();
    let token = customer_token(&shop, 1);
    let answer = call(Method::PATCH, "/customers/DE--1")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--1",
            "attributes": {"firstName": "Renamed"}}}))
        .bearer(&token)
        .send(&router)
        .await;
    let patched = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(patched["data"]["attributes"]["firstName"], "Renamed");
    assert_eq!(
        patched["data"]["attributes"]["email"],
        "customer1@example.com"
    );

    let read = get("/customers/DE--1").bearer(&token).send(&router).await;
    let read = jsonapi_document(&read, StatusCode::OK);
    assert_eq!(read["data"]["attributes"]["firstName"], "Renamed");
    let stored = admin_read(&shop, "/customers/DE--1").await;
    assert_eq!(stored["data"]["attributes"]["firstName"], "Renamed");
}

#[tokio::test]
async fn patching_another_customers_account_is_403_and_changes_nothing() {
    let shop = shop().await;
    let router = shop.storefront();
    let before = admin_read(&shop, "/customers/DE--2").await;
    let token = customer_token(&shop, 1);
    let answer = call(Method::PATCH, "/customers/DE--2")
        .jsonapi(
            &json!({"data": {"type": "customers", "id": "DE--2", "attributes": {
            "firstName": "Mallory", "email": "mallory@example.com", "password": "taken-over-1"}}}),
        )
        .bearer(&token)
        .send(&router)
        .await;
    assert_forbidden(&answer);
    assert_eq!(admin_read(&shop, "/customers/DE--2").await, before);
    // The owner still reads the unchanged account.
    let owner = get("/customers/DE--2")
        .bearer(&customer_token(&shop, 2))
        .send(&router)
        .await;
    let owner = jsonapi_document(&owner, StatusCode::OK);
    assert_eq!(
        owner["data"]["attributes"]["email"],
        "customer2@example.com"
    );
    assert_ne!(owner["data"]["attributes"]["firstName"], "Mallory");
}

#[tokio::test]
async fn the_body_cannot_redirect_a_patch_to_another_account() {
    let shop = shop().await;
    let router = shop.storefront();
    let token = customer_token(&shop, 1);
    let other_before = admin_read(&shop, "/customers/DE--2").await;
    let own_before = admin_read(&shop, "/customers/DE--1").await;

    // An id that differs from the URL's: 409 (SPEC §3.7), nothing written.
    let mismatched = call(Method::PATCH, "/customers/DE--1")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--2",
            "attributes": {"firstName": "Hijack"}}}))
        .bearer(&token)
        .send(&router)
        .await;
    jsonapi_errors(&mismatched, StatusCode::CONFLICT);
    assert_eq!(admin_read(&shop, "/customers/DE--1").await, own_before);

    // The read-only reference in the attributes is ignored: the caller's own account changes.
    let smuggled = call(Method::PATCH, "/customers/DE--1")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--1",
            "attributes": {"customerReference": "DE--2", "firstName": "Hijack"}}}))
        .bearer(&token)
        .send(&router)
        .await;
    let smuggled = jsonapi_document(&smuggled, StatusCode::OK);
    assert_eq!(smuggled["data"]["id"], "DE--1");
    assert_eq!(admin_read(&shop, "/customers/DE--2").await, other_before);
    let own = admin_read(&shop, "/customers/DE--1").await;
    assert_eq!(own["data"]["attributes"]["firstName"], "Hijack");
}

#[tokio::test]
async fn a_customer_changes_their_password_and_logs_in_with_it() {
    let shop = shop().await;
    let router = shop.storefront();
    let changed = call(Method::PATCH, "/customers/DE--2")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--2",
            "attributes": {"password": "brand-new-secret"}}}))
        .bearer(&customer_token(&shop, 2))
        .send(&router)
        .await;
    jsonapi_document(&changed, StatusCode::OK);
    let new = storefront_login(&router, "customer2@example.com", "brand-new-secret").await;
    jsonapi_document(&new, StatusCode::CREATED);
    let old = storefront_login(&router, "customer2@example.com", PASSWORD).await;
    jsonapi_errors(&old, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_customer_reads_their_own_addresses_and_not_anothers() {
    let shop = shop().await;
    let router = shop.storefront();
    let token = customer_token(&shop, 3);

    let own = get("/customers/DE--3/addresses")
        .bearer(&token)
        .send(&router)
        .await;
    let own = jsonapi_document(&own, StatusCode::OK);
    let expected: Vec<String> = (0..3).map(|a| seeded_address(3, a)).collect();
    assert_eq!(ids(&own), expected);
    let item = get(&format!(
        "/customers/DE--3/addresses/{}",
        seeded_address(3, 1)
    ))
    .bearer(&token)
    .send(&router)
    .await;
    let item = jsonapi_document(&item, StatusCode::OK);
    assert_eq!(item["data"]["attributes"]["customerReference"], "DE--3");

    let others = get("/customers/DE--2/addresses")
        .bearer(&token)
        .send(&router)
        .await;
    assert_forbidden(&others);
    assert!(!others.text().contains(&seeded_address(2, 0)));
    let other_item = get(&format!(
        "/customers/DE--2/addresses/{}",
        seeded_address(2, 0)
    ))
    .bearer(&token)
    .send(&router)
    .await;
    assert_forbidden(&other_item);
    // Another customer's address under one's own reference is not there at all.
    let smuggled = get(&format!(
        "/customers/DE--3/addresses/{}",
        seeded_address(2, 0)
    ))
    .bearer(&token)
    .send(&router)
    .await;
    jsonapi_errors(&smuggled, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_customer_includes_their_own_addresses() {
    let shop = shop().await;
    let answer = get("/customers/DE--3?include=addresses")
        .bearer(&customer_token(&shop, 3))
        .send(&shop.storefront())
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let included = document["included"].as_array().expect("included");
    let uuids: BTreeSet<&str> = included
        .iter()
        .map(|resource| {
            assert_eq!(resource["type"], "customers-addresses");
            assert_eq!(resource["attributes"]["customerReference"], "DE--3");
            resource["id"].as_str().expect("an id")
        })
        .collect();
    let expected: Vec<String> = (0..3).map(|a| seeded_address(3, a)).collect();
    assert_eq!(
        uuids,
        expected.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );
}

// ---------------------------------------------------------------------------------------------
// API keys (SPEC §6.5)

/// Creates an API key with these roles as the administrator; the document of the 201.
async fn create_api_key(shop: &TestShop, name: &str, roles: &[&str]) -> Value {
    let answer = call(Method::POST, "/api-keys")
        .jsonapi(&json!({"data": {"type": "api-keys",
            "attributes": {"name": name, "roles": roles}}}))
        .bearer(&admin_token(shop))
        .send(&shop.secured_backend())
        .await;
    jsonapi_document(&answer, StatusCode::CREATED)
}

#[tokio::test]
async fn a_static_api_key_reads_and_writes() {
    let shop = shop_with_api_key("static-admin-key").await;
    let router = shop.secured_backend();
    let read = get("/customers")
        .api_key("static-admin-key")
        .send(&router)
        .await;
    jsonapi_document(&read, StatusCode::OK);
    let query = get("/customers/DE--1?api_key=static-admin-key")
        .send(&router)
        .await;
    jsonapi_document(&query, StatusCode::OK);
    let created = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-STATIC", "Static"))
        .api_key("static-admin-key")
        .send(&router)
        .await;
    jsonapi_document(&created, StatusCode::CREATED);
    let patched = call(
        Method::PATCH,
        "/products/SKU-STATIC?api_key=static-admin-key",
    )
    .jsonapi(&json!({"data": {"type": "products", "id": "SKU-STATIC",
            "attributes": {"price": 2500}}}))
    .send(&router)
    .await;
    let patched = jsonapi_document(&patched, StatusCode::OK);
    assert_eq!(patched["data"]["attributes"]["price"], 2500);
    let deleted = call(Method::DELETE, "/products/SKU-STATIC")
        .api_key("static-admin-key")
        .send(&router)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
    // Not a storefront credential.
    let storefront = get("/customers/DE--1")
        .api_key("static-admin-key")
        .send(&shop.storefront())
        .await;
    assert_eq!(
        storefront.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        storefront.text()
    );
}

#[tokio::test]
async fn a_created_api_key_is_shown_once_and_works() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let created = create_api_key(&shop, "ERP import", &["ROLE_ADMIN"]).await;
    assert_eq!(created["data"]["type"], "api-keys");
    let id = created["data"]["id"].as_str().expect("an id").to_owned();
    let key = attribute(&created, "key");
    let secret = key
        .strip_prefix(&format!("glk_{id}_"))
        .unwrap_or_else(|| panic!("{key} is not glk_{id}_<secret>"));
    assert!(!secret.is_empty());
    assert_eq!(created["data"]["attributes"]["name"], "ERP import");
    assert_eq!(
        created["data"]["attributes"]["roles"],
        json!(["ROLE_ADMIN"])
    );

    // Never again.
    for uri in [format!("/api-keys/{id}"), "/api-keys".to_owned()] {
        let answer = get(&uri).bearer(&admin_token(&shop)).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert!(!answer.text().contains(secret), "{uri} shows the key");
        let resources = match &document["data"] {
            Value::Array(items) => items.clone(),
            item => vec![item.clone()],
        };
        assert!(
            resources
                .iter()
                .any(|resource| resource["id"] == id.as_str())
        );
        for resource in resources {
            let shown = &resource["attributes"]["key"];
            assert!(shown.is_null(), "{uri}: {resource}");
        }
    }

    // In the header and in the query, reading and writing.
    jsonapi_document(
        &get("/customers").api_key(&key).send(&router).await,
        StatusCode::OK,
    );
    jsonapi_document(
        &get(&format!("/customers?api_key={key}"))
            .send(&router)
            .await,
        StatusCode::OK,
    );
    let written = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-CREATED-KEY", "Created key"))
        .api_key(&key)
        .send(&router)
        .await;
    jsonapi_document(&written, StatusCode::CREATED);
}

#[tokio::test]
async fn an_api_key_carries_its_roles() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let created = create_api_key(&shop, "Reporting", &["ROLE_VIEWER"]).await;
    let key = attribute(&created, "key");
    jsonapi_document(
        &get("/products").api_key(&key).send(&router).await,
        StatusCode::OK,
    );
    let denied = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-VIEWER-KEY", "Viewer key"))
        .api_key(&key)
        .send(&router)
        .await;
    assert_forbidden(&denied);
    assert_eq!(
        admin_status(&shop, "/products/SKU-VIEWER-KEY").await,
        StatusCode::NOT_FOUND
    );
    assert_forbidden(&get("/api-keys").api_key(&key).send(&router).await);
}

#[tokio::test]
async fn the_api_key_parameter_never_appears_in_links() {
    let shop = shop_with_api_key("link-secret-key").await;
    let router = shop.secured_backend();
    let answer = get("/customers?api_key=link-secret-key&page[offset]=10&page[limit]=5")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert!(
        !answer.text().contains("link-secret-key"),
        "{}",
        answer.text()
    );
    assert!(!answer.text().contains("api_key"), "{}", answer.text());
    let links = document["links"].as_object().expect("links");
    for name in ["self", "first", "prev", "next", "last"] {
        let link = links
            .get(name)
            .unwrap_or_else(|| panic!("no {name} link: {document}"));
        let pairs = query_pairs(link);
        assert!(
            pairs.iter().all(|(key, _)| key != "api_key"),
            "{name}: {link}"
        );
        assert!(
            pairs.iter().any(|(key, _)| key == "page[limit]"),
            "{name}: {link}"
        );
    }
    // The Location of a created resource.
    let created = call(Method::POST, "/products?api_key=link-secret-key")
        .jsonapi(&new_product("SKU-LOCATION", "Location"))
        .send(&router)
        .await;
    jsonapi_document(&created, StatusCode::CREATED);
    assert_eq!(
        created.header("location"),
        Some("http://shop.test/products/SKU-LOCATION")
    );
    assert!(
        !created.text().contains("link-secret-key"),
        "{}",
        created.text()
    );
    // Plain JSON, page-number form.
    let plain = get("/products?api_key=link-secret-key&page=2&itemsPerPage=5")
        .accept(PLAIN)
        .send(&router)
        .await;
    plain_document(&plain, StatusCode::OK);
    assert!(
        !plain.text().contains("link-secret-key"),
        "{}",
        plain.text()
    );
    // And an item's links.
    let item = get("/customers/DE--1?api_key=link-secret-key&include=addresses")
        .send(&router)
        .await;
    jsonapi_document(&item, StatusCode::OK);
    assert!(!item.text().contains("link-secret-key"), "{}", item.text());
}

#[tokio::test]
async fn a_revoked_api_key_is_401() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let created = create_api_key(&shop, "Short-lived", &["ROLE_ADMIN"]).await;
    let id = created["data"]["id"].as_str().expect("an id").to_owned();
    let key = attribute(&created, "key");
    jsonapi_document(
        &get("/customers").api_key(&key).send(&router).await,
        StatusCode::OK,
    );

    let revoked = call(Method::DELETE, &format!("/api-keys/{id}"))
        .bearer(&admin_token(&shop))
        .send(&router)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text());
    let listed = admin_read(&shop, &format!("/api-keys/{id}")).await;
    assert!(
        listed["data"]["attributes"]["revokedAt"].is_string(),
        "{listed}"
    );

    assert_unauthorized(&get("/customers").api_key(&key).send(&router).await);
    assert_unauthorized(
        &get(&format!("/customers?api_key={key}"))
            .send(&router)
            .await,
    );
    let written = call(Method::POST, "/products")
        .jsonapi(&new_product("SKU-REVOKED", "Revoked"))
        .api_key(&key)
        .send(&router)
        .await;
    assert_unauthorized(&written);
    assert_eq!(
        admin_status(&shop, "/products/SKU-REVOKED").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_unknown_api_key_is_401() {
    let shop = shop_with_api_key("the-real-key").await;
    let router = shop.secured_backend();
    let created = create_api_key(&shop, "Real", &["ROLE_ADMIN"]).await;
    let id = created["data"]["id"].as_str().expect("an id").to_owned();
    let wrong_secret = format!("glk_{id}_not-the-secret");
    for key in [
        "nope",
        "the-real-key-but-longer",
        "glk_unknown_secret",
        &wrong_secret,
    ] {
        assert_unauthorized(&get("/customers").api_key(key).send(&router).await);
        assert_unauthorized(
            &get(&format!("/customers?api_key={key}"))
                .send(&router)
                .await,
        );
    }
    assert_unauthorized(&get("/customers").api_key("").send(&router).await);
}

#[tokio::test]
async fn only_administrators_manage_api_keys() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let created = create_api_key(&shop, "Existing", &["ROLE_ADMIN"]).await;
    let id = created["data"]["id"].as_str().expect("an id").to_owned();
    let key = attribute(&created, "key");
    let before = admin_read(&shop, "/api-keys").await;
    let viewer = viewer_token(&shop);

    let listed = get("/api-keys").bearer(&viewer).send(&router).await;
    assert_eq!(
        assert_forbidden(&listed),
        "Only administrators manage API keys."
    );
    assert_forbidden(
        &get(&format!("/api-keys/{id}"))
            .bearer(&viewer)
            .send(&router)
            .await,
    );
    let made = call(Method::POST, "/api-keys")
        .jsonapi(&json!({"data": {"type": "api-keys",
            "attributes": {"name": "Sneaky", "roles": ["ROLE_ADMIN"]}}}))
        .bearer(&viewer)
        .send(&router)
        .await;
    assert_forbidden(&made);
    assert!(!made.text().contains("glk_"), "{}", made.text());
    let revoked = call(Method::DELETE, &format!("/api-keys/{id}"))
        .bearer(&viewer)
        .send(&router)
        .await;
    assert_forbidden(&revoked);

    assert_eq!(admin_read(&shop, "/api-keys").await, before);
    jsonapi_document(
        &get("/customers").api_key(&key).send(&router).await,
        StatusCode::OK,
    );
    // Without credentials: 401.
    assert_challenge(&get("/api-keys").send(&router).await);
}

// ---------------------------------------------------------------------------------------------
// Secrets at rest (SPEC §6.3, §6.5)

/// The text values of one column of the shop's database.
async fn column(shop: &TestShop, sql: &'static str) -> Vec<String> {
    sqlx::query_scalar::<_, String>(sql)
        .fetch_all(shop.db().pool())
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
}

#[tokio::test]
async fn passwords_refresh_tokens_and_api_keys_are_stored_hashed() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let created = call(Method::POST, "/customers")
        .jsonapi(&new_customer(
            "stored@example.com",
            &json!({"password": "Stored-Passw0rd"}),
        ))
        .bearer(&admin_token(&shop))
        .send(&router)
        .await;
    jsonapi_document(&created, StatusCode::CREATED);
    let hashes = column(
        &shop,
        "SELECT password_hash FROM customers WHERE customer_reference = 'DE--56'",
    )
    .await;
    assert_eq!(hashes.len(), 1);
    assert!(hashes[0].starts_with("$argon2id$"), "{}", hashes[0]);
    assert!(!hashes[0].contains("Stored-Passw0rd"));
    for hash in column(&shop, "SELECT password_hash FROM back_office_users").await {
        assert!(hash.starts_with("$argon2id$"), "{hash}");
    }

    let pair = backend_login(&router, "viewer@example.com").await;
    let refresh = pair["refresh_token"].as_str().expect("a refresh token");
    let stored = column(&shop, "SELECT token_hash FROM refresh_tokens").await;
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0].contains(refresh),
        "the refresh token is stored as is"
    );

    let key = create_api_key(&shop, "At rest", &["ROLE_VIEWER"]).await;
    let key = attribute(&key, "key");
    // The secret as the key's parser takes it (it may itself contain `_`): stored only as its
    // hash, never as itself.
    let (_, secret) = glue_auth::parse_api_key(&key).expect("a well-formed key");
    let stored = column(&shop, "SELECT secret_hash FROM api_keys").await;
    assert_eq!(stored.len(), 1);
    assert!(secret.len() >= 32, "{secret}");
    assert!(!stored[0].contains(secret), "the API key is stored as is");
    assert!(glue_auth::secret_matches(&stored[0], secret));
}

// ---------------------------------------------------------------------------------------------
// Write-only fields (`readable = false`)

#[tokio::test]
async fn customer_passwords_never_appear_in_backend_answers() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let token = admin_token(&shop);
    let secret = "Hidden-Passw0rd-1";
    let created = call(Method::POST, "/customers")
        .jsonapi(&new_customer(
            "hidden@example.com",
            &json!({"password": secret}),
        ))
        .bearer(&token)
        .send(&router)
        .await;
    jsonapi_document(&created, StatusCode::CREATED);
    let patched = call(Method::PATCH, "/customers/DE--56")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--56",
            "attributes": {"password": secret}}}))
        .bearer(&token)
        .send(&router)
        .await;
    jsonapi_document(&patched, StatusCode::OK);
    let plain_created = call(Method::POST, "/customers")
        .plain(
            &json!({"data": {"email": "plain-hidden@example.com", "firstName": "Plain",
            "lastName": "Hidden", "password": secret}}),
        )
        .bearer(&token)
        .send(&router)
        .await;
    plain_document(&plain_created, StatusCode::CREATED);

    let mut answers = vec![created, patched, plain_created];
    for uri in [
        "/customers/DE--56",
        "/customers?page[limit]=100",
        "/customers/DE--1/addresses?include=customer",
    ] {
        answers.push(get(uri).bearer(&token).send(&router).await);
        answers.push(get(uri).bearer(&token).accept(PLAIN).send(&router).await);
    }
    for answer in &answers {
        assert!(answer.status.is_success(), "{}", answer.text());
        assert!(!has_member(&answer.json(), "password"), "{}", answer.text());
        assert!(!answer.text().contains(secret), "{}", answer.text());
    }
    // The included customers of the address collection are there, without passwords.
    let included = get("/customers/DE--1/addresses?include=customer")
        .bearer(&token)
        .send(&router)
        .await;
    let included = jsonapi_document(&included, StatusCode::OK);
    assert_eq!(included["included"][0]["type"], "customers", "{included}");
}

#[tokio::test]
async fn an_invalid_password_is_not_echoed_in_the_422() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let token = admin_token(&shop);
    let short = "Qz7!xy";
    let answer = call(Method::POST, "/customers")
        .jsonapi(&new_customer(
            "short@example.com",
            &json!({"password": short}),
        ))
        .bearer(&token)
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointers(&errors), ["/data/attributes/password"]);
    assert!(!answer.text().contains(short), "{}", answer.text());
    let patched = call(Method::PATCH, "/customers/DE--1")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--1",
            "attributes": {"password": short}}}))
        .bearer(&token)
        .send(&router)
        .await;
    jsonapi_errors(&patched, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!patched.text().contains(short), "{}", patched.text());
    let plain = call(Method::POST, "/customers")
        .plain(
            &json!({"data": {"email": "short-plain@example.com", "firstName": "Short",
            "lastName": "Plain", "password": short}}),
        )
        .bearer(&token)
        .send(&router)
        .await;
    plain_document(&plain, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!plain.text().contains(short), "{}", plain.text());
}

#[tokio::test]
async fn a_write_only_field_is_no_query_oracle() {
    // SPEC §3.6: only readable properties can be filtered; nor can they be sorted or selected.
    let shop = shop().await;
    let router = shop.secured_backend();
    let token = admin_token(&shop);
    for (uri, parameter) in [
        ("/customers?filter[password]=change123", "filter[password]"),
        (
            "/customers?filter[password][starts_with]=c",
            "filter[password][starts_with]",
        ),
        ("/customers?sort=password", "sort"),
        ("/customers?fields[customers]=password", "fields[customers]"),
    ] {
        let answer = get(uri).bearer(&token).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        let parameters: Vec<&str> = errors
            .iter()
            .filter_map(|error| error["source"]["parameter"].as_str())
            .collect();
        assert_eq!(parameters, [parameter], "{uri}: {errors:?}");
    }
}

#[tokio::test]
async fn storefront_passwords_never_appear() {
    let shop = shop().await;
    let router = shop.storefront();
    let token = customer_token(&shop, 3);
    let secret = "New-Storefront-Passw0rd";
    let patched = call(Method::PATCH, "/customers/DE--3")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--3",
            "attributes": {"password": secret}}}))
        .bearer(&token)
        .send(&router)
        .await;
    jsonapi_document(&patched, StatusCode::OK);
    let short = "Qz7!xy";
    let invalid = call(Method::PATCH, "/customers/DE--3")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--3",
            "attributes": {"password": short}}}))
        .bearer(&token)
        .send(&router)
        .await;
    let errors = jsonapi_errors(&invalid, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointers(&errors), ["/data/attributes/password"]);
    let item = get("/customers/DE--3").bearer(&token).send(&router).await;
    let included = get("/customers/DE--3?include=addresses")
        .bearer(&token)
        .send(&router)
        .await;
    let document = jsonapi_document(&included, StatusCode::OK);
    assert_eq!(document["included"].as_array().map(Vec::len), Some(3));
    for answer in [&patched, &invalid, &item, &included] {
        assert!(!has_member(&answer.json(), "password"), "{}", answer.text());
        assert!(!answer.text().contains(secret), "{}", answer.text());
        assert!(!answer.text().contains(short), "{}", answer.text());
    }
}

#[tokio::test]
async fn access_tokens_never_echo_the_username_or_password() {
    let shop = shop().await;
    let router = shop.storefront();
    let login = storefront_login(&router, "customer1@example.com", PASSWORD).await;
    let refused = storefront_login(&router, "customer1@example.com", "Wr0ng-Secret").await;
    let incomplete = call(Method::POST, "/access-tokens")
        .jsonapi(&json!({"data": {"type": "access-tokens",
            "attributes": {"password": "Lonely-Secret"}}}))
        .send(&router)
        .await;
    assert_eq!(login.status, StatusCode::CREATED, "{}", login.text());
    assert_eq!(
        refused.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        refused.text()
    );
    let errors = jsonapi_errors(&incomplete, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointers(&errors), ["/data/attributes/username"]);
    for answer in [&login, &refused, &incomplete] {
        let document = answer.json();
        assert!(!has_member(&document, "username"), "{document}");
        assert!(!has_member(&document, "password"), "{document}");
        let text = answer.text();
        for secret in [
            "customer1@example.com",
            PASSWORD,
            "Wr0ng-Secret",
            "Lonely-Secret",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A principal from a tower layer in front of the router

#[tokio::test]
async fn a_principal_set_by_a_layer_is_honoured_without_other_credentials() {
    let shop = shop().await;
    let router = shop.secured_backend();
    let read = send_through_layer(&router, viewer(), get("/customers/DE--1").build()).await;
    jsonapi_document(&read, StatusCode::OK);
    let denied = send_through_layer(
        &router,
        viewer(),
        call(Method::POST, "/products")
            .jsonapi(&new_product("SKU-LAYER", "Layer"))
            .build(),
    )
    .await;
    assert_forbidden(&denied);
    assert_eq!(
        admin_status(&shop, "/products/SKU-LAYER").await,
        StatusCode::NOT_FOUND
    );
    let created = send_through_layer(
        &router,
        admin(),
        call(Method::POST, "/products")
            .jsonapi(&new_product("SKU-LAYER", "Layer"))
            .build(),
    )
    .await;
    jsonapi_document(&created, StatusCode::CREATED);

    // On the storefront the layer's customer is the owner.
    let storefront = shop.storefront();
    let own = send_through_layer(&storefront, customer(2), get("/customers/DE--2").build()).await;
    jsonapi_document(&own, StatusCode::OK);
    let other = send_through_layer(&storefront, customer(2), get("/customers/DE--1").build()).await;
    assert_forbidden(&other);
}

// ---------------------------------------------------------------------------------------------
// Over real sockets

/// An answer over HTTP.
struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

async fn over_http(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("the shop answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("a body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|error| {
            panic!("not JSON ({error}): {}", String::from_utf8_lossy(&bytes))
        })
    };
    Reply {
        status,
        headers,
        body,
    }
}

const SOCKET_KEY: &str = "auth-socket-admin-key";

#[tokio::test]
async fn backend_credentials_over_a_socket() {
    let shop = start(&Config {
        token_secret: Some(SECRET.to_owned()),
        api_key: Some(SOCKET_KEY.to_owned()),
        ..Config::ephemeral("sqlite::memory:")
    })
    .await
    .expect("the shop starts");
    let backend = format!("http://{}", shop.backend_addr());
    let storefront = format!("http://{}", shop.storefront_addr());
    let client = reqwest::Client::new();

    let anonymous = over_http(client.get(format!("{backend}/customers"))).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    assert_eq!(anonymous.body["errors"][0]["status"], "401");

    let login = over_http(
        client
            .post(format!("{backend}/token"))
            .header("content-type", FORM)
            .body(form(&[
                ("grant_type", "password"),
                ("username", "viewer@example.com"),
                ("password", PASSWORD),
            ])),
    )
    .await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(login.header("cache-control"), Some("no-store"));
    assert_eq!(login.body["token_type"], "Bearer");
    assert_eq!(login.body["expires_in"], 28_800);
    let access = login.body["access_token"]
        .as_str()
        .expect("an access token");

    let read = over_http(
        client
            .get(format!("{backend}/customers/DE--1"))
            .bearer_auth(access),
    )
    .await;
    assert_eq!(read.status, 200, "{}", read.body);
    let write = over_http(
        client
            .delete(format!("{backend}/customers/DE--1"))
            .bearer_auth(access),
    )
    .await;
    assert_eq!(write.status, 403, "{}", write.body);
    let elsewhere = over_http(
        client
            .get(format!("{storefront}/customers/DE--1"))
            .bearer_auth(access),
    )
    .await;
    assert_eq!(elsewhere.status, 401, "{}", elsewhere.body);
    assert!(
        elsewhere
            .header("www-authenticate")
            .is_some_and(|value| value.starts_with(r#"Bearer error="invalid_token""#)),
        "{:?}",
        elsewhere.headers
    );

    let keyed = over_http(
        client
            .get(format!("{backend}/customers?page[limit]=5"))
            .header("x-api-key", SOCKET_KEY),
    )
    .await;
    assert_eq!(keyed.status, 200, "{}", keyed.body);
    let queried = over_http(client.get(format!(
        "{backend}/customers?page[limit]=5&api_key={SOCKET_KEY}"
    )))
    .await;
    assert_eq!(queried.status, 200, "{}", queried.body);
    assert!(
        !queried.body.to_string().contains(SOCKET_KEY),
        "{}",
        queried.body
    );
    let unknown = over_http(
        client
            .get(format!("{backend}/customers"))
            .header("x-api-key", "not-a-key"),
    )
    .await;
    assert_eq!(unknown.status, 401, "{}", unknown.body);

    shop.shutdown().await.expect("a clean shutdown");
}

#[tokio::test]
async fn storefront_login_and_own_account_over_a_socket() {
    let shop = start(&Config::ephemeral("sqlite::memory:"))
        .await
        .expect("the shop starts");
    let storefront = format!("http://{}", shop.storefront_addr());
    let backend = format!("http://{}", shop.backend_addr());
    let client = reqwest::Client::new();

    let login = over_http(
        client
            .post(format!("{storefront}/access-tokens"))
            .header("content-type", crate::common::JSONAPI)
            .body(
                json!({"data": {"type": "access-tokens", "attributes": {
                    "username": "customer2@example.com", "password": PASSWORD}}})
                .to_string(),
            ),
    )
    .await;
    assert_eq!(login.status, 201, "{}", login.body);
    let access = login.body["data"]["attributes"]["accessToken"]
        .as_str()
        .expect("an access token");

    let own = over_http(
        client
            .get(format!("{storefront}/customers/DE--2"))
            .bearer_auth(access),
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(own.body["data"]["id"], "DE--2");
    let other = over_http(
        client
            .get(format!("{storefront}/customers/DE--1"))
            .bearer_auth(access),
    )
    .await;
    assert_eq!(other.status, 403, "{}", other.body);
    let anonymous = over_http(client.get(format!("{storefront}/customers/DE--2"))).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    let on_backend = over_http(
        client
            .get(format!("{backend}/customers/DE--2"))
            .bearer_auth(access),
    )
    .await;
    assert_eq!(on_backend.status, 401, "{}", on_backend.body);
    assert!(
        on_backend
            .header("www-authenticate")
            .is_some_and(|value| value.starts_with(r#"Bearer error="invalid_token""#)),
        "{:?}",
        on_backend.headers
    );

    shop.shutdown().await.expect("a clean shutdown");
}

/// A refresh token presented to the wrong application is refused there and stays usable
/// where it was issued (it is not used up by the attempt).
#[tokio::test]
async fn a_refresh_token_refused_by_another_application_is_not_used_up() {
    let shop = shop().await;
    let backend = shop.secured_backend();
    let pair = backend_login(&backend, "viewer@example.com").await;
    let refresh = pair["refresh_token"].as_str().expect("a refresh token");
    let elsewhere = storefront_refresh(&shop.storefront(), refresh).await;
    assert_eq!(elsewhere.status, StatusCode::UNAUTHORIZED);
    let renewed = token_request(
        &backend,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.text());
}

/// SPEC §13.2: ten failed logins for one username within five minutes, and that username is
/// refused with 429 and `Retry-After` (even with the right password) until the window
/// passes; other users log in as before.
#[tokio::test]
async fn repeated_failed_logins_are_throttled_per_username() {
    let shop = shop().await;
    let backend = shop.secured_backend();
    let login = |username: &'static str, password: &'static str| {
        let backend = backend.clone();
        async move {
            token_request(
                &backend,
                &[
                    ("grant_type", "password"),
                    ("username", username),
                    ("password", password),
                ],
            )
            .await
        }
    };
    for _ in 0..10 {
        let wrong = login("admin@example.com", "wrong-password").await;
        oauth_error(&wrong, "invalid_grant");
    }
    for password in ["wrong-password", PASSWORD] {
        let throttled = login("ADMIN@example.com", password).await;
        assert_eq!(
            throttled.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            throttled.text()
        );
        let seconds: u64 = throttled
            .header("retry-after")
            .and_then(|value| value.parse().ok())
            .expect("Retry-After in seconds");
        assert!((1..=300).contains(&seconds), "{seconds}");
        assert_eq!(throttled.json()["error"], "temporarily_unavailable");
    }
    let other = login("viewer@example.com", PASSWORD).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text());

    // The storefront's login is throttled the same way.
    let storefront = shop.storefront();
    for _ in 0..10 {
        let wrong = storefront_login(&storefront, "customer1@example.com", "wrong-password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let throttled = storefront_login(&storefront, "customer1@example.com", PASSWORD).await;
    let errors = jsonapi_errors(&throttled, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(errors[0]["status"], "429");
    assert!(throttled.header("retry-after").is_some());
    let other = storefront_login(&storefront, "customer2@example.com", PASSWORD).await;
    assert_eq!(other.status, StatusCode::CREATED);
}

/// SPEC §11.2, §13.2: only `customer1` and `customer2` log in with the demo password.
#[tokio::test]
async fn only_the_two_demo_customers_have_the_demo_password() {
    let shop = shop().await;
    let storefront = shop.storefront();
    for email in ["customer1@example.com", "customer2@example.com"] {
        let login = storefront_login(&storefront, email, PASSWORD).await;
        assert_eq!(login.status, StatusCode::CREATED, "{email}");
    }
    for email in ["customer3@example.com", "customer55@example.com"] {
        let login = storefront_login(&storefront, email, PASSWORD).await;
        assert_eq!(login.status, StatusCode::UNAUTHORIZED, "{email}");
    }
}

/// SPEC §13.4, RFC 6750 §3.1: an invalid bearer token is refused even beside a valid API key,
/// and a request whose every credential is refused hears every scheme's challenge.
#[tokio::test]
async fn an_invalid_bearer_token_is_refused_beside_a_valid_api_key() {
    let shop = shop()
        .await
        .map(|shop| shop.with_api_key("valid-admin-key-for-this-test"));
    let backend = shop.secured_backend();
    let key_only = get("/customers?page[limit]=1")
        .header("x-api-key", "valid-admin-key-for-this-test")
        .send(&backend)
        .await;
    assert_eq!(key_only.status, StatusCode::OK, "{}", key_only.text());
    let both = get("/customers?page[limit]=1")
        .header("x-api-key", "valid-admin-key-for-this-test")
        .header("authorization", "Bearer not-a-token")
        .send(&backend)
        .await;
    jsonapi_errors(&both, StatusCode::UNAUTHORIZED);

    let neither = get("/customers?page[limit]=1")
        .header("x-api-key", "glue_unknown_key")
        .header("authorization", "Bearer not-a-token")
        .send(&backend)
        .await;
    jsonapi_errors(&neither, StatusCode::UNAUTHORIZED);
    let challenges: Vec<&str> = neither
        .headers
        .get_all("www-authenticate")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect();
    assert!(
        challenges.iter().any(|c| c.starts_with("Bearer")),
        "{challenges:?}"
    );
    assert!(
        challenges.iter().any(|c| c.starts_with("ApiKey")),
        "{challenges:?}"
    );
}
