//! A small in-memory application for behaviour the shop does not show: panicking providers,
//! idempotent deletes, partial pages, unpaginated providers, client-generated ids, every
//! field option.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, NaiveDate, Utc};
use glue_core::{
    ApiResource, Application, CollectionProvider, Context, CreateProcessor, DeleteProcessor,
    GlueError, ItemProvider, Paginated, PlainJson, Processor, ReplaceProcessor, Router,
    UpdateProcessor,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;
use validator::Validate;

/// A note: server-generated numeric ids, every kind of field.
#[derive(ApiResource, Clone, Debug, Validate)]
#[api(
    operations(Get, GetCollection, Post, Put, Patch, Delete),
    provider = Notes,
    processor = Notes,
    idempotent_delete,
    pagination(items_per_page = 5, maximum_items_per_page = 8, client_enabled = true)
)]
pub(crate) struct Note {
    #[api(identifier, writable = false)]
    pub(crate) id: u64,
    #[api(required)]
    #[validate(length(min = 1, max = 50))]
    pub(crate) title: String,
    pub(crate) body: Option<String>,
    pub(crate) tags: Vec<String>,
    #[api(default = 3)]
    #[validate(range(min = 1, max = 5))]
    pub(crate) priority: i32,
    pub(crate) remind_at: Option<DateTime<Utc>>,
    pub(crate) due_on: Option<NaiveDate>,
    #[api(readable = false)]
    pub(crate) secret: Option<String>,
    #[api(writable = false)]
    pub(crate) created_at: DateTime<Utc>,
    #[api(rename = "colour", enum_values("red", "green"), default = "red")]
    pub(crate) color: String,
}

/// The notes, in memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct Notes {
    items: Arc<Mutex<Vec<Note>>>,
}

