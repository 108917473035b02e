//! The JSON:API convention (SPEC §3.1, §3.2, §3.7, §3.8): documents, links, request
//! documents and error documents.

use glue_core::{
    ApiResource, Application, Context, ErrorObject, GlueError, ItemProvider, PlainJson, Router,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{
    JSONAPI, assert_jsonapi, attribute_names, call, get, jsonapi_document, jsonapi_errors, keys,
    pointers, query_pairs, shop,
};
use crate::fixtures::{Note, Notes, app};

/// The attributes a customer shows: every readable property but the identifier.
const CUSTOMER_ATTRIBUTES: [&str; 9] = [
    "createdAt",
    "creditLimit",
    "dateOfBirth",
    "email",
    "firstName",
    "idCustomer",
    "isActive",
    "lastName",
    "status",
];

/// The attributes a note shows.
const NOTE_ATTRIBUTES: [&str; 8] = [
    "body",
    "colour",
    "createdAt",
    "dueOn",
    "priority",
    "remindAt",
    "tags",
    "title",
];

/// Sorted pairs from literals.
fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// A link's address without its query.
fn without_query(link: &Value) -> String {
    let text = link.as_str().unwrap_or_default();
    text.split('?').next().unwrap_or_default().to_owned()
}

/// Checks that no link of the document carries raw brackets or spaces.
fn assert_links_encoded(links: &Value) {
    for (name, link) in links.as_object().unwrap() {
        let text = link.as_str().unwrap_or_default();
        assert!(
            !text.contains(['[', ']', ' ', '"', '<', '>']),
            "{name} is not percent-encoded: {text}"
        );
    }
}

// SPEC §3.1: single resources.

#[tokio::test]
async fn a_single_resource_document_has_the_shape_of_spec_3_1() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);

    assert_eq!(keys(&document), ["data", "jsonapi", "links"]);
    assert_eq!(document["jsonapi"], json!({"version": "1.1"}));
    assert_eq!(
        document["links"],
        json!({"self": "http://shop.test/customers/DE--1"})
    );
    let mut data = document["data"].clone();
    // Relationships are pinned separately.
    data.as_object_mut().unwrap().remove("relationships");
    assert_eq!(
        data,
        json!({
            "type": "customers",
            "id": "DE--1",
            "attributes": {
                "idCustomer": 1,
                "email": "customer1@example.com",
                "firstName": "Ben",
                "lastName": "Schmidt",
                "status": "inactive",
                "dateOfBirth": "1961-02-02",
                "isActive": true,
                "creditLimit": 250.0,
                "createdAt": "2024-01-02T03:05:05+00:00"
            },
            "links": {"self": "http://shop.test/customers/DE--1"}
        })
    );
}

#[tokio::test]
async fn a_customer_links_its_addresses_relationship() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        document["data"]["relationships"],
        json!({"addresses": {"links": {
            "related": "http://shop.test/customers/DE--1/addresses"
        }}})
    );
}

#[tokio::test]
async fn numeric_identifiers_are_written_as_strings() {
    let router = app(Notes::with(12));
    let answer = get("/notes/3").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["type"], "notes");
    assert_eq!(document["data"]["id"], json!("3"));
    assert_eq!(attribute_names(&document["data"]), NOTE_ATTRIBUTES);

    let answer = get("/notes").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let ids: Vec<&Value> = document["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|note| &note["id"])
        .collect();
    assert_eq!(
        ids,
        [
            &json!("1"),
            &json!("2"),
            &json!("3"),
            &json!("4"),
            &json!("5")
        ]
    );
}

#[tokio::test]
async fn the_identifier_and_unreadable_properties_are_not_attributes() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--7").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(attribute_names(&document["data"]), CUSTOMER_ATTRIBUTES);

    // A password sent on creation is stored but never shown.
    let answer = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "customers", "attributes": {
            "email": "secret@example.com", "firstName": "Se", "lastName": "Cret",
            "password": "correct horse battery"
        }}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(attribute_names(&document["data"]), CUSTOMER_ATTRIBUTES);
    assert!(
        !answer.text().contains("correct horse"),
        "{}",
        answer.text()
    );

    let answer = get("/customers?page[limit]=100").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    for customer in document["data"].as_array().unwrap() {
        assert_eq!(attribute_names(customer), CUSTOMER_ATTRIBUTES);
    }

    // Notes: `secret` is not readable, `id` is the identifier.
    let answer = get("/notes/1").send(&app(Notes::with(1))).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert!(document["data"]["attributes"].get("secret").is_none());
    assert!(document["data"]["attributes"].get("id").is_none());
    assert!(!answer.text().contains("hidden"), "{}", answer.text());
}

