//! The typed half of the request flow: one handler per registered resource, monomorphized
//! over the resource type and stored behind an object-safe trait.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::StatusCode;
use serde_json::value::RawValue;

use crate::body::ChunkStream;
use crate::context::Context;
use crate::convention::{Convention, DecodeTarget, PageInfo, RenderContext, WriteDocument};
use crate::error::{ErrorObject, ErrorSource, FieldError, GlueError};
use crate::include::Included;
use crate::links::Links;
use crate::meta::{OperationKind, ResourceMeta};
use crate::pagination::Total;
use crate::provider::{ItemStream, Processor, Provider};
use crate::query::memory;
use crate::resource::{Resource, ResourceObject, WriteInput, WriteMode};
use crate::router::AppInner;
use crate::router::BoxError;
use crate::security::{Guard, OperationSecurity, Rule};

/// A boxed, `Send` future: what object-safe async traits (authenticators, endpoints, stores
/// behind `dyn`) return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Which pagination strategies serve a request: the one that read the client's page (if
/// any; it finishes the answer), and the one whose form links use. The page itself is
/// `ctx.query().page()`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Paging {
    pub(crate) parsed_by: Option<usize>,
    pub(crate) links: Option<usize>,
}

/// Everything a handler needs for one request.
pub(crate) struct Call<'a> {
    pub(crate) app: &'a AppInner,
    pub(crate) ctx: Context,
    pub(crate) convention: &'a dyn Convention,
    pub(crate) convention_index: usize,
    pub(crate) body: Option<(Bytes, &'a dyn Convention)>,
    pub(crate) links: Links,
    pub(crate) path: String,
    pub(crate) document_url: String,
    pub(crate) paging: Paging,
    pub(crate) security: &'a OperationSecurity,
}

impl Call<'_> {
    /// `security` on an item operation, once the item is loaded (SPEC §6.6); rules that do
    /// not read the item already ran before the provider.
    fn check_loaded<R: Resource>(&self, item: Option<&R>) -> Result<(), GlueError> {
        match &self.security.security {
            Some(rule) if rule.reads_object() => {
                self.app.guard().check(rule, &self.ctx.facts(), item, None)
            }
            _ => Ok(()),
        }
    }

    /// `securityPostDenormalize` or `securityPostValidation` on the new state.
    fn check_write<R: Resource>(
        &self,
        rule: Option<&Rule>,
        item: &R,
        previous: Option<&R>,
    ) -> Result<(), GlueError> {
        match rule {
            Some(rule) => self
                .app
                .guard()
                .check(rule, &self.ctx.facts(), Some(item), previous),
            None => Ok(()),
        }
    }
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
}

/// The object-safe face of [`TypedHandler`].
pub(crate) trait ErasedHandler: Send + Sync {
    fn meta(&self) -> &'static ResourceMeta;
    fn handle<'a>(&'a self, call: Call<'a>) -> BoxFuture<'a, Result<Output, GlueError>>;
    /// Items to include in another resource's document: the provider's collection for a
    /// context whose filter names the keys wanted, without the items `visible` refuses.
    fn related<'a>(
        &'a self,
        ctx: Context,
        visible: Option<(&'a Rule, Guard<'a>)>,
    ) -> BoxFuture<'a, Result<Vec<Arc<dyn ResourceObject>>, GlueError>>;
}

pub(crate) struct TypedHandler<R: Resource> {
    provider: R::Provider,
    processor: R::Processor,
    item_size: AtomicUsize,
    collection_size: AtomicUsize,
}

impl<R: Resource> TypedHandler<R> {
    pub(crate) fn new(provider: R::Provider, processor: R::Processor) -> Self {
        Self {
            provider,
            processor,
            item_size: AtomicUsize::new(512),
            collection_size: AtomicUsize::new(4096),
        }
    }
}

