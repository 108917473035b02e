//! Content negotiation (SPEC §2.1-§2.3) and dates on the wire (SPEC §2.6).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use glue_core::{Application, PlainJson, Router};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{
    JSONAPI, PLAIN, call, get, header_value, jsonapi_document, jsonapi_errors, new_note,
    plain_document, plain_error, pointers, send, shop,
};
use crate::fixtures::{Note, Notes, app};

/// An application that offers JSON:API first but names plain JSON its default.
fn plain_by_default(notes: Notes) -> Router {
    Application::new("plain-by-default")
        .convention(JsonApi::new())
        .convention(PlainJson::new())
        .default_convention("json")
        .standard_pagination()
        .resource::<Note>(notes.clone(), notes)
        .build()
}

// SPEC §2.2: which convention answers.

#[tokio::test]
async fn an_absent_accept_answers_in_the_default_convention() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1")
        .without("accept")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["id"], "DE--1");

    let answer = get("/notes/1")
        .without("accept")
        .send(&plain_by_default(Notes::with(1)))
        .await;
    assert_eq!(plain_document(&answer, StatusCode::OK)["data"]["id"], 1);
}

#[tokio::test]
async fn an_empty_accept_answers_in_the_default_convention() {
    let router = shop().await.backend();
    for empty in ["", "   "] {
        let answer = get("/customers/DE--1").accept(empty).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(document["data"]["type"], "customers", "{empty:?}");
    }
    let answer = get("/notes/1")
        .accept("")
        .send(&plain_by_default(Notes::with(1)))
        .await;
    plain_document(&answer, StatusCode::OK);
}

#[tokio::test]
async fn wildcards_answer_in_the_default_convention() {
    let router = shop().await.backend();
    let plain_first = plain_by_default(Notes::with(1));
    for accept in [
        "*/*",
        "application/*",
        "*/*;q=0.8",
        "text/html;q=0.9, */*;q=0.1",
    ] {
        let answer = get("/customers/DE--1").accept(accept).send(&router).await;
        jsonapi_document(&answer, StatusCode::OK);

        // The default, not the first convention offered.
        let answer = get("/notes/1").accept(accept).send(&plain_first).await;
        plain_document(&answer, StatusCode::OK);
    }
}

#[tokio::test]
async fn application_json_answers_in_plain_json() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["customerReference"], "DE--1");

    let answer = get("/customers").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    assert!(document["data"].is_array());
}

#[tokio::test]
async fn the_jsonapi_media_type_answers_in_jsonapi_where_plain_is_the_default() {
    let answer = get("/notes/1")
        .accept(JSONAPI)
        .send(&plain_by_default(Notes::with(1)))
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["id"], "1");
}

#[tokio::test]
async fn an_unoffered_media_type_is_406_in_the_default_convention() {
    let router = shop().await.backend();
    for accept in [
        "text/html",
        "application/xml",
        "image/*",
        "text/*, application/pdf",
    ] {
        let answer = get("/customers/DE--1").accept(accept).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);
        assert_eq!(errors.len(), 1, "{accept}");
        assert_eq!(errors[0]["status"], "406", "{accept}");
    }

    // Where plain JSON is the default, the 406 is a plain JSON error.
    let answer = get("/notes/1")
        .accept("text/html")
        .send(&plain_by_default(Notes::with(1)))
        .await;
    plain_error(&answer, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn a_406_is_answered_before_the_request_is_served() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .jsonapi(&new_note(&json!({"title": "Refused"})))
        .accept("text/html")
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);
    assert!(notes.get(2).is_none(), "the note was created anyway");
}

#[tokio::test]
async fn q_weights_decide_before_position() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1")
        .accept("application/vnd.api+json;q=0.5, application/json")
        .send(&router)
        .await;
    plain_document(&answer, StatusCode::OK);

    let answer = get("/customers/DE--1")
        .accept("application/json;q=0.4, application/vnd.api+json;q=0.9")
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::OK);

    // A wildcard with a higher weight wins over a specific type with a lower one.
    let answer = get("/customers/DE--1")
        .accept("application/json;q=0.5, */*")
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::OK);

    // A specific type with a higher weight wins over a wildcard.
    let answer = get("/customers/DE--1")
        .accept("*/*;q=0.1, application/json")
        .send(&router)
        .await;
    plain_document(&answer, StatusCode::OK);
}

