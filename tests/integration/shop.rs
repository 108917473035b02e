//! The demo shop (SPEC §11.2 - §11.4), as far as it exists: seeded data, the backend's
//! customers, addresses and products through SQLite, and the storefront's read-only products.
//! There is no authentication yet, so every resource is open.

use std::collections::BTreeSet;

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{
    Answer, allowed, attribute_names, call, get, jsonapi_document, jsonapi_errors, pointers, shop,
};

// ---------------------------------------------------------------------------------------------
// Helpers

/// The `id`s of a JSON:API collection document.
fn ids(document: &Value) -> Vec<String> {
    document["data"]
        .as_array()
        .expect("data is an array")
        .iter()
        .map(|resource| resource["id"].as_str().expect("id is a string").to_owned())
        .collect()
}

/// The JSON:API document of `GET uri`.
async fn read(router: &glue_core::Router, uri: &str) -> Value {
    let answer = get(uri).send(router).await;
    jsonapi_document(&answer, StatusCode::OK)
}

/// Checks `GET uri` is a 404 error document.
async fn gone(router: &glue_core::Router, uri: &str) {
    let answer = get(uri).send(router).await;
    jsonapi_errors(&answer, StatusCode::NOT_FOUND);
}

/// `method uri` with a JSON:API body.
async fn send(router: &glue_core::Router, method: Method, uri: &str, body: &Value) -> Answer {
    call(method, uri).jsonapi(body).send(router).await
}

/// The pointers of a 422 answer (each error checked for status and code), as a set.
fn invalid(answer: &Answer) -> BTreeSet<String> {
    let errors = jsonapi_errors(answer, StatusCode::UNPROCESSABLE_ENTITY);
    for error in &errors {
        assert_eq!(error["status"], "422", "{error:#}");
        assert_eq!(error["code"], "validation", "{error:#}");
    }
    pointers(&errors).into_iter().collect()
}

/// `/data/attributes/{name}` for each name.
fn at(names: &[&str]) -> BTreeSet<String> {
    names
        .iter()
        .map(|name| format!("/data/attributes/{name}"))
        .collect()
}

/// A customer document with these attributes (and an id for Put and Patch).
fn customer(id: Option<&str>, attributes: &Value) -> Value {
    match id {
        Some(id) => json!({"data": {"type": "customers", "id": id, "attributes": attributes}}),
        None => json!({"data": {"type": "customers", "attributes": attributes}}),
    }
}

/// The attributes of a valid new customer, with `extra` merged in.
fn customer_attributes(email: &str, extra: &Value) -> Value {
    let mut attributes = json!({"email": email, "firstName": "Jane", "lastName": "Doe"});
    if let (Some(target), Some(extra)) = (attributes.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            target.insert(key.clone(), value.clone());
        }
    }
    attributes
}

/// An address document with these attributes (and an id for Put and Patch).
fn address(id: Option<&str>, attributes: &Value) -> Value {
    match id {
        Some(id) => {
            json!({"data": {"type": "customers-addresses", "id": id, "attributes": attributes}})
        }
        None => json!({"data": {"type": "customers-addresses", "attributes": attributes}}),
    }
}

/// A valid address.
fn berlin() -> Value {
    json!({"address1": "Julie-Wolfthorn-Straße 1", "zipCode": "10115", "city": "Berlin", "country": "DE"})
}

/// A product document with this sku as id.
fn product(sku: &str, attributes: &Value) -> Value {
    json!({"data": {"type": "products", "id": sku, "attributes": attributes}})
}

// ---------------------------------------------------------------------------------------------
// Seed data (SPEC §11.2)

#[tokio::test]
async fn the_seed_has_55_customers_de_1_to_de_55() {
    let router = shop().await.backend();
    let document = read(&router, "/customers?page[limit]=100").await;
    let expected: Vec<String> = (1..=55).map(|n| format!("DE--{n}")).collect();
    assert_eq!(ids(&document), expected);
    assert_eq!(document["meta"]["records_total"], 55);
    for (n, resource) in (1..=55).zip(document["data"].as_array().unwrap()) {
        assert_eq!(resource["type"], "customers");
        assert_eq!(
            resource["attributes"]["email"],
            format!("customer{n}@example.com")
        );
        assert_eq!(resource["attributes"]["idCustomer"], n);
        assert_eq!(
            resource["links"]["self"],
            format!("http://shop.test/customers/DE--{n}")
        );
    }
    gone(&router, "/customers/DE--56").await;
    gone(&router, "/customers/DE--0").await;
}

#[tokio::test]
async fn the_seed_has_200_products_sku_0001_to_sku_0200() {
    let router = shop().await.backend();
    let mut seen = Vec::new();
    let mut active = Vec::new();
    for page in [
        "/products?page[limit]=100",
        "/products?page[offset]=100&page[limit]=100",
    ] {
        let document = read(&router, page).await;
        assert_eq!(document["meta"]["records_total"], 200);
        for resource in document["data"].as_array().unwrap() {
            seen.push(resource["id"].as_str().unwrap().to_owned());
            active.push(resource["attributes"]["isActive"].as_bool().unwrap());
        }
    }
    let expected: Vec<String> = (1..=200).map(|n| format!("SKU-{n:04}")).collect();
    assert_eq!(seen, expected);
    let expected_active: Vec<bool> = (1..=200).map(|n| n % 7 != 0).collect();
    assert_eq!(active, expected_active);
    gone(&router, "/products/SKU-0201").await;
}