#[tokio::test]
async fn links_are_absolute_and_built_from_the_host_header() {
    let router = app(Notes::with(12));
    for host in ["shop.test:8081", "api.example.org", "127.0.0.1:3000"] {
        let answer = get("/notes/2").header("host", host).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        let expected = format!("http://{host}/notes/2");
        assert_eq!(document["links"]["self"], expected);
        assert_eq!(document["data"]["links"]["self"], expected);

        let answer = get("/notes").header("host", host).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(document["links"]["self"], format!("http://{host}/notes"));
        for link in ["first", "next", "last"] {
            assert!(
                document["links"][link]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("http://{host}/notes?")),
                "{link}: {}",
                document["links"][link]
            );
        }
        assert_eq!(
            document["data"][0]["links"]["self"],
            format!("http://{host}/notes/1")
        );
    }
}

#[tokio::test]
async fn links_use_the_configured_base_url_over_the_host() {
    let notes = Notes::with(7);
    let router = Application::new("based")
        .convention(JsonApi::new())
        .standard_pagination()
        .base_url("https://api.example.com/v1/")
        .resource::<Note>(notes.clone(), notes)
        .build();
    let answer = get("/notes/2").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        document["links"]["self"],
        "https://api.example.com/v1/notes/2"
    );
    assert_eq!(
        document["data"]["links"]["self"],
        "https://api.example.com/v1/notes/2"
    );

    let answer = get("/notes").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        document["links"]["self"],
        "https://api.example.com/v1/notes"
    );
    for link in ["first", "next", "last"] {
        assert_eq!(
            without_query(&document["links"][link]),
            "https://api.example.com/v1/notes",
            "{link}"
        );
    }

    let answer = call(Method::POST, "/notes")
        .jsonapi(&json!({"data": {"type": "notes", "attributes": {"title": "Based"}}}))
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(
        answer.header("location"),
        Some("https://api.example.com/v1/notes/8")
    );
}

#[tokio::test]
async fn identifiers_in_links_are_percent_encoded() {
    let router = app(Notes::with(0));
    let answer = call(Method::POST, "/tags")
        .jsonapi(
            &json!({"data": {"type": "tags", "id": "rust & co/ü", "attributes": {"label": "Odd"}}}),
        )
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    let expected = "http://shop.test/tags/rust%20%26%20co%2F%C3%BC";
    assert_eq!(answer.header("location"), Some(expected));
    assert_eq!(document["data"]["id"], "rust & co/ü");
    assert_eq!(document["data"]["links"]["self"], expected);
    assert_eq!(document["links"]["self"], expected);

    let answer = get("/tags/rust%20%26%20co%2F%C3%BC").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["id"], "rust & co/ü");
    assert_eq!(document["data"]["links"]["self"], expected);
}

#[tokio::test]
async fn the_self_link_of_an_item_keeps_the_request_query() {
    let router = app(Notes::with(2));
    let answer = get("/notes/2?view%5Bmode%5D=a%2Fb").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        query_pairs(&document["links"]["self"]),
        pairs(&[("view[mode]", "a/b")])
    );
    assert_links_encoded(&document["links"]);
    // The resource's own link is its canonical address.
    assert_eq!(
        document["data"]["links"]["self"],
        "http://shop.test/notes/2"
    );
}

// SPEC §3.2: collections.

#[tokio::test]
async fn a_collection_document_has_data_links_and_meta() {
    let router = app(Notes::with(12));
    let answer = get("/notes").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(keys(&document), ["data", "jsonapi", "links", "meta"]);
    assert_eq!(document["jsonapi"], json!({"version": "1.1"}));

    let data = document["data"].as_array().expect("data is an array");
    assert_eq!(data.len(), 5);
    for (index, note) in data.iter().enumerate() {
        let id = (index + 1).to_string();
        assert_eq!(note["type"], "notes");
        assert_eq!(note["id"], id);
        assert_eq!(attribute_names(note), NOTE_ATTRIBUTES);
        assert_eq!(
            note["links"]["self"],
            format!("http://shop.test/notes/{id}")
        );
    }

    let links = &document["links"];
    assert_eq!(keys(links), ["first", "last", "next", "self"]);
    assert_eq!(links["self"], "http://shop.test/notes");
    for (name, offset) in [("first", "0"), ("next", "5"), ("last", "10")] {
        assert_eq!(
            without_query(&links[name]),
            "http://shop.test/notes",
            "{name}"
        );
        assert_eq!(
            query_pairs(&links[name]),
            pairs(&[("page[offset]", offset), ("page[limit]", "5")]),
            "{name}"
        );
    }
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 3, "records": 5, "records_per_page": 5, "records_total": 12})
    );
}

