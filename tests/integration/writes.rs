//! Writes (SPEC §1.2 statuses, §3.7 request documents, §4.3 plain JSON writes, §7.1
//! validation): Post, Put, Patch and Delete, defaults, required properties, read-only and
//! write-only properties, and validation errors reported all at once.

use std::collections::BTreeSet;

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{
    Answer, attribute_names, call, get, jsonapi_document, jsonapi_errors, new_note, pointers, shop,
};
use crate::fixtures::{Notes, app};

// ---------------------------------------------------------------------------------------------
// Helpers

/// A JSON:API request document for an existing note.
fn note(id: &str, attributes: &Value) -> Value {
    json!({"data": {"type": "notes", "id": id, "attributes": attributes}})
}

/// `POST /notes`.
async fn post_note(router: &glue_core::Router, attributes: &Value) -> Answer {
    call(Method::POST, "/notes")
        .jsonapi(&new_note(attributes))
        .send(router)
        .await
}

/// `method /notes/{id}` with these attributes.
async fn write_note(
    router: &glue_core::Router,
    method: Method,
    id: &str,
    attributes: &Value,
) -> Answer {
    call(method, &format!("/notes/{id}"))
        .jsonapi(&note(id, attributes))
        .send(router)
        .await
}

/// The JSON:API document of `GET uri`.
async fn read(router: &glue_core::Router, uri: &str) -> Value {
    let answer = get(uri).send(router).await;
    jsonapi_document(&answer, StatusCode::OK)
}

/// The pointers of a 422 answer, as a set.
fn pointer_set(answer: &Answer) -> BTreeSet<String> {
    let errors = jsonapi_errors(answer, StatusCode::UNPROCESSABLE_ENTITY);
    for error in &errors {
        assert_eq!(error["status"], "422", "{error:#}");
        assert_eq!(error["code"], "validation", "{error:#}");
    }
    pointers(&errors).into_iter().collect()
}

/// A set of pointers under `/data/attributes/`.
fn attributes_at(names: &[&str]) -> BTreeSet<String> {
    names
        .iter()
        .map(|name| format!("/data/attributes/{name}"))
        .collect()
}

/// A valid new customer.
fn new_customer(email: &str) -> Value {
    json!({"data": {"type": "customers", "attributes": {
        "email": email, "firstName": "Jane", "lastName": "Doe"
    }}})
}

// ---------------------------------------------------------------------------------------------
// Post

#[tokio::test]
async fn post_answers_201_with_an_absolute_location_and_the_created_resource() {
    let notes = Notes::with(3);
    let router = app(notes.clone());
    let answer = post_note(&router, &json!({"title": "Shopping", "body": "Milk"})).await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(answer.header("location"), Some("http://shop.test/notes/4"));
    assert_eq!(document["data"]["type"], "notes");
    assert_eq!(document["data"]["id"], "4");
    assert_eq!(document["data"]["attributes"]["title"], "Shopping");
    assert_eq!(document["data"]["attributes"]["body"], "Milk");
    assert_eq!(
        document["data"]["links"]["self"],
        "http://shop.test/notes/4"
    );
    assert_eq!(document["links"]["self"], "http://shop.test/notes/4");
    assert!(notes.get(4).is_some());

    // The created resource is what a later read answers.
    let stored = read(&router, "/notes/4").await;
    assert_eq!(stored["data"], document["data"]);
}

