#![allow(unused_imports)]
use glue_core::ApiResource;

#[derive(ApiResource, Clone)]
#[api(operations(Post))]
struct ContactMessage {
    email: String,
    message: String,
}

fn main() {}
