//! Pagination (SPEC §3.2, §4.1, §5.1, §5.2 offset and page-number forms, §5.4, §5.5): page
//! sizes, request forms, links in the form the client used, meta, invalid values, pages past
//! the end, providers with and without a total, and `pagination=false`.

use std::collections::BTreeMap;

use glue_core::{
    ApiResource, Application, CollectionProvider, Context, GlueError, Paginated, PlainJson, Router,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Answer, get, jsonapi_document, jsonapi_errors, keys, plain_document, shop};
use crate::fixtures::{Notes, app};

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

/// `DE--from` ... `DE--to`.
fn customers(from: u32, to: u32) -> Vec<String> {
    (from..=to).map(|n| format!("DE--{n}")).collect()
}

/// `"1"` ... `"to"` as strings.
fn numbered(from: u64, to: u64) -> Vec<String> {
    (from..=to).map(|n| n.to_string()).collect()
}

/// An absolute link split into its address without query and its decoded query parameters.
fn split(link: &str) -> (String, BTreeMap<String, String>) {
    let url = reqwest::Url::parse(link).unwrap_or_else(|error| panic!("{link:?}: {error}"));
    let mut base = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        base.push_str(&format!(":{port}"));
    }
    base.push_str(url.path());
    let params = url
        .query_pairs()
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    (base, params)
}

/// Checks a link points at `address` with exactly these query parameters (in any order),
/// brackets percent-encoded (SPEC §3.1).
fn assert_link(link: &Value, address: &str, params: &[(&str, &str)]) {
    let text = link
        .as_str()
        .unwrap_or_else(|| panic!("expected a link, got {link}"));
    assert!(
        !text.contains('[') && !text.contains(']'),
        "brackets must be percent-encoded: {text}"
    );
    let (base, actual) = split(text);
    assert_eq!(base, address, "{text}");
    let expected: BTreeMap<String, String> = params
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    assert_eq!(actual, expected, "{text}");
}

/// The `source.parameter` of the single error of a 400 JSON:API answer.
fn bad_parameter(answer: &Answer) -> String {
    let errors = jsonapi_errors(answer, StatusCode::BAD_REQUEST);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["status"], "400");
    errors[0]["source"]["parameter"]
        .as_str()
        .unwrap_or_else(|| panic!("no source.parameter: {:#}", errors[0]))
        .to_owned()
}

const CUSTOMERS: &str = "http://shop.test/customers";
const PRODUCTS: &str = "http://shop.test/products";
const NOTES: &str = "http://shop.test/notes";
const EVENTS: &str = "http://shop.test/events";

// ---------------------------------------------------------------------------------------------
// Resources of this module: settings the fixtures and the shop do not show.

/// A provider of `count` numbered items, ignoring pagination (the framework pages them).
#[derive(Debug, Clone, Copy)]
struct Numbers(u64);

/// Sizes the client may not choose: always 4 per page.
#[derive(ApiResource, Clone, Debug)]
#[api(
    short_name = "fixed",
    operations(GetCollection),
    provider = Numbers,
    pagination(items_per_page = 4, client_items_per_page = false)
)]
struct Fixed {
    #[api(identifier)]
    n: u64,
}

/// Pagination disabled.
#[derive(ApiResource, Clone, Debug)]
#[api(
    short_name = "unpaged",
    operations(GetCollection),
    provider = Numbers,
    pagination(enabled = false)
)]
struct Unpaged {
    #[api(identifier)]
    n: u64,
}

/// Nothing declared: the application's defaults (20 per page, maximum 100).
#[derive(ApiResource, Clone, Debug)]
#[api(short_name = "defaulted", operations(GetCollection), provider = Numbers)]
struct Defaulted {
    #[api(identifier)]
    n: u64,
}

/// Links in the page-number form unless the client uses another.
#[derive(ApiResource, Clone, Debug)]
#[api(
    short_name = "numbered",
    operations(GetCollection),
    provider = Numbers,
    pagination(items_per_page = 10, form = "page")
)]
struct PageFormed {
    #[api(identifier)]
    n: u64,
}

macro_rules! numbers_provide {
    ($($resource:ident),*) => {$(
        impl CollectionProvider<$resource> for Numbers {
            async fn collection(&self, _ctx: &Context<$resource>) -> Result<Paginated<$resource>, GlueError> {
                Ok((1..=self.0).map(|n| $resource { n }).collect::<Vec<_>>().into())
            }
        }
    )*};
}

