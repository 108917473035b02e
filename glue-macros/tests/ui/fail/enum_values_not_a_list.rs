use glue_core::ApiResource;

struct Plans;

#[derive(ApiResource, Clone)]
#[api(operations(Get), provider = Plans)]
struct Plan {
    #[api(identifier)]
    id: String,
    #[api(enum_values = "basic")]
    tier: String,
}

fn main() {}
