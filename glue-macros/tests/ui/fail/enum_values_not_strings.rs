use glue_core::ApiResource;

struct Plans;

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

impl ::glue_core::ItemProvider<Plan> for Plans {
    async fn item(&self, _: &::glue_core::Context<Plan>) -> ::core::result::Result<::core::option::Option<Plan>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}
