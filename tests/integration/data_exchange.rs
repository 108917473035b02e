//! The ground of the Data Exchange API (SPEC §9.1, §9.6), on the shop's database, SQLite and
//! PostgreSQL: the tables and columns as introspected, configurations checked against them
//! with a pointer per refused key, and stored with a version every change moves on.

use glue_data_exchange::{Configuration, Storage, schema};
use serde_json::{Value, json};

use crate::common::TestShop;

/// The shop on SQLite, and on PostgreSQL when the test cluster is configured.
async fn shops() -> Vec<TestShop> {
    let mut shops = vec![crate::common::sqlite_shop().await];
    shops.extend(crate::postgres::postgres_shop().await);
    shops
}

/// The `countries` configuration of SPEC §11.2.
fn countries() -> Value {
    let field = |name: &str, ty: &str, creatable: bool, required: bool| {
        json!({"fieldName": name, "fieldVisibleName": name, "type": ty,
               "isCreatable": creatable, "isEditable": creatable && name != "id_country",
               "validation": {"isRequired": required}})
    };
    json!({"tableAlias": "countries", "tableName": "countries", "isActive": true,
      "definition": {"identifier": "id_country", "isDeletable": false, "fields": [
        field("id_country", "integer", false, false),
        field("iso2_code", "string", true, true),
        field("iso3_code", "string", true, true),
        field("name", "string", true, true),
        field("postal_code_mandatory", "boolean", true, false),
        field("postal_code_regex", "string", true, false)],
      "relations": [{"name": "countryTaxRates", "childAlias": "tax-rates", "isEditable": true,
        "relationFieldMapping": [{"childFieldName": "fk_country", "parentFieldName": "id_country"}]}]}})
}

