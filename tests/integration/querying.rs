//! Filtering, sorting and paging (SPEC §3.5, §3.6, §5): one behaviour table run against every
//! way of answering a query (the framework in memory over a plain list, the
//! `glue_core::query::memory` helper, SQL on SQLite, and SQL on PostgreSQL when a cluster is
//! configured), and a property test that random data and random queries get the same ids in
//! the same order from the SQL path as from the in-memory path.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use glue_core::query::memory;
use glue_core::{
    ApiResource, Application, CollectionProvider, Context, GlueError, Paginated, Resource, Router,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use glue_sql::{Dialect, Table};
use http::StatusCode;
use proptest::prelude::*;
use serde_json::Value;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

use crate::common::{get, jsonapi_document, jsonapi_errors};
use crate::postgres::fresh_database;

/// A gadget: one property of every filterable kind.
#[derive(ApiResource, Clone, Debug, PartialEq)]
#[api(
    operations(GetCollection),
    provider = Gadgets,
    pagination(items_per_page = 50, maximum_items_per_page = 50, client_enabled = true)
)]
pub(crate) struct Gadget {
    #[api(identifier)]
    id: i64,
    name: String,
    colour: Option<String>,
    price: f64,
    stock: i64,
    active: bool,
    released: Option<DateTime<Utc>>,
    launch: Option<NaiveDate>,
    #[api(readable = false)]
    secret: Option<String>,
}

/// Every way of answering a query.
#[derive(Clone)]
pub(crate) enum Gadgets {
    /// A plain list: the framework filters, sorts and pages it.
    Framework(Arc<Vec<Gadget>>),
    /// The provider applies `glue_core::query::memory`.
    Helper(Arc<Vec<Gadget>>),
    /// SQL through `glue_sql`.
    Sql {
        pool: AnyPool,
        dialect: Dialect,
        table: Arc<Table>,
    },
}

impl CollectionProvider<Gadget> for Gadgets {
    async fn collection(&self, ctx: &Context<Gadget>) -> Result<Paginated<Gadget>, GlueError> {
        match self {
            Self::Framework(items) => Ok(items.to_vec().into()),
            Self::Helper(items) => Ok(memory::apply(items.to_vec(), ctx.query())),
            Self::Sql {
                pool,
                dialect,
                table,
            } => {
                let select = table.select(ctx.query());
                let rows = select
                    .rows(*dialect)
                    .query()
                    .map_err(GlueError::internal)?
                    .fetch_all(pool)
                    .await
                    .map_err(GlueError::internal)?;
                let items = rows
                    .iter()
                    .map(gadget_from_row)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(GlueError::internal)?;
                let total: Option<i64> = match ctx.page() {
                    Some(page) if page.is_keyset() => None,
                    _ => Some(
                        select
                            .count(*dialect)
                            .query()
                            .map_err(GlueError::internal)?
                            .fetch_one(pool)
                            .await
                            .and_then(|row| row.try_get(0))
                            .map_err(GlueError::internal)?,
                    ),
                };
                Ok(select.page(items, total.map(|total| total as u64)))
            }
        }
    }
}

/// A column the sparse fieldset may have left out of the `SELECT`: its default then.
fn column<'r, T>(row: &'r AnyRow, name: &str) -> Result<T, sqlx::Error>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + Default,
{
    match row.try_get(name) {
        Err(sqlx::Error::ColumnNotFound(_)) => Ok(T::default()),
        other => other,
    }
}

fn gadget_from_row(row: &AnyRow) -> Result<Gadget, sqlx::Error> {
    let active = match row.try_get::<bool, _>("active") {
        Ok(flag) => flag,
        Err(sqlx::Error::ColumnNotFound(_)) => false,
        Err(_) => row.try_get::<i64, _>("active")? != 0,
    };
    Ok(Gadget {
        id: column(row, "id")?,
        name: column(row, "name")?,
        colour: column(row, "colour")?,
        price: column(row, "price")?,
        stock: column(row, "stock")?,
        active,
        released: column::<Option<String>>(row, "released")?
            .map(|text| glue_core::date::parse_date_time(&text).expect("stored as RFC 3339")),
        launch: column::<Option<String>>(row, "launch")?
            .map(|text| NaiveDate::parse_from_str(&text, "%Y-%m-%d").expect("stored as a date")),
        secret: None,
    })
}

