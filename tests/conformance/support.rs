//! Backends for the cases (shared with the other test targets) and small
//! item helpers.

pub use moments_tests::{Backend, aws, endpoint, unique};

use moments_adapters::table::{Item, Key, PK, SK};
use serde_json::Value;

/// An item under `pk`/`sk` with the given other attributes.
pub fn item(pk: &str, sk: &str, attributes: Value) -> Item {
    let mut item = match attributes {
        Value::Object(map) => map,
        Value::Null => Item::new(),
        other => panic!("attributes must be an object, not {other}"),
    };
    item.insert(PK.into(), pk.into());
    item.insert(SK.into(), sk.into());
    item
}

pub fn key(pk: &str, sk: &str) -> Key {
    Key::new(pk, sk)
}
