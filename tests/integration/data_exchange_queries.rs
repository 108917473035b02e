//! Reads of configured entities in every form SPEC §9.2 names (the operators and rule trees of
//! §3.6, sorting, each pagination form of §5 with JSON:API links and totals), and writes in
//! either convention (§2.3), through the shop's backend on SQLite and PostgreSQL.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Answer, TestShop, call, get};

async fn shops() -> Vec<TestShop> {
    let mut shops = vec![crate::common::sqlite_shop().await];
    shops.extend(crate::postgres::postgres_shop().await);
    shops
}

async fn plain(backend: &glue_core::Router, url: &str) -> Vec<Value> {
    let answer = get(url).accept("application/json").send(backend).await;
    assert_eq!(answer.status, StatusCode::OK, "{url}: {}", answer.text());
    answer.json()["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn column<'a>(rows: &'a [Value], name: &str) -> Vec<&'a Value> {
    rows.iter().map(|row| &row[name]).collect()
}

fn codes(rows: &[Value]) -> Vec<&str> {
    rows.iter()
        .map(|row| row["iso2_code"].as_str().unwrap_or_default())
        .collect()
}

/// `%`-encodes a query value (for JSON in URLs).
fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn filters_take_every_operator_and_rule_trees() {
    for shop in shops().await {
        let backend = shop.backend();
        let base = "/dynamic-entity/countries";
        let germany = plain(&backend, &format!("{base}?filter[iso2_code]=DE")).await;
        assert_eq!(codes(&germany), ["DE"]);
        let listed = plain(
            &backend,
            &format!("{base}?filter[countries.iso2_code][in]=DE,AT&sort=iso2_code"),
        )
        .await;
        assert_eq!(codes(&listed), ["AT", "DE"]);
        let reference = plain(
            &backend,
            &format!(
                "{base}?filter[countries.iso2_code]={}",
                encoded(r#"{"in":["FR","DE"]}"#)
            ),
        )
        .await;
        assert_eq!(codes(&reference).len(), 2);

        let a = plain(
            &backend,
            &format!("{base}?filter[iso2_code][starts_with]=A&sort=iso2_code&page[limit]=100"),
        )
        .await;
        assert!(a.len() > 5);
        assert!(codes(&a).iter().all(|code| code.starts_with('A')));
        let mut sorted = codes(&a);
        sorted.sort_unstable();
        assert_eq!(codes(&a), sorted);

        // Case-sensitive, and combined with AND.
        let lands = plain(
            &backend,
            &format!(
                "{base}?filter[name][contains]=land&filter[postal_code_mandatory]=true&page[limit]=1000"
            ),
        )
        .await;
        assert!(!lands.is_empty());
        for row in &lands {
            assert!(row["name"].as_str().unwrap().contains("land"), "{row}");
            assert_eq!(row["postal_code_mandatory"], true);
        }
        let no_regex = plain(
            &backend,
            &format!("{base}?filter[postal_code_regex][null]=true&page[limit]=1000"),
        )
        .await;
        assert!(!no_regex.is_empty());
        assert!(
            column(&no_regex, "postal_code_regex")
                .iter()
                .all(|v| v.is_null())
        );
        let high = plain(&backend, &format!("{base}?filter[id_country][gt]=240")).await;
        assert!(!high.is_empty());
        assert!(
            column(&high, "id_country")
                .iter()
                .all(|id| id.as_i64().unwrap() > 240)
        );
        let others = plain(
            &backend,
            &format!("{base}?filter[iso2_code][nin]=DE,AT&page[limit]=1000"),
        )
        .await;
        let all = plain(&backend, &format!("{base}?page[limit]=1000")).await;
        assert_eq!(others.len() + 2, all.len());

        let tree = json!({"condition": "OR", "rules": [
            {"field": "iso2_code", "operator": "equal", "value": "DE"},
            {"condition": "AND", "rules": [
                {"field": "iso3_code", "operator": "begins_with", "value": "FRA"},
                {"field": "id_country", "operator": "between", "value": [1, 1000]}]}]});
        let either = plain(
            &backend,
            &format!(
                "{base}?filter={}&sort=iso2_code",
                encoded(&tree.to_string())
            ),
        )
        .await;
        assert_eq!(codes(&either), ["DE", "FR"]);

        for bad in [
            format!("{base}?sort={}", ["name"; 11].join(",")),
            format!("{base}?{}", "filter[name][ne]=x&".repeat(101)),
            format!("{base}?filter[id_country][contains]=1"),
            format!("{base}?filter[name][between]=a"),
            format!("{base}?filter=%7Bnot-json"),
            format!(
                "{base}?filter={}",
                encoded(r#"{"rules":[{"field":"name","operator":"resembles","value":"x"}]}"#)
            ),
        ] {
            let answer = get(&bad).accept("application/json").send(&backend).await;
            assert_eq!(
                answer.status,
                StatusCode::BAD_REQUEST,
                "{bad}: {}",
                answer.text()
            );
        }
        let deep = (0..20).fold(
            json!({"field": "name", "operator": "equal", "value": "x"}),
            |rule, _| json!({"condition": "AND", "rules": [rule]}),
        );
        let answer = get(&format!("{base}?filter={}", encoded(&deep.to_string())))
            .accept("application/json")
            .send(&backend)
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn rows_are_sorted_and_paged_in_every_form() {
    for shop in shops().await {
        let backend = shop.backend();
        let base = "/dynamic-entity/countries";
        let all = plain(&backend, &format!("{base}?page[limit]=1000")).await;
        let total = all.len();
        assert!(total >= 249, "{total} countries");
        assert_eq!(plain(&backend, base).await.len(), 20, "20 by default");

        let last = plain(&backend, &format!("{base}?sort=-name&page[limit]=3")).await;
        let mut names: Vec<&str> = all.iter().map(|r| r["name"].as_str().unwrap()).collect();
        names.sort_unstable();
        names.reverse();
        assert_eq!(
            last.iter()
                .map(|r| r["name"].as_str().unwrap())
                .collect::<Vec<_>>(),
            names[..3]
        );

        // Page number, with JSON:API links and totals.
        let second = get(&format!("{base}?page=2&itemsPerPage=10"))
            .send(&backend)
            .await;
        assert_eq!(second.status, StatusCode::OK);
        let document = second.json();
        assert_eq!(document["data"].as_array().unwrap().len(), 10);
        assert_eq!(document["data"][0]["id"], all[10]["id_country"].to_string());
        assert_eq!(document["meta"]["records_total"], total);
        assert_eq!(document["meta"]["page"], 2);
        let links = &document["links"];
        assert!(links["next"].as_str().unwrap().contains("page=3"));
        assert!(links["prev"].as_str().unwrap().contains("page=1"));
        assert!(
            links["last"]
                .as_str()
                .unwrap()
                .contains(&format!("page={}", total.div_ceil(10)))
        );

        let offset = get(&format!(
            "{base}?page[offset]=20&page[limit]=20&sort=iso2_code"
        ))
        .send(&backend)
        .await
        .json();
        assert_eq!(offset["meta"]["page"], 2);
        let next = offset["links"]["next"].as_str().unwrap();
        assert!(next.contains("page%5Boffset%5D=40") && next.contains("sort=iso2_code"));
        assert!(
            offset["links"]["prev"]
                .as_str()
                .unwrap()
                .contains("page%5Boffset%5D=0")
        );

        // The Range header: 206 with Content-Range, 416 past the end, ignored when malformed.
        let ranged = get(base)
            .accept("application/json")
            .header("range", "countries=5-9")
            .send(&backend)
            .await;
        assert_eq!(ranged.status, StatusCode::PARTIAL_CONTENT);
        assert_eq!(
            ranged.header("content-range"),
            Some(format!("countries 5-9/{total}").as_str())
        );
        assert_eq!(ranged.header("accept-ranges"), Some("countries"));
        let rows = ranged.json()["data"].as_array().cloned().unwrap();
        assert_eq!(rows[0], all[5]);
        let past = get(base)
            .accept("application/json")
            .header("range", &format!("countries={total}-{}", total + 5))
            .send(&backend)
            .await;
        assert_eq!(past.status, StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(
            past.header("content-range"),
            Some(format!("countries */{total}").as_str())
        );
        let ignored = get(base)
            .accept("application/json")
            .header("range", "countries=x-")
            .send(&backend)
            .await;
        assert_eq!(ignored.status, StatusCode::OK);

        // Cursors: every row once, in identifier order, forwards and back.
        let mut url = format!("{base}?page[size]=100");
        let mut seen: Vec<Value> = Vec::new();
        let mut pages = Vec::new();
        loop {
            let answer: Answer = get(&url).send(&backend).await;
            assert_eq!(answer.status, StatusCode::OK, "{url}");
            let document = answer.json();
            seen.extend(document["data"].as_array().cloned().unwrap());
            pages.push(document.clone());
            match document["links"]["next"].as_str() {
                Some(next) => url = next.replace("http://shop.test", ""),
                None => break,
            }
        }
        assert_eq!(seen.len(), total);
        let ids: Vec<String> = seen.iter().map(|r| r["id"].to_string()).collect();
        let expected: Vec<String> = all
            .iter()
            .map(|r| format!("\"{}\"", r["id_country"]))
            .collect();
        assert_eq!(ids, expected);
        let back = pages[1]["links"]["prev"]
            .as_str()
            .unwrap()
            .replace("http://shop.test", "");
        let before = get(&back).send(&backend).await.json();
        assert_eq!(before["data"], pages[0]["data"]);
    }
}

#[tokio::test]
async fn writes_are_read_in_either_convention() {
    for shop in shops().await {
        let backend = shop.backend();
        let base = "/dynamic-entity/tax-rates";
        let germany = plain(&backend, "/dynamic-entity/countries?filter[iso2_code]=DE").await;
        let id = germany[0]["id_country"].clone();
        let created = call(Method::POST, base)
            .jsonapi(&json!({"data": [{"type": "tax-rates", "attributes":
                {"fk_country": id, "name": "Reduced (JSON:API)", "rate": "7.00"}}]}))
            .send(&backend)
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let document = created.json();
        assert_eq!(document["data"][0]["type"], "tax-rates");
        assert_eq!(document["data"][0]["attributes"]["rate"], "7.00");
        let new_id = document["data"][0]["id"].as_str().unwrap().to_owned();

        let changed = call(Method::PATCH, &format!("{base}/{new_id}"))
            .jsonapi(&json!({"data": {"type": "tax-rates", "id": new_id,
                                      "attributes": {"rate": "7.50"}}}))
            .send(&backend)
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
        assert_eq!(changed.json()["data"]["attributes"]["rate"], "7.50");

        let wrong = call(Method::POST, base)
            .jsonapi(&json!({"data": [{"type": "countries", "attributes": {"name": "x"}}]}))
            .send(&backend)
            .await;
        assert_eq!(wrong.status, StatusCode::CONFLICT, "{}", wrong.text());

        let body = json!({"data": [{"fk_country": id, "name": "x", "rate": "1.00"}]}).to_string();
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/vnd.api+json; charset=utf-8"),
        ] {
            let request = call(Method::POST, base).accept("application/json");
            let request = match content_type {
                Some(content_type) => request.raw(content_type, &body),
                None => request
                    .raw("application/json", &body)
                    .without("content-type"),
            };
            let answer = request.send(&backend).await;
            assert_eq!(
                answer.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{content_type:?}: {}",
                answer.text()
            );
        }
        let broken = call(Method::POST, base)
            .raw("application/json", "{\"data\": [")
            .accept("application/json")
            .send(&backend)
            .await;
        assert_eq!(broken.status, StatusCode::BAD_REQUEST);
        assert!(broken.text().contains("line 1"), "{}", broken.text());
        let rates = plain(&backend, &format!("{base}?filter[name]=x")).await;
        assert!(rates.is_empty(), "refused writes wrote nothing");
    }
}

/// SPEC §9.3 (the reference's nested writes): child rows nested under a relation are changed
/// (PATCH, each with its identifier) or replaced (PUT) with their parent, all or nothing.
#[tokio::test]
async fn nested_rows_are_changed_and_replaced_with_their_parent() {
    for shop in shops().await {
        let backend = shop.backend();
        let created = call(Method::POST, "/dynamic-entity/countries")
            .plain(
                &json!({"data": [{"iso2_code": "XA", "iso3_code": "XAA", "name": "Xanadu",
                "countryTaxRates": [{"name": "Standard", "rate": "10.00"},
                                    {"name": "Reduced", "rate": "5.00"}]}]}),
            )
            .send(&backend)
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let country = created.json()["data"][0].clone();
        let id = country["id_country"].as_i64().unwrap();
        let rates = country["countryTaxRates"].as_array().cloned().unwrap();
        let standard = rates[0]["id_tax_rate"].as_i64().unwrap();
        let reduced = rates[1]["id_tax_rate"].as_i64().unwrap();

        let url = format!("/dynamic-entity/countries/{id}");
        let changed = call(Method::PATCH, &url)
            .plain(&json!({"data": {"name": "Xanadu (changed)",
                "countryTaxRates": [{"id_tax_rate": standard, "rate": "12.50"}]}}))
            .send(&backend)
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
        let answer = changed.json()["data"].clone();
        assert_eq!(answer["name"], "Xanadu (changed)");
        assert_eq!(answer["countryTaxRates"][0]["rate"], "12.50");
        assert_eq!(answer["countryTaxRates"][0]["fk_country"], id);
        let stored = plain(
            &backend,
            &format!("/dynamic-entity/tax-rates?filter[fk_country]={id}&sort=id_tax_rate"),
        )
        .await;
        assert_eq!(column(&stored, "rate"), [&json!("12.50"), &json!("5.00")]);

        // A nested change without its identifier fails, and the parent stays as it was.
        let refused = call(Method::PATCH, &url)
            .plain(&json!({"data": {"name": "Never",
                "countryTaxRates": [{"rate": "1.00"}]}}))
            .send(&backend)
            .await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{}",
            refused.text()
        );
        assert_eq!(refused.json()[0]["code"], "1310");
        let row = plain(
            &backend,
            &format!("/dynamic-entity/countries?filter[id_country]={id}"),
        )
        .await;
        assert_eq!(row[0]["name"], "Xanadu (changed)");

        // PUT replaces the parent and each nested row (fields not sent are reset).
        let replaced = call(Method::PUT, "/dynamic-entity/countries")
            .plain(
                &json!({"data": [{"id_country": id, "iso2_code": "XA", "iso3_code": "XAA",
                "name": "Xanadu (replaced)",
                "countryTaxRates": [{"id_tax_rate": reduced, "name": "Zero", "rate": "0.00"}]}]}),
            )
            .send(&backend)
            .await;
        assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
        let answer = replaced.json()["data"][0].clone();
        assert_eq!(answer["name"], "Xanadu (replaced)");
        assert!(answer["postal_code_regex"].is_null());
        assert_eq!(answer["countryTaxRates"][0]["name"], "Zero");
        let stored = plain(
            &backend,
            &format!("/dynamic-entity/tax-rates?filter[fk_country]={id}&sort=id_tax_rate"),
        )
        .await;
        assert_eq!(
            column(&stored, "name"),
            [&json!("Standard"), &json!("Zero")]
        );
    }
}

/// The reference's PUT: a row that does not exist is created by the rules of a create (its
/// fields creatable, the required ones sent); one that exists is replaced by those of a change.
#[tokio::test]
async fn a_put_that_creates_follows_the_rules_of_a_create() {
    for shop in shops().await {
        let backend = shop.backend();
        let configuration = json!({"data": {"tableAlias": "upsert-stores", "tableName": "stores",
            "definition": {"identifier": "name", "fields": [
                {"fieldName": "name", "fieldVisibleName": "code", "type": "string",
                 "isCreatable": true, "validation": {"isRequired": true}},
                {"fieldName": "default_currency", "fieldVisibleName": "currency", "type": "string",
                 "isCreatable": true, "isEditable": true, "validation": {"isRequired": true}},
                {"fieldName": "timezone", "fieldVisibleName": "timezone", "type": "string",
                 "isCreatable": true, "isEditable": true, "validation": {"isRequired": true}},
                {"fieldName": "gdpr_contact_email", "fieldVisibleName": "gdpr", "type": "string",
                 "isEditable": true}]}}});
        let saved = call(Method::POST, "/dynamic-entity-configurations")
            .plain(&configuration)
            .send(&backend)
            .await;
        assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text());
        let base = "/dynamic-entity/upsert-stores";
        let put = |body: Value| call(Method::PUT, base).plain(&body).send(&backend);

        let refused = put(json!({"data": [{"code": "CH", "currency": "CHF",
            "timezone": "Europe/Zurich", "gdpr": "dpo@example.ch"}]}))
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text()
        );
        assert_eq!(refused.json()[0]["code"], "1304");
        assert!(
            plain(&backend, &format!("{base}?filter[code]=CH"))
                .await
                .is_empty()
        );

        let created = put(json!({"data": [{"code": "CH", "currency": "CHF",
            "timezone": "Europe/Zurich"}]}))
        .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.text());
        let replaced = put(json!({"data": [{"code": "CH", "currency": "CHF",
            "timezone": "Europe/Zurich", "gdpr": "dpo@example.ch"}]}))
        .await;
        assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
        let row = plain(&backend, &format!("{base}?filter[code]=CH")).await;
        assert_eq!(row[0]["gdpr"], "dpo@example.ch");
    }
}

/// SPEC §3.3 for configured entities: in JSON:API, included rows are `relationships` linkage
/// on their parent and resources of `included`, each once; the document is valid JSON:API.
#[tokio::test]
async fn included_rows_form_a_compound_document() {
    for shop in shops().await {
        let backend = shop.backend();
        let answer = get("/dynamic-entity/countries?filter[iso2_code][in]=DE,AT&sort=iso2_code&include=countryTaxRates")
            .send(&backend)
            .await;
        let document = crate::common::jsonapi_document(&answer, StatusCode::OK);
        let data = document["data"].as_array().unwrap();
        assert_eq!(data.len(), 2);
        let mut linked = Vec::new();
        for country in data {
            assert!(country["attributes"]["countryTaxRates"].is_null());
            let linkage = country["relationships"]["countryTaxRates"]["data"]
                .as_array()
                .cloned()
                .unwrap();
            assert!(!linkage.is_empty(), "{country}");
            for link in linkage {
                assert_eq!(link["type"], "tax-rates");
                linked.push(link["id"].as_str().unwrap().to_owned());
            }
        }
        let included = document["included"].as_array().cloned().unwrap();
        let mut ids: Vec<String> = included
            .iter()
            .map(|resource| resource["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(included.iter().all(|r| r["type"] == "tax-rates"));
        ids.sort();
        linked.sort();
        assert_eq!(ids, linked, "every linked row included once");
        let countries: Vec<&str> = data.iter().map(|c| c["id"].as_str().unwrap()).collect();
        for rate in &included {
            let parent = rate["attributes"]["fk_country"].to_string();
            assert!(countries.contains(&parent.as_str()), "{rate}");
        }
        let country = countries[0];

        // The item, too; plain JSON keeps the reference's nesting.
        let item = get(&format!(
            "/dynamic-entity/countries/{country}?include=countryTaxRates"
        ))
        .send(&backend)
        .await;
        let item = crate::common::jsonapi_document(&item, StatusCode::OK);
        assert!(
            item["included"]
                .as_array()
                .is_some_and(|list| !list.is_empty())
        );
        let nested = plain(
            &backend,
            &format!(
                "/dynamic-entity/countries?filter[id_country]={country}&include=countryTaxRates"
            ),
        )
        .await;
        assert!(
            nested[0]["countryTaxRates"]
                .as_array()
                .is_some_and(|list| !list.is_empty())
        );
    }
}

/// A write that finds SQLite locked by another writer is tried again (three attempts), then
/// answered 503 with `Retry-After`, and nothing is half-written; it works once the lock is
/// gone.
#[tokio::test]
async fn a_busy_database_is_retried_then_503() {
    use sqlx::Executor as _;
    let dir = crate::common::TempDir::new("exchange-busy");
    let url = format!("{}?mode=rwc", dir.sqlite_url("exchange.db"));
    let pool = crate::common::impatient_sqlite(&url).await;
    pool.execute("CREATE TABLE notes (id_note INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .expect("a table");
    let db = glue_sql::Database::new(pool, glue_sql::Dialect::Sqlite).attempts(3);
    let exchange = glue_data_exchange::DataExchange::open(&db)
        .await
        .expect("opens");
    let configuration = glue_data_exchange::Configuration::from_json(&json!({
        "tableAlias": "notes", "tableName": "notes", "definition": {"identifier": "id_note",
        "fields": [{"fieldName": "id_note", "fieldVisibleName": "id", "type": "integer"},
                   {"fieldName": "body", "fieldVisibleName": "body", "type": "string",
                    "isCreatable": true, "validation": {"isRequired": true}}]}}))
    .expect("a configuration");
    exchange
        .registry()
        .storage()
        .save(&configuration)
        .await
        .expect("saved");
    exchange.registry().reload().await.expect("reloaded");
    use glue_data_exchange::DataExchangeExt as _;
    let router = glue_core::Application::backend()
        .convention(glue_core::PlainJson::new())
        .authenticator(crate::common::TrustedAdministrator)
        .data_exchange(&exchange)
        .build();
    let body = json!({"data": [{"body": "one"}, {"body": "two"}]});

    let mut other = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("a second connection");
    other
        .execute("BEGIN IMMEDIATE")
        .await
        .expect("the other writer takes the lock");
    let before = db.statements();
    let busy = call(Method::POST, "/dynamic-entity/notes")
        .plain(&body)
        .send(&router)
        .await;
    assert_eq!(
        busy.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        busy.text()
    );
    assert_eq!(busy.header("retry-after"), Some("1"));
    assert_eq!(
        db.statements() - before,
        3,
        "the first INSERT, tried three times"
    );
    other
        .execute("ROLLBACK")
        .await
        .expect("the lock is released");

    let done = call(Method::POST, "/dynamic-entity/notes")
        .plain(&body)
        .send(&router)
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.text());
    let rows = plain(&router, "/dynamic-entity/notes").await;
    assert_eq!(column(&rows, "body"), [&json!("one"), &json!("two")]);
}