impl Notes {
    pub(crate) fn with(count: u64) -> Self {
        let notes = Self::default();
        {
            let mut items = notes.lock();
            for id in 1..=count {
                items.push(Note {
                    id,
                    title: format!("Note {id}"),
                    body: (id % 2 == 0).then(|| format!("Body {id}")),
                    tags: vec!["a".to_owned()],
                    priority: 3,
                    remind_at: None,
                    due_on: None,
                    secret: Some("hidden".to_owned()),
                    created_at: DateTime::from_timestamp(1_700_000_000 + id as i64, 0)
                        .unwrap_or_default(),
                    color: "red".to_owned(),
                });
            }
        }
        notes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Note>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn get(&self, id: u64) -> Option<Note> {
        self.lock().iter().find(|note| note.id == id).cloned()
    }

    fn id_of(ctx: &Context<Note>) -> Option<u64> {
        ctx.id().copied()
    }
}

impl ItemProvider<Note> for Notes {
    async fn item(&self, ctx: &Context<Note>) -> Result<Option<Note>, GlueError> {
        Ok(Self::id_of(ctx).and_then(|id| self.get(id)))
    }
}

impl CollectionProvider<Note> for Notes {
    async fn collection(&self, _ctx: &Context<Note>) -> Result<Paginated<Note>, GlueError> {
        // Every note: the framework pages them.
        Ok(self.lock().clone().into())
    }
}

impl Processor<Note> for Notes {}

impl CreateProcessor<Note> for Notes {
    async fn create(&self, _ctx: &Context<Note>, mut note: Note) -> Result<Note, GlueError> {
        let mut items = self.lock();
        note.id = items.iter().map(|note| note.id).max().unwrap_or(0) + 1;
        note.created_at = Utc::now();
        items.push(note.clone());
        Ok(note)
    }
}

impl ReplaceProcessor<Note> for Notes {
    async fn replace(
        &self,
        _ctx: &Context<Note>,
        note: Note,
        _previous: Note,
    ) -> Result<Note, GlueError> {
        let mut items = self.lock();
        if let Some(slot) = items.iter_mut().find(|stored| stored.id == note.id) {
            *slot = note.clone();
        }
        Ok(note)
    }
}

impl UpdateProcessor<Note> for Notes {
    async fn update(
        &self,
        ctx: &Context<Note>,
        note: Note,
        previous: Note,
    ) -> Result<Note, GlueError> {
        self.replace(ctx, note, previous).await
    }
}

impl DeleteProcessor<Note> for Notes {
    async fn delete(&self, _ctx: &Context<Note>, note: Note) -> Result<(), GlueError> {
        self.lock().retain(|stored| stored.id != note.id);
        Ok(())
    }
}

/// A resource whose provider panics.
#[derive(ApiResource, Clone, Debug)]
#[api(operations(Get, GetCollection), provider = Panicking)]
pub(crate) struct Explosive {
    #[api(identifier)]
    pub(crate) id: String,
}

/// Panics on every read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Panicking;

impl ItemProvider<Explosive> for Panicking {
    async fn item(&self, _ctx: &Context<Explosive>) -> Result<Option<Explosive>, GlueError> {
        panic!("the provider exploded with secret detail 0xDEADBEEF");
    }
}

impl CollectionProvider<Explosive> for Panicking {
    async fn collection(
        &self,
        _ctx: &Context<Explosive>,
    ) -> Result<Paginated<Explosive>, GlueError> {
        Err(GlueError::internal("database password is hunter2"))
    }
}

/// Events: a provider that pages itself and cannot count (partial pages).
#[derive(ApiResource, Clone, Debug)]
#[api(operations(GetCollection), provider = EventLog, pagination(items_per_page = 10))]
pub(crate) struct Event {
    #[api(identifier)]
    pub(crate) sequence: u64,
}

/// 25 events, paged by the provider without a total.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EventLog;

impl CollectionProvider<Event> for EventLog {
    async fn collection(&self, ctx: &Context<Event>) -> Result<Paginated<Event>, GlueError> {
        let page = ctx
            .page()
            .cloned()
            .unwrap_or(glue_core::PageRequest::new(0, 25));
        let events: Vec<Event> = (page.offset + 1..=25)
            .take(page.limit as usize)
            .map(|sequence| Event { sequence })
            .collect();
        let has_more = page.offset + page.limit < 25;
        Ok(Paginated::partial(events, has_more))
    }
}

/// Tags: client-generated string ids, read and created.
#[derive(ApiResource, Clone, Debug)]
#[api(operations(Get, Post), provider = Tags, processor = Tags)]
pub(crate) struct Tag {
    #[api(identifier, required)]
    pub(crate) slug: String,
    pub(crate) label: String,
}

/// Tags, in memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tags {
    items: Arc<Mutex<Vec<Tag>>>,
}

impl ItemProvider<Tag> for Tags {
    async fn item(&self, ctx: &Context<Tag>) -> Result<Option<Tag>, GlueError> {
        let items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(items
            .iter()
            .find(|tag| Some(&tag.slug) == ctx.id())
            .cloned())
    }
}

impl Processor<Tag> for Tags {}

impl CreateProcessor<Tag> for Tags {
    async fn create(&self, _ctx: &Context<Tag>, tag: Tag) -> Result<Tag, GlueError> {
        let mut items = self.items.lock().unwrap_or_else(PoisonError::into_inner);
        if items.iter().any(|stored| stored.slug == tag.slug) {
            return Err(GlueError::conflict_at(
                "/data/id",
                format!("Tag {} exists.", tag.slug),
            ));
        }
        items.push(tag.clone());
        Ok(tag)
    }
}

/// The fixture application: JSON:API by default, plain JSON on request.
pub(crate) fn app(notes: Notes) -> Router {
    let tags = Tags::default();
    Application::new("fixtures")
        .convention(JsonApi::new())
        .convention(PlainJson::new())
        .standard_pagination()
        .body_limit(4096)
        .resource::<Note>(notes.clone(), notes)
        .resource::<Explosive>(Panicking, ())
        .resource::<Event>(EventLog, ())
        .resource::<Tag>(tags.clone(), tags)
        .build()
}
