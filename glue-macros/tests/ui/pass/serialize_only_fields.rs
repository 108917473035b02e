//! A resource that is never written needs only `Serialize` on its fields: no decoding code
//! is generated, so `Deserialize` is not required.

use glue_core::{ApiResource, Resource};

#[derive(Clone, serde::Serialize)]
struct Coordinates {
    latitude: f64,
    longitude: f64,
}

struct Stations;

impl ::glue_core::ItemProvider<Station> for Stations {
    async fn item(&self, _: &::glue_core::Context<Station>) -> ::core::result::Result<::core::option::Option<Station>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}

impl ::glue_core::CollectionProvider<Station> for Stations {
    async fn collection(&self, _: &::glue_core::Context<Station>) -> ::core::result::Result<::glue_core::Paginated<Station>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::glue_core::Paginated::unpaginated(::std::vec::Vec::new()))
    }
}



#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = Stations)]
struct Station {
    #[api(identifier)]
    code: String,
    position: Coordinates,
}

fn main() {
    let meta = Station::meta();
    assert_eq!(meta.property("position").unwrap().ty, glue_core::meta::PropertyType::Object);
    let station = Station {
        code: "BER".into(),
        position: Coordinates {
            latitude: 52.5,
            longitude: 13.4,
        },
    };
    let mut out = b"{".to_vec();
    let mut writer = glue_core::resource::PropertyWriter::new(&mut out, true, None);
    station.write_properties(&mut writer).unwrap();
    out.push(b'}');
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"code":"BER","position":{"latitude":52.5,"longitude":13.4}}"#
    );
}
