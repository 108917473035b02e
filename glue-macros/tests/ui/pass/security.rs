//! Every point of evaluation, resource-level rules with per-operation overrides, Rust and wire
//! names on `object`, and a message override alone.
use glue_core::{ApiResource, OperationKind, Resource};

#[derive(Clone, Default)]
struct Documents;
impl glue_core::Provider<Document> for Documents {}
impl glue_core::Processor<Document> for Documents {}

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
