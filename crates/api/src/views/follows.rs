//! Follows, the followees' feed, my hot entries and an entry's bookmarks.

use bukuma_db::models;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::entries::Entry;
use super::time::ts;
use super::users::UserRef;

/// One side of a follow: who, and since when.
#[derive(Debug, Serialize, ToSchema)]
pub struct Follow {
    pub user: UserRef,
    pub followed_at: DateTime<Utc>,
}

impl From<models::FollowView> for Follow {
    fn from(f: models::FollowView) -> Self {
        Follow {
            user: f.user.into(),
            followed_at: ts(f.followed_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowPage {
    /// Most recently followed first.
    pub items: Vec<Follow>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// An entry people I follow bookmarked lately, and which of them did.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyHotEntry {
    pub entry: Entry,
    /// The most recent of them first, at most 5.
    #[schema(max_items = 5)]
    pub followees: Vec<UserRef>,
    /// How many of the people I follow bookmarked it publicly in the last 7 days.
    pub followee_count: i64,
}

impl From<models::MyHotEntry> for MyHotEntry {
    fn from(h: models::MyHotEntry) -> Self {
        MyHotEntry {
            entry: h.entry.into(),
            followees: h.followees.into_iter().map(UserRef::from).collect(),
            followee_count: h.followee_count,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyHotPage {
    pub items: Vec<MyHotEntry>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A public bookmark of an entry, with or without a comment.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryBookmark {
    /// The bookmark's id: with a comment, the comment's id (to star or report it).
    pub id: i64,
    pub user: UserRef,
    /// Empty when the bookmark has no comment.
    pub comment: String,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<models::EntryBookmark> for EntryBookmark {
    fn from(b: models::EntryBookmark) -> Self {
        EntryBookmark {
            id: b.id.0,
            user: b.user.into(),
            comment: b.comment,
            tags: b.tags,
            created_at: ts(b.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryBookmarkPage {
    /// Newest first.
    pub items: Vec<EntryBookmark>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Whose bookmarks of an entry to list.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum EntryBookmarkFilter {
    /// Every public bookmark.
    #[default]
    All,
    /// Those of the people I follow (signed in).
    Following,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryBookmarkParams {
    pub filter: Option<EntryBookmarkFilter>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Only bookmarks with this tag.
    #[param(min_length = 1, max_length = 32)]
    pub tag: Option<String>,
}