fn router(gadgets: Gadgets) -> Router {
    Application::new("gadgets")
        .convention(JsonApi::new())
        .standard_pagination()
        .resource::<Gadget>(gadgets, ())
        .build()
}

fn table() -> Table {
    Table::new("gadgets", Gadget::meta()).without("secret")
}

/// A store of gadgets in a SQL database: the table, and a way to replace its rows.
struct SqlStore {
    pool: AnyPool,
    dialect: Dialect,
}

impl SqlStore {
    async fn sqlite() -> Self {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect("sqlite::memory:")
            .await
            .expect("an in-memory SQLite database");
        pool.execute(
            "CREATE TABLE gadgets (id INTEGER PRIMARY KEY, name TEXT NOT NULL, colour TEXT, \
             price REAL NOT NULL, stock INTEGER NOT NULL, active INTEGER NOT NULL, \
             released TEXT, launch TEXT)",
        )
        .await
        .expect("the table is created");
        Self {
            pool,
            dialect: Dialect::Sqlite,
        }
    }

    async fn postgres() -> Option<Self> {
        let url = fresh_database().await?;
        let pool = AnyPoolOptions::new()
            .max_connections(2)
            .connect(&url)
            .await
            .expect("the test database accepts connections");
        pool.execute(
            "CREATE TABLE gadgets (id BIGINT PRIMARY KEY, name TEXT NOT NULL, colour TEXT, \
             price DOUBLE PRECISION NOT NULL, stock BIGINT NOT NULL, active BOOLEAN NOT NULL, \
             released TEXT, launch TEXT)",
        )
        .await
        .expect("the table is created");
        Some(Self {
            pool,
            dialect: Dialect::Postgres,
        })
    }

