//! The plain JSON convention (SPEC §4.1, §4.3, §4.4): `application/json` documents with the
//! readable properties under `data`, and `{"code", "message"}` errors.

use std::sync::{Arc, Mutex, PoisonError};

use glue_core::{
    ApiResource, Application, Context, CreateProcessor, GlueError, ItemProvider, PlainJson,
    Processor, Router,
};
use glue_jsonapi::JsonApi;
use http::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use validator::Validate;

use crate::common::{
    Answer, JSONAPI, PLAIN, call, get, jsonapi_errors, keys, plain_document, plain_error, pointers,
    query_pairs, shop,
};
use crate::fixtures::{Notes, app};

/// Checks the answer is a plain JSON validation error and returns its `errors` member.
fn plain_validation(answer: &Answer) -> Value {
    let document = plain_document(answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(keys(&document), ["code", "errors", "message"], "{document}");
    assert_eq!(document["code"], 422);
    assert_eq!(document["message"], "Validation errors.");
    let errors = document["errors"].clone();
    for (field, messages) in errors.as_object().expect("errors is an object") {
        let messages = messages
            .as_array()
            .unwrap_or_else(|| panic!("{field}: not a list: {messages}"));
        assert!(!messages.is_empty(), "{field}");
        assert!(
            messages.iter().all(Value::is_string),
            "{field}: {messages:?}"
        );
    }
    errors
}

/// The readable properties of seeded customer `DE--1`, identifier included.
fn customer_1() -> Value {
    json!({
        "customerReference": "DE--1",
        "idCustomer": 1,
        "email": "customer1@example.com",
        "firstName": "Ben",
        "lastName": "Schmidt",
        "status": "inactive",
        "dateOfBirth": "1961-02-02",
        "isActive": true,
        "creditLimit": 250.0,
        "createdAt": "2024-01-02T03:05:05+00:00"
    })
}

// SPEC §4.1: documents.

#[tokio::test]
async fn a_single_item_is_data_with_the_identifier_and_readable_properties() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(document, json!({"data": customer_1()}));
}

#[tokio::test]
async fn unreadable_properties_are_absent() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .plain(&json!({"data": {
            "email": "hidden@example.com", "firstName": "Hid", "lastName": "Den",
            "password": "correct horse battery"
        }}))
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::CREATED);
    assert!(document["data"].get("password").is_none(), "{document}");
    assert!(!answer.text().contains("correct horse"));

    let answer = get("/notes/2")
        .accept(PLAIN)
        .send(&app(Notes::with(2)))
        .await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(
        document,
        json!({"data": {
            "id": 2,
            "title": "Note 2",
            "body": "Body 2",
            "tags": ["a"],
            "priority": 3,
            "remindAt": null,
            "dueOn": null,
            "createdAt": "2023-11-14T22:13:22+00:00",
            "colour": "red"
        }})
    );
    assert!(!answer.text().contains("hidden"));
}

#[tokio::test]
async fn collection_members_carry_their_identifier() {
    let router = shop().await.backend();
    let answer = get("/customers").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    let customers = document["data"].as_array().expect("data is an array");
    assert_eq!(customers.len(), 10);
    assert_eq!(customers[0], customer_1());
    for (index, customer) in customers.iter().enumerate() {
        assert_eq!(customer["customerReference"], format!("DE--{}", index + 1));
        assert!(customer.get("password").is_none());
        assert!(customer.get("type").is_none());
        assert!(customer.get("attributes").is_none());
    }
}

#[tokio::test]
async fn a_collection_has_data_links_and_meta() {
    let router = app(Notes::with(12));
    let answer = get("/notes").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(keys(&document), ["data", "links", "meta"]);
    let ids: Vec<&Value> = document["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|note| &note["id"])
        .collect();
    assert_eq!(
        ids,
        [1, 2, 3, 4, 5].map(Value::from).iter().collect::<Vec<_>>()
    );

    let links = &document["links"];
    assert_eq!(keys(links), ["first", "last", "next", "prev"]);
    assert_eq!(links["prev"], Value::Null);
    assert_eq!(links["first"], "http://shop.test/notes?page=1");
    assert_eq!(links["next"], "http://shop.test/notes?page=2");
    assert_eq!(links["last"], "http://shop.test/notes?page=3");
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 3, "records": 5, "records_per_page": 5, "records_total": 12})
    );
}

