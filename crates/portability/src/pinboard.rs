//! Pinboard's JSON export (`posts/all?format=json`): an array of posts.
//!
//! ```json
//! [{"href":"https://example.com/","description":"Title","extended":"Comment",
//!   "meta":"…","hash":"…","time":"2011-03-24T19:02:07Z","shared":"no",
//!   "toread":"yes","tags":"rust web"}]
//! ```
//!
//! bukuma writes the same shape with one extension, `note`, which Pinboard
//! clients ignore. Posts are parsed one at a time from the array, each into
//! a small JSON value, so a damaged post is reported with its line and the
//! rest still read.

use serde_json::{Map, Value};

use crate::{ExportItem, ItemError, RawItem};

/// Reads the posts of a Pinboard JSON export one by one.
pub(crate) struct Parser<'a> {
    input: &'a str,
    /// Byte offset of the next thing to read.
    pos: usize,
    /// Line of `pos` (1-based) and the offset up to which lines are counted.
    line: usize,
    counted: usize,
    started: bool,
    done: bool,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(input: &'a str) -> Self {
        Parser {
            input,
            pos: 0,
            line: 1,
            counted: 0,
            started: false,
            done: false,
        }
    }

    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.input.len());
        if offset > self.counted {
            self.line += self.input.as_bytes()[self.counted..offset]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.counted = offset;
        }
        self.line
    }

    fn skip_whitespace(&mut self) {
        let rest = &self.input[self.pos..];
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        self.pos += rest.len() - trimmed.len();
    }

    fn peek(&self) -> Option<u8> {
        self.input.as_bytes().get(self.pos).copied()
    }

    fn fail(&mut self, reason: String) -> Option<Result<RawItem, ItemError>> {
        self.done = true;
        let line = self.line_at(self.pos);
        Some(Err(ItemError { line, reason }))
    }
}

impl Iterator for Parser<'_> {
    type Item = Result<RawItem, ItemError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.skip_whitespace();
        if !self.started {
            self.started = true;
            if self.peek() != Some(b'[') {
                return self.fail("expected a JSON array of posts".into());
            }
            self.pos += 1;
            self.skip_whitespace();
            if self.peek() == Some(b']') {
                self.done = true;
                return None;
            }
        } else {
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                Some(b']') => {
                    self.done = true;
                    return None;
                }
                _ => return self.fail("invalid JSON: expected `,` or `]` after a post".into()),
            }
        }
        let start = self.pos;
        let line = self.line_at(start);
        let mut stream =
            serde_json::Deserializer::from_str(&self.input[start..]).into_iter::<Value>();
        let value = match stream.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => {
                self.done = true;
                return Some(Err(ItemError {
                    line: line + e.line().saturating_sub(1),
                    reason: format!("invalid JSON: {e}"),
                }));
            }
            None => return self.fail("invalid JSON: the array is not closed".into()),
        };
        self.pos = start + stream.byte_offset();
        Some(match value {
            Value::Object(post) => Ok(raw_item(&post, line)),
            _ => Err(ItemError {
                line,
                reason: "a post must be a JSON object".into(),
            }),
        })
    }
}

fn text<'v>(post: &'v Map<String, Value>, key: &str) -> &'v str {
    post.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Pinboard writes `"yes"`/`"no"`; other tools write booleans or 1/0.
fn yes(post: &Map<String, Value>, key: &str) -> Option<bool> {
    match post.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => Some(n.as_i64() == Some(1)),
        Value::String(s) => Some(matches!(s.trim(), "yes" | "1" | "true")),
        _ => None,
    }
}

fn raw_item(post: &Map<String, Value>, line: usize) -> RawItem {
    let mut item = RawItem {
        line,
        url: text(post, "href").to_owned(),
        title: text(post, "description").to_owned(),
        description: text(post, "extended").to_owned(),
        note: post.get("note").and_then(Value::as_str).map(str::to_owned),
        private: yes(post, "shared").map(|shared| !shared),
        read_later: yes(post, "toread").unwrap_or(false),
        ..RawItem::default()
    };
    item.tags = match post.get("tags") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let time = text(post, "time").trim();
    if !time.is_empty() {
        match chrono::DateTime::parse_from_rfc3339(time) {
            Ok(t) => item.created_at = Some(t.timestamp_micros()),
            Err(e) => item.problem = Some(format!("time {time:?}: {e}")),
        }
    }
    if item.url.trim().is_empty() {
        item.problem = Some("a post without href".into());
    }
    // Pinboard shows posts as shared unless told otherwise.
    item.private = item.private.or(Some(false));
    item
}

/// The start of an export.
pub fn header() -> &'static str {
    "["
}

/// The end of an export.
pub fn footer() -> &'static str {
    "\n]\n"
}

