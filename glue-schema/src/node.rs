//! A YAML document as a tree whose every node and key knows its line and column, so that
//! merging can record where each key came from and validation can say where it is wrong.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A place in a file: 1-based line and column (0 when unknown).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The line, from 1.
    pub line: u64,
    /// The column, from 1.
    pub column: u64,
}

impl Position {
    fn of<T>(spanned: &Spanned<T>) -> Self {
        Self {
            line: spanned.referenced.line(),
            column: spanned.referenced.column(),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value of the tree and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value starts.
    pub at: Position,
}

/// A mapping key and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The key's text.
    pub name: String,
    /// Where the key starts.
    pub at: Position,
}

/// The values YAML can hold, mappings in the order written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Another number.
    Float(f64),
    /// Text.
    Str(String),
    /// A sequence.
    List(Vec<Node>),
    /// A mapping, in the order written.
    Map(Vec<(Key, Node)>),
}

impl Value {
    /// What the value is, for messages (`a mapping`, `a text`).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Null => "nothing",
            Self::Bool(_) => "a boolean",
            Self::Int(_) => "an integer",
            Self::Float(_) => "a number",
            Self::Str(_) => "a text",
            Self::List(_) => "a list",
            Self::Map(_) => "a mapping",
        }
    }

    /// The value as JSON (mappings keep their order only as far as JSON objects do).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Null => serde_json::Value::Null,
            Self::Bool(value) => serde_json::Value::Bool(*value),
            Self::Int(value) => serde_json::Value::from(*value),
            Self::Float(value) => serde_json::Number::from_f64(*value)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Self::Str(text) => serde_json::Value::String(text.clone()),
            Self::List(items) => items.iter().map(|item| item.value.to_json()).collect(),
            Self::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(key, node)| (key.name.clone(), node.value.to_json()))
                    .collect(),
            ),
        }
    }
}

impl Node {
    /// The entry of a mapping under `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Self> {
        self.entry(key).map(|(_, node)| node)
    }

    /// The key and value of a mapping's entry.
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<(&Key, &Self)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(known, _)| known.name == key)
                .map(|(known, node)| (known, node)),
            _ => None,
        }
    }

    /// The entries of a mapping (none for another value).
    #[must_use]
    pub fn entries(&self) -> &[(Key, Self)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The text of a text value.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(text) => Some(text),
            _ => None,
        }
    }
}

/// Parses a file's YAML documents (`---` separates several) into trees.
///
/// # Errors
///
/// The parser's message and where it stopped, when the text is not YAML.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, (String, Position)> {
    // YAML 1.2's booleans only: `no`, `y` and `off` stay texts (a country code, a name).
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    let documents: Vec<Spanned<Raw>> = serde_saphyr::from_multiple_with_options(text, options)
        .map_err(|error| {
            let at = error
                .location()
                .map(|location| Position {
                    line: location.line(),
                    column: location.column(),
                })
                .unwrap_or_default();
            (first_line(&error.to_string()), at)
        })?;
    Ok(documents.into_iter().map(Node::from).collect())
}

/// The first line of a parser message (the rest repeats the source).
fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

/// What the deserializer hands over, before positions are attached.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Spanned<Self>>),
    Map(Vec<(Spanned<String>, Spanned<Self>)>),
}

impl From<Spanned<Raw>> for Node {
    fn from(spanned: Spanned<Raw>) -> Self {
        let at = Position::of(&spanned);
        let value = match spanned.value {
            Raw::Null => Value::Null,
            Raw::Bool(value) => Value::Bool(value),
            Raw::Int(value) => Value::Int(value),
            Raw::Float(value) => Value::Float(value),
            Raw::Str(text) => Value::Str(text),
            Raw::List(items) => Value::List(items.into_iter().map(Self::from).collect()),
            Raw::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(key, node)| {
                        let at = Position::of(&key);
                        (
                            Key {
                                name: key.value,
                                at,
                            },
                            Self::from(node),
                        )
                    })
                    .collect(),
            ),
        };
        Self { value, at }
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Raw, D::Error> {
        Raw::deserialize(deserializer)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Raw, E> {
        Ok(Raw::Int(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Raw, E> {
        // Beyond `i64`, a whole number is kept as a number.
        #[allow(clippy::cast_precision_loss)]
        Ok(i64::try_from(value).map_or(Raw::Float(value as f64), Raw::Int))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Raw, E> {
        Ok(Raw::Float(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Raw, E> {
        Ok(Raw::Str(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Raw, E> {
        Ok(Raw::Str(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(item);
        }
        Ok(Raw::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<Raw>>()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_know_where_they_are() {
        let text = "resource:\n  name: Customers\n  properties:\n    email:\n      type: string\n";
        let documents = parse_documents(text).unwrap();
        assert_eq!(documents.len(), 1);
        let resource = documents[0].get("resource").unwrap();
        let (key, name) = resource.entry("name").unwrap();
        assert_eq!(
            (key.at.line, key.at.column, name.as_str()),
            (2, 3, Some("Customers"))
        );
        let email = resource.get("properties").unwrap().entry("email").unwrap();
        assert_eq!((email.0.at.line, email.0.at.column), (4, 5));
        assert_eq!(email.1.get("type").unwrap().at.line, 5);
    }

    #[test]
    fn several_documents_and_every_kind_of_value() {
        let text = "a: [1, 2.5, true, ~, x]\n---\nb: {c: 1}\n";
        let documents = parse_documents(text).unwrap();
        assert_eq!(documents.len(), 2);
        assert_eq!(
            documents[0].value.to_json(),
            serde_json::json!({"a": [1, 2.5, true, null, "x"]})
        );
        assert_eq!(documents[1].get("b").unwrap().at.line, 3);
    }

    #[test]
    fn only_yaml_1_2_booleans_are_booleans() {
        let documents = parse_documents("a: [no, y, off, true, False]\n").unwrap();
        assert_eq!(
            documents[0].value.to_json(),
            serde_json::json!({"a": ["no", "y", "off", true, false]})
        );
    }

    #[test]
    fn broken_yaml_says_where() {
        let (message, at) = parse_documents("a: [1, 2\nb: c\n").unwrap_err();
        assert!(!message.is_empty());
        assert!(at.line >= 1, "{at:?}");
        let (message, _) = parse_documents("a: 1\na: 2\n").unwrap_err();
        assert!(message.to_lowercase().contains("duplicate"), "{message}");
    }
}
