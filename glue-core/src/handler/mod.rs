//! The typed half of the request flow: one handler per registered resource, monomorphized
//! over the resource type and stored behind an object-safe trait. A handler serves the
//! operations its resource's [`Operations`] table names, with the capabilities the flow hands
//! it in a [`Call`]: the convention and links to answer with, the page links, an includer and
//! a guard; never the whole application.

mod input;
pub(crate) mod read;
pub(crate) mod write;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::StatusCode;

use crate::body::{BoxFuture, ChunkStream};
use crate::context::{Context, RequestContext};
use crate::convention::{Convention, RenderContext};
use crate::error::GlueError;
use crate::include::{Included, Includer, RelatedSource, Sources};
use crate::links::Links;
use crate::meta::{OperationKind, ResourceMeta};
use crate::paging::Pager;
use crate::resource::{Operations, Resource, ResourceObject};
use crate::security::{Guard, OperationSecurity, Rule};

/// Everything a handler needs for one request: the request, and the tools to answer it.
pub(crate) struct Call<'a> {
    pub(crate) request: RequestContext,
    pub(crate) tools: Tools<'a>,
}

/// The capabilities a handler answers with.
pub(crate) struct Tools<'a> {
    pub(crate) render: Render<'a>,
    /// The body and the convention that reads it, for operations with one.
    pub(crate) body: Option<(Bytes, &'a dyn Convention)>,
    pub(crate) pager: Pager<'a>,
    pub(crate) includer: Includer<'a>,
    pub(crate) guard: Guard<'a>,
    pub(crate) rules: &'a OperationSecurity,
}

/// Where the answer goes: the convention that writes it and the links it carries.
pub(crate) struct Render<'a> {
    pub(crate) convention: &'a Arc<dyn Convention>,
    pub(crate) links: Links,
    /// The request's path, normalized.
    pub(crate) path: String,
    /// The absolute URL of the document, with the request's query.
    pub(crate) document_url: String,
}

/// What a handler answers.
pub(crate) enum Output {
    /// A document in the negotiated convention.
    Document {
        status: StatusCode,
        body: Vec<u8>,
        location: Option<String>,
        headers: http::HeaderMap,
    },
    /// No body (204).
    Empty(StatusCode),
    /// A collection written as its items arrive.
    Stream(StatusCode, ChunkStream),
    /// 304: the client's copy, named by its `ETag`, is current.
    NotModified(http::HeaderValue),
}

impl Output {
    /// The document with the item's `ETag`, when its resource has versions.
    fn with_etag<R: Resource>(self, item: &R) -> Self {
        self.tagged(crate::concurrency::etag_header(item))
    }

    /// The document with this `ETag`, if any.
    fn tagged(mut self, tag: Option<http::HeaderValue>) -> Self {
        if let (Self::Document { headers, .. }, Some(tag)) = (&mut self, tag) {
            headers.insert(http::header::ETAG, tag);
        }
        self
    }
}

/// The object-safe face of [`TypedHandler`].
pub(crate) trait ErasedHandler: RelatedSource {
    /// Whether the resource's table serves an operation of this kind.
    fn serves(&self, kind: OperationKind) -> bool;
    /// Whether relationships can load the resource's items (its provider lists them).
    fn lists(&self) -> bool;
    /// Whether the processor's writes join an atomic request's transaction.
    fn joins_transactions(&self) -> bool;
    fn handle<'a>(&'a self, call: Call<'a>) -> BoxFuture<'a, Result<Output, GlueError>>;
}

/// The handler a relationship to `target` loads from: the target's own, else one of the
/// same type (another version or bucket of it).
pub(crate) fn target_index(
    handlers: &[Arc<dyn ErasedHandler>],
    target: &'static ResourceMeta,
) -> Option<usize> {
    handlers
        .iter()
        .position(|handler| std::ptr::eq(handler.meta(), target))
        .or_else(|| {
            handlers
                .iter()
                .position(|handler| handler.meta().short_name == target.short_name)
        })
}