#[tokio::test]
async fn post_applies_declared_defaults() {
    let router = app(Notes::with(0));
    let answer = post_note(&router, &json!({"title": "Defaults"})).await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    let attributes = &document["data"]["attributes"];
    assert_eq!(attributes["priority"], 3);
    assert_eq!(attributes["colour"], "red");
    assert_eq!(attributes["body"], Value::Null);
    assert_eq!(attributes["tags"], json!([]));
    assert_eq!(attributes["remindAt"], Value::Null);
    assert_eq!(attributes["dueOn"], Value::Null);

    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .jsonapi(&new_customer("defaults@example.com"))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    let attributes = &document["data"]["attributes"];
    assert_eq!(attributes["isActive"], true);
    assert_eq!(attributes["status"], "active");
    assert_eq!(attributes["dateOfBirth"], Value::Null);

    let answer = call(Method::POST, "/products")
        .jsonapi(&json!({"data": {"type": "products", "id": "SKU-DEFAULTS",
            "attributes": {"name": "Stool", "price": 1500}}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["attributes"]["currency"], "EUR");
    assert_eq!(document["data"]["attributes"]["isActive"], true);
}

#[tokio::test]
async fn sent_values_win_over_defaults() {
    let router = app(Notes::with(0));
    let answer = post_note(
        &router,
        &json!({"title": "Chosen", "priority": 5, "colour": "green", "tags": ["x", "y"]}),
    )
    .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    let attributes = &document["data"]["attributes"];
    assert_eq!(attributes["priority"], 5);
    assert_eq!(attributes["colour"], "green");
    assert_eq!(attributes["tags"], json!(["x", "y"]));
}

#[tokio::test]
async fn post_without_required_properties_is_422_with_a_pointer_for_each() {
    let router = app(Notes::with(0));
    let answer = post_note(&router, &json!({"body": "no title"})).await;
    assert_eq!(pointer_set(&answer), attributes_at(&["title"]));
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors[0]["title"], "Invalid attribute");

    // No attributes at all.
    let answer = call(Method::POST, "/notes")
        .jsonapi(&json!({"data": {"type": "notes"}}))
        .send(&router)
        .await;
    assert_eq!(pointer_set(&answer), attributes_at(&["title"]));

    // `null` is not a value for a required property.
    let answer = post_note(&router, &json!({"title": null})).await;
    assert_eq!(pointer_set(&answer), attributes_at(&["title"]));

    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "customers", "attributes": {"status": "pending"}}}))
        .send(&router)
        .await;
    assert_eq!(
        pointer_set(&answer),
        attributes_at(&["email", "firstName", "lastName"])
    );
}

