//! Providers read resources; processors write them.
//!
//! Both traits use `async fn` in the implementation; the router stores them behind an
//! object-safe twin, so implementations stay plain generic code.

use std::future::Future;
use std::pin::Pin;

use futures_util::Stream;

use crate::context::Context;
use crate::error::{FieldError, GlueError};
use crate::pagination::Paginated;
use crate::resource::Resource;

/// Reads items of a resource from wherever they live.
///
/// ```
/// use glue_core::{Context, GlueError, Paginated, Provider};
/// # use glue_core::ApiResource;
/// # #[derive(ApiResource, Clone)]
/// # #[api(operations(Get, GetCollection), provider = Books)]
/// # struct Book { #[api(identifier)] isbn: String, title: String }
///
/// struct Books(Vec<Book>);
///
/// impl Provider<Book> for Books {
///     async fn item(&self, ctx: &Context) -> Result<Option<Book>, GlueError> {
///         Ok(self.0.iter().find(|book| Some(book.isbn.as_str()) == ctx.id()).cloned())
///     }
///
///     async fn collection(&self, _ctx: &Context) -> Result<Paginated<Book>, GlueError> {
///         // A plain list: the framework pages it.
///         Ok(self.0.clone().into())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not provide `{R}` resources",
    note = "implement `glue_core::Provider<{R}>` for `{Self}`"
)]
pub trait Provider<R: Resource>: Send + Sync + 'static {
    /// The item `ctx.id()` (with the other uri variables of a sub-resource), or `None` when
    /// it does not exist. Serves Get, and loads the stored item for Put, Patch and Delete.
    fn item(&self, ctx: &Context) -> impl Future<Output = Result<Option<R>, GlueError>> + Send {
        let _ = ctx;
        async { Ok(None) }
    }

    /// The page `ctx.page()` of the collection. A provider that ignores the page returns
    /// every item (`Vec<R>` converts) and the framework pages them; one that pages returns
    /// [`Paginated::new`] with the total, or [`Paginated::partial`] when counting is costly.
    /// A sub-resource whose parent does not exist answers [`GlueError::not_found`].
    fn collection(
        &self,
        ctx: &Context,
    ) -> impl Future<Output = Result<Paginated<R>, GlueError>> + Send {
        let _ = ctx;
        async { Ok(Paginated::unpaginated(Vec::new())) }
    }

    /// Every item of the collection, one by one, for requests that turn pagination off
    /// (`pagination=false`, SPEC §5.3): the response is written as the items arrive, so memory
    /// stays flat however large the collection. The items must already be filtered and sorted
    /// as `ctx.query()` asks. `None` (the default) lets the framework call
    /// [`collection`](Self::collection) and write the whole list at once.
    fn stream(&self, ctx: &Context) -> Option<ItemStream<R>> {
        let _ = ctx;
        None
    }
}

/// The items of a collection, one by one (for [`Provider::stream`]).
pub type ItemStream<R> = Pin<Box<dyn Stream<Item = Result<R, GlueError>> + Send + 'static>>;

/// Writes items of a resource.
///
/// Every method receives the item as the request built it: defaults applied, read-only
/// properties untouched, validation passed. Operations a resource does not declare never
/// reach the processor; their default methods answer 405.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not process `{R}` resources",
    note = "implement `glue_core::Processor<{R}>` for `{Self}`"
)]
pub trait Processor<R: Resource>: Send + Sync + 'static {
    /// Checks that need the store, such as uniqueness: run on every Post, Put and Patch after
    /// the declared rules, and reported with their errors in one 422 (SPEC §3.8). `previous` is
    /// the stored item for Put and Patch. Returns the invalid properties; an `Err` is a
    /// failure of the check itself.
    fn validate(
        &self,
        ctx: &Context,
        item: &R,
        previous: Option<&R>,
    ) -> impl Future<Output = Result<Vec<FieldError>, GlueError>> + Send {
        let _ = (ctx, item, previous);
        async { Ok(Vec::new()) }
    }

    /// Post: stores a new item and returns it as stored (with its identifier).
    fn create(&self, ctx: &Context, item: R) -> impl Future<Output = Result<R, GlueError>> + Send {
        let _ = (ctx, item);
        async { Err(not_supported("Post")) }
    }

    /// Put: replaces `previous` with `item` and returns the stored item.
    fn replace(
        &self,
        ctx: &Context,
        item: R,
        previous: R,
    ) -> impl Future<Output = Result<R, GlueError>> + Send {
        let _ = (ctx, item, previous);
        async { Err(not_supported("Put")) }
    }

    /// Patch: stores `item` (which is `previous` with the request's changes) and returns it.
    fn update(
        &self,
        ctx: &Context,
        item: R,
        previous: R,
    ) -> impl Future<Output = Result<R, GlueError>> + Send {
        let _ = (ctx, item, previous);
        async { Err(not_supported("Patch")) }
    }

    /// Delete: removes the item.
    fn delete(&self, ctx: &Context, item: R) -> impl Future<Output = Result<(), GlueError>> + Send {
        let _ = (ctx, item);
        async { Err(not_supported("Delete")) }
    }
}

fn not_supported(operation: &str) -> GlueError {
    GlueError::new(
        http::StatusCode::METHOD_NOT_ALLOWED,
        format!("This resource does not support {operation}."),
    )
}

/// The provider of resources that are never read (write-only resources such as token
/// requests).
impl<R: Resource> Provider<R> for () {}

/// The processor of read-only resources.
impl<R: Resource> Processor<R> for () {}
