#![allow(unused_imports)]
use glue_core::ApiResource;

struct Stores;
impl glue_core::Provider<Store> for Stores {}

#[derive(ApiResource, Clone)]
#[api(code_bucket = "E U", operations(Get), provider = Stores)]
struct Store {
    #[api(identifier)]
    name: String,
}

fn main() {}