numbers_provide!(Fixed, Unpaged, Defaulted, PageFormed);

/// An application with this module's resources, JSON:API by default.
fn numbers_app(count: u64) -> Router {
    Application::new("numbers")
        .convention(JsonApi::new())
        .convention(PlainJson::new())
        .standard_pagination()
        .resource::<Fixed>(Numbers(count), ())
        .resource::<Unpaged>(Numbers(count), ())
        .resource::<Defaulted>(Numbers(count), ())
        .resource::<PageFormed>(Numbers(count), ())
        .build()
}

// ---------------------------------------------------------------------------------------------
// Page sizes and the offset form

#[tokio::test]
async fn page_limit_alone_gives_that_many_items_with_first_next_last_and_the_exact_meta() {
    let router = shop().await.backend();
    let answer = get("/customers?page[limit]=5").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(1, 5));
    assert_eq!(keys(&document["links"]), ["first", "last", "next", "self"]);
    assert_eq!(
        document["links"]["self"],
        "http://shop.test/customers?page%5Blimit%5D=5"
    );
    assert_link(
        &document["links"]["first"],
        CUSTOMERS,
        &[("page[offset]", "0"), ("page[limit]", "5")],
    );
    assert_link(
        &document["links"]["next"],
        CUSTOMERS,
        &[("page[offset]", "5"), ("page[limit]", "5")],
    );
    assert_link(
        &document["links"]["last"],
        CUSTOMERS,
        &[("page[offset]", "50"), ("page[limit]", "5")],
    );
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 11, "records": 5, "records_per_page": 5, "records_total": 55})
    );
}

#[tokio::test]
async fn customers_default_to_10_per_page() {
    let router = shop().await.backend();
    let answer = get("/customers").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(1, 10));
    assert_eq!(document["links"]["self"], CUSTOMERS);
    assert_eq!(keys(&document["links"]), ["first", "last", "next", "self"]);
    assert_link(
        &document["links"]["next"],
        CUSTOMERS,
        &[("page[offset]", "10"), ("page[limit]", "10")],
    );
    assert_link(
        &document["links"]["last"],
        CUSTOMERS,
        &[("page[offset]", "50"), ("page[limit]", "10")],
    );
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 6, "records": 10, "records_per_page": 10, "records_total": 55})
    );
}

#[tokio::test]
async fn storefront_products_default_to_12_active_products_per_page_with_offset_links() {
    let router = shop().await.storefront();
    let answer = get("/products").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    // SKU-0007 is inactive: the first twelve active products are 1-6 and 8-13.
    let expected: Vec<String> = (1..=13)
        .filter(|n| n % 7 != 0)
        .map(|n| format!("SKU-{n:04}"))
        .collect();
    assert_eq!(ids(&document), expected);
    assert_eq!(keys(&document["links"]), ["first", "last", "next", "self"]);
    assert_link(
        &document["links"]["first"],
        PRODUCTS,
        &[("page[offset]", "0"), ("page[limit]", "12")],
    );
    assert_link(
        &document["links"]["next"],
        PRODUCTS,
        &[("page[offset]", "12"), ("page[limit]", "12")],
    );
    // 200 products, 28 of them inactive: 172 active, 15 pages of 12.
    assert_link(
        &document["links"]["last"],
        PRODUCTS,
        &[("page[offset]", "168"), ("page[limit]", "12")],
    );
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 15, "records": 12, "records_per_page": 12, "records_total": 172})
    );
}

#[tokio::test]
async fn notes_default_to_5_per_page() {
    let router = app(Notes::with(12));
    let answer = get("/notes").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(1, 5));
    assert_link(
        &document["links"]["next"],
        NOTES,
        &[("page[offset]", "5"), ("page[limit]", "5")],
    );
    assert_link(
        &document["links"]["last"],
        NOTES,
        &[("page[offset]", "10"), ("page[limit]", "5")],
    );
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 3, "records": 5, "records_per_page": 5, "records_total": 12})
    );
}

#[tokio::test]
async fn application_defaults_apply_when_the_resource_declares_none() {
    let router = numbers_app(150);
    let answer = get("/defaulted").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(1, 20));
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 8, "records": 20, "records_per_page": 20, "records_total": 150})
    );

    // The default maximum is 100.
    let answer = get("/defaulted?page[limit]=500").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(1, 100));
    assert_eq!(document["meta"]["records_per_page"], 100);
    assert_eq!(document["meta"]["pages"], 2);

    // The shop's addresses declare nothing either.
    let router = shop().await.backend();
    let answer = get("/customers/DE--3/addresses").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 1, "records": 3, "records_per_page": 20, "records_total": 3})
    );
}

