//! OpenAPI 3.1 (SPEC §10.1): the document of an application, generated from the metadata the
//! router runs on, for the code bucket and base URL of the request that asks for it.
//!
//! The document is built as JSON: conventions, pagination strategies, authenticators and
//! endpoints each contribute their part as JSON Schema (the 2020-12 dialect OpenAPI 3.1 uses)
//! or OpenAPI objects, through default methods of their traits, so that none of them depends
//! on an OpenAPI crate's types.

use serde_json::{Map, Value, json};

use crate::meta::{OperationKind, PropertyMeta, PropertyType, ResourceMeta};
use crate::pagination::PaginationSettings;
use crate::query::ValueKind;
use crate::router::{AppInner, RouteOperation};

/// The title, version and description of an application's API.
#[derive(Debug, Clone)]
pub struct ApiInfo {
    /// The title (`Glue demo shop: backend`).
    pub title: String,
    /// The version of the API (not of OpenAPI), `1.0.0`.
    pub version: String,
    /// A description, in CommonMark.
    pub description: Option<String>,
}

impl ApiInfo {
    /// An API with this title and version.
    #[must_use]
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            version: version.into(),
            description: None,
        }
    }

    /// Adds a description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

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
            Shape::Read,
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
            Shape::Write,
        )
    }

    /// The schema of the identifier's value in a body (`id` in JSON:API, the property in
    /// plain JSON), when one may be sent.
    #[must_use]
    pub fn identifier(&self) -> Option<Value> {
        self.resource
            .identifier()
            .map(|property| property_schema(property, Shape::Write))
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

/// Whether a schema describes what is read or what is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Read,
    Write,
}

