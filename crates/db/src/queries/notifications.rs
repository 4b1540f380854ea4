//! Grouped notifications: one row per recipient and (kind, subject) that
//! gathers its actors, written in the transaction of the action that causes
//! it (a star, a follow, a bookmark save), with the recipient's unread
//! count in `notification_counts` kept exact beside it.
//!
//! The writers here rely on the lock their caller holds on the subject
//! (the starred comment's row, the followee's user row, the entry's row
//! whose count crossed a milestone): notifications of one group are
//! written one at a time, so reading a group and then writing it is safe.
//!
//! Nobody hears of users they muted: [`add_actor`] skips them, and a mute
//! takes the muted user out of the muter's notifications
//! ([`remove_actor_everywhere`]).

use bukuma_domain::{BookmarkId, EntryId, UserId};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{
    NotificationComment, NotificationEntry, NotificationKind, NotificationView, Page, UserRef,
};
use crate::per_backend;
use crate::queries::stmt::{Arg, Condition, Stmt};
use crate::schema::{
    bookmarks, entries, notification_actors, notification_counts, notifications, users,
};
use crate::versions::{touch, Scope};

/// The numbers of public users at which the first public bookmarker of a
/// page hears of it.
pub const FIRST_BOOKMARK_MILESTONES: [i64; 6] = [5, 10, 50, 100, 500, 1000];

/// Actors a listed notification names; `actor_count` tells of the rest.
pub const SHOWN_ACTORS: i64 = 3;

/// What a star or follow notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A comment (`bookmark`) on `entry`.
    Star {
        bookmark: BookmarkId,
        entry: EntryId,
    },
    /// The recipient themself.
    Follow,
}

impl Subject {
    fn kind(self) -> NotificationKind {
        match self {
            Subject::Star { .. } => NotificationKind::Star,
            Subject::Follow => NotificationKind::Follow,
        }
    }

    fn group_key(self) -> String {
        match self {
            Subject::Star { bookmark, .. } => star_key(bookmark),
            Subject::Follow => "follow".to_owned(),
        }
    }
}

fn star_key(bookmark: BookmarkId) -> String {
    format!("star:{}", bookmark.0)
}

fn first_bookmark_key(entry: EntryId) -> String {
    format!("first_bookmark:{}", entry.0)
}

/// A group as stored: (id, read_at, actor_count).
type Group = (i64, Option<i64>, i64);

/// The recipient's notification of `group_key`, locked on PostgreSQL so
/// that a concurrent [`mark_read`] waits and the unread count stays exact.
fn find_group(
    conn: &mut DbConnection,
    user: UserId,
    group_key: &str,
) -> Result<Option<Group>, DbError> {
    let q = notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::group_key.eq(group_key))
        .select((
            notifications::id,
            notifications::read_at,
            notifications::actor_count,
        ));
    Ok(match conn {
        DbConnection::Pg(c) => q.for_update().first(c).optional()?,
        DbConnection::Sqlite(c) => q.first(c).optional()?,
    })
}

/// Moves the recipient's unread count by `by`; every change of a
/// recipient's notifications passes here, so it marks them changed.
fn add_unread(conn: &mut DbConnection, user: UserId, by: i64) -> Result<(), DbError> {
    touch(Scope::Notifications(user));
    if by == 0 {
        return Ok(());
    }
    Stmt::new(
        "INSERT INTO notification_counts (user_id, unread) VALUES (?, ?) \
         ON CONFLICT (user_id) DO UPDATE SET unread = notification_counts.unread + excluded.unread",
        &[Arg::Int(user.0), Arg::Int(by)],
    )
    .execute(conn)?;
    Ok(())
}

/// Creates a notification, unread, and counts it.
#[expect(clippy::too_many_arguments, reason = "one per column of the row")]
fn insert_group(
    conn: &mut DbConnection,
    user: UserId,
    kind: NotificationKind,
    entry: Option<EntryId>,
    bookmark: Option<BookmarkId>,
    group_key: &str,
    actor_count: i64,
    now: i64,
) -> Result<i64, DbError> {
    let id = per_backend!(&mut *conn, |c| diesel::insert_into(notifications::table)
        .values((
            notifications::user_id.eq(user),
            notifications::kind.eq(kind.as_str()),
            notifications::subject_entry_id.eq(entry),
            notifications::subject_bookmark_id.eq(bookmark),
            notifications::group_key.eq(group_key),
            notifications::actor_count.eq(actor_count),
            notifications::created_at.eq(now),
            notifications::updated_at.eq(now),
        ))
        .returning(notifications::id)
        .get_result::<i64>(c))?;
    add_unread(conn, user, 1)?;
    Ok(id)
}

