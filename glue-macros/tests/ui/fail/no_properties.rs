#![allow(unused_imports)]
use glue_core::ApiResource;

struct Pings;
impl glue_core::Processor<Ping> for Pings {}

#[derive(ApiResource, Clone)]
#[api(operations(Post), processor = Pings)]
struct Ping {}

fn main() {}