#[tokio::test]
async fn a_client_generated_id_on_post_is_403_unless_the_resource_allows_it() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .jsonapi(&json!({"data": {"type": "notes", "id": "99", "attributes": {"title": "Mine"}}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::FORBIDDEN);
    assert_eq!(errors[0]["status"], "403");
    assert_eq!(errors[0]["source"]["pointer"], "/data/id");
    assert!(notes.get(2).is_none());
    assert!(notes.get(99).is_none());

    // Tags take client-generated ids.
    let answer = call(Method::POST, "/tags")
        .jsonapi(&json!({"data": {"type": "tags", "id": "rust", "attributes": {"label": "Rust"}}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["id"], "rust");
    assert_eq!(
        answer.header("location"),
        Some("http://shop.test/tags/rust")
    );
    assert_eq!(
        read(&router, "/tags/rust").await["data"]["attributes"]["label"],
        "Rust"
    );
}

// ---------------------------------------------------------------------------------------------
// Request documents (SPEC §3.7)

#[tokio::test]
async fn a_document_without_data_is_400() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    for body in [
        json!({}),
        json!({"data": null}),
        json!({"meta": {"title": "x"}}),
        json!({"data": []}),
        json!({"data": "notes"}),
    ] {
        let answer = call(Method::POST, "/notes")
            .jsonapi(&body)
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["status"], "400", "{body}");
        let answer = call(Method::PATCH, "/notes/1")
            .jsonapi(&body)
            .send(&router)
            .await;
        jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    }
    assert!(notes.get(2).is_none());

    // Attributes that are not an object are a malformed document too.
    let answer = call(Method::POST, "/notes")
        .jsonapi(&json!({"data": {"type": "notes", "attributes": ["title"]}}))
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    assert!(notes.get(2).is_none());

    // So are relationships that are not an object, even where nothing reads them.
    for relationships in [json!([null, null]), json!("author"), json!(null)] {
        let answer = call(Method::POST, "/notes")
            .jsonapi(
                &json!({"data": {"type": "notes", "attributes": {"title": "x"},
                "relationships": relationships}}),
            )
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(
            errors[0]["source"]["pointer"], "/data/relationships",
            "{relationships}"
        );
        assert!(notes.get(2).is_none());
    }
    let answer = call(Method::POST, "/notes")
        .jsonapi(
            &json!({"data": {"type": "notes", "attributes": {"title": "x"},
            "relationships": {}}}),
        )
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
}

#[tokio::test]
async fn a_type_other_than_the_endpoints_is_409() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .jsonapi(&json!({"data": {"type": "tags", "attributes": {"title": "x"}}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
    assert_eq!(errors[0]["source"]["pointer"], "/data/type");
    assert!(notes.get(2).is_none());

    for method in [Method::PUT, Method::PATCH] {
        let answer = call(method.clone(), "/notes/1")
            .jsonapi(
                &json!({"data": {"type": "customers", "id": "1", "attributes": {"title": "x"}}}),
            )
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
        assert_eq!(errors[0]["source"]["pointer"], "/data/type", "{method}");
    }
    assert_eq!(
        notes.get(1).map(|note| note.title),
        Some("Note 1".to_owned())
    );
}

#[tokio::test]
async fn an_id_differing_from_the_urls_is_409() {
    let notes = Notes::with(2);
    let router = app(notes.clone());
    for method in [Method::PUT, Method::PATCH] {
        let answer = call(method.clone(), "/notes/1")
            .jsonapi(&note("2", &json!({"title": "Moved"})))
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
        assert_eq!(errors[0]["status"], "409", "{method}");
        assert_eq!(errors[0]["source"]["pointer"], "/data/id", "{method}");
    }
    assert_eq!(
        notes.get(1).map(|note| note.title),
        Some("Note 1".to_owned())
    );
    assert_eq!(
        notes.get(2).map(|note| note.title),
        Some("Note 2".to_owned())
    );
}

#[tokio::test]
async fn undeclared_attributes_are_422_with_a_pointer() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = post_note(&router, &json!({"title": "x", "colour_code": "#fff"})).await;
    assert_eq!(pointer_set(&answer), attributes_at(&["colour_code"]));
    assert!(notes.get(2).is_none());

    // The Rust field name of a renamed property is not an attribute either.
    let answer = write_note(&router, Method::PATCH, "1", &json!({"color": "green"})).await;
    assert_eq!(pointer_set(&answer), attributes_at(&["color"]));

    let answer = write_note(
        &router,
        Method::PUT,
        "1",
        &json!({"title": "x", "unknown": 1, "another": null}),
    )
    .await;
    assert_eq!(pointer_set(&answer), attributes_at(&["unknown", "another"]));
    assert_eq!(
        notes.get(1).map(|note| note.title),
        Some("Note 1".to_owned())
    );
}

// ---------------------------------------------------------------------------------------------
// Put and Patch

#[tokio::test]
async fn put_without_required_properties_is_422() {
    let notes = Notes::with(2);
    let router = app(notes.clone());
    let answer = write_note(&router, Method::PUT, "2", &json!({"body": "only a body"})).await;
    assert_eq!(pointer_set(&answer), attributes_at(&["title"]));
    assert_eq!(
        notes.get(2).and_then(|note| note.body),
        Some("Body 2".to_owned())
    );

    let router = shop().await.backend();
    let answer = call(Method::PUT, "/customers/DE--5")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--5",
            "attributes": {"status": "pending"}}}))
        .send(&router)
        .await;
    assert_eq!(
        pointer_set(&answer),
        attributes_at(&["email", "firstName", "lastName"])
    );
}

#[tokio::test]
async fn patch_without_required_properties_is_200() {
    let router = app(Notes::with(2));
    let answer = write_note(&router, Method::PATCH, "2", &json!({"priority": 4})).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["priority"], 4);
    assert_eq!(document["data"]["attributes"]["title"], "Note 2");

    // An empty Patch changes nothing and succeeds.
    let before = read(&router, "/notes/1").await;
    let answer = write_note(&router, Method::PATCH, "1", &json!({})).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"], before["data"]);

    let router = shop().await.backend();
    let answer = call(Method::PATCH, "/customers/DE--5")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--5",
            "attributes": {"status": "pending"}}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["status"], "pending");
    assert_eq!(
        document["data"]["attributes"]["email"],
        "customer5@example.com"
    );
}