    async fn replace(&self, gadgets: &[Gadget]) {
        self.pool
            .execute("DELETE FROM gadgets")
            .await
            .expect("rows are deleted");
        for gadget in gadgets {
            sqlx::query(
                "INSERT INTO gadgets (id, name, colour, price, stock, active, released, launch) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(gadget.id)
            .bind(gadget.name.clone())
            .bind(gadget.colour.clone())
            .bind(gadget.price)
            .bind(gadget.stock)
            .bind(gadget.active)
            .bind(
                gadget
                    .released
                    .as_ref()
                    .map(glue_core::date::format_date_time),
            )
            .bind(
                gadget
                    .launch
                    .map(|date| date.format("%Y-%m-%d").to_string()),
            )
            .execute(&self.pool)
            .await
            .expect("a row is inserted");
        }
    }

    fn router(&self) -> Router {
        router(Gadgets::Sql {
            pool: self.pool.clone(),
            dialect: self.dialect,
            table: Arc::new(table()),
        })
    }
}

fn at(hour: u32, day: (i32, u32, u32)) -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(day.0, day.1, day.2, hour, 0, 0)
        .single()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[allow(clippy::too_many_arguments)]
fn gadget(
    id: i64,
    name: &str,
    colour: Option<&str>,
    price: f64,
    stock: i64,
    active: bool,
    released: Option<DateTime<Utc>>,
    launch: Option<NaiveDate>,
) -> Gadget {
    Gadget {
        id,
        name: name.to_owned(),
        colour: colour.map(str::to_owned),
        price,
        stock,
        active,
        released,
        launch,
        secret: Some(format!("secret {id}")),
    }
}

/// The data of the behaviour table: cases of letter case, Unicode, SQL wildcards, empty
/// strings, nulls and ties.
fn catalogue() -> Vec<Gadget> {
    vec![
        gadget(
            1,
            "alpha",
            Some("red"),
            1.5,
            1,
            true,
            at(10, (2024, 1, 1)),
            date(2024, 5, 1),
        ),
        gadget(2, "Alpha", None, 2.5, 2, false, None, date(2024, 7, 15)),
        gadget(
            3,
            "beta",
            Some("blue"),
            2.5,
            3,
            true,
            Utc.with_ymd_and_hms(2023, 12, 31, 23, 30, 0).single(),
            None,
        ),
        gadget(
            4,
            "ÄBC",
            Some("red"),
            10.25,
            0,
            true,
            at(0, (2024, 3, 1)),
            date(2024, 1, 31),
        ),
        gadget(
            5,
            "äbc",
            Some(""),
            0.5,
            5,
            false,
            at(8, (2024, 1, 1)),
            date(2024, 5, 1),
        ),
        gadget(6, "zeta", None, 7.0, 1, true, None, None),
        gadget(
            7,
            "",
            Some("green"),
            3.75,
            3,
            false,
            at(0, (2025, 1, 1)),
            date(2023, 11, 11),
        ),
        gadget(
            8,
            "a_b%c",
            Some("blue"),
            2.5,
            2,
            true,
            at(8, (2024, 1, 1)),
            date(2024, 5, 1),
        ),
    ]
}

/// A query and the ids it must answer, in order (`page[limit]=50` unless the query pages).
const BEHAVIOUR: &[(&str, &[i64])] = &[
    ("", &[1, 2, 3, 4, 5, 6, 7, 8]),
    ("filter[name]=alpha", &[1]),
    ("filter[name][eq]=Alpha", &[2]),
    ("filter[name][ne]=alpha", &[2, 3, 4, 5, 6, 7, 8]),
    ("filter[price][gt]=2.5", &[4, 6, 7]),
    ("filter[price][lte]=2.5", &[1, 2, 3, 5, 8]),
    ("filter[price][lt]=2.50", &[1, 5]),
    ("filter[price][gte]=10.25", &[4]),
    ("filter[stock]=2", &[2, 8]),
    // Integers as JSON writes numbers: integral decimals are integers, and one beyond i64
    // compares with every stored value.
    ("filter[stock]=2.0", &[2, 8]),
    (
        "filter[stock][lt]=99999999999999999999",
        &[1, 2, 3, 4, 5, 6, 7, 8],
    ),
    ("filter[stock][gte]=99999999999999999999", &[]),
    (
        "filter[stock][gt]=-99999999999999999999",
        &[1, 2, 3, 4, 5, 6, 7, 8],
    ),
    ("filter[stock][in]=3,99999999999999999999", &[3, 7]),
    // RFC 3339 years run from 0000; with an offset, the instant falls before year 1.
    (
        "filter[released][gt]=0000-01-01T00:00:00Z",
        &[1, 3, 4, 5, 7, 8],
    ),
    (
        "filter[released][gt]=0000-01-01T00:00:00%2B01:00",
        &[1, 3, 4, 5, 7, 8],
    ),
    ("filter[released][lt]=0000-12-31T00:00:00Z", &[]),
    (
        r#"filter={"rules":[{"field":"stock","operator":"less","value":2663.0}]}"#,
        &[1, 2, 3, 4, 5, 6, 7, 8],
    ),
    ("filter[stock][in]=1,3", &[1, 3, 6, 7]),
    ("filter[stock][nin]=1,3", &[2, 4, 5, 8]),
    ("filter[name][contains]=lph", &[1, 2]),
    ("filter[name][starts_with]=A", &[2]),
    ("filter[name][ends_with]=ta", &[3, 6]),
    ("filter[name][contains]=_b%25", &[8]),
    ("filter[name][contains]=ä", &[5]),
    ("filter[colour][null]=true", &[2, 6]),
    ("filter[colour][null]=false", &[1, 3, 4, 5, 7, 8]),
    ("filter[colour][ne]=red", &[3, 5, 7, 8]),
    ("filter[active]=true", &[1, 3, 4, 6, 8]),
    ("filter[active]=0", &[2, 5, 7]),
    (
        "filter[released][gt]=2024-01-01T10:00:00%2B02:00",
        &[1, 4, 7],
    ),
    ("filter[released][lte]=2024-01-01T08:00:00Z", &[3, 5, 8]),
    ("filter[launch][lt]=2024-05-01", &[4, 7]),
    (
        "filter[released][gte]=2024-01-01T08:00:00Z&filter[active]=false",
        &[5, 7],
    ),
    (
        r#"filter={"condition":"OR","rules":[{"field":"name","operator":"equal","value":"zeta"},{"field":"stock","operator":"greater","value":4}]}"#,
        &[5, 6],
    ),
    (
        r#"filter={"condition":"AND","not":true,"rules":[{"field":"active","operator":"equal","value":true}]}"#,
        &[2, 5, 7],
    ),
    (
        r#"filter={"rules":[{"field":"price","operator":"between","value":[2.5,"7"]}]}"#,
        &[2, 3, 6, 7, 8],
    ),
    (
        r#"filter={"rules":[{"field":"price","operator":"not_between","value":[1,3]}]}"#,
        &[4, 5, 6, 7],
    ),
    (
        r#"filter={"rules":[{"field":"colour","operator":"is_empty"}]}"#,
        &[5],
    ),
    (
        r#"filter={"rules":[{"field":"colour","operator":"is_not_empty"}]}"#,
        &[1, 3, 4, 7, 8],
    ),
    (
        r#"filter={"rules":[{"field":"name","operator":"not_contains","value":"a"}]}"#,
        &[4, 5, 7],
    ),
    (
        r#"filter={"rules":[{"field":"name","operator":"not_begins_with","value":"a"}]}"#,
        &[2, 3, 4, 5, 6, 7],
    ),
    (
        r#"filter={"rules":[{"field":"name","operator":"not_ends_with","value":"c"}]}"#,
        &[1, 2, 3, 4, 6, 7],
    ),
    (
        r#"filter={"rules":[{"field":"stock","operator":"in","value":[0,5]}]}"#,
        &[4, 5],
    ),
    (
        r#"filter={"rules":[{"field":"stock","operator":"not_in","value":"0,5"}]}"#,
        &[1, 2, 3, 6, 7, 8],
    ),
    (
        r#"filter={"rules":[{"field":"launch","operator":"less_or_equal","value":"2024-05-01"}]}"#,
        &[1, 4, 5, 7, 8],
    ),
    (
        r#"filter={"condition":"OR","rules":[{"condition":"AND","rules":[{"field":"active","operator":"equal","value":false},{"field":"colour","operator":"is_not_null"}]},{"field":"launch","operator":"is_null"}]}"#,
        &[3, 5, 6, 7],
    ),
    ("sort=name", &[7, 2, 8, 1, 3, 6, 4, 5]),
    ("sort=-price,name", &[4, 6, 7, 2, 8, 3, 1, 5]),
    // A second key on a property changes nothing: the first already decided every tie.
    (
        "sort=-price,name,price,-name,%2Bname",
        &[4, 6, 7, 2, 8, 3, 1, 5],
    ),
    ("sort=colour", &[2, 6, 5, 3, 8, 7, 1, 4]),
    ("sort=-colour", &[1, 4, 7, 3, 8, 5, 2, 6]),
    ("sort=-launch", &[2, 1, 5, 8, 4, 7, 3, 6]),
    ("sort=released,-stock", &[2, 6, 3, 5, 8, 1, 4, 7]),
    ("sort=-active", &[1, 3, 4, 6, 8, 2, 5, 7]),
    ("sort=-price&page[offset]=2&page[limit]=3", &[7, 2, 3]),
    ("sort=-price&page=2&itemsPerPage=3", &[2, 3, 8]),
    (
        "filter[price][gte]=1.5&sort=name&page[limit]=2&page[offset]=1",
        &[2, 8],
    ),
];

fn ids(document: &Value) -> Vec<i64> {
    document["data"]
        .as_array()
        .expect("data is an array")
        .iter()
        .map(|item| {
            item["id"]
                .as_str()
                .expect("a string id")
                .parse()
                .expect("numeric")
        })
        .collect()
}

/// The request URI of a query written readably: characters a URI cannot carry are
/// percent-encoded (`&`, `=`, brackets and existing escapes stay).
fn uri(query: &str) -> String {
    let query = safe(query);
    if query.is_empty() {
        "/gadgets?page[limit]=50".to_owned()
    } else if query.contains("page") {
        format!("/gadgets?{query}")
    } else {
        format!("/gadgets?{query}&page[limit]=50")
    }
}

fn safe(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'"' | b'{' | b'}' | b' ' | b'\\' | b'^' | b'`' | b'|' | b'<' | b'>' | 0x80.. => {
                format!("%{byte:02X}")
            }
            _ => (byte as char).to_string(),
        })
        .collect()
}