#[tokio::test]
async fn seeded_customer_n_has_n_mod_4_addresses() {
    let router = shop().await.backend();
    for n in 1..=55 {
        let document = read(&router, &format!("/customers/DE--{n}/addresses")).await;
        let addresses = document["data"].as_array().unwrap();
        assert_eq!(addresses.len(), n % 4, "DE--{n}");
        assert_eq!(document["meta"]["records_total"], n % 4, "DE--{n}");
        for address in addresses {
            assert_eq!(address["type"], "customers-addresses");
            assert_eq!(
                address["attributes"]["customerReference"],
                format!("DE--{n}")
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Customers (SPEC §11.3)

#[tokio::test]
async fn customers_round_trip_through_sqlite() {
    let router = shop().await.backend();

    // Create.
    let answer = send(
        &router,
        Method::POST,
        "/customers",
        &customer(
            None,
            &customer_attributes(
                "jane.doe@example.com",
                &json!({"password": "correct horse", "dateOfBirth": "1990-05-17", "creditLimit": 1200.5}),
            ),
        ),
    )
    .await;
    let created = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(created["data"]["id"], "DE--56");
    assert_eq!(
        answer.header("location"),
        Some("http://shop.test/customers/DE--56")
    );
    assert_eq!(
        created["data"]["links"]["self"],
        "http://shop.test/customers/DE--56"
    );
    let attributes = &created["data"]["attributes"];
    assert_eq!(attributes["idCustomer"], 56);
    assert_eq!(attributes["email"], "jane.doe@example.com");
    assert_eq!(attributes["firstName"], "Jane");
    assert_eq!(attributes["lastName"], "Doe");
    assert_eq!(attributes["dateOfBirth"], "1990-05-17");
    assert_eq!(attributes["creditLimit"], 1200.5);
    assert_eq!(attributes["status"], "active");
    assert_eq!(attributes["isActive"], true);
    assert!(attributes["createdAt"].is_string());
    assert_eq!(
        attribute_names(&created["data"]),
        [
            "createdAt",
            "creditLimit",
            "dateOfBirth",
            "email",
            "firstName",
            "idCustomer",
            "isActive",
            "lastName",
            "status"
        ]
    );

    // Read.
    let stored = read(&router, "/customers/DE--56").await;
    assert_eq!(stored["data"], created["data"]);
    assert_eq!(
        read(&router, "/customers").await["meta"]["records_total"],
        56
    );

    // Patch.
    let answer = send(
        &router,
        Method::PATCH,
        "/customers/DE--56",
        &customer(
            Some("DE--56"),
            &json!({"lastName": "Roe", "status": "pending"}),
        ),
    )
    .await;
    let patched = jsonapi_document(&answer, StatusCode::OK);
    let mut expected = created["data"].clone();
    expected["attributes"]["lastName"] = json!("Roe");
    expected["attributes"]["status"] = json!("pending");
    assert_eq!(patched["data"], expected);
    assert_eq!(read(&router, "/customers/DE--56").await["data"], expected);

    // Put.
    let answer = send(
        &router,
        Method::PUT,
        "/customers/DE--56",
        &customer(
            Some("DE--56"),
            &json!({"email": "jane.roe@example.com", "firstName": "Janet", "lastName": "Roe", "isActive": false}),
        ),
    )
    .await;
    let replaced = jsonapi_document(&answer, StatusCode::OK);
    let attributes = &replaced["data"]["attributes"];
    assert_eq!(attributes["email"], "jane.roe@example.com");
    assert_eq!(attributes["firstName"], "Janet");
    assert_eq!(attributes["isActive"], false);
    assert_eq!(attributes["status"], "active");
    assert_eq!(attributes["dateOfBirth"], Value::Null);
    assert_eq!(attributes["creditLimit"], 0.0);
    assert_eq!(attributes["idCustomer"], 56);
    assert_eq!(
        attributes["createdAt"],
        created["data"]["attributes"]["createdAt"]
    );
    assert_eq!(
        read(&router, "/customers/DE--56").await["data"],
        replaced["data"]
    );

    // Delete.
    let answer = call(Method::DELETE, "/customers/DE--56")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.body.is_empty());
    gone(&router, "/customers/DE--56").await;
    assert_eq!(
        read(&router, "/customers").await["meta"]["records_total"],
        55
    );
}

#[tokio::test]
async fn the_password_is_accepted_but_never_in_any_response() {
    let router = shop().await.backend();
    let password = "Sup3rSecretPassw0rd";
    let answer = send(
        &router,
        Method::POST,
        "/customers",
        &customer(
            None,
            &customer_attributes("secretive@example.com", &json!({"password": password})),
        ),
    )
    .await;
    let created = jsonapi_document(&answer, StatusCode::CREATED);
    let reference = created["data"]["id"].as_str().unwrap().to_owned();
    let mut answers = vec![answer];
    answers.push(
        send(
            &router,
            Method::PATCH,
            &format!("/customers/{reference}"),
            &customer(Some(&reference), &json!({"password": "An0therSecretOne"})),
        )
        .await,
    );
    answers.push(get(&format!("/customers/{reference}")).send(&router).await);
    answers.push(get("/customers?pagination=false").send(&router).await);
    answers.push(
        get(&format!("/customers/{reference}"))
            .accept("application/json")
            .send(&router)
            .await,
    );
    answers.push(
        get("/customers?pagination=false")
            .accept("application/json")
            .send(&router)
            .await,
    );
    answers.push(get("/customers/DE--1").send(&router).await);
    for answer in &answers {
        assert!(answer.status.is_success(), "{}", answer.text());
        let text = answer.text();
        for forbidden in [password, "An0therSecretOne", "password", "argon2"] {
            assert!(!text.contains(forbidden), "{forbidden} in {text}");
        }
    }
}

#[tokio::test]
async fn a_password_shorter_than_8_characters_is_422() {
    let router = shop().await.backend();
    let answer = send(
        &router,
        Method::POST,
        "/customers",
        &customer(
            None,
            &customer_attributes("short@example.com", &json!({"password": "1234567"})),
        ),
    )
    .await;
    assert_eq!(invalid(&answer), at(&["password"]));
    assert!(!answer.text().contains("1234567"), "{}", answer.text());

    let answer = send(
        &router,
        Method::PATCH,
        "/customers/DE--1",
        &customer(Some("DE--1"), &json!({"password": "short"})),
    )
    .await;
    assert_eq!(invalid(&answer), at(&["password"]));

    let answer = send(
        &router,
        Method::POST,
        "/customers",
        &customer(
            None,
            &customer_attributes("long-enough@example.com", &json!({"password": "12345678"})),
        ),
    )
    .await;
    jsonapi_document(&answer, StatusCode::CREATED);
}

#[tokio::test]
async fn an_email_in_use_is_422_case_insensitively_never_500() {
    let router = shop().await.backend();
    for email in [
        "customer1@example.com",
        "CUSTOMER1@example.com",
        "Customer1@Example.COM",
    ] {
        let answer = send(
            &router,
            Method::POST,
            "/customers",
            &customer(None, &customer_attributes(email, &json!({}))),
        )
        .await;
        assert_eq!(invalid(&answer), at(&["email"]), "{email}");
    }
    assert_eq!(
        read(&router, "/customers").await["meta"]["records_total"],
        55
    );
}

#[tokio::test]
async fn changing_the_email_to_another_customers_is_422_never_500() {
    let router = shop().await.backend();
    let before = read(&router, "/customers/DE--2").await;
    let answer = send(
        &router,
        Method::PATCH,
        "/customers/DE--2",
        &customer(Some("DE--2"), &json!({"email": "CUSTOMER1@example.com"})),
    )
    .await;
    assert_eq!(invalid(&answer), at(&["email"]));
    let answer = send(
        &router,
        Method::PUT,
        "/customers/DE--2",
        &customer(
            Some("DE--2"),
            &customer_attributes("customer1@example.com", &json!({})),
        ),
    )
    .await;
    assert_eq!(invalid(&answer), at(&["email"]));
    assert_eq!(read(&router, "/customers/DE--2").await, before);

    // A customer keeps its own address, in any case.
    let answer = send(
        &router,
        Method::PATCH,
        "/customers/DE--2",
        &customer(Some("DE--2"), &json!({"email": "CUSTOMER2@example.com"})),
    )
    .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        document["data"]["attributes"]["email"],
        "CUSTOMER2@example.com"
    );
    let answer = send(
        &router,
        Method::PUT,
        "/customers/DE--2",
        &customer(
            Some("DE--2"),
            &customer_attributes("customer2@example.com", &json!({})),
        ),
    )
    .await;
    jsonapi_document(&answer, StatusCode::OK);
}

#[tokio::test]
async fn an_email_in_use_is_reported_with_the_other_validation_errors() {
    let router = shop().await.backend();
    let answer = send(
        &router,
        Method::POST,
        "/customers",
        &customer(
            None,
            &json!({"email": "customer1@example.com", "firstName": "", "lastName": "Doe"}),
        ),
    )
    .await;
    assert_eq!(invalid(&answer), at(&["email", "firstName"]));
}

#[tokio::test]
async fn an_invalid_email_is_422() {
    let router = shop().await.backend();
    for email in ["not-an-email", "a@", "@example.com", ""] {
        let answer = send(
            &router,
            Method::POST,
            "/customers",
            &customer(None, &customer_attributes(email, &json!({}))),
        )
        .await;
        assert_eq!(invalid(&answer), at(&["email"]), "{email:?}");
    }
}

#[tokio::test]
async fn countries_and_currencies_come_from_their_code_lists() {
    let shop = shop().await;
    let router = shop.backend();
    for country in ["XX", "de", "DEU", ""] {
        let mut attributes = berlin();
        attributes["country"] = json!(country);
        let answer = send(
            &router,
            Method::POST,
            "/customers/DE--1/addresses",
            &address(None, &attributes),
        )
        .await;
        assert_eq!(invalid(&answer), at(&["country"]), "{country:?}");
        let detail = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY)[0]["detail"].clone();
        assert_eq!(
            detail,
            "country: must be one of the 249 allowed values (AD, AE, AF, AG, AI, AL, ...)"
        );
    }
    let mut attributes = berlin();
    attributes["country"] = json!("AT");
    let answer = send(
        &router,
        Method::POST,
        "/customers/DE--1/addresses",
        &address(None, &attributes),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());

    let answer = send(
        &router,
        Method::PATCH,
        "/products/SKU-0001",
        &product("SKU-0001", &json!({"currency": "EURO"})),
    )
    .await;
    assert_eq!(invalid(&answer), at(&["currency"]));
    let answer = send(
        &router,
        Method::PATCH,
        "/products/SKU-0001",
        &product("SKU-0001", &json!({"currency": "CHF"})),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());

    // The document lists the codes, so that clients (and fuzzers) know them.
    let document = get("/openapi.json").send(&router).await.json();
    let post = &document["paths"]["/customers/{customerReference}/addresses"]["post"];
    let countries =
        post["requestBody"]["content"]["application/vnd.api+json"]["schema"]["properties"]["data"]
            ["properties"]["attributes"]["properties"]["country"]["enum"]
            .as_array()
            .cloned();
    let countries = countries.expect("an address schema with the country codes");
    assert_eq!(countries.len(), 249);
    assert!(countries.contains(&json!("DE")));
}

#[tokio::test]
async fn names_are_1_to_100_characters() {
    let router = shop().await.backend();
    for (n, name) in [String::new(), "x".repeat(101)].into_iter().enumerate() {
        let answer = send(
            &router,
            Method::POST,
            "/customers",
            &customer(
                None,
                &json!({"email": format!("names{n}@example.com"), "firstName": name, "lastName": name}),
            ),
        )
        .await;
        assert_eq!(invalid(&answer), at(&["firstName", "lastName"]), "{n}");
        let answer = send(
            &router,
            Method::PATCH,
            "/customers/DE--1",
            &customer(Some("DE--1"), &json!({"firstName": name, "lastName": name})),
        )
        .await;
        assert_eq!(invalid(&answer), at(&["firstName", "lastName"]), "{n}");
    }
    for (n, name) in ["x".to_owned(), "y".repeat(100)].into_iter().enumerate() {
        let answer = send(
            &router,
            Method::POST,
            "/customers",
            &customer(
                None,
                &json!({"email": format!("fine{n}@example.com"), "firstName": name, "lastName": name}),
            ),
        )
        .await;
        let document = jsonapi_document(&answer, StatusCode::CREATED);
        assert_eq!(document["data"]["attributes"]["firstName"], name.as_str());
    }
}

#[tokio::test]
async fn status_is_one_of_active_inactive_pending() {
    let router = shop().await.backend();
    for status in ["deleted", "Active", ""] {
        let answer = send(
            &router,
            Method::PATCH,
            "/customers/DE--1",
            &customer(Some("DE--1"), &json!({"status": status})),
        )
        .await;
        assert_eq!(invalid(&answer), at(&["status"]), "{status:?}");
    }
    for status in ["active", "inactive", "pending"] {
        let answer = send(
            &router,
            Method::PATCH,
            "/customers/DE--1",
            &customer(Some("DE--1"), &json!({"status": status})),
        )
        .await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(document["data"]["attributes"]["status"], status);
    }
}

#[tokio::test]
async fn the_credit_limit_is_not_negative() {
    let router = shop().await.backend();
    for limit in [json!(-1), json!(-0.01)] {
        let answer = send(
            &router,
            Method::PATCH,
            "/customers/DE--1",
            &customer(Some("DE--1"), &json!({"creditLimit": limit})),
        )
        .await;
        assert_eq!(invalid(&answer), at(&["creditLimit"]), "{limit}");
    }
    let answer = send(
        &router,
        Method::PATCH,
        "/customers/DE--1",
        &customer(Some("DE--1"), &json!({"creditLimit": "lots"})),
    )
    .await;
    assert_eq!(invalid(&answer), at(&["creditLimit"]));
    for limit in [json!(0), json!(99.5)] {
        let answer = send(
            &router,
            Method::PATCH,
            "/customers/DE--1",
            &customer(Some("DE--1"), &json!({"creditLimit": limit})),
        )
        .await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(
            document["data"]["attributes"]["creditLimit"].as_f64(),
            limit.as_f64()
        );
    }
}

#[tokio::test]
async fn the_date_of_birth_is_a_date() {
    let router = shop().await.backend();
    for date in ["1990-02-30", "17.05.1990", "1990-05-17T00:00:00+00:00"] {
        let answer = send(
            &router,
            Method::PATCH,
            "/customers/DE--1",
            &customer(Some("DE--1"), &json!({"dateOfBirth": date})),
        )
        .await;
        assert_eq!(invalid(&answer), at(&["dateOfBirth"]), "{date}");
    }
    let answer = send(
        &router,
        Method::PATCH,
        "/customers/DE--1",
        &customer(Some("DE--1"), &json!({"dateOfBirth": "2000-02-29"})),
    )
    .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["dateOfBirth"], "2000-02-29");
}

