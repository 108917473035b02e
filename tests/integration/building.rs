//! What `Application::try_build` refuses, what the built model shows, a pagination form of the
//! user's own, and identifiers typed by the resource.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use glue_core::meta::{OperationKind, OperationMeta, ResourceMeta};
use glue_core::pagination::{PageInput, PaginationSettings, PaginationStrategy};
use glue_core::resource::{PropertyWriter, WriteInput};
use glue_core::{
    ApiResource, Application, BuildError, CollectionProvider, Context, DeleteProcessor, GlueError,
    ItemProvider, NoId, PageRequest, Paginated, Processor, Resource,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use http::{Method, StatusCode};
use serde_json::json;

use crate::common::{get, jsonapi_document, jsonapi_errors, query_pairs};
use crate::fixtures::{Note, Notes, app};

// ---------------------------------------------------------------------------------------------
// A resource written by hand declares operations that nothing serves

/// A resource written by hand: it has a declaration but does not say how any of its
/// operations is served (the derive would refuse that at compile time).
#[derive(Clone, Debug)]
struct Handmade<D>(PhantomData<D>);

/// A declaration for [`Handmade`].
trait Declared: Clone + std::fmt::Debug + Send + Sync + 'static {
    const META: &'static ResourceMeta;
}

/// `Note`'s declaration: Get, GetCollection and every write.
#[derive(Clone, Debug)]
struct NoteDeclaration;

impl Declared for NoteDeclaration {
    const META: &'static ResourceMeta = <Note as Resource>::META;
}

/// A resource that only declares Post.
#[derive(Clone, Debug)]
struct PostOnly;

impl Declared for PostOnly {
    const META: &'static ResourceMeta = &ResourceMeta {
        name: "Unwritables",
        short_name: "unwritables",
        label: "Unwritable",
        operations: &[OperationMeta {
            kind: OperationKind::Post,
            ..OperationMeta::DEFAULT
        }],
        ..ResourceMeta::DEFAULT
    };
}

impl<D: Declared> Resource for Handmade<D> {
    type Provider = ();
    type Processor = ();
    type Id = NoId;
    const META: &'static ResourceMeta = D::META;

    fn id(&self) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn uri_value(&self, _variable: &str) -> Option<Cow<'_, str>> {
        None
    }

    fn write_properties(&self, _out: &mut PropertyWriter<'_>) -> Result<(), serde_json::Error> {
        Ok(())
    }

    fn from_input(_input: &mut WriteInput<'_>, _previous: Option<Self>) -> Option<Self> {
        None
    }
}

#[test]
fn a_declared_operation_nothing_serves_is_refused_at_build() {
    let refusal = |application: Application| {
        application
            .convention(JsonApi::new())
            .standard_pagination()
            .try_build()
            .map(|_| ())
            .expect_err("an operation is declared but not served")
    };
    for (error, resource, operation) in [
        (
            refusal(Application::new("notes").resource::<Handmade<NoteDeclaration>>((), ())),
            "notes",
            "Get",
        ),
        (
            refusal(Application::new("unwritables").resource::<Handmade<PostOnly>>((), ())),
            "unwritables",
            "Post",
        ),
    ] {
        let BuildError::OperationNotServed {
            resource: refused,
            operation: kind,
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!((*refused, *kind), (resource, operation));
        assert!(error.to_string().contains(resource), "{error}");
        assert!(error.to_string().contains(operation), "{error}");
    }
}

// ---------------------------------------------------------------------------------------------
// Pagination forms: the user's own can be named; an unknown one is refused

/// `?skip=4&take=2`: a form the framework does not ship.
#[derive(Debug, Clone, Copy)]
struct SkipTake;

impl PaginationStrategy for SkipTake {
    fn name(&self) -> &'static str {
        "skip-take"
    }

    fn parse(
        &self,
        input: &PageInput<'_>,
        settings: &PaginationSettings,
    ) -> Result<Option<PageRequest>, GlueError> {
        let (skip, take) = (input.query.get("skip"), input.query.get("take"));
        if skip.is_none() && take.is_none() {
            return Ok(None);
        }
        let take = settings.page_size(take, "take")?;
        let skip = match skip {
            None => 0,
            Some(raw) => raw
                .parse()
                .map_err(|_| GlueError::invalid_parameter("skip", "skip is not a number."))?,
        };
        Ok(Some(PageRequest::new(skip, take)))
    }

    fn owns(&self, key: &str) -> bool {
        key == "skip" || key == "take"
    }

    fn link_params(
        &self,
        target: &PageRequest,
        _input: &PageInput<'_>,
        out: &mut Vec<(Cow<'static, str>, String)>,
    ) {
        out.push((Cow::Borrowed("skip"), target.offset.to_string()));
        out.push((Cow::Borrowed("take"), target.limit.to_string()));
    }
}

/// Letters `a`..`j`, paged in the form the declaration names.
#[derive(ApiResource, Clone, Debug)]
#[api(
    operations(Get, GetCollection),
    provider = Alphabet,
    pagination(form = "skip-take", items_per_page = 3)
)]
struct Letter {
    #[api(identifier)]
    id: String,
}

