//! A read-only resource: a provider and no processor.

use glue_core::{ApiResource, CollectionProvider, Context, GlueError, ItemProvider, Paginated, Resource};

struct Planets;

impl ItemProvider<Planet> for Planets {
    async fn item(&self, ctx: &Context<Planet>) -> Result<Option<Planet>, GlueError> {
        Ok((ctx.raw_id() == Some("earth")).then(|| Planet {
            name: "earth".into(),
            moons: 1,
        }))
    }
}

impl CollectionProvider<Planet> for Planets {
    async fn collection(&self, _ctx: &Context<Planet>) -> Result<Paginated<Planet>, GlueError> {
        Ok(Vec::new().into())
    }
}

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = Planets)]
struct Planet {
    #[api(identifier)]
    name: String,
    moons: u32,
}

fn read_only<R: Resource<Provider = Planets, Processor = ()>>() {}

fn main() {
    read_only::<Planet>();
    let meta = Planet::meta();
    assert_eq!(meta.short_name, "planets");
    assert_eq!(meta.operations.len(), 2);
    assert!(meta.operations.iter().all(|op| !op.kind.is_write()));
    let names: Vec<&str> = meta.properties.iter().map(|p| p.name).collect();
    assert_eq!(names, ["name", "moons"]);
    assert!(meta.properties.iter().all(|p| p.readable && p.writable));
    assert_eq!(meta.identifier().unwrap().name, "name");
    let planet = Planet {
        name: "earth".into(),
        moons: 1,
    };
    assert_eq!(planet.id(), "earth");
    assert_eq!(planet.moons, 1);
}
