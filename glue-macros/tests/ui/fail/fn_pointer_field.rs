#![allow(unused_imports)]
use glue_core::ApiResource;

struct Shops;

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = Shops)]
struct Shop {
    #[api(identifier)]
    code: String,
    on_open: fn() -> bool,
}

fn main() {}
