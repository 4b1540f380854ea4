//! Follows and what they show: the people on either side of a follow, the
//! bookmarks of an entry by who made them, and "my hot entries".

use bukuma_domain::BookmarkId;

use super::entry::EntryView;
use super::user::UserRef;

/// One side of a follow as the following and follower lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowView {
    pub user: UserRef,
    pub followed_at: i64,
}

/// The state of a follow after a follow request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowOutcome {
    /// The follow exists (made now when `created`), since `followed_at`.
    Following { followed_at: i64, created: bool },
    /// The follower follows as many users as anyone may.
    LimitReached,
}

/// A public bookmark of an entry, with or without a comment.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryBookmark {
    pub id: BookmarkId,
    pub user: UserRef,
    pub comment: String,
    pub tags: Vec<String>,
    pub created_at: i64,
}

/// An entry the people someone follows bookmarked lately, and which of them did.
#[derive(Debug, Clone, PartialEq)]
pub struct MyHotEntry {
    pub entry: EntryView,
    /// The most recent of them first, at most [`MY_HOT_SHOWN`](crate::follows::MY_HOT_SHOWN).
    pub followees: Vec<UserRef>,
    pub followee_count: i64,
}
