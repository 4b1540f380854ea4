//! Bookmark reads: lookups by id and URL, a user's list with its filters,
//! and the slices of a user's own bookmarks the Pinboard API reads.

use bukuma_domain::{BookmarkId, UserId};
use diesel::dsl::max;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{Bookmark, BookmarkView, Entry, Page, UserRef};
use crate::queries::stmt::Condition;
use crate::schema::{bookmark_tags, bookmarks, entries as entries_t, users};

pub fn find(conn: &mut DbConnection, id: BookmarkId) -> Result<Option<Bookmark>, DbError> {
    Ok(bookmarks::table
        .find(id)
        .select(Bookmark::as_select())
        .first(conn)
        .optional()?)
}

type ViewRow = (Bookmark, Entry, UserRef);

fn into_view((bookmark, entry, user): ViewRow) -> BookmarkView {
    BookmarkView {
        bookmark,
        entry,
        user,
    }
}

/// A bookmark with its entry and owner; private ones only for `viewer` = owner.
pub fn find_view(
    conn: &mut DbConnection,
    id: BookmarkId,
    viewer: Option<UserId>,
) -> Result<Option<BookmarkView>, DbError> {
    let row = bookmarks::table
        .inner_join(entries_t::table)
        .inner_join(users::table)
        .filter(bookmarks::id.eq(id))
        .select((
            Bookmark::as_select(),
            Entry::as_select(),
            (users::username, users::display_name),
            entries_t::hidden_at.is_not_null(),
            users::suspended_at.is_not_null(),
        ))
        .first::<(Bookmark, Entry, UserRef, bool, bool)>(conn)
        .optional()?;
    // Others see neither private nor moderated bookmarks (a hidden comment
    // or entry, a suspended owner).
    Ok(row
        .filter(|(b, _, _, entry_hidden, suspended)| {
            Some(b.user_id) == viewer
                || !(b.is_private || b.hidden_at.is_some() || *entry_hidden || *suspended)
        })
        .map(|(b, e, u, _, _)| into_view((b, e, u))))
}

/// `user_id`'s bookmark of a normalized URL.
pub fn find_by_url(
    conn: &mut DbConnection,
    user_id: UserId,
    url: &str,
) -> Result<Option<BookmarkView>, DbError> {
    let row = bookmarks::table
        .inner_join(entries_t::table)
        .inner_join(users::table)
        .filter(bookmarks::user_id.eq(user_id))
        .filter(entries_t::url.eq(url))
        .select((
            Bookmark::as_select(),
            Entry::as_select(),
            (users::username, users::display_name),
        ))
        .first::<ViewRow>(conn)
        .optional()?;
    Ok(row.map(into_view))
}

/// Filters of a user's bookmark list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Tag keys (lowercase); every one must be present.
    pub tags: Vec<String>,
    pub site: Option<String>,
    pub read_later: Option<bool>,
}