impl<R: Resource> ErasedHandler for TypedHandler<R> {
    fn meta(&self) -> &'static ResourceMeta {
        R::meta()
    }

    fn related<'a>(
        &'a self,
        ctx: Context,
        visible: Option<(&'a Rule, Guard<'a>)>,
    ) -> BoxFuture<'a, Result<Vec<Arc<dyn ResourceObject>>, GlueError>> {
        Box::pin(async move {
            let page = self.provider.collection(&ctx).await?;
            let (mut items, total) = page.into_parts();
            if total == Total::Unpaginated
                && let Some(filter) = ctx.query().filter()
            {
                items.retain(|item| memory::matches(item, filter));
            }
            if let Some((rule, guard)) = visible {
                let facts = ctx.facts();
                items.retain(|item| guard.allows(rule, &facts, item));
            }
            Ok(items
                .into_iter()
                .map(|item| Arc::new(item) as Arc<dyn ResourceObject>)
                .collect())
        })
    }

    fn handle<'a>(&'a self, call: Call<'a>) -> BoxFuture<'a, Result<Output, GlueError>> {
        Box::pin(async move {
            match call.ctx.operation.kind {
                OperationKind::Get => self.get(&call).await,
                OperationKind::GetCollection => self.collection(&call).await,
                OperationKind::Post => self.create(&call).await,
                OperationKind::Put => self.write_existing(&call, WriteMode::Replace).await,
                OperationKind::Patch => self.write_existing(&call, WriteMode::Update).await,
                OperationKind::Delete => self.delete(&call).await,
            }
        })
    }
}

impl<R: Resource> TypedHandler<R> {
    async fn load(&self, ctx: &Context) -> Result<R, GlueError> {
        self.provider
            .item(ctx)
            .await?
            .ok_or_else(|| not_found(R::meta(), ctx.id()))
    }

    async fn get(&self, call: &Call<'_>) -> Result<Output, GlueError> {
        let item = self.load(&call.ctx).await?;
        call.check_loaded(Some(&item))?;
        self.render_item(call, &item, &call.document_url, None)
            .await
    }

    async fn collection(&self, call: &Call<'_>) -> Result<Output, GlueError> {
        let query = call.ctx.query();
        let including = !query.include().is_empty() && call.convention.renders_includes();
        if query.page().is_none()
            && !including
            && let Some(items) = self.provider.stream(&call.ctx)
        {
            let chunks = stream_collection(call, items);
            return Ok(Output::Stream(call.ctx.operation.success_status(), chunks));
        }
        let page = self.provider.collection(&call.ctx).await?;
        let (mut items, total) = page.into_parts();
        let query = call.ctx.query();
        let total = if total == Total::Unpaginated {
            // A plain list: the framework applies the query (SPEC §5.5).
            if let Some(filter) = query.filter() {
                items.retain(|item| memory::matches(item, filter));
            }
            // Without a requested sort the provider's order stands.
            if !query.sort().is_empty() {
                memory::sort(&mut items, query.sort());
            }
            match query.page() {
                Some(request) => memory::window(&mut items, request, query.sort()),
                None => total,
            }
        } else {
            if let Some(request) = query.page() {
                items.truncate(request.limit_usize());
            }
            total
        };

        let objects: Vec<&dyn ResourceObject> = items
            .iter()
            .map(|item| item as &dyn ResourceObject)
            .collect();
        // A range past the end is refused before anything else is loaded.
        let page = call.app.page_info(call, &objects, total)?;
        let included = includes(call, &objects).await?;
        let ctx = RenderContext {
            links: &call.links,
            document_url: &call.document_url,
            query: call.ctx.query(),
            included: included.as_ref(),
        };
        let hint = self.collection_size.load(Ordering::Relaxed);
        let mut out = Vec::with_capacity(hint + hint / 8);
        let convention = call.convention;
        convention
            .begin_collection(&mut out, &ctx)
            .map_err(GlueError::internal)?;
        for (index, item) in items.iter().enumerate() {
            convention
                .write_member(&mut out, index, item, &ctx)
                .map_err(GlueError::internal)?;
        }
        convention
            .end_collection(&mut out, &page.info, &ctx)
            .map_err(GlueError::internal)?;
        self.collection_size.store(out.len(), Ordering::Relaxed);
        Ok(Output::Document {
            status: page
                .status
                .unwrap_or_else(|| call.ctx.operation.success_status()),
            body: out,
            location: None,
            headers: page.headers,
        })
    }

