#![allow(unused_imports)]
use glue_core::{ApiResource, Context, CreateProcessor, GlueError, ItemProvider, Processor};

struct Notes;

impl ItemProvider<Note> for Notes {
    async fn item(&self, _: &Context<Note>) -> Result<Option<Note>, GlueError> {
        Ok(None)
    }
}

impl Processor<Note> for Notes {}

impl CreateProcessor<Note> for Notes {
    async fn create(&self, _: &Context<Note>, note: Note) -> Result<Note, GlueError> {
        Ok(note)
    }
}

#[derive(ApiResource, Clone)]
#[api(operations(Post, Patch), provider = Notes, processor = Notes)]
struct Note {
    #[api(identifier, writable = false)]
    id: u64,
    text: String,
}

fn main() {}
