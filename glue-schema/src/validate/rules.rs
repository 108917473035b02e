//! Validation rules from `*.validation.yml`: per operation group, checked against each
//! property's type, then split into what every write group shares and what a group adds.

use glue_common::{OperationKind, PropertyType};

use super::{RULES, Reader, VALIDATION_GROUPS};
use crate::model::{Operation, Property, Rules};
use crate::node::{Node, Value};
use crate::report::did_you_mean;

impl Reader<'_> {
    /// Reads the merged validation schema: groups, properties and rules, each known.
    pub(super) fn validation_rules(&mut self, name: &str, properties: &[Property]) {
        let Some(validation) = &self.merged.validation else {
            return;
        };
        let known: Vec<&str> = ["name", "codeBucket"]
            .into_iter()
            .chain(VALIDATION_GROUPS)
            .collect();
        self.known_keys(validation, "validation", "a validation schema", &known);
        for group in VALIDATION_GROUPS {
            let Some(node) = validation.get(group) else {
                continue;
            };
            let path = format!("validation.{group}");
            if !matches!(node.value, Value::Map(_)) {
                self.error(
                    &path,
                    format!("\"{group}\" must be a mapping of properties to rules"),
                );
                continue;
            }
            for (key, rules) in node.entries() {
                let here = format!("{path}.{}", key.name);
                if !properties.iter().any(|p| p.name == key.name) {
                    let names = properties.iter().map(|p| p.name.as_str());
                    let hint = did_you_mean(&key.name, names)
                        .map(|known| format!(" (did you mean \"{known}\"?)"))
                        .unwrap_or_default();
                    self.error(
                        &here,
                        format!(
                            "Validation rules for \"{}\", which is not a property of \"{name}\"{hint}",
                            key.name
                        ),
                    );
                    continue;
                }
                self.known_keys(rules, &here, "validation rules", &RULES);
                let found = self.rules(rules, &here);
                if let Some(property) = properties.iter().find(|p| p.name == key.name) {
                    self.rules_fit(property, &found, &here);
                }
            }
        }
    }

    /// Each rule is for the property's type: texts take `notBlank`, `email`, `url`, `length`
    /// and `choice`; lists take `length`; numbers take `range` (whole bounds for integers).
    pub(super) fn rules_fit(&mut self, property: &Property, rules: &Rules, path: &str) {
        let text = property.ty == PropertyType::String;
        let mut misfits: Vec<&str> = Vec::new();
        for (rule, present, fits) in [
            ("notBlank", rules.not_blank, text),
            ("email", rules.email, text),
            ("url", rules.url, text),
            ("choice", !rules.choice.is_empty(), text),
            (
                "length",
                rules.length.is_some(),
                text || property.ty == PropertyType::Array,
            ),
            (
                "range",
                rules.range.is_some(),
                matches!(property.ty, PropertyType::Integer | PropertyType::Number),
            ),
        ] {
            if present && !fits {
                misfits.push(rule);
            }
        }
        for rule in misfits {
            self.error(
                &format!("{path}.{rule}"),
                format!(
                    "Rule \"{rule}\" does not apply to \"{}\", a property of type {}",
                    property.name,
                    property.ty.name()
                ),
            );
        }
        if property.ty == PropertyType::Integer
            && let Some((min, max)) = rules.range
            && [min, max]
                .into_iter()
                .flatten()
                .any(|bound| bound.fract() != 0.0)
        {
            self.error(
                &format!("{path}.range"),
                format!(
                    "\"range\" of \"{}\" needs whole bounds: it is an integer",
                    property.name
                ),
            );
        }
    }

    /// The rules of one property in one group.
    pub(super) fn rules(&mut self, node: &Node, path: &str) -> Rules {
        let mut rules = Rules::default();
        for (key, value) in node.entries() {
            let here = format!("{path}.{}", key.name);
            match key.name.as_str() {
                "notBlank" | "email" | "url" => {
                    let on = match value.value {
                        Value::Bool(on) => on,
                        Value::Null => true,
                        _ => {
                            self.error(&here, format!("Rule \"{}\" takes true or false", key.name));
                            false
                        }
                    };
                    match key.name.as_str() {
                        "notBlank" => rules.not_blank = on,
                        "email" => rules.email = on,
                        _ => rules.url = on,
                    }
                }
                "length" => {
                    self.known_keys(value, &here, "rule \"length\"", &["min", "max"]);
                    let min = self.count(value, "min", &here);
                    let max = self.count(value, "max", &here);
                    if let (Some(min), Some(max)) = (min, max)
                        && min > max
                    {
                        self.error(&here, format!("\"length\" has max {max} below min {min}"));
                    }
                    rules.length = Some((min, max));
                }
                "range" => {
                    self.known_keys(value, &here, "rule \"range\"", &["min", "max"]);
                    let bound = |reader: &mut Self, which: &str| match value.get(which) {
                        None => None,
                        Some(Node {
                            value: Value::Int(number),
                            ..
                        }) =>
                        {
                            #[allow(clippy::cast_precision_loss)]
                            Some(*number as f64)
                        }
                        Some(Node {
                            value: Value::Float(number),
                            ..
                        }) => Some(*number),
                        Some(other) => {
                            reader.error(
                                &format!("{here}.{which}"),
                                format!("\"range\" bounds are numbers, not {}", other.value.kind()),
                            );
                            None
                        }
                    };
                    let min = bound(self, "min");
                    let max = bound(self, "max");
                    rules.range = Some((min, max));
                }
                "choice" => match &value.value {
                    Value::List(items) if items.iter().all(|item| item.as_str().is_some()) => {
                        rules.choice = items
                            .iter()
                            .filter_map(|item| item.as_str().map(ToOwned::to_owned))
                            .collect();
                    }
                    _ => self.error(&here, "Rule \"choice\" takes a list of texts"),
                },
                _ => {}
            }
        }
        rules
    }

    /// Puts each property's rules on it: those every write group of the resource shares
    /// (`validator` rules on the field), and what each group adds (checked for that group's
    /// writes alone). A group for an operation the resource does not declare is a mistake.
    pub(super) fn apply_rules(&mut self, properties: &mut [Property], operations: &[Operation]) {
        let Some(validation) = self.merged.validation.clone() else {
            return;
        };
        let groups: Vec<&str> = VALIDATION_GROUPS
            .into_iter()
            .zip([
                OperationKind::Post,
                OperationKind::Put,
                OperationKind::Patch,
            ])
            .filter(|(_, kind)| operations.iter().any(|op| op.kind == *kind))
            .map(|(group, _)| group)
            .collect();
        for (group, kind) in VALIDATION_GROUPS.into_iter().zip(["Post", "Put", "Patch"]) {
            if !groups.contains(&group) && validation.get(group).is_some() {
                self.error(
                    &format!("validation.{group}"),
                    format!(
                        "Validation group \"{group}\" has rules, but \"{}\" declares no {kind} operation",
                        self.merged.name
                    ),
                );
            }
        }
        for property in properties.iter_mut() {
            let by_group: Vec<(&str, Rules)> = groups
                .iter()
                .map(|group| {
                    let rules = validation
                        .get(group)
                        .and_then(|node| node.get(&property.name))
                        .map(|rules| {
                            let mut quiet = Reader {
                                merged: self.merged,
                                problems: Vec::new(),
                            };
                            quiet.rules(rules, &format!("validation.{group}.{}", property.name))
                        })
                        .unwrap_or_default();
                    (*group, rules)
                })
                .collect();
            let Some((_, first)) = by_group.first() else {
                continue;
            };
            let common = by_group
                .iter()
                .fold(first.clone(), |common, (_, rules)| common.shared(rules));
            for (group, rules) in &by_group {
                let extra = rules.beyond(&common);
                if !extra.is_empty() {
                    property.group_rules.push(((*group).to_owned(), extra));
                }
            }
            property.rules = common;
        }
    }
}
