//! A Data Exchange configuration (SPEC §9.1): which table an alias exposes, which of its
//! columns under which names, their types, flags and validation, and the relations to other
//! configured entities. Read from JSON with the members SPEC §9.1 names, and checked by
//! [`Configuration::problems`], which reports every mistake with a pointer to its key.

use serde::{Deserialize, Serialize};

/// One configured entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Configuration {
    /// The name in URLs: `/dynamic-entity/{tableAlias}`.
    pub table_alias: String,
    /// The table it exposes.
    pub table_name: String,
    /// Whether it is served.
    #[serde(default = "yes")]
    pub is_active: bool,
    /// What is exposed, and how.
    pub definition: Definition,
}

fn yes() -> bool {
    true
}

/// The exposed columns and relations of an entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Definition {
    /// The column that identifies a row (`fieldName` of one of the fields).
    pub identifier: String,
    /// Whether rows may be deleted (405 otherwise).
    #[serde(default)]
    pub is_deletable: bool,
    /// The exposed columns.
    pub fields: Vec<Field>,
    /// Relations to other configured entities, as parent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// Who may read and write; administrators only when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
}

/// One exposed column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Field {
    /// The column.
    pub field_name: String,
    /// The name in requests and answers.
    pub field_visible_name: String,
    /// The type on the wire.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Whether creating a row may set it.
    #[serde(default)]
    pub is_creatable: bool,
    /// Whether changing a row may set it.
    #[serde(default)]
    pub is_editable: bool,
    /// The rules a value must follow.
    #[serde(default)]
    pub validation: Validation,
}

/// The types of SPEC §9.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
    /// Text.
    String,
    /// A fixed-point number, as a string or a number (`"20.00"`).
    Decimal,
}

impl FieldType {
    /// The name in configurations.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Boolean => "boolean",
            Self::Integer => "integer",
            Self::String => "string",
            Self::Decimal => "decimal",
        }
    }
}

/// The validation of a field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Validation {
    /// Whether creating (and replacing) a row must set it.
    #[serde(default)]
    pub is_required: bool,
    /// The smallest integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// The largest integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// The fewest bytes of a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// The most bytes of a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// The most digits of a decimal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u32>,
    /// The most digits of a decimal after the point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
}

/// A relation from this entity (the parent) to another (the child).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Relation {
    /// The name in `include` and in nested writes (`countryTaxRates`).
    pub name: String,
    /// The child's `tableAlias`.
    pub child_alias: String,
    /// Whether writes may create and change children through it.
    #[serde(default)]
    pub is_editable: bool,
    /// The joining columns.
    pub relation_field_mapping: Vec<FieldMapping>,
}

/// A pair of joining columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldMapping {
    /// The child's column (`fk_country`).
    pub child_field_name: String,
    /// The parent's column (`id_country`).
    pub parent_field_name: String,
}

/// Who may use an entity: principals with one of these roles; `*` for anyone authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Access {
    /// Roles that may read.
    #[serde(default)]
    pub read: Vec<String>,
    /// Roles that may write.
    #[serde(default)]
    pub write: Vec<String>,
}

/// A refused key of a configuration: where it is (a JSON pointer) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `/definition/fields/2/validation/max`.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