async fn answer(router: &Router, query: &str) -> (Vec<i64>, Value) {
    let response = get(&uri(query)).send(router).await;
    let document = jsonapi_document(&response, StatusCode::OK);
    (ids(&document), document)
}

/// The routers of every path over the catalogue; PostgreSQL joins when configured.
async fn every_path(data: &[Gadget]) -> Vec<(&'static str, Router)> {
    let shared = Arc::new(data.to_vec());
    let sqlite = SqlStore::sqlite().await;
    sqlite.replace(data).await;
    let mut paths = vec![
        ("framework", router(Gadgets::Framework(shared.clone()))),
        ("helper", router(Gadgets::Helper(shared))),
        ("sqlite", sqlite.router()),
    ];
    if let Some(postgres) = SqlStore::postgres().await {
        postgres.replace(data).await;
        paths.push(("postgres", postgres.router()));
    }
    paths
}

#[tokio::test]
async fn every_path_answers_the_behaviour_table_alike() {
    let paths = every_path(&catalogue()).await;
    for (query, expected) in BEHAVIOUR {
        for (path, router) in &paths {
            let (ids, document) = answer(router, query).await;
            assert_eq!(ids, *expected, "{path}: {query}");
            if !query.contains("page") {
                assert_eq!(
                    document["meta"]["records_total"],
                    expected.len(),
                    "{path}: records_total of {query}"
                );
            }
        }
    }
}