#[tokio::test]
async fn customer_references_and_ids_are_assigned_by_the_shop() {
    let router = shop().await.backend();
    let answer = send(
        &router,
        Method::POST,
        "/customers",
        &customer(
            None,
            &customer_attributes(
                "assigned@example.com",
                &json!({"customerReference": "DE--1", "idCustomer": 1, "createdAt": "2000-01-01T00:00:00+00:00"}),
            ),
        ),
    )
    .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["id"], "DE--56");
    assert_eq!(document["data"]["attributes"]["idCustomer"], 56);
    assert_ne!(
        document["data"]["attributes"]["createdAt"],
        "2000-01-01T00:00:00+00:00"
    );
    // DE--1 is untouched.
    let first = read(&router, "/customers/DE--1").await;
    assert_eq!(
        first["data"]["attributes"]["email"],
        "customer1@example.com"
    );

    // A client-chosen reference is refused.
    let answer = send(
        &router,
        Method::POST,
        "/customers",
        &json!({"data": {"type": "customers", "id": "DE--500",
            "attributes": customer_attributes("chosen@example.com", &json!({}))}}),
    )
    .await;
    jsonapi_errors(&answer, StatusCode::FORBIDDEN);
    gone(&router, "/customers/DE--500").await;
}

// ---------------------------------------------------------------------------------------------
// Addresses (SPEC §11.3, sub-resource of customers)

