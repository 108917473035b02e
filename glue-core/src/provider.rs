//! Providers read resources; processors write them. One trait per operation, so that a
//! declared operation whose method is missing fails to compile, at the operation.
//!
//! | operation | needs |
//! |---|---|
//! | `Get` | [`ItemProvider`] |
//! | `GetCollection` (and being the target of a relationship) | [`CollectionProvider`] |
//! | `Post` | [`CreateProcessor`] |
//! | `Put` | [`ItemProvider`] and [`ReplaceProcessor`] |
//! | `Patch` | [`ItemProvider`] and [`UpdateProcessor`] |
//! | `Delete` | [`ItemProvider`] and [`DeleteProcessor`] |
//!
//! The write traits extend [`Processor`], whose one method, `validate`, has a default.
//! Implementations use `async fn`; the router stores them behind object-safe wrappers, so
//! they stay plain generic code.

use std::future::Future;
use std::pin::Pin;

use futures_util::Stream;

use crate::context::Context;
use crate::error::{FieldError, GlueError};
use crate::pagination::Paginated;
use crate::resource::Resource;

/// Reads one item of a resource: serves `Get`, and loads the stored item for `Put`, `Patch`
/// and `Delete`.
///
/// ```
/// use glue_core::{ApiResource, Context, GlueError, ItemProvider};
/// # #[derive(ApiResource, Clone)]
/// # #[api(operations(Get), provider = Books)]
/// # struct Book { #[api(identifier)] isbn: String, title: String }
///
/// struct Books(Vec<Book>);
///
/// impl ItemProvider<Book> for Books {
///     async fn item(&self, ctx: &Context<Book>) -> Result<Option<Book>, GlueError> {
///         Ok(self.0.iter().find(|book| ctx.id() == Some(&book.isbn)).cloned())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not provide single `{R}` items",
    label = "this operation reads one item",
    note = "implement `glue_core::ItemProvider<{R}>` for `{Self}`: `Get`, `Put`, `Patch` and `Delete` load the addressed item through it"
)]
pub trait ItemProvider<R: Resource>: Send + Sync + 'static {
    /// The item `ctx.id()` (with the other uri variables of a sub-resource), or `None` when
    /// it does not exist.
    fn item(&self, ctx: &Context<R>) -> impl Future<Output = Result<Option<R>, GlueError>> + Send;
}

/// Reads the collection of a resource: serves `GetCollection`, and loads the items of a
/// relationship that targets the resource (SPEC §3.3).
///
/// ```
/// use glue_core::{ApiResource, CollectionProvider, Context, GlueError, Paginated};
/// # #[derive(ApiResource, Clone)]
/// # #[api(operations(GetCollection), provider = Books)]
/// # struct Book { #[api(identifier)] isbn: String, title: String }
///
/// struct Books(Vec<Book>);
///
/// impl CollectionProvider<Book> for Books {
///     async fn collection(&self, _ctx: &Context<Book>) -> Result<Paginated<Book>, GlueError> {
///         // A plain list: the framework filters, sorts and pages it.
///         Ok(self.0.clone().into())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not provide the collection of `{R}`",
    label = "this reads the collection",
    note = "implement `glue_core::CollectionProvider<{R}>` for `{Self}`: `GetCollection` reads through it, and so does a relationship that targets `{R}` (its items are loaded as a collection)"
)]
pub trait CollectionProvider<R: Resource>: Send + Sync + 'static {
    /// The page `ctx.page()` of the collection. A provider that ignores the page returns
    /// every item (`Vec<R>` converts) and the framework pages them; one that pages returns
    /// [`Paginated::new`] with the total, or [`Paginated::partial`] when counting is costly.
    /// A sub-resource whose parent does not exist answers [`GlueError::not_found`].
    ///
    /// For a relationship (`ctx.is_include()`), there are no uri variables and the query's
    /// filter names the keys of every item wanted.
    fn collection(
        &self,
        ctx: &Context<R>,
    ) -> impl Future<Output = Result<Paginated<R>, GlueError>> + Send;

    /// Every item of the collection, one by one, for requests that turn pagination off
    /// (`pagination=false`, SPEC §5.3): the response is written as the items arrive, so memory
    /// stays flat however large the collection. The items must already be filtered and sorted
    /// as `ctx.query()` asks. `None` (the default) lets the framework call
    /// [`collection`](Self::collection) and write the whole list at once.
    fn stream(&self, ctx: &Context<R>) -> Option<ItemStream<R>> {
        let _ = ctx;
        None
    }
}

