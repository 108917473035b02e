//! Raw identifiers as field names: the wire name drops the `r#`.

use glue_core::{ApiResource, Processor, Resource};

struct Kinds;


impl Processor<DocumentKind> for Kinds {}

impl ::glue_core::ItemProvider<DocumentKind> for Kinds {
    async fn item(&self, _: &::glue_core::Context<DocumentKind>) -> ::core::result::Result<::core::option::Option<DocumentKind>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}

impl ::glue_core::CollectionProvider<DocumentKind> for Kinds {
    async fn collection(&self, _: &::glue_core::Context<DocumentKind>) -> ::core::result::Result<::glue_core::Paginated<DocumentKind>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::glue_core::Paginated::unpaginated(::std::vec::Vec::new()))
    }
}

impl ::glue_core::CreateProcessor<DocumentKind> for Kinds {
    async fn create(&self, _: &::glue_core::Context<DocumentKind>, item: DocumentKind) -> ::core::result::Result<DocumentKind, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}

impl ::glue_core::UpdateProcessor<DocumentKind> for Kinds {
    async fn update(&self, _: &::glue_core::Context<DocumentKind>, item: DocumentKind, _: DocumentKind) -> ::core::result::Result<DocumentKind, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}


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
