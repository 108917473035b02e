//! `crate = path`: the derive names the runtime through a path of the user's choosing, here a
//! re-export under another name, as a facade crate would offer it.

mod runtime {
    pub use ::glue_core as glue;
}

use runtime::glue::{Context, GlueError, ItemProvider, Resource};

struct Planets;

impl ItemProvider<Planet> for Planets {
    async fn item(&self, _ctx: &Context<Planet>) -> Result<Option<Planet>, GlueError> {
        Ok(None)
    }
}

#[derive(runtime::glue::ApiResource, Clone)]
#[api(crate = crate::runtime::glue, operations(Get), provider = Planets)]
struct Planet {
    #[api(identifier)]
    name: String,
    moons: u32,
}

fn main() {
    let meta = Planet::meta();
    assert_eq!(meta.short_name, "planets");
    let planet = Planet {
        name: "earth".into(),
        moons: 1,
    };
    assert_eq!(planet.id(), "earth");
    assert_eq!(planet.moons, 1);
}