/// An object schema of these properties.
fn object<'p>(
    properties: impl Iterator<Item = &'p PropertyMeta>,
    with_required: bool,
    shape: Shape,
) -> Value {
    let mut members = Map::new();
    let mut required = Vec::new();
    for property in properties {
        if with_required && property.required && property.writable {
            required.push(Value::from(property.name));
        }
        members.insert(property.name.to_owned(), property_schema(property, shape));
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
fn property_schema(property: &PropertyMeta, shape: Shape) -> Value {
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
    match shape {
        Shape::Read if !property.writable => {
            schema.insert("readOnly".into(), Value::Bool(true));
        }
        Shape::Write if !property.writable => {
            schema.insert("readOnly".into(), Value::Bool(true));
        }
        _ => {}
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

/// The `in` operators of the bracket filter form (SPEC §3.6), with how each reads its value.
const FILTER_OPERATORS: [(&str, &str); 12] = [
    ("eq", "equal to"),
    ("ne", "not equal to"),
    ("lt", "less than"),
    ("lte", "less than or equal to"),
    ("gt", "greater than"),
    ("gte", "greater than or equal to"),
    ("in", "one of, comma-separated"),
    ("nin", "none of, comma-separated"),
    ("contains", "containing"),
    ("starts_with", "starting with"),
    ("ends_with", "ending with"),
    ("null", "null (`true`) or not (`false`)"),
];

impl AppInner {
    /// The OpenAPI document of the application, as a request from `base_url` in `bucket`
    /// sees it: the variants of its code bucket, the newest version of each.
    pub(crate) fn openapi(&self, info: &ApiInfo, base_url: &str, bucket: Option<&str>) -> Value {
        let mut paths = Map::new();
        let mut schemas = Map::new();
        let mut tags: Vec<Value> = Vec::new();
        let mut documented: Vec<&'static str> = Vec::new();
        for entry in &self.routes {
            if entry.template.contains("{*") {
                continue;
            }
            let mut item = Map::new();
            let mut methods: Vec<&http::Method> = Vec::new();
            for op in &entry.operations {
                if !methods.contains(&&op.method) {
                    methods.push(&op.method);
                }
            }
            for method in methods {
                let candidates: Vec<&RouteOperation> = entry
                    .operations
                    .iter()
                    .filter(|op| op.method == *method)
                    .collect();
                let Some(op) = variant(&candidates, bucket) else {
                    continue;
                };
                let meta = op.resource_meta;
                if !documented.contains(&meta.short_name) {
                    documented.push(meta.short_name);
                    let mut tag = Map::new();
                    tag.insert("name".into(), meta.short_name.into());
                    if let Some(description) = meta.description {
                        tag.insert("description".into(), description.into());
                    }
                    tags.push(Value::Object(tag));
                }
                item.insert(
                    method.as_str().to_ascii_lowercase(),
                    self.operation_object(op, &entry.template, &mut schemas),
                );
            }
            for (method, index) in &entry.endpoints {
                if let Some(operation) = self.endpoints[*index].describe(method) {
                    item.insert(method.as_str().to_ascii_lowercase(), operation);
                }
            }
            if !item.is_empty() {
                paths.insert(entry.template.clone(), Value::Object(item));
            }
        }

        let mut schemes = Map::new();
        for authenticator in &self.authenticators {
            for (name, scheme) in authenticator.security_schemes() {
                schemes.insert(name.to_owned(), scheme);
            }
        }
        for convention in &self.conventions {
            if let Some(schema) = convention.error_schema() {
                schemas.insert(error_component(convention.name()), schema);
            }
        }
        let mut components = Map::new();
        components.insert("schemas".into(), Value::Object(schemas));
        if !schemes.is_empty() {
            components.insert("securitySchemes".into(), Value::Object(schemes));
        }

        let mut info_object = Map::new();
        info_object.insert("title".into(), info.title.clone().into());
        info_object.insert("version".into(), info.version.clone().into());
        if let Some(description) = &info.description {
            info_object.insert("description".into(), description.clone().into());
        }
        json!({
            "openapi": "3.1.0",
            "info": info_object,
            "servers": [{"url": base_url}],
            "tags": tags,
            "paths": paths,
            "components": components,
        })
    }

    /// One operation: parameters, body, answers and security.
    fn operation_object(
        &self,
        op: &RouteOperation,
        template: &str,
        schemas: &mut Map<String, Value>,
    ) -> Value {
        let meta = op.resource_meta;
        let kind = op.operation.kind;
        let mut operation = Map::new();
        operation.insert("tags".into(), json!([meta.short_name]));
        operation.insert(
            "operationId".into(),
            format!("{}.{}", meta.short_name, operation_verb(kind)).into(),
        );
        operation.insert(
            "summary".into(),
            op.operation
                .description
                .map_or_else(|| default_summary(meta, kind), ToOwned::to_owned)
                .into(),
        );
        if let Some(version) = op.version {
            operation.insert(
                "description".into(),
                format!(
                    "Version {version}: send `version={version}` in `Accept` (or in \
                     `Content-Type` with a body) to keep to it."
                )
                .into(),
            );
        }

        let mut parameters = Vec::new();
        for variable in &op.variables {
            let schema = meta.uri_variable_property(variable).map_or_else(
                || json!({"type": "string"}),
                |property| {
                    let mut schema = property_schema(property, Shape::Read);
                    if let Value::Object(map) = &mut schema {
                        // A path segment is never null, and says nothing of access.
                        if property.nullable {
                            map.insert("type".into(), property.ty.name().into());
                        }
                        map.remove("readOnly");
                        map.remove("enum");
                    }
                    schema
                },
            );
            parameters.push(json!({
                "name": variable,
                "in": "path",
                "required": true,
                "schema": schema,
            }));
        }
        if kind == OperationKind::GetCollection {
            self.collection_parameters(op, &mut parameters, schemas);
        } else {
            self.fields_and_include(meta, &mut parameters);
        }
        if !self.locales.is_empty() {
            parameters.push(parameter(
                "Accept-Language",
                "header",
                &format!(
                    "The language of the answer: one of {} (the first is the default).",
                    self.locales.join(", ")
                ),
                json!({"type": "string"}),
            ));
        }
        if !parameters.is_empty() {
            operation.insert("parameters".into(), Value::Array(parameters));
        }

        if kind.has_body() {
            let document = match kind {
                OperationKind::Post => DocumentKind::Create,
                OperationKind::Put => DocumentKind::Replace,
                _ => DocumentKind::Update,
            };
            let content = self.content(meta, document);
            operation.insert(
                "requestBody".into(),
                json!({"required": true, "content": content}),
            );
        }

        operation.insert("responses".into(), self.responses(op, template));
        if !op.security.is_empty() {
            let mut requirements: Vec<Value> = Vec::new();
            for authenticator in &self.authenticators {
                for (name, _) in authenticator.security_schemes() {
                    requirements.push(json!({ name: [] }));
                }
            }
            if !requirements.is_empty() {
                operation.insert("security".into(), Value::Array(requirements));
            }
        }
        Value::Object(operation)
    }

    /// Filters, sort, fields, include and the pagination forms of a collection.
    fn collection_parameters(
        &self,
        op: &RouteOperation,
        parameters: &mut Vec<Value>,
        schemas: &mut Map<String, Value>,
    ) {
        let meta = op.resource_meta;
        let filterable: Vec<&'static PropertyMeta> = meta
            .properties
            .iter()
            .filter(|property| property.readable && property.filterable)
            .collect();
        for property in &filterable {
            let kind = ValueKind::of(property);
            let operators: Map<String, Value> = bracket_operators(kind)
                .into_iter()
                .map(|(operator, meaning)| {
                    let mut schema = match operator {
                        "in" | "nin" => list_text(kind),
                        "null" => json!({"type": "boolean"}),
                        _ => value_schema(kind),
                    };
                    if let Value::Object(map) = &mut schema {
                        map.insert("description".into(), meaning.into());
                    }
                    (operator.to_owned(), schema)
                })
                .collect();
            let names: Vec<&str> = operators.keys().map(String::as_str).collect();
            parameters.push(json!({
                "name": format!("filter[{}]", property.name),
                "in": "query",
                "required": false,
                "description": format!(
                    "Filters by `{}`: `filter[{0}][op]=value` with one of {}; several filters \
                     combine with AND.",
                    property.name,
                    names.join(", ")
                ),
                "style": "deepObject",
                "explode": true,
                "schema": {
                    "type": "object",
                    "properties": operators,
                    "additionalProperties": false,
                },
            }));
        }
        if !filterable.is_empty() {
            let group = format!("{}.filter", meta.short_name);
            let rule = format!("{}.filterRule", meta.short_name);
            let (group_schema, rule_schema) = query_builder_schemas(&filterable, &group, &rule);
            schemas.insert(group.clone(), group_schema);
            schemas.insert(rule, rule_schema);
            parameters.push(json!({
                "name": "filter",
                "in": "query",
                "required": false,
                "description": "A jQuery QueryBuilder rule set: AND/OR trees of rules, at most 16 deep and 100 rules.",
                "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{group}")}}},
            }));
        }
        let sortable: Vec<&str> = meta
            .properties
            .iter()
            .filter(|property| property.readable && property.sortable)
            .map(|property| property.name)
            .collect();
        if !sortable.is_empty() {
            parameters.push(parameter(
                "sort",
                "query",
                &format!(
                    "Comma-separated properties to sort by, `-` for descending: {}.",
                    sortable.join(", ")
                ),
                json!({"type": "string", "pattern": list_pattern(&sortable, true)}),
            ));
        }
        self.fields_and_include(meta, parameters);
        let settings: &PaginationSettings = &self.settings[op.resource];
        if settings.enabled {
            for strategy in &self.strategies {
                for described in strategy.parameters(settings, meta.short_name) {
                    let name = described.get("name").and_then(Value::as_str);
                    let place = described.get("in").and_then(Value::as_str);
                    let taken = parameters.iter().any(|existing| {
                        existing.get("name").and_then(Value::as_str) == name
                            && existing.get("in").and_then(Value::as_str) == place
                    });
                    if !taken {
                        parameters.push(described);
                    }
                }
            }
            if settings.client_enabled {
                parameters.push(parameter(
                    "pagination",
                    "query",
                    "`false` returns the whole collection at once.",
                    json!({"type": "boolean"}),
                ));
            }
        }
    }

    /// Sparse fieldsets and `include`, for the conventions that take them.
    fn fields_and_include(&self, meta: &'static ResourceMeta, parameters: &mut Vec<Value>) {
        let readable: Vec<&str> = meta
            .properties
            .iter()
            .filter(|property| property.readable && !property.identifier)
            .map(|property| property.name)
            .chain(
                meta.relationships
                    .iter()
                    .map(|relationship| relationship.name),
            )
            .collect();
        let compound = self.conventions.iter().any(|c| c.renders_includes());
        if compound {
            parameters.push(parameter(
                &format!("fields[{}]", meta.short_name),
                "query",
                "Comma-separated attributes and relationships to show (JSON:API sparse fieldset).",
                json!({"type": "string", "pattern": list_pattern(&readable, false)}),
            ));
            let mut included: Vec<&'static ResourceMeta> = Vec::new();
            for relationship in meta.relationships {
                let target = (relationship.target)();
                if !included
                    .iter()
                    .any(|known| known.short_name == target.short_name)
                {
                    included.push(target);
                }
            }
            for target in included {
                if target.short_name == meta.short_name {
                    continue;
                }
                let names: Vec<&str> = target
                    .properties
                    .iter()
                    .filter(|property| property.readable && !property.identifier)
                    .map(|property| property.name)
                    .chain(target.relationships.iter().map(|r| r.name))
                    .collect();
                parameters.push(parameter(
                    &format!("fields[{}]", target.short_name),
                    "query",
                    "Comma-separated attributes and relationships of included resources to show.",
                    json!({"type": "string", "pattern": list_pattern(&names, false)}),
                ));
            }
            if !meta.relationships.is_empty() {
                let paths = include_paths(meta, 2);
                let names: Vec<&str> = paths.iter().map(String::as_str).collect();
                parameters.push(parameter(
                    "include",
                    "query",
                    &format!(
                        "Comma-separated relationship paths to include: {}.",
                        names.join(", ")
                    ),
                    json!({"type": "string", "pattern": list_pattern(&names, false)}),
                ));
            }
        }
        if self.conventions.iter().any(|c| !c.renders_includes()) {
            let names: Vec<&str> = meta
                .properties
                .iter()
                .filter(|property| property.readable)
                .map(|property| property.name)
                .collect();
            parameters.push(parameter(
                "fields",
                "query",
                "Comma-separated properties to show (plain JSON).",
                json!({"type": "string", "pattern": list_pattern(&names, false)}),
            ));
        }
    }

    /// The content of a document in every convention that describes it.
    fn content(&self, meta: &'static ResourceMeta, document: DocumentKind) -> Value {
        let set = SchemaSet {
            resource: meta,
            document,
        };
        let mut content = Map::new();
        for convention in &self.conventions {
            if let Some(schema) = convention.document_schema(&set) {
                content.insert(
                    convention.media_type().to_owned(),
                    json!({"schema": schema}),
                );
            }
        }
        Value::Object(content)
    }

    /// An error answer in every convention.
    fn error_content(&self) -> Value {
        let mut content = Map::new();
        for convention in &self.conventions {
            if convention.error_schema().is_some() {
                content.insert(
                    convention.media_type().to_owned(),
                    json!({"schema": {"$ref": format!(
                        "#/components/schemas/{}",
                        error_component(convention.name())
                    )}}),
                );
            }
        }
        Value::Object(content)
    }

    /// The answers of an operation: success, and each error it can give.
    fn responses(&self, op: &RouteOperation, template: &str) -> Value {
        let meta = op.resource_meta;
        let kind = op.operation.kind;
        let status = op.operation.success_status();
        let mut responses = Map::new();
        let mut success = Map::new();
        success.insert(
            "description".into(),
            status.canonical_reason().unwrap_or("Success").into(),
        );
        let mut headers = Map::new();
        if !self.locales.is_empty() {
            headers.insert(
                "Content-Language".into(),
                json!({"description": "The language of the answer.", "schema": {"type": "string"}}),
            );
        }
        match kind {
            OperationKind::Delete => {}
            OperationKind::GetCollection => {
                success.insert(
                    "content".into(),
                    self.content(meta, DocumentKind::Collection),
                );
            }
            _ => {
                success.insert("content".into(), self.content(meta, DocumentKind::Item));
            }
        }
        if kind == OperationKind::Post {
            headers.insert(
                "Location".into(),
                json!({"description": "The URL of the created item.", "schema": {"type": "string"}}),
            );
        }
        if !headers.is_empty() {
            success.insert("headers".into(), Value::Object(headers.clone()));
        }
        responses.insert(status.as_u16().to_string(), Value::Object(success));

        let ranges = kind == OperationKind::GetCollection
            && self.settings[op.resource].enabled
            && self
                .strategies
                .iter()
                .any(|strategy| strategy.name() == "range");
        if ranges {
            let mut partial = Map::new();
            partial.insert(
                "description".into(),
                "Partial Content: the range asked for".into(),
            );
            partial.insert(
                "content".into(),
                self.content(meta, DocumentKind::Collection),
            );
            let mut range_headers = headers;
            range_headers.insert(
                "Content-Range".into(),
                json!({"description": "The range answered: `customers 0-9/55`.", "schema": {"type": "string"}}),
            );
            partial.insert("headers".into(), Value::Object(range_headers));
            responses.insert("206".into(), Value::Object(partial));
        }

        let mut errors: Vec<(u16, &str)> = vec![
            (400, "The query or the body is malformed."),
            (401, "Credentials are missing or not valid."),
            (403, "The principal may not do this."),
            (405, "The method is not allowed here."),
            (406, "No media type (or version) in Accept is offered."),
        ];
        if kind.is_item() || template.contains('{') {
            errors.push((404, "No such item."));
        }
        if kind.has_body() {
            errors.push((409, "The body's type or id does not match the endpoint."));
            errors.push((413, "The body is too large."));
            errors.push((415, "The Content-Type (or version) is not supported."));
            errors.push((422, "The body does not validate."));
        }
        if ranges {
            errors.push((416, "The range starts past the end of the collection."));
        }
        errors.sort_unstable();
        let content = self.error_content();
        for (code, description) in errors {
            responses.insert(
                code.to_string(),
                json!({"description": description, "content": content}),
            );
        }
        responses.insert(
            "default".into(),
            json!({"description": "Another error, from the server or a proxy in front of it."}),
        );
        if kind == OperationKind::Post
            && let Some(Value::Object(created)) = responses.get_mut(&status.as_u16().to_string())
        {
            let links = self.links_from_created(op);
            if !links.is_empty() {
                created.insert("links".into(), Value::Object(links));
            }
        }
        Value::Object(responses)
    }
}