#[tokio::test]
async fn paged_answers_count_everything_that_matched() {
    for (path, router) in every_path(&catalogue()).await {
        let (_, document) = answer(
            &router,
            "filter[price][gte]=1.5&sort=name&page[limit]=2&page[offset]=1",
        )
        .await;
        assert_eq!(document["meta"]["records_total"], 7, "{path}");
        assert_eq!(document["meta"]["pages"], 4, "{path}");
        assert_eq!(document["meta"]["records"], 2, "{path}");
    }
}

#[tokio::test]
async fn sparse_fieldsets_leave_out_the_other_attributes_on_every_path() {
    for (path, router) in every_path(&catalogue()).await {
        let (_, document) = answer(&router, "fields[gadgets]=name,price&sort=id").await;
        for item in document["data"].as_array().unwrap() {
            let mut names: Vec<&String> = item["attributes"].as_object().unwrap().keys().collect();
            names.sort();
            assert_eq!(names, ["name", "price"], "{path}");
        }
        let (_, document) = answer(&router, "fields[gadgets]=").await;
        assert!(document["data"][0].get("attributes").is_none(), "{path}");
        assert_eq!(document["data"][0]["id"], "1", "{path}");
    }
}

#[tokio::test]
async fn query_mistakes_are_400_naming_the_parameter() {
    let router = router(Gadgets::Framework(Arc::new(catalogue())));
    let cases: &[(&str, &str)] = &[
        ("filter[price][gt]=cheap", "filter[price][gt]"),
        ("filter[stock][gt]=1.5", "filter[stock][gt]"),
        ("filter[released][lt]=yesterday", "filter[released][lt]"),
        ("filter[launch]=2024-13-01", "filter[launch]"),
        ("filter[active]=yes", "filter[active]"),
        ("filter[nothing]=1", "filter[nothing]"),
        ("filter[secret]=x", "filter[secret]"),
        ("filter[name][like]=a", "filter[name][like]"),
        ("filter[price][contains]=1", "filter[price][contains]"),
        ("filter[active][gt]=true", "filter[active][gt]"),
        ("filter[colour][null]=perhaps", "filter[colour][null]"),
        ("filter=not json", "filter"),
        (r#"filter={"condition":"XOR","rules":[]}"#, "filter"),
        (
            r#"filter={"rules":[{"field":"name","operator":"sounds_like","value":"a"}]}"#,
            "filter",
        ),
        (
            r#"filter={"rules":[{"field":"secret","operator":"equal","value":"a"}]}"#,
            "filter",
        ),
        ("sort=nothing", "sort"),
        ("sort=secret", "sort"),
        ("fields[gadgets]=secret", "fields[gadgets]"),
        ("fields[gadgets]=nothing", "fields[gadgets]"),
        ("fields[widgets]=name", "fields[widgets]"),
        ("include=owner", "include"),
    ];
    for (query, parameter) in cases {
        let response = get(&format!("/gadgets?{}", safe(query)))
            .send(&router)
            .await;
        let errors = jsonapi_errors(&response, StatusCode::BAD_REQUEST);
        assert_eq!(errors.len(), 1, "{query}: {errors:#?}");
        assert_eq!(errors[0]["source"]["parameter"], *parameter, "{query}");
    }
}

#[tokio::test]
async fn several_query_mistakes_are_reported_together() {
    let router = router(Gadgets::Framework(Arc::new(catalogue())));
    let response = get("/gadgets?filter[price][gt]=x&sort=nothing&fields[gadgets]=nothing")
        .send(&router)
        .await;
    let errors = jsonapi_errors(&response, StatusCode::BAD_REQUEST);
    let parameters: Vec<&str> = errors
        .iter()
        .map(|error| error["source"]["parameter"].as_str().unwrap())
        .collect();
    assert_eq!(parameters, ["filter[price][gt]", "sort", "fields[gadgets]"]);
}

#[tokio::test]
async fn filter_trees_over_the_limits_are_refused() {
    let router = router(Gadgets::Framework(Arc::new(catalogue())));
    let rule = r#"{"field":"stock","operator":"equal","value":1}"#;
    let tree = |rules: usize| format!(r#"{{"rules":[{}]}}"#, vec![rule; rules].join(","));
    let brackets = |count: usize| "&filter[stock][gte]=0".repeat(count);
    let mut deep = rule.to_owned();
    for _ in 0..17 {
        deep = format!(r#"{{"rules":[{deep}]}}"#);
    }
    // SPEC §13.1: 100 conditions in all query forms together, and 16 levels.
    let wide = format!("/gadgets?filter={}{}", encode(&tree(50)), brackets(51));
    let deep = format!("/gadgets?filter={}", encode(&deep));
    for uri in [wide, deep] {
        let response = get(&uri).send(&router).await;
        let errors = jsonapi_errors(&response, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["source"]["parameter"], "filter");
    }
    let most = format!("/gadgets?filter={}{}", encode(&tree(50)), brackets(50));
    let answer = get(&most).send(&router).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    // A URI over 8 KiB is not read at all.
    let long = format!("/gadgets?filter={}", encode(&tree(101)));
    assert!(long.len() > glue_core::MAX_URI_LENGTH);
    let refused = get(&long).send(&router).await;
    jsonapi_errors(&refused, StatusCode::URI_TOO_LONG);
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

// Random data and random queries: the SQL path and the in-memory path agree.

const NAMES: [&str; 6] = ["alpha", "Alpha", "beta", "äbc", "", "a_b%c"];
const COLOURS: [Option<&str>; 4] = [None, Some("red"), Some("blue"), Some("")];
const PRICES: [f64; 5] = [0.5, 1.5, 2.5, 3.75, 10.25];

fn gadget_strategy(id: i64) -> impl Strategy<Value = Gadget> {
    (
        0..NAMES.len(),
        0..COLOURS.len(),
        0..PRICES.len(),
        0i64..4,
        any::<bool>(),
        proptest::option::of(0i64..6),
        proptest::option::of(0u32..4),
    )
        .prop_map(
            move |(name, colour, price, stock, active, released, launch)| {
                gadget(
                    id,
                    NAMES[name],
                    COLOURS[colour],
                    PRICES[price],
                    stock,
                    active,
                    released.and_then(|hours| at(hours as u32 * 4, (2024, 1, 1))),
                    launch.and_then(|month| date(2024, month + 1, 1)),
                )
            },
        )
}

fn data_strategy() -> impl Strategy<Value = Vec<Gadget>> {
    (2usize..10).prop_flat_map(|count| (1..=count as i64).map(gadget_strategy).collect::<Vec<_>>())
}

/// One bracket condition, valid for its property.
fn condition_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            0..NAMES.len(),
            prop::sample::select(vec![
                "eq",
                "ne",
                "lt",
                "gt",
                "contains",
                "starts_with",
                "ends_with"
            ])
        )
            .prop_map(|(name, op)| format!("filter[name][{op}]={}", encode(NAMES[name]))),
        (
            prop::sample::select(vec!["red", "blue"]),
            prop::sample::select(vec!["eq", "ne", "in", "nin"])
        )
            .prop_map(|(colour, op)| format!("filter[colour][{op}]={colour}")),
        any::<bool>().prop_map(|null| format!("filter[colour][null]={null}")),
        (
            0..PRICES.len(),
            prop::sample::select(vec!["eq", "ne", "lt", "lte", "gt", "gte"])
        )
            .prop_map(|(price, op)| format!("filter[price][{op}]={}", PRICES[price])),
        (0i64..4, 0i64..4).prop_map(|(a, b)| format!("filter[stock][in]={a},{b}")),
        any::<bool>().prop_map(|flag| format!("filter[active]={flag}")),
        (0u32..24, prop::sample::select(vec!["lt", "gte"]))
            .prop_map(|(hour, op)| format!("filter[released][{op}]=2024-01-01T{hour:02}:00:00Z")),
        (1u32..5, prop::sample::select(vec!["lte", "gt"]))
            .prop_map(|(month, op)| format!("filter[launch][{op}]=2024-{month:02}-01")),
    ]
}

/// A QueryBuilder tree of two conditions.
fn tree_strategy() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<bool>(),
        0..PRICES.len(),
        0..NAMES.len(),
    )
        .prop_map(|(or, not, price, name)| {
            encode(&format!(
                r#"{{"condition":"{}","not":{not},"rules":[{{"field":"price","operator":"greater_or_equal","value":{}}},{{"field":"name","operator":"not_contains","value":{}}}]}}"#,
                if or { "OR" } else { "AND" },
                PRICES[price],
                serde_json::to_string(NAMES[name]).unwrap_or_default(),
            ))
        })
}