/// The handlers of an application find the resources includes load.
impl Sources for Vec<Arc<dyn ErasedHandler>> {
    fn source(&self, target: &'static ResourceMeta) -> Option<(usize, &dyn RelatedSource)> {
        let index = target_index(self, target)?;
        Some((index, &*self[index] as &dyn RelatedSource))
    }
}

/// Serves one operation of `R`.
pub(crate) type Serve<R> =
    for<'a> fn(&'a TypedHandler<R>, Call<'a>) -> BoxFuture<'a, Result<Output, GlueError>>;

/// Loads the items of a relationship that targets `R`.
pub(crate) type LoadRelated<R> =
    for<'a> fn(
        &'a TypedHandler<R>,
        Context<R>,
        Option<(&'a Rule, Guard<'a>)>,
    ) -> BoxFuture<'a, Result<Vec<Arc<dyn ResourceObject>>, GlueError>>;

/// How `R`'s operations are served: its table, read back typed.
struct Servers<R: Resource> {
    get: Option<Serve<R>>,
    get_collection: Option<Serve<R>>,
    post: Option<Serve<R>>,
    put: Option<Serve<R>>,
    patch: Option<Serve<R>>,
    delete: Option<Serve<R>>,
    related: Option<LoadRelated<R>>,
    joins: Option<fn(&R::Processor) -> bool>,
}

impl<R: Resource> Servers<R> {
    fn new(operations: &Operations<R>) -> Self {
        let serve =
            |op: &Option<crate::resource::Op<R>>| op.as_ref().and_then(|op| op.typed::<Serve<R>>());
        Self {
            get: serve(&operations.get),
            get_collection: serve(&operations.get_collection),
            post: serve(&operations.post),
            put: serve(&operations.put),
            patch: serve(&operations.patch),
            delete: serve(&operations.delete),
            related: operations
                .related
                .as_ref()
                .and_then(|op| op.typed::<LoadRelated<R>>()),
            joins: operations
                .transactions
                .as_ref()
                .and_then(|op| op.typed::<fn(&R::Processor) -> bool>()),
        }
    }

    fn of(&self, kind: OperationKind) -> Option<Serve<R>> {
        match kind {
            OperationKind::Get => self.get,
            OperationKind::GetCollection => self.get_collection,
            OperationKind::Post => self.post,
            OperationKind::Put => self.put,
            OperationKind::Patch => self.patch,
            OperationKind::Delete => self.delete,
        }
    }
}

/// The handler of resource `R`: its provider, its processor and how each declared operation
/// is served.
pub(crate) struct TypedHandler<R: Resource> {
    provider: R::Provider,
    processor: R::Processor,
    servers: Servers<R>,
    /// The size of the last item and collection answers, to allocate the next one at once.
    item_size: AtomicUsize,
    collection_size: AtomicUsize,
}

impl<R: Resource> TypedHandler<R> {
    pub(crate) fn new(provider: R::Provider, processor: R::Processor) -> Self {
        Self {
            provider,
            processor,
            servers: Servers::new(&R::operations()),
            item_size: AtomicUsize::new(512),
            collection_size: AtomicUsize::new(4096),
        }
    }

    pub(crate) fn provider(&self) -> &R::Provider {
        &self.provider
    }

    pub(crate) fn processor(&self) -> &R::Processor {
        &self.processor
    }
}

impl<R: Resource> RelatedSource for TypedHandler<R> {
    fn meta(&self) -> &'static ResourceMeta {
        R::meta()
    }

    fn related<'a>(
        &'a self,
        request: RequestContext,
        visible: Option<(&'a Rule, Guard<'a>)>,
    ) -> BoxFuture<'a, Result<Vec<Arc<dyn ResourceObject>>, GlueError>> {
        let Some(load) = self.servers.related else {
            return Box::pin(async {
                Err(GlueError::internal(format!(
                    "{} is the target of a relationship but cannot list its items",
                    R::meta().short_name
                )))
            });
        };
        match Context::<R>::typed(request) {
            Ok(ctx) => load(self, ctx, visible),
            Err(_) => Box::pin(async { Ok(Vec::new()) }),
        }
    }
}

