//! Bookmark content rules: comments, tags and user-typed titles.

use thiserror::Error;

pub const COMMENT_MAX: usize = 100;
pub const TAG_MAX_CHARS: usize = 32;
pub const TAGS_MAX: usize = 10;
pub const TITLE_MAX: usize = 500;

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
        todo!("{input}")
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

/// One tag: 1–32 Unicode scalar values after trimming, no whitespace, commas
/// or control characters. Case is preserved; compare with [`TagName::key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TagName(String);

impl TagName {
    pub fn parse(input: &str) -> Result<Self, TagError> {
        todo!("{input}")
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Case-folded form (Unicode lowercase) used for matching and uniqueness.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
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
        let _ = input;
        todo!()
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
        todo!("{input}")
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}