#[tokio::test]
async fn a_middle_page_links_every_neighbour() {
    let router = app(Notes::with(12));
    let answer = get("/notes?page=2").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(
        document["links"],
        json!({
            "first": "http://shop.test/notes?page=1",
            "prev": "http://shop.test/notes?page=1",
            "next": "http://shop.test/notes?page=3",
            "last": "http://shop.test/notes?page=3"
        })
    );
    assert_eq!(document["data"][0]["id"], 6);
    assert_eq!(
        document["meta"],
        json!({"page": 2, "pages": 3, "records": 5, "records_per_page": 5, "records_total": 12})
    );
}

#[tokio::test]
async fn the_last_page_has_a_null_next() {
    let router = app(Notes::with(12));
    let answer = get("/notes?page=3").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(keys(&document["links"]), ["first", "last", "next", "prev"]);
    assert_eq!(document["links"]["next"], Value::Null);
    assert_eq!(document["links"]["prev"], "http://shop.test/notes?page=2");
    assert_eq!(document["data"].as_array().unwrap().len(), 2);
    assert_eq!(
        document["meta"],
        json!({"page": 3, "pages": 3, "records": 2, "records_per_page": 5, "records_total": 12})
    );
}

#[tokio::test]
async fn a_single_page_has_null_prev_and_next() {
    for count in [0, 3] {
        let router = app(Notes::with(count));
        let answer = get("/notes").accept(PLAIN).send(&router).await;
        let document = plain_document(&answer, StatusCode::OK);
        assert_eq!(document["data"].as_array().unwrap().len(), count as usize);
        assert_eq!(
            document["links"],
            json!({
                "first": "http://shop.test/notes?page=1",
                "prev": null,
                "next": null,
                "last": "http://shop.test/notes?page=1"
            })
        );
        assert_eq!(document["meta"]["records_total"], count);
        assert_eq!(document["meta"]["pages"], 1);
    }
}

#[tokio::test]
async fn collection_links_are_absolute_encoded_and_keep_other_parameters() {
    let router = app(Notes::with(12));
    let answer = get("/notes?page=2&view%5Bmode%5D=a%2Fb%20%C3%BC")
        .accept(PLAIN)
        .header("host", "api.example.org:8443")
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::OK);
    for (name, page) in [("first", "1"), ("prev", "1"), ("next", "3"), ("last", "3")] {
        let link = document["links"][name].as_str().unwrap();
        assert!(
            link.starts_with("http://api.example.org:8443/notes?"),
            "{link}"
        );
        assert!(
            !link.contains(['[', ']', ' ']),
            "{name} is not encoded: {link}"
        );
        let mut expected = vec![
            ("page".to_owned(), page.to_owned()),
            ("view[mode]".to_owned(), "a/b ü".to_owned()),
        ];
        expected.sort();
        assert_eq!(query_pairs(&document["links"][name]), expected, "{name}");
    }
}

#[tokio::test]
async fn collection_links_follow_the_form_the_client_used() {
    let router = app(Notes::with(12));
    let answer = get("/notes?page[offset]=5&page[limit]=5")
        .accept(PLAIN)
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(keys(&document["links"]), ["first", "last", "next", "prev"]);
    for (name, offset) in [
        ("first", "0"),
        ("prev", "0"),
        ("next", "10"),
        ("last", "10"),
    ] {
        let mut expected = vec![
            ("page[offset]".to_owned(), offset.to_owned()),
            ("page[limit]".to_owned(), "5".to_owned()),
        ];
        expected.sort();
        assert_eq!(query_pairs(&document["links"][name]), expected, "{name}");
    }
    assert_eq!(document["meta"]["page"], 2);
}

// SPEC §4.3: writes.

#[tokio::test]
async fn post_takes_data_and_answers_201_with_location_and_the_item() {
    let notes = Notes::with(2);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .plain(&json!({"data": {"title": "Plain", "tags": ["x", "y"], "priority": 5}}))
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::CREATED);
    assert_eq!(answer.header("location"), Some("http://shop.test/notes/3"));
    assert_eq!(keys(&document), ["data"]);
    let data = &document["data"];
    assert_eq!(data["id"], 3);
    assert_eq!(data["title"], "Plain");
    assert_eq!(data["tags"], json!(["x", "y"]));
    assert_eq!(data["priority"], 5);
    assert_eq!(data["colour"], "red");
    assert!(data.get("secret").is_none());
    assert_eq!(notes.get(3).unwrap().title, "Plain");

    let answer = get("/notes/3").accept(PLAIN).send(&router).await;
    assert_eq!(plain_document(&answer, StatusCode::OK), document);
}

