//! Notifications and their unread count.

use bukuma_db::models::{self, NotificationKind as Kind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::ts;
use super::users::UserRef;

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Someone starred my comment.
    Star,
    /// Someone followed me.
    Follow,
    /// A page I was the first to bookmark publicly reached 5, 10, 50, 100,
    /// 500 or 1000 public users (`actor_count`).
    FirstBookmark,
}

impl From<Kind> for NotificationKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Star => NotificationKind::Star,
            Kind::Follow => NotificationKind::Follow,
            Kind::FirstBookmark => NotificationKind::FirstBookmark,
        }
    }
}

/// The entry a notification is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationEntry {
    pub id: i64,
    pub title: String,
    pub url: String,
}

/// The comment a star notification is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationComment {
    pub id: i64,
    pub comment: String,
}

/// What a notification is about: star, the comment and its entry;
/// first_bookmark, the entry; follow, nothing (it is about me).
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationSubject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<NotificationEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<NotificationComment>,
}

/// One notification, gathering everyone who did the same thing to the
/// same subject.
#[derive(Debug, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub subject: NotificationSubject,
    /// The most recent actors first, at most 3; empty for first_bookmark.
    #[schema(max_items = 3)]
    pub actors: Vec<UserRef>,
    /// star and follow: how many people it gathers; first_bookmark: the
    /// number of public users the page reached.
    pub actor_count: i64,
    pub created_at: DateTime<Utc>,
    /// When it last gathered someone (the list's order).
    pub updated_at: DateTime<Utc>,
    pub read: bool,
}

impl From<models::NotificationView> for Notification {
    fn from(n: models::NotificationView) -> Self {
        Notification {
            id: n.id,
            kind: n.kind.into(),
            subject: NotificationSubject {
                entry: n.entry.map(|e| NotificationEntry {
                    id: e.id.0,
                    title: e.title,
                    url: e.url,
                }),
                comment: n.comment.map(|c| NotificationComment {
                    id: c.id.0,
                    comment: c.comment,
                }),
            },
            actors: n.actors.into_iter().map(UserRef::from).collect(),
            actor_count: n.actor_count,
            created_at: ts(n.created_at),
            updated_at: ts(n.updated_at),
            read: n.read,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    /// Most recently updated first.
    pub items: Vec<Notification>,
    pub unread_count: i64,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread_count: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkReadRequest {
    /// A notification id: it and every notification listed after it (updated
    /// at or before it) become read.
    #[schema(minimum = 1)]
    pub up_to: i64,
}