#[tokio::test]
async fn page_offset_alone_uses_the_default_size() {
    let router = shop().await.backend();
    let answer = get("/customers?page[offset]=20").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(21, 30));
    assert_eq!(
        keys(&document["links"]),
        ["first", "last", "next", "prev", "self"]
    );
    assert_eq!(
        document["links"]["self"],
        "http://shop.test/customers?page%5Boffset%5D=20"
    );
    assert_link(
        &document["links"]["first"],
        CUSTOMERS,
        &[("page[offset]", "0"), ("page[limit]", "10")],
    );
    assert_link(
        &document["links"]["prev"],
        CUSTOMERS,
        &[("page[offset]", "10"), ("page[limit]", "10")],
    );
    assert_link(
        &document["links"]["next"],
        CUSTOMERS,
        &[("page[offset]", "30"), ("page[limit]", "10")],
    );
    assert_link(
        &document["links"]["last"],
        CUSTOMERS,
        &[("page[offset]", "50"), ("page[limit]", "10")],
    );
    assert_eq!(
        document["meta"],
        json!({"page": 3, "pages": 6, "records": 10, "records_per_page": 10, "records_total": 55})
    );
}

#[tokio::test]
async fn offset_and_limit_together_select_the_window() {
    let router = shop().await.backend();
    let answer = get("/customers?page[offset]=20&page[limit]=7")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(21, 27));
    assert_link(
        &document["links"]["prev"],
        CUSTOMERS,
        &[("page[offset]", "13"), ("page[limit]", "7")],
    );
    assert_link(
        &document["links"]["next"],
        CUSTOMERS,
        &[("page[offset]", "27"), ("page[limit]", "7")],
    );
    assert_eq!(document["meta"]["records_per_page"], 7);
    assert_eq!(document["meta"]["pages"], 8);
    assert_eq!(document["meta"]["records_total"], 55);
}

#[tokio::test]
async fn offset_links_keep_the_other_query_parameters() {
    let router = shop().await.backend();
    let answer = get("/customers?foo=bar&page[offset]=10&page[limit]=5")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(11, 15));
    let (base, self_params) = split(document["links"]["self"].as_str().unwrap());
    assert_eq!(base, CUSTOMERS);
    assert_eq!(self_params.get("foo").map(String::as_str), Some("bar"));
    assert_eq!(
        self_params.get("page[offset]").map(String::as_str),
        Some("10")
    );
    for (name, offset) in [
        ("first", "0"),
        ("prev", "5"),
        ("next", "15"),
        ("last", "50"),
    ] {
        assert_link(
            &document["links"][name],
            CUSTOMERS,
            &[
                ("foo", "bar"),
                ("page[offset]", offset),
                ("page[limit]", "5"),
            ],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The page-number form

#[tokio::test]
async fn page_number_form_writes_links_in_that_form_and_keeps_other_parameters() {
    let router = shop().await.backend();
    let answer = get("/customers?page=3&itemsPerPage=10&foo=bar")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(21, 30));
    assert_eq!(
        keys(&document["links"]),
        ["first", "last", "next", "prev", "self"]
    );
    for (name, page) in [("first", "1"), ("prev", "2"), ("next", "4"), ("last", "6")] {
        assert_link(
            &document["links"][name],
            CUSTOMERS,
            &[("page", page), ("itemsPerPage", "10"), ("foo", "bar")],
        );
    }
    assert_eq!(
        document["meta"],
        json!({"page": 3, "pages": 6, "records": 10, "records_per_page": 10, "records_total": 55})
    );
}

#[tokio::test]
async fn limit_is_a_synonym_for_items_per_page() {
    let router = shop().await.backend();
    let answer = get("/customers?page=2&limit=20").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(21, 40));
    for (name, page) in [("first", "1"), ("prev", "1"), ("next", "3"), ("last", "3")] {
        assert_link(
            &document["links"][name],
            CUSTOMERS,
            &[("page", page), ("limit", "20")],
        );
    }
    assert_eq!(
        document["meta"],
        json!({"page": 2, "pages": 3, "records": 20, "records_per_page": 20, "records_total": 55})
    );
}