#[tokio::test]
async fn patch_takes_data_and_answers_the_item() {
    let router = shop().await.backend();
    let answer = call(Method::PATCH, "/customers/DE--1")
        .plain(&json!({"data": {"firstName": "Bernd", "creditLimit": 900.5}}))
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::OK);
    let mut expected = customer_1();
    expected["firstName"] = json!("Bernd");
    expected["creditLimit"] = json!(900.5);
    assert_eq!(document, json!({"data": expected}));
}

#[tokio::test]
async fn a_client_chosen_identifier_is_a_plain_property() {
    let router = app(Notes::with(0));
    let answer = call(Method::POST, "/tags")
        .plain(&json!({"data": {"slug": "rust", "label": "Rust"}}))
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::CREATED);
    assert_eq!(
        answer.header("location"),
        Some("http://shop.test/tags/rust")
    );
    assert_eq!(document, json!({"data": {"slug": "rust", "label": "Rust"}}));

    let router = shop().await.backend();
    let answer = call(Method::POST, "/products")
        .plain(&json!({"data": {"sku": "SKU-PLAIN", "name": "Plain Lamp", "price": 2_500}}))
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::CREATED);
    assert_eq!(
        answer.header("location"),
        Some("http://shop.test/products/SKU-PLAIN")
    );
    assert_eq!(document["data"]["sku"], "SKU-PLAIN");
    assert_eq!(document["data"]["name"], "Plain Lamp");
}

#[tokio::test]
async fn read_only_properties_are_ignored_on_writes() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .plain(&json!({"data": {
            "email": "plain-ro@example.com",
            "firstName": "Read",
            "lastName": "Only",
            "customerReference": "DE--999",
            "idCustomer": 999,
            "createdAt": "1999-01-01T00:00:00+00:00"
        }}))
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["customerReference"], "DE--56");
    assert_eq!(document["data"]["idCustomer"], 56);
    assert_ne!(document["data"]["createdAt"], "1999-01-01T00:00:00+00:00");
    assert_eq!(
        answer.header("location"),
        Some("http://shop.test/customers/DE--56")
    );

    let answer = call(Method::PATCH, "/customers/DE--1")
        .plain(&json!({"data": {
            "lastName": "Patched",
            "customerReference": "DE--999",
            "idCustomer": 999,
            "createdAt": "1999-01-01T00:00:00+00:00"
        }}))
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::OK);
    let mut expected = customer_1();
    expected["lastName"] = json!("Patched");
    assert_eq!(document, json!({"data": expected}));

    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::PATCH, "/notes/1")
        .plain(&json!({"data": {"id": 42, "title": "Kept id", "createdAt": "1999-01-01T00:00:00+00:00"}}))
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["id"], 1);
    assert_eq!(document["data"]["title"], "Kept id");
    assert_eq!(document["data"]["createdAt"], "2023-11-14T22:13:21+00:00");
    assert!(notes.get(42).is_none());
}

#[tokio::test]
async fn unknown_properties_are_422() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .plain(&json!({"data": {
            "email": "unknown-plain@example.com", "firstName": "Un", "lastName": "Known",
            "nickname": "unk"
        }}))
        .send(&router)
        .await;
    let errors = plain_validation(&answer);
    assert_eq!(keys(&errors), ["nickname"]);
    let answer = get("/customers/DE--56").accept(PLAIN).send(&router).await;
    plain_error(&answer, StatusCode::NOT_FOUND);

    let answer = call(Method::PATCH, "/customers/DE--1")
        .plain(&json!({"data": {"firstName": "Changed", "shoeSize": 44, "type": "customers"}}))
        .send(&router)
        .await;
    let errors = plain_validation(&answer);
    assert_eq!(keys(&errors), ["shoeSize", "type"]);
    let answer = get("/customers/DE--1").accept(PLAIN).send(&router).await;
    assert_eq!(
        plain_document(&answer, StatusCode::OK),
        json!({"data": customer_1()})
    );
}