#[tokio::test]
async fn equal_weights_keep_the_clients_order() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1")
        .accept("application/json, application/vnd.api+json")
        .send(&router)
        .await;
    plain_document(&answer, StatusCode::OK);

    let answer = get("/customers/DE--1")
        .accept("application/vnd.api+json, application/json")
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::OK);
}

#[tokio::test]
async fn q_zero_refuses_a_media_type() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1")
        .accept("application/json;q=0")
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);

    let answer = get("/customers/DE--1")
        .accept("*/*;q=0")
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);

    let answer = get("/customers/DE--1")
        .accept("application/json;q=0, application/vnd.api+json;q=0.1")
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::OK);
}

#[tokio::test]
async fn an_unoffered_entry_falls_through_to_the_next() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1")
        .accept("text/html, application/json")
        .send(&router)
        .await;
    plain_document(&answer, StatusCode::OK);

    let answer = get("/customers/DE--1")
        .accept("text/html, application/xhtml+xml, application/vnd.api+json;q=0.2")
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::OK);
}

#[tokio::test]
async fn media_types_match_case_insensitively() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1")
        .accept("Application/JSON")
        .send(&router)
        .await;
    plain_document(&answer, StatusCode::OK);

    let answer = get("/customers/DE--1")
        .accept("APPLICATION/VND.API+JSON")
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::OK);
}

#[tokio::test]
async fn jsonapi_with_other_parameters_alone_is_406() {
    let router = shop().await.backend();
    for accept in [
        "application/vnd.api+json; charset=utf-8",
        "application/vnd.api+json; foo=bar",
        "application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"; charset=utf-8",
    ] {
        let answer = get("/customers/DE--1").accept(accept).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);
        assert_eq!(errors[0]["status"], "406", "{accept}");
    }
}

#[tokio::test]
async fn jsonapi_with_other_parameters_falls_through_to_another_entry() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1")
        .accept("application/vnd.api+json; charset=utf-8, application/json")
        .send(&router)
        .await;
    plain_document(&answer, StatusCode::OK);

    let answer = get("/customers/DE--1")
        .accept("application/vnd.api+json; foo=bar, application/vnd.api+json;q=0.5")
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::OK);
}

#[tokio::test]
async fn jsonapi_with_supported_ext_or_any_profile_is_acceptable() {
    // The backend supports the atomic extension (SPEC §12.3); profiles need no support.
    let router = shop().await.backend();
    for accept in [
        "application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"",
        "application/vnd.api+json; profile=\"https://example.com/profiles/timestamps\"",
        "application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"; profile=\"https://example.com/b\"",
        "application/vnd.api+json;profile=\"https://example.com/b\";q=0.9, application/json;q=0.1",
    ] {
        let answer = get("/customers/DE--1").accept(accept).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(document["data"]["id"], "DE--1", "{accept}");
    }
}

#[tokio::test]
async fn jsonapi_with_an_unsupported_ext_alone_is_406() {
    // JSON:API 1.1: every JSON:API type in Accept names an extension the server lacks.
    for router in [shop().await.backend(), shop().await.storefront()] {
        for accept in [
            "application/vnd.api+json; ext=\"https://example.com/a\"",
            "application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic https://example.com/a\"",
        ] {
            let answer = get("/customers/DE--1").accept(accept).send(&router).await;
            let errors = jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);
            assert_eq!(errors[0]["source"]["header"], "Accept", "{accept}");
        }
    }
    // The storefront does not serve atomic operations: their extension is unsupported there.
    let storefront = shop().await.storefront();
    let answer = get("/products/SKU-0001")
        .accept("application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"")
        .send(&storefront)
        .await;
    jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);
    let answer = get("/products/SKU-0001")
        .accept("application/vnd.api+json; ext=\"https://example.com/a\", application/vnd.api+json;q=0.5")
        .send(&storefront)
        .await;
    jsonapi_document(&answer, StatusCode::OK);
}

