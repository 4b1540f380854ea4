//! The Netscape bookmark file format: sloppy HTML that every browser writes.
//!
//! ```html
//! <!DOCTYPE NETSCAPE-Bookmark-file-1>
//! <DL><p>
//!   <DT><H3>Folder</H3>
//!   <DL><p>
//!     <DT><A HREF="https://example.com/" ADD_DATE="1700000000" PRIVATE="1" TOREAD="0" TAGS="a,b">Title</A>
//!     <DD>Description
//!   </DL><p>
//! </DL><p>
//! ```
//!
//! Parsed with html5ever's tokenizer (entities, unquoted attributes, any
//! letter case), fed in slices so the file is never copied whole. Folders
//! become tags, except the browsers' own top-level folders (those marked
//! `PERSONAL_TOOLBAR_FOLDER` or `UNFILED_BOOKMARKS_FOLDER`).
//!
//! Whatever the file's shape, reading it takes memory for a few slices and
//! the bookmarks read from them, never more: only the [`FOLDER_TAGS`]
//! outermost folders become tags (deeper folders are read, their bookmarks
//! imported, but they add no tag), a folder's tag is cut to the length of a
//! tag, the bookmarks of a folder share one list of its tags, and text longer
//! than any field may be is cut (and then refused as too long).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;

use bukuma_domain::bookmark::TAG_MAX_CHARS;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::{folder_tag, ExportItem, ItemError, RawItem};

const NOTES_OPEN: &str = "[linkding-notes]";
const NOTES_CLOSE: &str = "[/linkding-notes]";
/// How much of the file the tokenizer is given at a time.
const SLICE: usize = 64 * 1024;
/// How many enclosing folders, outermost first, become tags of a bookmark.
pub const FOLDER_TAGS: usize = 5;
/// The most text kept of a title, description or folder name: more than any
/// field holds, so what is cut is refused as too long, not stored cut.
const MAX_TEXT_BYTES: usize = 64 * 1024;

/// What text is being collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    Title,
    Description,
    Folder,
}

#[derive(Debug, Default)]
struct State {
    /// How many `<DL>`s are open.
    depth: usize,
    /// The tags of the outermost open folders (at most [`FOLDER_TAGS`]),
    /// each with the depth of its `<DL>`.
    folders: Vec<(usize, String)>,
    /// The tags of `folders`, shared by every bookmark read in them.
    folder_tags: Arc<[String]>,
    /// A folder heading just read, waiting for its `<DL>`.
    pending_folder: Option<Option<String>>,
    folder_is_special: bool,
    current: Option<RawItem>,
    capture: Option<Capture>,
    text: String,
    ready: VecDeque<Result<RawItem, ItemError>>,
}

impl State {
    fn finish_capture(&mut self) {
        let text = std::mem::take(&mut self.text);
        match self.capture.take() {
            Some(Capture::Title) => {
                if let Some(item) = &mut self.current {
                    item.title = text;
                }
            }
            Some(Capture::Description) => {
                if let Some(item) = &mut self.current {
                    set_description(item, &text);
                }
            }
            Some(Capture::Folder) => {
                let tag = (!self.folder_is_special).then(|| {
                    let tag = folder_tag(&text);
                    match tag.char_indices().nth(TAG_MAX_CHARS) {
                        Some((cut, _)) => tag[..cut].to_owned(),
                        None => tag,
                    }
                });
                self.pending_folder = Some(tag.filter(|t| !t.is_empty()));
            }
            None => {}
        }
    }

    fn finish_item(&mut self) {
        self.finish_capture();
        if let Some(mut item) = self.current.take() {
            item.folder_tags = Arc::clone(&self.folder_tags);
            self.ready.push_back(Ok(item));
        }
    }