impl AppInner {
    /// OpenAPI links from a created item to the item operations of its resource: the
    /// identifier from the answer, the parent's variables from the request.
    fn links_from_created(&self, post: &RouteOperation) -> Map<String, Value> {
        let meta = post.resource_meta;
        let identifier = meta.identifier().map(|property| property.name);
        let jsonapi = self
            .conventions
            .get(self.default_convention)
            .is_some_and(|c| c.renders_includes());
        let mut links = Map::new();
        for entry in &self.routes {
            for op in &entry.operations {
                if !std::ptr::eq(op.resource_meta, meta) || !op.operation.kind.is_item() {
                    continue;
                }
                let mut parameters = Map::new();
                for variable in &op.variables {
                    let property = meta.uri_variable_property(variable).map(|p| p.name);
                    let expression = if property.is_some() && property == identifier {
                        if jsonapi {
                            "$response.body#/data/id".to_owned()
                        } else {
                            format!("$response.body#/data/{}", property.unwrap_or_default())
                        }
                    } else {
                        format!("$request.path.{variable}")
                    };
                    parameters.insert(variable.clone(), expression.into());
                }
                links.insert(
                    operation_verb(op.operation.kind),
                    json!({
                        "operationId": format!("{}.{}", meta.short_name, operation_verb(op.operation.kind)),
                        "parameters": parameters,
                    }),
                );
            }
        }
        links
    }
}

