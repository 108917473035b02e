//! Routing and statuses (SPEC §1.2, §1.3) and errors from anywhere in the flow (SPEC §1.4).

use http::{Method, StatusCode};
use serde_json::json;

use crate::common::{allowed, call, get, jsonapi_document, jsonapi_errors, shop};
use crate::fixtures::{Notes, app};

#[tokio::test]
async fn unknown_path_is_404_in_the_default_convention() {
    let router = app(Notes::with(1));
    let answer = get("/nothing-here").send(&router).await;
    let errors = jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    assert_eq!(errors[0]["status"], "404");
}

#[tokio::test]
async fn unknown_path_answers_in_the_negotiated_convention() {
    let router = app(Notes::with(1));
    let answer = get("/nothing-here")
        .accept("application/json")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.json()["code"], 404);
}

#[tokio::test]
async fn undeclared_method_is_405_with_allow() {
    let router = app(Notes::with(1));
    let answer = call(Method::POST, "/notes/1")
        .jsonapi(&json!({"data": {"type": "notes"}}))
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(allowed(&answer), ["DELETE", "GET", "PATCH", "PUT"]);

    let answer = call(Method::DELETE, "/notes").send(&router).await;
    jsonapi_errors(&answer, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(allowed(&answer), ["GET", "POST"]);
}

#[tokio::test]
async fn options_answers_204_with_allow() {
    let router = app(Notes::with(1));
    let answer = call(Method::OPTIONS, "/notes").send(&router).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.body.is_empty());
    assert_eq!(allowed(&answer), ["GET", "POST"]);
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let router = app(Notes::with(3));
    let full = get("/notes/2").send(&router).await;
    let head = call(Method::HEAD, "/notes/2").send(&router).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-type"), full.header("content-type"));
    assert_eq!(
        head.header("content-length"),
        Some(full.body.len().to_string().as_str())
    );
    let missing = call(Method::HEAD, "/notes/99").send(&router).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.is_empty());
}

#[tokio::test]
async fn a_trailing_slash_is_tolerated() {
    let router = app(Notes::with(3));
    let answer = get("/notes/").send(&router).await;
    jsonapi_document(&answer, StatusCode::OK);
    let answer = get("/notes/2/").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["id"], "2");
}

#[tokio::test]
async fn unknown_id_is_404_with_the_label_in_the_message() {
    let router = app(Notes::with(3));
    let answer = get("/notes/42").send(&router).await;
    let errors = jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    assert_eq!(errors[0]["detail"], "Note 42 not found.");

    let answer = get("/notes/42")
        .accept("application/json")
        .send(&router)
        .await;
    assert_eq!(
        answer.json(),
        json!({"code": 404, "message": "Note 42 not found."})
    );
}

#[tokio::test]
async fn deleting_an_unknown_id_is_404_unless_the_resource_is_idempotent() {
    let notes = Notes::with(3);
    let router = app(notes.clone());
    let answer = call(Method::DELETE, "/notes/2").send(&router).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.body.is_empty());
    assert!(notes.get(2).is_none());
    // `notes` declares `idempotent_delete`: a second delete still answers 204.
    let again = call(Method::DELETE, "/notes/2").send(&router).await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);

    // The shop's customers do not: 404.
    let router = shop().await.backend();
    let answer = call(Method::DELETE, "/customers/DE--999")
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sub_resources_hand_uri_variables_to_the_provider() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--3/addresses").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let addresses = document["data"].as_array().unwrap();
    assert_eq!(addresses.len(), 3);
    for address in addresses {
        assert_eq!(address["attributes"]["customerReference"], "DE--3");
        let id = address["id"].as_str().unwrap();
        assert_eq!(
            address["links"]["self"],
            format!("http://shop.test/customers/DE--3/addresses/{id}")
        );
    }
    let id = addresses[1]["id"].as_str().unwrap();
    let one = get(&format!("/customers/DE--3/addresses/{id}"))
        .send(&router)
        .await;
    assert_eq!(jsonapi_document(&one, StatusCode::OK)["data"]["id"], id);

    // The same address under another customer does not exist.
    let elsewhere = get(&format!("/customers/DE--2/addresses/{id}"))
        .send(&router)
        .await;
    jsonapi_errors(&elsewhere, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_missing_parent_is_404() {
    let router = shop().await.backend();
    for uri in [
        "/customers/DE--999/addresses",
        "/customers/DE--999/addresses/00000000-0000-4000-8000-000001000000",
    ] {
        let answer = get(uri).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::NOT_FOUND);
        assert_eq!(errors[0]["detail"], "Customer DE--999 not found.", "{uri}");
    }
}

#[tokio::test]
async fn a_panicking_provider_gives_a_500_document_and_the_router_keeps_serving() {
    let router = app(Notes::with(1));
    let answer = get("/explosives/1").send(&router).await;
    let errors = jsonapi_errors(&answer, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!answer.text().contains("DEADBEEF"), "{}", answer.text());
    assert!(!answer.text().contains("exploded"), "{}", answer.text());
    assert_eq!(errors[0]["status"], "500");

    let plain = get("/explosives/1")
        .accept("application/json")
        .send(&router)
        .await;
    assert_eq!(plain.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(plain.json()["code"], 500);

    let after = get("/notes/1").send(&router).await;
    jsonapi_document(&after, StatusCode::OK);
}

#[tokio::test]
async fn internal_errors_hide_their_cause() {
    let router = app(Notes::with(1));
    let answer = get("/explosives").send(&router).await;
    jsonapi_errors(&answer, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!answer.text().contains("hunter2"), "{}", answer.text());
}