#[tokio::test]
async fn page_alone_uses_the_default_size() {
    let router = shop().await.backend();
    let answer = get("/customers?page=2").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(11, 20));
    assert_link(&document["links"]["prev"], CUSTOMERS, &[("page", "1")]);
    assert_link(&document["links"]["next"], CUSTOMERS, &[("page", "3")]);
    assert_link(&document["links"]["last"], CUSTOMERS, &[("page", "6")]);
    assert_eq!(document["meta"]["page"], 2);
    assert_eq!(document["meta"]["records_per_page"], 10);
}

#[tokio::test]
async fn items_per_page_alone_starts_at_the_first_page() {
    let router = shop().await.backend();
    let answer = get("/customers?itemsPerPage=25").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(1, 25));
    assert_eq!(keys(&document["links"]), ["first", "last", "next", "self"]);
    assert_link(
        &document["links"]["next"],
        CUSTOMERS,
        &[("page", "2"), ("itemsPerPage", "25")],
    );
    assert_eq!(document["meta"]["pages"], 3);
}

#[tokio::test]
async fn every_paginated_collection_accepts_the_page_number_form() {
    // The storefront's products are configured for the offset form, yet accept page numbers,
    // and their links follow the form the client used.
    let router = shop().await.storefront();
    let answer = get("/products?page=2").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let expected: Vec<String> = (1..=27)
        .filter(|n| n % 7 != 0)
        .skip(12)
        .take(12)
        .map(|n| format!("SKU-{n:04}"))
        .collect();
    assert_eq!(ids(&document), expected);
    assert_link(&document["links"]["prev"], PRODUCTS, &[("page", "1")]);
    assert_link(&document["links"]["next"], PRODUCTS, &[("page", "3")]);
    assert_link(&document["links"]["last"], PRODUCTS, &[("page", "15")]);
}

#[tokio::test]
async fn the_resource_form_is_used_for_links_when_the_client_used_none() {
    let router = numbers_app(35);
    let answer = get("/numbered").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(1, 10));
    let numbered_url = "http://shop.test/numbered";
    assert_link(&document["links"]["first"], numbered_url, &[("page", "1")]);
    assert_link(&document["links"]["next"], numbered_url, &[("page", "2")]);
    assert_link(&document["links"]["last"], numbered_url, &[("page", "4")]);

    // A client that uses the offset form gets offset links.
    let answer = get("/numbered?page[offset]=10").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(11, 20));
    assert_link(
        &document["links"]["next"],
        numbered_url,
        &[("page[offset]", "20"), ("page[limit]", "10")],
    );
}

// ---------------------------------------------------------------------------------------------
// Sizes: maximum, sizes the client may not choose

#[tokio::test]
async fn sizes_above_the_maximum_are_clamped() {
    let router = app(Notes::with(20));
    for uri in [
        "/notes?page[limit]=100",
        "/notes?page[limit]=9",
        "/notes?itemsPerPage=9",
        "/notes?page=1&limit=50",
    ] {
        let answer = get(uri).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(ids(&document), numbered(1, 8), "{uri}");
        assert_eq!(
            document["meta"],
            json!({"page": 1, "pages": 3, "records": 8, "records_per_page": 8, "records_total": 20}),
            "{uri}"
        );
    }

    let router = shop().await.backend();
    let answer = get("/customers?page[limit]=500").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(1, 55));
    assert_eq!(
        document["meta"],
        json!({"page": 1, "pages": 1, "records": 55, "records_per_page": 100, "records_total": 55})
    );
    assert_eq!(keys(&document["links"]), ["first", "last", "self"]);
    assert_link(
        &document["links"]["last"],
        CUSTOMERS,
        &[("page[offset]", "0"), ("page[limit]", "100")],
    );
}

#[tokio::test]
async fn page_number_links_carry_the_clamped_size_under_the_clients_name() {
    let router = app(Notes::with(20));
    for (uri, name) in [
        ("/notes?page=1&limit=50", "limit"),
        ("/notes?page=1&itemsPerPage=50", "itemsPerPage"),
    ] {
        let answer = get(uri).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_link(
            &document["links"]["next"],
            NOTES,
            &[("page", "2"), (name, "8")],
        );
        assert_link(
            &document["links"]["last"],
            NOTES,
            &[("page", "3"), (name, "8")],
        );
    }
}

