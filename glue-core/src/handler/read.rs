//! Reads: `Get`, `GetCollection` (whole, or streamed item by item), and the loads of
//! relationships that target the resource.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{Call, Output, Render, TypedHandler, not_found, typed};
use crate::body::{BoxError, BoxFuture, ChunkStream};
use crate::concurrency;
use crate::context::Context;
use crate::convention::Fragments;
use crate::convention::{Convention, PageInfo, RenderContext};
use crate::error::GlueError;
use crate::links::Links;
use crate::pagination::{PageRequest, Total};
use crate::provider::{CollectionProvider, ItemProvider, ItemStream};
use crate::query::{Query, memory};
use crate::resource::{Resource, ResourceObject};
use crate::security::{Guard, Rule};

/// `GET /{type}/{id}`.
pub(crate) fn get<'a, R: Resource>(
    handler: &'a TypedHandler<R>,
    call: Call<'a>,
) -> BoxFuture<'a, Result<Output, GlueError>>
where
    R::Provider: ItemProvider<R>,
{
    Box::pin(async move {
        let Call { request, tools } = call;
        let ctx = typed::<R>(request)?;
        let item = load(handler, &ctx).await?;
        tools.check_loaded(&ctx, &item)?;
        let tag = concurrency::etag_header(&item);
        if let Some(tag) = &tag
            && tag
                .to_str()
                .is_ok_and(|tag| concurrency::not_modified(ctx.headers(), tag))
        {
            return Ok(Output::NotModified(tag.clone()));
        }
        tools
            .render_item(handler, &ctx, &item, &tools.render.document_url, None)
            .await
            .map(|output| output.tagged(tag))
    })
}

/// The addressed item, or 404.
pub(super) async fn load<R: Resource>(
    handler: &TypedHandler<R>,
    ctx: &Context<R>,
) -> Result<R, GlueError>
where
    R::Provider: ItemProvider<R>,
{
    handler
        .provider()
        .item(ctx)
        .await?
        .ok_or_else(|| not_found(R::meta(), ctx.raw_id()))
}

/// `GET /{type}`: the page the client asked for, with its links and meta; or every item,
/// streamed when the provider can.
pub(crate) fn collection<'a, R: Resource>(
    handler: &'a TypedHandler<R>,
    call: Call<'a>,
) -> BoxFuture<'a, Result<Output, GlueError>>
where
    R::Provider: CollectionProvider<R>,
{
    Box::pin(async move {
        let Call { request, tools } = call;
        let ctx = typed::<R>(request)?;
        if ctx.page().is_none()
            && !tools.including(ctx.query())
            && let Some(items) = handler.provider().stream(&ctx)
        {
            let chunks = stream_collection(&tools.render, ctx.query().clone(), items);
            return Ok(Output::Stream(ctx.operation().success_status(), chunks));
        }
        let page = handler.provider().collection(&ctx).await?;
        let (mut items, total) = page.into_parts();
        let total = apply_query(&mut items, total, ctx.query());
        let objects: Vec<&dyn ResourceObject> = items
            .iter()
            .map(|item| item as &dyn ResourceObject)
            .collect();
        // A range past the end is refused before anything else is loaded.
        let page = tools.pager.answer(
            ctx.request(),
            &tools.render.links,
            &tools.render.path,
            &objects,
            total,
        )?;
        let included = tools.includes(&ctx, &objects).await?;
        let render = RenderContext {
            links: &tools.render.links,
            document_url: &tools.render.document_url,
            query: ctx.query(),
            included: included.as_ref(),
            fragments: Some(RefCell::new(Fragments::new())),
            link_plan: RefCell::default(),
        };
        let hint = handler.collection_size.load(Ordering::Relaxed);
        let mut out = Vec::with_capacity(hint + hint / 8);
        write_collection(
            tools.render.convention.as_ref(),
            &mut out,
            &items,
            &page.info,
            &render,
        )
        .map_err(GlueError::internal)?;
        handler.collection_size.store(out.len(), Ordering::Relaxed);
        Ok(Output::Document {
            status: page
                .status
                .unwrap_or_else(|| ctx.operation().success_status()),
            body: out,
            location: None,
            headers: page.headers,
        })
    })
}

/// A plain list is filtered, sorted and paged by the framework (SPEC §5.5); a page the
/// provider made is cut to the page size.
fn apply_query<R: Resource>(items: &mut Vec<R>, total: Total, query: &Query) -> Total {
    if total != Total::Unpaginated {
        if let Some(request) = query.page() {
            items.truncate(request.limit_usize());
        }
        return total;
    }
    if let Some(filter) = query.filter() {
        items.retain(|item| memory::matches(item, filter));
    }
    // Without a requested sort the provider's order stands, unless cursors walk the items:
    // they need the tie-breaker's order.
    if !query.sort().is_empty() || query.page().is_some_and(PageRequest::is_keyset) {
        memory::sort(items, query.sort());
    }
    match query.page() {
        Some(request) => memory::window(items, request, query.sort()),
        None => total,
    }
}