fn sort_strategy() -> impl Strategy<Value = String> {
    prop::sample::subsequence(
        vec![
            "name", "colour", "price", "stock", "active", "released", "launch",
        ],
        0..3,
    )
    .prop_flat_map(|keys| {
        let count = keys.len();
        (Just(keys), prop::collection::vec(any::<bool>(), count))
    })
    .prop_map(|(keys, descending)| {
        keys.iter()
            .zip(descending)
            .map(|(key, descending)| format!("{}{key}", if descending { "-" } else { "" }))
            .collect::<Vec<_>>()
            .join(",")
    })
}

fn query_strategy() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(condition_strategy(), 0..3),
        proptest::option::of(tree_strategy()),
        sort_strategy(),
        0u64..6,
        1u64..6,
    )
        .prop_map(|(conditions, tree, sort, offset, limit)| {
            let mut parts = conditions;
            if let Some(tree) = tree {
                parts.push(format!("filter={tree}"));
            }
            if !sort.is_empty() {
                parts.push(format!("sort={sort}"));
            }
            parts.push(format!("page[offset]={offset}&page[limit]={limit}"));
            parts.join("&")
        })
}

/// One runtime for every case, so that the PostgreSQL store lives across them.
static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime")
});

/// The PostgreSQL store of the property tests, when a cluster is configured; the tests take
/// turns with it.
static POSTGRES: tokio::sync::OnceCell<Option<SqlStore>> = tokio::sync::OnceCell::const_new();
static POSTGRES_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn sql_and_memory_answer_random_queries_alike(data in data_strategy(), query in query_strategy()) {
        RUNTIME.block_on(async {
            let memory = router(Gadgets::Helper(Arc::new(data.clone())));
            let framework = router(Gadgets::Framework(Arc::new(data.clone())));
            let (expected, expected_document) = answer(&memory, &query).await;
            let total = &expected_document["meta"]["records_total"];

            let sqlite = SqlStore::sqlite().await;
            sqlite.replace(&data).await;
            let (from_sql, sql_document) = answer(&sqlite.router(), &query).await;
            assert_eq!(&from_sql, &expected, "SQLite: {query}");
            assert_eq!(&sql_document["meta"]["records_total"], total, "SQLite total: {query}");

            if let Some(postgres) = POSTGRES.get_or_init(SqlStore::postgres).await {
                let _turn = POSTGRES_TURN.lock().await;
                postgres.replace(&data).await;
                let (from_sql, sql_document) = answer(&postgres.router(), &query).await;
                assert_eq!(&from_sql, &expected, "PostgreSQL: {query}");
                assert_eq!(&sql_document["meta"]["records_total"], total, "PostgreSQL total: {query}");
            }

            // The framework over a plain list (in id order, as the data is) agrees too.
            let (from_framework, _) = answer(&framework, &query).await;
            assert_eq!(&from_framework, &expected, "framework: {query}");
        });
    }
}