/// Whether a name is an alias or an API name: letters, digits, `_` and `-`.
#[must_use]
pub fn is_api_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether a name is a table or column name every statement can quote safely.
#[must_use]
pub fn is_sql_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    name.len() <= 63
        && bytes
            .next()
            .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl Configuration {
    /// Reads a configuration; the first key that does not fit the shape, with its pointer.
    ///
    /// # Errors
    ///
    /// The problem: a missing member, a member of the wrong type, an unknown one.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, Problem> {
        Self::deserialize(value).map_err(|error| {
            let text = error.to_string();
            let pointer = text
                .split('`')
                .nth(1)
                .filter(|_| text.starts_with("missing field") || text.starts_with("unknown field"))
                .map_or_else(String::new, |name| format!("/{name}"));
            Problem::at(pointer, text)
        })
    }

    /// The field of a column.
    #[must_use]
    pub fn field(&self, column: &str) -> Option<&Field> {
        self.definition
            .fields
            .iter()
            .find(|field| field.field_name == column)
    }

    /// Every rule of SPEC §9.1 that needs no database: names, the identifier, validation
    /// keys that fit their type and bounds in order, relations that name exposed columns.
    #[must_use]
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if !is_api_name(&self.table_alias) {
            problems.push(Problem::at(
                "/tableAlias",
                "must be 1 to 64 letters, digits, `_` or `-`",
            ));
        }
        if !is_sql_name(&self.table_name) {
            problems.push(Problem::at(
                "/tableName",
                "must be a table name: letters, digits and `_`, not starting with a digit",
            ));
        }
        let definition = &self.definition;
        if self.field(&definition.identifier).is_none() {
            problems.push(Problem::at(
                "/definition/identifier",
                "must be the fieldName of one of the fields",
            ));
        }
        if definition.fields.is_empty() {
            problems.push(Problem::at(
                "/definition/fields",
                "must expose at least one column",
            ));
        }
        for (index, field) in definition.fields.iter().enumerate() {
            field_problems(definition, index, field, &mut problems);
        }
        for (index, relation) in definition.relations.iter().enumerate() {
            let at = format!("/definition/relations/{index}");
            if !is_api_name(&relation.name) {
                problems.push(Problem::at(
                    format!("{at}/name"),
                    "must be letters, digits, `_` or `-`",
                ));
            } else if definition.relations[..index]
                .iter()
                .any(|other| other.name == relation.name)
            {
                problems.push(Problem::at(
                    format!("{at}/name"),
                    "is the name of another relation",
                ));
            }
            if !is_api_name(&relation.child_alias) {
                problems.push(Problem::at(
                    format!("{at}/childAlias"),
                    "must be a table alias",
                ));
            }
            if relation.relation_field_mapping.len() != 1 {
                problems.push(Problem::at(
                    format!("{at}/relationFieldMapping"),
                    "must name one pair of joining columns",
                ));
            }
            for (pair, mapping) in relation.relation_field_mapping.iter().enumerate() {
                if self.field(&mapping.parent_field_name).is_none() {
                    problems.push(Problem::at(
                        format!("{at}/relationFieldMapping/{pair}/parentFieldName"),
                        "must be the fieldName of one of this entity's fields",
                    ));
                }
                if !is_sql_name(&mapping.child_field_name) {
                    problems.push(Problem::at(
                        format!("{at}/relationFieldMapping/{pair}/childFieldName"),
                        "must be a column name",
                    ));
                }
            }
        }
        problems
    }
}