#[tokio::test]
async fn a_huge_size_is_clamped_like_any_size_above_the_maximum() {
    let router = shop().await.backend();
    for uri in [
        "/customers?page[limit]=9007199254740992",
        "/customers?itemsPerPage=9007199254740992",
    ] {
        let answer = get(uri).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(ids(&document), customers(1, 55), "{uri}");
        assert_eq!(document["meta"]["records_per_page"], 100, "{uri}");
    }
}

/// SPEC §13.1: numbers beyond 2^53 are refused (400 at the parameter), not saturated.
#[tokio::test]
async fn page_numbers_beyond_two_to_the_53_are_refused() {
    let router = shop().await.backend();
    for (uri, parameter) in [
        ("/customers?page=9007199254740993", "page"),
        (
            "/customers?page[offset]=18446744073709551615",
            "page[offset]",
        ),
        (
            "/customers?page[limit]=100000000000000000000000",
            "page[limit]",
        ),
        ("/customers?page=100000000000000000000000", "page"),
    ] {
        let answer = get(uri).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["source"]["parameter"], parameter, "{uri}");
    }
    // A Range beyond it is malformed, so ignored.
    let ranged = get("/customers")
        .header("range", "customers=0-18446744073709551615")
        .send(&router)
        .await;
    assert_eq!(ranged.status, StatusCode::OK);
}

#[tokio::test]
async fn a_huge_page_is_a_page_past_the_end() {
    let router = shop().await.backend();
    for uri in [
        "/customers?page=9007199254740992",
        "/customers?page[offset]=9007199254740992",
    ] {
        let answer = get(uri).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(document["data"], json!([]), "{uri}");
        assert_eq!(document["meta"]["records_total"], 55, "{uri}");
    }
}

#[tokio::test]
async fn a_page_number_near_the_integer_limit_is_reported_as_requested() {
    let router = shop().await.backend();
    let answer = get("/customers?page=9007199254740992").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"], json!([]));
    assert_eq!(document["meta"]["page"], json!(9_007_199_254_740_992_u64));
    if let Some(prev) = document["links"].get("prev") {
        assert_link(prev, CUSTOMERS, &[("page", "9007199254740991")]);
    }
}

#[tokio::test]
async fn sizes_the_client_may_not_choose_are_ignored() {
    let router = numbers_app(10);
    for uri in [
        "/fixed?page[limit]=2",
        "/fixed?page[limit]=abc",
        "/fixed?page[limit]=0",
        "/fixed?itemsPerPage=7",
        "/fixed?limit=-1",
    ] {
        let answer = get(uri).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(ids(&document), numbered(1, 4), "{uri}");
        assert_eq!(
            document["meta"],
            json!({"page": 1, "pages": 3, "records": 4, "records_per_page": 4, "records_total": 10}),
            "{uri}"
        );
    }
    let answer = get("/fixed?page[offset]=4&page[limit]=2")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(5, 8));
    assert_link(
        &document["links"]["next"],
        "http://shop.test/fixed",
        &[("page[offset]", "8"), ("page[limit]", "4")],
    );
}

