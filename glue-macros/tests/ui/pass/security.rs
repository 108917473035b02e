//! Every point of evaluation, resource-level rules with per-operation overrides, Rust and wire
//! names on `object`, and a message override alone.
use glue_core::{ApiResource, Resource};
use glue_core::meta::{OperationKind};

#[derive(Clone, Default)]
struct Documents;

impl glue_core::Processor<Document> for Documents {}

impl ::glue_core::ItemProvider<Document> for Documents {
    async fn item(&self, _: &::glue_core::Context<Document>) -> ::core::result::Result<::core::option::Option<Document>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}

impl ::glue_core::CollectionProvider<Document> for Documents {
    async fn collection(&self, _: &::glue_core::Context<Document>) -> ::core::result::Result<::glue_core::Paginated<Document>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::glue_core::Paginated::unpaginated(::std::vec::Vec::new()))
    }
}

impl ::glue_core::CreateProcessor<Document> for Documents {
    async fn create(&self, _: &::glue_core::Context<Document>, item: Document) -> ::core::result::Result<Document, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}

impl ::glue_core::UpdateProcessor<Document> for Documents {
    async fn update(&self, _: &::glue_core::Context<Document>, item: Document, _: Document) -> ::core::result::Result<Document, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}

impl ::glue_core::DeleteProcessor<Document> for Documents {
    async fn delete(&self, _: &::glue_core::Context<Document>, _: Document) -> ::core::result::Result<(), ::glue_core::GlueError> {
        ::core::result::Result::Ok(())
    }
}


#[derive(ApiResource, Clone)]
#[api(
    operations(
        Get,
        GetCollection(security = "is_authenticated()"),
        Post(
            security = "is_granted('ROLE_EDITOR')",
            security_post_denormalize = "object.ownerId == user.id",
            security_post_validation = "object.pages <= 100 or is_granted('ROLE_ADMIN')"
        ),
        Patch(
            security_post_denormalize = "previous_object.owner_id == object.owner_id",
            security_message = "Not your document."
        ),
        Delete(security = "is_granted('DELETE', object)")
    ),
    provider = Documents,
    processor = Documents,
    security = "is_granted('ROLE_ADMIN') or object.ownerId == user.id",
    security_message = "Only the owner."
)]
struct Document {
    #[api(identifier)]
    id: String,
    owner_id: String,
    pages: i64,
}

fn main() {
    let meta = Document::meta();
    let rule = meta.security.security.expect("a resource rule");
    assert_eq!(rule.expression, "is_granted('ROLE_ADMIN') or object.ownerId == user.id");
    let patch = meta.operation(OperationKind::Patch).expect("Patch");
    let effective = meta.security_of(patch);
    assert_eq!(effective.security.and_then(|rule| rule.message), Some("Not your document."));
    assert_eq!(
        effective.security.map(|rule| rule.expression),
        Some("is_granted('ROLE_ADMIN') or object.ownerId == user.id")
    );
    assert!(effective.post_denormalize.is_some());
    let list = meta.operation(OperationKind::GetCollection).expect("GetCollection");
    assert_eq!(
        meta.security_of(list).security.map(|rule| rule.expression),
        Some("is_authenticated()")
    );
}