#[derive(Debug, Clone, Copy)]
struct Alphabet;

impl Alphabet {
    fn all() -> Vec<Letter> {
        ('a'..='j')
            .map(|letter| Letter {
                id: letter.to_string(),
            })
            .collect()
    }
}

impl ItemProvider<Letter> for Alphabet {
    async fn item(&self, ctx: &Context<Letter>) -> Result<Option<Letter>, GlueError> {
        Ok(Self::all()
            .into_iter()
            .find(|letter| Some(&letter.id) == ctx.id()))
    }
}

impl CollectionProvider<Letter> for Alphabet {
    async fn collection(&self, _ctx: &Context<Letter>) -> Result<Paginated<Letter>, GlueError> {
        Ok(Paginated::unpaginated(Self::all()))
    }
}

#[tokio::test]
async fn a_pagination_form_of_the_users_own_can_be_named_by_a_resource() {
    let router = Application::new("letters")
        .convention(JsonApi::new())
        .standard_pagination()
        .pagination_strategy(SkipTake)
        .resource::<Letter>(Alphabet, ())
        .build();

    let answer = get("/letters?skip=4&take=2").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    let ids: Vec<&str> = document["data"]
        .as_array()
        .expect("a collection")
        .iter()
        .map(|item| item["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids, ["e", "f"]);
    let next = query_pairs(&document["links"]["next"]);
    assert!(
        next.contains(&("skip".into(), "6".into())) && next.contains(&("take".into(), "2".into())),
        "{next:?}"
    );

    // Without page parameters, the links of the first page are in the declared form too.
    let answer = get("/letters").send(&router).await;
    let document = jsonapi_document(&answer, StatusCode::OK);
    assert_eq!(document["data"].as_array().map(Vec::len), Some(3));
    let next = query_pairs(&document["links"]["next"]);
    assert!(next.contains(&("skip".into(), "3".into())), "{next:?}");

    // The form's own errors reach the client.
    let answer = get("/letters?skip=many").send(&router).await;
    let errors = jsonapi_errors(&answer, StatusCode::BAD_REQUEST);
    assert_eq!(errors[0]["source"], json!({"parameter": "skip"}));
}

#[test]
fn a_pagination_form_no_strategy_serves_is_refused_at_build() {
    let error = Application::new("letters")
        .convention(JsonApi::new())
        .standard_pagination()
        .resource::<Letter>(Alphabet, ())
        .try_build()
        .map(|_| ())
        .expect_err("nothing serves skip-take");
    let BuildError::UnknownPageForm {
        resource,
        form,
        known,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!((*resource, *form), ("letters", "skip-take"));
    assert!(known.contains(&"offset"), "{known:?}");
    assert!(error.to_string().contains("skip-take"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Typed identifiers

#[tokio::test]
async fn an_identifier_not_of_the_resources_type_names_no_item() {
    let router = app(Notes::with(3));
    let answer = get("/notes/2").send(&router).await;
    jsonapi_document(&answer, StatusCode::OK);
    for path in [
        "/notes/two",
        "/notes/-1",
        "/notes/1.5",
        "/notes/99999999999999999999999",
    ] {
        let answer = get(path).send(&router).await;
        let errors = jsonapi_errors(&answer, StatusCode::NOT_FOUND);
        assert_eq!(errors.len(), 1, "{path}");
        for method in [Method::PATCH, Method::PUT] {
            let answer = crate::common::call(method.clone(), path)
                .jsonapi(&json!({"data": {"type": "notes", "attributes": {"title": "x"}}}))
                .send(&router)
                .await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}");
        }
    }
}

/// Counters whose provider counts the loads it is asked for.
#[derive(ApiResource, Clone, Debug)]
#[api(operations(Get, Delete), provider = Tally, processor = Tally)]
struct Counter {
    #[api(identifier)]
    id: u64,
}

#[derive(Debug, Clone, Default)]
struct Tally(Arc<AtomicUsize>);

impl ItemProvider<Counter> for Tally {
    async fn item(&self, ctx: &Context<Counter>) -> Result<Option<Counter>, GlueError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(ctx.id().map(|&id| Counter { id }))
    }
}

impl Processor<Counter> for Tally {}

impl DeleteProcessor<Counter> for Tally {
    async fn delete(&self, _ctx: &Context<Counter>, _item: Counter) -> Result<(), GlueError> {
        Ok(())
    }
}

#[tokio::test]
async fn an_identifier_not_of_the_resources_type_never_reaches_the_provider() {
    let tally = Tally::default();
    let router = Application::new("counters")
        .convention(JsonApi::new())
        .resource::<Counter>(tally.clone(), tally.clone())
        .build();
    let answer = get("/counters/7").send(&router).await;
    assert_eq!(jsonapi_document(&answer, StatusCode::OK)["data"]["id"], "7");
    assert_eq!(tally.0.load(Ordering::SeqCst), 1);
    for path in ["/counters/seven", "/counters/-7", "/counters/7.0"] {
        for method in [Method::GET, Method::DELETE] {
            let answer = crate::common::call(method.clone(), path)
                .send(&router)
                .await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}");
        }
    }
    assert_eq!(
        tally.0.load(Ordering::SeqCst),
        1,
        "no load for an id of the wrong type"
    );
}

/// Another resource on the counters' item route.
#[derive(ApiResource, Clone, Debug)]
#[api(name = "Tallies", short_name = "counters", operations(Get), provider = Tally)]
struct Rival {
    #[api(identifier)]
    id: u64,
}

impl ItemProvider<Rival> for Tally {
    async fn item(&self, _ctx: &Context<Rival>) -> Result<Option<Rival>, GlueError> {
        Ok(None)
    }
}

#[test]
fn applications_without_a_usable_convention_or_with_clashing_routes_are_refused() {
    let counters =
        || Application::new("counters").resource::<Counter>(Tally::default(), Tally::default());
    let error = counters()
        .try_build()
        .map(|_| ())
        .expect_err("no convention");
    assert!(
        matches!(&error, BuildError::NoConvention(name) if name == "counters"),
        "{error:?}"
    );

    let error = counters()
        .convention(JsonApi::new())
        .default_convention("hal")
        .try_build()
        .map(|_| ())
        .expect_err("hal is not offered");
    assert!(
        matches!(&error, BuildError::UnknownConvention(name) if name == "hal"),
        "{error:?}"
    );

    let error = counters()
        .convention(JsonApi::new())
        .resource::<Rival>(Tally::default(), ())
        .try_build()
        .map(|_| ())
        .expect_err("two Gets on /counters/{id}");
    let BuildError::DuplicateOperation {
        route,
        method,
        first,
        second,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(
        (route.as_str(), method.as_str(), *first, *second),
        ("/counters/{id}", "GET", "Counters", "Tallies")
    );
}

// ---------------------------------------------------------------------------------------------
// The read-only model of the built application

#[test]
fn the_model_lists_routes_operations_and_settings() {
    let router = app(Notes::with(1));
    let model = router.model();
    assert_eq!(model.name(), "fixtures");
    assert_eq!(model.default_convention().name(), "jsonapi");
    assert!(model.resource_type("notes").is_some());
    assert!(model.resource_type("nothing").is_none());

    let item = model
        .routes()
        .iter()
        .find(|route| route.template() == "/notes/{id}")
        .expect("the item route of notes");
    let methods: Vec<&Method> = item.methods();
    for method in [&Method::GET, &Method::PUT, &Method::PATCH, &Method::DELETE] {
        assert!(methods.contains(&method), "{methods:?}");
    }
    let get = item.variants(&Method::GET, None);
    assert_eq!(get.len(), 1);
    assert_eq!(get[0].operation().kind, OperationKind::Get);
    assert_eq!(get[0].variables(), ["id"]);

    let collection = model
        .routes()
        .iter()
        .find(|route| route.template() == "/notes")
        .expect("the collection route of notes");
    let list = collection.variants(&Method::GET, None);
    assert_eq!(list[0].operation().kind, OperationKind::GetCollection);
    assert_eq!(list[0].settings().items_per_page, 5);
    assert_eq!(list[0].settings().maximum_items_per_page, 8);
}
