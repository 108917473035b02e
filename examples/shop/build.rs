//! Generates the resources declared in `schemas/` (core modules, then the project's layer)
//! into `OUT_DIR`, where `src/lib.rs` includes them.

fn main() {
    let layout = glue_schema::Layout::new(
        "schemas",
        vec![
            glue_schema::Layer::new("core", "core/*/resources/api/{type}"),
            glue_schema::Layer::new("project", "project/resources/api/{type}"),
        ],
    );
    if let Err(error) = glue_schema::build(&layout, &["backend", "storefront"]) {
        panic!("{error}");
    }
}
