//! A merged resource schema once validated: typed, complete, ready to generate.

use std::path::PathBuf;

use glue_common::{OperationKind, PropertyType};
use serde::Serialize;

/// One resource (or code bucket variant) of one API type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSchema {
    /// The `name` layers merge by (`Customers`).
    pub name: String,
    /// The resource type in URLs and documents (`customers`), from `shortName`.
    pub resource_type: String,
    /// `shortName` as written, when it is not the resource type itself (`Customer`).
    pub label: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The API type (`backend`, `storefront`).
    pub api_type: String,
    /// The code bucket of a variant.
    pub code_bucket: Option<String>,
    /// The generated struct's name (`CustomersBackendResource`, `StoresEuBackendResource`).
    pub struct_name: String,
    /// The provider's Rust path.
    pub provider: Option<String>,
    /// The processor's Rust path.
    pub processor: Option<String>,
    /// Where the provider and the processor were named (`file:line`), for the comment the
    /// generated line carries: a path that does not resolve is reported by the compiler at
    /// that line, and the comment says which schema file to change.
    pub origins: Origins,
    /// `table`: the SQL table of a resource that a SQL store serves.
    pub table: Option<String>,
    /// `version`: the version this declaration is (SPEC §2.4).
    pub version: Option<String>,
    /// Pagination settings.
    pub pagination: Pagination,
    /// Resource-level security.
    pub security: Security,
    /// The operations, in the order declared.
    pub operations: Vec<Operation>,
    /// The properties, in the order declared (core first, then what later layers added).
    pub properties: Vec<Property>,
    /// Relationships this resource can include.
    pub includes: Vec<Include>,
    /// Where this resource can be included.
    pub includable_in: Vec<IncludableIn>,
    /// The files that contributed, in the order applied.
    pub files: Vec<PathBuf>,
}

impl ResourceSchema {
    /// The identifier property.
    #[must_use]
    pub fn identifier(&self) -> Option<&Property> {
        self.properties.iter().find(|property| property.identifier)
    }

    /// The property of a wire name.
    #[must_use]
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|property| property.name == name)
    }
}

/// Where keys that name Rust code were written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origins {
    /// `file:line` of `provider`.
    pub provider: Option<String>,
    /// `file:line` of `processor`.
    pub processor: Option<String>,
}

/// `pagination*` keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// `paginationEnabled`.
    pub enabled: Option<bool>,
    /// `paginationItemsPerPage`.
    pub items_per_page: Option<u64>,
    /// `paginationMaximumItemsPerPage`.
    pub maximum_items_per_page: Option<u64>,
    /// `paginationClientEnabled`.
    pub client_enabled: Option<bool>,
    /// `paginationClientItemsPerPage`.
    pub client_items_per_page: Option<bool>,
    /// `paginationForm`: the strategy of the page links (`offset`, `page`).
    pub form: Option<String>,
}

impl Pagination {
    /// Whether any key is set.
    #[must_use]
    pub fn is_set(&self) -> bool {
        *self != Self::default()
    }
}

/// `security`, `securityPostDenormalize`, `securityPostValidation` and their messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Security {
    /// Checked before the request is processed.
    pub security: Option<String>,
    /// The message of a refusal by `security`.
    pub security_message: Option<String>,
    /// Checked once the body is read.
    pub post_denormalize: Option<String>,
    /// The message of a refusal by `securityPostDenormalize`.
    pub post_denormalize_message: Option<String>,
    /// Checked once the item is valid.
    pub post_validation: Option<String>,
    /// The message of a refusal by `securityPostValidation`.
    pub post_validation_message: Option<String>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// `type`.
    #[serde(serialize_with = "operation_name")]
    pub kind: OperationKind,
    /// `uriTemplate`.
    pub uri_template: Option<String>,
    /// `uriVariables`.
    pub uri_variables: Vec<UriVariable>,
    /// Operation-level security.
    pub security: Security,
    /// `description`.
    pub description: Option<String>,
    /// `status`.
    pub status: Option<u16>,
    /// `version`: the version of this operation, when it differs from the resource's.
    pub version: Option<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn operation_name<S: serde::Serializer>(
    kind: &OperationKind,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.name())
}

/// One entry of `uriVariables`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UriVariable {
    /// The variable of the template.
    pub name: String,
    /// `fromClass`: the generated struct the variable belongs to.
    pub from_class: Option<String>,
    /// `toProperty`: this resource's property that holds the variable's value.
    pub to_property: Option<String>,
}