#[tokio::test]
async fn put_resets_absent_writable_fields_to_their_default_or_null() {
    let notes = Notes::with(3);
    let router = app(notes.clone());
    // Give note 2 a value in every writable field first.
    let answer = write_note(
        &router,
        Method::PATCH,
        "2",
        &json!({"priority": 5, "colour": "green", "tags": ["x"], "remindAt": "2030-01-01T10:00:00+00:00",
                "dueOn": "2030-01-02", "secret": "kept?"}),
    )
    .await;
    let before = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(before["data"]["attributes"]["body"], "Body 2");

    let answer = write_note(&router, Method::PUT, "2", &json!({"title": "Replaced"})).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["id"], "2");
    assert_eq!(
        document["data"]["attributes"],
        json!({
            "title": "Replaced",
            "body": null,
            "tags": [],
            "priority": 3,
            "remindAt": null,
            "dueOn": null,
            "createdAt": before["data"]["attributes"]["createdAt"],
            "colour": "red",
        })
    );
    assert_eq!(read(&router, "/notes/2").await["data"], document["data"]);
    // The write-only field is reset too.
    assert_eq!(notes.get(2).and_then(|note| note.secret), None);

    // The shop: a customer replaced with only the required fields.
    let router = shop().await.backend();
    let answer = call(Method::PUT, "/customers/DE--3")
        .jsonapi(
            &json!({"data": {"type": "customers", "id": "DE--3", "attributes": {
                "email": "customer3@example.com", "firstName": "Put", "lastName": "Only"
            }}}),
        )
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let attributes = &document["data"]["attributes"];
    assert_eq!(attributes["firstName"], "Put");
    assert_eq!(attributes["status"], "active");
    assert_eq!(attributes["isActive"], true);
    assert_eq!(attributes["dateOfBirth"], Value::Null);
    assert_eq!(attributes["creditLimit"], 0.0);
    assert_eq!(attributes["idCustomer"], 3);
}

#[tokio::test]
async fn patch_changes_only_what_is_sent() {
    let notes = Notes::with(3);
    let router = app(notes.clone());
    let before = read(&router, "/notes/2").await;
    let answer = write_note(&router, Method::PATCH, "2", &json!({"priority": 1})).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let mut expected = before["data"].clone();
    expected["attributes"]["priority"] = json!(1);
    assert_eq!(document["data"], expected);
    assert_eq!(read(&router, "/notes/2").await["data"], expected);
    // The write-only field is untouched.
    assert_eq!(
        notes.get(2).and_then(|note| note.secret),
        Some("hidden".to_owned())
    );
    // Other notes are untouched.
    assert_eq!(notes.get(1).map(|note| note.priority), Some(3));
    assert_eq!(notes.get(3).map(|note| note.priority), Some(3));
}

#[tokio::test]
async fn patch_with_null_clears_a_nullable_field() {
    let router = app(Notes::with(2));
    let answer = write_note(&router, Method::PATCH, "2", &json!({"body": null})).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["body"], Value::Null);
    assert_eq!(document["data"]["attributes"]["title"], "Note 2");
}

#[tokio::test]
async fn put_and_patch_of_an_unknown_id_are_404() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    for method in [Method::PUT, Method::PATCH] {
        let answer = write_note(&router, method.clone(), "42", &json!({"title": "x"})).await;
        let errors = jsonapi_errors(&answer, StatusCode::NOT_FOUND);
        assert_eq!(errors[0]["detail"], "Note 42 not found.", "{method}");
    }
    assert!(notes.get(42).is_none());
}

// ---------------------------------------------------------------------------------------------
// Read-only and write-only properties

