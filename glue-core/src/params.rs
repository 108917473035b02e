//! The query string of a request, decoded.

use std::borrow::Cow;

/// The decoded query parameters of a request, in order.
///
/// `page%5Boffset%5D=10` is found under `page[offset]`. When a parameter repeats, lookups see
/// the first value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Decodes a raw query string (without the `?`).
    #[must_use]
    pub fn parse(raw: &str) -> Self {
        Self {
            pairs: form_urlencoded::parse(raw.as_bytes())
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect(),
        }
    }

    /// The first value of a parameter.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// Whether the parameter is present.
    #[must_use]
    pub fn contains(&self, key: &str) -> bool {
        self.pairs.iter().any(|(name, _)| name == key)
    }

    /// Every parameter, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// Removes every occurrence of a parameter (credentials such as `api_key`, which must not
    /// reach links).
    pub fn remove(&mut self, key: &str) {
        self.pairs.retain(|(name, _)| name != key);
    }

    /// Whether there are no parameters.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Encodes the parameters for which `keep` holds, followed by `extra`, as a query string
    /// (without the `?`); brackets are percent-encoded (`page%5Boffset%5D=10`).
    #[must_use]
    pub fn encode_with(
        &self,
        keep: impl Fn(&str) -> bool,
        extra: &[(Cow<'static, str>, String)],
    ) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.pairs.iter().filter(|(key, _)| keep(key)) {
            serializer.append_pair(key, value);
        }
        for (key, value) in extra {
            serializer.append_pair(key, value);
        }
        serializer.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_are_decoded_and_encoded() {
        let params = QueryParams::parse("page%5Boffset%5D=10&sort=-name&page[limit]=5");
        assert_eq!(params.get("page[offset]"), Some("10"));
        assert_eq!(params.get("page[limit]"), Some("5"));
        let encoded = params.encode_with(
            |key| !key.starts_with("page["),
            &[(Cow::Borrowed("page[offset]"), "20".to_owned())],
        );
        assert_eq!(encoded, "sort=-name&page%5Boffset%5D=20");
    }
}