/// The variant of a route and method that a bucket's request reaches: the bucket's variant,
/// else the base; the newest version of it.
fn variant<'a>(
    candidates: &[&'a RouteOperation],
    bucket: Option<&str>,
) -> Option<&'a RouteOperation> {
    let in_bucket = |op: &&&RouteOperation| {
        op.resource_meta
            .code_bucket
            .zip(bucket)
            .is_some_and(|(own, wanted)| own.eq_ignore_ascii_case(wanted))
    };
    let pool: Vec<&RouteOperation> = if candidates.iter().any(|op| in_bucket(&op)) {
        candidates.iter().filter(in_bucket).copied().collect()
    } else {
        candidates
            .iter()
            .filter(|op| op.resource_meta.code_bucket.is_none())
            .copied()
            .collect()
    };
    pool.into_iter()
        .max_by_key(|op| op.version.and_then(glue_common::version::parse))
}

/// The component name of a convention's error document.
fn error_component(convention: &str) -> String {
    format!("{convention}.errors")
}

/// `getCollection` for `GetCollection`.
fn operation_verb(kind: OperationKind) -> String {
    let name = kind.name();
    let mut verb = name[..1].to_ascii_lowercase();
    verb.push_str(&name[1..]);
    verb
}

fn default_summary(meta: &ResourceMeta, kind: OperationKind) -> String {
    let label = meta.label;
    match kind {
        OperationKind::Get => format!("Retrieves a {label}"),
        OperationKind::GetCollection => format!("Retrieves the collection of {}", meta.short_name),
        OperationKind::Post => format!("Creates a {label}"),
        OperationKind::Put => format!("Replaces a {label}"),
        OperationKind::Patch => format!("Updates a {label}"),
        OperationKind::Delete => format!("Deletes a {label}"),
    }
}

