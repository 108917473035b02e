//! Raw identifiers as field names: the wire name drops the `r#`.

use glue_core::{ApiResource, Processor, Provider, Resource};

struct Kinds;

impl Provider<DocumentKind> for Kinds {}
impl Processor<DocumentKind> for Kinds {}

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection, Post, Patch), provider = Kinds, processor = Kinds)]
struct DocumentKind {
    #[api(identifier)]
    r#type: String,
    r#ref: Option<String>,
    r#async_upload: bool,
}

fn main() {
    let meta = DocumentKind::meta();
    assert_eq!(meta.short_name, "document-kinds");
    let names: Vec<(&str, &str)> = meta.properties.iter().map(|p| (p.name, p.field)).collect();
    assert_eq!(
        names,
        [
            ("type", "type"),
            ("ref", "ref"),
            ("asyncUpload", "async_upload")
        ]
    );
    assert_eq!(meta.identifier().unwrap().name, "type");
    assert_eq!(meta.uri_variables.len(), 1);
    assert_eq!(meta.uri_variables[0].name, "type");

    let kind = DocumentKind {
        r#type: "invoice".to_owned(),
        r#ref: None,
        r#async_upload: false,
    };
    assert_eq!(kind.id(), "invoice");
    assert_eq!(kind.uri_value("type").as_deref(), Some("invoice"));
    assert!(kind.r#ref.is_none() && !kind.r#async_upload);
}
