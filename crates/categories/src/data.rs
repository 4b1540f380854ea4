//! The labelled sets committed under `data/`, one entry a line:
//! `category<TAB>domain<TAB>tags<TAB>title<TAB>summary`, tags separated by
//! commas; blank lines and lines starting with `#` are skipped.

use std::fmt;

use bukuma_domain::Category;

use crate::Document;

/// The rows the built-in model learns from.
pub const TRAINING_TSV: &str = include_str!("../data/training.tsv");
/// Rows kept apart from training, to measure the model on.
pub const EVALUATION_TSV: &str = include_str!("../data/evaluation.tsv");

/// A line of a labelled set that is not a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based.
    pub line: usize,
    pub reason: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for ParseError {}

/// Reads a labelled set in the format above.
pub fn parse(text: &str) -> Result<Vec<(Document, Category)>, ParseError> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let error = |reason| ParseError {
            line: i + 1,
            reason,
        };
        let fields: Vec<&str> = line.split('\t').collect();
        let [category, domain, tags, title, summary] = fields[..] else {
            return Err(error("expected 5 tab-separated fields"));
        };
        let category = Category::from_slug(category).ok_or_else(|| error("unknown category"))?;
        if title.trim().is_empty() {
            return Err(error("empty title"));
        }
        let doc = Document {
            title: title.to_owned(),
            summary: summary.to_owned(),
            domain: domain.to_owned(),
            tags: tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        rows.push((doc, category));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_and_skips_comments() {
        let rows =
            parse("# header\n\nit\tzenn.dev\trust, wasm\tRust入門\t所有権の話\n").expect("one row");
        assert_eq!(rows.len(), 1);
        let (doc, category) = &rows[0];
        assert_eq!(*category, Category::It);
        assert_eq!(doc.tags, ["rust", "wasm"]);
        assert_eq!(doc.domain, "zenn.dev");
        assert_eq!(doc.summary, "所有権の話");
    }

    #[test]
    fn rejects_bad_rows_with_their_line() {
        assert_eq!(
            parse("it\tzenn.dev\t\tno summary field"),
            Err(ParseError {
                line: 1,
                reason: "expected 5 tab-separated fields"
            })
        );
        assert_eq!(
            parse("\ntech\ta.jp\t\tt\ts").map_err(|e| e.to_string()),
            Err("line 2: unknown category".to_owned())
        );
    }
}