    async fn create(&self, call: &Call<'_>) -> Result<Output, GlueError> {
        let (bytes, reader) = request_body(call)?;
        let document = reader.decode(
            bytes,
            &DecodeTarget {
                resource: R::meta(),
                operation: OperationKind::Post,
                url_id: None,
            },
        )?;
        let (attributes, id, unknown) =
            prepare_attributes(document, R::meta(), WriteMode::Create, None)?;
        let mut input = WriteInput::new(WriteMode::Create, attributes, id, &call.ctx.uri_variables);
        let item = R::from_input(&mut input, None);
        if let Some(item) = &item {
            call.check_write(call.security.post_denormalize.as_ref(), item, None)?;
        }
        let mut errors = input_errors(input, item.as_ref(), unknown);
        if let Some(item) = &item {
            let failed = self.processor.validate(&call.ctx, item, None).await?;
            merge_field_errors(&mut errors, failed);
        }
        let item = finish_input(item, errors)?;
        call.check_write(call.security.post_validation.as_ref(), &item, None)?;
        let created = self.processor.create(&call.ctx, item).await?;
        let location = call.links.item_url(&created);
        let self_url = location
            .clone()
            .unwrap_or_else(|| call.document_url.clone());
        self.render_item(call, &created, &self_url, location).await
    }

    async fn write_existing(&self, call: &Call<'_>, mode: WriteMode) -> Result<Output, GlueError> {
        let previous = self.load(&call.ctx).await?;
        call.check_loaded(Some(&previous))?;
        let (bytes, reader) = request_body(call)?;
        let url_id = call.ctx.id();
        let document = reader.decode(
            bytes,
            &DecodeTarget {
                resource: R::meta(),
                operation: call.ctx.operation.kind,
                url_id,
            },
        )?;
        let (attributes, _, unknown) = prepare_attributes(document, R::meta(), mode, url_id)?;
        let mut input = WriteInput::new(mode, attributes, None, &call.ctx.uri_variables);
        let item = R::from_input(&mut input, Some(previous.clone()));
        if let Some(item) = &item {
            call.check_write(
                call.security.post_denormalize.as_ref(),
                item,
                Some(&previous),
            )?;
        }
        let mut errors = input_errors(input, item.as_ref(), unknown);
        if let Some(item) = &item {
            let failed = self
                .processor
                .validate(&call.ctx, item, Some(&previous))
                .await?;
            merge_field_errors(&mut errors, failed);
        }
        let item = finish_input(item, errors)?;
        call.check_write(
            call.security.post_validation.as_ref(),
            &item,
            Some(&previous),
        )?;
        let stored = match mode {
            WriteMode::Replace => self.processor.replace(&call.ctx, item, previous).await?,
            _ => self.processor.update(&call.ctx, item, previous).await?,
        };
        let self_url = call
            .links
            .item_url(&stored)
            .unwrap_or_else(|| call.document_url.clone());
        self.render_item(call, &stored, &self_url, None).await
    }

    async fn delete(&self, call: &Call<'_>) -> Result<Output, GlueError> {
        let status = call.ctx.operation.success_status();
        match self.provider.item(&call.ctx).await? {
            Some(item) => {
                call.check_loaded(Some(&item))?;
                self.processor.delete(&call.ctx, item).await?;
                Ok(Output::Empty(status))
            }
            None if R::meta().idempotent_delete => Ok(Output::Empty(status)),
            None => Err(not_found(R::meta(), call.ctx.id())),
        }
    }

