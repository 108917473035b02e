//! The OpenAPI documents of the shop (SPEC §10.1): what they describe, that their examples
//! fit their own schemas, and that real answers fit the documented schemas. (`.ci/run` also
//! validates both documents with openapi-spec-validator and fuzzes the running shop with
//! schemathesis.)

use glue_core::Router;
use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Answer, JSONAPI, PLAIN, call, get, shop};

/// The document a router serves, for a host.
async fn document(router: &Router, host: &str) -> Value {
    let answer = get("/openapi.json").header("host", host).send(router).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("application/json"));
    answer.json()
}

/// `{"$ref": "#/components/schemas/x"}` replaced by the component, everywhere below `value`
/// (components that refer to themselves are left as they are one level down).
fn resolve(document: &Value, value: &Value, depth: usize) -> Value {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && depth < 8
            {
                let pointer = reference.trim_start_matches('#');
                let target = document
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("{reference} resolves"));
                return resolve(document, target, depth + 1);
            }
            Value::Object(
                map.iter()
                    .map(|(key, inner)| (key.clone(), resolve(document, inner, depth)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| resolve(document, item, depth))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Panics unless `instance` fits `schema` (resolved against `document`).
fn assert_fits(document: &Value, schema: &Value, instance: &Value, what: &str) {
    let schema = resolve(document, schema, 0);
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|error| panic!("{what}: the schema compiles: {error}\n{schema:#}"));
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not fit its schema: {errors:#?}\n{instance:#}"
    );
}

/// The documented schema of an answer: the operation of `template` and `method`, the
/// response of the answer's status, the content of its media type.
fn response_schema(document: &Value, template: &str, method: &Method, answer: &Answer) -> Value {
    let operation = &document["paths"][template][method.as_str().to_ascii_lowercase()];
    assert!(operation.is_object(), "{method} {template} is documented");
    let response = &operation["responses"][answer.status.as_u16().to_string()];
    assert!(
        response.is_object(),
        "{method} {template} documents {}",
        answer.status
    );
    let media = answer
        .header("content-type")
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    response["content"][&media]["schema"].clone()
}

/// Sends a request and checks that the answer fits the document.
async fn conforms(
    document: &Value,
    router: &Router,
    template: &str,
    request: crate::common::Call,
    method: Method,
) -> Answer {
    let answer = request.send(router).await;
    let schema = response_schema(document, template, &method, &answer);
    if answer.body.is_empty() {
        assert!(schema.is_null(), "{method} {template}: no body, no schema");
    } else {
        assert_fits(
            document,
            &schema,
            &answer.json(),
            &format!("{method} {template} {}", answer.status),
        );
    }
    answer
}

#[tokio::test]
async fn both_applications_describe_every_route_and_method() {
    let shop = shop().await;
    let backend = document(&shop.backend(), "shop.test").await;
    assert_eq!(backend["openapi"], "3.1.0");
    assert_eq!(backend["servers"][0]["url"], "http://shop.test");
    let paths: Vec<&str> = backend["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/customers",
        "/customers/{customerReference}",
        "/customers/{customerReference}/addresses",
        "/customers/{customerReference}/addresses/{uuid}",
        "/products",
        "/products/{sku}",
        "/stores",
        "/stores/{name}",
        "/api-keys",
        "/token",
    ] {
        assert!(paths.contains(&path), "{path} in {paths:?}");
    }
    let customer = &backend["paths"]["/customers/{customerReference}"];
    for method in ["get", "put", "patch", "delete"] {
        assert!(customer[method].is_object(), "{method}");
    }
    let schemes = &backend["components"]["securitySchemes"];
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
    assert_eq!(schemes["apiKeyHeader"]["name"], "X-Api-Key");
    assert_eq!(schemes["apiKeyQuery"]["name"], "api_key");
    assert_eq!(
        customer["get"]["security"],
        json!([{"bearerAuth": []}, {"apiKeyHeader": []}, {"apiKeyQuery": []}])
    );

    let storefront = document(&shop.storefront(), "shop.test").await;
    let paths = storefront["paths"].as_object().unwrap();
    assert!(paths.contains_key("/access-tokens"));
    assert!(paths.contains_key("/products/{sku}"));
    assert!(
        !paths.contains_key("/token"),
        "the backend's token endpoint"
    );
    assert!(
        paths["/products"]["get"].get("security").is_none(),
        "public"
    );
}

#[tokio::test]
async fn a_collection_documents_its_query() {
    let shop = shop().await;
    let document = document(&shop.backend(), "shop.test").await;
    let parameters = document["paths"]["/customers"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let named = |name: &str| {
        parameters
            .iter()
            .find(|parameter| parameter["name"] == name)
            .unwrap_or_else(|| panic!("parameter {name}"))
    };
    let credit = named("filter[creditLimit]");
    assert_eq!(credit["style"], "deepObject");
    assert_eq!(credit["schema"]["properties"]["gt"]["type"], "number");
    assert!(
        credit["schema"]["properties"].get("contains").is_none(),
        "text only"
    );
    assert!(
        named("filter[email]")["schema"]["properties"]
            .get("contains")
            .is_some()
    );
    let password = parameters
        .iter()
        .any(|parameter| parameter["name"] == "filter[password]");
    assert!(!password, "write-only properties are no filters");
    let sort = named("sort")["schema"]["pattern"].as_str().unwrap();
    assert!(sort.contains("createdAt") && !sort.contains("password"));
    assert!(
        named("include")["schema"]["pattern"]
            .as_str()
            .unwrap()
            .contains("addresses")
    );
    // The patterns take exactly what the router takes (schemathesis checks both ways).
    let fits = |name: &str, value: &str| {
        jsonschema::validator_for(&named(name)["schema"])
            .unwrap()
            .is_valid(&json!(value))
    };
    for value in ["-createdAt", "+email,-creditLimit", "email,email"] {
        assert!(fits("sort", value), "sort={value}");
    }
    for value in ["", "-", "password", "email,", "created"] {
        assert!(!fits("sort", value), "sort={value}");
    }
    for value in ["", "addresses", "addresses,addresses"] {
        assert!(fits("include", value), "include={value}");
    }
    assert!(!fits("include", "orders"));
    for value in ["", "email", "email,firstName,addresses"] {
        assert!(fits("fields[customers]", value), "fields={value}");
    }
    for value in ["password", "email,,firstName", "-email"] {
        assert!(!fits("fields[customers]", value), "fields={value}");
    }
    for query in [
        "sort=%2Bemail,-creditLimit,email",
        "include=",
        "fields[customers]=",
        "fields[customers]=email,addresses&include=addresses",
    ] {
        let answer = get(&format!("/customers?{query}"))
            .send(&shop.backend())
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text());
    }
    // Lists of dates and instants have the shape the router reads.
    let list_fits = |name: &str, operator: &str, value: &str| {
        jsonschema::validator_for(&named(name)["schema"]["properties"][operator])
            .unwrap()
            .is_valid(&json!(value))
    };
    let instants = "2024-01-02T03:05:05+00:00,2024-01-02T03:05:05.250Z";
    assert!(list_fits("filter[createdAt]", "in", instants));
    assert!(!list_fits("filter[createdAt]", "in", "0"));
    assert!(!list_fits("filter[createdAt]", "nin", "2024-01-02"));
    assert!(list_fits(
        "filter[dateOfBirth]",
        "in",
        "1961-02-02,1990-12-31"
    ));
    assert!(!list_fits("filter[dateOfBirth]", "in", "1961-2-2"));
    for query in [
        format!("filter[createdAt][in]={}", instants.replace('+', "%2B")),
        "filter[dateOfBirth][nin]=1961-02-02,1990-12-31".to_owned(),
    ] {
        let answer = get(&format!("/customers?{query}"))
            .send(&shop.backend())
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text());
    }
    // The cursors the API gives out fit the cursor parameters.
    let first = get("/customers?page[size]=5")
        .send(&shop.backend())
        .await
        .json();
    let next = first["links"]["next"].as_str().unwrap();
    let cursor = crate::common::query_pairs(&json!(next))
        .into_iter()
        .find(|(name, _)| name == "page[after]")
        .map(|(_, value)| value)
        .unwrap();
    assert!(fits("page[after]", &cursor), "{cursor}");
    assert!(!fits("page[after]", ""));
    for form in [
        "page[offset]",
        "page[limit]",
        "page",
        "itemsPerPage",
        "page[size]",
        "page[after]",
        "page[before]",
        "Range",
        "pagination",
        "fields[customers]",
        "fields[customers-addresses]",
        "fields",
        "filter",
        "Accept-Language",
    ] {
        named(form);
    }
    assert_eq!(named("Range")["in"], "header");
    let responses = &document["paths"]["/customers"]["get"]["responses"];
    for status in ["200", "206", "400", "401", "403", "406", "416"] {
        assert!(responses[status].is_object(), "{status}");
    }
}