#[tokio::test]
async fn a_middle_page_links_prev_and_next() {
    let router = app(Notes::with(12));
    let answer = get("/notes?page[offset]=5&page[limit]=5")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let links = &document["links"];
    assert_eq!(keys(links), ["first", "last", "next", "prev", "self"]);
    assert_eq!(
        links["self"],
        "http://shop.test/notes?page%5Boffset%5D=5&page%5Blimit%5D=5"
    );
    for (name, offset) in [
        ("first", "0"),
        ("prev", "0"),
        ("next", "10"),
        ("last", "10"),
    ] {
        assert_eq!(
            query_pairs(&links[name]),
            pairs(&[("page[offset]", offset), ("page[limit]", "5")]),
            "{name}"
        );
    }
    let ids: Vec<&str> = document["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|note| note["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["6", "7", "8", "9", "10"]);
    assert_eq!(
        document["meta"],
        json!({"page": 2, "pages": 3, "records": 5, "records_per_page": 5, "records_total": 12})
    );
}

#[tokio::test]
async fn the_last_page_links_no_next() {
    let router = app(Notes::with(12));
    let answer = get("/notes?page[offset]=10&page[limit]=5")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let links = &document["links"];
    assert_eq!(keys(links), ["first", "last", "prev", "self"]);
    assert_eq!(
        query_pairs(&links["prev"]),
        pairs(&[("page[offset]", "5"), ("page[limit]", "5")])
    );
    assert_eq!(links["last"], links["self"]);
    assert_eq!(document["data"].as_array().unwrap().len(), 2);
    assert_eq!(
        document["meta"],
        json!({"page": 3, "pages": 3, "records": 2, "records_per_page": 5, "records_total": 12})
    );
}

#[tokio::test]
async fn a_single_page_collection_links_neither_prev_nor_next() {
    let router = app(Notes::with(4));
    let answer = get("/notes").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(keys(&document["links"]), ["first", "last", "self"]);
    assert_eq!(document["links"]["first"], document["links"]["last"]);
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 1, "records": 4, "records_per_page": 5, "records_total": 4})
    );
}

#[tokio::test]
async fn an_empty_collection_is_an_empty_array_with_links_and_meta() {
    let router = app(Notes::with(0));
    let answer = get("/notes").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"], json!([]));
    assert!(document["links"].get("prev").is_none());
    assert!(document["links"].get("next").is_none());
    assert_eq!(document["links"]["self"], "http://shop.test/notes");
    assert_eq!(document["meta"]["records"], 0);
    assert_eq!(document["meta"]["records_total"], 0);
}

#[tokio::test]
async fn a_collection_without_a_known_total_has_no_last_pages_or_records_total() {
    let router = app(Notes::with(0));
    let answer = get("/events").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"].as_array().unwrap().len(), 10);
    assert_eq!(keys(&document["links"]), ["first", "next", "self"]);
    assert_eq!(
        document["meta"],
        json!({"page": 1, "records": 10, "records_per_page": 10})
    );

    let answer = get("/events?page[offset]=20&page[limit]=10")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"].as_array().unwrap().len(), 5);
    assert_eq!(keys(&document["links"]), ["first", "prev", "self"]);
}

#[tokio::test]
async fn collection_links_are_absolute_and_percent_encoded() {
    let router = shop().await.backend();
    let answer = get("/customers?page[offset]=10&page[limit]=10")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let links = &document["links"];
    assert_links_encoded(links);
    for name in ["self", "first", "prev", "next", "last"] {
        let link = links[name].as_str().unwrap();
        assert!(
            link.starts_with("http://shop.test/customers?"),
            "{name}: {link}"
        );
        assert!(link.contains("page%5Boffset%5D="), "{name}: {link}");
        assert!(link.contains("page%5Blimit%5D=10"), "{name}: {link}");
    }
    assert!(
        links["next"]
            .as_str()
            .unwrap()
            .contains("page%5Boffset%5D=20"),
        "{}",
        links["next"]
    );
    assert!(
        links["last"]
            .as_str()
            .unwrap()
            .contains("page%5Boffset%5D=50"),
        "{}",
        links["last"]
    );
    assert_eq!(
        document["meta"],
        json!({"page": 2, "pages": 6, "records": 10, "records_per_page": 10, "records_total": 55})
    );
}

#[tokio::test]
async fn collection_links_keep_the_other_query_parameters() {
    let router = app(Notes::with(12));
    let answer =
        get("/notes?view%5Bmode%5D=a%2Fb%20%C3%BC&page[offset]=5&page[limit]=5&tracking-id=x%26y")
            .send(&router)
            .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let links = &document["links"];
    assert_links_encoded(links);
    assert_eq!(keys(links), ["first", "last", "next", "prev", "self"]);
    for (name, offset) in [
        ("self", "5"),
        ("first", "0"),
        ("prev", "0"),
        ("next", "10"),
        ("last", "10"),
    ] {
        assert_eq!(
            without_query(&links[name]),
            "http://shop.test/notes",
            "{name}"
        );
        assert_eq!(
            query_pairs(&links[name]),
            pairs(&[
                ("view[mode]", "a/b ü"),
                ("tracking-id", "x&y"),
                ("page[offset]", offset),
                ("page[limit]", "5"),
            ]),
            "{name}: {}",
            links[name]
        );
    }
}

