//! Bookmark content rules: comments, tags and user-typed titles.

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

use crate::text::strip_forbidden;

pub const COMMENT_MAX: usize = 100;
pub const TAG_MAX_CHARS: usize = 32;
pub const TAGS_MAX: usize = 10;
pub const TITLE_MAX: usize = 500;
pub const NOTE_MAX: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommentError {
    #[error("must be at most 100 characters long")]
    TooLong,
    #[error("must not contain control characters")]
    ControlCharacters,
}

/// A bookmark comment: trimmed, at most 100 Unicode scalar values, no control
/// characters (newlines and tabs are replaced by a space). May be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comment(String);

impl Comment {
    pub fn parse(input: &str) -> Result<Self, CommentError> {
        if has_control_besides_whitespace(input) {
            return Err(CommentError::ControlCharacters);
        }
        let replaced: String = strip_forbidden(input)
            .chars()
            .map(|c| {
                if matches!(c, '\n' | '\r' | '\t') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let comment = replaced.trim();
        if comment.chars().any(char::is_control) {
            return Err(CommentError::ControlCharacters);
        }
        if comment.chars().count() > COMMENT_MAX {
            return Err(CommentError::TooLong);
        }
        Ok(Comment(comment.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TagError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most 32 characters long")]
    TooLong,
    #[error("must not contain whitespace or commas")]
    Separator,
    #[error("must not contain control characters")]
    ControlCharacters,
}

/// The matching key of a tag as typed: NFKC, then full Unicode case folding,
/// then NFKC again, so that `ＲＵＳＴ`, `Rust` and `rust` (or `STRASSE` and
/// `straße`) are one tag while each bookmark keeps the spelling it was given.
pub fn tag_key(tag: &str) -> String {
    let folded = caseless::default_case_fold_str(&tag.nfkc().collect::<String>());
    folded.nfkc().collect()
}

/// One tag: 1–32 Unicode scalar values after trimming, no whitespace, commas
/// or control characters. Case is preserved; compare with [`TagName::key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TagName(String);

impl TagName {
    pub fn parse(input: &str) -> Result<Self, TagError> {
        if has_control_besides_whitespace(input) {
            return Err(TagError::ControlCharacters);
        }
        let input = strip_forbidden(input);
        let tag = input.trim();
        if tag.is_empty() {
            return Err(TagError::Empty);
        }
        if tag
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, ',' | '\u{FF0C}'))
        {
            return Err(TagError::Separator);
        }
        if tag.chars().any(char::is_control) {
            return Err(TagError::ControlCharacters);
        }
        if tag.chars().count() > TAG_MAX_CHARS {
            return Err(TagError::TooLong);
        }
        Ok(TagName(tag.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The form used for matching and uniqueness ([`tag_key`]).
    pub fn key(&self) -> String {
        tag_key(&self.0)
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TagsError {
    #[error("at most 10 tags")]
    TooMany,
    #[error("tag {index}: {error}")]
    Invalid { index: usize, error: TagError },
}

/// The tags of one bookmark: at most 10 after folding duplicates
/// case-insensitively (the first spelling wins), in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags(Vec<TagName>);

impl Tags {
    pub fn parse<S: AsRef<str>>(input: &[S]) -> Result<Self, TagsError> {
        let mut tags: Vec<TagName> = Vec::with_capacity(input.len().min(TAGS_MAX));
        let mut seen = std::collections::HashSet::new();
        for (index, raw) in input.iter().enumerate() {
            let tag = TagName::parse(raw.as_ref())
                .map_err(|error| TagsError::Invalid { index, error })?;
            if seen.insert(tag.key()) {
                tags.push(tag);
            }
        }
        if tags.len() > TAGS_MAX {
            return Err(TagsError::TooMany);
        }
        Ok(Tags(tags))
    }
    pub fn as_slice(&self) -> &[TagName] {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, TagName> {
        self.0.iter()
    }
    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(|t| t.as_str().to_owned()).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TitleError {
    #[error("must be at most 500 characters long")]
    TooLong,
}

/// A page title typed by a user: trimmed, whitespace runs (incl. newlines)
/// collapsed to one space, control characters removed, at most 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub fn parse(input: &str) -> Result<Self, TitleError> {
        let without_controls: String = strip_forbidden(input)
            .chars()
            .filter(|c| !c.is_control() || c.is_whitespace())
            .collect();
        // `split_whitespace` also trims.
        let title = without_controls
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if title.chars().count() > TITLE_MAX {
            return Err(TitleError::TooLong);
        }
        Ok(Title(title))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoteError {
    #[error("must be at most 10000 characters long")]
    TooLong,
    #[error("must not contain control characters other than newlines and tabs")]
    ControlCharacters,
}

/// A bookmark's note: longer, multi-line text that only its owner sees (an
/// imported description too long for a comment lands here). Line breaks are
/// normalized to `\n`, the whole is trimmed; newlines and tabs are kept,
/// other control characters are refused; at most 10 000 Unicode scalar
/// values. May be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Note(String);

impl Note {
    pub fn parse(input: &str) -> Result<Self, NoteError> {
        if has_control_besides_whitespace(input) {
            return Err(NoteError::ControlCharacters);
        }
        let unified = strip_forbidden(input)
            .replace("\r\n", "\n")
            .replace('\r', "\n");
        let note = unified.trim();
        if note
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        {
            return Err(NoteError::ControlCharacters);
        }
        if note.chars().count() > NOTE_MAX {
            return Err(NoteError::TooLong);
        }
        Ok(Note(note.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Whether `input` holds a control character other than tab, line feed and
/// carriage return: fields that refuse those say so before anything is stripped.
pub(crate) fn has_control_besides_whitespace(input: &str) -> bool {
    input
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(input: &str) -> String {
        TagName::parse(input)
            .expect("tag should be valid")
            .into_string()
    }

    fn tags(input: &[&str]) -> Vec<String> {
        Tags::parse(input)
            .expect("tags should be valid")
            .to_strings()
    }

    // --- Comment ---

    #[test]
    fn comment_may_be_empty() {
        let comment = Comment::parse("").expect("empty comment is allowed");
        assert!(comment.is_empty());
        assert_eq!(comment, Comment::default());
        assert!(Comment::parse("  \n\t ")
            .expect("blank comment is allowed")
            .is_empty());
    }

    #[test]
    fn comment_is_trimmed() {
        assert_eq!(
            Comment::parse("  great read \u{3000}").map(Comment::into_string),
            Ok("great read".to_owned())
        );
    }

    #[test]
    fn comment_replaces_newlines_and_tabs_with_spaces() {
        assert_eq!(
            Comment::parse("one\ntwo\tthree\r\nfour").map(Comment::into_string),
            Ok("one two three  four".to_owned())
        );
        assert_eq!(
            Comment::parse("\n\tleading and trailing\r\n").map(Comment::into_string),
            Ok("leading and trailing".to_owned())
        );
    }

    #[test]
    fn comment_rejects_other_control_characters() {
        for input in [
            "a\u{0}b",
            "a\u{7}b",
            "a\u{1b}[0mb",
            "a\u{7f}b",
            "a\u{85}b",
            "a\u{b}b",
            "a\u{c}b",
        ] {
            assert_eq!(
                Comment::parse(input),
                Err(CommentError::ControlCharacters),
                "{input:?}"
            );
        }
    }

    #[test]
    fn comment_is_at_most_100_unicode_scalar_values() {
        assert!(Comment::parse(&"a".repeat(100)).is_ok());
        assert_eq!(Comment::parse(&"a".repeat(101)), Err(CommentError::TooLong));
        // Japanese: 100 characters is 300 bytes and still fine.
        assert!(Comment::parse(&"あ".repeat(100)).is_ok());
        assert_eq!(
            Comment::parse(&"あ".repeat(101)),
            Err(CommentError::TooLong)
        );
        // Emoji are one scalar value each (4 bytes, 2 UTF-16 units).
        assert!(Comment::parse(&"😀".repeat(100)).is_ok());
        assert_eq!(
            Comment::parse(&"😀".repeat(101)),
            Err(CommentError::TooLong)
        );
    }

    #[test]
    fn comment_counts_combining_sequences_as_several_characters() {
        // "が" written as か + combining dakuten is two scalar values.
        let decomposed = "\u{304B}\u{3099}";
        assert!(Comment::parse(&decomposed.repeat(50)).is_ok());
        assert_eq!(
            Comment::parse(&format!("{}a", decomposed.repeat(50))),
            Err(CommentError::TooLong)
        );
    }

    #[test]
    fn comment_length_is_measured_after_trimming() {
        let padded = format!("\n\n  {}  \t", "a".repeat(100));
        assert_eq!(Comment::parse(&padded).map(|c| c.as_str().len()), Ok(100));
    }

    // --- TagName ---

    #[test]
    fn tag_is_trimmed_and_case_preserved() {
        assert_eq!(tag("  Rust "), "Rust");
        assert_eq!(tag("\u{3000}プログラミング\u{3000}"), "プログラミング");
    }

    #[test]
    fn tag_must_not_be_empty() {
        assert_eq!(TagName::parse(""), Err(TagError::Empty));
        assert_eq!(TagName::parse("   "), Err(TagError::Empty));
        assert_eq!(TagName::parse("\u{3000}"), Err(TagError::Empty));
    }

    #[test]
    fn tag_rejects_inner_whitespace_as_separator() {
        for input in [
            "two words",
            "a\tb",
            "a\nb",
            "a\u{3000}b",
            "a\u{a0}b",
            "a\u{2003}b",
        ] {
            assert_eq!(TagName::parse(input), Err(TagError::Separator), "{input:?}");
        }
    }

    #[test]
    fn tag_rejects_ascii_and_fullwidth_commas_as_separator() {
        assert_eq!(TagName::parse("a,b"), Err(TagError::Separator));
        assert_eq!(TagName::parse(","), Err(TagError::Separator));
        assert_eq!(TagName::parse("a\u{FF0C}b"), Err(TagError::Separator));
    }

    #[test]
    fn tag_allows_ideographic_comma_and_other_punctuation() {
        for input in ["a、b", "c++", "c#", "node.js", "🦀", "日本語", "a/b", "a:b"] {
            assert_eq!(tag(input), input);
        }
    }

    #[test]
    fn tag_rejects_control_characters() {
        for input in ["a\u{0}b", "a\u{7}b", "a\u{7f}b", "a\u{1b}b"] {
            assert_eq!(
                TagName::parse(input),
                Err(TagError::ControlCharacters),
                "{input:?}"
            );
        }
    }

    #[test]
    fn tag_is_at_most_32_characters() {
        assert_eq!(tag(&"語".repeat(32)), "語".repeat(32));
        assert_eq!(TagName::parse(&"語".repeat(33)), Err(TagError::TooLong));
        assert_eq!(TagName::parse(&"a".repeat(33)), Err(TagError::TooLong));
    }

    #[test]
    fn tag_separator_is_reported_before_length() {
        let long_with_space = format!("{} {}", "a".repeat(20), "b".repeat(20));
        assert_eq!(TagName::parse(&long_with_space), Err(TagError::Separator));
    }

    #[test]
    fn tag_key_is_unicode_lowercase() {
        let parsed = TagName::parse("Rust").expect("tag should be valid");
        assert_eq!(parsed.as_str(), "Rust");
        assert_eq!(parsed.key(), "rust");
        let greek = TagName::parse("ΣΟΦΙΑ").expect("tag should be valid");
        assert_eq!(greek.key(), "σοφια");
        assert_eq!(tags(&["ΣΟΦΙΑ", "σοφια"]), ["ΣΟΦΙΑ"]);
    }

    #[test]
    fn tag_key_folds_width_compatibility_forms_and_full_case() {
        // Full-width Latin, half-width katakana, ligatures and full case
        // folding all meet the plain form.
        assert_eq!(tag_key("ＲＵＳＴ"), "rust");
        assert_eq!(tag_key("ｶﾀｶﾅ"), tag_key("カタカナ"));
        assert_eq!(tag_key("ﬁle"), "file");
        assert_eq!(tag_key("STRASSE"), tag_key("straße"));
        assert_eq!(tag_key("ς"), tag_key("Σ"));
        assert_eq!(tag_key("Ⅻ"), "xii");
        // A key is its own key.
        for t in ["ＲＵＳＴ", "ｶﾀｶﾅ", "straße", "ΣΟΦΙΑ", "㍻"] {
            assert_eq!(tag_key(&tag_key(t)), tag_key(t));
        }
        assert_eq!(
            tags(&["Rust", "ＲＵＳＴ", "ｶﾞｲﾄﾞ", "ガイド"]),
            ["Rust", "ｶﾞｲﾄﾞ"]
        );
    }

    // --- Tags ---

    #[test]
    fn tags_may_be_empty() {
        let parsed = Tags::parse::<&str>(&[]).expect("no tags is fine");
        assert!(parsed.is_empty());
        assert_eq!(parsed.len(), 0);
        assert_eq!(parsed, Tags::default());
    }

    #[test]
    fn tags_keep_the_given_order_and_trim_each_tag() {
        assert_eq!(tags(&[" zeta", "alpha ", "Mid"]), ["zeta", "alpha", "Mid"]);
    }

    #[test]
    fn tags_fold_duplicates_case_insensitively_keeping_the_first_spelling() {
        assert_eq!(
            tags(&["Rust", "web", "rust", "RUST", "Web", "db"]),
            ["Rust", "web", "db"]
        );
        assert_eq!(tags(&["Ärger", "äRGER"]), ["Ärger"]);
    }

    #[test]
    fn tags_accept_ten_distinct_tags() {
        let input: Vec<String> = (0..10).map(|i| format!("tag{i}")).collect();
        let parsed = Tags::parse(&input).expect("ten tags are allowed");
        assert_eq!(parsed.len(), 10);
        assert_eq!(parsed.to_strings(), input);
    }

    #[test]
    fn tags_reject_more_than_ten_distinct_tags() {
        let input: Vec<String> = (0..11).map(|i| format!("tag{i}")).collect();
        assert_eq!(Tags::parse(&input), Err(TagsError::TooMany));
    }

    #[test]
    fn tags_count_limit_applies_after_folding_duplicates() {
        let mut input: Vec<String> = (0..10).map(|i| format!("tag{i}")).collect();
        input.extend((0..10).map(|i| format!("TAG{i}")));
        let parsed = Tags::parse(&input).expect("duplicates do not count");
        assert_eq!(parsed.len(), 10);
        assert_eq!(parsed.as_slice()[0].as_str(), "tag0");
    }

    #[test]
    fn tags_report_the_index_of_the_first_invalid_tag() {
        assert_eq!(
            Tags::parse(&["ok", "fine", "not ok", ""]),
            Err(TagsError::Invalid {
                index: 2,
                error: TagError::Separator
            })
        );
        assert_eq!(
            Tags::parse(&["", "ok"]),
            Err(TagsError::Invalid {
                index: 0,
                error: TagError::Empty
            })
        );
    }

    #[test]
    fn tags_invalid_error_message_names_index_and_reason() {
        let err = Tags::parse(&["a", "b,c"]).expect_err("comma is a separator");
        assert_eq!(
            err.to_string(),
            "tag 1: must not contain whitespace or commas"
        );
    }

    #[test]
    fn tags_iterate_in_order() {
        let parsed = Tags::parse(&["b", "a"]).expect("tags should be valid");
        let names: Vec<&str> = parsed.iter().map(TagName::as_str).collect();
        assert_eq!(names, ["b", "a"]);
    }

    // --- Note ---

    #[test]
    fn note_may_be_empty() {
        assert!(Note::parse("").expect("empty note is allowed").is_empty());
        assert_eq!(Note::parse(" \n\t "), Ok(Note::default()));
    }

    #[test]
    fn note_keeps_inner_newlines_and_tabs_and_is_trimmed() {
        assert_eq!(
            Note::parse("\n  first line\n\tindented\n\nlast  \n").map(Note::into_string),
            Ok("first line\n\tindented\n\nlast".to_owned())
        );
    }

    #[test]
    fn note_normalizes_carriage_returns_to_newlines() {
        assert_eq!(
            Note::parse("a\r\nb\rc").map(Note::into_string),
            Ok("a\nb\nc".to_owned())
        );
    }

    #[test]
    fn note_rejects_other_control_characters() {
        for input in ["a\u{0}b", "a\u{7}b", "a\u{1b}b", "a\u{7f}b", "a\u{85}b"] {
            assert_eq!(
                Note::parse(input),
                Err(NoteError::ControlCharacters),
                "{input:?}"
            );
        }
    }

    #[test]
    fn note_is_at_most_10000_unicode_scalar_values() {
        assert!(Note::parse(&"あ".repeat(10_000)).is_ok());
        assert_eq!(Note::parse(&"a".repeat(10_001)), Err(NoteError::TooLong));
        // Measured after trimming.
        let padded = format!("\n{}\n", "a".repeat(10_000));
        assert_eq!(Note::parse(&padded).map(|n| n.as_str().len()), Ok(10_000));
    }

    // --- Title ---

    #[test]
    fn title_is_trimmed_and_whitespace_runs_collapse() {
        assert_eq!(
            Title::parse("  Hello,\n\n   World\t!\r\n").map(Title::into_string),
            Ok("Hello, World !".to_owned())
        );
        assert_eq!(
            Title::parse("日本語\u{3000}\u{3000}タイトル").map(Title::into_string),
            Ok("日本語 タイトル".to_owned())
        );
    }

    #[test]
    fn title_removes_control_characters() {
        assert_eq!(
            Title::parse("a\u{0}b\u{7}c\u{1b}d\u{7f}").map(Title::into_string),
            Ok("abcd".to_owned())
        );
        // Removing a control character can leave two spaces, which collapse.
        assert_eq!(
            Title::parse("a \u{0} b").map(Title::into_string),
            Ok("a b".to_owned())
        );
    }

    #[test]
    fn title_may_be_empty() {
        assert_eq!(Title::parse("").map(Title::into_string), Ok(String::new()));
        assert_eq!(
            Title::parse(" \u{0}\n ").map(Title::into_string),
            Ok(String::new())
        );
    }

    #[test]
    fn title_is_at_most_500_characters_after_collapsing() {
        assert!(Title::parse(&"語".repeat(500)).is_ok());
        assert_eq!(Title::parse(&"語".repeat(501)), Err(TitleError::TooLong));
        // 250 words separated by long whitespace runs collapse to 499 characters.
        let spread = vec!["a"; 250].join("  \n  ");
        assert_eq!(
            Title::parse(&spread).map(|t| t.as_str().chars().count()),
            Ok(499)
        );
    }

    // --- Characters no stored text holds ---

    #[test]
    fn noncharacters_are_stripped_from_every_bookmark_field() {
        let hostile = "a\u{FFFE}b\u{FFFF}c\u{FDD0}";
        assert_eq!(
            Comment::parse(hostile).map(Comment::into_string),
            Ok("abc".into())
        );
        assert_eq!(tag(hostile), "abc");
        assert_eq!(
            Title::parse(hostile).map(Title::into_string),
            Ok("abc".into())
        );
        assert_eq!(
            Note::parse(hostile).map(Note::into_string),
            Ok("abc".into())
        );
        assert_eq!(tags(&[hostile, "abc"]), ["abc"]);
    }

    #[test]
    fn a_tag_of_noncharacters_only_is_empty() {
        assert_eq!(TagName::parse("\u{FFFF}\u{FFFE}"), Err(TagError::Empty));
    }

    #[test]
    fn c0_controls_are_refused_or_stripped_never_kept() {
        assert_eq!(
            Comment::parse("a\u{1}b"),
            Err(CommentError::ControlCharacters)
        );
        assert_eq!(TagName::parse("a\u{1}b"), Err(TagError::ControlCharacters));
        assert_eq!(Note::parse("a\u{1}b"), Err(NoteError::ControlCharacters));
        assert_eq!(
            Title::parse("a\u{1}b").map(Title::into_string),
            Ok("ab".into())
        );
    }
}