/// The opening, the members and the closing of a collection document.
fn write_collection<R: Resource>(
    convention: &dyn Convention,
    out: &mut Vec<u8>,
    items: &[R],
    page: &PageInfo,
    render: &RenderContext<'_>,
) -> Result<(), serde_json::Error> {
    convention.begin_collection(out, render)?;
    for (index, item) in items.iter().enumerate() {
        convention.write_member(out, index, item, render)?;
    }
    convention.end_collection(out, page, render)
}

/// The items of a relationship that targets `R` (SPEC §3.3): the provider's collection for
/// a context whose filter names the keys wanted, without the items `visible` refuses.
pub(crate) fn related<'a, R: Resource>(
    handler: &'a TypedHandler<R>,
    ctx: Context<R>,
    visible: Option<(&'a Rule, Guard<'a>)>,
) -> BoxFuture<'a, Result<Vec<Arc<dyn ResourceObject>>, GlueError>>
where
    R::Provider: CollectionProvider<R>,
{
    Box::pin(async move {
        let page = handler.provider().collection(&ctx).await?;
        let (mut items, total) = page.into_parts();
        if total == Total::Unpaginated
            && let Some(filter) = ctx.query().filter()
        {
            items.retain(|item| memory::matches(item, filter));
        }
        if let Some((rule, guard)) = visible {
            let facts = ctx.request().facts();
            items.retain(|item| guard.allows(rule, &facts, item));
        }
        Ok(items
            .into_iter()
            .map(|item| Arc::new(item) as Arc<dyn ResourceObject>)
            .collect())
    })
}

/// How much of a streamed collection is written before it is sent.
const STREAM_CHUNK: usize = 32 * 1024;

/// A collection written as its items arrive (SPEC §5.3): the opening, then the members in
/// chunks of about 32 KiB, then the closing with the count; memory holds one chunk at a time.
/// A provider error mid-stream ends the body with an error, so that the client sees an
/// incomplete document.
fn stream_collection<R: Resource>(
    render: &Render<'_>,
    query: Query,
    items: ItemStream<R>,
) -> ChunkStream {
    enum Phase {
        Begin,
        Items,
        Done,
    }
    struct State<R> {
        items: ItemStream<R>,
        convention: Arc<dyn Convention>,
        links: Links,
        document_url: String,
        query: Query,
        phase: Phase,
        count: u64,
    }
    let state = State {
        items,
        convention: Arc::clone(render.convention),
        links: render.links.clone(),
        document_url: render.document_url.clone(),
        query,
        phase: Phase::Begin,
        count: 0,
    };
    let chunks = futures_util::stream::unfold(state, |mut state| async move {
        let mut out = Vec::with_capacity(STREAM_CHUNK + 1024);
        let ctx = RenderContext {
            links: &state.links,
            document_url: &state.document_url,
            query: &state.query,
            included: None,
            fragments: Some(RefCell::new(Fragments::new())),
            link_plan: RefCell::default(),
        };
        let written = match state.phase {
            Phase::Done => return None,
            Phase::Begin => {
                state.phase = Phase::Items;
                state.convention.begin_collection(&mut out, &ctx)
            }
            Phase::Items => loop {
                match futures_util::StreamExt::next(&mut state.items).await {
                    Some(Ok(item)) => {
                        let index = usize::try_from(state.count).unwrap_or(usize::MAX);
                        if let Err(error) =
                            state.convention.write_member(&mut out, index, &item, &ctx)
                        {
                            break Err(error);
                        }
                        state.count += 1;
                        if out.len() >= STREAM_CHUNK {
                            break Ok(());
                        }
                    }
                    Some(Err(error)) => {
                        tracing::error!(
                            error = %error,
                            cause = ?std::error::Error::source(&error).map(ToString::to_string),
                            "a streamed collection failed"
                        );
                        state.phase = Phase::Done;
                        return Some((Err(Box::new(error) as BoxError), state));
                    }
                    None => {
                        state.phase = Phase::Done;
                        break state.convention.end_collection(
                            &mut out,
                            &PageInfo::whole(state.count),
                            &ctx,
                        );
                    }
                }
            },
        };
        let chunk = written
            .map(|()| bytes::Bytes::from(out))
            .map_err(|error| Box::new(error) as BoxError);
        Some((chunk, state))
    });
    Box::pin(chunks)
}
