//! What a client asks of a bookmark write.

use bukuma_domain::Tags;

use crate::models::BookmarkView;

/// A bookmark as a client sends it; `None` keeps the current value on update
/// (and takes the default on create).
#[derive(Debug, Clone, Default)]
pub struct BookmarkInput<'a> {
    pub title: Option<&'a str>,
    pub comment: Option<&'a str>,
    /// The owner's private note (validated as `bukuma_domain::Note`).
    pub note: Option<&'a str>,
    pub tags: Option<&'a Tags>,
    pub is_private: Option<bool>,
    pub read_later: Option<bool>,
    /// Original bookmarking time (imports); new bookmarks default to now.
    pub created_at: Option<i64>,
}

impl BookmarkInput<'_> {
    /// When a bookmark made from this input is public: its creation time,
    /// or `None` for a private one.
    pub(super) fn public_at(&self, now: i64) -> Option<i64> {
        (!self.is_private.unwrap_or(false)).then(|| self.created_at.unwrap_or(now))
    }

    /// Whether applying this input to `old` would change none of its values.
    pub(super) fn leaves_unchanged(&self, old: &BookmarkView) -> bool {
        let b = &old.bookmark;
        self.comment.is_none_or(|c| c == b.comment)
            && self.note.is_none_or(|n| n == b.note)
            && self.tags.is_none_or(|t| t.to_strings() == b.tag_list())
            && self.is_private.is_none_or(|p| p == b.is_private)
            && self.read_later.is_none_or(|r| r == b.read_later)
            && self.created_at.is_none_or(|t| t == b.created_at)
            && (self.title.is_none_or(str::is_empty)
                || !old.entry.title.is_empty()
                // A private bookmark titles no entry with public bookmarks.
                || (self.is_private.unwrap_or(b.is_private) && old.entry.bookmark_count > 0))
    }
}

/// What [`save`](super::save) does when the user has a bookmark of the URL
/// already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfExists {
    /// Applies the input to it (the JSON API, Pinboard's `replace=yes`).
    Update,
    /// Applies the input only when it changes one of its values, so that
    /// importing a file twice writes nothing (not even `updated_at`).
    UpdateIfChanged,
    /// Leaves it as it is (Pinboard's `replace=no`).
    Keep,
}