#[tokio::test]
async fn the_storefront_offers_only_jsonapi() {
    let router = shop().await.storefront();
    let answer = get("/products/SKU-0001").accept(PLAIN).send(&router).await;
    let errors = jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(errors[0]["status"], "406");

    let answer = get("/products").accept(PLAIN).send(&router).await;
    jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);

    for accept in [
        "*/*",
        "application/*",
        JSONAPI,
        "application/json, application/vnd.api+json;q=0.1",
    ] {
        let answer = get("/products/SKU-0001").accept(accept).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(document["data"]["id"], "SKU-0001", "{accept}");
    }
    let answer = get("/products/SKU-0001")
        .without("accept")
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::OK);
}

// SPEC §2.3: which convention reads the body.

#[tokio::test]
async fn a_body_without_content_type_is_415() {
    let notes = Notes::with(3);
    let router = app(notes.clone());
    let body = new_note(&json!({"title": "No type"})).to_string();

    let answer = call(Method::POST, "/notes")
        .raw(JSONAPI, &body)
        .without("content-type")
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(errors[0]["status"], "415");
    assert!(notes.get(4).is_none(), "the note was created anyway");

    let patch = json!({"data": {"type": "notes", "id": "1", "attributes": {"title": "No type"}}});
    for method in [Method::PATCH, Method::PUT] {
        let answer = call(method.clone(), "/notes/1")
            .raw(JSONAPI, &patch.to_string())
            .without("content-type")
            .send(&router)
            .await;
        jsonapi_errors(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(notes.get(1).unwrap().title, "Note 1", "{method}");
    }
}

#[tokio::test]
async fn an_unsupported_content_type_is_415() {
    let notes = Notes::with(3);
    let router = app(notes.clone());
    let body = new_note(&json!({"title": "Wrong type"})).to_string();
    for content_type in [
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/vnd.api",
        "*/*",
        "not a media type",
    ] {
        let answer = call(Method::POST, "/notes")
            .raw(content_type, &body)
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(errors[0]["status"], "415", "{content_type}");
    }
    assert!(notes.get(4).is_none(), "a note was created anyway");

    let answer = call(Method::PATCH, "/notes/1")
        .raw("text/plain", "title=x")
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn a_jsonapi_content_type_with_other_parameters_is_415() {
    let notes = Notes::with(3);
    let router = app(notes.clone());
    let body = new_note(&json!({"title": "Charset"})).to_string();
    for content_type in [
        "application/vnd.api+json; charset=utf-8",
        "application/vnd.api+json; foo=bar",
        "application/vnd.api+json; ext=\"https://example.com/a\"; charset=utf-8",
    ] {
        let answer = call(Method::POST, "/notes")
            .raw(content_type, &body)
            .send(&router)
            .await;
        jsonapi_errors(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    assert!(notes.get(4).is_none(), "a note was created anyway");
}

#[tokio::test]
async fn a_jsonapi_content_type_with_a_profile_is_accepted_and_with_an_unsupported_ext_is_415() {
    let notes = Notes::with(0);
    let router = app(notes.clone());
    for (index, content_type) in [
        "application/vnd.api+json; profile=\"https://example.com/profiles/timestamps\"",
        "application/vnd.api+json;profile=\"https://example.com/a https://example.com/b\"",
    ]
    .into_iter()
    .enumerate()
    {
        let title = format!("Profiled {index}");
        let answer = call(Method::POST, "/notes")
            .raw(
                content_type,
                &new_note(&json!({"title": title})).to_string(),
            )
            .send(&router)
            .await;
        let document = jsonapi_document(&answer, StatusCode::CREATED);
        assert_eq!(
            document["data"]["attributes"]["title"], title,
            "{content_type}"
        );
    }
    // This application supports no extension (SPEC §12.3, JSON:API 1.1).
    for content_type in [
        "application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"",
        "application/vnd.api+json;ext=\"https://example.com/a\";profile=\"https://example.com/b\"",
    ] {
        let answer = call(Method::POST, "/notes")
            .raw(content_type, &new_note(&json!({"title": "No"})).to_string())
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(
            errors[0]["source"]["header"], "Content-Type",
            "{content_type}"
        );
    }
    assert!(
        notes.get(2).is_some() && notes.get(3).is_none(),
        "only the accepted writes created notes"
    );
}

#[tokio::test]
async fn a_plain_content_type_with_a_charset_is_accepted() {
    let notes = Notes::with(0);
    let router = app(notes.clone());
    for content_type in [
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
    ] {
        let answer = call(Method::POST, "/notes")
            .raw(
                content_type,
                &json!({"data": {"title": "Plain"}}).to_string(),
            )
            .accept(PLAIN)
            .send(&router)
            .await;
        let document = plain_document(&answer, StatusCode::CREATED);
        assert_eq!(document["data"]["title"], "Plain", "{content_type}");
    }
}

#[tokio::test]
async fn content_types_match_case_insensitively() {
    let router = app(Notes::with(0));
    let answer = call(Method::POST, "/notes")
        .raw(
            "Application/Vnd.Api+JSON",
            &new_note(&json!({"title": "Upper"})).to_string(),
        )
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::CREATED);

    let answer = call(Method::POST, "/notes")
        .raw(
            "APPLICATION/JSON",
            &json!({"data": {"title": "Upper"}}).to_string(),
        )
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::CREATED);
}

#[tokio::test]
async fn a_415_answers_in_the_negotiated_convention() {
    let router = app(Notes::with(1));
    let answer = call(Method::POST, "/notes")
        .raw("text/plain", "hello")
        .accept(PLAIN)
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(document["code"], 415);
    assert!(document["message"].is_string(), "{document}");
    assert_eq!(document.as_object().unwrap().len(), 2, "{document}");
}

#[tokio::test]
async fn the_body_is_read_by_content_type_and_answered_by_accept() {
    let router = app(Notes::with(0));
    // A plain JSON body, answered in the default convention.
    let answer = call(Method::POST, "/notes")
        .raw(PLAIN, &json!({"data": {"title": "Plain in"}}).to_string())
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["attributes"]["title"], "Plain in");

    // A JSON:API body, answered in plain JSON.
    let answer = call(Method::POST, "/notes")
        .jsonapi(&new_note(&json!({"title": "JSON:API in"})))
        .accept(PLAIN)
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["title"], "JSON:API in");
    assert_eq!(document["data"]["id"], 2);
}

