//! Relationships: `includes` and `includableIn`, and the checks between resources.

use super::Reader;
use crate::merge::Merged;
use crate::model::{IncludableIn, Include, ResourceSchema};
use crate::node::{Node, Value};
use crate::report::{Diagnostic, did_you_mean};

impl Reader<'_> {
    pub(super) fn includes(&mut self, properties: &[&str]) -> Vec<Include> {
        let merged = self.merged;
        let items = self.optional_list("includes");
        let mut includes = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let name = item.get("relationshipName").and_then(Node::as_str);
            let path = match name {
                Some(name) => format!("resource.includes[{name}]"),
                None => format!("resource.includes[{index}]"),
            };
            self.known_keys(
                item,
                &path,
                "an include",
                &[
                    "relationshipName",
                    "targetResource",
                    "uriVariableMappings",
                    "many",
                    "description",
                ],
            );
            let (Some(name), Some(target)) = (
                self.text(item, "relationshipName", &path),
                self.text(item, "targetResource", &path),
            ) else {
                self.error(
                    &path,
                    "An include needs \"relationshipName\" and \"targetResource\"",
                );
                continue;
            };
            let mappings = self.mappings(item, &path);
            if mappings.is_empty() {
                self.error(
                    &path,
                    format!(
                        "Include \"{name}\" needs \"uriVariableMappings\": which of this resource's properties matches which of \"{target}\"'s"
                    ),
                );
            }
            for (own, _) in &mappings {
                if !properties.contains(&own.as_str()) {
                    self.error(
                        &format!("{path}.uriVariableMappings.{own}"),
                        format!(
                            "\"{own}\" in \"uriVariableMappings\" is not a property of \"{}\"",
                            merged.name
                        ),
                    );
                }
            }
            includes.push(Include {
                relationship_name: name,
                target_resource: target,
                uri_variable_mappings: mappings,
                many: self.flag(item, "many", &path).unwrap_or(true),
                description: self.text(item, "description", &path),
            });
        }
        includes
    }

    pub(super) fn includable_in(&mut self) -> Vec<IncludableIn> {
        let items = self.optional_list("includableIn");
        let mut found = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let path = match crate::merge::identity(item) {
                Some(id) => format!("resource.includableIn[{id}]"),
                None => format!("resource.includableIn[{index}]"),
            };
            self.known_keys(
                item,
                &path,
                "an includableIn entry",
                &["resource", "relationshipName", "uriVariableMappings"],
            );
            let (Some(resource), Some(name)) = (
                self.text(item, "resource", &path),
                self.text(item, "relationshipName", &path),
            ) else {
                self.error(
                    &path,
                    "An includableIn entry needs \"resource\" and \"relationshipName\"",
                );
                continue;
            };
            found.push(IncludableIn {
                resource,
                relationship_name: name,
                uri_variable_mappings: self.mappings(item, &path),
            });
        }
        found
    }

    pub(super) fn mappings(&mut self, item: &Node, path: &str) -> Vec<(String, String)> {
        let Some(node) = item.get("uriVariableMappings") else {
            return Vec::new();
        };
        let here = format!("{path}.uriVariableMappings");
        if !matches!(node.value, Value::Map(_)) {
            self.error(
                &here,
                format!(
                    "\"uriVariableMappings\" must be a mapping, not {}",
                    node.value.kind()
                ),
            );
            return Vec::new();
        }
        let mut mappings = Vec::new();
        for (key, value) in node.entries() {
            match value.as_str() {
                Some(theirs) => mappings.push((key.name.clone(), theirs.to_owned())),
                None => self.error(
                    &format!("{here}.{}", key.name),
                    "A uri variable mapping names a property of the target",
                ),
            }
        }
        mappings
    }
}

/// The checks between resources of one API type.
pub(super) fn references(
    merged: &Merged,
    schema: &ResourceSchema,
    all: &[&ResourceSchema],
) -> Vec<Diagnostic> {
    let mut reader = Reader {
        merged,
        problems: Vec::new(),
    };
    let names: Vec<&str> = {
        let mut names: Vec<&str> = all.iter().map(|other| other.name.as_str()).collect();
        names.dedup();
        names
    };
    for include in &schema.includes {
        let path = format!("resource.includes[{}]", include.relationship_name);
        // The base resource of the target (its variants share its URL).
        let Some(target) = all
            .iter()
            .find(|other| other.name == include.target_resource && other.code_bucket.is_none())
        else {
            let hint = did_you_mean(&include.target_resource, names.iter().copied())
                .map(|known| format!(" (did you mean \"{known}\"?)"))
                .unwrap_or_default();
            reader.error(
                &format!("{path}.targetResource"),
                format!(
                    "Include \"{}\" targets \"{}\", which is not a valid {} resource{hint}",
                    include.relationship_name, include.target_resource, schema.api_type
                ),
            );
            continue;
        };
        for (_, theirs) in &include.uri_variable_mappings {
            if target.property(theirs).is_none() {
                reader.error(
                    &format!("{path}.uriVariableMappings"),
                    format!(
                        "\"{theirs}\" in \"uriVariableMappings\" is not a property of \"{}\"",
                        target.name
                    ),
                );
            }
        }
        let matching = target.includable_in.iter().find(|entry| {
            entry.resource == schema.name && entry.relationship_name == include.relationship_name
        });
        match matching {
            None => reader.error(
                &path,
                format!(
                    "Include \"{}\" of \"{}\" has no matching \"includableIn\" in \"{}\" (resource: {}, relationshipName: {})",
                    include.relationship_name,
                    schema.name,
                    target.name,
                    schema.name,
                    include.relationship_name
                ),
            ),
            Some(entry) if entry.uri_variable_mappings != include.uri_variable_mappings => {
                reader.error(
                    &format!("{path}.uriVariableMappings"),
                    format!(
                        "Include \"{}\" of \"{}\" maps other uri variables than the \"includableIn\" of \"{}\"",
                        include.relationship_name, schema.name, target.name
                    ),
                );
            }
            Some(_) => {}
        }
    }
    for entry in &schema.includable_in {
        let path = format!(
            "resource.includableIn[{}.{}]",
            entry.resource, entry.relationship_name
        );
        let declared = all.iter().any(|other| {
            other.name == entry.resource
                && other.includes.iter().any(|include| {
                    include.relationship_name == entry.relationship_name
                        && include.target_resource == schema.name
                })
        });
        if !declared {
            reader.error(
                &path,
                format!(
                    "\"{}\" is includable in \"{}\" as \"{}\", but \"{}\" has no such include",
                    schema.name, entry.resource, entry.relationship_name, entry.resource
                ),
            );
        }
    }
    for operation in &schema.operations {
        for variable in &operation.uri_variables {
            let Some(class) = &variable.from_class else {
                continue;
            };
            if !all.iter().any(|other| other.struct_name == *class) {
                let classes = all.iter().map(|other| other.struct_name.as_str());
                let hint = did_you_mean(class, classes)
                    .map(|known| format!(" (did you mean \"{known}\"?)"))
                    .unwrap_or_default();
                reader.error(
                    &format!(
                        "resource.operations[{}].uriVariables.{}.fromClass",
                        operation.kind.name(),
                        variable.name
                    ),
                    format!(
                        "\"fromClass\" \"{class}\" is not a generated {} resource{hint}",
                        schema.api_type
                    ),
                );
            }
        }
    }
    reader.problems
}