#[tokio::test]
async fn properties_carry_their_declared_details() {
    let shop = shop().await;
    let document = document(&shop.backend(), "shop.test").await;
    let body = &document["paths"]["/customers"]["post"]["requestBody"]["content"];
    let attributes = &body[JSONAPI]["schema"]["properties"]["data"]["properties"]["attributes"];
    assert_eq!(
        attributes["required"],
        json!(["email", "firstName", "lastName"])
    );
    // A client-chosen id carries the identifier's bounds; a server-chosen one is no member.
    assert!(
        body[JSONAPI]["schema"]["properties"]["data"]["properties"]
            .get("id")
            .is_none()
    );
    let product = &document["paths"]["/products"]["post"]["requestBody"]["content"][JSONAPI];
    let sku = &product["schema"]["properties"]["data"]["properties"]["id"];
    assert_eq!(sku["type"], "string");
    assert_eq!(
        (sku["minLength"].clone(), sku["maxLength"].clone()),
        (json!(1), json!(64))
    );
    let email = &attributes["properties"]["email"];
    assert_eq!(email["format"], "email");
    assert_eq!(email["examples"], json!(["jane@example.com"]));
    assert_eq!(email["description"], "Login and contact address; unique.");
    let status = &attributes["properties"]["status"];
    assert_eq!(status["enum"], json!(["active", "inactive", "pending"]));
    assert_eq!(status["default"], "active");
    assert_eq!(attributes["properties"]["password"]["writeOnly"], true);
    assert_eq!(attributes["properties"]["password"]["minLength"], 8);
    assert_eq!(attributes["properties"]["createdAt"]["readOnly"], true);
    assert_eq!(attributes["properties"]["firstName"]["maxLength"], 100);
    assert_eq!(
        attributes["properties"]["dateOfBirth"]["type"],
        json!(["string", "null"])
    );
    // Plain JSON bodies hold the properties themselves.
    let plain = &body[PLAIN]["schema"]["properties"]["data"];
    assert_eq!(plain["required"], json!(["email", "firstName", "lastName"]));
    // Reads never show the password; Patch requires nothing.
    let read = &document["paths"]["/customers/{customerReference}"]["get"]["responses"]["200"]["content"]
        [JSONAPI]["schema"]["properties"]["data"]["properties"]["attributes"];
    assert!(read["properties"].get("password").is_none());
    let patch = &document["paths"]["/customers/{customerReference}"]["patch"]["requestBody"]["content"]
        [JSONAPI]["schema"]["properties"]["data"]["properties"]["attributes"];
    assert!(patch.get("required").is_none());
}

