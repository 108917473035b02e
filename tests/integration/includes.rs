//! Relationships and `include` (SPEC §3.3): relationship links, compound documents with full
//! linkage and each included resource once, one batched provider call per relationship level,
//! sparse fieldsets on included types.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use glue_core::{
    ApiResource, Application, CollectionProvider, Context, GlueError, ItemProvider, Paginated,
    PlainJson, Router,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::{get, jsonapi_document, jsonapi_errors, plain_document, shop};

#[derive(ApiResource, Clone, Debug)]
#[api(
    operations(Get, GetCollection),
    provider = Library,
    pagination(items_per_page = 2),
    relationships(books(target = Book, many, keys(id = authorId)))
)]
pub(crate) struct Author {
    #[api(identifier)]
    id: u32,
    #[api(filterable = false, sortable = false)]
    name: String,
}

#[derive(ApiResource, Clone, Debug)]
#[api(
    operations(Get, GetCollection),
    provider = Library,
    relationships(
        author(target = Author, keys(author_id = id)),
        publisher(target = Publisher, keys(publisher_id = id))
    )
)]
pub(crate) struct Book {
    #[api(identifier)]
    id: u32,
    title: String,
    author_id: u32,
    publisher_id: Option<u32>,
}

#[derive(ApiResource, Clone, Debug)]
#[api(operations(Get), provider = Library)]
pub(crate) struct Publisher {
    #[api(identifier)]
    id: u32,
    name: String,
}

/// An in-memory library that counts the batched calls it receives for includes.
#[derive(Clone, Default)]
pub(crate) struct Library {
    calls: Arc<BTreeMap<&'static str, AtomicUsize>>,
}

impl Library {
    fn new() -> Self {
        Self {
            calls: Arc::new(
                ["authors", "books", "publishers"]
                    .into_iter()
                    .map(|name| (name, AtomicUsize::new(0)))
                    .collect(),
            ),
        }
    }

    fn count<R: glue_core::Resource>(&self, ctx: &Context<R>) {
        if ctx.is_include() {
            self.calls[ctx.resource().short_name].fetch_add(1, Ordering::SeqCst);
        }
    }

    fn calls(&self, name: &str) -> usize {
        self.calls[name].load(Ordering::SeqCst)
    }
}

fn authors() -> Vec<Author> {
    (1..=5)
        .map(|id| Author {
            id,
            name: format!("Author {id}"),
        })
        .collect()
}

/// Author n wrote n - 1 books; books of even ids have publisher 1, of odd ids publisher 2,
/// book 3 has none.
fn books() -> Vec<Book> {
    let mut books = Vec::new();
    let mut id = 0;
    for author in 1..=5u32 {
        for _ in 1..author {
            id += 1;
            books.push(Book {
                id,
                title: format!("Book {id}"),
                author_id: author,
                publisher_id: if id == 3 { None } else { Some(id % 2 + 1) },
            });
        }
    }
    books
}

impl ItemProvider<Author> for Library {
    async fn item(&self, ctx: &Context<Author>) -> Result<Option<Author>, GlueError> {
        Ok(authors()
            .into_iter()
            .find(|author| Some(&author.id) == ctx.id()))
    }
}

impl CollectionProvider<Author> for Library {
    async fn collection(&self, ctx: &Context<Author>) -> Result<Paginated<Author>, GlueError> {
        self.count(ctx);
        Ok(authors().into())
    }
}

impl ItemProvider<Book> for Library {
    async fn item(&self, ctx: &Context<Book>) -> Result<Option<Book>, GlueError> {
        Ok(books().into_iter().find(|book| Some(&book.id) == ctx.id()))
    }
}

impl CollectionProvider<Book> for Library {
    async fn collection(&self, ctx: &Context<Book>) -> Result<Paginated<Book>, GlueError> {
        self.count(ctx);
        Ok(books().into())
    }
}

fn publishers() -> Vec<Publisher> {
    vec![
        Publisher {
            id: 1,
            name: "Even Press".to_owned(),
        },
        Publisher {
            id: 2,
            name: "Odd House".to_owned(),
        },
    ]
}

impl ItemProvider<Publisher> for Library {
    async fn item(&self, ctx: &Context<Publisher>) -> Result<Option<Publisher>, GlueError> {
        Ok(publishers()
            .into_iter()
            .find(|publisher| Some(&publisher.id) == ctx.id()))
    }
}