/// One post; `first` leaves out the separating comma.
pub fn write_item(item: &ExportItem<'_>, first: bool, out: &mut String) {
    let time = chrono::DateTime::from_timestamp_micros(item.created_at)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let mut post = Map::new();
    post.insert("href".into(), item.url.into());
    post.insert("description".into(), item.title.into());
    post.insert("extended".into(), item.comment.into());
    if !item.note.is_empty() {
        post.insert("note".into(), item.note.into());
    }
    post.insert("time".into(), time.into());
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    post.insert("shared".into(), yes_no(!item.private).into());
    post.insert("toread".into(), yes_no(item.read_later).into());
    post.insert("tags".into(), item.tags.join(" ").into());
    out.push_str(if first { "\n" } else { ",\n" });
    out.push_str(&Value::Object(post).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read, ImportItem, ImportOptions};

    fn parse(input: &str) -> Vec<Result<ImportItem, ItemError>> {
        read(input, ImportOptions::default())
            .expect("a Pinboard file")
            .collect()
    }

    #[test]
    fn pinboard_posts_are_read() {
        let items: Vec<ImportItem> = parse(
            r#"[{"href":"https://a.example/","description":"A","extended":"Nice","meta":"m","hash":"h",
                "time":"2011-03-24T19:02:07Z","shared":"no","toread":"yes","tags":"rust web"},
               {"href":"https://b.example/","description":"B","extended":"","time":"2012-01-01T00:00:00Z",
                "shared":"yes","toread":"no","tags":""}]"#,
        )
        .into_iter()
        .map(|r| r.expect("valid"))
        .collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].title.as_str(), "A");
        assert_eq!(items[0].comment.as_str(), "Nice");
        assert!(items[0].private);
        assert!(items[0].read_later);
        assert_eq!(items[0].tags.to_strings(), ["rust", "web"]);
        assert_eq!(items[0].created_at, Some(1_300_993_327_000_000));
        assert!(!items[1].private);
        assert!(items[1].tags.is_empty());
        assert_eq!(items[1].line, 3);
    }

    #[test]
    fn an_empty_array_has_no_posts() {
        assert!(parse(" [ ] ").is_empty());
    }

    #[test]
    fn bad_posts_are_reported_by_line_and_the_rest_read() {
        let results = parse(
            "[\n{\"href\":\"ftp://x.example/\"},\n42,\n{\"href\":\"https://ok.example/\",\"time\":\"soon\"},\n{\"href\":\"https://ok.example/\"}\n]",
        );
        assert_eq!(results.len(), 4);
        let lines: Vec<usize> = results
            .iter()
            .map(|r| match r {
                Ok(i) => i.line,
                Err(e) => e.line,
            })
            .collect();
        assert_eq!(lines, [2, 3, 4, 5]);
        assert!(results[0].is_err() && results[1].is_err() && results[2].is_err());
        assert!(results[3].is_ok());
    }

    #[test]
    fn broken_json_stops_with_an_error() {
        let results = parse("[{\"href\":\"https://a.example/\"},\n{\"href\": ]");
        assert_eq!(results.len(), 2);
        assert!(results[0].is_ok());
        let err = results[1].as_ref().expect_err("broken");
        assert_eq!(err.line, 2);
        assert!(err.reason.starts_with("invalid JSON"));
    }

    #[test]
    fn written_posts_read_back_identically() {
        let tags = vec!["a".to_owned(), "b".to_owned()];
        let cases = [
            ExportItem {
                url: "https://example.com/?q=1",
                title: "Title \"quoted\"",
                comment: "comment",
                note: "a note\nwith two lines",
                tags: &tags,
                private: true,
                read_later: false,
                created_at: 1_700_000_000_000_001,
            },
            ExportItem {
                url: "https://example.org/",
                title: "",
                comment: "",
                note: "",
                tags: &[],
                private: false,
                read_later: true,
                created_at: 0,
            },
        ];
        let mut file = header().to_owned();
        for (i, c) in cases.iter().enumerate() {
            write_item(c, i == 0, &mut file);
        }
        file.push_str(footer());
        let items: Vec<ImportItem> = parse(&file)
            .into_iter()
            .map(|r| r.expect("valid"))
            .collect();
        assert_eq!(items.len(), 2);
        for (item, c) in items.iter().zip(&cases) {
            assert_eq!(item.url.as_str(), c.url);
            assert_eq!(item.title.as_str(), c.title);
            assert_eq!(item.comment.as_str(), c.comment);
            assert_eq!(item.note.as_str(), c.note);
            assert_eq!(item.tags.to_strings(), c.tags);
            assert_eq!(item.private, c.private);
            assert_eq!(item.read_later, c.read_later);
            assert_eq!(item.created_at, Some(c.created_at));
        }
    }
}