/// The items of a collection, one by one (for [`CollectionProvider::stream`]).
pub type ItemStream<R> = Pin<Box<dyn Stream<Item = Result<R, GlueError>> + Send + 'static>>;

/// Writes items of a resource: the checks every write shares. Each write operation has its
/// trait on top of this one; the item they receive is as the request built it: defaults
/// applied, read-only properties untouched, validation passed.
///
/// ```
/// use glue_core::{ApiResource, Context, CreateProcessor, GlueError, Processor};
/// # #[derive(ApiResource, Clone)]
/// # #[api(operations(Post), processor = Inbox)]
/// # struct Message { #[api(identifier, writable = false)] id: u64, text: String }
///
/// struct Inbox;
///
/// // No store check: `validate` keeps its default.
/// impl Processor<Message> for Inbox {}
///
/// impl CreateProcessor<Message> for Inbox {
///     async fn create(&self, _ctx: &Context<Message>, message: Message) -> Result<Message, GlueError> {
///         Ok(Message { id: 1, ..message })
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not process `{R}` resources",
    note = "implement `glue_core::Processor<{R}>` for `{Self}`; its `validate` has a default, so `impl Processor<{R}> for {Self} {{}}` is enough"
)]
pub trait Processor<R: Resource>: Send + Sync + 'static {
    /// Checks that need the store, such as uniqueness: run on every Post, Put and Patch after
    /// the declared rules, and reported with their errors in one 422 (SPEC §3.8). `previous` is
    /// the stored item for Put and Patch. Returns the invalid properties; an `Err` is a
    /// failure of the check itself.
    fn validate(
        &self,
        ctx: &Context<R>,
        item: &R,
        previous: Option<&R>,
    ) -> impl Future<Output = Result<Vec<FieldError>, GlueError>> + Send {
        let _ = (ctx, item, previous);
        async { Ok(Vec::new()) }
    }

    /// Whether the writes can join the transaction of an atomic request (SPEC §12.3): the
    /// processor takes it from [`Context::transactions`](crate::Context::transactions) and
    /// writes nothing permanent itself. `false` (the default) refuses such requests with 400.
    fn joins_transactions(&self) -> bool {
        false
    }
}

/// Post: stores a new item.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not create `{R}` items",
    label = "`Post` creates items",
    note = "implement `glue_core::CreateProcessor<{R}>` for `{Self}`"
)]
pub trait CreateProcessor<R: Resource>: Processor<R> {
    /// Stores a new item and returns it as stored (with its identifier).
    fn create(
        &self,
        ctx: &Context<R>,
        item: R,
    ) -> impl Future<Output = Result<R, GlueError>> + Send;
}

/// Put: replaces an item.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not replace `{R}` items",
    label = "`Put` replaces items",
    note = "implement `glue_core::ReplaceProcessor<{R}>` for `{Self}`"
)]
pub trait ReplaceProcessor<R: Resource>: Processor<R> {
    /// Replaces `previous` with `item` and returns the stored item.
    fn replace(
        &self,
        ctx: &Context<R>,
        item: R,
        previous: R,
    ) -> impl Future<Output = Result<R, GlueError>> + Send;
}

/// Patch: changes part of an item.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not update `{R}` items",
    label = "`Patch` updates items",
    note = "implement `glue_core::UpdateProcessor<{R}>` for `{Self}`"
)]
pub trait UpdateProcessor<R: Resource>: Processor<R> {
    /// Stores `item` (which is `previous` with the request's changes) and returns it.
    fn update(
        &self,
        ctx: &Context<R>,
        item: R,
        previous: R,
    ) -> impl Future<Output = Result<R, GlueError>> + Send;
}

/// Delete: removes an item.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not delete `{R}` items",
    label = "`Delete` removes items",
    note = "implement `glue_core::DeleteProcessor<{R}>` for `{Self}`"
)]
pub trait DeleteProcessor<R: Resource>: Processor<R> {
    /// Removes the item.
    fn delete(
        &self,
        ctx: &Context<R>,
        item: R,
    ) -> impl Future<Output = Result<(), GlueError>> + Send;
}

/// The processor of read-only resources.
impl<R: Resource> Processor<R> for () {}