#[tokio::test]
async fn writes_never_touch_read_only_fields() {
    let notes = Notes::with(2);
    let router = app(notes.clone());
    let created_at = read(&router, "/notes/1").await["data"]["attributes"]["createdAt"].clone();
    assert_eq!(created_at, "2023-11-14T22:13:21+00:00");

    for method in [Method::PATCH, Method::PUT] {
        let answer = write_note(
            &router,
            method.clone(),
            "1",
            &json!({"title": "Touched", "createdAt": "2000-01-01T00:00:00+00:00", "id": 77}),
        )
        .await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(document["data"]["id"], "1", "{method}");
        assert_eq!(
            document["data"]["attributes"]["createdAt"], created_at,
            "{method}"
        );
        assert_eq!(
            document["data"]["attributes"]["title"], "Touched",
            "{method}"
        );
    }
    assert_eq!(
        read(&router, "/notes/1").await["data"]["attributes"]["createdAt"],
        created_at
    );
    assert!(notes.get(77).is_none());

    // A value that would not even decode is ignored, not reported.
    let answer = write_note(
        &router,
        Method::PATCH,
        "1",
        &json!({"createdAt": "not a date", "body": "fine"}),
    )
    .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["createdAt"], created_at);

    // On Post the read-only values come from the processor, not the request.
    let answer = post_note(
        &router,
        &json!({"title": "New", "createdAt": "2000-01-01T00:00:00+00:00", "id": 500}),
    )
    .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["id"], "3");
    assert_ne!(
        document["data"]["attributes"]["createdAt"],
        "2000-01-01T00:00:00+00:00"
    );

    // The shop: `idCustomer` and `createdAt` are read-only.
    let router = shop().await.backend();
    let before = read(&router, "/customers/DE--4").await;
    let answer = call(Method::PATCH, "/customers/DE--4")
        .jsonapi(
            &json!({"data": {"type": "customers", "id": "DE--4", "attributes": {
                "idCustomer": 999, "createdAt": "1999-09-09T09:09:09+00:00",
                "customerReference": "DE--999", "lastName": "Patched"
            }}}),
        )
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let mut expected = before["data"].clone();
    expected["attributes"]["lastName"] = json!("Patched");
    assert_eq!(document["data"], expected);
}

#[tokio::test]
async fn write_only_fields_are_accepted_but_never_shown() {
    let notes = Notes::with(0);
    let router = app(notes.clone());
    let answer = post_note(&router, &json!({"title": "Classified", "secret": "s3cr3t"})).await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert!(!attribute_names(&document["data"]).contains(&"secret".to_owned()));
    assert!(!answer.text().contains("s3cr3t"), "{}", answer.text());
    assert_eq!(
        notes.get(1).and_then(|note| note.secret),
        Some("s3cr3t".to_owned())
    );

    let answer = write_note(&router, Method::PATCH, "1", &json!({"secret": "changed"})).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert!(!attribute_names(&document["data"]).contains(&"secret".to_owned()));
    assert!(!answer.text().contains("changed"), "{}", answer.text());
    assert_eq!(
        notes.get(1).and_then(|note| note.secret),
        Some("changed".to_owned())
    );

    for answer in [
        get("/notes/1").send(&router).await,
        get("/notes").send(&router).await,
        get("/notes/1")
            .accept("application/json")
            .send(&router)
            .await,
        get("/notes").accept("application/json").send(&router).await,
    ] {
        assert_eq!(answer.status, StatusCode::OK);
        assert!(!answer.text().contains("secret"), "{}", answer.text());
        assert!(!answer.text().contains("changed"), "{}", answer.text());
    }
}

// ---------------------------------------------------------------------------------------------
// Validation (SPEC §3.8, §7.1)

#[tokio::test]
async fn all_validation_errors_of_a_request_are_reported_at_once() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    // A missing required property, a wrong type, two rule violations and an unknown attribute.
    let answer = post_note(
        &router,
        &json!({"tags": "not-a-list", "priority": 9, "colour": "blue", "dueOn": "soon", "mood": "happy"}),
    )
    .await;
    assert_eq!(
        pointer_set(&answer),
        attributes_at(&["title", "tags", "priority", "colour", "dueOn", "mood"])
    );
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors.len(), 6, "{errors:#?}");
    assert!(notes.get(2).is_none());

    // The same on Patch: type errors, rule violations and unknown attributes together.
    let answer = write_note(
        &router,
        Method::PATCH,
        "1",
        &json!({"title": "", "priority": "high", "colour": "blue", "extra": true}),
    )
    .await;
    assert_eq!(
        pointer_set(&answer),
        attributes_at(&["title", "priority", "colour", "extra"])
    );

    // And on the shop.
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "customers", "attributes": {
            "email": "not-an-email", "firstName": "", "status": "gone",
            "creditLimit": -5, "password": "short", "dateOfBirth": "1990-13-01", "nickname": "x"
        }}}))
        .send(&router)
        .await;
    assert_eq!(
        pointer_set(&answer),
        attributes_at(&[
            "email",
            "firstName",
            "lastName",
            "status",
            "creditLimit",
            "password",
            "dateOfBirth",
            "nickname"
        ])
    );
}

