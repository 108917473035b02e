#![allow(unused_imports)]
use glue_core::ApiResource;

struct Shops;

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = Shops)]
struct Shop {
    #[api(identifier)]
    code: String,
    opening_hours: (u8, u8),
}

fn main() {}
