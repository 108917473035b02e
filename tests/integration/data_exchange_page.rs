//! What the Data Exchange configuration page stands on (SPEC §9.5, §9.7), through the shop's
//! backend on SQLite and PostgreSQL: the page and its files with a strict policy, the tables a
//! configuration may name (administrators only, protected tables and columns left out), and
//! the OpenAPI document following the configurations as they change. The page itself is
//! walked in headless Chromium by `.ci/browser/check-data-exchange.mjs`.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestShop, call, get};

async fn shops() -> Vec<TestShop> {
    let mut shops = vec![crate::common::sqlite_shop().await];
    shops.extend(crate::postgres::postgres_shop().await);
    shops
}

#[tokio::test]
async fn the_page_and_its_files_are_served_with_a_strict_policy() {
    let shop = crate::common::shop().await;
    let backend = shop.secured_backend();
    let page = get("/data-exchange")
        .accept("text/html")
        .send(&backend)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let policy = page.header("content-security-policy").unwrap_or_default();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let html = page.text();
    // Every control SPEC §9.5 names has a visible label; the assets are the application's.
    for label in [
        ">Username<",
        ">Password<",
        ">API key<",
        ">Table<",
        ">Alias<",
        ">Active<",
        ">Log in<",
        ">Save<",
        ">Try it<",
        "role=\"alert\"",
    ] {
        assert!(html.contains(label), "{label} in the page");
    }
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("<script>") && !html.contains("style="));

    let script = get("/data-exchange/app.js").send(&backend).await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    // Each column's controls are named as SPEC §9.5 names them.
    let code = script.text();
    for label in [
        "\"Expose\"",
        "\"API name\"",
        "\"Type\"",
        "\"Required\"",
        "\"Creatable\"",
        "\"Editable\"",
    ] {
        assert!(code.contains(label), "{label} in app.js");
    }
    let tag = script.header("etag").expect("an ETag").to_owned();
    let again = get("/data-exchange/app.js")
        .header("if-none-match", &tag)
        .send(&backend)
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let style = get("/data-exchange/app.css").send(&backend).await;
    assert_eq!(
        style.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    let missing = get("/data-exchange/other.js").send(&backend).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_tables_a_configuration_may_name_are_listed_for_administrators() {
    for shop in shops().await {
        let backend = shop.backend();
        let answer = get("/dynamic-entity-tables")
            .accept("application/json")
            .send(&backend)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let tables = answer.json()["data"].as_array().cloned().unwrap();
        let names: Vec<&str> = tables
            .iter()
            .map(|t| t["tableName"].as_str().unwrap())
            .collect();
        for table in ["countries", "customers", "stores", "tax_rates"] {
            assert!(names.contains(&table), "{table} in {names:?}");
        }
        for hidden in [
            "back_office_users",
            "api_keys",
            "refresh_tokens",
            "dynamic_entity_configurations",
            "_sqlx_migrations",
        ] {
            assert!(!names.contains(&hidden), "{hidden} is listed");
        }
        let table = |name: &str| {
            tables
                .iter()
                .find(|t| t["tableName"] == name)
                .cloned()
                .unwrap()
        };
        assert_eq!(table("countries")["aliases"], json!(["countries"]));
        assert_eq!(table("stores")["aliases"], json!([]));
        let customers = table("customers");
        let columns: Vec<&str> = customers["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert!(columns.contains(&"email") && !columns.contains(&"password_hash"));
        let rate = &table("tax_rates")["columns"][3];
        assert_eq!(rate["name"], "rate");
        assert_eq!(rate["nullable"], false);
        assert!(
            rate["declaredType"]
                .as_str()
                .unwrap()
                .starts_with("numeric")
        );

        let jsonapi = get("/dynamic-entity-tables").send(&backend).await;
        let first = &jsonapi.json()["data"][0];
        assert_eq!(first["type"], "dynamic-entity-tables");
        assert!(first["id"].is_string() && first["attributes"]["columns"].is_array());

        // Administrators only; a request without credentials is told how to log in.
        let secured = shop.secured_backend();
        let anonymous = get("/dynamic-entity-tables").send(&secured).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
        let token = shop.viewer_token();
        let refused = get("/dynamic-entity-tables")
            .header("authorization", &format!("Bearer {token}"))
            .send(&secured)
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let entity = get("/dynamic-entity/countries").send(&secured).await;
        assert_eq!(entity.status, StatusCode::UNAUTHORIZED);
        assert_eq!(entity.header("www-authenticate"), Some("Bearer"));
    }
}

async fn document(backend: &glue_core::Router) -> Value {
    let answer = get("/openapi.json").send(backend).await;
    assert_eq!(answer.status, StatusCode::OK);
    answer.json()
}

/// SPEC §9.7: every active entity, described from its configuration, as it is now.
#[tokio::test]
async fn the_openapi_document_follows_the_configurations() {
    for shop in shops().await {
        let backend = shop.backend();
        let doc = document(&backend).await;
        let countries = &doc["paths"]["/dynamic-entity/countries"];
        for method in ["get", "post", "patch", "put"] {
            assert!(countries[method].is_object(), "{method} on countries");
        }
        // The route allows DELETE on every entity; countries answer it 405 (not deletable).
        let delete = &countries["delete"];
        assert!(
            delete["summary"].as_str().unwrap().contains("405"),
            "{delete}"
        );
        assert!(delete["responses"]["405"].is_object());
        assert!(doc["paths"]["/dynamic-entity/tax-rates/{id}"]["delete"].is_object());
        assert!(doc["paths"]["/dynamic-entity-tables"]["get"].is_object());
        let schemas = &doc["components"]["schemas"];
        let row = &schemas["dynamic-entity.countries.Row"]["properties"];
        assert_eq!(row["iso2_code"]["maxLength"], 2);
        assert_eq!(row["id_country"]["readOnly"], true);
        assert_eq!(row["id_country"]["type"], "integer");
        let create = &schemas["dynamic-entity.countries.Create"];
        let required: Vec<&str> = create["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|name| name.as_str().unwrap())
            .collect();
        assert_eq!(required, ["iso2_code", "iso3_code", "name"]);
        assert!(create["properties"]["id_country"].is_null());
        let filters: Vec<&str> = countries["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            filters.contains(&"filter[countries.iso2_code]"),
            "{filters:?}"
        );
        assert!(countries["get"]["security"].is_array());
        assert!(doc["paths"]["/dynamic-entity/shop-stores"].is_null());

        // A new configuration is described at once; a deactivated one is gone.
        let stores = json!({"data": {"type": "dynamic-entity-configurations", "id": "shop-stores",
            "attributes": {"tableName": "stores", "isActive": true, "definition": {
                "identifier": "name", "isDeletable": true, "fields": [
                {"fieldName": "name", "fieldVisibleName": "code", "type": "string",
                 "isCreatable": true, "validation": {"isRequired": true, "maxLength": 8}},
                {"fieldName": "default_currency", "fieldVisibleName": "currency",
                 "type": "string", "isCreatable": true, "isEditable": true,
                 "validation": {"isRequired": true}},
                {"fieldName": "timezone", "fieldVisibleName": "timezone", "type": "string",
                 "isCreatable": true, "isEditable": true,
                 "validation": {"isRequired": true}}]}}}});
        let created = call(Method::POST, "/dynamic-entity-configurations")
            .jsonapi(&stores)
            .send(&backend)
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let doc = document(&backend).await;
        let item = &doc["paths"]["/dynamic-entity/shop-stores/{id}"];
        assert!(item["delete"].is_object() && item["patch"].is_object());
        let row = &doc["components"]["schemas"]["dynamic-entity.shop-stores.Row"]["properties"];
        assert_eq!(row["code"]["maxLength"], 8);
        assert!(row["name"].is_null(), "the column's API name is used");

        // A row without its identifier is refused on both databases (SQLite would store a
        // null text key), and nothing is written.
        let keyless = call(Method::POST, "/dynamic-entity/shop-stores")
            .plain(&json!({"data": [{"currency": "EUR", "timezone": "UTC"}]}))
            .send(&backend)
            .await;
        assert_eq!(
            keyless.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            keyless.text()
        );
        let rows = get("/dynamic-entity/shop-stores")
            .accept("application/json")
            .send(&backend)
            .await;
        assert_eq!(rows.json()["data"].as_array().map(Vec::len), Some(3));

        let off = call(Method::PATCH, "/dynamic-entity-configurations/shop-stores")
            .jsonapi(
                &json!({"data": {"type": "dynamic-entity-configurations", "id": "shop-stores",
                "attributes": {"isActive": false}}}),
            )
            .send(&backend)
            .await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.text());
        let doc = document(&backend).await;
        assert!(doc["paths"]["/dynamic-entity/shop-stores"].is_null());
        assert!(
            doc["components"]["schemas"]["dynamic-entity.shop-stores.Row"].is_null(),
            "an inactive entity leaves no schema behind"
        );
    }
}

/// SPEC §9.5: a save refused for several reasons names every refused key at once, those of
/// the rules and those of the live schema.
#[tokio::test]
async fn a_refused_configuration_names_every_refused_key() {
    for shop in shops().await {
        let backend = shop.backend();
        let broken = json!({"data": {"tableAlias": "not an alias", "tableName": "stores",
            "definition": {"identifier": "name", "fields": [
                {"fieldName": "name", "fieldVisibleName": "name", "type": "boolean",
                 "validation": {"minLength": 4, "maxLength": 2}},
                {"fieldName": "no_such_column", "fieldVisibleName": "x", "type": "string"}]}}});
        let refused = call(Method::POST, "/dynamic-entity-configurations")
            .plain(&broken)
            .send(&backend)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let errors = refused.json()["errors"].clone();
        let mut keys: Vec<&str> = errors
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "definition.fields[0].type",
                "definition.fields[0].validation.maxLength",
                "definition.fields[0].validation.minLength",
                "definition.fields[1].fieldName",
                "tableAlias"
            ],
            "{errors}"
        );
    }
}
