//! How operations are named in the document.

use glue_core::meta::{OperationKind, ResourceMeta};

/// `customers.getCollection`.
pub(crate) fn operation_id(meta: &ResourceMeta, kind: OperationKind) -> String {
    format!("{}.{}", meta.short_name, operation_verb(kind))
}

/// `getCollection` for `GetCollection`.
pub(crate) fn operation_verb(kind: OperationKind) -> String {
    let name = kind.name();
    let mut verb = name[..1].to_ascii_lowercase();
    verb.push_str(&name[1..]);
    verb
}
