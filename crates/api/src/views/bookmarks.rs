//! Bookmarks, and tag and site counts.

use bukuma_db::models;
use bukuma_domain::UserId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::entries::EntrySummary;
use super::time::ts;
use super::users::UserRef;

#[derive(Debug, Serialize, ToSchema)]
pub struct Bookmark {
    pub id: i64,
    pub user: UserRef,
    pub entry: EntrySummary,
    pub comment: String,
    /// The owner's private note (up to 10 000 characters, may span lines).
    /// Present only when the owner is the caller; absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 10000)]
    pub note: Option<String>,
    pub tags: Vec<String>,
    pub private: bool,
    pub read_later: bool,
    /// An admin hid this bookmark's comment: nobody but its owner sees the
    /// bookmark (only owners ever get `true`).
    pub hidden: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Bookmark {
    /// The bookmark as `viewer` may see it: the note only for its owner.
    pub fn for_viewer(v: models::BookmarkView, viewer: Option<UserId>) -> Self {
        let owner = viewer == Some(v.bookmark.user_id);
        let b = v.bookmark;
        Bookmark {
            id: b.id.0,
            tags: b.tag_list(),
            user: v.user.into(),
            entry: v.entry.into(),
            comment: b.comment,
            note: owner.then_some(b.note),
            private: b.is_private,
            read_later: b.read_later,
            hidden: b.hidden_at.is_some(),
            created_at: ts(b.created_at),
            updated_at: ts(b.updated_at),
        }
    }
}

/// Creates or updates my bookmark of `url`. Omitted fields keep their
/// current value when the bookmark exists.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookmarkRequest {
    /// An http(s) URL of at most 2048 bytes; stored normalized.
    #[schema(min_length = 1, max_length = 2048)]
    pub url: String,
    /// At most 100 characters.
    #[schema(max_length = 100)]
    pub comment: Option<String>,
    /// My private note: at most 10 000 characters, newlines kept.
    #[schema(max_length = 10000)]
    pub note: Option<String>,
    /// At most 10 tags of 1–32 characters without whitespace or commas;
    /// duplicates (ignoring case) are folded.
    #[schema(max_items = 10)]
    pub tags: Option<Vec<String>>,
    pub private: Option<bool>,
    pub read_later: Option<bool>,
    /// The page title, used until the page's own is fetched.
    #[schema(max_length = 500)]
    pub title: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookmarkChanges {
    #[schema(max_length = 100)]
    pub comment: Option<String>,
    /// My private note: at most 10 000 characters, newlines kept.
    #[schema(max_length = 10000)]
    pub note: Option<String>,
    #[schema(max_items = 10)]
    pub tags: Option<Vec<String>>,
    pub private: Option<bool>,
    pub read_later: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagCount {
    pub tag: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteCount {
    pub domain: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagCountList {
    pub items: Vec<TagCount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteCountList {
    pub items: Vec<SiteCount>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameTagRequest {
    #[schema(min_length = 1, max_length = 32)]
    pub from: String,
    #[schema(min_length = 1, max_length = 32)]
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RetagResult {
    /// How many of my bookmarks changed.
    pub bookmarks_changed: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserBookmarkParams {
    /// Only bookmarks with every one of these tags (repeat the parameter).
    #[param(max_items = 10)]
    #[serde(default)]
    pub tag: Vec<String>,
    /// Only bookmarks of this domain.
    #[param(max_length = 253)]
    pub site: Option<String>,
    /// Only bookmarks marked (or not marked) "read later".
    pub read_later: Option<bool>,
}
