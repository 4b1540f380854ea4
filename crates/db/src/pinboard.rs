//! Reads of the Pinboard-compatible API: one user's own bookmarks sliced the
//! way Pinboard's `posts/*` methods slice them (time windows, offsets, up to a
//! few tags). Writes go through [`crate::bookmarks`] and [`crate::tags`].

use diesel::dsl::max;
use diesel::prelude::*;

use crate::models::{Bookmark, BookmarkView, Entry, UserRef};
use crate::schema::{bookmark_tags, bookmarks, entries, users};
use crate::{DbConnection, DbError};

/// Which of a user's bookmarks to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct PostFilter {
    /// Tag keys (lowercase); every one must be present.
    pub tags: Vec<String>,
    /// Only bookmarks created at or after this time (microseconds).
    pub from: Option<i64>,
    /// Only bookmarks created before this time (microseconds, exclusive).
    pub until: Option<i64>,
    /// Bookmarks to skip.
    pub offset: i64,
    /// At most this many; all when `None`.
    pub limit: Option<i64>,
}

type ViewRow = (Bookmark, Entry, UserRef);

/// `user_id`'s bookmarks, private ones included, newest first.
pub fn list(
    conn: &mut DbConnection,
    user_id: i64,
    filter: &PostFilter,
) -> Result<Vec<BookmarkView>, DbError> {
    let mut q = bookmarks::table
        .inner_join(entries::table)
        .inner_join(users::table)
        .filter(bookmarks::user_id.eq(user_id))
        .into_boxed();
    for key in &filter.tags {
        q = q.filter(
            bookmarks::id.eq_any(
                bookmark_tags::table
                    .filter(bookmark_tags::user_id.eq(user_id))
                    .filter(bookmark_tags::tag_key.eq(key.clone()))
                    .select(bookmark_tags::bookmark_id),
            ),
        );
    }
    if let Some(from) = filter.from {
        q = q.filter(bookmarks::created_at.ge(from));
    }
    if let Some(until) = filter.until {
        q = q.filter(bookmarks::created_at.lt(until));
    }
    let rows: Vec<ViewRow> = q
        .order((bookmarks::created_at.desc(), bookmarks::id.desc()))
        .offset(filter.offset.max(0))
        .limit(filter.limit.unwrap_or(i64::MAX).max(0))
        .select((
            Bookmark::as_select(),
            Entry::as_select(),
            (users::username, users::display_name),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(bookmark, entry, user)| BookmarkView {
            bookmark,
            entry,
            user,
        })
        .collect())
}

/// Creation times of `user_id`'s bookmarks that carry every tag of `tags`
/// (keys), for counting bookmarks per day.
pub fn created_times(
    conn: &mut DbConnection,
    user_id: i64,
    tags: &[String],
) -> Result<Vec<i64>, DbError> {
    let mut q = bookmarks::table
        .filter(bookmarks::user_id.eq(user_id))
        .select(bookmarks::created_at)
        .into_boxed();
    for key in tags {
        q = q.filter(
            bookmarks::id.eq_any(
                bookmark_tags::table
                    .filter(bookmark_tags::user_id.eq(user_id))
                    .filter(bookmark_tags::tag_key.eq(key.clone()))
                    .select(bookmark_tags::bookmark_id),
            ),
        );
    }
    Ok(q.load(conn)?)
}

/// When `user_id` last created or changed a bookmark (deletions leave no trace).
pub fn last_update(conn: &mut DbConnection, user_id: i64) -> Result<Option<i64>, DbError> {
    Ok(bookmarks::table
        .filter(bookmarks::user_id.eq(user_id))
        .select(max(bookmarks::updated_at))
        .first::<Option<i64>>(conn)?)
}
