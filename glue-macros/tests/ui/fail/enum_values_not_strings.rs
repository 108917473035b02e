use glue_core::ApiResource;

struct Plans;
impl glue_core::Provider<Plan> for Plans {}

const TIERS: [u8; 2] = [1, 2];

#[derive(ApiResource, Clone)]
#[api(operations(Get), provider = Plans)]
struct Plan {
    #[api(identifier)]
    id: String,
    #[api(enum_values = TIERS)]
    tier: String,
}

fn main() {}
