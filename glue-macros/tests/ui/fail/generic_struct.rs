#![allow(unused_imports)]
use glue_core::ApiResource;

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = ())]
struct Page<T> {
    #[api(identifier)]
    id: String,
    items: Vec<T>,
}

fn main() {}