#[tokio::test]
async fn a_write_without_data_is_400() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    for body in [
        json!({"title": "Flat"}),
        json!({"data": null}),
        json!({"data": [{"title": "Listed"}]}),
        json!({"data": "title"}),
        json!([{"title": "Listed"}]),
    ] {
        let answer = call(Method::POST, "/notes")
            .plain(&body)
            .send(&router)
            .await;
        plain_error(&answer, StatusCode::BAD_REQUEST);
    }
    assert!(notes.get(2).is_none());
}

// SPEC §4.4: errors.

#[tokio::test]
async fn validation_errors_have_the_shape_of_spec_4_4() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .plain(&json!({"data": {"email": "not-an-email", "firstName": "Val", "lastName": "Id"}}))
        .send(&router)
        .await;
    assert_eq!(
        plain_document(&answer, StatusCode::UNPROCESSABLE_ENTITY),
        json!({
            "code": 422,
            "message": "Validation errors.",
            "errors": {"email": ["must be a valid email address"]}
        })
    );
}

#[tokio::test]
async fn every_invalid_property_is_reported_at_once() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .plain(&json!({"data": {
            "email": "nope",
            "firstName": "",
            "creditLimit": -1,
            "password": "short",
            "isActive": "yes",
            "nickname": "x"
        }}))
        .send(&router)
        .await;
    let errors = plain_validation(&answer);
    assert_eq!(
        keys(&errors),
        [
            "creditLimit",
            "email",
            "firstName",
            "isActive",
            "lastName",
            "nickname",
            "password"
        ]
    );
    assert_eq!(errors["email"], json!(["must be a valid email address"]));
    assert_eq!(errors["lastName"], json!(["is required"]));
}

#[tokio::test]
async fn errors_from_the_processor_use_the_validation_shape() {
    let router = shop().await.backend();
    let answer = call(Method::PATCH, "/customers/DE--1")
        .plain(&json!({"data": {"email": "customer2@example.com"}}))
        .send(&router)
        .await;
    assert_eq!(
        plain_document(&answer, StatusCode::UNPROCESSABLE_ENTITY),
        json!({
            "code": 422,
            "message": "Validation errors.",
            "errors": {"email": ["is already in use"]}
        })
    );
}

#[tokio::test]
async fn a_not_found_error_is_code_and_message() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--99").accept(PLAIN).send(&router).await;
    assert_eq!(
        plain_document(&answer, StatusCode::NOT_FOUND),
        json!({"code": 404, "message": "Customer DE--99 not found."})
    );

    let answer = call(Method::PATCH, "/customers/DE--99")
        .plain(&json!({"data": {"firstName": "Ghost"}}))
        .send(&router)
        .await;
    assert_eq!(
        plain_document(&answer, StatusCode::NOT_FOUND),
        json!({"code": 404, "message": "Customer DE--99 not found."})
    );
}

#[tokio::test]
async fn other_errors_are_code_and_message() {
    let router = app(Notes::with(1));
    plain_error(
        &get("/nowhere").accept(PLAIN).send(&router).await,
        StatusCode::NOT_FOUND,
    );
    plain_error(
        &call(Method::DELETE, "/notes")
            .accept(PLAIN)
            .send(&router)
            .await,
        StatusCode::METHOD_NOT_ALLOWED,
    );
    plain_error(
        &call(Method::POST, "/notes")
            .raw("text/plain", "x")
            .accept(PLAIN)
            .send(&router)
            .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    );
    let message = plain_error(
        &call(Method::POST, "/notes")
            .raw(PLAIN, "{\"data\": ")
            .accept(PLAIN)
            .send(&router)
            .await,
        StatusCode::BAD_REQUEST,
    );
    assert!(message.contains("line 1 column"), "{message}");
    plain_error(
        &call(Method::POST, "/notes")
            .raw(PLAIN, &" ".repeat(5000))
            .accept(PLAIN)
            .send(&router)
            .await,
        StatusCode::PAYLOAD_TOO_LARGE,
    );
    plain_error(
        &get("/explosives/1").accept(PLAIN).send(&router).await,
        StatusCode::INTERNAL_SERVER_ERROR,
    );

    // A conflict from the processor.
    let body = json!({"data": {"slug": "twice", "label": "Twice"}});
    let answer = call(Method::POST, "/tags").plain(&body).send(&router).await;
    plain_document(&answer, StatusCode::CREATED);
    let answer = call(Method::POST, "/tags").plain(&body).send(&router).await;
    assert_eq!(
        plain_document(&answer, StatusCode::CONFLICT),
        json!({"code": 409, "message": "Tag twice exists."})
    );
}