#[tokio::test]
async fn tables_and_columns_are_introspected() {
    for shop in shops().await {
        let db = shop.db().database();
        let tables = schema::tables(db).await.expect("tables");
        for table in ["countries", "tax_rates", "customers", "products"] {
            assert!(tables.iter().any(|t| t == table), "{table} in {tables:?}");
        }
        assert!(
            !tables
                .iter()
                .any(|t| t.starts_with("sqlite_") || t == "_sqlx_migrations")
        );
        let columns = schema::columns(db, "tax_rates").await.expect("columns");
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id_tax_rate", "fk_country", "name", "rate"]);
        assert!(columns[0].primary_key && columns[0].generated());
        assert!(!columns[1].nullable && !columns[1].generated());
        assert!(columns[3].fits(glue_data_exchange::FieldType::Decimal));
        assert!(!columns[2].fits(glue_data_exchange::FieldType::Integer));
        assert!(
            schema::columns(db, "no_such_table")
                .await
                .expect("columns")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn configurations_are_checked_against_the_live_schema() {
    for shop in shops().await {
        let db = shop.db().database();
        let configuration = Configuration::from_json(&countries()).expect("it reads");
        assert_eq!(configuration.problems(), []);
        assert_eq!(
            schema::check(db, &configuration, &[])
                .await
                .expect("checked"),
            []
        );

        let mut broken = countries();
        broken["tableName"] = json!("nations");
        let problems = schema::check(db, &Configuration::from_json(&broken).unwrap(), &[])
            .await
            .expect("checked");
        assert_eq!(problems[0].pointer, "/tableName");

        let mut broken = countries();
        broken["definition"]["fields"][1]["fieldName"] = json!("iso_code");
        broken["definition"]["fields"][3]["type"] = json!("integer");
        let problems = schema::check(db, &Configuration::from_json(&broken).unwrap(), &[])
            .await
            .expect("checked");
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/definition/fields/1/fieldName",
                "/definition/fields/3/type",
                // iso2_code now has no creatable field, and takes no null.
                "/definition/fields",
            ]
        );

        // The identifier names one row: the key, or a column unique by itself.
        let columns = schema::columns(db, "countries").await.expect("columns");
        let unique: Vec<&str> = columns
            .iter()
            .filter(|c| c.unique)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(unique, ["id_country", "iso2_code", "iso3_code"]);
        let mut by_code = countries();
        by_code["definition"]["identifier"] = json!("iso2_code");
        let configuration = Configuration::from_json(&by_code).unwrap();
        assert_eq!(schema::check(db, &configuration, &[]).await.unwrap(), []);
        let mut by_name = countries();
        by_name["definition"]["identifier"] = json!("name");
        let problems = schema::check(db, &Configuration::from_json(&by_name).unwrap(), &[])
            .await
            .expect("checked");
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(pointers, ["/definition/identifier"]);
    }
}

#[tokio::test]
async fn configurations_are_stored_with_a_version() {
    for shop in shops().await {
        let storage = Storage::install(shop.db().database())
            .await
            .expect("installed");
        // Installing again keeps what is there.
        let storage_again = Storage::install(shop.db().database()).await.expect("again");
        let start = storage.version().await.expect("a version");
        let mut configuration = Configuration::from_json(&countries()).expect("it reads");
        configuration.table_alias = "nations".to_owned();
        storage.save(&configuration).await.expect("saved");
        let stored = storage_again.get("nations").await.expect("read");
        assert_eq!(stored, Some(configuration.clone()));
        let mut inactive = configuration.clone();
        inactive.is_active = false;
        storage.save(&inactive).await.expect("saved again");
        let all = storage.all().await.expect("all");
        assert!(all.contains(&inactive) && !all.contains(&configuration));
        assert_eq!(storage.version().await.expect("a version"), start + 2);
        assert!(storage.delete("nations").await.expect("deleted"));
        assert!(!storage.delete("nations").await.expect("nothing to delete"));
        assert_eq!(storage.get("nations").await.expect("read"), None);
        assert_eq!(storage.version().await.expect("a version"), start + 4);
    }
}

async fn read(router: &glue_core::Router, url: &str) -> crate::common::Answer {
    crate::common::get(url)
        .header("accept", "application/json")
        .send(router)
        .await
}

#[tokio::test]
async fn configured_tables_are_read_with_filters_pages_and_includes() {
    for shop in shops().await {
        let backend = shop.backend();
        let all = read(&backend, "/dynamic-entity/countries").await;
        assert_eq!(all.status, http::StatusCode::OK, "{}", all.text());
        assert_eq!(all.header("content-type"), Some("application/json"));
        let document = all.json();
        let rows = document["data"].as_array().expect("rows");
        assert_eq!(rows.len(), 20, "20 by default");
        assert_eq!(
            rows[0],
            json!({"id_country": 1, "iso2_code": "AD", "iso3_code": "AND", "name": "Andorra",
                   "postal_code_mandatory": true, "postal_code_regex": "AD\\d{3}"})
        );
        let page = read(
            &backend,
            "/dynamic-entity/countries?page[offset]=1&page[limit]=2",
        )
        .await;
        let page = page.json();
        let codes: Vec<&str> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["iso2_code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["AE", "AF"]);

        let filtered = read(
            &backend,
            "/dynamic-entity/countries?filter[countries.iso2_code]=%7B%22in%22%3A%5B%22DE%22%2C%22AT%22%5D%7D&include=countryTaxRates",
        )
        .await;
        let filtered = filtered.json();
        let rows = filtered["data"].as_array().expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["iso2_code"], "AT");
        let rates: Vec<&str> = rows[0]["countryTaxRates"]
            .as_array()
            .expect("nested rates")
            .iter()
            .map(|rate| rate["rate"].as_str().unwrap())
            .collect();
        assert_eq!(rates, ["20.00", "10.00", "13.00"]);
        assert_eq!(rows[1]["countryTaxRates"][0]["name"], "Germany Standard");
        assert_eq!(
            rows[1]["countryTaxRates"][0]["fk_country"],
            rows[1]["id_country"]
        );

        let one = read(&backend, "/dynamic-entity/countries/57").await;
        assert_eq!(one.json()["data"]["iso2_code"], "DE");
        let jsonapi = crate::common::get("/dynamic-entity/tax-rates/1")
            .header("accept", "application/vnd.api+json")
            .send(&backend)
            .await;
        let jsonapi = crate::common::jsonapi_document(&jsonapi, http::StatusCode::OK);
        assert_eq!(jsonapi["data"]["type"], "tax-rates");
        assert_eq!(jsonapi["data"]["id"], "1");
        assert_eq!(jsonapi["data"]["attributes"]["rate"], "19.00");
    }
}

#[tokio::test]
async fn reads_answer_the_reference_errors() {
    for shop in shops().await {
        let backend = shop.backend();
        let cases = [
            ("/dynamic-entity/nations", 404, "007"),
            ("/dynamic-entity/countries/99999", 404, "1303"),
            ("/dynamic-entity/countries/DE", 404, "1303"),
            ("/dynamic-entity/countries?include=rates", 400, "1313"),
            (
                "/dynamic-entity/countries?filter[countries.colour]=red",
                400,
                "1315",
            ),
            (
                "/dynamic-entity/countries?filter[countries.name][like]=x",
                400,
                "011",
            ),
            (
                "/dynamic-entity/countries?filter=%7B%22rules%22%3A%5B%5D%7D",
                400,
                "011",
            ),
            ("/dynamic-entity/countries?sort=colour", 400, "011"),
            ("/dynamic-entity/countries?page=0", 400, "011"),
            ("/dynamic-entity/countries?page[size]=5&page=-1", 400, "011"),
            (
                "/dynamic-entity/countries?page[limit]=5&page[limit]=6",
                400,
                "011",
            ),
            (
                "/dynamic-entity/countries?page[size]=5&page[after]=zz",
                400,
                "011",
            ),
            (
                "/dynamic-entity/countries?filter[countries.id_country]=x",
                422,
                "1305",
            ),
            (
                "/dynamic-entity/countries?filter[countries.name]=%00",
                422,
                "1305",
            ),
            (
                "/dynamic-entity/countries?page[offset]=9007199254740993",
                400,
                "011",
            ),
            (
                "/dynamic-entity/countries?include=countryTaxRates.a.b.c",
                400,
                "011",
            ),
        ];
        for (url, status, code) in cases {
            let answer = read(&backend, url).await;
            assert_eq!(answer.status.as_u16(), status, "{url}: {}", answer.text());
            let errors = answer.json();
            assert_eq!(errors[0]["code"], code, "{url}");
            assert_eq!(errors[0]["status"], status, "{url}");
        }
        let missing = read(&backend, "/dynamic-entity/countries/99999").await;
        assert_eq!(
            missing.json()[0]["message"],
            "The entity `countries` could not be found in the database."
        );
        // Administrators only, by default.
        let secured = shop.secured_backend();
        let anonymous = read(&secured, "/dynamic-entity/countries").await;
        assert_eq!(anonymous.status, http::StatusCode::UNAUTHORIZED);
        let token = shop.viewer_token();
        let refused = crate::common::get("/dynamic-entity/countries")
            .header("accept", "application/json")
            .header("authorization", &format!("Bearer {token}"))
            .send(&secured)
            .await;
        assert_eq!(refused.status, http::StatusCode::FORBIDDEN);
    }
}

/// SPEC §9.6: a configuration saved by one process is served by another sharing the
/// database within 2 seconds.
#[tokio::test]
async fn a_configuration_saved_elsewhere_is_live_within_two_seconds() {
    let dir = crate::common::TempDir::new("exchange");
    let url = dir.sqlite_url("shop.db");
    let first = example_shop::Shop::open(&url)
        .await
        .expect("the first process");
    let second = example_shop::Shop::open(&url)
        .await
        .expect("the second process");
    let backend = TestShop(second).backend();
    assert_eq!(
        read(&backend, "/dynamic-entity/shop-products")
            .await
            .status
            .as_u16(),
        404
    );
    let products = Configuration::from_json(&json!({
        "tableAlias": "shop-products", "tableName": "products",
        "definition": {"identifier": "sku", "fields": [
            {"fieldName": "sku", "fieldVisibleName": "sku", "type": "string"},
            {"fieldName": "stock", "fieldVisibleName": "inStock", "type": "integer"}]}}))
    .expect("it reads");
    let storage = Storage::install(first.db().database())
        .await
        .expect("storage");
    storage
        .save(&products)
        .await
        .expect("saved by the first process");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let served = read(&backend, "/dynamic-entity/shop-products/SKU-0001").await;
    assert_eq!(served.status.as_u16(), 200, "{}", served.text());
    assert_eq!(served.json()["data"]["sku"], "SKU-0001");
    assert!(
        served.json()["data"].get("stock").is_none(),
        "only the API name"
    );
    assert!(served.json()["data"]["inStock"].is_i64());
}

fn products_configuration() -> Value {
    json!({"data": {"type": "dynamic-entity-configurations", "id": "shop-products",
      "attributes": {"tableName": "products", "isActive": true, "definition": {
        "identifier": "sku", "isDeletable": false, "fields": [
          {"fieldName": "sku", "fieldVisibleName": "sku", "type": "string",
           "validation": {"isRequired": true, "maxLength": 64}},
          {"fieldName": "price", "fieldVisibleName": "priceInCents", "type": "integer",
           "validation": {"isRequired": false, "min": 0}}]}}}})
}

/// SPEC §9.1: configurations as a resource; a saved one is served at once, a refused one
/// names every refused key.
#[tokio::test]
async fn configurations_are_managed_through_their_resource() {
    use crate::common::{call, get, jsonapi_document, jsonapi_errors, pointers};
    use http::{Method, StatusCode};
    for shop in shops().await {
        let backend = shop.backend();
        let created = call(Method::POST, "/dynamic-entity-configurations")
            .jsonapi(&products_configuration())
            .send(&backend)
            .await;
        let document = jsonapi_document(&created, StatusCode::CREATED);
        assert_eq!(document["data"]["id"], "shop-products");
        let live = read(&backend, "/dynamic-entity/shop-products/SKU-0002").await;
        assert_eq!(live.status, StatusCode::OK, "{}", live.text());
        assert!(live.json()["data"]["priceInCents"].is_i64());

        let again = call(Method::POST, "/dynamic-entity-configurations")
            .jsonapi(&products_configuration())
            .send(&backend)
            .await;
        jsonapi_errors(&again, StatusCode::CONFLICT);

        let mut broken = products_configuration();
        broken["data"]["id"] = json!("broken");
        let fields = &mut broken["data"]["attributes"]["definition"]["fields"];
        fields[0]["validation"]["min"] = json!(5);
        fields[1]["fieldName"] = json!("cost");
        let refused = call(Method::POST, "/dynamic-entity-configurations")
            .jsonapi(&broken)
            .send(&backend)
            .await;
        let errors = jsonapi_errors(&refused, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            pointers(&errors),
            [
                "/data/attributes/definition/fields/0/validation/min",
                "/data/attributes/definition/fields/1/fieldName"
            ],
            "the rules and the live schema are checked at once"
        );
        broken["data"]["attributes"]["definition"]["fields"][0]["validation"] =
            json!({"isRequired": true});
        let refused = call(Method::POST, "/dynamic-entity-configurations")
            .jsonapi(&broken)
            .send(&backend)
            .await;
        let errors = jsonapi_errors(&refused, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            pointers(&errors),
            ["/data/attributes/definition/fields/1/fieldName"],
            "the live schema has no column cost"
        );

        let list = get("/dynamic-entity-configurations").send(&backend).await;
        let list = jsonapi_document(&list, StatusCode::OK);
        let aliases: Vec<&str> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(aliases, ["countries", "shop-products", "tax-rates"]);

        let off = call(
            Method::PATCH,
            "/dynamic-entity-configurations/shop-products",
        )
        .jsonapi(
            &json!({"data": {"type": "dynamic-entity-configurations", "id": "shop-products",
                "attributes": {"isActive": false}}}),
        )
        .send(&backend)
        .await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.text());
        let gone = read(&backend, "/dynamic-entity/shop-products").await;
        assert_eq!(gone.json()[0]["code"], "007");
        let deleted = call(
            Method::DELETE,
            "/dynamic-entity-configurations/shop-products",
        )
        .send(&backend)
        .await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT);

        // Administrators only.
        let secured = shop.secured_backend();
        let token = shop.viewer_token();
        let refused = get("/dynamic-entity-configurations")
            .header("authorization", &format!("Bearer {token}"))
            .send(&secured)
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}

