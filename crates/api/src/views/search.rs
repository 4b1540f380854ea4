//! Search: everyone's entries or my own bookmarks.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::bookmarks::Bookmark;
use super::entries::Entry;

/// Longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchScope {
    /// Everyone's entries (public bookmarks only).
    #[default]
    All,
    /// My own bookmarks, private ones included (signed in).
    Mine,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchTarget {
    /// Title, summary, comments and tags.
    #[default]
    All,
    Title,
    Comment,
    Tag,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchSort {
    /// Text match weighted by bookmark count and freshness.
    #[default]
    Relevance,
    /// Most public bookmarks first.
    Popular,
    /// Most recently bookmarked first.
    Recent,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words (all must match), `OR`, `-word`, `"a phrase"`, and the
    /// prefixes `title:`, `tag:`, `comment:`, `site:`, `user:`,
    /// `after:YYYY-MM-DD` and `before:YYYY-MM-DD`. At most 256 characters.
    #[param(max_length = 256)]
    pub q: String,
    pub scope: Option<SearchScope>,
    pub target: Option<SearchTarget>,
    pub sort: Option<SearchSort>,
    /// Only entries with at least this many public bookmarks.
    #[param(minimum = 0, maximum = 1000000)]
    pub users: Option<u32>,
    /// Bookmarked on or after this day (UTC).
    pub date_begin: Option<NaiveDate>,
    /// Bookmarked on or before this day (UTC).
    pub date_end: Option<NaiveDate>,
    /// A host name; its subdomains match too.
    #[param(max_length = 253)]
    pub site: Option<String>,
    /// Only what this user bookmarked (publicly, unless it is me).
    #[param(max_length = 32)]
    pub user: Option<String>,
}

/// Where in a text the query matched: characters (Unicode scalar values)
/// `start` up to, not including, `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

/// Where the query matched, per field; fields without a match are empty.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Highlights {
    pub title: Vec<TextRange>,
    pub summary: Vec<TextRange>,
    /// In the comment of my bookmark (`scope=mine` only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comment: Vec<TextRange>,
    /// In the note of my bookmark (`scope=mine` only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<TextRange>,
}

/// An entry that matched (`scope=all`).
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryHit {
    pub entry: Entry,
    pub highlights: Highlights,
}

/// One of my bookmarks that matched (`scope=mine`).
#[derive(Debug, Serialize, ToSchema)]
pub struct BookmarkHit {
    pub bookmark: Bookmark,
    pub highlights: Highlights,
}

/// A page of search results: `entries` for `scope=all`, `bookmarks` for
/// `scope=mine`; the other list is empty.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SearchPage {
    pub entries: Vec<EntryHit>,
    pub bookmarks: Vec<BookmarkHit>,
    pub next_cursor: Option<String>,
}