    async fn render_item(
        &self,
        call: &Call<'_>,
        item: &R,
        self_url: &str,
        location: Option<String>,
    ) -> Result<Output, GlueError> {
        let included = includes(call, &[item as &dyn ResourceObject]).await?;
        let ctx = RenderContext {
            links: &call.links,
            document_url: self_url,
            query: call.ctx.query(),
            included: included.as_ref(),
        };
        let hint = self.item_size.load(Ordering::Relaxed);
        let mut out = Vec::with_capacity(hint + hint / 8);
        call.convention
            .write_item(&mut out, item, &ctx)
            .map_err(GlueError::internal)?;
        self.item_size.store(out.len(), Ordering::Relaxed);
        Ok(Output::Document {
            status: call.ctx.operation.success_status(),
            body: out,
            location,
            headers: http::HeaderMap::new(),
        })
    }
}

/// How much of a streamed collection is written before it is sent.
const STREAM_CHUNK: usize = 32 * 1024;

/// A collection written as its items arrive (SPEC §5.3): the opening, then the members in
/// chunks of about 32 KiB, then the closing with the count; memory holds one chunk at a time.
fn stream_collection<R: Resource>(call: &Call<'_>, items: ItemStream<R>) -> ChunkStream {
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
        query: crate::query::Query,
        phase: Phase,
        count: u64,
    }
    let state = State {
        items,
        convention: Arc::clone(&call.app.conventions[call.convention_index]),
        links: call.links.clone(),
        document_url: call.document_url.clone(),
        query: call.ctx.query().clone(),
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
                        tracing::error!(error = %error, cause = ?std::error::Error::source(&error).map(ToString::to_string), "a streamed collection failed");
                        state.phase = Phase::Done;
                        return Some((Err(Box::new(error) as BoxError), state));
                    }
                    None => {
                        state.phase = Phase::Done;
                        let page = PageInfo {
                            paginated: false,
                            page: Some(1),
                            pages: Some(1),
                            records: state.count,
                            records_per_page: state.count,
                            records_total: Some(state.count),
                            ..PageInfo::default()
                        };
                        break state.convention.end_collection(&mut out, &page, &ctx);
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

/// The resources `include` asks for around `items`, when the convention shows them.
async fn includes(
    call: &Call<'_>,
    items: &[&dyn ResourceObject],
) -> Result<Option<Included>, GlueError> {
    if call.ctx.query().include().is_empty() || !call.convention.renders_includes() {
        return Ok(None);
    }
    call.app.load_includes(&call.ctx, items).await.map(Some)
}

/// "Customer DE--99 not found."
fn not_found(meta: &ResourceMeta, id: Option<&str>) -> GlueError {
    match id {
        Some(id) => GlueError::not_found(format!("{} {id} not found.", meta.label)),
        None => GlueError::not_found(format!("{} not found.", meta.label)),
    }
}

fn request_body<'c>(call: &'c Call<'_>) -> Result<(&'c [u8], &'c dyn Convention), GlueError> {
    call.body
        .as_ref()
        .map(|(bytes, reader)| (bytes.as_ref(), *reader))
        .ok_or_else(|| GlueError::internal("a write operation reached its handler without a body"))
}

type Attributes<'b> = Vec<(Cow<'b, str>, &'b RawValue)>;

/// Applies the write rules that need only metadata (SPEC §3.7, §4.3): a client id on Post
/// needs a writable identifier (403), an id that differs from the URL's conflicts (409),
/// read-only attributes are dropped, and undeclared ones are returned as 422 errors to be
/// reported with the other invalid properties.
fn prepare_attributes<'b>(
    document: WriteDocument<'b>,
    meta: &ResourceMeta,
    mode: WriteMode,
    url_id: Option<&str>,
) -> Result<(Attributes<'b>, Option<Cow<'b, str>>, Vec<ErrorObject>), GlueError> {
    let identifier = meta.identifier();
    let client_ids = identifier.is_some_and(|property| property.writable);
    let mut id = document.id;
    match (&id, mode) {
        (Some(_), WriteMode::Create) if !client_ids => {
            return Err(GlueError::new(
                StatusCode::FORBIDDEN,
                format!("{} does not accept client-generated ids.", meta.short_name),
            )
            .with_code("client_generated_id")
            .with_source(ErrorSource::Pointer("/data/id".to_owned())));
        }
        (Some(sent), WriteMode::Replace | WriteMode::Update) => {
            if Some(sent.as_ref()) != url_id {
                return Err(id_conflict("/data/id", sent, url_id));
            }
            id = None;
        }
        _ => {}
    }

    let mut errors: Vec<ErrorObject> = Vec::new();
    let mut kept = Vec::with_capacity(document.attributes.len());
    for (name, raw) in document.attributes {
        match meta.property(&name) {
            None => errors.push(
                FieldError::new(
                    name.as_ref(),
                    format!("is not an attribute of {}", meta.short_name),
                )
                .into(),
            ),
            Some(property) if property.identifier => match mode {
                WriteMode::Create if property.writable => kept.push((name, raw)),
                WriteMode::Create => {}
                WriteMode::Replace | WriteMode::Update => {
                    let sent = raw_id(raw);
                    if property.writable && sent.as_deref() != url_id {
                        let pointer = format!("{}/{name}", document.pointer);
                        return Err(id_conflict(&pointer, sent.as_deref().unwrap_or(""), url_id));
                    }
                }
            },
            Some(property) if !property.writable => {}
            Some(_) => kept.push((name, raw)),
        }
    }
    Ok((kept, id, errors))
}