/// The ids of every page from `uri` on, following `links.<direction>`.
async fn walk(router: &Router, uri: &str, direction: &str) -> (Vec<i64>, String) {
    let mut ids = Vec::new();
    let mut next = Some(uri.to_owned());
    let mut last = String::new();
    let mut guard = 0;
    while let Some(uri) = next.take() {
        guard += 1;
        assert!(guard < 100, "the pages never end: {uri}");
        let response = get(&uri).send(router).await;
        let document = jsonapi_document(&response, StatusCode::OK);
        let page: Vec<i64> = ids_of(&document);
        if direction == "prev" {
            ids.splice(0..0, page);
        } else {
            ids.extend(page);
        }
        last = uri;
        next = document["links"][direction]
            .as_str()
            .map(|link| link.trim_start_matches("http://shop.test").to_owned());
    }
    (ids, last)
}

fn ids_of(document: &Value) -> Vec<i64> {
    ids(document)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn cursor_pages_walk_the_whole_order_both_ways(
        data in data_strategy(),
        sort in sort_strategy(),
        size in 1u64..4,
    ) {
        RUNTIME.block_on(async {
            let sort_part = if sort.is_empty() { String::new() } else { format!("&sort={sort}") };
            let everything = format!("/gadgets?page[limit]=50{sort_part}");
            let first = format!("/gadgets?page[size]={size}{sort_part}");
            let memory = router(Gadgets::Helper(Arc::new(data.clone())));
            let expected = ids(&jsonapi_document(&get(&everything).send(&memory).await, StatusCode::OK));

            let sqlite = SqlStore::sqlite().await;
            sqlite.replace(&data).await;
            let mut paths = vec![
                ("helper", memory.clone()),
                ("framework", router(Gadgets::Framework(Arc::new(data.clone())))),
                ("sqlite", sqlite.router()),
            ];
            let postgres = POSTGRES.get_or_init(SqlStore::postgres).await;
            let _turn = POSTGRES_TURN.lock().await;
            if let Some(postgres) = postgres {
                postgres.replace(&data).await;
                paths.push(("postgres", postgres.router()));
            }
            for (path, router) in &paths {
                let (forward, last_page) = walk(router, &first, "next").await;
                assert_eq!(&forward, &expected, "{path} forward: {first}");
                let (backward, _) = walk(router, &last_page, "prev").await;
                assert_eq!(&backward, &expected, "{path} backward from {last_page}");
            }
        });
    }
}

#[tokio::test]
async fn cursors_walk_a_plain_list_in_the_tie_breakers_order() {
    // The provider lists the gadgets out of order and without a sort: cursors still need
    // one order to walk, the identifier's.
    let data: Vec<Gadget> = [3, 1, 4, 2]
        .into_iter()
        .map(|id| Gadget {
            id,
            name: format!("gadget {id}"),
            colour: None,
            price: 1.0,
            stock: 1,
            active: true,
            released: None,
            launch: None,
            secret: None,
        })
        .collect();
    let router = router(Gadgets::Framework(Arc::new(data)));
    let (forward, last_page) = walk(&router, "/gadgets?page[size]=1", "next").await;
    assert_eq!(forward, [1, 2, 3, 4]);
    let (backward, _) = walk(&router, &last_page, "prev").await;
    assert_eq!(backward, [1, 2, 3, 4]);
}
