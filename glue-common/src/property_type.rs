//! The JSON types a property can have (SPEC §7.2: the seed's six types).

/// The JSON type of a property, as the schema files and OpenAPI name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropertyType {
    /// A JSON string (also dates, which carry a `format`).
    String,
    /// A JSON number without a fraction.
    Integer,
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A JSON array.
    Array,
    /// A JSON object.
    Object,
}

impl PropertyType {
    /// Every type, in the order schemas list them.
    pub const ALL: [Self; 6] = [
        Self::String,
        Self::Integer,
        Self::Number,
        Self::Boolean,
        Self::Array,
        Self::Object,
    ];

    /// The name used in schemas (`"integer"`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Array => "array",
            Self::Object => "object",
        }
    }
}

named!(PropertyType, "schema", "integer");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for ty in PropertyType::ALL {
            assert_eq!(PropertyType::from_name(ty.name()), Some(ty));
        }
        assert_eq!(PropertyType::from_name("int"), None);
        assert_eq!(
            PropertyType::names(),
            ["string", "integer", "number", "boolean", "array", "object"]
        );
    }
}