#[tokio::test]
async fn requests_without_a_body_need_no_content_type() {
    let router = app(Notes::with(3));
    let answer = get("/notes/1")
        .raw("text/plain", "ignored")
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::OK);

    let answer = call(Method::DELETE, "/notes/1")
        .without("content-type")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.text());
}

#[tokio::test]
async fn malformed_json_is_400_with_the_parse_position() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .raw(JSONAPI, r#"{"data": {"type": "notes",}}"#)
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["status"], "400");
    let detail = errors[0]["detail"].as_str().unwrap();
    assert!(detail.contains("line 1 column 27"), "{detail}");

    let answer = call(Method::POST, "/notes")
        .raw(
            JSONAPI,
            "{\n  \"data\": {\n    \"type\": \"notes\"\n    \"attributes\": {}\n  }\n}",
        )
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    let detail = errors[0]["detail"].as_str().unwrap();
    assert!(detail.contains("line 4 column 5"), "{detail}");

    let answer = call(Method::PATCH, "/notes/1")
        .raw(
            JSONAPI,
            r#"{"data": {"type": "notes", "id": "1", "attributes": {"title": "x"}"#,
        )
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    let detail = errors[0]["detail"].as_str().unwrap();
    assert!(detail.contains("line 1 column"), "{detail}");
    assert_eq!(notes.get(1).unwrap().title, "Note 1");
    assert!(notes.get(2).is_none());
}