fn id_conflict(pointer: &str, sent: &str, url_id: Option<&str>) -> GlueError {
    GlueError::conflict_at(
        pointer,
        format!(
            "The id \"{sent}\" does not match the id \"{}\" of the URL.",
            url_id.unwrap_or_default()
        ),
    )
}

/// An identifier sent as a JSON string or number, as text.
fn raw_id(raw: &RawValue) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(raw.get()).ok()? {
        serde_json::Value::String(text) => Some(text),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The errors of a write so far: decoding errors, the declared validation rules (for
/// properties that decoded), and unknown attributes.
fn input_errors<R: Resource>(
    input: WriteInput<'_>,
    item: Option<&R>,
    unknown: Vec<ErrorObject>,
) -> Vec<ErrorObject> {
    let mut errors = input.into_errors();
    if let Some(item) = item
        && let Err(failed) = item.validate()
    {
        merge_field_errors(&mut errors, failed);
    }
    errors.extend(unknown);
    errors
}

/// Adds property errors, except for properties that already have one (a property that failed
/// to decode is not validated again).
fn merge_field_errors(errors: &mut Vec<ErrorObject>, failed: Vec<FieldError>) {
    for error in failed {
        let reported = errors.iter().any(|existing| {
            matches!(&existing.source, Some(ErrorSource::Property(p)) if *p == error.property)
        });
        if !reported {
            errors.push(error.into());
        }
    }
}

/// One 422 with every error of the write (SPEC §3.8: all at once), in declaration order, or
/// the item when there is none.
fn finish_input<R: Resource>(
    item: Option<R>,
    mut errors: Vec<ErrorObject>,
) -> Result<R, GlueError> {
    // The identifier is not an attribute: its errors point at it as such (`/data/id`).
    if let Some(identifier) = R::meta().identifier() {
        for error in &mut errors {
            if matches!(&error.source, Some(ErrorSource::Property(p)) if p == identifier.name) {
                error.source = Some(ErrorSource::Identifier(identifier.name.to_owned()));
            }
        }
    }
    match item {
        Some(item) if errors.is_empty() => Ok(item),
        _ if !errors.is_empty() => {
            let properties = R::meta().properties;
            errors.sort_by_key(|error| declaration_order(properties, error));
            Err(GlueError::from_errors(errors))
        }
        _ => Err(GlueError::internal(
            "the resource could not be built and reported no error",
        )),
    }
}

/// Where an error's property stands in the declaration; undeclared ones come last.
fn declaration_order(properties: &[crate::meta::PropertyMeta], error: &ErrorObject) -> usize {
    let name = match &error.source {
        Some(ErrorSource::Property(path)) => path.split(['.', '[']).next().unwrap_or_default(),
        Some(ErrorSource::Identifier(name)) => name.as_str(),
        _ => return usize::MAX,
    };
    properties
        .iter()
        .position(|property| property.name == name)
        .unwrap_or(usize::MAX - 1)
}
