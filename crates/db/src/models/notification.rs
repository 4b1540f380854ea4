//! Notifications as the recipient's list shows them.

use bukuma_domain::{BookmarkId, EntryId};

use super::user::UserRef;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// Someone starred my comment.
    Star,
    /// Someone followed me.
    Follow,
    /// A page I was the first to bookmark publicly reached a milestone of
    /// public users ([`FIRST_BOOKMARK_MILESTONES`](crate::notifications::FIRST_BOOKMARK_MILESTONES)).
    FirstBookmark,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Star => "star",
            NotificationKind::Follow => "follow",
            NotificationKind::FirstBookmark => "first_bookmark",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "star" => Some(NotificationKind::Star),
            "follow" => Some(NotificationKind::Follow),
            "first_bookmark" => Some(NotificationKind::FirstBookmark),
            _ => None,
        }
    }
}

/// The entry a notification is about.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationEntry {
    pub id: EntryId,
    pub title: String,
    pub url: String,
}

/// The comment a star notification is about.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationComment {
    pub id: BookmarkId,
    pub comment: String,
}

/// One grouped notification.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationView {
    pub id: i64,
    pub kind: NotificationKind,
    pub entry: Option<NotificationEntry>,
    pub comment: Option<NotificationComment>,
    /// The most recent actors first, at most
    /// [`SHOWN_ACTORS`](crate::notifications::SHOWN_ACTORS); none for
    /// `first_bookmark`.
    pub actors: Vec<UserRef>,
    /// star and follow: how many actors the notification gathers;
    /// first_bookmark: the milestone of public users the entry reached.
    pub actor_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub read: bool,
}
