//! Writes: `Post`, `Put`, `Patch` and `Delete`.

use super::read::load;
use super::{Call, Output, TypedHandler, not_found, typed};
use crate::body::BoxFuture;
use crate::concurrency;
use crate::context::Context;
use crate::error::GlueError;
use crate::provider::{
    CreateProcessor, DeleteProcessor, ItemProvider, Processor, ReplaceProcessor, UpdateProcessor,
};
use crate::resource::{Resource, WriteMode};

/// `POST /{type}`: 201 with the created item and its `Location`.
pub(crate) fn create<'a, R: Resource>(
    handler: &'a TypedHandler<R>,
    call: Call<'a>,
) -> BoxFuture<'a, Result<Output, GlueError>>
where
    R::Processor: CreateProcessor<R>,
{
    Box::pin(async move {
        let Call { request, tools } = call;
        let mut ctx = typed::<R>(request)?;
        let item = tools
            .build(handler.processor(), &mut ctx, WriteMode::Create, None)
            .await?;
        let created = handler.processor().create(&ctx, item).await?;
        let location = tools.render.links.item_url(&created);
        let self_url = location
            .clone()
            .unwrap_or_else(|| tools.render.document_url.clone());
        tools
            .render_item(handler, &ctx, &created, &self_url, location)
            .await
            .map(|output| output.with_etag(&created))
    })
}

/// `PUT /{type}/{id}`: every writable property from the request.
pub(crate) fn replace<'a, R: Resource>(
    handler: &'a TypedHandler<R>,
    call: Call<'a>,
) -> BoxFuture<'a, Result<Output, GlueError>>
where
    R::Provider: ItemProvider<R>,
    R::Processor: ReplaceProcessor<R>,
{
    Box::pin(rewrite(
        handler,
        call,
        WriteMode::Replace,
        async |ctx, item, previous| handler.processor().replace(ctx, item, previous).await,
    ))
}

/// `PATCH /{type}/{id}`: only what the request sends.
pub(crate) fn update<'a, R: Resource>(
    handler: &'a TypedHandler<R>,
    call: Call<'a>,
) -> BoxFuture<'a, Result<Output, GlueError>>
where
    R::Provider: ItemProvider<R>,
    R::Processor: UpdateProcessor<R>,
{
    Box::pin(rewrite(
        handler,
        call,
        WriteMode::Update,
        async |ctx, item, previous| handler.processor().update(ctx, item, previous).await,
    ))
}

/// Put and Patch: the stored item is loaded and checked, the request applied to it, and
/// `store` keeps the result, which the answer shows.
async fn rewrite<R: Resource>(
    handler: &TypedHandler<R>,
    call: Call<'_>,
    mode: WriteMode,
    store: impl AsyncFnOnce(&Context<R>, R, R) -> Result<R, GlueError>,
) -> Result<Output, GlueError>
where
    R::Provider: ItemProvider<R>,
    R::Processor: Processor<R>,
{
    let Call { request, tools } = call;
    let mut ctx = typed::<R>(request)?;
    let previous = load(handler, &ctx).await?;
    tools.check_loaded(&ctx, &previous)?;
    concurrency::check_write(ctx.headers(), &previous)?;
    let item = tools
        .build(handler.processor(), &mut ctx, mode, Some(&previous))
        .await?;
    let stored = store(&ctx, item, previous).await?;
    let self_url = tools
        .render
        .links
        .item_url(&stored)
        .unwrap_or_else(|| tools.render.document_url.clone());
    tools
        .render_item(handler, &ctx, &stored, &self_url, None)
        .await
        .map(|output| output.with_etag(&stored))
}

/// `DELETE /{type}/{id}`: 204; an unknown id is 404, or 204 for a resource that opts into
/// idempotent deletes (SPEC §1.3).
pub(crate) fn delete<'a, R: Resource>(
    handler: &'a TypedHandler<R>,
    call: Call<'a>,
) -> BoxFuture<'a, Result<Output, GlueError>>
where
    R::Provider: ItemProvider<R>,
    R::Processor: DeleteProcessor<R>,
{
    Box::pin(async move {
        let Call { request, tools } = call;
        let status = request.operation.success_status();
        let ctx = match Context::<R>::typed(request) {
            Ok(ctx) => ctx,
            Err(request) => {
                let conditional = concurrency::is_conditional(&request.parts.headers);
                return absent::<R>(status, request.raw_id(), conditional);
            }
        };
        match handler.provider().item(&ctx).await? {
            Some(item) => {
                tools.check_loaded(&ctx, &item)?;
                concurrency::check_write(ctx.headers(), &item)?;
                handler.processor().delete(&ctx, item).await?;
                Ok(Output::Empty(status))
            }
            None => absent::<R>(status, ctx.raw_id(), ctx.is_conditional()),
        }
    })
}

/// A delete of an item that does not exist: 404, or 204 for idempotent deletes (412 when
/// `If-Match` names a version: there is none).
fn absent<R: Resource>(
    status: http::StatusCode,
    id: Option<&str>,
    conditional: bool,
) -> Result<Output, GlueError> {
    if R::meta().idempotent_delete && conditional {
        Err(concurrency::precondition_failed(R::meta()))
    } else if R::meta().idempotent_delete {
        Ok(Output::Empty(status))
    } else {
        Err(not_found(R::meta(), id))
    }
}