/// One property.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Property {
    /// The wire name (`firstName`).
    pub name: String,
    /// `type`.
    #[serde(serialize_with = "type_name")]
    pub ty: PropertyType,
    /// `description`.
    pub description: Option<String>,
    /// `readable` (default true).
    pub readable: bool,
    /// `writable` (default true).
    pub writable: bool,
    /// `required`.
    pub required: bool,
    /// `identifier`.
    pub identifier: bool,
    /// `default`.
    pub default: Option<serde_json::Value>,
    /// `openapiContext.example`.
    pub example: Option<serde_json::Value>,
    /// `openapiContext.format` (`email`, `date`, `date-time`, `float`...).
    pub format: Option<String>,
    /// `openapiContext.minLength`.
    pub min_length: Option<u64>,
    /// `openapiContext.maxLength`.
    pub max_length: Option<u64>,
    /// `openapiContext.schema.enum` (or `openapiContext.enum`).
    pub enum_values: Vec<String>,
    /// `nullable`, when the file says: whether the value may be absent (`Option`). By
    /// default it may, unless the property is the identifier, required, has a default or is
    /// read-only (the server fills it).
    pub nullable: Option<bool>,
    /// `filterable` (default true).
    pub filterable: bool,
    /// `sortable` (default true).
    pub sortable: bool,
    /// `items`: the type of an array's items.
    #[serde(serialize_with = "item_type_name")]
    pub items: Option<PropertyType>,
    /// The rules of the validation schema that every write group of the resource shares.
    pub rules: Rules,
    /// What a group (`create`, `replace`, `update`) adds to them.
    pub group_rules: Vec<(String, Rules)>,
}

impl Property {
    /// Whether the value may be absent (an `Option` field).
    #[must_use]
    pub fn nullable(&self) -> bool {
        self.nullable.unwrap_or(
            !(self.identifier || self.required || self.default.is_some() || !self.writable),
        )
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn type_name<S: serde::Serializer>(ty: &PropertyType, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(ty.name())
}

#[allow(clippy::ref_option)]
fn item_type_name<S: serde::Serializer>(
    ty: &Option<PropertyType>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match ty {
        Some(ty) => serializer.serialize_str(ty.name()),
        None => serializer.serialize_none(),
    }
}

/// The validation rules of one property, as `validator` checks them on every write.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rules {
    /// `notBlank`: text of at least one character.
    pub not_blank: bool,
    /// `email`.
    pub email: bool,
    /// `url`.
    pub url: bool,
    /// `length: {min, max}` (characters).
    pub length: Option<(Option<u64>, Option<u64>)>,
    /// `range: {min, max}`.
    pub range: Option<(Option<f64>, Option<f64>)>,
    /// `choice: [...]`: the allowed values.
    pub choice: Vec<String>,
}

impl Rules {
    /// Whether there is any rule.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The rules both have, with the same bounds.
    #[must_use]
    pub fn shared(&self, other: &Self) -> Self {
        Self {
            not_blank: self.not_blank && other.not_blank,
            email: self.email && other.email,
            url: self.url && other.url,
            length: self.length.filter(|length| other.length == Some(*length)),
            range: self.range.filter(|range| other.range == Some(*range)),
            choice: if self.choice == other.choice {
                self.choice.clone()
            } else {
                Vec::new()
            },
        }
    }

    /// The rules these have that `common` does not.
    #[must_use]
    pub fn beyond(&self, common: &Self) -> Self {
        Self {
            not_blank: self.not_blank && !common.not_blank,
            email: self.email && !common.email,
            url: self.url && !common.url,
            length: self.length.filter(|_| common.length.is_none()),
            range: self.range.filter(|_| common.range.is_none()),
            choice: if common.choice.is_empty() {
                self.choice.clone()
            } else {
                Vec::new()
            },
        }
    }
}

/// One entry of `includes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Include {
    /// `relationshipName`.
    pub relationship_name: String,
    /// `targetResource`: the target's `name`.
    pub target_resource: String,
    /// `uriVariableMappings`: this resource's property to the target's.
    pub uri_variable_mappings: Vec<(String, String)>,
    /// `many` (default true): a to-many relationship.
    pub many: bool,
    /// `description`.
    pub description: Option<String>,
}

/// One entry of `includableIn`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IncludableIn {
    /// `resource`: the `name` of the resource that includes this one.
    pub resource: String,
    /// `relationshipName`.
    pub relationship_name: String,
    /// `uriVariableMappings`.
    pub uri_variable_mappings: Vec<(String, String)>,
}