    fn tag(&mut self, tag: Tag, line: usize) {
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        match (name, start) {
            ("a", true) => {
                self.finish_item();
                self.current = Some(item_from_attributes(&tag, line));
                self.capture = Some(Capture::Title);
            }
            ("a", false) if self.capture == Some(Capture::Title) => self.finish_capture(),
            ("dd", true) => {
                let open = self
                    .current
                    .as_ref()
                    .is_some_and(|i| i.description.is_empty());
                self.finish_capture();
                if open {
                    self.capture = Some(Capture::Description);
                }
            }
            ("br", _) if self.capture == Some(Capture::Description) => self.text.push('\n'),
            ("h3", true) => {
                self.finish_item();
                self.folder_is_special = tag.attrs.iter().any(|a| {
                    // The tokenizer lowercases attribute names.
                    let n: &str = &a.name.local;
                    n == "personal_toolbar_folder" || n == "unfiled_bookmarks_folder"
                });
                self.capture = Some(Capture::Folder);
            }
            ("h3", false) => self.finish_capture(),
            ("dl", true) => {
                self.finish_item();
                self.depth += 1;
                if let Some(tag) = self.pending_folder.take().flatten() {
                    if self.folders.len() < FOLDER_TAGS {
                        self.folders.push((self.depth, tag));
                        self.share_folder_tags();
                    }
                }
            }
            ("dl", false) => {
                self.finish_item();
                if self.folders.last().is_some_and(|(d, _)| *d == self.depth) {
                    self.folders.pop();
                    self.share_folder_tags();
                }
                self.depth = self.depth.saturating_sub(1);
            }
            ("dt", _) | ("h1", _) | ("title", _) => self.finish_item(),
            _ => {}
        }
    }
}

impl State {
    fn share_folder_tags(&mut self) {
        self.folder_tags = self.folders.iter().map(|(_, t)| t.clone()).collect();
    }

    /// Adds to the text being collected, up to [`MAX_TEXT_BYTES`].
    fn collect(&mut self, text: &str) {
        let room = MAX_TEXT_BYTES.saturating_sub(self.text.len());
        let mut cut = text.len().min(room);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        self.text.push_str(&text[..cut]);
    }
}

fn set_description(item: &mut RawItem, text: &str) {
    let text = text.trim();
    match text.split_once(NOTES_OPEN) {
        Some((description, rest)) => {
            let note = rest.rsplit_once(NOTES_CLOSE).map_or(rest, |(n, _)| n);
            item.description = description.trim().to_owned();
            item.note = Some(note.to_owned());
        }
        None => item.description = text.to_owned(),
    }
}

fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

fn flag(value: Option<&str>) -> Option<bool> {
    value.map(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

/// `ADD_DATE` in seconds (or, as some tools write, milliseconds or
/// microseconds), refined by `ADD_DATE_MICROS` when it names the same second.
fn add_date(tag: &Tag) -> Result<Option<i64>, String> {
    let Some(raw) = attr(tag, "add_date")
        .map(str::trim)
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    let n: i64 = raw
        .parse()
        .map_err(|_| format!("ADD_DATE {raw:?} is not a number of seconds"))?;
    let micros = match n.unsigned_abs() {
        0..100_000_000_000 => n.checked_mul(1_000_000),
        100_000_000_000..100_000_000_000_000 => n.checked_mul(1_000),
        _ => Some(n),
    }
    .filter(|m| chrono::DateTime::from_timestamp_micros(*m).is_some())
    .ok_or_else(|| format!("ADD_DATE {raw:?} is out of range"))?;
    let precise = attr(tag, "add_date_micros")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|p| p.div_euclid(1_000_000) == micros.div_euclid(1_000_000));
    Ok(Some(precise.unwrap_or(micros)))
}

fn item_from_attributes(tag: &Tag, line: usize) -> RawItem {
    let mut item = RawItem {
        line,
        url: attr(tag, "href").unwrap_or("").to_owned(),
        tags: attr(tag, "tags")
            .map(|t| vec![t.to_owned()])
            .unwrap_or_default(),
        private: flag(attr(tag, "private")),
        read_later: flag(attr(tag, "toread")).unwrap_or(false),
        ..RawItem::default()
    };
    match add_date(tag) {
        Ok(t) => item.created_at = t,
        Err(problem) => item.problem = Some(problem),
    }
    if item.url.trim().is_empty() {
        item.problem = Some("a link without HREF".into());
    }
    item
}

struct Sink(RefCell<State>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        let mut state = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => state.tag(tag, line),
            Token::CharacterTokens(text) if state.capture.is_some() => state.collect(&text),
            Token::EOFToken => state.finish_item(),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Reads the bookmarks of a Netscape bookmark file one by one.
pub(crate) struct Parser<'a> {
    rest: &'a str,
    tokenizer: Tokenizer<Sink>,
    queue: BufferQueue,
    ended: bool,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(input: &'a str) -> Self {
        Parser {
            rest: input.trim_start_matches('\u{feff}'),
            tokenizer: Tokenizer::new(
                Sink(RefCell::new(State::default())),
                TokenizerOpts::default(),
            ),
            queue: BufferQueue::default(),
            ended: false,
        }
    }

    fn pop(&self) -> Option<Result<RawItem, ItemError>> {
        self.tokenizer.sink.0.borrow_mut().ready.pop_front()
    }
}

impl Iterator for Parser<'_> {
    type Item = Result<RawItem, ItemError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pop() {
                return Some(item);
            }
            if self.ended {
                return None;
            }
            if self.rest.is_empty() {
                self.tokenizer.end();
                self.ended = true;
                continue;
            }
            let mut cut = self.rest.len().min(SLICE);
            while !self.rest.is_char_boundary(cut) {
                cut += 1;
            }
            let (slice, rest) = self.rest.split_at(cut);
            self.rest = rest;
            self.queue.push_back(StrTendril::from_slice(slice));
            let _ = self.tokenizer.feed(&self.queue);
        }
    }
}