#[tokio::test]
async fn a_collection_with_pagination_disabled_returns_everything() {
    let router = numbers_app(30);
    for uri in ["/unpaged", "/unpaged?page[limit]=5", "/unpaged?page=2"] {
        let answer = get(uri).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(ids(&document), numbered(1, 30), "{uri}");
        for name in ["first", "prev", "next", "last"] {
            assert!(document["links"].get(name).is_none(), "{uri}: {name}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid values (SPEC §5.4)

#[tokio::test]
async fn invalid_sizes_pages_and_offsets_are_400_naming_the_parameter() {
    let cases = [
        ("page[limit]=abc", "page[limit]"),
        ("page[limit]=0", "page[limit]"),
        ("page[limit]=-1", "page[limit]"),
        ("page[limit]=2.5", "page[limit]"),
        ("page[limit]=", "page[limit]"),
        ("page[offset]=-1", "page[offset]"),
        ("page[offset]=ten", "page[offset]"),
        ("page[offset]=5&page[limit]=x", "page[limit]"),
        ("page=0", "page"),
        ("page=-2", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("itemsPerPage=0", "itemsPerPage"),
        ("itemsPerPage=-10", "itemsPerPage"),
        ("itemsPerPage=many", "itemsPerPage"),
        ("page=2&limit=0", "limit"),
        ("limit=x", "limit"),
    ];
    let shop = shop().await;
    let notes = app(Notes::with(3));
    let collections = [
        (shop.backend(), "/customers"),
        (shop.storefront(), "/products"),
        (notes.clone(), "/notes"),
        (notes, "/events"),
    ];
    for (router, path) in &collections {
        for (query, parameter) in cases {
            let answer = get(&format!("{path}?{query}")).send(router).await;
            assert_eq!(bad_parameter(&answer), parameter, "{path}?{query}");
        }
    }
}

#[tokio::test]
async fn invalid_page_values_are_400_in_plain_json_too() {
    let router = shop().await.backend();
    let answer = get("/customers?page[limit]=0")
        .accept("application/json")
        .send(&router)
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = answer.json();
    assert_eq!(body["code"], 400);
    assert!(body["message"].is_string(), "{body}");
}

// ---------------------------------------------------------------------------------------------
// Ends of the collection

#[tokio::test]
async fn a_page_past_the_end_is_200_with_empty_data_and_correct_links() {
    let router = shop().await.backend();
    let answer = get("/customers?page[offset]=100").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"], json!([]));
    assert!(document["links"].get("next").is_none());
    assert_link(
        &document["links"]["first"],
        CUSTOMERS,
        &[("page[offset]", "0"), ("page[limit]", "10")],
    );
    assert_link(
        &document["links"]["last"],
        CUSTOMERS,
        &[("page[offset]", "50"), ("page[limit]", "10")],
    );
    assert_eq!(document["meta"]["records"], 0);
    assert_eq!(document["meta"]["pages"], 6);
    assert_eq!(document["meta"]["records_total"], 55);

    let answer = get("/customers?page=9&itemsPerPage=10").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"], json!([]));
    assert!(document["links"].get("next").is_none());
    assert_link(
        &document["links"]["first"],
        CUSTOMERS,
        &[("page", "1"), ("itemsPerPage", "10")],
    );
    assert_link(
        &document["links"]["last"],
        CUSTOMERS,
        &[("page", "6"), ("itemsPerPage", "10")],
    );
    assert_eq!(document["meta"]["records"], 0);
    assert_eq!(document["meta"]["records_total"], 55);

    // A list paged in memory, and a storefront collection.
    let router = app(Notes::with(12));
    let answer = get("/notes?page[offset]=50").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"], json!([]));
    assert!(document["links"].get("next").is_none());
    assert_link(
        &document["links"]["last"],
        NOTES,
        &[("page[offset]", "10"), ("page[limit]", "5")],
    );
    assert_eq!(document["meta"]["records_total"], 12);

    let router = shop().await.storefront();
    let answer = get("/products?page[offset]=500").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"], json!([]));
    assert!(document["links"].get("next").is_none());
    assert_link(
        &document["links"]["last"],
        PRODUCTS,
        &[("page[offset]", "168"), ("page[limit]", "12")],
    );
}

#[tokio::test]
async fn the_last_page_has_prev_and_no_next() {
    let router = shop().await.backend();
    let answer = get("/customers?page=6").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(51, 55));
    assert_eq!(keys(&document["links"]), ["first", "last", "prev", "self"]);
    assert_link(&document["links"]["prev"], CUSTOMERS, &[("page", "5")]);
    assert_link(&document["links"]["last"], CUSTOMERS, &[("page", "6")]);
    assert_eq!(
        document["meta"],
        json!({"page": 6, "pages": 6, "records": 5, "records_per_page": 10, "records_total": 55})
    );

    let answer = get("/customers?page[offset]=50&page[limit]=5")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(51, 55));
    assert_eq!(keys(&document["links"]), ["first", "last", "prev", "self"]);
    assert_link(
        &document["links"]["prev"],
        CUSTOMERS,
        &[("page[offset]", "45"), ("page[limit]", "5")],
    );
}

#[tokio::test]
async fn a_single_page_has_neither_prev_nor_next() {
    let router = shop().await.backend();
    let answer = get("/customers/DE--2/addresses").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(keys(&document["links"]), ["first", "last", "self"]);

    // An empty collection: one (empty) page.
    let answer = get("/customers/DE--4/addresses").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"], json!([]));
    assert!(document["links"].get("next").is_none());
    assert!(document["links"].get("prev").is_none());
    assert_eq!(document["meta"]["records_total"], 0);
    assert_eq!(document["meta"]["records"], 0);
}

#[tokio::test]
async fn plain_json_collections_write_null_prev_and_next_at_the_ends() {
    let router = shop().await.backend();
    let first = plain_document(
        &get("/customers?page=1&limit=20")
            .accept("application/json")
            .send(&router)
            .await,
        StatusCode::OK,
    );
    assert_eq!(first["data"].as_array().map(Vec::len), Some(20));
    assert_eq!(first["data"][0]["customerReference"], "DE--1");
    assert_eq!(keys(&first["links"]), ["first", "last", "next", "prev"]);
    assert_eq!(first["links"]["prev"], Value::Null);
    assert_link(
        &first["links"]["first"],
        CUSTOMERS,
        &[("page", "1"), ("limit", "20")],
    );
    assert_link(
        &first["links"]["next"],
        CUSTOMERS,
        &[("page", "2"), ("limit", "20")],
    );
    assert_link(
        &first["links"]["last"],
        CUSTOMERS,
        &[("page", "3"), ("limit", "20")],
    );
    assert_eq!(
        first["meta"],
        json!({"page": 1, "pages": 3, "records": 20, "records_per_page": 20, "records_total": 55})
    );

    let last = plain_document(
        &get("/customers?page=3&limit=20")
            .accept("application/json")
            .send(&router)
            .await,
        StatusCode::OK,
    );
    assert_eq!(last["data"].as_array().map(Vec::len), Some(15));
    assert_eq!(last["links"]["next"], Value::Null);
    assert_link(
        &last["links"]["prev"],
        CUSTOMERS,
        &[("page", "2"), ("limit", "20")],
    );
    assert_eq!(
        last["meta"],
        json!({"page": 3, "pages": 3, "records": 15, "records_per_page": 20, "records_total": 55})
    );

    let single = plain_document(
        &get("/customers?page[limit]=100")
            .accept("application/json")
            .send(&router)
            .await,
        StatusCode::OK,
    );
    assert_eq!(single["data"].as_array().map(Vec::len), Some(55));
    assert_eq!(single["links"]["prev"], Value::Null);
    assert_eq!(single["links"]["next"], Value::Null);
    assert_link(
        &single["links"]["first"],
        CUSTOMERS,
        &[("page[offset]", "0"), ("page[limit]", "100")],
    );
}

#[tokio::test]
async fn links_lead_through_the_whole_collection() {
    let router = shop().await.backend();
    for start in [
        "/customers?page[limit]=7",
        "/customers?page=1&itemsPerPage=7",
        "/customers?limit=7",
    ] {
        for plain in [false, true] {
            let mut seen = Vec::new();
            let mut next = Some(format!("http://shop.test{start}"));
            let mut pages = 0;
            while let Some(link) = next.take() {
                pages += 1;
                assert!(pages <= 20, "the links loop: {link}");
                let uri = link.strip_prefix("http://shop.test").expect("same host");
                let document = if plain {
                    let document = plain_document(
                        &get(uri).accept("application/json").send(&router).await,
                        StatusCode::OK,
                    );
                    seen.extend(document["data"].as_array().unwrap().iter().map(|customer| {
                        customer["customerReference"].as_str().unwrap().to_owned()
                    }));
                    document
                } else {
                    let document = jsonapi_document(&get(uri).send(&router).await, StatusCode::OK);
                    seen.extend(ids(&document));
                    document
                };
                next = document["links"]["next"].as_str().map(str::to_owned);
            }
            assert_eq!(pages, 8, "{start} plain={plain}");
            assert_eq!(seen, customers(1, 55), "{start} plain={plain}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What providers return (SPEC §5.5)

#[tokio::test]
async fn a_provider_without_a_total_gets_no_last_no_pages_and_no_records_total() {
    let router = app(Notes::with(1));
    let answer = get("/events").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(1, 10));
    assert_eq!(keys(&document["links"]), ["first", "next", "self"]);
    assert_link(
        &document["links"]["next"],
        EVENTS,
        &[("page[offset]", "10"), ("page[limit]", "10")],
    );
    assert_eq!(
        document["meta"],
        json!({"page": 1, "records": 10, "records_per_page": 10})
    );

    // A middle page: prev and next, still no last.
    let answer = get("/events?page[offset]=10").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(11, 20));
    assert_eq!(keys(&document["links"]), ["first", "next", "prev", "self"]);
    assert_eq!(
        document["meta"],
        json!({"page": 2, "records": 10, "records_per_page": 10})
    );

    // The provider says nothing follows the third page.
    let answer = get("/events?page=3").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(21, 25));
    assert_eq!(keys(&document["links"]), ["first", "prev", "self"]);
    assert_link(&document["links"]["prev"], EVENTS, &[("page", "2")]);
    assert_eq!(
        document["meta"],
        json!({"page": 3, "records": 5, "records_per_page": 10})
    );

    // Plain JSON: `last` is null.
    let plain = plain_document(
        &get("/events?page[limit]=4")
            .accept("application/json")
            .send(&router)
            .await,
        StatusCode::OK,
    );
    assert_eq!(plain["data"].as_array().map(Vec::len), Some(4));
    assert_eq!(plain["links"]["last"], Value::Null);
    assert_eq!(plain["links"]["prev"], Value::Null);
    assert_link(
        &plain["links"]["next"],
        EVENTS,
        &[("page[offset]", "4"), ("page[limit]", "4")],
    );
    assert_eq!(
        plain["meta"],
        json!({"page": 1, "records": 4, "records_per_page": 4})
    );
}

#[tokio::test]
async fn a_provider_that_returns_a_plain_list_is_paged_in_memory_with_a_correct_total() {
    let router = app(Notes::with(12));
    let answer = get("/notes?page[offset]=5").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(6, 10));
    assert_eq!(
        document["meta"],
        json!({"page": 2, "pages": 3, "records": 5, "records_per_page": 5, "records_total": 12})
    );

    let answer = get("/notes?page=3").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(11, 12));
    assert_eq!(keys(&document["links"]), ["first", "last", "prev", "self"]);
    assert_eq!(
        document["meta"],
        json!({"page": 3, "pages": 3, "records": 2, "records_per_page": 5, "records_total": 12})
    );
}

// ---------------------------------------------------------------------------------------------
// pagination=false (SPEC §5.1, §5.3)

#[tokio::test]
async fn pagination_false_returns_everything_where_the_client_may_ask() {
    let router = shop().await.backend();
    let answer = get("/customers?pagination=false").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(1, 55));
    // Streamed item by item, each with its own related link.
    for customer in document["data"].as_array().unwrap() {
        let id = customer["id"].as_str().unwrap();
        assert_eq!(
            customer["relationships"]["addresses"]["links"]["related"],
            format!("http://shop.test/customers/{id}/addresses"),
        );
    }
    for name in ["prev", "next"] {
        assert!(document["links"].get(name).is_none(), "{name}");
    }

    // Page parameters do not bring pagination back.
    let answer = get("/customers?pagination=false&page[limit]=3")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(1, 55));

    let plain = plain_document(
        &get("/customers?pagination=false")
            .accept("application/json")
            .send(&router)
            .await,
        StatusCode::OK,
    );
    assert_eq!(plain["data"].as_array().map(Vec::len), Some(55));

    // `pagination=true` is the default behaviour.
    let answer = get("/customers?pagination=true").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), customers(1, 10));

    // A list paged in memory.
    let router = app(Notes::with(12));
    let answer = get("/notes?pagination=false").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(1, 12));
}

