//! Row structs, each beside the forms that insert or change it.

use diesel::prelude::*;

use crate::schema::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub username_lower: String,
    pub display_name: String,
    pub bio: String,
    pub role: String,
    pub password_hash: String,
    pub bookmark_count: i64,
    pub public_bookmark_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub username_lower: &'a str,
    pub display_name: &'a str,
    pub bio: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub bio: Option<String>,
    pub updated_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = entries)]
pub struct Entry {
    pub id: i64,
    pub url: String,
    pub domain: String,
    pub title: String,
    pub summary: String,
    pub thumbnail_url: Option<String>,
    pub favicon_url: Option<String>,
    pub bookmark_count: i64,
    pub first_bookmarked_at: Option<i64>,
    pub listed_at: Option<i64>,
    pub hot_score: f64,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = bookmarks)]
pub struct Bookmark {
    pub id: i64,
    pub user_id: i64,
    pub entry_id: i64,
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

/// The public face of a user shown beside their bookmarks and comments.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct UserRef {
    pub username: String,
    pub display_name: String,
}

/// A bookmark with its entry and owner, as lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct BookmarkView {
    pub bookmark: Bookmark,
    pub entry: Entry,
    pub user: UserRef,
}

/// An entry with a few of its most used public tags.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryView {
    pub entry: Entry,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommentView {
    pub id: i64,
    pub user: UserRef,
    pub comment: String,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub star_count: i64,
    pub starred_by_me: bool,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub scope: String,
    pub token_hash: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: i64,
    pub user_id: i64,
    pub family: String,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A `{name, count}` pair of a tag cloud or site list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCount {
    pub name: String,
    pub count: i64,
}

/// One page of a keyset-paginated list: the items and the sort keys of the
/// last one when more may follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Vec<i64>>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says that more exist.
    pub fn from_rows(mut rows: Vec<T>, limit: usize, keys: impl Fn(&T) -> Vec<i64>) -> Self {
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more { rows.last().map(keys) } else { None };
        Page { items: rows, next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}