async fn write(
    router: &glue_core::Router,
    method: http::Method,
    url: &str,
    body: &Value,
    transactional: bool,
) -> crate::common::Answer {
    let call = crate::common::call(method, url)
        .raw("application/json", &body.to_string())
        .header("accept", "application/json");
    let call = if transactional {
        call
    } else {
        call.header("x-is-transactional", "false")
    };
    call.send(router).await
}

fn codes(answer: &crate::common::Answer) -> Vec<String> {
    let document = answer.json();
    let errors = document
        .as_array()
        .cloned()
        .or_else(|| document["meta"]["errors"].as_array().cloned())
        .unwrap_or_default();
    errors
        .iter()
        .map(|error| error["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// SPEC §9.3: bulk creates, changes and deletes, checked before anything is written.
#[tokio::test]
async fn rows_are_written_all_or_nothing() {
    use http::{Method, StatusCode};
    for shop in shops().await {
        let backend = shop.backend();
        let count = |backend: glue_core::Router| async move {
            let all = read(
                &backend,
                "/dynamic-entity/countries?page[offset]=0&page[limit]=1000",
            )
            .await;
            all.json()["data"].as_array().map_or(0, Vec::len)
        };
        let before = count(backend.clone()).await;
        let created = write(
            &backend,
            Method::POST,
            "/dynamic-entity/countries",
            &json!({"data": [
                {"iso2_code": "XA", "iso3_code": "XAA", "name": "Xanadu"},
                {"iso2_code": "XB", "iso3_code": "XBB", "name": "Xebec", "postal_code_mandatory": true}]}),
            true,
        )
        .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let rows = created.json()["data"].as_array().cloned().expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["iso2_code"], "XA");
        assert!(rows[0]["id_country"].as_i64().expect("an id") > 249);
        assert_eq!(rows[1]["postal_code_mandatory"], true);
        assert_eq!(count(backend.clone()).await, before + 2);

        // Every problem of every item, and nothing written.
        let refused = write(
            &backend,
            Method::POST,
            "/dynamic-entity/countries",
            &json!({"data": [
                {"iso2_code": "XC", "iso3_code": "XCC", "name": "Ok"},
                {"iso2_code": 5, "iso3_code": "XDDD", "colour": "red", "id_country": 1}]}),
            true,
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text()
        );
        let mut found = codes(&refused);
        found.sort();
        assert_eq!(found, ["1304", "1305", "1306", "1307", "1311"]);
        assert!(refused.json().as_array().unwrap().iter().any(|e| {
            e["message"]
                .as_str()
                .unwrap()
                .contains("`countries[1].name`")
        }));
        assert_eq!(count(backend.clone()).await, before + 2, "nothing written");

        let duplicate = write(
            &backend,
            Method::POST,
            "/dynamic-entity/countries",
            &json!({"data": [{"iso2_code": "XE", "iso3_code": "XEE", "name": "E"},
                             {"iso2_code": "DE", "iso3_code": "DEX", "name": "Again"}]}),
            true,
        )
        .await;
        assert_eq!(
            duplicate.status,
            StatusCode::CONFLICT,
            "{}",
            duplicate.text()
        );
        assert_eq!(codes(&duplicate), ["1309"]);
        assert_eq!(
            count(backend.clone()).await,
            before + 2,
            "the first item was rolled back"
        );

        // Each on its own: the saved in data, the failures in meta.errors.
        let partial = write(
            &backend,
            Method::POST,
            "/dynamic-entity/countries",
            &json!({"data": [{"iso2_code": "XF", "iso3_code": "XFF", "name": "F"},
                             {"iso2_code": "XG", "name": "No iso3"}]}),
            false,
        )
        .await;
        assert_eq!(partial.status, StatusCode::CREATED, "{}", partial.text());
        assert_eq!(partial.json()["data"].as_array().map(Vec::len), Some(1));
        assert_eq!(codes(&partial), ["1307"]);

        let shape = write(
            &backend,
            Method::POST,
            "/dynamic-entity/countries",
            &json!({"data": {}}),
            true,
        )
        .await;
        assert_eq!(codes(&shape), ["1301"]);

        // Changes: a list with identifiers, or the URL's row.
        let id = rows[0]["id_country"].clone();
        let changed = write(
            &backend,
            Method::PATCH,
            "/dynamic-entity/countries",
            &json!({"data": [{"id_country": id, "name": "Xanadu II"}]}),
            true,
        )
        .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
        assert_eq!(changed.json()["data"][0]["name"], "Xanadu II");
        let missing_id = write(
            &backend,
            Method::PATCH,
            "/dynamic-entity/countries",
            &json!({"data": [{"name": "Nobody"}]}),
            true,
        )
        .await;
        assert_eq!(codes(&missing_id), ["1310"]);
        let unknown = write(
            &backend,
            Method::PATCH,
            "/dynamic-entity/countries/99999",
            &json!({"data": {"name": "Nobody"}}),
            true,
        )
        .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert_eq!(codes(&unknown), ["1303"]);
        let one = write(
            &backend,
            Method::PATCH,
            &format!("/dynamic-entity/countries/{id}"),
            &json!({"data": {"name": "Xanadu III"}}),
            true,
        )
        .await;
        assert_eq!(one.json()["data"]["name"], "Xanadu III");

        // Decimals keep to precision and scale.
        let rate = write(
            &backend,
            Method::POST,
            "/dynamic-entity/tax-rates",
            &json!({"data": [{"fk_country": id, "name": "X", "rate": "12.345"}]}),
            true,
        )
        .await;
        assert_eq!(codes(&rate), ["1306"]);
        let rate = write(
            &backend,
            Method::POST,
            "/dynamic-entity/tax-rates",
            &json!({"data": [{"fk_country": id, "name": "X", "rate": "12.5"}]}),
            true,
        )
        .await;
        assert_eq!(rate.status, StatusCode::CREATED, "{}", rate.text());
        assert_eq!(rate.json()["data"][0]["rate"], "12.50");

        // Deletes: not of countries; of the URL's rate, or of the rates a filter names.
        let countries =
            crate::common::call(Method::DELETE, &format!("/dynamic-entity/countries/{id}"))
                .header("accept", "application/json")
                .send(&backend)
                .await;
        assert_eq!(countries.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(codes(&countries), ["1318"]);
        let everything = crate::common::call(Method::DELETE, "/dynamic-entity/tax-rates")
            .header("accept", "application/json")
            .send(&backend)
            .await;
        assert_eq!(everything.status, StatusCode::BAD_REQUEST);
        let filtered = crate::common::call(
            Method::DELETE,
            &format!("/dynamic-entity/tax-rates?filter[tax-rates.fk_country]={id}"),
        )
        .send(&backend)
        .await;
        assert_eq!(
            filtered.status,
            StatusCode::NO_CONTENT,
            "{}",
            filtered.text()
        );
        let left = read(
            &backend,
            &format!("/dynamic-entity/tax-rates?filter[tax-rates.fk_country]={id}"),
        )
        .await;
        assert_eq!(left.json()["data"], json!([]));
        let single = crate::common::call(Method::DELETE, "/dynamic-entity/tax-rates/1")
            .send(&backend)
            .await;
        assert_eq!(single.status, StatusCode::NO_CONTENT);
        let again = crate::common::call(Method::DELETE, "/dynamic-entity/tax-rates/1")
            .header("accept", "application/json")
            .send(&backend)
            .await;
        assert_eq!(codes(&again), ["1303"]);
    }
}

/// SPEC §9.3: child rows nested under their relation are created with their parent, their
/// joining column from it; a refused child refuses the whole request.
#[tokio::test]
async fn children_are_created_with_their_parent() {
    use http::{Method, StatusCode};
    for shop in shops().await {
        let backend = shop.backend();
        let created = write(
            &backend,
            Method::POST,
            "/dynamic-entity/countries",
            &json!({"data": [{"iso2_code": "XH", "iso3_code": "XHH", "name": "Xhosa Land",
                "countryTaxRates": [{"name": "Standard", "rate": "17.50"}, {"name": "Reduced", "rate": 5}]}]}),
            true,
        )
        .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let country = created.json()["data"][0].clone();
        let rates = country["countryTaxRates"]
            .as_array()
            .cloned()
            .expect("nested rates");
        assert_eq!(rates.len(), 2);
        assert_eq!(rates[0]["fk_country"], country["id_country"]);
        assert_eq!(rates[1]["rate"], "5.00");
        let read_back = read(
            &backend,
            &format!(
                "/dynamic-entity/countries/{}?include=countryTaxRates",
                country["id_country"]
            ),
        )
        .await;
        assert_eq!(
            read_back.json()["data"]["countryTaxRates"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );

        let refused = write(
            &backend,
            Method::POST,
            "/dynamic-entity/countries",
            &json!({"data": [{"iso2_code": "XI", "iso3_code": "XII", "name": "I",
                "countryTaxRates": [{"name": "Fine", "rate": "1.00"}, {"rate": "x"}]}]}),
            true,
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text()
        );
        let messages: Vec<String> = refused
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["message"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`countries[0].tax-rates[1]")),
            "{messages:?}"
        );
        let none = read(
            &backend,
            "/dynamic-entity/countries?filter[countries.iso2_code]=XI",
        )
        .await;
        assert_eq!(
            none.json()["data"],
            json!([]),
            "the parent was not written either"
        );
    }
}

/// SPEC §9.3: PUT replaces a row (editable fields not sent become null) or creates a missing
/// one when its identifier may be given (1308 otherwise).
#[tokio::test]
async fn put_replaces_rows() {
    use http::{Method, StatusCode};
    for shop in shops().await {
        let backend = shop.backend();
        let replaced = write(
            &backend,
            Method::PUT,
            "/dynamic-entity/countries/57",
            &json!({"data": {"iso2_code": "DE", "iso3_code": "DEU", "name": "Deutschland",
                              "postal_code_mandatory": true}}),
            true,
        )
        .await;
        assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
        let row = replaced.json()["data"].clone();
        assert_eq!(row["name"], "Deutschland");
        assert_eq!(row["postal_code_regex"], Value::Null, "not sent: reset");
        // A column that takes no null is reset to its default.
        let reset = write(
            &backend,
            Method::PUT,
            "/dynamic-entity/countries/57",
            &json!({"data": {"iso2_code": "DE", "iso3_code": "DEU", "name": "Germany"}}),
            true,
        )
        .await;
        assert_eq!(reset.status, StatusCode::OK, "{}", reset.text());
        assert_eq!(reset.json()["data"]["postal_code_mandatory"], false);
        let missing = write(
            &backend,
            Method::PUT,
            "/dynamic-entity/countries",
            &json!({"data": [{"id_country": 99999, "iso2_code": "XJ", "iso3_code": "XJJ", "name": "J"}]}),
            true,
        )
        .await;
        assert_eq!(
            missing.status,
            StatusCode::BAD_REQUEST,
            "{}",
            missing.text()
        );
        assert_eq!(codes(&missing), ["1308"]);
        let required = write(
            &backend,
            Method::PUT,
            "/dynamic-entity/countries/57",
            &json!({"data": {"iso2_code": "DE"}}),
            true,
        )
        .await;
        let mut found = codes(&required);
        found.sort();
        assert_eq!(found, ["1307", "1307"]);
    }
}

/// Review findings: what a configuration may not reach, and what a principal may not reach
/// through relations.
#[tokio::test]
async fn configurations_and_relations_stay_within_bounds() {
    use crate::common::{call, jsonapi_errors, pointers};
    use http::{Method, StatusCode};
    for shop in shops().await {
        let backend = shop.backend();
        let expose = |table: &str, column: &str| {
            json!({"data": {"type": "dynamic-entity-configurations", "id": format!("x-{table}"),
              "attributes": {"tableName": table, "definition": {"identifier": column,
                "fields": [{"fieldName": column, "fieldVisibleName": column, "type": "string"}]}}}})
        };
        for (table, column, pointer) in [
            ("back_office_users", "email", "/data/attributes/tableName"),
            (
                "dynamic_entity_configurations",
                "table_alias",
                "/data/attributes/tableName",
            ),
            (
                "_sqlx_migrations",
                "description",
                "/data/attributes/tableName",
            ),
            (
                "customers",
                "password_hash",
                "/data/attributes/definition/fields/0/fieldName",
            ),
        ] {
            let refused = call(Method::POST, "/dynamic-entity-configurations")
                .jsonapi(&expose(table, column))
                .send(&backend)
                .await;
            let errors = jsonapi_errors(&refused, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(pointers(&errors), [pointer], "{table}.{column}");
        }
        // A relation must join on a column the child has.
        let mut broken = products_configuration();
        broken["data"]["id"] = json!("with-relation");
        broken["data"]["attributes"]["definition"]["relations"] = json!([{"name": "rates",
            "childAlias": "tax-rates", "relationFieldMapping": [
                {"childFieldName": "no_such_column", "parentFieldName": "sku"}]}]);
        let refused = call(Method::POST, "/dynamic-entity-configurations")
            .jsonapi(&broken)
            .send(&backend)
            .await;
        let errors = jsonapi_errors(&refused, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            pointers(&errors),
            ["/data/attributes/definition/relations/0/relationFieldMapping/0/childFieldName"]
        );

        // An entity viewers may use, whose relation leads to an administrators' one.
        let open = json!({"data": {"type": "dynamic-entity-configurations", "id": "open-countries",
          "attributes": {"tableName": "countries", "definition": {"identifier": "id_country",
            "access": {"read": ["ROLE_VIEWER"], "write": ["ROLE_VIEWER"]},
            "fields": [
              {"fieldName": "id_country", "fieldVisibleName": "id_country", "type": "integer"},
              {"fieldName": "iso2_code", "fieldVisibleName": "iso2_code", "type": "string",
               "isCreatable": true, "validation": {"isRequired": true}},
              {"fieldName": "iso3_code", "fieldVisibleName": "iso3_code", "type": "string",
               "isCreatable": true, "validation": {"isRequired": true}},
              {"fieldName": "name", "fieldVisibleName": "name", "type": "string",
               "isCreatable": true, "validation": {"isRequired": true}}],
            "relations": [{"name": "rates", "childAlias": "tax-rates", "isEditable": true,
              "relationFieldMapping": [{"childFieldName": "fk_country", "parentFieldName": "id_country"}]}]}}}});
        let created = call(Method::POST, "/dynamic-entity-configurations")
            .jsonapi(&open)
            .send(&backend)
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let secured = shop.secured_backend();
        let token = shop.viewer_token();
        let as_viewer = |method: Method, url: &str| {
            call(method, url)
                .header("accept", "application/json")
                .header("authorization", &format!("Bearer {token}"))
        };
        let plain = as_viewer(
            Method::GET,
            "/dynamic-entity/open-countries?filter[c.iso2_code]=DE",
        )
        .send(&secured)
        .await;
        assert_eq!(plain.status, StatusCode::OK, "{}", plain.text());
        let included = as_viewer(
            Method::GET,
            "/dynamic-entity/open-countries?filter[c.iso2_code]=DE&include=rates",
        )
        .send(&secured)
        .await;
        assert_eq!(included.status, StatusCode::FORBIDDEN);
        let nested = as_viewer(Method::POST, "/dynamic-entity/open-countries")
            .raw(
                "application/json",
                &json!({"data": [{"iso2_code": "XK", "iso3_code": "XKK", "name": "K",
                    "rates": [{"name": "sneaked in", "rate": "99.00"}]}]})
                .to_string(),
            )
            .send(&secured)
            .await;
        assert_eq!(nested.status, StatusCode::FORBIDDEN, "{}", nested.text());
        // Without credentials, no alias is told apart from another.
        let anonymous = read(&secured, "/dynamic-entity/no-such-alias").await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        // A page larger than the largest is the largest.
        let large = read(&backend, "/dynamic-entity/countries?page[limit]=5000").await;
        assert_eq!(large.json()["data"].as_array().map(Vec::len), Some(249));
    }
}

/// The backend's default convention answers when `Accept` names none (SPEC §2.2); `Accept`
/// without either JSON type is 406; an answer lists at most 100 errors (SPEC §13.1).
#[tokio::test]
async fn entity_answers_are_negotiated_and_bounded() {
    use http::{Method, StatusCode};
    let shop = crate::common::shop().await;
    let backend = shop.backend();
    let default = crate::common::get("/dynamic-entity/countries/57")
        .without("accept")
        .send(&backend)
        .await;
    let document = crate::common::jsonapi_document(&default, StatusCode::OK);
    assert_eq!(document["data"]["type"], "countries");
    let html = crate::common::get("/dynamic-entity/countries")
        .header("accept", "text/html")
        .send(&backend)
        .await;
    assert_eq!(html.status, StatusCode::NOT_ACCEPTABLE);
    let refused_plain = crate::common::get("/dynamic-entity/countries/57")
        .header("accept", "application/json;q=0, application/vnd.api+json")
        .send(&backend)
        .await;
    crate::common::jsonapi_document(&refused_plain, StatusCode::OK);

    let many: Vec<Value> = (0..150).map(|_| json!({"colour": "red"})).collect();
    let refused = write(
        &backend,
        Method::POST,
        "/dynamic-entity/countries",
        &json!({"data": many}),
        true,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json().as_array().map(Vec::len), Some(100));
}
