#![allow(unused_imports)]
use glue_core::ApiResource;

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection))]
struct Planet {
    #[api(identifier)]
    name: String,
    moons: u32,
}

fn main() {}