#[tokio::test]
async fn malformed_json_in_plain_json_names_the_parse_position() {
    let router = app(Notes::with(1));
    let answer = call(Method::POST, "/notes")
        .raw(PLAIN, r#"{"data": {"title": 'single'}}"#)
        .accept(PLAIN)
        .send(&router)
        .await;
    let message = plain_error(&answer, StatusCode::BAD_REQUEST);
    assert!(message.contains("line 1 column 20"), "{message}");
}

#[tokio::test]
async fn an_empty_or_non_json_body_is_400() {
    let router = app(Notes::with(1));
    for body in ["", "   ", "data=1", "{"] {
        let answer = call(Method::POST, "/notes")
            .raw(JSONAPI, body)
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["status"], "400", "{body:?}");
    }
}

/// A JSON:API note document padded with spaces to exactly `size` bytes.
fn padded_note(size: usize) -> String {
    let body = new_note(&json!({"title": "Padded"})).to_string();
    assert!(body.len() <= size);
    format!("{body}{}", " ".repeat(size - body.len()))
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let notes = Notes::with(0);
    let router = app(notes.clone());
    // The fixture application accepts 4096 bytes.
    let answer = call(Method::POST, "/notes")
        .raw(JSONAPI, &padded_note(4096))
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::CREATED);

    let answer = call(Method::POST, "/notes")
        .raw(JSONAPI, &padded_note(4097))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(errors[0]["status"], "413");
    assert!(notes.get(2).is_none(), "the oversized note was created");

    let answer = call(Method::PATCH, "/notes/1")
        .raw(JSONAPI, &" ".repeat(10_000))
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_413() {
    let router = app(Notes::with(0));
    let body = padded_note(5000);
    let answer = call(Method::POST, "/notes")
        .raw(JSONAPI, &body)
        .header("content-length", &body.len().to_string())
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_413_answers_in_the_negotiated_convention() {
    let router = app(Notes::with(0));
    let answer = call(Method::POST, "/notes")
        .raw(
            PLAIN,
            &format!("{{\"data\": {{\"title\": \"{}\"}}}}", "x".repeat(5000)),
        )
        .accept(PLAIN)
        .send(&router)
        .await;
    plain_error(&answer, StatusCode::PAYLOAD_TOO_LARGE);
}

/// A JSON:API customer document padded with spaces to exactly `size` bytes.
fn padded_customer(email: &str, size: usize) -> String {
    let body = json!({"data": {"type": "customers", "attributes": {
        "email": email, "firstName": "Big", "lastName": "Body"
    }}})
    .to_string();
    format!("{body}{}", " ".repeat(size - body.len()))
}

#[tokio::test]
async fn the_shop_accepts_bodies_up_to_one_mebibyte() {
    let router = shop().await.backend();
    // Larger than the fixture's limit, far below the default.
    let answer = call(Method::POST, "/customers")
        .raw(JSONAPI, &padded_customer("big1@example.com", 10_000))
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::CREATED);

    let answer = call(Method::POST, "/customers")
        .raw(JSONAPI, &padded_customer("big2@example.com", 1024 * 1024))
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::CREATED);

    let answer = call(Method::POST, "/customers")
        .raw(
            JSONAPI,
            &padded_customer("big3@example.com", 1024 * 1024 + 1),
        )
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::PAYLOAD_TOO_LARGE);
    let answer = get("/customers?page[limit]=1&page[offset]=56")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["meta"]["records_total"], 57, "{document}");
}

// SPEC §2.6: dates and times.

/// Whether `text` is a UTC date-time written `YYYY-MM-DDTHH:MM:SS+00:00`.
fn is_utc_date_time(text: &str) -> bool {
    text.len() == 25
        && text.ends_with("+00:00")
        && DateTime::parse_from_rfc3339(text).is_ok()
        && text.as_bytes()[10] == b'T'
}