/// A pattern for comma-separated lists of these names, as the router reads them: a sort
/// takes `-` (or `+`) before each name and at least one; `fields` and `include` may be empty
/// (no fields, nothing included).
fn list_pattern(names: &[&str], sort: bool) -> String {
    let alternatives: Vec<String> = names.iter().map(|name| regex_escape(name)).collect();
    let one = format!(
        "{}({})",
        if sort { "[-+]?" } else { "" },
        alternatives.join("|")
    );
    if sort {
        format!("^{one}(,{one})*$")
    } else {
        format!("^({one}(,{one})*)?$")
    }
}

fn regex_escape(name: &str) -> String {
    let mut escaped = String::with_capacity(name.len());
    for ch in name.chars() {
        if "\\.^$|?*+()[]{}-".contains(ch) {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped
}

/// The schemas of a QueryBuilder rule set over these properties (SPEC §3.6), named `group`
/// and `rule` among the components: a group holds rules and groups; a rule names a property,
/// an operator its type allows, and a value of that type (a list for `in`, two for
/// `between`, none for null tests).
fn query_builder_schemas(
    properties: &[&'static PropertyMeta],
    group: &str,
    rule: &str,
) -> (Value, Value) {
    let group_ref = format!("#/components/schemas/{group}");
    let rule_ref = format!("#/components/schemas/{rule}");
    let mut alternatives = Vec::new();
    for property in properties {
        let kind = ValueKind::of(property);
        let field = json!({"const": property.name});
        let value = value_schema(kind);
        let orderable = !matches!(kind, ValueKind::Boolean | ValueKind::Structured);
        let textual = kind == ValueKind::String;
        let mut one = vec!["equal", "not_equal"];
        let mut none = vec!["is_null", "is_not_null"];
        if orderable {
            one.extend(["less", "less_or_equal", "greater", "greater_or_equal"]);
        }
        if textual {
            one.extend([
                "begins_with",
                "not_begins_with",
                "contains",
                "not_contains",
                "ends_with",
                "not_ends_with",
            ]);
            none.extend(["is_empty", "is_not_empty"]);
        }
        if kind == ValueKind::Structured {
            one.clear();
        }
        if !one.is_empty() {
            alternatives.push(json!({
                "properties": {"field": field, "operator": {"enum": one}, "value": value},
                "required": ["field", "operator", "value"],
            }));
            alternatives.push(json!({
                "properties": {
                    "field": field,
                    "operator": {"enum": ["in", "not_in"]},
                    "value": {"type": "array", "minItems": 1, "items": value},
                },
                "required": ["field", "operator", "value"],
            }));
        }
        if orderable && kind != ValueKind::Structured {
            alternatives.push(json!({
                "properties": {
                    "field": field,
                    "operator": {"enum": ["between", "not_between"]},
                    "value": {"type": "array", "minItems": 2, "maxItems": 2, "items": value},
                },
                "required": ["field", "operator", "value"],
            }));
        }
        alternatives.push(json!({
            "properties": {"field": field, "operator": {"enum": none}},
            "required": ["field", "operator"],
        }));
    }
    (
        json!({
            "type": "object",
            "required": ["rules"],
            "properties": {
                "condition": {"enum": ["AND", "OR", "and", "or"]},
                "not": {"type": ["boolean", "null"]},
                "rules": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"anyOf": [{"$ref": rule_ref}, {"$ref": group_ref}]},
                },
            },
        }),
        json!({
            "type": "object",
            "anyOf": alternatives,
        }),
    )
}

/// The bracket-form operators a property of this kind takes, with what each means.
fn bracket_operators(kind: ValueKind) -> Vec<(&'static str, &'static str)> {
    FILTER_OPERATORS
        .iter()
        .copied()
        .filter(|(operator, _)| match kind {
            ValueKind::Structured => *operator == "null",
            ValueKind::String => true,
            ValueKind::Boolean => matches!(*operator, "eq" | "ne" | "in" | "nin" | "null"),
            _ => !matches!(*operator, "contains" | "starts_with" | "ends_with"),
        })
        .collect()
}

/// The schema of one filter value of a property of this kind.
fn value_schema(kind: ValueKind) -> Value {
    match kind {
        ValueKind::String => json!({"type": "string"}),
        ValueKind::DateTime => json!({"type": "string", "format": "date-time"}),
        ValueKind::Date => json!({"type": "string", "format": "date"}),
        ValueKind::Integer => json!({"type": "integer"}),
        ValueKind::Number => json!({"type": "number"}),
        ValueKind::Boolean => json!({"type": "boolean"}),
        ValueKind::Structured => json!({}),
    }
}

const DATE_PATTERN: &str = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
const DATE_TIME_PATTERN: &str = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]\
     ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])";

