//! JSON Schemas of a resource's properties, in the shapes documents carry them, for
//! conventions to describe their documents (SPEC §10.1) and for the OpenAPI generator.

use serde_json::{Map, Value, json};

use crate::meta::{PropertyMeta, PropertyType, ResourceMeta};

/// Which document of a resource a convention describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocumentKind {
    /// A single resource (Get, and the answer to writes).
    Item,
    /// A collection (GetCollection).
    Collection,
    /// The request body of Post.
    Create,
    /// The request body of Put: every writable property, required ones required.
    Replace,
    /// The request body of Patch: any writable property.
    Update,
}

/// How the body of a write names the item's identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientId {
    /// The identifier is assigned by the server; a body may not carry one.
    Forbidden,
    /// A body may carry the identifier (it must match the URL's).
    Optional,
    /// A body must carry it (client-generated identifiers on Post).
    Required,
}

/// What a convention needs to describe a resource's documents: the JSON Schemas of its
/// properties in each shape, its identifier and relationships, and references to shared
/// components.
#[derive(Debug, Clone, Copy)]
pub struct SchemaSet {
    resource: &'static ResourceMeta,
    document: DocumentKind,
}

impl SchemaSet {
    /// The schemas of `document` of `resource`.
    #[must_use]
    pub fn new(resource: &'static ResourceMeta, document: DocumentKind) -> Self {
        Self { resource, document }
    }

    /// The described resource.
    #[must_use]
    pub fn resource(&self) -> &'static ResourceMeta {
        self.resource
    }

    /// Which document is described.
    #[must_use]
    pub fn document(&self) -> DocumentKind {
        self.document
    }

    /// The schema of the properties a reader sees (readable ones), the identifier among them
    /// or not. None is required: sparse fieldsets leave properties out.
    #[must_use]
    pub fn readable(&self, with_identifier: bool) -> Value {
        object(
            self.resource
                .properties
                .iter()
                .filter(|property| property.readable && (with_identifier || !property.identifier)),
            false,
        )
    }

    /// The schema of the properties a writer sends (writable ones, the identifier not among
    /// them), with `required` for Post and Put. Properties that are not writable may be sent
    /// and are ignored (SPEC §3.7); unknown ones are refused.
    #[must_use]
    pub fn writable(&self) -> Value {
        let required = matches!(self.document, DocumentKind::Create | DocumentKind::Replace);
        object(
            self.resource
                .properties
                .iter()
                .filter(|property| !property.identifier),
            required,
        )
    }

    /// The schema of the identifier's value in a body (`id` in JSON:API, the property in
    /// plain JSON), when one may be sent.
    #[must_use]
    pub fn identifier(&self) -> Option<Value> {
        self.resource.identifier().map(property_schema)
    }

    /// The identifier's wire name (`customerReference`).
    #[must_use]
    pub fn identifier_name(&self) -> Option<&'static str> {
        self.resource.identifier().map(|property| property.name)
    }

    /// Whether and how a write body carries the identifier.
    #[must_use]
    pub fn client_id(&self) -> ClientId {
        let Some(identifier) = self.resource.identifier() else {
            return ClientId::Forbidden;
        };
        match self.document {
            DocumentKind::Create if identifier.writable && identifier.required => {
                ClientId::Required
            }
            DocumentKind::Create if identifier.writable => ClientId::Optional,
            DocumentKind::Create => ClientId::Forbidden,
            _ => ClientId::Optional,
        }
    }

    /// The names of the resource's relationships and whether each holds many items.
    pub fn relationships(&self) -> impl Iterator<Item = (&'static str, bool)> {
        self.resource
            .relationships
            .iter()
            .map(|relationship| (relationship.name, relationship.many))
    }
}

/// An object schema of these properties.
fn object<'p>(properties: impl Iterator<Item = &'p PropertyMeta>, with_required: bool) -> Value {
    let mut members = Map::new();
    let mut required = Vec::new();
    for property in properties {
        if with_required && property.required && property.writable {
            required.push(Value::from(property.name));
        }
        members.insert(property.name.to_owned(), property_schema(property));
    }
    let mut schema = Map::new();
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(members));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    schema.insert("additionalProperties".into(), Value::Bool(false));
    Value::Object(schema)
}

/// The JSON Schema of one property: type (with `null` when optional), format, description,
/// example, enumeration, default, bounds, and whether it is read- or write-only.
#[must_use]
pub fn property_schema(property: &PropertyMeta) -> Value {
    let mut schema = Map::new();
    let ty = property.ty.name();
    schema.insert(
        "type".into(),
        if property.nullable {
            json!([ty, "null"])
        } else {
            json!(ty)
        },
    );
    if let Some(format) = property.format {
        schema.insert("format".into(), format.into());
    }
    if let Some(description) = property.description {
        schema.insert("description".into(), description.into());
    }
    if !property.enum_values.is_empty() {
        let mut values: Vec<Value> = property.enum_values.iter().map(|v| json!(v)).collect();
        if property.nullable {
            values.push(Value::Null);
        }
        schema.insert("enum".into(), Value::Array(values));
    }
    if let Some(example) = property
        .example
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
    {
        schema.insert("examples".into(), json!([example]));
    }
    if let Some(default) = property
        .default
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
    {
        schema.insert("default".into(), default);
    }
    if property.ty == PropertyType::Array {
        let items = match property.items {
            Some((item, format)) => {
                let mut items = Map::new();
                items.insert("type".into(), item.name().into());
                if let Some(format) = format {
                    items.insert("format".into(), format.into());
                }
                Value::Object(items)
            }
            None => json!({}),
        };
        schema.insert("items".into(), items);
    }
    let bounds = &property.constraints;
    let (min_length, max_length) = match property.ty {
        PropertyType::Array => ("minItems", "maxItems"),
        _ => ("minLength", "maxLength"),
    };
    if let Some(min) = bounds.min_length {
        schema.insert(min_length.into(), min.into());
    }
    if let Some(max) = bounds.max_length {
        schema.insert(max_length.into(), max.into());
    }
    if let Some(minimum) = bounds.minimum {
        schema.insert("minimum".into(), number(minimum));
    }
    if let Some(maximum) = bounds.maximum {
        schema.insert("maximum".into(), number(maximum));
    }
    if !property.writable {
        schema.insert("readOnly".into(), Value::Bool(true));
    }
    if !property.readable {
        schema.insert("writeOnly".into(), Value::Bool(true));
    }
    Value::Object(schema)
}

/// A bound as JSON: whole numbers as integers.
fn number(value: f64) -> Value {
    #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
    if value.fract() == 0.0 && value.abs() < 9e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// A query or header parameter, as strategies and the generator describe them.
#[must_use]
pub fn parameter(name: &str, location: &str, description: &str, schema: Value) -> Value {
    let mut object = Map::new();
    object.insert("name".into(), name.into());
    object.insert("in".into(), location.into());
    object.insert("required".into(), false.into());
    object.insert("description".into(), description.into());
    object.insert("schema".into(), schema);
    Value::Object(object)
}