#[tokio::test]
async fn collection_links_keep_the_other_parameters_when_the_client_sent_no_page() {
    let router = app(Notes::with(12));
    let answer = get("/notes?viewMode=compact&tagName=a&tagName=b")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let links = &document["links"];
    assert_eq!(
        links["self"],
        "http://shop.test/notes?viewMode=compact&tagName=a&tagName=b"
    );
    for (name, offset) in [("first", "0"), ("next", "5"), ("last", "10")] {
        assert_eq!(
            query_pairs(&links[name]),
            pairs(&[
                ("viewMode", "compact"),
                ("tagName", "a"),
                ("tagName", "b"),
                ("page[offset]", offset),
                ("page[limit]", "5")
            ]),
            "{name}"
        );
    }
}

// SPEC §3.7: request documents.

#[tokio::test]
async fn a_document_without_data_is_400() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    for body in [
        json!({}),
        json!({"data": null}),
        json!({"type": "notes", "attributes": {"title": "Flat"}}),
        json!([{"data": {"type": "notes"}}]),
        json!("data"),
    ] {
        let answer = call(Method::POST, "/notes")
            .jsonapi(&body)
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors.len(), 1, "{body}");
        assert_eq!(errors[0]["status"], "400", "{body}");

        let answer = call(Method::PATCH, "/notes/1")
            .jsonapi(&body)
            .send(&router)
            .await;
        jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    }
    assert!(notes.get(2).is_none());
    assert_eq!(notes.get(1).unwrap().title, "Note 1");
}

#[tokio::test]
async fn data_that_is_not_an_object_is_400() {
    let router = app(Notes::with(1));
    for data in [
        json!([{"type": "notes", "attributes": {"title": "In a list"}}]),
        json!("notes"),
        json!(1),
        json!(true),
    ] {
        let answer = call(Method::POST, "/notes")
            .jsonapi(&json!({"data": data}))
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(pointers(&errors), ["/data"], "{data}");
    }
}