/// The rules of one field.
fn field_problems(
    definition: &Definition,
    index: usize,
    field: &Field,
    problems: &mut Vec<Problem>,
) {
    let at = format!("/definition/fields/{index}");
    let earlier = &definition.fields[..index];
    if !is_sql_name(&field.field_name) {
        problems.push(Problem::at(
            format!("{at}/fieldName"),
            "must be a column name",
        ));
    } else if earlier
        .iter()
        .any(|other| other.field_name == field.field_name)
    {
        problems.push(Problem::at(
            format!("{at}/fieldName"),
            "is exposed by another field",
        ));
    }
    if !is_api_name(&field.field_visible_name) {
        problems.push(Problem::at(
            format!("{at}/fieldVisibleName"),
            "must be letters, digits, `_` or `-`",
        ));
    } else if earlier
        .iter()
        .any(|other| other.field_visible_name == field.field_visible_name)
    {
        problems.push(Problem::at(
            format!("{at}/fieldVisibleName"),
            "is the API name of another field",
        ));
    }
    let rules = &field.validation;
    let only_for = |key: &str, set: bool, ty: FieldType, problems: &mut Vec<Problem>| {
        if set && field.ty != ty {
            problems.push(Problem::at(
                format!("{at}/validation/{key}"),
                format!("applies to {} fields only", ty.name()),
            ));
        }
    };
    only_for("min", rules.min.is_some(), FieldType::Integer, problems);
    only_for("max", rules.max.is_some(), FieldType::Integer, problems);
    only_for(
        "minLength",
        rules.min_length.is_some(),
        FieldType::String,
        problems,
    );
    only_for(
        "maxLength",
        rules.max_length.is_some(),
        FieldType::String,
        problems,
    );
    only_for(
        "precision",
        rules.precision.is_some(),
        FieldType::Decimal,
        problems,
    );
    only_for("scale", rules.scale.is_some(), FieldType::Decimal, problems);
    if let (Some(min), Some(max)) = (rules.min, rules.max)
        && min > max
    {
        problems.push(Problem::at(
            format!("{at}/validation/min"),
            "must not be greater than max",
        ));
    }
    if let (Some(min), Some(max)) = (rules.min_length, rules.max_length)
        && min > max
    {
        problems.push(Problem::at(
            format!("{at}/validation/minLength"),
            "must not be greater than maxLength",
        ));
    }
    if let Some(precision) = rules.precision
        && !(1..=38).contains(&precision)
    {
        problems.push(Problem::at(
            format!("{at}/validation/precision"),
            "must be 1 to 38",
        ));
    }
    if let (Some(precision), Some(scale)) = (rules.precision, rules.scale)
        && scale > precision
    {
        problems.push(Problem::at(
            format!("{at}/validation/scale"),
            "must not be greater than precision",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn countries() -> serde_json::Value {
        json!({"tableAlias": "countries", "tableName": "countries", "isActive": true,
          "definition": {"identifier": "id_country", "isDeletable": false, "fields": [
            {"fieldName": "id_country", "fieldVisibleName": "id_country", "type": "integer",
             "validation": {"isRequired": false}},
            {"fieldName": "iso2_code", "fieldVisibleName": "iso2_code", "type": "string",
             "isCreatable": true, "isEditable": true,
             "validation": {"isRequired": true, "minLength": 2, "maxLength": 2}}],
          "relations": [{"name": "countryTaxRates", "childAlias": "tax-rates", "isEditable": true,
             "relationFieldMapping": [{"childFieldName": "fk_country", "parentFieldName": "id_country"}]}]}})
    }

    #[test]
    fn the_reference_configuration_is_accepted() {
        let configuration = Configuration::from_json(&countries()).expect("it reads");
        assert_eq!(configuration.problems(), []);
        assert_eq!(configuration.definition.fields[1].ty, FieldType::String);
        let written = serde_json::to_value(&configuration).expect("it writes");
        assert_eq!(Configuration::from_json(&written), Ok(configuration));
    }

    #[test]
    fn every_broken_rule_is_reported_at_its_key() {
        let mut value = countries();
        value["tableAlias"] = json!("bad alias");
        value["definition"]["identifier"] = json!("id");
        value["definition"]["fields"][1]["validation"] =
            json!({"minLength": 3, "maxLength": 2, "min": 1});
        value["definition"]["fields"]
            .as_array_mut()
            .unwrap()
            .push(json!(
            {"fieldName": "rate", "fieldVisibleName": "iso2_code", "type": "decimal",
             "validation": {"precision": 4, "scale": 5}}));
        value["definition"]["relations"][0]["relationFieldMapping"][0]["parentFieldName"] =
            json!("nope");
        let problems = Configuration::from_json(&value)
            .expect("it reads")
            .problems();
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/tableAlias",
                "/definition/identifier",
                "/definition/fields/1/validation/min",
                "/definition/fields/1/validation/minLength",
                "/definition/fields/2/fieldVisibleName",
                "/definition/fields/2/validation/scale",
                "/definition/relations/0/relationFieldMapping/0/parentFieldName",
            ]
        );
    }

    #[test]
    fn a_key_of_the_wrong_shape_is_named() {
        let mut value = countries();
        value["definition"]["fields"][0]["type"] = json!("int");
        let problem = Configuration::from_json(&value).unwrap_err();
        assert!(problem.message.contains("int"), "{problem:?}");
        let mut value = countries();
        value.as_object_mut().unwrap().remove("tableName");
        assert_eq!(
            Configuration::from_json(&value).unwrap_err().pointer,
            "/tableName"
        );
        let mut value = countries();
        value["colour"] = json!("red");
        assert_eq!(
            Configuration::from_json(&value).unwrap_err().pointer,
            "/colour"
        );
    }
}
