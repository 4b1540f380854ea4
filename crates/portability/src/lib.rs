//! Bookmark files in and out of bukuma, as pure functions over text.
//!
//! Reading: [`read`] sniffs the format of a whole file held in memory once
//! (Netscape bookmark HTML, as every browser, Pinboard, linkding, Shaarli and
//! Hatena write it, or Pinboard's JSON export) and returns an iterator that
//! parses it bookmark by bookmark, validating each with bukuma's domain rules.
//! Writing: [`netscape`] and [`pinboard`] render one bookmark at a time, so
//! an export can be streamed.
//!
//! The mapping, in both directions:
//!
//! | bukuma | Netscape HTML | Pinboard JSON |
//! | --- | --- | --- |
//! | url | `HREF` | `href` |
//! | title (the entry's) | the link text | `description` |
//! | comment | `<DD>` text | `extended` |
//! | note | `<DD>` text after the comment inside `[linkding-notes]…[/linkding-notes]` (linkding's convention) | `note` (a bukuma extension) |
//! | tags | `TAGS` (comma separated) and enclosing `<H3>` folders | `tags` (space separated) |
//! | private | `PRIVATE="1"` | `shared: "no"` |
//! | read later | `TOREAD="1"` | `toread: "yes"` |
//! | created at | `ADD_DATE` (seconds), plus `ADD_DATE_MICROS` when the time has a fraction | `time` (RFC 3339, fraction when present) |
//!
//! A description that is a valid comment as written (at most 100 characters
//! on one line) becomes the comment; a longer or multi-line one goes in full
//! to the note and the comment stays empty, so nothing is cut.

pub mod netscape;
pub mod pinboard;

use std::collections::HashMap;

use bukuma_domain::{Comment, NormalizedUrl, Note, Tags, TagsError, Title};

/// The formats bukuma reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Netscape bookmark file (`<!DOCTYPE NETSCAPE-Bookmark-file-1>`).
    Netscape,
    /// Pinboard's JSON export: an array of posts.
    PinboardJson,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Netscape => "netscape",
            Format::PinboardJson => "json",
        }
    }
}

/// Choices the file itself does not make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    /// Whether a Netscape bookmark without a `PRIVATE` attribute (browsers
    /// write none) is private. Default: true, so importing a browser's
    /// bookmarks never publishes them by surprise.
    pub private_by_default: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            private_by_default: true,
        }
    }
}

/// One bookmark of a file, valid by bukuma's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportItem {
    /// 1-based line of the file where the bookmark starts.
    pub line: usize,
    pub url: NormalizedUrl,
    pub title: Title,
    pub comment: Comment,
    pub note: Note,
    pub tags: Tags,
    pub private: bool,
    pub read_later: bool,
    /// Microseconds since the epoch; `None` when the file gives no time.
    pub created_at: Option<i64>,
}

/// A bookmark of the file that is not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    pub line: usize,
    pub reason: String,
}

/// The file is in no format bukuma reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormatError(pub String);

/// A bookmark as a file states it, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RawItem {
    pub line: usize,
    pub url: String,
    pub title: String,
    /// Comment, or a description to split into comment and note.
    pub description: String,
    /// An explicit note (linkding's marker, or Pinboard JSON's `note`).
    pub note: Option<String>,
    pub tags: Vec<String>,
    /// Tags derived from folders: whitespace and commas become `_`. Shared
    /// by the bookmarks of a folder.
    pub folder_tags: std::sync::Arc<[String]>,
    pub private: Option<bool>,
    pub read_later: bool,
    pub created_at: Option<i64>,
    /// A problem found while reading the item (bad date, …).
    pub problem: Option<String>,
}

/// Recognizes the format from the first few kilobytes of a file.
pub fn sniff(input: &str) -> Result<Format, FormatError> {
    let start = input.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('[') {
        return Ok(Format::PinboardJson);
    }
    if start.starts_with('{') {
        return Err(FormatError(
            "a JSON object: expected Pinboard's JSON export (an array of posts) or a Netscape bookmark file"
                .into(),
        ));
    }
    let mut end = start.len().min(8192);
    while !start.is_char_boundary(end) {
        end -= 1;
    }
    let head = start[..end].to_ascii_lowercase();
    if head.contains("netscape-bookmark-file")
        || head.contains("<dl")
        || head.contains("<dt")
        || (head.starts_with('<') && head.contains("<a "))
    {
        return Ok(Format::Netscape);
    }
    if start.is_empty() {
        return Err(FormatError("the file is empty".into()));
    }
    Err(FormatError(
        "not a bookmark file: expected a Netscape bookmark file (HTML) or Pinboard's JSON export"
            .into(),
    ))
}

/// Parses `input` bookmark by bookmark, in file order.
pub fn read(input: &str, opts: ImportOptions) -> Result<Reader<'_>, FormatError> {
    let format = sniff(input)?;
    let inner = match format {
        Format::Netscape => Inner::Netscape(Box::new(netscape::Parser::new(input))),
        Format::PinboardJson => Inner::Pinboard(pinboard::Parser::new(input)),
    };
    Ok(Reader {
        format,
        inner,
        opts,
        seen: HashMap::new(),
    })
}