impl CollectionProvider<Publisher> for Library {
    async fn collection(
        &self,
        ctx: &Context<Publisher>,
    ) -> Result<Paginated<Publisher>, GlueError> {
        self.count(ctx);
        Ok(publishers().into())
    }
}

fn library(library: &Library) -> Router {
    Application::new("library")
        .convention(JsonApi::new())
        .convention(PlainJson::new())
        .standard_pagination()
        .resource::<Author>(library.clone(), ())
        .resource::<Book>(library.clone(), ())
        .resource::<Publisher>(library.clone(), ())
        .build()
}

fn identifiers(value: &Value) -> Vec<(String, String)> {
    let list = match value {
        Value::Array(list) => list.clone(),
        Value::Null => Vec::new(),
        single => vec![single.clone()],
    };
    list.iter()
        .map(|identifier| {
            (
                identifier["type"].as_str().unwrap().to_owned(),
                identifier["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn included_keys(document: &Value) -> Vec<(String, String)> {
    document["included"]
        .as_array()
        .map(|items| identifiers(&Value::Array(items.clone())))
        .unwrap_or_default()
}

#[tokio::test]
async fn relationships_link_to_the_related_resources() {
    let router = library(&Library::new());
    let answer = get("/books/1").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let relationships = &document["data"]["relationships"];
    assert_eq!(
        relationships["author"]["links"]["related"],
        "http://shop.test/authors/2"
    );
    // Publishers have an item route: the to-one link is there; no data without include.
    assert_eq!(
        relationships["publisher"]["links"]["related"],
        "http://shop.test/publishers/2"
    );
    assert!(relationships["author"].get("data").is_none());
    assert!(document.get("included").is_none());

    // Books have no sub-resource route under authors: no related link, so no relationship
    // member unless included.
    let answer = get("/authors/3").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert!(
        document["data"].get("relationships").is_none(),
        "{document:#}"
    );
}

#[tokio::test]
async fn include_builds_a_compound_document_with_full_linkage() {
    let counter = Library::new();
    let router = library(&counter);
    let answer = get("/authors?page[limit]=5&include=books")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let mut linked = BTreeSet::new();
    for author in document["data"].as_array().unwrap() {
        let id: u32 = author["id"].as_str().unwrap().parse().unwrap();
        let data = &author["relationships"]["books"]["data"];
        assert!(data.is_array(), "to-many linkage is an array: {author:#}");
        let books = identifiers(data);
        assert_eq!(books.len(), id as usize - 1, "author {id}");
        linked.extend(books);
    }
    let included: BTreeSet<_> = included_keys(&document).into_iter().collect();
    assert_eq!(included.len(), 10);
    assert_eq!(
        included_keys(&document).len(),
        included.len(),
        "each included resource once"
    );
    assert_eq!(
        included, linked,
        "full linkage: every included resource is linked"
    );
    assert_eq!(
        counter.calls("books"),
        1,
        "one batched call for the relationship"
    );
}

#[tokio::test]
async fn nested_includes_load_one_level_at_a_time() {
    let counter = Library::new();
    let router = library(&counter);
    let answer = get("/authors?page[limit]=5&include=books.publisher,books.author")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let included = included_keys(&document);
    let publishers: Vec<_> = included
        .iter()
        .filter(|(kind, _)| kind == "publishers")
        .collect();
    assert_eq!(publishers.len(), 2, "shared publishers are included once");
    // The authors are primary data: linked from the books, never repeated in included.
    assert!(!included.iter().any(|(kind, _)| kind == "authors"));
    for book in document["included"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["type"] == "books")
    {
        let author = identifiers(&book["relationships"]["author"]["data"]);
        assert_eq!(author.len(), 1);
        let publisher = &book["relationships"]["publisher"]["data"];
        if book["id"] == "3" {
            assert_eq!(*publisher, Value::Null, "a to-one without target is null");
        } else {
            assert_eq!(identifiers(publisher).len(), 1);
        }
    }
    assert_eq!(counter.calls("books"), 1);
    assert_eq!(counter.calls("publishers"), 1);
    assert_eq!(counter.calls("authors"), 1);
}

#[tokio::test]
async fn batched_calls_do_not_grow_with_the_page() {
    for limit in [1, 3, 5] {
        let counter = Library::new();
        let router = library(&counter);
        let answer = get(&format!(
            "/authors?page[limit]={limit}&include=books.publisher"
        ))
        .send(&router)
        .await;
        jsonapi_document(&answer, StatusCode::OK);
        assert_eq!(counter.calls("books"), 1, "limit {limit}");
        // Author 1 wrote no book: no publisher to load, no call.
        let publishers = usize::from(limit > 1);
        assert_eq!(counter.calls("publishers"), publishers, "limit {limit}");
    }
}

#[tokio::test]
async fn sparse_fieldsets_apply_to_included_resources() {
    let router = library(&Library::new());
    let answer = get("/authors/5?include=books&fields[books]=title&fields[authors]=books")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert!(document["data"].get("attributes").is_none(), "{document:#}");
    assert_eq!(
        identifiers(&document["data"]["relationships"]["books"]["data"]).len(),
        4
    );
    for book in document["included"].as_array().unwrap() {
        let names: Vec<&String> = book["attributes"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["title"]);
        assert!(
            book.get("relationships").is_none(),
            "relationships left out of fields[books] are not shown"
        );
    }
}

#[tokio::test]
async fn unknown_include_paths_are_400() {
    let router = library(&Library::new());
    for path in [
        "chapters",
        "books.chapters",
        "books..author",
        "books.publisher.books",
    ] {
        let answer = get(&format!("/authors?include={path}")).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["source"]["parameter"], "include", "{path}");
    }
}

#[tokio::test]
async fn plain_json_shows_no_included_resources() {
    let counter = Library::new();
    let router = library(&counter);
    let answer = get("/authors?include=books")
        .accept("application/json")
        .send(&router)
        .await;
    let document = plain_document(&answer, StatusCode::OK);
    assert!(document.get("included").is_none());
    assert_eq!(
        counter.calls("books"),
        0,
        "nothing is loaded that is not shown"
    );
}

#[tokio::test]
async fn every_item_of_a_collection_links_to_its_own_related_resources() {
    let router = library(&Library::new());
    let books = books();
    for query in [
        "",
        "?fields[books]=title,publisher",
        "?fields[books]=publisher,author",
    ] {
        let answer = get(&format!("/books{query}")).send(&router).await;
        let document = jsonapi_document(&answer, StatusCode::OK);
        let data = document["data"].as_array().unwrap();
        assert_eq!(data.len(), books.len(), "{query}");
        let with_author = !query.contains("title,publisher");
        for (book, resource) in books.iter().zip(data) {
            let mut expected = serde_json::Map::new();
            if with_author {
                expected.insert(
                    "author".into(),
                    json!({"links": {"related": format!("http://shop.test/authors/{}", book.author_id)}}),
                );
            }
            if let Some(publisher) = book.publisher_id {
                expected.insert(
                    "publisher".into(),
                    json!({"links": {"related": format!("http://shop.test/publishers/{publisher}")}}),
                );
            }
            if expected.is_empty() {
                assert!(
                    resource.get("relationships").is_none(),
                    "{query}: {resource}"
                );
            } else {
                assert_eq!(
                    resource["relationships"],
                    Value::Object(expected),
                    "{query}: book {}",
                    book.id
                );
            }
        }
    }
}

#[tokio::test]
async fn a_collection_writes_each_item_as_its_own_document_does() {
    let router = library(&Library::new());
    for query in [
        "",
        "?include=author,publisher",
        "?fields[books]=publisher&include=author",
    ] {
        let separator = if query.is_empty() { "?" } else { "&" };
        let answer = get(&format!("/books{query}{separator}page[limit]=50"))
            .send(&router)
            .await;
        let collection = jsonapi_document(&answer, StatusCode::OK);
        for resource in collection["data"].as_array().unwrap() {
            let id = resource["id"].as_str().unwrap();
            let answer = get(&format!("/books/{id}{query}")).send(&router).await;
            let item = jsonapi_document(&answer, StatusCode::OK);
            assert_eq!(resource, &item["data"], "{query}: book {id}");
        }
    }
}

/// Books again, with the optional relationship declared first: in one collection the
/// author is the first relationship of some items and the second of others.
#[derive(ApiResource, Clone, Debug)]
#[api(
    operations(GetCollection),
    provider = Library,
    relationships(
        publisher(target = Publisher, keys(publisher_id = id)),
        author(target = Author, keys(author_id = id))
    )
)]
struct Reprint {
    #[api(identifier)]
    id: u32,
    author_id: u32,
    publisher_id: Option<u32>,
}

impl CollectionProvider<Reprint> for Library {
    async fn collection(&self, _ctx: &Context<Reprint>) -> Result<Paginated<Reprint>, GlueError> {
        let reprints: Vec<Reprint> = books()
            .into_iter()
            .map(|book| Reprint {
                id: book.id,
                author_id: book.author_id,
                publisher_id: book.publisher_id,
            })
            .collect();
        Ok(reprints.into())
    }
}

#[tokio::test]
async fn relationships_first_or_not_are_written_whole_for_every_item() {
    let router = Application::new("library")
        .convention(JsonApi::new())
        .standard_pagination()
        .resource::<Author>(Library::new(), ())
        .resource::<Publisher>(Library::new(), ())
        .resource::<Reprint>(Library::new(), ())
        .build();
    let answer = get("/reprints").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let data = document["data"].as_array().unwrap();
    let books = books();
    assert_eq!(data.len(), books.len());
    let text = answer.text();
    for (book, resource) in books.iter().zip(data) {
        let author = format!(
            r#""author":{{"links":{{"related":"http://shop.test/authors/{}"}}}}"#,
            book.author_id
        );
        // In declaration order, as written: the publisher first where there is one.
        let written = match book.publisher_id {
            Some(publisher) => format!(
                r#""relationships":{{"publisher":{{"links":{{"related":"http://shop.test/publishers/{publisher}"}}}},{author}}}"#
            ),
            None => format!(r#""relationships":{{{author}}}"#),
        };
        let own = format!(r#""id":"{}","#, book.id);
        let start = text.find(&own).expect("the item is written");
        let end = text[start..]
            .find(r#""type":"reprints""#)
            .map_or(text.len(), |next| start + next);
        assert!(
            text[start..end].contains(&written),
            "book {}: {written} in {resource}",
            book.id
        );
    }
}

#[tokio::test]
async fn the_shop_includes_customer_addresses() {
    let router = shop().await.backend();
    let answer =
        get("/customers?page[limit]=8&include=addresses&fields[customers-addresses]=city,country")
            .send(&router)
            .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let mut linked = 0;
    for (index, customer) in document["data"].as_array().unwrap().iter().enumerate() {
        let n = index + 1;
        let related = &customer["relationships"]["addresses"];
        assert_eq!(
            related["links"]["related"],
            format!("http://shop.test/customers/DE--{n}/addresses")
        );
        let addresses = identifiers(&related["data"]);
        assert_eq!(addresses.len(), n % 4, "customer DE--{n}");
        linked += addresses.len();
    }
    let included = document["included"].as_array().unwrap();
    assert_eq!(included.len(), linked);
    for address in included {
        let mut names: Vec<&String> = address["attributes"].as_object().unwrap().keys().collect();
        names.sort();
        assert_eq!(names, ["city", "country"]);
        assert!(
            address.get("relationships").is_none(),
            "relationships left out of the fieldset are not shown: {address:#}"
        );
        assert!(
            address["links"]["self"]
                .as_str()
                .unwrap()
                .starts_with("http://shop.test/customers/DE--")
        );
    }

    let answer = get("/customers/DE--3?include=addresses.customer")
        .send(&router)
        .await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let included = included_keys(&document);
    assert_eq!(
        included.len(),
        3,
        "the customer is primary data, not included"
    );
    for address in document["included"].as_array().unwrap() {
        assert_eq!(
            identifiers(&address["relationships"]["customer"]["data"]),
            [("customers".to_owned(), "DE--3".to_owned())]
        );
    }
}

#[tokio::test]
async fn properties_may_opt_out_of_filtering_and_sorting() {
    let router = library(&Library::new());
    for (uri, parameter) in [
        ("/authors?filter[name]=Author%201", "filter[name]"),
        (
            "/authors?filter=%7B%22rules%22%3A%5B%7B%22field%22%3A%22name%22%2C%22operator%22%3A%22equal%22%2C%22value%22%3A%22x%22%7D%5D%7D",
            "filter",
        ),
        ("/authors?sort=-name", "sort"),
    ] {
        let answer = get(uri).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(errors[0]["source"]["parameter"], parameter, "{uri}");
    }
    // The property is still shown.
    let answer = get("/authors/1").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"]["attributes"]["name"], "Author 1");
}
