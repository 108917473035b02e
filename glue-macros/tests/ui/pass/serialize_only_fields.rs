//! A resource that is never written needs only `Serialize` on its fields: no decoding code
//! is generated, so `Deserialize` is not required.

use glue_core::{ApiResource, Provider, Resource};

#[derive(Clone, serde::Serialize)]
struct Coordinates {
    latitude: f64,
    longitude: f64,
}

struct Stations;
impl Provider<Station> for Stations {}

#[derive(ApiResource, Clone)]
#[api(operations(Get, GetCollection), provider = Stations)]
struct Station {
    #[api(identifier)]
    code: String,
    position: Coordinates,
}

fn main() {
    let meta = Station::meta();
    assert_eq!(meta.property("position").unwrap().ty, glue_core::PropertyType::Object);
    let station = Station {
        code: "BER".into(),
        position: Coordinates {
            latitude: 52.5,
            longitude: 13.4,
        },
    };
    let mut out = b"{".to_vec();
    let mut writer = glue_core::PropertyWriter::new(&mut out, true, None);
    station.write_properties(&mut writer).unwrap();
    out.push(b'}');
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"code":"BER","position":{"latitude":52.5,"longitude":13.4}}"#
    );
}