#[tokio::test]
async fn a_property_of_the_wrong_type_is_a_validation_error() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::PATCH, "/notes/1")
        .plain(&json!({"data": {"priority": "high", "tags": "a,b", "title": ""}}))
        .send(&router)
        .await;
    let errors = plain_validation(&answer);
    assert_eq!(keys(&errors), ["priority", "tags", "title"]);
    assert_eq!(notes.get(1).unwrap().priority, 3);
}

/// A postal address: a nested object with its own rules.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[serde(rename_all = "camelCase")]
struct Postal {
    #[validate(length(min = 1, max = 40))]
    city: String,
    #[validate(length(min = 4, max = 10))]
    zip_code: String,
}

/// A letter, to pin how nested property errors are named.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(operations(Get, Post), provider = Letters, processor = Letters)]
struct Letter {
    #[api(identifier, writable = false)]
    id: u64,
    #[api(required)]
    #[validate(email)]
    email: String,
    #[api(required)]
    #[validate(nested)]
    address: Postal,
}

/// Letters, in memory.
#[derive(Debug, Clone, Default)]
struct Letters {
    items: Arc<Mutex<Vec<Letter>>>,
}

impl ItemProvider<Letter> for Letters {
    async fn item(&self, ctx: &Context<Letter>) -> Result<Option<Letter>, GlueError> {
        let items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(items
            .iter()
            .find(|letter| Some(&letter.id) == ctx.id())
            .cloned())
    }
}

impl Processor<Letter> for Letters {}

impl CreateProcessor<Letter> for Letters {
    async fn create(
        &self,
        _ctx: &Context<Letter>,
        mut letter: Letter,
    ) -> Result<Letter, GlueError> {
        let mut items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
        letter.id = items.len() as u64 + 1;
        items.push(letter.clone());
        Ok(letter)
    }
}

fn letters() -> Router {
    let letters = Letters::default();
    Application::new("letters")
        .convention(PlainJson::new())
        .convention(JsonApi::new())
        .resource::<Letter>(letters.clone(), letters)
        .build()
}

#[tokio::test]
async fn nested_property_errors_are_keyed_by_dotted_path() {
    let router = letters();
    let body = json!({"data": {"email": "bad", "address": {"city": "", "zipCode": "1"}}});
    let answer = call(Method::POST, "/letters")
        .plain(&body)
        .send(&router)
        .await;
    let errors = plain_validation(&answer);
    assert_eq!(keys(&errors), ["address.city", "address.zipCode", "email"]);
    assert_eq!(errors["email"], json!(["must be a valid email address"]));

    // JSON:API names the same errors by pointer.
    let answer = call(Method::POST, "/letters")
        .jsonapi(&json!({"data": {"type": "letters", "attributes": body["data"]}}))
        .accept(JSONAPI)
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    let mut found = pointers(&errors);
    found.sort();
    assert_eq!(
        found,
        [
            "/data/attributes/address/city",
            "/data/attributes/address/zipCode",
            "/data/attributes/email",
        ]
    );

    let answer = call(Method::POST, "/letters")
        .plain(&json!({"data": {"email": "ok@example.com",
            "address": {"city": "Berlin", "zipCode": "10115"}}}))
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::CREATED);
    assert_eq!(
        document,
        json!({"data": {"id": 1, "email": "ok@example.com",
            "address": {"city": "Berlin", "zipCode": "10115"}}})
    );
}

#[tokio::test]
async fn a_collection_without_a_known_total_has_null_last_and_no_total() {
    let router = app(Notes::with(0));
    let answer = get("/events").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(keys(&document), ["data", "links", "meta"]);
    assert_eq!(document["data"].as_array().unwrap().len(), 10);
    assert_eq!(document["data"][0], json!({"sequence": 1}));
    assert_eq!(
        document["links"],
        json!({
            "first": "http://shop.test/events?page=1",
            "prev": null,
            "next": "http://shop.test/events?page=2",
            "last": null
        })
    );
    assert_eq!(
        document["meta"],
        json!({"page": 1, "records": 10, "records_per_page": 10})
    );

    let answer = get("/events?page=3").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(document["data"].as_array().unwrap().len(), 5);
    assert_eq!(document["links"]["next"], Value::Null);
    assert_eq!(document["links"]["prev"], "http://shop.test/events?page=2");
}