/// A user's bookmarks, newest first, keyed by (created_at, id).
pub fn list_for_user(
    conn: &mut DbConnection,
    owner: UserId,
    include_private: bool,
    filter: &UserFilter,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<BookmarkView>, DbError> {
    let fetch = i64::try_from(limit).unwrap_or(100) + 1;
    let rows: Vec<ViewRow> = if let Some((first_tag, other_tags)) = filter.tags.split_first() {
        // Driven by the (user, tag, time) index of the first tag.
        let mut q = bookmark_tags::table
            .inner_join(
                bookmarks::table
                    .inner_join(entries_t::table)
                    .inner_join(users::table),
            )
            .filter(bookmark_tags::user_id.eq(owner))
            .filter(bookmark_tags::tag_key.eq(first_tag))
            .into_boxed();
        if !include_private {
            // On the joined bookmark, which is read anyway: the index then
            // covers every column of bookmark_tags the query needs.
            q = q.filter(bookmarks::is_private.eq(false));
            q = q
                .filter(bookmarks::hidden_at.is_null())
                .filter(entries_t::hidden_at.is_null())
                .filter(users::suspended_at.is_null());
        }
        let other = diesel::alias!(bookmark_tags as other_tags);
        for key in other_tags {
            q = q.filter(
                bookmarks::id.eq_any(
                    other
                        .filter(other.field(bookmark_tags::user_id).eq(owner))
                        .filter(other.field(bookmark_tags::tag_key).eq(key.clone()))
                        .select(other.field(bookmark_tags::bookmark_id)),
                ),
            );
        }
        if let Some(site) = &filter.site {
            q = q.filter(bookmarks::domain.eq(site.clone()));
        }
        if let Some(rl) = filter.read_later {
            q = q.filter(bookmarks::read_later.eq(rl));
        }
        if let Some((t, id)) = after {
            q = q.filter(
                bookmark_tags::created_at.le(t).and(
                    bookmark_tags::created_at
                        .lt(t)
                        .or(bookmark_tags::bookmark_id.lt(id)),
                ),
            );
        }
        q.order((
            bookmark_tags::created_at.desc(),
            bookmark_tags::bookmark_id.desc(),
        ))
        .limit(fetch)
        .select((
            Bookmark::as_select(),
            Entry::as_select(),
            (users::username, users::display_name),
        ))
        .load(conn)?
    } else {
        let mut q = bookmarks::table
            .inner_join(entries_t::table)
            .inner_join(users::table)
            .filter(bookmarks::user_id.eq(owner))
            .into_boxed();
        if !include_private {
            // Visitors see no moderated bookmarks: filters on rows the list
            // reads anyway, so the (user, time) index still drives it.
            q = q
                .filter(bookmarks::is_private.eq(false))
                .filter(bookmarks::hidden_at.is_null())
                .filter(entries_t::hidden_at.is_null())
                .filter(users::suspended_at.is_null());
        }
        if let Some(site) = &filter.site {
            q = q.filter(bookmarks::domain.eq(site.clone()));
        }
        match filter.read_later {
            // Matches the partial index's predicate literally.
            Some(true) => q = q.filter(Condition("bookmarks.read_later")),
            Some(false) => q = q.filter(bookmarks::read_later.eq(false)),
            None => {}
        }
        if let Some((t, id)) = after {
            q = q.filter(
                bookmarks::created_at
                    .le(t)
                    .and(bookmarks::created_at.lt(t).or(bookmarks::id.lt(id))),
            );
        }
        q.order((bookmarks::created_at.desc(), bookmarks::id.desc()))
            .limit(fetch)
            .select((
                Bookmark::as_select(),
                Entry::as_select(),
                (users::username, users::display_name),
            ))
            .load(conn)?
    };
    Ok(Page::from_rows(rows, limit, |(b, _, _)| vec![b.created_at, b.id.0]).map(into_view))
}

/// Ids of `user_id`'s bookmarks that carry the tag `key`.
pub fn ids_with_tag(
    conn: &mut DbConnection,
    user_id: UserId,
    key: &str,
) -> Result<Vec<BookmarkId>, DbError> {
    Ok(bookmark_tags::table
        .filter(bookmark_tags::user_id.eq(user_id))
        .filter(bookmark_tags::tag_key.eq(key))
        .select(bookmark_tags::bookmark_id)
        .load(conn)?)
}

/// Which of a user's own bookmarks [`list_own`] lists, newest first: the
/// slices Pinboard's `posts/*` methods take (time windows, offsets, a few tags).
#[derive(Debug, Clone, Default)]
pub struct OwnFilter {
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

/// `user_id`'s bookmarks, private ones included, newest first.
pub fn list_own(
    conn: &mut DbConnection,
    user_id: UserId,
    filter: &OwnFilter,
) -> Result<Vec<BookmarkView>, DbError> {
    let mut q = bookmarks::table
        .inner_join(entries_t::table)
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
    Ok(rows.into_iter().map(into_view).collect())
}

/// Creation times of `user_id`'s bookmarks that carry every tag of `tags`
/// (keys), for counting bookmarks per day.
pub fn created_times(
    conn: &mut DbConnection,
    user_id: UserId,
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
pub fn last_update(conn: &mut DbConnection, user_id: UserId) -> Result<Option<i64>, DbError> {
    Ok(bookmarks::table
        .filter(bookmarks::user_id.eq(user_id))
        .select(max(bookmarks::updated_at))
        .first::<Option<i64>>(conn)?)
}
