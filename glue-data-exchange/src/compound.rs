//! Rows as JSON:API resource objects (SPEC §3.1, §3.3): `type` is the alias, `id` the
//! identifier, and the rows of included relations become `relationships` linkage on their
//! parent and resources of `included`, each once.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use crate::config::Configuration;
use crate::registry::Loaded;

/// Builds the resources of one document.
pub(crate) struct Compound<'a> {
    loaded: &'a Loaded,
    /// `{base}/dynamic-entity`.
    entities: String,
    included: Vec<Value>,
    seen: HashSet<(String, String)>,
}

impl<'a> Compound<'a> {
    pub(crate) fn new(loaded: &'a Loaded, base_url: &str) -> Self {
        Self {
            loaded,
            entities: format!("{base_url}/dynamic-entity"),
            included: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// A row of `configuration` as a resource object; the rows nested under its relations
    /// go to `included`.
    pub(crate) fn resource(
        &mut self,
        configuration: &Configuration,
        mut row: Map<String, Value>,
    ) -> Value {
        let alias = configuration.table_alias.as_str();
        let identifier = configuration
            .field(&configuration.definition.identifier)
            .map(|field| field.field_visible_name.as_str())
            .unwrap_or_default();
        let id = id_text(row.remove(identifier));
        let mut relationships = Map::new();
        for relation in &configuration.definition.relations {
            let Some(Value::Array(children)) = row.remove(&relation.name) else {
                continue;
            };
            let Some(child) = self.loaded.active(&relation.child_alias) else {
                continue;
            };
            let mut linkage = Vec::with_capacity(children.len());
            for nested in children {
                let Value::Object(nested) = nested else {
                    continue;
                };
                let resource = self.resource(child, nested);
                let key = (
                    child.table_alias.clone(),
                    resource["id"].as_str().unwrap_or_default().to_owned(),
                );
                linkage.push(json!({"type": key.0, "id": key.1}));
                if self.seen.insert(key) {
                    self.included.push(resource);
                }
            }
            relationships.insert(relation.name.clone(), json!({"data": linkage}));
        }
        let mut resource = json!({"type": alias, "id": id, "attributes": row,
            "links": {"self": format!("{}/{alias}/{id}", self.entities)}});
        if !relationships.is_empty() {
            resource["relationships"] = Value::Object(relationships);
        }
        resource
    }

    /// The included resources, in the order first met.
    pub(crate) fn included(self) -> Vec<Value> {
        self.included
    }
}

/// An identifier as JSON:API's string.
fn id_text(value: Option<Value>) -> String {
    match value {
        Some(Value::String(text)) => text,
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}
