#![allow(unused_imports)]
use glue_core::ApiResource;

struct Stores;

#[derive(ApiResource, Clone)]
#[api(code_bucket = "E U", operations(Get), provider = Stores)]
struct Store {
    #[api(identifier)]
    name: String,
}

fn main() {}