/// Every schema with `examples` below `value`.
fn examples<'v>(value: &'v Value, found: &mut Vec<(&'v Value, &'v Value)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(list)) = map.get("examples") {
                for example in list {
                    found.push((value, example));
                }
            }
            for inner in map.values() {
                examples(inner, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| examples(item, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_example_fits_its_own_schema() {
    let shop = shop().await;
    for router in [shop.backend(), shop.storefront()] {
        let document = document(&router, "shop.test").await;
        let mut found = Vec::new();
        examples(&document, &mut found);
        assert!(found.len() > 20, "{} examples", found.len());
        for (schema, example) in found {
            let mut bare = schema.clone();
            if let Value::Object(map) = &mut bare {
                map.remove("examples");
            }
            assert_fits(&document, &bare, example, &format!("example {example}"));
        }
    }
}

#[tokio::test]
async fn answers_fit_the_documented_schemas() {
    let shop = shop().await;
    let backend = shop.backend();
    let document = document(&backend, "shop.test").await;
    let customers = "/customers";
    let customer = "/customers/{customerReference}";
    conforms(
        &document,
        &backend,
        customer,
        get("/customers/DE--1"),
        Method::GET,
    )
    .await;
    conforms(
        &document,
        &backend,
        customer,
        get("/customers/DE--1").accept(PLAIN),
        Method::GET,
    )
    .await;
    conforms(
        &document,
        &backend,
        customers,
        get("/customers?page[limit]=3&include=addresses&fields[customers]=email,addresses"),
        Method::GET,
    )
    .await;
    conforms(
        &document,
        &backend,
        customers,
        get("/customers?page=2&itemsPerPage=5").accept(PLAIN),
        Method::GET,
    )
    .await;
    conforms(
        &document,
        &backend,
        customers,
        get("/customers").header("range", "customers=0-4"),
        Method::GET,
    )
    .await;
    conforms(
        &document,
        &backend,
        customers,
        get("/customers?filter[creditLimit][gt]=abc"),
        Method::GET,
    )
    .await;
    conforms(
        &document,
        &backend,
        customer,
        get("/customers/DE--999"),
        Method::GET,
    )
    .await;
    let created = conforms(
        &document,
        &backend,
        customers,
        call(Method::POST, "/customers").jsonapi(&json!({"data": {"type": "customers",
            "attributes": {"email": "doc@example.com", "firstName": "Doc", "lastName": "U"}}})),
        Method::POST,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let invalid = conforms(
        &document,
        &backend,
        customers,
        call(Method::POST, "/customers").plain(&json!({"data": {"email": "bad"}})),
        Method::POST,
    )
    .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    conforms(
        &document,
        &backend,
        "/customers/{customerReference}/addresses",
        get("/customers/DE--3/addresses"),
        Method::GET,
    )
    .await;
    let denied = conforms(
        &document,
        &shop.secured_backend(),
        customers,
        get("/customers"),
        Method::GET,
    )
    .await;
    assert_eq!(denied.status, StatusCode::UNAUTHORIZED);

    let storefront = shop.storefront();
    let document = self::document(&storefront, "shop.test").await;
    conforms(
        &document,
        &storefront,
        "/products",
        get("/products?sort=-price&page[limit]=3"),
        Method::GET,
    )
    .await;
    let login = conforms(
        &document,
        &storefront,
        "/access-tokens",
        call(Method::POST, "/access-tokens").jsonapi(&json!({"data": {"type": "access-tokens",
            "attributes": {"username": "customer1@example.com", "password": "change123"}}})),
        Method::POST,
    )
    .await;
    let token = login.json()["data"]["attributes"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    conforms(
        &document,
        &storefront,
        "/customers/{customerReference}",
        get("/customers/DE--1?include=addresses")
            .header("authorization", &format!("Bearer {token}")),
        Method::GET,
    )
    .await;
}

#[tokio::test]
async fn the_document_describes_the_requests_code_bucket() {
    let shop = shop().await;
    let backend = shop.backend();
    let store_attributes = |document: &Value| -> Vec<String> {
        let mut names: Vec<String> = document["paths"]["/stores/{name}"]["get"]["responses"]
            ["200"]["content"][JSONAPI]["schema"]["properties"]["data"]["properties"]
            ["attributes"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    };
    let base = document(&backend, "glue-backend.example.local").await;
    assert_eq!(store_attributes(&base), ["defaultCurrency", "timezone"]);
    let eu = document(&backend, "glue-backend.eu.example.local").await;
    assert_eq!(
        store_attributes(&eu),
        ["defaultCurrency", "gdprContactEmail", "timezone"]
    );
    let at = document(&backend, "glue-backend.at.example.local").await;
    assert_eq!(
        store_attributes(&at),
        [
            "defaultCurrency",
            "gdprContactEmail",
            "timezone",
            "uidNumber"
        ]
    );
    assert_eq!(
        at["servers"][0]["url"],
        "http://glue-backend.at.example.local"
    );
}

#[tokio::test]
async fn both_applications_serve_the_docs_page_without_credentials() {
    let shop = shop().await;
    for (router, title) in [
        (shop.secured_backend(), "Glue demo shop: backend"),
        (shop.storefront(), "Glue demo shop: storefront"),
    ] {
        let page = get("/docs").accept("text/html").send(&router).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        let html = page.text();
        assert!(html.contains(&format!("<title>{title}</title>")), "{html}");
        assert!(html.contains("data-document=\"/openapi.json\""));
        assert!(!html.contains("://"), "nothing from another origin: {html}");
        for file in [
            "swagger-ui-bundle.js",
            "swagger-ui.css",
            "docs.js",
            "docs.css",
        ] {
            assert!(html.contains(&format!("\"/docs/{file}\"")), "{file}");
            let answer = get(&format!("/docs/{file}")).send(&router).await;
            assert_eq!(answer.status, StatusCode::OK, "{file}");
            assert!(answer.header("etag").is_some(), "{file}");
        }
        // The page is no operation of the API: the document leaves it out.
        let document = document(&router, "shop.test").await;
        let paths = document["paths"].as_object().unwrap();
        assert!(paths.keys().all(|path| !path.starts_with("/docs")));
    }
}

#[tokio::test]
async fn a_created_item_links_to_its_item_operations() {
    let shop = shop().await;
    let backend = document(&shop.backend(), "shop.test").await;
    let links = &backend["paths"]["/customers/{customerReference}/addresses"]["post"]["responses"]
        ["201"]["links"];
    let parameters = json!({
        "customerReference": "$request.path.customerReference",
        "uuid": "$response.body#/data/id",
    });
    for verb in ["get", "patch", "delete"] {
        assert_eq!(
            links[verb],
            json!({
                "operationId": format!("customers-addresses.{verb}"),
                "parameters": parameters,
            }),
            "{verb}: {links:#}"
        );
    }
}
