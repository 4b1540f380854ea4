//! Comments (public bookmarks with a comment) and their stars.

use std::collections::HashSet;

use bukuma_domain::{BookmarkId, EntryId, UserId};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{split_tags, CommentView, Page, UserRef};
use crate::per_backend;
use crate::queries::notifications::{self, Subject};
use crate::queries::stmt::Condition;
use crate::schema::{bookmarks, stars, users};
use crate::versions::{touch, Scope};

/// The partial indexes' predicate, spelled as they spell it so the planners
/// use them: public comments that no admin hid.
const IS_COMMENT: &str = crate::queries::moderation::VISIBLE_COMMENT;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentSort {
    /// Newest first, keyed by (created_at, id).
    Recent,
    /// Most starred first, keyed by (star_count, created_at, id).
    Popular,
}

type CommentRow = (BookmarkId, String, String, i64, i64, String, String);

/// The comments of an entry.
pub fn list(
    conn: &mut DbConnection,
    entry_id: EntryId,
    sort: CommentSort,
    after: Option<&[i64]>,
    viewer: Option<UserId>,
    limit: usize,
) -> Result<Page<CommentView>, DbError> {
    let mut q = bookmarks::table
        .inner_join(users::table)
        .filter(bookmarks::entry_id.eq(entry_id))
        .filter(Condition(IS_COMMENT))
        // Comments of suspended users are hidden while they are suspended
        // (a filter on the joined row: the index still drives the list).
        .filter(users::suspended_at.is_null())
        .into_boxed();
    match (sort, after) {
        (CommentSort::Recent, Some(&[t, id])) => {
            q = q.filter(
                bookmarks::created_at
                    .le(t)
                    .and(bookmarks::created_at.lt(t).or(bookmarks::id.lt(id))),
            );
        }
        (CommentSort::Popular, Some(&[s, t, id])) => {
            q = q.filter(
                bookmarks::star_count.le(s).and(
                    bookmarks::star_count.lt(s).or(bookmarks::created_at
                        .le(t)
                        .and(bookmarks::created_at.lt(t).or(bookmarks::id.lt(id)))),
                ),
            );
        }
        (_, None) => {}
        (_, Some(_)) => return Err(DbError::NotFound),
    }
    q = match sort {
        CommentSort::Recent => q.order((bookmarks::created_at.desc(), bookmarks::id.desc())),
        CommentSort::Popular => q.order((
            bookmarks::star_count.desc(),
            bookmarks::created_at.desc(),
            bookmarks::id.desc(),
        )),
    };
    let rows: Vec<CommentRow> = q
        .limit(i64::try_from(limit).unwrap_or(100) + 1)
        .select((
            bookmarks::id,
            bookmarks::comment,
            bookmarks::tags,
            bookmarks::created_at,
            bookmarks::star_count,
            users::username,
            users::display_name,
        ))
        .load(conn)?;
    let page = Page::from_rows(rows, limit, |r| match sort {
        CommentSort::Recent => vec![r.3, r.0 .0],
        CommentSort::Popular => vec![r.4, r.3, r.0 .0],
    });
    let starred: HashSet<BookmarkId> = match viewer {
        Some(v) if !page.items.is_empty() => stars::table
            .filter(stars::user_id.eq(v))
            .filter(stars::bookmark_id.eq_any(page.items.iter().map(|r| r.0).collect::<Vec<_>>()))
            .select(stars::bookmark_id)
            .load::<BookmarkId>(conn)?
            .into_iter()
            .collect(),
        _ => HashSet::new(),
    };
    Ok(page.map(
        |(id, comment, tags, created_at, star_count, username, display_name)| CommentView {
            id,
            user: UserRef {
                username,
                display_name,
            },
            comment,
            tags: split_tags(&tags),
            created_at,
            star_count,
            starred_by_me: starred.contains(&id),
        },
    ))
}

/// The star count of a comment that is visible to everyone.
fn visible_star_count(conn: &mut DbConnection, bookmark_id: BookmarkId) -> Result<i64, DbError> {
    bookmarks::table
        .find(bookmark_id)
        .filter(Condition(IS_COMMENT))
        .select(bookmarks::star_count)
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)
}

/// Locks a visible comment's row for the rest of the transaction, so that a
/// concurrent delete or change of the bookmark is either seen or waits, and
/// records that its entry's comments change. Returns the subject of its
/// star notification and its owner, who receives it.
fn lock_comment(
    conn: &mut DbConnection,
    bookmark_id: BookmarkId,
) -> Result<(Subject, UserId), DbError> {
    let comment = bookmarks::table
        .find(bookmark_id)
        .filter(Condition(IS_COMMENT));
    let found: Option<(EntryId, UserId)> = diesel::update(comment)
        .set(bookmarks::star_count.eq(bookmarks::star_count))
        .returning((bookmarks::entry_id, bookmarks::user_id))
        .get_result(conn)
        .optional()?;
    let (entry_id, owner) = found.ok_or(DbError::NotFound)?;
    touch(Scope::Entry(entry_id));
    let subject = Subject::Star {
        bookmark: bookmark_id,
        entry: entry_id,
    };
    Ok((subject, owner))
}

/// Stars a comment (idempotent), and tells its owner in the same
/// transaction. Returns its star count.
pub fn star(
    conn: &mut DbConnection,
    user_id: UserId,
    bookmark_id: BookmarkId,
    now: i64,
) -> Result<i64, DbError> {
    let (subject, owner) = lock_comment(conn, bookmark_id)?;
    let inserted = per_backend!(&mut *conn, |c| diesel::insert_into(stars::table)
        .values((
            stars::bookmark_id.eq(bookmark_id),
            stars::user_id.eq(user_id),
            stars::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        diesel::update(bookmarks::table.find(bookmark_id))
            .set(bookmarks::star_count.eq(bookmarks::star_count + 1))
            .execute(conn)?;
        notifications::add_actor(conn, owner, subject, user_id, now)?;
    }
    visible_star_count(conn, bookmark_id)
}

/// Takes a star back (idempotent), and the starrer out of the owner's
/// notification. Returns the comment's star count.
pub fn unstar(
    conn: &mut DbConnection,
    user_id: UserId,
    bookmark_id: BookmarkId,
) -> Result<i64, DbError> {
    let (subject, owner) = lock_comment(conn, bookmark_id)?;
    let deleted = diesel::delete(
        stars::table
            .filter(stars::bookmark_id.eq(bookmark_id))
            .filter(stars::user_id.eq(user_id)),
    )
    .execute(conn)?;
    if deleted == 1 {
        diesel::update(bookmarks::table.find(bookmark_id))
            .set(bookmarks::star_count.eq(bookmarks::star_count - 1))
            .execute(conn)?;
        notifications::remove_actor(conn, owner, subject, user_id)?;
    }
    visible_star_count(conn, bookmark_id)
}