#[tokio::test]
async fn a_date_time_with_an_offset_is_answered_in_utc() {
    let notes = Notes::with(0);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .jsonapi(&new_note(&json!({
            "title": "Reminder",
            "remindAt": "1985-07-01T01:22:11+02:00"
        })))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(
        document["data"]["attributes"]["remindAt"],
        "1985-06-30T23:22:11+00:00"
    );
    let expected = Utc.with_ymd_and_hms(1985, 6, 30, 23, 22, 11).unwrap();
    assert_eq!(notes.get(1).unwrap().remind_at, Some(expected));

    let answer = get("/notes/1").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        document["data"]["attributes"]["remindAt"],
        "1985-06-30T23:22:11+00:00"
    );
    let answer = get("/notes/1").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["remindAt"], "1985-06-30T23:22:11+00:00");
}

#[tokio::test]
async fn date_times_in_any_offset_are_normalised_to_utc() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    for (sent, answered) in [
        ("1985-06-30T23:22:11Z", "1985-06-30T23:22:11+00:00"),
        ("1985-06-30T23:22:11+00:00", "1985-06-30T23:22:11+00:00"),
        ("2024-03-10T08:00:00-05:30", "2024-03-10T13:30:00+00:00"),
        ("2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00+00:00"),
        ("2024-02-29T23:59:59-14:00", "2024-03-01T13:59:59+00:00"),
    ] {
        let answer = call(Method::PATCH, "/notes/1")
            .jsonapi(
                &json!({"data": {"type": "notes", "id": "1", "attributes": {"remindAt": sent}}}),
            )
            .send(&router)
            .await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(
            document["data"]["attributes"]["remindAt"], answered,
            "{sent}"
        );

        let answer = call(Method::PATCH, "/notes/1")
            .plain(&json!({"data": {"remindAt": sent}}))
            .send(&router)
            .await;
        let document = plain_document(&answer, StatusCode::OK);
        assert_eq!(document["data"]["remindAt"], answered, "{sent}");
        assert_eq!(
            notes.get(1).unwrap().remind_at,
            Some(DateTime::parse_from_rfc3339(answered).unwrap().to_utc())
        );
    }
}

#[tokio::test]
async fn dates_round_trip_as_year_month_day() {
    let notes = Notes::with(0);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .jsonapi(&new_note(&json!({"title": "Due", "dueOn": "2024-02-29"})))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["attributes"]["dueOn"], "2024-02-29");
    assert_eq!(
        notes.get(1).unwrap().due_on,
        NaiveDate::from_ymd_opt(2024, 2, 29)
    );
    let answer = get("/notes/1").accept(PLAIN).send(&router).await;
    assert_eq!(
        plain_document(&answer, StatusCode::OK)["data"]["dueOn"],
        "2024-02-29"
    );

    // Null clears an optional date.
    let answer = call(Method::PATCH, "/notes/1")
        .jsonapi(&json!({"data": {"type": "notes", "id": "1", "attributes": {"dueOn": null}}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["dueOn"], Value::Null);
}

#[tokio::test]
async fn a_customers_date_of_birth_round_trips() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["dateOfBirth"], "1961-02-02");

    let answer = call(Method::PATCH, "/customers/DE--1")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--1",
            "attributes": {"dateOfBirth": "1985-07-01"}}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["dateOfBirth"], "1985-07-01");

    let answer = get("/customers/DE--1").accept(PLAIN).send(&router).await;
    let document = plain_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["dateOfBirth"], "1985-07-01");

    let answer = call(Method::POST, "/customers")
        .plain(
            &json!({"data": {"email": "born@example.com", "firstName": "Bo",
            "lastName": "Rn", "dateOfBirth": "2000-12-31"}}),
        )
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["dateOfBirth"], "2000-12-31");
}