impl<R: Resource> ErasedHandler for TypedHandler<R> {
    fn serves(&self, kind: OperationKind) -> bool {
        self.servers.of(kind).is_some()
    }

    fn lists(&self) -> bool {
        self.servers.related.is_some()
    }

    fn joins_transactions(&self) -> bool {
        self.servers
            .joins
            .is_some_and(|joins| joins(&self.processor))
    }

    fn handle<'a>(&'a self, call: Call<'a>) -> BoxFuture<'a, Result<Output, GlueError>> {
        let kind = call.request.operation.kind;
        match self.servers.of(kind) {
            Some(serve) => serve(self, call),
            None => Box::pin(async move {
                Err(GlueError::internal(format!(
                    "{kind} of {} has no server",
                    R::meta().short_name
                )))
            }),
        }
    }
}

impl Tools<'_> {
    /// `security` on an item operation, once the item is loaded (SPEC §6.6); rules that do
    /// not read the item already ran before the provider.
    fn check_loaded<R: Resource>(&self, ctx: &Context<R>, item: &R) -> Result<(), GlueError> {
        match &self.rules.security {
            Some(rule) if rule.reads_object() => {
                self.guard
                    .check(rule, &ctx.request().facts(), Some(item), None)
            }
            _ => Ok(()),
        }
    }

    /// `securityPostDenormalize` or `securityPostValidation` on the new state.
    fn check_write<R: Resource>(
        &self,
        ctx: &Context<R>,
        rule: Option<&Rule>,
        item: &R,
        previous: Option<&R>,
    ) -> Result<(), GlueError> {
        match rule {
            Some(rule) => self
                .guard
                .check(rule, &ctx.request().facts(), Some(item), previous),
            None => Ok(()),
        }
    }

    /// Whether the request asks for included resources in a convention that shows them.
    fn including(&self, query: &crate::query::Query) -> bool {
        !query.include().is_empty() && self.render.convention.renders_includes()
    }

    /// The resources `include` asks for around `items`, when the convention shows them.
    async fn includes<R: Resource>(
        &self,
        ctx: &Context<R>,
        items: &[&dyn ResourceObject],
    ) -> Result<Option<Included>, GlueError> {
        if !self.including(ctx.query()) {
            return Ok(None);
        }
        self.includer.load(ctx.request(), items).await.map(Some)
    }

    /// A single-resource document: the item, with what `include` asks for around it.
    async fn render_item<R: Resource>(
        &self,
        handler: &TypedHandler<R>,
        ctx: &Context<R>,
        item: &R,
        self_url: &str,
        location: Option<String>,
    ) -> Result<Output, GlueError> {
        let included = self.includes(ctx, &[item as &dyn ResourceObject]).await?;
        let render = RenderContext {
            links: &self.render.links,
            document_url: self_url,
            query: ctx.query(),
            included: included.as_ref(),
            fragments: None,
            link_plan: std::cell::RefCell::default(),
        };
        let hint = handler.item_size.load(Ordering::Relaxed);
        let mut out = Vec::with_capacity(hint + hint / 8);
        self.render
            .convention
            .write_item(&mut out, item, &render)
            .map_err(GlueError::internal)?;
        handler.item_size.store(out.len(), Ordering::Relaxed);
        Ok(Output::Document {
            status: ctx.operation().success_status(),
            body: out,
            location,
            headers: http::HeaderMap::new(),
        })
    }
}

/// "Customer DE--99 not found."
fn not_found(meta: &ResourceMeta, id: Option<&str>) -> GlueError {
    match id {
        Some(id) => GlueError::not_found(format!("{} {id} not found.", meta.label)),
        None => GlueError::not_found(format!("{} not found.", meta.label)),
    }
}

/// The typed context of an item operation; a URL whose identifier is not of the resource's
/// type names no item (404).
fn typed<R: Resource>(request: RequestContext) -> Result<Context<R>, GlueError> {
    Context::<R>::typed(request).map_err(|request| not_found(R::meta(), request.raw_id()))
}