/// A comma-separated list of values of this kind, as the bracket form takes them.
fn list_text(kind: ValueKind) -> Value {
    let item = match kind {
        ValueKind::Integer => Some("-?[0-9]+"),
        ValueKind::Number => Some("-?[0-9]+(\\.[0-9]+)?"),
        ValueKind::Boolean => Some("(true|false)"),
        // The shapes of RFC 3339 dates and date-times, as `format` describes them in the
        // other operators (the pattern cannot know month lengths; the router can).
        ValueKind::Date => Some(DATE_PATTERN),
        ValueKind::DateTime => Some(DATE_TIME_PATTERN),
        ValueKind::String | ValueKind::Structured => None,
    };
    match item {
        Some(item) => json!({"type": "string", "pattern": format!("^{item}(,{item})*$")}),
        None => json!({"type": "string", "minLength": 1}),
    }
}

/// The relationship paths of a resource, `depth` levels deep (`addresses`,
/// `addresses.customer`).
fn include_paths(meta: &'static ResourceMeta, depth: usize) -> Vec<String> {
    let mut paths = Vec::new();
    if depth == 0 {
        return paths;
    }
    for relationship in meta.relationships {
        paths.push(relationship.name.to_owned());
        for deeper in include_paths((relationship.target)(), depth - 1) {
            paths.push(format!("{}.{deeper}", relationship.name));
        }
    }
    paths
}
