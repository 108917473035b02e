//! How operations are named in the document.

use glue_core::meta::{OperationKind, ResourceMeta};

/// `customers.getCollection`.
pub(crate) fn operation_id(meta: &ResourceMeta, kind: OperationKind) -> String {
    format!("{}.{}", meta.short_name, operation_verb(kind))
}

/// `getCollection` for `GetCollection`.
pub(crate) fn operation_verb(kind: OperationKind) -> &'static str {
    match kind {
        OperationKind::Get => "get",
        OperationKind::GetCollection => "getCollection",
        OperationKind::Post => "post",
        OperationKind::Put => "put",
        OperationKind::Patch => "patch",
        OperationKind::Delete => "delete",
    }
}