#[tokio::test]
async fn addresses_round_trip_under_their_customer() {
    let router = shop().await.backend();
    // DE--4 has no address, DE--5 has one.
    assert_eq!(
        ids(&read(&router, "/customers/DE--4/addresses").await).len(),
        0
    );
    let others = ids(&read(&router, "/customers/DE--5/addresses").await);
    assert_eq!(others.len(), 1);

    // Create, with a reference in the body that the URL overrides.
    let mut attributes = berlin();
    attributes["customerReference"] = json!("DE--5");
    attributes["address2"] = json!("Hinterhaus");
    let answer = send(
        &router,
        Method::POST,
        "/customers/DE--4/addresses",
        &address(None, &attributes),
    )
    .await;
    let created = jsonapi_document(&answer, StatusCode::CREATED);
    let uuid = created["data"]["id"].as_str().unwrap().to_owned();
    let url = format!("http://shop.test/customers/DE--4/addresses/{uuid}");
    assert_eq!(answer.header("location"), Some(url.as_str()));
    assert_eq!(created["data"]["type"], "customers-addresses");
    assert_eq!(created["data"]["links"]["self"], url.as_str());
    assert_eq!(
        created["data"]["attributes"],
        json!({
            "customerReference": "DE--4",
            "address1": "Julie-Wolfthorn-Straße 1",
            "address2": "Hinterhaus",
            "zipCode": "10115",
            "city": "Berlin",
            "country": "DE",
            "isDefault": false,
        })
    );

    // The shop assigns the uuid: a client-generated one is refused.
    let answer = send(
        &router,
        Method::POST,
        "/customers/DE--4/addresses",
        &address(Some("00000000-0000-4000-8000-999999999999"), &berlin()),
    )
    .await;
    jsonapi_errors(&answer, StatusCode::FORBIDDEN);

    // It appears under its customer, not under another.
    assert_eq!(
        ids(&read(&router, "/customers/DE--4/addresses").await),
        [uuid.as_str()]
    );
    assert_eq!(
        ids(&read(&router, "/customers/DE--5/addresses").await),
        others
    );
    let path = format!("/customers/DE--4/addresses/{uuid}");
    assert_eq!(read(&router, &path).await["data"], created["data"]);
    gone(&router, &format!("/customers/DE--5/addresses/{uuid}")).await;

    // Patch.
    let answer = send(
        &router,
        Method::PATCH,
        &path,
        &address(Some(&uuid), &json!({"city": "Potsdam", "isDefault": true})),
    )
    .await;
    let patched = jsonapi_document(&answer, StatusCode::OK);
    let mut expected = created["data"].clone();
    expected["attributes"]["city"] = json!("Potsdam");
    expected["attributes"]["isDefault"] = json!(true);
    assert_eq!(patched["data"], expected);

    // Put: absent writable fields reset.
    let answer = send(
        &router,
        Method::PUT,
        &path,
        &address(
            Some(&uuid),
            &json!({"address1": "Ring 2", "zipCode": "1010", "city": "Wien", "country": "AT"}),
        ),
    )
    .await;
    let replaced = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        replaced["data"]["attributes"],
        json!({
            "customerReference": "DE--4",
            "address1": "Ring 2",
            "address2": null,
            "zipCode": "1010",
            "city": "Wien",
            "country": "AT",
            "isDefault": false,
        })
    );
    assert_eq!(read(&router, &path).await["data"], replaced["data"]);

    // Another customer cannot change or delete it.
    let elsewhere = format!("/customers/DE--5/addresses/{uuid}");
    let answer = send(
        &router,
        Method::PATCH,
        &elsewhere,
        &address(Some(&uuid), &json!({"city": "Hijacked"})),
    )
    .await;
    jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    let answer = call(Method::DELETE, &elsewhere).send(&router).await;
    jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    assert_eq!(
        read(&router, &path).await["data"]["attributes"]["city"],
        "Wien"
    );

    // Delete.
    let answer = call(Method::DELETE, &path).send(&router).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.body.is_empty());
    gone(&router, &path).await;
    assert_eq!(
        ids(&read(&router, "/customers/DE--4/addresses").await).len(),
        0
    );
    assert_eq!(
        ids(&read(&router, "/customers/DE--5/addresses").await),
        others
    );
}