/// HTML-escapes text and attribute values.
fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// The start of a bookmark file, up to its list's opening.
pub fn header() -> &'static str {
    "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n\
     <!-- This is an automatically generated file.\n     It will be read and overwritten.\n     DO NOT EDIT! -->\n\
     <META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">\n\
     <TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n"
}

/// The end of a bookmark file.
pub fn footer() -> &'static str {
    "</DL><p>\n"
}

/// One bookmark: a `<DT><A …>` line and, with a comment or note, a `<DD>`.
pub fn write_item(item: &ExportItem<'_>, out: &mut String) {
    let seconds = item.created_at.div_euclid(1_000_000);
    out.push_str("<DT><A HREF=\"");
    escape(item.url, out);
    out.push_str(&format!("\" ADD_DATE=\"{seconds}\""));
    if item.created_at.rem_euclid(1_000_000) != 0 {
        out.push_str(&format!(" ADD_DATE_MICROS=\"{}\"", item.created_at));
    }
    out.push_str(&format!(
        " PRIVATE=\"{}\" TOREAD=\"{}\" TAGS=\"",
        u8::from(item.private),
        u8::from(item.read_later)
    ));
    escape(&item.tags.join(","), out);
    out.push_str("\">");
    escape(item.title, out);
    out.push_str("</A>\n");
    if !item.comment.is_empty() || !item.note.is_empty() {
        out.push_str("<DD>");
        escape(item.comment, out);
        if !item.note.is_empty() {
            out.push_str(NOTES_OPEN);
            escape(item.note, out);
            out.push_str(NOTES_CLOSE);
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read, ImportItem, ImportOptions};

    fn parse(input: &str) -> Vec<Result<ImportItem, ItemError>> {
        read(input, ImportOptions::default())
            .expect("a Netscape file")
            .collect()
    }

    fn ok(input: &str) -> Vec<ImportItem> {
        parse(input)
            .into_iter()
            .map(|r| r.expect("valid bookmark"))
            .collect()
    }

    fn tags(item: &ImportItem) -> Vec<String> {
        item.tags.to_strings()
    }

    const CHROME: &str = r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1600000000" LAST_MODIFIED="0" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://www.rust-lang.org/" ADD_DATE="1600000001" ICON="data:image/png;base64,AAA">Rust &amp; friends</A>
        <DT><H3 ADD_DATE="1600000002" LAST_MODIFIED="0">Dev Tools</H3>
        <DL><p>
            <DT><A HREF="https://EXAMPLE.com/a?utm_source=x#top" ADD_DATE="1600000003">A</A>
        </DL><p>
    </DL><p>
    <DT><A HREF="https://example.org/" ADD_DATE="1600000004">Outside</A>
</DL><p>
"#;

    #[test]
    fn chrome_export_folders_become_tags_but_not_the_bookmarks_bar() {
        let items = ok(CHROME);
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].url.as_str(), "https://www.rust-lang.org/");
        assert_eq!(items[0].title.as_str(), "Rust & friends");
        assert!(items[0].tags.is_empty());
        assert_eq!(items[0].created_at, Some(1_600_000_001_000_000));
        assert_eq!(items[0].line, 11);
        assert_eq!(items[1].url.as_str(), "https://example.com/a");
        assert_eq!(tags(&items[1]), ["Dev_Tools"]);
        assert!(items[2].tags.is_empty());
        assert_eq!(items[2].title.as_str(), "Outside");
    }

    #[test]
    fn browser_bookmarks_without_private_attribute_are_private_by_default() {
        let items = ok(CHROME);
        assert!(items.iter().all(|i| i.private && !i.read_later));
        let public = read(
            CHROME,
            ImportOptions {
                private_by_default: false,
            },
        )
        .expect("netscape")
        .map(|r| r.expect("valid"))
        .all(|i| !i.private);
        assert!(public);
    }

    #[test]
    fn pinboard_attributes_tags_and_descriptions_are_read() {
        let items = ok(r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<DL><p><DT><A HREF="https://a.example/" ADD_DATE="1300000000" PRIVATE="0" TOREAD="1" TAGS="rust,web dev">A</A>
<DD>Short &lt;comment&gt;
<DT><A HREF="https://b.example/" ADD_DATE="1300000001" PRIVATE="1" TOREAD="0" TAGS="">B</A>
</DL><p>"#);
        assert_eq!(items.len(), 2);
        assert!(!items[0].private);
        assert!(items[0].read_later);
        assert_eq!(tags(&items[0]), ["rust", "web", "dev"]);
        assert_eq!(items[0].comment.as_str(), "Short <comment>");
        assert!(items[0].note.is_empty());
        assert!(items[1].private);
        assert!(items[1].comment.is_empty());
    }

    #[test]
    fn long_or_multiline_descriptions_go_to_the_note_in_full() {
        let long = "長".repeat(150);
        let items = ok(&format!(
            "<DL><DT><A HREF=\"https://a.example/\">A</A>\n<DD>{long}\n\
             <DT><A HREF=\"https://b.example/\">B</A>\n<DD>first line\nsecond line\n</DL>"
        ));
        assert!(items[0].comment.is_empty());
        assert_eq!(items[0].note.as_str(), long);
        assert!(items[1].comment.is_empty());
        assert_eq!(items[1].note.as_str(), "first line\nsecond line");
    }

    #[test]
    fn linkding_notes_are_read_apart_from_the_description() {
        let items = ok(
            "<DL><DT><A HREF=\"https://a.example/\" PRIVATE=\"0\">A</A>\n\
             <DD>Desc &amp; more[linkding-notes]Note\nline 2[/linkding-notes]\n</DL>",
        );
        assert_eq!(items[0].comment.as_str(), "Desc & more");
        assert_eq!(items[0].note.as_str(), "Note\nline 2");
    }

    #[test]
    fn sloppy_html_is_understood() {
        // Lower case, unquoted attributes, no closing tags, a <p> after <DL>.
        let items = ok(
            "<dl><p>\n<dt><a href=https://a.example/x add_date=1 tags=a>Title\n<dd>c\n\
             <dt><h3>F</h3><dl><p><dt><a href='https://b.example/'>B</a></dl>",
        );
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].title.as_str(), "Title");
        assert_eq!(items[0].comment.as_str(), "c");
        assert_eq!(items[0].created_at, Some(1_000_000));
        assert_eq!(tags(&items[1]), ["F"]);
    }

    #[test]
    fn bad_bookmarks_are_reported_with_their_line_and_the_rest_imported() {
        let results = parse(
            "<DL><p>\n\
             <DT><A HREF=\"javascript:alert(1)\">js</A>\n\
             <DT><A HREF=\"https://ok.example/\">ok</A>\n\
             <DT><A HREF=\"https://t.example/\" TAGS=\"a,b,c,d,e,f,g,h,i,j,k\">too many</A>\n\
             <DT><A HREF=\"https://d.example/\" ADD_DATE=\"yesterday\">bad date</A>\n\
             <DT><A HREF=\"https://ok.example/#again\">dup</A>\n\
             <DT><A HREF=\"https://l.example/\" TAGS=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">long tag</A>\n\
             </DL>",
        );
        let errors: Vec<(usize, String)> = results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|e| (e.line, e.reason.clone()))
            .collect();
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
        assert_eq!(
            errors.iter().map(|e| e.0).collect::<Vec<_>>(),
            [2, 4, 5, 6, 7]
        );
        assert!(errors[0].1.starts_with("url"), "{errors:?}");
        assert!(errors[1].1.contains("at most 10"), "{errors:?}");
        assert!(errors[2].1.contains("ADD_DATE"), "{errors:?}");
        assert!(errors[3].1.contains("line 3"), "{errors:?}");
        assert!(errors[4].1.contains("32"), "{errors:?}");
    }

    #[test]
    fn add_date_in_milliseconds_or_microseconds_is_recognized() {
        let items = ok(
            "<DL><DT><A HREF=\"https://a.example/\" ADD_DATE=\"1700000000123\">a</A>\
             <DT><A HREF=\"https://b.example/\" ADD_DATE=\"1700000000123456\">b</A></DL>",
        );
        assert_eq!(items[0].created_at, Some(1_700_000_000_123_000));
        assert_eq!(items[1].created_at, Some(1_700_000_000_123_456));
    }

    #[test]
    fn input_larger_than_one_slice_is_parsed_across_slice_boundaries() {
        let mut file = String::from(header());
        for i in 0..5000 {
            file.push_str(&format!(
                "<DT><A HREF=\"https://example.com/{i}?a=1&amp;b=2\" ADD_DATE=\"{i}\" TAGS=\"t{i}\">Title é {i}</A>\n<DD>comment {i}\n"
            ));
        }
        file.push_str(footer());
        assert!(file.len() > 4 * SLICE);
        let items = ok(&file);
        assert_eq!(items.len(), 5000);
        for (i, item) in items.iter().enumerate() {
            assert_eq!(
                item.url.as_str(),
                format!("https://example.com/{i}?a=1&b=2")
            );
            assert_eq!(item.title.as_str(), format!("Title é {i}"));
            assert_eq!(item.comment.as_str(), format!("comment {i}"));
            assert_eq!(tags(item), [format!("t{i}")]);
        }
    }

    #[test]
    fn written_bookmarks_read_back_identically() {
        let tags = vec!["rust".to_owned(), "日本語".to_owned()];
        let note = "a <note> & \"quotes\"\nsecond line";
        let cases = [
            ExportItem {
                url: "https://example.com/?q=a&b=\"c\"",
                title: "Title <with> & \"quotes\"",
                comment: "a comment & more",
                note,
                tags: &tags,
                private: true,
                read_later: true,
                created_at: 1_700_000_000_123_456,
            },
            ExportItem {
                url: "https://example.org/",
                title: "",
                comment: "",
                note: "",
                tags: &[],
                private: false,
                read_later: false,
                created_at: 1_600_000_000_000_000,
            },
            ExportItem {
                url: "https://example.net/",
                title: "only a note",
                comment: "",
                note: "short note",
                tags: &[],
                private: false,
                read_later: false,
                created_at: -1_500_000,
            },
        ];
        let mut file = header().to_owned();
        for c in &cases {
            write_item(c, &mut file);
        }
        file.push_str(footer());
        let items = ok(&file);
        assert_eq!(items.len(), cases.len());
        for (item, c) in items.iter().zip(&cases) {
            assert_eq!(item.url.as_str(), c.url.replace('"', "%22"));
            assert_eq!(item.title.as_str(), c.title);
            assert_eq!(item.comment.as_str(), c.comment);
            assert_eq!(item.note.as_str(), c.note);
            assert_eq!(item.tags.to_strings(), c.tags);
            assert_eq!(item.private, c.private);
            assert_eq!(item.read_later, c.read_later);
            assert_eq!(item.created_at, Some(c.created_at));
        }
    }

    /// `depth` nested folders named with `name_chars` characters each, and
    /// `links` bookmarks in the innermost one.
    fn deep_file(depth: usize, name_chars: usize, links: usize) -> String {
        let mut file = String::from(header());
        for d in 0..depth {
            let name: String = format!("F{d}-{}", "x".repeat(name_chars));
            let name: String = name.chars().take(name_chars).collect();
            file.push_str(&format!("<DT><H3>{name}</H3>\n<DL><p>\n"));
        }
        for i in 0..links {
            file.push_str(&format!(
                "<DT><A HREF=\"https://deep.example/{i}\">L{i}</A>\n"
            ));
        }
        for _ in 0..depth {
            file.push_str("</DL><p>\n");
        }
        file.push_str("<DT><A HREF=\"https://deep.example/top\">top</A>\n");
        file.push_str(footer());
        file
    }

    #[test]
    fn only_the_outermost_folders_become_tags_cut_to_a_tags_length() {
        let items = ok(&deep_file(200, 1000, 50));
        assert_eq!(items.len(), 51);
        for item in &items[..50] {
            let tags = tags(item);
            assert_eq!(tags.len(), FOLDER_TAGS, "{tags:?}");
            assert!(tags[0].starts_with("F0-x"), "{tags:?}");
            assert!(
                tags.iter().all(|t| t.chars().count() == TAG_MAX_CHARS),
                "{tags:?}"
            );
        }
        // Back out of every folder: no folder tag is left.
        assert!(items[50].tags.is_empty(), "{:?}", items[50].tags);
    }

    #[test]
    fn bookmarks_of_a_folder_share_one_list_of_its_tags() {
        let raw: Vec<RawItem> = Parser::new(&deep_file(200, 4000, 100))
            .map(|r| r.expect("read"))
            .collect();
        assert_eq!(raw.len(), 101);
        assert!(raw[..100]
            .iter()
            .all(|i| Arc::ptr_eq(&i.folder_tags, &raw[0].folder_tags)));
        assert_eq!(raw[0].folder_tags.len(), FOLDER_TAGS);
    }

    #[test]
    fn folder_tags_follow_the_nesting_below_the_limit() {
        let items = ok("<DL><DT><H3>a</H3><DL><DT><H3>b</H3><DL>\
             <DT><A HREF=\"https://n.example/1\">1</A></DL>\
             <DT><A HREF=\"https://n.example/2\">2</A>\
             <DT><H3>c</H3><DL><DT><A HREF=\"https://n.example/3\">3</A></DL></DL>\
             <DT><A HREF=\"https://n.example/4\">4</A></DL>");
        let all: Vec<Vec<String>> = items.iter().map(tags).collect();
        assert_eq!(all, [vec!["a", "b"], vec!["a"], vec!["a", "c"], vec![]]);
    }

    #[test]
    fn text_longer_than_any_field_is_cut_and_refused() {
        let title = "t".repeat(10 * MAX_TEXT_BYTES);
        let results = parse(&format!(
            "<DL><DT><A HREF=\"https://long.example/\">{title}</A>\n\
             <DT><A HREF=\"https://fine.example/\">fine</A></DL>"
        ));
        assert_eq!(results.len(), 2);
        let error = results[0].as_ref().expect_err("too long");
        assert!(error.reason.starts_with("title"), "{error:?}");
        assert!(results[1].is_ok());
    }
}