#[tokio::test]
async fn a_resource_object_without_type_is_400() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .jsonapi(&json!({"data": {"attributes": {"title": "Typeless"}}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    assert_eq!(errors[0]["status"], "400");
    assert_eq!(pointers(&errors), ["/data"]);

    let answer = call(Method::PATCH, "/notes/1")
        .jsonapi(&json!({"data": {"id": "1", "attributes": {"title": "Typeless"}}}))
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    assert!(notes.get(2).is_none());
    assert_eq!(notes.get(1).unwrap().title, "Note 1");
}

#[tokio::test]
async fn a_type_that_is_not_a_string_is_400() {
    let router = app(Notes::with(1));
    for resource_type in [json!(null), json!(["notes"]), json!(7)] {
        let answer = call(Method::POST, "/notes")
            .jsonapi(&json!({"data": {"type": resource_type, "attributes": {"title": "x"}}}))
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(pointers(&errors), ["/data/type"], "{resource_type}");
    }
}

#[tokio::test]
async fn a_foreign_type_is_409_at_data_type() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .jsonapi(&json!({"data": {"type": "tags", "attributes": {"title": "Wrong"}}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["status"], "409");
    assert_eq!(pointers(&errors), ["/data/type"]);

    for method in [Method::PATCH, Method::PUT] {
        for resource_type in ["note", "Notes", "customers"] {
            let answer = call(method.clone(), "/notes/1")
                .jsonapi(&json!({"data": {"type": resource_type, "id": "1",
                    "attributes": {"title": "Wrong"}}}))
                .send(&router)
                .await;
            let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
            assert_eq!(
                pointers(&errors),
                ["/data/type"],
                "{method} {resource_type}"
            );
        }
    }
    assert!(notes.get(2).is_none());
    assert_eq!(notes.get(1).unwrap().title, "Note 1");

    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "products", "attributes": {
            "email": "wrong@example.com", "firstName": "W", "lastName": "T"
        }}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
    assert_eq!(pointers(&errors), ["/data/type"]);
}

#[tokio::test]
async fn an_id_differing_from_the_url_is_409() {
    let notes = Notes::with(5);
    let router = app(notes.clone());
    for method in [Method::PATCH, Method::PUT] {
        for id in ["4", "03", "3 ", ""] {
            let answer = call(method.clone(), "/notes/3")
                .jsonapi(&json!({"data": {"type": "notes", "id": id,
                    "attributes": {"title": "Moved"}}}))
                .send(&router)
                .await;
            let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
            assert_eq!(errors[0]["status"], "409", "{method} {id:?}");
            assert_eq!(pointers(&errors), ["/data/id"], "{method} {id:?}");
        }
    }
    assert_eq!(notes.get(3).unwrap().title, "Note 3");
    assert_eq!(notes.get(4).unwrap().title, "Note 4");

    let router = shop().await.backend();
    let answer = call(Method::PATCH, "/customers/DE--1")
        .jsonapi(&json!({"data": {"type": "customers", "id": "DE--2",
            "attributes": {"firstName": "Moved"}}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
    assert_eq!(pointers(&errors), ["/data/id"]);
    for reference in ["DE--1", "DE--2"] {
        let answer = get(&format!("/customers/{reference}")).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_ne!(document["data"]["attributes"]["firstName"], "Moved");
    }
}

#[tokio::test]
async fn an_id_matching_the_url_is_accepted() {
    let notes = Notes::with(5);
    let router = app(notes.clone());
    let answer = call(Method::PATCH, "/notes/3")
        .jsonapi(&json!({"data": {"type": "notes", "id": "3", "attributes": {"title": "Same"}}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["id"], "3");
    assert_eq!(document["data"]["attributes"]["title"], "Same");
    assert_eq!(document["links"]["self"], "http://shop.test/notes/3");

    let answer = call(Method::PUT, "/notes/3")
        .jsonapi(
            &json!({"data": {"type": "notes", "id": "3", "attributes": {"title": "Replaced"}}}),
        )
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["title"], "Replaced");
    assert_eq!(notes.get(3).unwrap().title, "Replaced");
}

#[tokio::test]
async fn an_id_that_is_not_a_string_is_400() {
    let notes = Notes::with(5);
    let router = app(notes.clone());
    let answer = call(Method::PATCH, "/notes/3")
        .jsonapi(&json!({"data": {"type": "notes", "id": 3, "attributes": {"title": "Number"}}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    assert_eq!(pointers(&errors), ["/data/id"]);
    assert_eq!(notes.get(3).unwrap().title, "Note 3");
}

#[tokio::test]
async fn attributes_that_are_not_an_object_are_400() {
    let notes = Notes::with(1);
    let router = app(notes.clone());
    for attributes in [json!(["title"]), json!("title"), json!(null)] {
        let answer = call(Method::POST, "/notes")
            .jsonapi(&json!({"data": {"type": "notes", "attributes": attributes}}))
            .send(&router)
            .await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(pointers(&errors), ["/data/attributes"], "{attributes}");
    }
    assert!(notes.get(2).is_none());
}

#[tokio::test]
async fn a_client_generated_id_on_post_is_403() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .jsonapi(
            &json!({"data": {"type": "customers", "id": "DE--999", "attributes": {
                "email": "chosen@example.com", "firstName": "Cho", "lastName": "Sen"
            }}}),
        )
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::FORBIDDEN);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["status"], "403");
    assert_eq!(pointers(&errors), ["/data/id"]);
    let answer = get("/customers/DE--999").send(&router).await;
    jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    let answer = get("/customers/DE--56").send(&router).await;
    jsonapi_errors(&answer, StatusCode::NOT_FOUND);

    let notes = Notes::with(1);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .jsonapi(&json!({"data": {"type": "notes", "id": "9", "attributes": {"title": "Chosen"}}}))
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::FORBIDDEN);
    assert!(notes.get(2).is_none() && notes.get(9).is_none());
}

#[tokio::test]
async fn a_client_generated_id_is_accepted_where_the_identifier_is_writable() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/products")
        .jsonapi(
            &json!({"data": {"type": "products", "id": "SKU-CLIENT-1", "attributes": {
                "name": "Client Chair", "price": 12_999, "stock": 4
            }}}),
        )
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    let url = "http://shop.test/products/SKU-CLIENT-1";
    assert_eq!(answer.header("location"), Some(url));
    assert_eq!(document["data"]["type"], "products");
    assert_eq!(document["data"]["id"], "SKU-CLIENT-1");
    assert_eq!(document["data"]["links"]["self"], url);
    assert_eq!(document["links"]["self"], url);
    let attributes = &document["data"]["attributes"];
    assert_eq!(attributes["name"], "Client Chair");
    assert_eq!(attributes["price"], 12_999);
    assert_eq!(attributes["stock"], 4);
    assert_eq!(attributes["currency"], "EUR");
    assert_eq!(attributes["isActive"], true);
    assert!(attributes.get("sku").is_none());

    // The body is the created resource, as a later read shows it.
    let answer = get("/products/SKU-CLIENT-1").send(&router).await;
    let read = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(read["data"], document["data"]);

    let router = app(Notes::with(0));
    let answer = call(Method::POST, "/tags")
        .jsonapi(&json!({"data": {"type": "tags", "id": "rust", "attributes": {"label": "Rust"}}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(
        answer.header("location"),
        Some("http://shop.test/tags/rust")
    );
    assert_eq!(
        document["data"],
        json!({"type": "tags", "id": "rust", "attributes": {"label": "Rust"},
               "links": {"self": "http://shop.test/tags/rust"}})
    );
    let answer = get("/tags/rust").send(&router).await;
    assert_eq!(
        jsonapi_document(&answer, StatusCode::OK)["data"],
        document["data"]
    );
}

#[tokio::test]
async fn read_only_attributes_are_ignored_on_post() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "customers", "attributes": {
            "email": "readonly@example.com",
            "firstName": "Read",
            "lastName": "Only",
            "customerReference": "DE--999",
            "idCustomer": 999,
            "createdAt": "1999-01-01T00:00:00+00:00"
        }}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["id"], "DE--56");
    assert_eq!(
        answer.header("location"),
        Some("http://shop.test/customers/DE--56")
    );
    let attributes = &document["data"]["attributes"];
    assert_eq!(attributes["idCustomer"], 56);
    assert_ne!(attributes["createdAt"], "1999-01-01T00:00:00+00:00");
    assert!(attributes["createdAt"].as_str().unwrap().starts_with("20"));
    assert_eq!(attributes["email"], "readonly@example.com");
    let answer = get("/customers/DE--999").send(&router).await;
    jsonapi_errors(&answer, StatusCode::NOT_FOUND);

    // Notes: `id` and `createdAt` are not writable either.
    let notes = Notes::with(2);
    let router = app(notes.clone());
    let answer = call(Method::POST, "/notes")
        .jsonapi(&json!({"data": {"type": "notes", "attributes": {
            "title": "Ignored", "id": 77, "createdAt": "1999-01-01T00:00:00+00:00"
        }}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["id"], "3");
    assert!(notes.get(77).is_none());
    assert_ne!(
        document["data"]["attributes"]["createdAt"],
        "1999-01-01T00:00:00+00:00"
    );
}

#[tokio::test]
async fn read_only_attributes_are_ignored_on_patch_and_put() {
    let router = shop().await.backend();
    let answer = call(Method::PATCH, "/customers/DE--4")
        .jsonapi(
            &json!({"data": {"type": "customers", "id": "DE--4", "attributes": {
                "firstName": "Patched",
                "customerReference": "DE--999",
                "idCustomer": 999,
                "createdAt": "1999-01-01T00:00:00+00:00"
            }}}),
        )
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["id"], "DE--4");
    let attributes = &document["data"]["attributes"];
    assert_eq!(attributes["firstName"], "Patched");
    assert_eq!(attributes["idCustomer"], 4);
    assert_eq!(attributes["createdAt"], "2024-01-02T03:08:05+00:00");

    let answer = call(Method::PUT, "/customers/DE--4")
        .jsonapi(
            &json!({"data": {"type": "customers", "id": "DE--4", "attributes": {
                "email": "customer4@example.com",
                "firstName": "Put",
                "lastName": "Weber",
                "idCustomer": 999,
                "createdAt": "1999-01-01T00:00:00+00:00"
            }}}),
        )
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let attributes = &document["data"]["attributes"];
    assert_eq!(attributes["firstName"], "Put");
    assert_eq!(attributes["idCustomer"], 4);
    assert_eq!(attributes["createdAt"], "2024-01-02T03:08:05+00:00");
}

#[tokio::test]
async fn undeclared_attributes_are_422_with_a_pointer() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "customers", "attributes": {
            "email": "unknown@example.com", "firstName": "Un", "lastName": "Known",
            "nickname": "unk", "first_name": "Un"
        }}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    let mut found = pointers(&errors);
    found.sort();
    assert_eq!(
        found,
        ["/data/attributes/first_name", "/data/attributes/nickname"]
    );
    for error in &errors {
        assert_eq!(error["status"], "422");
        let pointer = error["source"]["pointer"].as_str().unwrap();
        let name = pointer.rsplit('/').next().unwrap();
        let detail = error["detail"].as_str().unwrap();
        assert!(detail.starts_with(&format!("{name}: ")), "{detail}");
    }
    // Nothing was created.
    let answer = get("/customers/DE--56").send(&router).await;
    jsonapi_errors(&answer, StatusCode::NOT_FOUND);

    let answer = call(Method::PATCH, "/customers/DE--1")
        .jsonapi(
            &json!({"data": {"type": "customers", "id": "DE--1", "attributes": {
                "firstName": "Changed", "shoeSize": 44
            }}}),
        )
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointers(&errors), ["/data/attributes/shoeSize"]);
    let answer = get("/customers/DE--1").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["firstName"], "Ben");
}

#[tokio::test]
async fn an_attribute_named_by_its_rust_field_is_undeclared() {
    // `colour` is the wire name of the field `color`.
    let router = app(Notes::with(0));
    let answer = call(Method::POST, "/notes")
        .jsonapi(
            &json!({"data": {"type": "notes", "attributes": {"title": "x", "color": "green"}}}),
        )
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointers(&errors), ["/data/attributes/color"]);
}