#[tokio::test]
async fn an_address_country_is_an_iso_alpha_2_code() {
    let router = shop().await.backend();
    for country in ["XX", "de", "DEU", "Germany", ""] {
        let mut attributes = berlin();
        attributes["country"] = json!(country);
        let answer = send(
            &router,
            Method::POST,
            "/customers/DE--1/addresses",
            &address(None, &attributes),
        )
        .await;
        assert_eq!(invalid(&answer), at(&["country"]), "{country:?}");
    }
    let existing = "/customers/DE--1/addresses/00000000-0000-4000-8000-000001000000";
    let answer = send(
        &router,
        Method::PATCH,
        existing,
        &address(
            Some("00000000-0000-4000-8000-000001000000"),
            &json!({"country": "ZZ"}),
        ),
    )
    .await;
    assert_eq!(invalid(&answer), at(&["country"]));
    assert_eq!(
        ids(&read(&router, "/customers/DE--1/addresses").await).len(),
        1
    );

    let mut attributes = berlin();
    attributes["country"] = json!("CH");
    let answer = send(
        &router,
        Method::POST,
        "/customers/DE--1/addresses",
        &address(None, &attributes),
    )
    .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["attributes"]["country"], "CH");
}

#[tokio::test]
async fn an_address_needs_address1_zip_code_city_and_country() {
    let router = shop().await.backend();
    let answer = send(
        &router,
        Method::POST,
        "/customers/DE--1/addresses",
        &address(None, &json!({"address2": "only this"})),
    )
    .await;
    assert_eq!(
        invalid(&answer),
        at(&["address1", "zipCode", "city", "country"])
    );
    assert_eq!(
        ids(&read(&router, "/customers/DE--1/addresses").await).len(),
        1
    );
}

#[tokio::test]
async fn addresses_of_a_missing_customer_are_404() {
    let router = shop().await.backend();
    let answer = send(
        &router,
        Method::POST,
        "/customers/DE--999/addresses",
        &address(None, &berlin()),
    )
    .await;
    let errors = jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    assert_eq!(errors[0]["detail"], "Customer DE--999 not found.");

    let uuid = "00000000-0000-4000-8000-000001000000";
    let path = format!("/customers/DE--999/addresses/{uuid}");
    for method in [Method::PUT, Method::PATCH] {
        let answer = send(
            &router,
            method.clone(),
            &path,
            &address(Some(uuid), &berlin()),
        )
        .await;
        jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    }
    let answer = call(Method::DELETE, &path).send(&router).await;
    jsonapi_errors(&answer, StatusCode::NOT_FOUND);
    gone(&router, &path).await;
    gone(&router, "/customers/DE--999/addresses").await;
}

