//! Diagnostics: what is wrong, in which file, on which line, under which key.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::node::Position;

/// One finding of a phase, about one file and key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, as discovered (relative to the project directory where it is inside it).
    pub file: Option<PathBuf>,
    /// Where in the file (0:0 when the finding is about the file as a whole).
    #[serde(serialize_with = "position")]
    pub at: Position,
    /// The key the finding is about, as a path (`resource.properties.age.type`).
    pub key: String,
    /// What is wrong.
    pub message: String,
}

fn position<S: serde::Serializer>(at: &Position, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct as _;
    let mut out = serializer.serialize_struct("Position", 2)?;
    out.serialize_field("line", &at.line)?;
    out.serialize_field("column", &at.column)?;
    out.end()
}

impl Diagnostic {
    /// A finding about `key` of `file` at `at`.
    #[must_use]
    pub fn new(
        file: Option<PathBuf>,
        at: Position,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file,
            at,
            key: key.into(),
            message: message.into(),
        }
    }

    /// `file:line:column` (or the file alone, or nothing).
    #[must_use]
    pub fn location(&self) -> String {
        match (&self.file, self.at.line) {
            (Some(file), 0) => file.display().to_string(),
            (Some(file), _) => format!("{}:{}", file.display(), self.at),
            (None, _) => String::new(),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `Error: <message>` and, on the next line, where: `  --> file:line:column (key)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error: {}", self.message)?;
        let location = self.location();
        match (location.is_empty(), self.key.is_empty()) {
            (false, false) => write!(f, "\n  --> {location} ({})", self.key),
            (false, true) => write!(f, "\n  --> {location}"),
            (true, false) => write!(f, "\n  --> ({})", self.key),
            (true, true) => Ok(()),
        }
    }
}

/// The known word closest to `word`, when it is close enough to be a likely misspelling.
#[must_use]
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    known
        .into_iter()
        .map(|candidate| (distance(&lower, &candidate.to_lowercase()), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len().max(word.len()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// The edit distance (insertions, deletions, substitutions, swaps of neighbours).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_words_are_suggested_and_far_ones_not() {
        let keys = ["shortName", "description", "operations", "properties"];
        assert_eq!(did_you_mean("shortname", keys), Some("shortName"));
        assert_eq!(did_you_mean("propertes", keys), Some("properties"));
        assert_eq!(did_you_mean("opreations", keys), Some("operations"));
        assert_eq!(did_you_mean("colour", keys), None);
    }

    #[test]
    fn a_diagnostic_says_where() {
        let diagnostic = Diagnostic::new(
            Some(PathBuf::from("src/Pyz/a.resource.yml")),
            Position { line: 3, column: 5 },
            "resource.properties.age.type",
            "Property \"age\" has invalid type \"int\"",
        );
        assert_eq!(
            diagnostic.to_string(),
            "Error: Property \"age\" has invalid type \"int\"\n  --> src/Pyz/a.resource.yml:3:5 (resource.properties.age.type)"
        );
    }
}