#[tokio::test]
async fn a_value_outside_the_enum_values_is_422() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = post_note(&router, &json!({"title": "x", "colour": "blue"})).await;
    assert_eq!(pointer_set(&answer), attributes_at(&["colour"]));
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = errors[0]["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("red") && detail.contains("green"),
        "{detail}"
    );

    // Case matters.
    let answer = write_note(&router, Method::PATCH, "1", &json!({"colour": "Red"})).await;
    assert_eq!(pointer_set(&answer), attributes_at(&["colour"]));

    let answer = write_note(&router, Method::PATCH, "1", &json!({"colour": "green"})).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["colour"], "green");
}

#[tokio::test]
async fn a_value_outside_the_range_is_422() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    for priority in [0, 6, 9, -1] {
        let answer = post_note(&router, &json!({"title": "x", "priority": priority})).await;
        assert_eq!(
            pointer_set(&answer),
            attributes_at(&["priority"]),
            "{priority}"
        );
        let answer = write_note(&router, Method::PATCH, "1", &json!({"priority": priority})).await;
        assert_eq!(
            pointer_set(&answer),
            attributes_at(&["priority"]),
            "{priority}"
        );
    }
    for priority in [1, 5] {
        let answer = post_note(&router, &json!({"title": "x", "priority": priority})).await;
        jsonapi_document(&answer, StatusCode::CREATED);
    }
}

#[tokio::test]
async fn a_length_outside_the_rule_is_422() {
    let router = app(Notes::with(1));
    let answer = post_note(&router, &json!({"title": "x".repeat(51)})).await;
    assert_eq!(pointer_set(&answer), attributes_at(&["title"]));
    let answer = write_note(&router, Method::PATCH, "1", &json!({"title": ""})).await;
    assert_eq!(pointer_set(&answer), attributes_at(&["title"]));

    let answer = post_note(&router, &json!({"title": "x".repeat(50)})).await;
    jsonapi_document(&answer, StatusCode::CREATED);
}

#[tokio::test]
async fn a_wrong_json_type_is_422_with_a_pointer() {
    let router = app(Notes::with(1));
    for (name, value) in [
        ("priority", json!("high")),
        ("priority", json!(2.5)),
        ("priority", json!(true)),
        ("title", json!(5)),
        ("title", json!(["a"])),
        ("tags", json!("a")),
        ("tags", json!([1, 2])),
        ("body", json!({"text": "x"})),
        ("remindAt", json!(12)),
        ("dueOn", json!(false)),
    ] {
        let mut attributes = json!({"title": "x"});
        attributes[name] = value.clone();
        let answer = post_note(&router, &attributes).await;
        assert_eq!(
            pointer_set(&answer),
            attributes_at(&[name]),
            "{name}: {value}"
        );
        let answer = write_note(&router, Method::PATCH, "1", &json!({ name: value })).await;
        assert_eq!(
            pointer_set(&answer),
            attributes_at(&[name]),
            "{name}: {value}"
        );
    }
}

#[tokio::test]
async fn dates_are_read_with_any_offset_and_written_in_utc() {
    let router = app(Notes::with(0));
    let answer = post_note(
        &router,
        &json!({"title": "Dated", "remindAt": "1985-07-01T01:22:11+02:00", "dueOn": "1985-07-01"}),
    )
    .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(
        document["data"]["attributes"]["remindAt"],
        "1985-06-30T23:22:11+00:00"
    );
    assert_eq!(document["data"]["attributes"]["dueOn"], "1985-07-01");

    for (name, value) in [
        ("remindAt", "yesterday"),
        ("remindAt", "1985-07-01"),
        ("dueOn", "2024-02-30"),
        ("dueOn", "01.07.1985"),
    ] {
        let answer = post_note(&router, &json!({"title": "x", name: value})).await;
        assert_eq!(
            pointer_set(&answer),
            attributes_at(&[name]),
            "{name}: {value}"
        );
    }
}