enum Inner<'a> {
    Netscape(Box<netscape::Parser<'a>>),
    Pinboard(pinboard::Parser<'a>),
}

/// The bookmarks of a file: each valid one, or why one is not imported.
/// A URL that appears again (after normalization) keeps its first bookmark,
/// so importing a file is idempotent.
pub struct Reader<'a> {
    format: Format,
    inner: Inner<'a>,
    opts: ImportOptions,
    /// Normalized URL → line of its first bookmark.
    seen: HashMap<String, usize>,
}

impl Reader<'_> {
    pub fn format(&self) -> Format {
        self.format
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<ImportItem, ItemError>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = match &mut self.inner {
            Inner::Netscape(p) => p.next()?,
            Inner::Pinboard(p) => p.next()?,
        };
        Some(raw.and_then(|raw| {
            let item = validate(raw, self.opts)?;
            if let Some(first) = self.seen.get(item.url.as_str()) {
                return Err(ItemError {
                    line: item.line,
                    reason: format!("the same URL as line {first}; the first one is kept"),
                });
            }
            self.seen.insert(item.url.as_str().to_owned(), item.line);
            Ok(item)
        }))
    }
}

/// Folder names become tags: whitespace runs and commas turn into `_`.
pub(crate) fn folder_tag(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.trim().chars() {
        if c.is_whitespace() || matches!(c, ',' | '\u{FF0C}') {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.push(c);
        }
    }
    out
}

/// Splits a description into (comment, note): valid as a comment as written
/// → the comment; otherwise all of it → the note.
fn split_description(description: &str, note: Option<&str>) -> (String, String) {
    let description = description.trim();
    let as_comment = Comment::parse(description)
        .ok()
        .filter(|c| c.as_str() == description);
    match (as_comment, note.map(str::trim).filter(|n| !n.is_empty())) {
        (Some(c), note) => (c.into_string(), note.unwrap_or("").to_owned()),
        (None, None) => (String::new(), description.to_owned()),
        (None, Some(n)) => (String::new(), format!("{description}\n\n{n}")),
    }
}

fn validate(raw: RawItem, opts: ImportOptions) -> Result<ImportItem, ItemError> {
    let line = raw.line;
    let fail = |reason: String| ItemError { line, reason };
    if let Some(problem) = raw.problem {
        return Err(fail(problem));
    }
    let url = NormalizedUrl::parse(raw.url.trim()).map_err(|e| {
        let shown: String = raw.url.chars().take(100).collect();
        fail(format!("url {shown:?}: {e}"))
    })?;
    let title = Title::parse(&raw.title).map_err(|e| fail(format!("title: {e}")))?;
    let (comment, note) = split_description(&raw.description, raw.note.as_deref());
    let comment = Comment::parse(&comment).map_err(|e| fail(format!("comment: {e}")))?;
    let note = Note::parse(&note).map_err(|e| fail(format!("note: {e}")))?;
    let mut names: Vec<String> = raw
        .tags
        .iter()
        .flat_map(|t| t.split(|c: char| c == ',' || c.is_whitespace()))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    names.extend(raw.folder_tags.iter().filter(|t| !t.is_empty()).cloned());
    let tags = Tags::parse(&names).map_err(|e| match e {
        TagsError::Invalid { index, error } => fail(format!(
            "tag {:?}: {error}",
            names.get(index).map(String::as_str).unwrap_or("")
        )),
        TagsError::TooMany => fail(format!(
            "{} tags; a bookmark has at most 10",
            names
                .iter()
                .map(|n| bukuma_domain::bookmark::tag_key(n))
                .collect::<std::collections::HashSet<_>>()
                .len()
        )),
    })?;
    Ok(ImportItem {
        line,
        url,
        title,
        comment,
        note,
        tags,
        private: raw.private.unwrap_or(opts.private_by_default),
        read_later: raw.read_later,
        created_at: raw.created_at,
    })
}

/// One bookmark to write out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportItem<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub comment: &'a str,
    pub note: &'a str,
    pub tags: &'a [String],
    pub private: bool,
    pub read_later: bool,
    /// Microseconds since the epoch.
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_netscape_html_and_pinboard_json() {
        assert_eq!(
            sniff("\u{feff}<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL>"),
            Ok(Format::Netscape)
        );
        assert_eq!(
            sniff("<DT><A HREF=\"https://a.example/\">a</A>"),
            Ok(Format::Netscape)
        );
        assert_eq!(sniff("  \n[{\"href\": \"x\"}]"), Ok(Format::PinboardJson));
        assert!(sniff("{\"bookmarks\": []}").is_err());
        assert!(sniff("").is_err());
        assert!(sniff("just some text").is_err());
    }

    #[test]
    fn folder_names_become_tags_with_underscores() {
        assert_eq!(folder_tag("  Tech  News "), "Tech_News");
        assert_eq!(folder_tag("a, b"), "a_b");
        assert_eq!(folder_tag("日本語"), "日本語");
    }

    #[test]
    fn short_single_line_descriptions_are_comments_and_others_notes() {
        assert_eq!(
            split_description(" nice ", None),
            ("nice".into(), String::new())
        );
        let long = "x".repeat(101);
        assert_eq!(
            split_description(&long, None),
            (String::new(), long.clone())
        );
        assert_eq!(
            split_description("two\nlines", None),
            (String::new(), "two\nlines".into())
        );
        assert_eq!(
            split_description("short", Some("my note")),
            ("short".into(), "my note".into())
        );
        assert_eq!(
            split_description(&long, Some("my note")),
            (String::new(), format!("{long}\n\nmy note"))
        );
    }
}
