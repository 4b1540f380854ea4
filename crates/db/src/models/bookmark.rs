//! Bookmarks: the row, the view lists show, and a bookmark shown as a
//! comment on its entry.

use bukuma_domain::{BookmarkId, EntryId, UserId};
use diesel::prelude::*;

use super::entry::Entry;
use super::user::UserRef;
use crate::schema::bookmarks;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = bookmarks)]
pub struct Bookmark {
    pub id: BookmarkId,
    pub user_id: UserId,
    pub entry_id: EntryId,
    pub domain: String,
    pub comment: String,
    pub tags: String,
    pub is_private: bool,
    pub read_later: bool,
    pub star_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Shown to the owner alone.
    pub note: String,
    /// When an admin hid the comment; hidden bookmarks show to their owner alone.
    pub hidden_at: Option<i64>,
}

impl Bookmark {
    /// Tags as stored: space-separated (tags never contain whitespace).
    pub fn tag_list(&self) -> Vec<String> {
        split_tags(&self.tags)
    }
}

pub fn split_tags(stored: &str) -> Vec<String> {
    stored
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A bookmark with its entry and owner, as lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct BookmarkView {
    pub bookmark: Bookmark,
    pub entry: Entry,
    pub user: UserRef,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommentView {
    pub id: BookmarkId,
    pub user: UserRef,
    pub comment: String,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub star_count: i64,
    pub starred_by_me: bool,
}
