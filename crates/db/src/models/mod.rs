//! Row structs, each beside the forms that insert or change it, and the
//! shapes lists return.

mod bookmark;
mod entry;
mod follow;
mod hatena;
mod invite;
mod moderation;
mod mute;
mod notification;
mod token;
mod user;

pub use bookmark::{split_tags, Bookmark, BookmarkView, CommentView};
pub use entry::{CategorySource, Entry, EntryView};
pub use follow::{EntryBookmark, FollowOutcome, FollowView, MyHotEntry};
pub use hatena::{HatenaApp, NewHatenaApp};
pub use invite::Invite;
pub use moderation::{CaseView, LogRow, LogView, Report, ReportCase, ReportView, TargetSummary};
pub use mute::{MuteList, MuteOutcome, Muted};
pub use notification::{
    NotificationComment, NotificationEntry, NotificationKind, NotificationView,
};
pub use token::{ApiToken, RefreshToken};
pub use user::{NewUser, User, UserChanges, UserRef};

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