#[tokio::test]
async fn deleting_a_customer_takes_its_addresses_along() {
    let router = shop().await.backend();
    assert_eq!(
        ids(&read(&router, "/customers/DE--3/addresses").await).len(),
        3
    );
    let answer = call(Method::DELETE, "/customers/DE--3").send(&router).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    gone(&router, "/customers/DE--3/addresses").await;
    gone(
        &router,
        "/customers/DE--3/addresses/00000000-0000-4000-8000-000003000000",
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Products on the backend (SPEC §11.3)

#[tokio::test]
async fn products_round_trip_with_the_sku_as_id() {
    let shop = shop().await;
    let router = shop.backend();
    let storefront = shop.storefront();

    let answer = send(
        &router,
        Method::POST,
        "/products",
        &product(
            "SKU-9000",
            &json!({"name": "Oak Chair", "description": "Sturdy.", "price": 4999, "currency": "CHF", "stock": 7}),
        ),
    )
    .await;
    let created = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(
        answer.header("location"),
        Some("http://shop.test/products/SKU-9000")
    );
    assert_eq!(created["data"]["id"], "SKU-9000");
    assert_eq!(created["data"]["type"], "products");
    let attributes = &created["data"]["attributes"];
    assert_eq!(attributes["name"], "Oak Chair");
    assert_eq!(attributes["price"], 4999);
    assert_eq!(attributes["currency"], "CHF");
    assert_eq!(attributes["stock"], 7);
    assert_eq!(attributes["isActive"], true);
    assert!(attributes["createdAt"].is_string());
    assert!(!attribute_names(&created["data"]).contains(&"sku".to_owned()));
    assert_eq!(
        read(&router, "/products/SKU-9000").await["data"],
        created["data"]
    );
    // Active: the storefront shows it.
    read(&storefront, "/products/SKU-9000").await;

    // The sku may come as an attribute instead of the id.
    let answer = send(
        &router,
        Method::POST,
        "/products",
        &json!({"data": {"type": "products", "attributes": {"sku": "SKU-9001", "name": "Stool"}}}),
    )
    .await;
    let document = jsonapi_document(&answer, StatusCode::CREATED);
    assert_eq!(document["data"]["id"], "SKU-9001");

    // Patch.
    let answer = send(
        &router,
        Method::PATCH,
        "/products/SKU-9000",
        &product("SKU-9000", &json!({"price": 3999, "isActive": false})),
    )
    .await;
    let patched = jsonapi_document(&answer, StatusCode::OK);
    let mut expected = created["data"].clone();
    expected["attributes"]["price"] = json!(3999);
    expected["attributes"]["isActive"] = json!(false);
    assert_eq!(patched["data"], expected);
    // Inactive now: gone from the storefront.
    gone(&storefront, "/products/SKU-9000").await;

    // Put.
    let answer = send(
        &router,
        Method::PUT,
        "/products/SKU-9000",
        &product("SKU-9000", &json!({"name": "Walnut Chair"})),
    )
    .await;
    let replaced = jsonapi_document(&answer, StatusCode::OK);
    let attributes = &replaced["data"]["attributes"];
    assert_eq!(attributes["name"], "Walnut Chair");
    assert_eq!(attributes["description"], Value::Null);
    assert_eq!(attributes["price"], 0);
    assert_eq!(attributes["currency"], "EUR");
    assert_eq!(attributes["stock"], 0);
    assert_eq!(attributes["isActive"], true);
    assert_eq!(
        attributes["createdAt"],
        created["data"]["attributes"]["createdAt"]
    );
    read(&storefront, "/products/SKU-9000").await;

    // Delete.
    let answer = call(Method::DELETE, "/products/SKU-9000")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.body.is_empty());
    gone(&router, "/products/SKU-9000").await;
    gone(&storefront, "/products/SKU-9000").await;
}

#[tokio::test]
async fn a_duplicate_sku_is_409_never_500() {
    let router = shop().await.backend();
    let before = read(&router, "/products/SKU-0001").await;
    let answer = send(
        &router,
        Method::POST,
        "/products",
        &product("SKU-0001", &json!({"name": "Copy", "price": 1})),
    )
    .await;
    let errors = jsonapi_errors(&answer, StatusCode::CONFLICT);
    assert_eq!(errors[0]["status"], "409");
    assert_eq!(errors[0]["source"]["pointer"], "/data/id");

    let answer = send(
        &router,
        Method::POST,
        "/products",
        &json!({"data": {"type": "products", "attributes": {"sku": "SKU-0002", "name": "Copy"}}}),
    )
    .await;
    jsonapi_errors(&answer, StatusCode::CONFLICT);

    assert_eq!(read(&router, "/products/SKU-0001").await, before);
    assert_eq!(
        read(&router, "/products").await["meta"]["records_total"],
        200
    );
}

#[tokio::test]
async fn a_product_cannot_change_its_sku() {
    let router = shop().await.backend();
    let answer = send(
        &router,
        Method::PATCH,
        "/products/SKU-0001",
        &product("SKU-0002", &json!({"name": "Renamed"})),
    )
    .await;
    jsonapi_errors(&answer, StatusCode::CONFLICT);
    let answer = send(
        &router,
        Method::PATCH,
        "/products/SKU-0001",
        &product("SKU-0001", &json!({"sku": "SKU-0999"})),
    )
    .await;
    jsonapi_errors(&answer, StatusCode::CONFLICT);
    gone(&router, "/products/SKU-0999").await;
    assert_eq!(
        read(&router, "/products/SKU-0001").await["data"]["attributes"]["name"],
        "Nussbaum Tisch"
    );
}

#[tokio::test]
async fn price_and_stock_are_not_negative_and_the_currency_is_iso_4217() {
    let router = shop().await.backend();
    let answer = send(
        &router,
        Method::POST,
        "/products",
        &product(
            "SKU-BAD",
            &json!({"name": "Bad", "price": -1, "stock": -5, "currency": "EURO"}),
        ),
    )
    .await;
    assert_eq!(invalid(&answer), at(&["price", "currency", "stock"]));
    gone(&router, "/products/SKU-BAD").await;

    for currency in ["eur", "XXX", "", "€"] {
        let answer = send(
            &router,
            Method::PATCH,
            "/products/SKU-0001",
            &product("SKU-0001", &json!({"currency": currency})),
        )
        .await;
        assert_eq!(invalid(&answer), at(&["currency"]), "{currency:?}");
    }
    let answer = send(
        &router,
        Method::PATCH,
        "/products/SKU-0001",
        &product("SKU-0001", &json!({"price": 12.5})),
    )
    .await;
    assert_eq!(invalid(&answer), at(&["price"]));

    let answer = send(
        &router,
        Method::PATCH,
        "/products/SKU-0001",
        &product(
            "SKU-0001",
            &json!({"price": 0, "stock": 0, "currency": "JPY"}),
        ),
    )
    .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["currency"], "JPY");
    assert_eq!(document["data"]["attributes"]["price"], 0);
}