/// Moves a notification to the top as unread (counted again when it was read).
fn raise(
    conn: &mut DbConnection,
    user: UserId,
    (id, read_at, _): Group,
    actor_count: i64,
    now: i64,
) -> Result<(), DbError> {
    diesel::update(notifications::table.find(id))
        .set((
            notifications::actor_count.eq(actor_count),
            notifications::updated_at.eq(now),
            notifications::read_at.eq(None::<i64>),
        ))
        .execute(conn)?;
    add_unread(conn, user, i64::from(read_at.is_some()))
}

/// Deletes a notification with its actors, and uncounts it when unread.
fn delete_group(
    conn: &mut DbConnection,
    user: UserId,
    (id, read_at, _): Group,
) -> Result<(), DbError> {
    diesel::delete(notification_actors::table.filter(notification_actors::notification_id.eq(id)))
        .execute(conn)?;
    diesel::delete(notifications::table.find(id)).execute(conn)?;
    add_unread(conn, user, -i64::from(read_at.is_none()))
}

/// `actor` joins the recipient's notification of `subject`, which moves
/// to the top and is unread again; nothing when the actor is the
/// recipient or is in it already (a retried action adds nothing). Run it
/// in the transaction of the action, under its lock on the subject.
pub fn add_actor(
    conn: &mut DbConnection,
    recipient: UserId,
    subject: Subject,
    actor: UserId,
    now: i64,
) -> Result<(), DbError> {
    if actor == recipient {
        return Ok(());
    }
    if crate::queries::mutes::is_muted(conn, recipient, actor)? {
        return Ok(());
    }
    let key = subject.group_key();
    let id = match find_group(conn, recipient, &key)? {
        Some(group) => {
            if actor_in(conn, group.0, actor)? {
                return Ok(());
            }
            raise(conn, recipient, group, group.2 + 1, now)?;
            group.0
        }
        None => {
            let (entry, bookmark) = match subject {
                Subject::Star { bookmark, entry } => (Some(entry), Some(bookmark)),
                Subject::Follow => (None, None),
            };
            insert_group(
                conn,
                recipient,
                subject.kind(),
                entry,
                bookmark,
                &key,
                1,
                now,
            )?
        }
    };
    diesel::insert_into(notification_actors::table)
        .values((
            notification_actors::notification_id.eq(id),
            notification_actors::actor_id.eq(actor),
            notification_actors::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

fn actor_in(conn: &mut DbConnection, id: i64, actor: UserId) -> Result<bool, DbError> {
    Ok(notification_actors::table
        .find((id, actor.0))
        .select(notification_actors::created_at)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// `actor` leaves the recipient's notification of `subject` (an un-star,
/// an unfollow); the notification goes when nobody is left. It keeps its
/// place and read state otherwise. Idempotent.
pub fn remove_actor(
    conn: &mut DbConnection,
    recipient: UserId,
    subject: Subject,
    actor: UserId,
) -> Result<(), DbError> {
    match find_group(conn, recipient, &subject.group_key())? {
        Some(group) => leave(conn, recipient, group, actor),
        None => Ok(()),
    }
}

/// `actor` leaves every notification of `recipient` they are in (the
/// recipient muted them). Run it in the mute's transaction.
pub fn remove_actor_everywhere(
    conn: &mut DbConnection,
    recipient: UserId,
    actor: UserId,
) -> Result<(), DbError> {
    let keys: Vec<String> = notification_actors::table
        .inner_join(notifications::table)
        .filter(notification_actors::actor_id.eq(actor))
        .filter(notifications::user_id.eq(recipient))
        .select(notifications::group_key)
        .load(conn)?;
    for key in keys {
        if let Some(group) = find_group(conn, recipient, &key)? {
            leave(conn, recipient, group, actor)?;
        }
    }
    Ok(())
}

/// Takes `actor` out of `group`, which goes when nobody is left.
fn leave(
    conn: &mut DbConnection,
    recipient: UserId,
    group: Group,
    actor: UserId,
) -> Result<(), DbError> {
    let removed =
        diesel::delete(notification_actors::table.find((group.0, actor.0))).execute(conn)?;
    if removed == 0 {
        return Ok(());
    }
    touch(Scope::Notifications(recipient));
    if group.2 <= 1 {
        return delete_group(conn, recipient, group);
    }
    diesel::update(notifications::table.find(group.0))
        .set(notifications::actor_count.eq(notifications::actor_count - 1))
        .execute(conn)?;
    Ok(())
}

/// Deletes the star notification of a comment that is deleted, made
/// private or loses its comment; its owner is `owner`. Run it in that
/// write's transaction.
pub fn remove_comment(
    conn: &mut DbConnection,
    owner: UserId,
    bookmark: BookmarkId,
) -> Result<(), DbError> {
    match find_group(conn, owner, &star_key(bookmark))? {
        Some(group) => delete_group(conn, owner, group),
        None => Ok(()),
    }
}

/// Called when a bookmark write left `entry` with `public_count` public
/// bookmarks, one more than before: at a milestone, the entry's first
/// public bookmarker (unless that is `actor`, who caused it) hears of it.
/// A milestone reached again after the count fell adds nothing. Run it
/// in the write's transaction, after the update of the entry's count.
pub fn public_count_rose(
    conn: &mut DbConnection,
    entry: EntryId,
    public_count: i64,
    actor: UserId,
    now: i64,
) -> Result<(), DbError> {
    if !FIRST_BOOKMARK_MILESTONES.contains(&public_count) {
        return Ok(());
    }
    let first: Option<UserId> = bookmarks::table
        .filter(bookmarks::entry_id.eq(entry))
        .filter(Condition("NOT bookmarks.is_private"))
        .order((bookmarks::created_at.asc(), bookmarks::id.asc()))
        .select(bookmarks::user_id)
        .first(conn)
        .optional()?;
    let Some(first) = first.filter(|u| *u != actor) else {
        return Ok(());
    };
    let key = first_bookmark_key(entry);
    match find_group(conn, first, &key)? {
        Some(group) if group.2 >= public_count => Ok(()),
        Some(group) => raise(conn, first, group, public_count, now),
        None => insert_group(
            conn,
            first,
            NotificationKind::FirstBookmark,
            Some(entry),
            None,
            &key,
            public_count,
            now,
        )
        .map(drop),
    }
}

/// The user's unread notifications: one primary-key read.
pub fn unread_count(conn: &mut DbConnection, user: UserId) -> Result<i64, DbError> {
    Ok(notification_counts::table
        .find(user.0)
        .select(notification_counts::unread)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0))
}

/// Marks read every notification of the user updated at or before the
/// notification `up_to` (in the list's order: those it shows from `up_to`
/// down). Returns the unread count after; `NotFound` when `up_to` is not
/// the user's.
pub fn mark_read(
    conn: &mut DbConnection,
    user: UserId,
    up_to: i64,
    now: i64,
) -> Result<i64, DbError> {
    let at: i64 = notifications::table
        .find(up_to)
        .filter(notifications::user_id.eq(user))
        .select(notifications::updated_at)
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    let marked = diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user))
            .filter(notifications::read_at.is_null())
            .filter(
                notifications::updated_at
                    .lt(at)
                    .or(notifications::updated_at
                        .eq(at)
                        .and(notifications::id.le(up_to))),
            ),
    )
    .set(notifications::read_at.eq(now))
    .execute(conn)?;
    add_unread(conn, user, -i64::try_from(marked).unwrap_or(0))?;
    unread_count(conn, user)
}

type Row = (
    i64,
    String,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<(EntryId, String, String)>,
    Option<(BookmarkId, String)>,
);

/// The user's notifications, most recently updated first, keyed by
/// (updated_at, id).
pub fn list(
    conn: &mut DbConnection,
    user: UserId,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<NotificationView>, DbError> {
    let mut q = notifications::table
        .left_join(entries::table.on(notifications::subject_entry_id.eq(entries::id.nullable())))
        .left_join(
            bookmarks::table.on(notifications::subject_bookmark_id.eq(bookmarks::id.nullable())),
        )
        .filter(notifications::user_id.eq(user))
        .into_boxed();
    if let Some((t, id)) = after {
        q = q.filter(
            notifications::updated_at
                .le(t)
                .and(notifications::updated_at.lt(t).or(notifications::id.lt(id))),
        );
    }
    let rows: Vec<Row> = q
        .order((notifications::updated_at.desc(), notifications::id.desc()))
        .limit(i64::try_from(limit).unwrap_or(100) + 1)
        .select((
            notifications::id,
            notifications::kind,
            notifications::actor_count,
            notifications::created_at,
            notifications::updated_at,
            notifications::read_at,
            (entries::id, entries::title, entries::url).nullable(),
            (bookmarks::id, bookmarks::comment).nullable(),
        ))
        .load(conn)?;
    let page = Page::from_rows(rows, limit, |r| vec![r.4, r.0]);
    let mut items = Vec::with_capacity(page.items.len());
    for (id, kind, actor_count, created_at, updated_at, read_at, entry, comment) in page.items {
        let actors: Vec<UserRef> = notification_actors::table
            .inner_join(users::table)
            .filter(notification_actors::notification_id.eq(id))
            .filter(users::suspended_at.is_null())
            .order((
                notification_actors::created_at.desc(),
                notification_actors::actor_id.desc(),
            ))
            .limit(SHOWN_ACTORS)
            .select((users::username, users::display_name))
            .load(conn)?;
        items.push(NotificationView {
            id,
            kind: NotificationKind::parse(&kind).unwrap_or(NotificationKind::Star),
            entry: entry.map(|(id, title, url)| NotificationEntry { id, title, url }),
            comment: comment.map(|(id, comment)| NotificationComment { id, comment }),
            actors,
            actor_count,
            created_at,
            updated_at,
            read: read_at.is_some(),
        });
    }
    Ok(Page {
        items,
        next: page.next,
    })
}