#[tokio::test]
async fn pagination_false_is_ignored_where_the_client_may_not_ask() {
    let router = shop().await.storefront();
    for uri in ["/products?pagination=false", "/products?pagination=maybe"] {
        let answer = get(uri).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(document["data"].as_array().map(Vec::len), Some(12), "{uri}");
        assert_eq!(
            document["meta"],
            json!({"page": 1, "pages": 15, "records": 12, "records_per_page": 12, "records_total": 172}),
            "{uri}"
        );
        // The parameter is kept in links like any other.
        let (_, params) = split(document["links"]["next"].as_str().unwrap());
        assert!(params.contains_key("pagination"), "{uri}");
    }

    let router = app(Notes::with(1));
    let answer = get("/events?pagination=false").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(ids(&document), numbered(1, 10));
}

#[tokio::test]
async fn a_bad_pagination_value_is_400_where_the_client_may_ask() {
    let router = shop().await.backend();
    for value in ["maybe", "", "no", "FALSE!"] {
        let answer = get(&format!("/customers?pagination={value}"))
            .send(&router)
            .await;
        assert_eq!(bad_parameter(&answer), "pagination", "{value:?}");
    }
    let router = app(Notes::with(3));
    let answer = get("/notes?pagination=maybe").send(&router).await;
    assert_eq!(bad_parameter(&answer), "pagination");
}