#[tokio::test]
async fn a_product_needs_a_sku_and_a_name() {
    let router = shop().await.backend();
    let answer = send(
        &router,
        Method::POST,
        "/products",
        &json!({"data": {"type": "products", "attributes": {"price": 100}}}),
    )
    .await;
    let errors = jsonapi_errors(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    let found: BTreeSet<String> = pointers(&errors).into_iter().collect();
    assert!(found.contains("/data/attributes/name"), "{found:?}");
    assert!(
        found.contains("/data/attributes/sku") || found.contains("/data/id"),
        "{found:?}"
    );
    assert_eq!(
        read(&router, "/products").await["meta"]["records_total"],
        200
    );
}

// ---------------------------------------------------------------------------------------------
// The storefront (SPEC §11.4)

#[tokio::test]
async fn the_storefront_shows_only_active_products() {
    let shop = shop().await;
    let storefront = shop.storefront();
    let backend = shop.backend();
    gone(&storefront, "/products/SKU-0007").await;
    gone(&storefront, "/products/SKU-0014").await;
    let inactive = read(&backend, "/products/SKU-0007").await;
    assert_eq!(inactive["data"]["attributes"]["isActive"], false);

    let document = read(&storefront, "/products/SKU-0008").await;
    assert_eq!(document["data"]["type"], "products");
    assert_eq!(document["data"]["id"], "SKU-0008");
    assert_eq!(
        document["data"]["links"]["self"],
        "http://shop.test/products/SKU-0008"
    );

    let document = read(&storefront, "/products?page[limit]=100&page[offset]=100").await;
    assert_eq!(document["meta"]["records_total"], 172);
    let everything: Vec<String> = {
        let mut all = ids(&read(&storefront, "/products?page[limit]=100").await);
        all.extend(ids(&document));
        all
    };
    let expected: Vec<String> = (1..=200)
        .filter(|n| n % 7 != 0)
        .map(|n| format!("SKU-{n:04}"))
        .collect();
    assert_eq!(everything, expected);
}

#[tokio::test]
async fn storefront_products_show_only_the_public_fields() {
    let router = shop().await.storefront();
    let document = read(&router, "/products/SKU-0001").await;
    assert_eq!(
        document["data"]["attributes"],
        json!({"name": "Nussbaum Tisch", "description": "Demoprodukt Nummer 1.", "price": 1099, "currency": "EUR"})
    );
    let document = read(&router, "/products").await;
    for resource in document["data"].as_array().unwrap() {
        assert_eq!(
            attribute_names(resource),
            ["currency", "description", "name", "price"]
        );
    }
}

#[tokio::test]
async fn storefront_products_are_12_per_page_with_offset_links() {
    let router = shop().await.storefront();
    let document = read(&router, "/products?page[offset]=12").await;
    assert_eq!(document["data"].as_array().map(Vec::len), Some(12));
    assert_eq!(ids(&document)[0], "SKU-0015");
    assert_eq!(
        document["links"]["prev"],
        "http://shop.test/products?page%5Boffset%5D=0&page%5Blimit%5D=12"
    );
    assert_eq!(
        document["links"]["next"],
        "http://shop.test/products?page%5Boffset%5D=24&page%5Blimit%5D=12"
    );
    assert_eq!(
        document["meta"],
        json!({"page": 2, "pages": 15, "records": 12, "records_per_page": 12, "records_total": 172})
    );
}

#[tokio::test]
async fn the_storefront_is_read_only() {
    let router = shop().await.storefront();
    let answer = send(
        &router,
        Method::POST,
        "/products",
        &json!({"data": {"type": "products", "id": "SKU-9999", "attributes": {"name": "Sneaky"}}}),
    )
    .await;
    let errors = jsonapi_errors(&answer, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(errors[0]["status"], "405");
    assert_eq!(allowed(&answer), ["GET"]);

    for method in [Method::PUT, Method::PATCH] {
        let answer = send(
            &router,
            method.clone(),
            "/products/SKU-0001",
            &product("SKU-0001", &json!({"name": "Sneaky"})),
        )
        .await;
        jsonapi_errors(&answer, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(allowed(&answer), ["GET"], "{method}");
    }
    let answer = call(Method::DELETE, "/products/SKU-0001")
        .send(&router)
        .await;
    jsonapi_errors(&answer, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(allowed(&answer), ["GET"]);

    gone(&router, "/products/SKU-9999").await;
    assert_eq!(
        read(&router, "/products/SKU-0001").await["data"]["attributes"]["name"],
        "Nussbaum Tisch"
    );
}

#[tokio::test]
async fn the_storefront_does_not_serve_backend_resources() {
    let router = shop().await.storefront();
    // The storefront serves a customer's own account and addresses, never the collection.
    gone(&router, "/customers").await;
    gone(&router, "/api-keys").await;
    gone(&router, "/token").await;
}

// ---------------------------------------------------------------------------------------------
// Conventions of the backend (SPEC §11.3)

#[tokio::test]
async fn the_backend_speaks_json_api_by_default_and_plain_json_on_request() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--1").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["id"], "DE--1");
    assert!(
        document["data"]["attributes"]
            .get("customerReference")
            .is_none()
    );

    let answer = get("/customers/DE--1")
        .accept("application/json")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = answer.json();
    assert_eq!(body["data"]["customerReference"], "DE--1");
    assert_eq!(body["data"]["email"], "customer1@example.com");
    assert!(body["data"].get("password").is_none());
    assert!(body.get("jsonapi").is_none());

    // Errors follow the convention too.
    let answer = get("/customers/DE--99")
        .accept("application/json")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(
        answer.json(),
        json!({"code": 404, "message": "Customer DE--99 not found."})
    );

    let answer = call(Method::POST, "/customers")
        .plain(
            &json!({"data": {"email": "CUSTOMER1@example.com", "firstName": "A", "lastName": "B"}}),
        )
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer.json(),
        json!({"code": 422, "message": "Validation errors.", "errors": {"email": ["is already in use"]}})
    );

    let answer = call(Method::POST, "/customers")
        .plain(&json!({"data": {"email": "plain@example.com", "firstName": "A", "lastName": "B", "password": "long enough"}}))
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    assert_eq!(
        answer.header("location"),
        Some("http://shop.test/customers/DE--56")
    );
    let body = answer.json();
    assert_eq!(body["data"]["customerReference"], "DE--56");
    assert!(body["data"].get("password").is_none());
}

// ---------------------------------------------------------------------------------------------
// Languages (SPEC §2.5): product text in de_DE (the default) and en_US

/// `GET uri` in a language.
async fn read_in(router: &glue_core::Router, uri: &str, language: &str) -> (Value, String) {
    let answer = get(uri)
        .header("accept-language", language)
        .send(router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let locale = answer
        .header("content-language")
        .unwrap_or_default()
        .to_owned();
    (document, locale)
}

#[tokio::test]
async fn product_names_come_in_the_negotiated_language_on_both_applications() {
    let shop = shop().await;
    for router in [shop.backend(), shop.storefront()] {
        let (document, locale) = read_in(&router, "/products/SKU-0001", "en-US, de;q=0.5").await;
        assert_eq!(locale, "en_US");
        assert_eq!(document["data"]["attributes"]["name"], "Walnut Table");
        assert_eq!(
            document["data"]["attributes"]["description"],
            "Demo product number 1."
        );
        let (document, locale) = read_in(&router, "/products/SKU-0001", "de").await;
        assert_eq!(locale, "de_DE");
        assert_eq!(document["data"]["attributes"]["name"], "Nussbaum Tisch");
        let (document, locale) = read_in(&router, "/products?page[limit]=2", "fr").await;
        assert_eq!(locale, "de_DE", "no match: the default");
        assert_eq!(document["data"][0]["attributes"]["name"], "Nussbaum Tisch");
    }
}

#[tokio::test]
async fn products_filter_and_sort_by_the_name_in_the_request_language() {
    let router = shop().await.storefront();
    // "Oak" is "Eiche": each language finds its own word, and only its own.
    let (english, _) = read_in(
        &router,
        "/products?filter[name][starts_with]=Oak&page[limit]=100",
        "en",
    )
    .await;
    let (german, _) = read_in(
        &router,
        "/products?filter[name][starts_with]=Eiche&page[limit]=100",
        "de",
    )
    .await;
    assert!(!english["data"].as_array().unwrap().is_empty());
    assert_eq!(ids(&english), ids(&german));
    let (nothing, _) = read_in(
        &router,
        "/products?filter[name][starts_with]=Oak&page[limit]=100",
        "de",
    )
    .await;
    assert!(nothing["data"].as_array().unwrap().is_empty());
    // Sorted by name, the languages order differently ("Grey" is last in English, "Grau"
    // comes before "Nussbaum" in German).
    let (english, _) = read_in(&router, "/products?sort=name&page[limit]=1", "en").await;
    let (german, _) = read_in(&router, "/products?sort=name&page[limit]=1", "de").await;
    assert_eq!(english["data"][0]["attributes"]["name"], "Black Chair");
    assert_eq!(german["data"][0]["attributes"]["name"], "Eiche Lampe");
}

#[tokio::test]
async fn a_product_is_written_in_the_request_language() {
    let router = shop().await.backend();
    let answer = call(Method::PATCH, "/products/SKU-0002")
        .header("accept-language", "en")
        .jsonapi(&product("SKU-0002", &json!({"name": "Oak Bench"})))
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["name"], "Oak Bench");
    let (german, _) = read_in(&router, "/products/SKU-0002", "de").await;
    assert_eq!(german["data"]["attributes"]["name"], "Weiß Lampe");
    // A new product has its name in both languages until translated.
    let created = call(Method::POST, "/products")
        .header("accept-language", "de")
        .jsonapi(&product("SKU-NEW", &json!({"name": "Hocker"})))
        .send(&router)
        .await;
    jsonapi_document(&created, StatusCode::CREATED);
    let (english, _) = read_in(&router, "/products/SKU-NEW", "en").await;
    assert_eq!(english["data"]["attributes"]["name"], "Hocker");
}

// ---------------------------------------------------------------------------------------------
// Stores and code buckets (SPEC §7.3, §11.3)

/// The attribute names of `stores/DE` through `router` from `host`.
async fn store_attributes(router: &glue_core::Router, host: &str) -> Vec<String> {
    let answer = get("/stores/DE").header("host", host).send(router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    attribute_names(&document["data"])
}

#[tokio::test]
async fn stores_show_the_fields_of_the_requests_code_bucket() {
    let shop = shop().await;
    let router = shop.backend();
    assert_eq!(
        store_attributes(&router, "glue-backend.example.local").await,
        ["defaultCurrency", "timezone"]
    );
    assert_eq!(
        store_attributes(&router, "glue-backend.eu.example.local").await,
        ["defaultCurrency", "gdprContactEmail", "timezone"]
    );
    assert_eq!(
        store_attributes(&router, "glue-backend.at.example.local:8081").await,
        [
            "defaultCurrency",
            "gdprContactEmail",
            "timezone",
            "uidNumber"
        ]
    );
    // A bucket without a variant falls back to the base.
    assert_eq!(
        store_attributes(&router, "glue-backend.us.example.local").await,
        ["defaultCurrency", "timezone"]
    );
    let answer = get("/stores")
        .header("host", "api.at.example.local")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), ["AT", "DE", "US"]);
    assert_eq!(
        document["data"][0]["attributes"]["uidNumber"],
        "ATU12345678"
    );
    assert_eq!(document["data"][1]["attributes"]["uidNumber"], Value::Null);
}

#[tokio::test]
async fn a_fixed_code_bucket_wins_over_the_host() {
    let shop = shop().await.map(|shop| shop.with_code_bucket("AT"));
    assert_eq!(
        store_attributes(&shop.backend(), "glue-backend.eu.example.local").await,
        [
            "defaultCurrency",
            "gdprContactEmail",
            "timezone",
            "uidNumber"
        ]
    );
}

#[tokio::test]
async fn stores_are_closed_like_the_rest_of_the_backend() {
    let shop = shop().await;
    let answer = get("/stores").send(&shop.secured_backend()).await;
    jsonapi_errors(&answer, StatusCode::UNAUTHORIZED);
}