#[tokio::test]
async fn date_times_in_responses_are_utc_with_a_numeric_offset() {
    let router = shop().await.backend();
    let answer = get("/customers?page[limit]=20").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    for customer in document["data"].as_array().unwrap() {
        let created = customer["attributes"]["createdAt"].as_str().unwrap();
        assert!(is_utc_date_time(created), "{created}");
    }
    let answer = get("/customers/DE--1").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        document["data"]["attributes"]["createdAt"],
        "2024-01-02T03:05:05+00:00"
    );

    let answer = get("/notes/1").send(&app(Notes::with(1))).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let created = document["data"]["attributes"]["createdAt"]
        .as_str()
        .unwrap();
    assert_eq!(created, "2023-11-14T22:13:21+00:00");
}

#[tokio::test]
async fn a_malformed_date_is_422_with_a_pointer_to_the_field() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    for (field, value) in [
        ("dueOn", json!("2024-02-30")),
        ("dueOn", json!("2024-2-3")),
        ("dueOn", json!("01.07.1985")),
        ("dueOn", json!("2024-02-01T00:00:00+00:00")),
        ("dueOn", json!(20240201)),
        ("remindAt", json!("yesterday")),
        ("remindAt", json!("2024-13-01T00:00:00Z")),
        ("remindAt", json!("1985-07-01 01:22")),
        ("remindAt", json!(true)),
    ] {
        let answer = call(Method::PATCH, "/notes/1")
            .jsonapi(&json!({"data": {"type": "notes", "id": "1", "attributes": {field: value}}}))
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            pointers(&errors),
            [format!("/data/attributes/{field}")],
            "{field}: {value}"
        );
        assert_eq!(errors[0]["status"], "422");
        let detail = errors[0]["detail"].as_str().unwrap();
        assert!(detail.starts_with(&format!("{field}: ")), "{detail}");
    }
    let note = notes.get(1).unwrap();
    assert_eq!((note.due_on, note.remind_at), (None, None));
}

#[tokio::test]
async fn a_customers_malformed_date_of_birth_is_422() {
    let router = shop().await.backend();
    let answer = call(Method::PATCH, "/customers/DE--2")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--2",
            "attributes": {"dateOfBirth": "31/12/1999"}}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointers(&errors), ["/data/attributes/dateOfBirth"]);

    let answer = call(Method::PATCH, "/customers/DE--2")
        .plain(&json!({"data": {"dateOfBirth": "1999-02-29"}}))
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(document["code"], 422);
    assert_eq!(document["message"], "Validation errors.");
    let errors = document["errors"].as_object().unwrap();
    assert_eq!(errors.keys().collect::<Vec<_>>(), ["dateOfBirth"]);

    let answer = get("/customers/DE--2").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["dateOfBirth"], "1962-03-03");
}

#[tokio::test]
async fn a_malformed_date_is_reported_with_the_other_invalid_fields() {
    let router = app(Notes::with(0));
    let answer = call(Method::POST, "/notes")
        .jsonapi(&new_note(&json!({
            "title": "",
            "priority": 9,
            "dueOn": "tomorrow",
            "remindAt": "soon"
        })))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    let mut found = pointers(&errors);
    found.sort();
    assert_eq!(
        found,
        [
            "/data/attributes/dueOn",
            "/data/attributes/priority",
            "/data/attributes/remindAt",
            "/data/attributes/title",
        ]
    );
}

#[tokio::test]
async fn accept_field_lines_combine_into_one_list() {
    // RFC 9110 §5.3: several `Accept` lines mean one comma-separated list.
    let router = shop().await.backend();
    let mut request = get("/customers/DE--1").accept("text/html").build();
    request
        .headers_mut()
        .append(http::header::ACCEPT, header_value("application/json"));
    let answer = send(&router, request).await;
    plain_document(&answer, StatusCode::OK);
}

#[tokio::test]
async fn an_undeclared_version_is_406_from_accept_and_415_from_content_type() {
    // Notes declare no version, so `version=9.9` names one they do not have.
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = get("/notes/1")
        .accept("application/vnd.api+json; version=9.9")
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::NOT_ACCEPTABLE);

    let answer = call(Method::POST, "/notes")
        .raw(
            "application/vnd.api+json; version=9.9",
            &new_note(&json!({"title": "Versioned"})).to_string(),
        )
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(notes.get(2).is_none());
}