#[tokio::test]
async fn a_failed_write_changes_nothing() {
    let notes = Notes::with(3);
    let router = app(notes.clone());
    let before = read(&router, "/notes/2").await;
    let collection_before = read(&router, "/notes?pagination=false").await;

    // Valid changes alongside an invalid one: none of them is applied.
    let answer = write_note(
        &router,
        Method::PATCH,
        "2",
        &json!({"title": "Changed", "body": "Changed", "priority": 9}),
    )
    .await;
    pointer_set(&answer);
    let answer = write_note(
        &router,
        Method::PUT,
        "2",
        &json!({"title": "Changed", "colour": "blue"}),
    )
    .await;
    pointer_set(&answer);
    let answer = write_note(
        &router,
        Method::PATCH,
        "2",
        &json!({"title": "Changed", "secret": "leaked", "unknown": 1}),
    )
    .await;
    pointer_set(&answer);
    let answer = post_note(&router, &json!({"title": "New", "priority": "high"})).await;
    pointer_set(&answer);

    assert_eq!(read(&router, "/notes/2").await, before);
    assert_eq!(
        read(&router, "/notes?pagination=false").await,
        collection_before
    );
    assert_eq!(
        notes.get(2).and_then(|note| note.secret),
        Some("hidden".to_owned())
    );
    assert!(notes.get(4).is_none());

    // The shop, through SQLite.
    let router = shop().await.backend();
    let before = read(&router, "/customers/DE--7").await;
    let answer = call(Method::PATCH, "/customers/DE--7")
        .jsonapi(
            &json!({"data": {"type": "customers", "id": "DE--7", "attributes": {
                "firstName": "Changed", "email": "broken"
            }}}),
        )
        .send(&router)
        .await;
    assert_eq!(pointer_set(&answer), attributes_at(&["email"]));
    assert_eq!(read(&router, "/customers/DE--7").await, before);
}

// ---------------------------------------------------------------------------------------------
// Delete

#[tokio::test]
async fn delete_answers_204_with_an_empty_body_then_get_is_404() {
    let notes = Notes::with(3);
    let router = app(notes.clone());
    let answer = call(Method::DELETE, "/notes/3").send(&router).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.body.is_empty(), "{}", answer.text());
    assert!(answer.header("content-type").is_none());
    let answer = get("/notes/3").send(&router).await;
    jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    assert_eq!(
        read(&router, "/notes").await["meta"]["records_total"],
        json!(2)
    );

    let router = shop().await.backend();
    let answer = call(Method::DELETE, "/customers/DE--9").send(&router).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.body.is_empty(), "{}", answer.text());
    let answer = get("/customers/DE--9").send(&router).await;
    let errors = jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    assert_eq!(errors[0]["detail"], "Customer DE--9 not found.");
}

// ---------------------------------------------------------------------------------------------
// Plain JSON writes (SPEC §4.3, §4.4)

#[tokio::test]
async fn plain_json_writes_use_data_and_answer_in_plain_json() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .plain(&json!({"data": {"title": "Plain", "priority": 2, "id": 99, "createdAt": "2000-01-01T00:00:00+00:00"}}))
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.header("location"), Some("http://shop.test/notes/2"));
    let body = answer.json();
    assert_eq!(body["data"]["id"], 2);
    assert_eq!(body["data"]["title"], "Plain");
    assert_eq!(body["data"]["priority"], 2);
    assert_eq!(body["data"]["colour"], "red");
    assert_ne!(body["data"]["createdAt"], "2000-01-01T00:00:00+00:00");

    let answer = call(Method::PATCH, "/notes/2")
        .plain(&json!({"data": {"body": "Patched"}}))
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["data"]["body"], "Patched");
    assert_eq!(answer.json()["data"]["title"], "Plain");
}

#[tokio::test]
async fn plain_json_validation_errors_are_listed_by_property() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .plain(&json!({"data": {"priority": 9, "colour": "blue", "bogus": 1}}))
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = answer.json();
    assert_eq!(body["code"], 422);
    assert_eq!(body["message"], "Validation errors.");
    let errors = body["errors"].as_object().expect("errors is an object");
    let properties: BTreeSet<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(
        properties,
        BTreeSet::from(["title", "priority", "colour", "bogus"])
    );
    for (property, messages) in errors {
        let messages = messages.as_array().expect("a list of messages");
        assert!(!messages.is_empty(), "{property}");
        assert!(messages.iter().all(Value::is_string), "{property}");
    }
    assert!(notes.get(2).is_none());
}