// SPEC §3.8: errors.

#[tokio::test]
async fn a_validation_error_has_the_shape_of_spec_3_8() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "customers", "attributes": {
            "email": "not-an-email", "firstName": "Val", "lastName": "Idation"
        }}}))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(document.get("data").is_none());
    assert_eq!(
        document["errors"],
        json!([{
            "status": "422",
            "code": "validation",
            "title": "Invalid attribute",
            "detail": "email: must be a valid email address",
            "source": {"pointer": "/data/attributes/email"}
        }])
    );
}

#[tokio::test]
async fn all_validation_errors_are_reported_at_once() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/customers")
        .jsonapi(&json!({"data": {"type": "customers", "attributes": {
            "email": "still-not-an-email",
            "firstName": "",
            "creditLimit": -5,
            "password": "short",
            "isActive": "yes",
            "nickname": "x"
        }}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    let mut found = pointers(&errors);
    found.sort();
    assert_eq!(
        found,
        [
            "/data/attributes/creditLimit",
            "/data/attributes/email",
            "/data/attributes/firstName",
            "/data/attributes/isActive",
            "/data/attributes/lastName",
            "/data/attributes/nickname",
            "/data/attributes/password",
        ]
    );
    for error in &errors {
        assert_eq!(error["status"], "422", "{error}");
        assert_eq!(error["code"], "validation", "{error}");
        assert_eq!(error["title"], "Invalid attribute", "{error}");
        let pointer = error["source"]["pointer"].as_str().unwrap();
        let name = pointer.trim_start_matches("/data/attributes/");
        let detail = error["detail"].as_str().unwrap();
        assert!(detail.starts_with(&format!("{name}: ")), "{detail}");
    }
    assert!(
        errors
            .iter()
            .any(|error| error["detail"] == "email: must be a valid email address")
    );
    assert!(
        errors
            .iter()
            .any(|error| error["detail"] == "lastName: is required")
    );
}

#[tokio::test]
async fn error_status_members_are_strings_and_match_the_http_status() {
    let router = app(Notes::with(1));
    let cases = [
        (get("/notes/99"), StatusCode::NOT_FOUND),
        (get("/nowhere"), StatusCode::NOT_FOUND),
        (
            call(Method::DELETE, "/notes"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            get("/notes/1").accept("text/html"),
            StatusCode::NOT_ACCEPTABLE,
        ),
        (
            call(Method::POST, "/notes").raw("text/plain", "x"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            call(Method::POST, "/notes").raw(JSONAPI, "{"),
            StatusCode::BAD_REQUEST,
        ),
        (
            call(Method::POST, "/notes")
                .jsonapi(&json!({"data": {"type": "tags", "attributes": {}}})),
            StatusCode::CONFLICT,
        ),
        (
            call(Method::POST, "/notes")
                .jsonapi(&json!({"data": {"type": "notes", "id": "5", "attributes": {}}})),
            StatusCode::FORBIDDEN,
        ),
        (
            call(Method::POST, "/notes")
                .jsonapi(&json!({"data": {"type": "notes", "attributes": {}}})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (get("/explosives/1"), StatusCode::INTERNAL_SERVER_ERROR),
    ];
    for (request, status) in cases {
        let answer = request.send(&router).await;
        let errors = jsonapi_errors(&answer, status);
        assert!(!errors.is_empty());
        for error in &errors {
            assert_eq!(error["status"], json!(status.as_str()), "{error}");
            assert!(error["code"].is_string(), "{error}");
            assert!(error["title"].is_string(), "{error}");
        }
    }
}

#[tokio::test]
async fn a_not_found_error_names_the_resource() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--99").send(&router).await;
    let errors = jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["status"], "404");
    assert_eq!(errors[0]["detail"], "Customer DE--99 not found.");
}

#[tokio::test]
async fn error_documents_never_carry_data() {
    let router = shop().await.backend();
    let answers = [
        get("/customers/DE--99").send(&router).await,
        call(Method::POST, "/customers")
            .jsonapi(&json!({"data": {"type": "customers", "attributes": {"email": "x"}}}))
            .send(&router)
            .await,
        call(Method::PATCH, "/customers/DE--1")
            .jsonapi(&json!({"data": {"type": "customers", "id": "DE--2"}}))
            .send(&router)
            .await,
    ];
    for answer in answers {
        let document = answer.json();
        assert_jsonapi(&document);
        assert!(document.get("errors").is_some(), "{document}");
        assert!(document.get("data").is_none(), "{document}");
        assert!(document.get("included").is_none(), "{document}");
    }
}

/// A resource whose reads fail with several errors at once, to pin the document status.
#[derive(ApiResource, Clone, Debug)]
#[api(operations(Get), provider = Troubles)]
struct Trouble {
    #[api(identifier)]
    id: String,
}

/// Fails `GET /troubles/{id}` with the errors the id names.
#[derive(Debug, Clone, Copy)]
struct Troubles;

impl ItemProvider<Trouble> for Troubles {
    async fn item(&self, ctx: &Context<Trouble>) -> Result<Option<Trouble>, GlueError> {
        let statuses: &[StatusCode] = match ctx.id().map(String::as_str) {
            Some("conflicts") => &[StatusCode::CONFLICT, StatusCode::CONFLICT],
            Some("client") => &[StatusCode::NOT_FOUND, StatusCode::CONFLICT],
            Some("client-and-validation") => {
                &[StatusCode::FORBIDDEN, StatusCode::UNPROCESSABLE_ENTITY]
            }
            Some("server") => &[StatusCode::NOT_FOUND, StatusCode::SERVICE_UNAVAILABLE],
            _ => return Ok(None),
        };
        Err(GlueError::from_errors(
            statuses
                .iter()
                .enumerate()
                .map(|(index, status)| ErrorObject::new(*status, format!("failure {index}")))
                .collect(),
        ))
    }
}

fn troubles() -> Router {
    Application::new("troubles")
        .convention(JsonApi::new())
        .convention(PlainJson::new())
        .resource::<Trouble>(Troubles, ())
        .build()
}

#[tokio::test]
async fn the_http_status_is_the_common_status_of_the_errors() {
    let router = troubles();
    let answer = get("/troubles/conflicts").send(&router).await;
    let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().all(|error| error["status"] == "409"));
}

#[tokio::test]
async fn mixed_client_errors_answer_400_and_keep_their_own_statuses() {
    let router = troubles();
    for (id, statuses) in [
        ("client", ["404", "409"]),
        ("client-and-validation", ["403", "422"]),
    ] {
        let answer = get(&format!("/troubles/{id}")).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        let found: Vec<&Value> = errors.iter().map(|error| &error["status"]).collect();
        assert_eq!(
            found,
            statuses.map(Value::from).iter().collect::<Vec<_>>(),
            "{id}"
        );
    }
}

#[tokio::test]
async fn a_server_error_among_the_errors_makes_the_answer_a_server_error() {
    let router = troubles();
    let answer = get("/troubles/server").send(&router).await;
    let errors = jsonapi_errors(&answer, StatusCode::INTERNAL_SERVER_ERROR);
    let found: Vec<&Value> = errors.iter().map(|error| &error["status"]).collect();
    assert_eq!(found, [&json!("404"), &json!("503")]);
}

#[tokio::test]
async fn an_id_is_compared_with_the_decoded_url() {
    let router = shop().await.backend();
    let answer = call(Method::POST, "/products")
        .jsonapi(
            &json!({"data": {"type": "products", "id": "SKU 9/ü", "attributes": {
                "name": "Spaced", "price": 100
            }}}),
        )
        .send(&router)
        .await;
    jsonapi_document(&answer, StatusCode::CREATED);
    let url = "http://shop.test/products/SKU%209%2F%C3%BC";
    assert_eq!(answer.header("location"), Some(url));

    let answer = call(Method::PATCH, "/products/SKU%209%2F%C3%BC")
        .jsonapi(
            &json!({"data": {"type": "products", "id": "SKU 9/ü", "attributes": {
                "name": "Still spaced"
            }}}),
        )
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["id"], "SKU 9/ü");
    assert_eq!(document["data"]["attributes"]["name"], "Still spaced");
    assert_eq!(document["data"]["links"]["self"], url);

    let answer = call(Method::PATCH, "/products/SKU%209%2F%C3%BC")
        .jsonapi(&json!({"data": {"type": "products", "id": "SKU%209%2F%C3%BC"}}))
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
    assert_eq!(pointers(&errors), ["/data/id"]);
}

#[tokio::test]
async fn an_invalid_client_generated_id_is_reported_at_data_id() {
    let router = shop().await.backend();
    let too_long = format!("SKU-{}", "X".repeat(70));
    let answer = call(Method::POST, "/products")
        .jsonapi(
            &json!({"data": {"type": "products", "id": too_long, "attributes": {
                "name": "Long", "price": 100
            }}}),
        )
        .send(&router)
        .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(pointers(&errors), ["/data/id"]);
}
