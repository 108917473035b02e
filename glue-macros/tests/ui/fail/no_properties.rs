#![allow(unused_imports)]
use glue_core::ApiResource;

struct Pings;

#[derive(ApiResource, Clone)]
#[api(operations(Post), processor = Pings)]
struct Ping {}

fn main() {}
