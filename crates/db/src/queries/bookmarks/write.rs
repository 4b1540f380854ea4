//! Bookmark writes: [`save`] (create or update by URL), [`update`] and
//! [`delete`] by id, and the retagging of tag renames. Each moves the
//! counters through [`apply_counts`] in the same transaction.

use bukuma_domain::{BookmarkId, EntryId, Tags, UserId};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::counts::{
    apply_counts, join_tags, tag_keys, tag_pairs, write_bookmark_tags, Counted, EntryCounts,
};
use super::input::{BookmarkInput, IfExists};
use super::lists::{find, find_by_url};
use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{Bookmark, BookmarkView, Entry, UserRef};
use crate::queries::entries;
use crate::queries::notifications;
use crate::queries::search::push_bookmark_change;
use crate::queries::stmt::{Arg, Combined, Stmt};
use crate::queries::write_options::WriteOptions;
use crate::schema::{bookmarks, users};
use crate::versions::{touch, touch_bookmark, Scope};

/// Serialises concurrent writes of one user's bookmarks and returns the
/// user (`None` when there is none). On PostgreSQL a row lock that writes
/// no new row version (`SELECT … FOR NO KEY UPDATE`): it excludes the
/// user's other writes but not the key-share locks that foreign-key checks
/// take, so starring a comment or bookmarking never waits for the starring
/// or bookmarking user's own write in flight (with `FOR UPDATE` those waits
/// closed deadlock cycles through the starred bookmark's row). SQLite
/// writers are serialised already; there the no-op `UPDATE` only takes the
/// write lock first.
fn lock_user(conn: &mut DbConnection, user_id: UserId) -> Result<Option<UserRef>, DbError> {
    let name = (users::username, users::display_name);
    Ok(match conn {
        DbConnection::Pg(c) => users::table
            .find(user_id)
            .select(name)
            .for_no_key_update()
            .first::<UserRef>(c)
            .optional()?,
        DbConnection::Sqlite(c) => diesel::update(users::table.find(user_id))
            .set(users::updated_at.eq(users::updated_at))
            .returning(name)
            .get_result::<UserRef>(c)
            .optional()?,
    })
}

/// [`lock_user`] for a write that may insert a bookmark: on PostgreSQL the
/// same statement also draws the next bookmark id from its sequence, so
/// that the insert can join the counter updates in one statement (an id
/// drawn for a write that then updates instead is skipped, as ids of
/// rolled-back inserts are). SQLite learns the id from its insert.
fn lock_user_reserving(
    conn: &mut DbConnection,
    user_id: UserId,
) -> Result<Option<(UserRef, Option<BookmarkId>)>, DbError> {
    #[derive(QueryableByName)]
    struct Reserved {
        #[diesel(sql_type = Text)]
        username: String,
        #[diesel(sql_type = Text)]
        display_name: String,
        #[diesel(sql_type = BigInt)]
        next_id: BookmarkId,
    }
    if matches!(conn, DbConnection::Sqlite(_)) {
        return Ok(lock_user(conn, user_id)?.map(|u| (u, None)));
    }
    let row = Stmt::new(
        "SELECT username, display_name, nextval('bookmarks_id_seq') AS next_id \
         FROM users WHERE id = ? FOR NO KEY UPDATE",
        &[Arg::Int(user_id.0)],
    )
    .load::<Reserved>(conn)?
    .pop();
    Ok(row.map(|r| {
        let user = UserRef {
            username: r.username,
            display_name: r.display_name,
        };
        (user, Some(r.next_id))
    }))
}

/// Inserts a bookmark with every column the write sets; SQLite chooses
/// the id when it is NULL.
macro_rules! insert_bookmark_sql {
    () => {
        "INSERT INTO bookmarks (id, user_id, entry_id, domain, comment, note, tags, \
         is_private, read_later, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    };
}

/// Creates or updates `user_id`'s bookmark of the normalized `url` (the
/// caller's transaction holds the write). Returns the bookmark with its entry and owner as the write left them,
/// and whether it was created.
fn upsert(
    conn: &mut DbConnection,
    user_id: UserId,
    url: &bukuma_domain::NormalizedUrl,
    input: &BookmarkInput<'_>,
    opts: WriteOptions,
) -> Result<(BookmarkView, bool), DbError> {
    let (user, reserved_id) = lock_user_reserving(conn, user_id)?.ok_or(DbError::NotFound)?;
    let title = input.title.unwrap_or("");
    let public_at = input.public_at(opts.now);
    let (mut entry, existing, counts) =
        match entries::find_or_create(conn, url, title, user_id, public_at, opts)? {
            entries::Found::Existing(entry, existing) => (entry, existing, EntryCounts::Move),
            entries::Found::Created(entry) => (entry, None, EntryCounts::Done),
        };
    touch(Scope::Entry(entry.id));
    // An update that leaves the privacy as it is keeps the existing one.
    let public = !input
        .is_private
        .or(existing.as_ref().map(|b| b.is_private))
        .unwrap_or(false);
    let becomes_public = public && existing.as_ref().is_none_or(|b| b.is_private);
    let titled = if counts != EntryCounts::Move {
        false
    } else if becomes_public && entry.bookmark_count == 0 {
        entries::publish_title(conn, entry.id, title, opts.now)?
    } else {
        !title.is_empty()
            && entry.title.is_empty()
            // A private bookmark titles only an entry nobody sees but its
            // private bookmarkers (see `entries::publish_title`).
            && (public || entry.bookmark_count == 0)
            && entries::set_fallback_title(conn, entry.id, title)?
    };
    if titled {
        entry.title = title.to_owned();
    }
    if let Some(old) = existing {
        let (bookmark, moved) = apply_input(conn, &old, input, opts.now, opts, true)?;
        let view = BookmarkView {
            bookmark,
            entry: moved.unwrap_or(entry),
            user,
        };
        return Ok((view, false));
    }
    let tags = input.tags.map(tag_pairs).unwrap_or_default();
    touch_bookmark(user_id, tag_keys(&tags));
    let mut new = new_bookmark(
        reserved_id.unwrap_or(BookmarkId(0)),
        user_id,
        &entry,
        &tags,
        input,
        opts,
    );
    let mut w = Combined::default();
    match reserved_id {
        // Inserted with the counter updates below, in one statement.
        Some(_) => w.push(insert_bookmark_sql!(), insert_args(&new, true)),
        None => {
            #[derive(QueryableByName)]
            struct Id {
                #[diesel(sql_type = BigInt)]
                id: BookmarkId,
            }
            let args = insert_args(&new, false);
            let inserted = Stmt::new(concat!(insert_bookmark_sql!(), " RETURNING id"), &args)
                .load::<Id>(conn)?;
            new.id = inserted.first().ok_or(DbError::NotFound)?.id;
        }
    }
    let counted = Counted::of(&new);
    write_bookmark_tags(&mut w, user_id, new.id, None, &counted);
    push_bookmark_change(&mut w, new.id, (!new.is_private).then_some(new.entry_id));
    let moved = apply_counts(conn, w, user_id, None, Some(&counted), counts, opts)?;
    // As its count update left it; a created entry is as inserted, and a
    // private bookmark moves no count of an existing one.
    let entry = moved.unwrap_or(entry);
    let view = BookmarkView {
        bookmark: new,
        entry,
        user,
    };
    Ok((view, true))
}

/// The bookmark `input` creates: `id` of `user_id` on `entry`.
fn new_bookmark(
    id: BookmarkId,
    user_id: UserId,
    entry: &Entry,
    tags: &[(String, String)],
    input: &BookmarkInput<'_>,
    opts: WriteOptions,
) -> Bookmark {
    Bookmark {
        id,
        user_id,
        entry_id: entry.id,
        domain: entry.domain.clone(),
        comment: input.comment.unwrap_or("").to_owned(),
        tags: join_tags(tags),
        is_private: input.is_private.unwrap_or(false),
        read_later: input.read_later.unwrap_or(false),
        star_count: 0,
        created_at: input.created_at.unwrap_or(opts.now),
        updated_at: opts.now,
        note: input.note.unwrap_or("").to_owned(),
        hidden_at: None,
    }
}

/// The arguments of [`insert_bookmark_sql!`] for `b`, with its id or
/// (`with_id` false) NULL for SQLite to choose.
fn insert_args(b: &Bookmark, with_id: bool) -> Vec<Arg<'_>> {
    vec![
        Arg::OptInt(with_id.then_some(b.id.0)),
        Arg::Int(b.user_id.0),
        Arg::Int(b.entry_id.0),
        Arg::Text(&b.domain),
        Arg::Text(&b.comment),
        Arg::Text(&b.note),
        Arg::Text(&b.tags),
        Arg::Bool(b.is_private),
        Arg::Bool(b.read_later),
        Arg::Int(b.created_at),
        Arg::Int(b.updated_at),
    ]
}

/// What [`save`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    Created,
    Updated,
    /// Nothing was written: the user's bookmark of the URL stays as it was
    /// (see [`IfExists`]).
    Unchanged,
}

/// Creates `user_id`'s bookmark of the normalized `url`, or, when they have
/// one already, does with it what `if_exists` says. Returns the bookmark
/// with its entry and owner as the write left them (as it was, when
/// unchanged) and what was done. The one way the JSON API, the Pinboard API
/// and import save a bookmark.
///
/// Inside a transaction it runs there. Given a PostgreSQL connection
/// outside one (see [`Db::write_autocommit`](crate::Db::write_autocommit)),
/// a new bookmark takes two statements, each committing alone, instead of a
/// transaction of six round trips; updates and the rare races of a creation
/// fall back to a transaction.
pub fn save(
    conn: &mut DbConnection,
    user_id: UserId,
    url: &bukuma_domain::NormalizedUrl,
    input: &BookmarkInput<'_>,
    opts: WriteOptions,
    if_exists: IfExists,
) -> Result<(BookmarkView, SaveOutcome), DbError> {
    if in_transaction(conn)? {
        return save_in_transaction(conn, user_id, url, input, opts, if_exists);
    }
    if let DbConnection::Pg(_) = conn {
        // Creates only when the user has no bookmark of the URL.
        if let Some(view) = create_at_once(conn, user_id, url, input, opts)? {
            return Ok((view, SaveOutcome::Created));
        }
    }
    conn.transaction(|c| save_in_transaction(c, user_id, url, input, opts, if_exists))
}

/// [`save`] inside the caller's transaction: [`upsert`], after a look at the
/// existing bookmark unless the input is to replace it whatever it holds.
fn save_in_transaction(
    conn: &mut DbConnection,
    user_id: UserId,
    url: &bukuma_domain::NormalizedUrl,
    input: &BookmarkInput<'_>,
    opts: WriteOptions,
    if_exists: IfExists,
) -> Result<(BookmarkView, SaveOutcome), DbError> {
    if if_exists != IfExists::Update {
        if let Some(old) = find_by_url(conn, user_id, url.as_str())? {
            if if_exists == IfExists::Keep || input.leaves_unchanged(&old) {
                return Ok((old, SaveOutcome::Unchanged));
            }
        }
    }
    let (view, created) = upsert(conn, user_id, url, input, opts)?;
    let outcome = if created {
        SaveOutcome::Created
    } else {
        SaveOutcome::Updated
    };
    Ok((view, outcome))
}

fn in_transaction(conn: &mut DbConnection) -> Result<bool, DbError> {
    use diesel::connection::TransactionManager;
    let status =
        <DbConnection as TransactionManager<DbConnection>>::transaction_manager_status_mut(conn);
    Ok(status.transaction_depth()?.is_some())
}

/// The first statement of [`create_at_once`]: the user, ids drawn for the
/// bookmark and (when the URL has none) the entry, the entry if there is
/// one, and the user's bookmark of it if they have one.
static CREATE_LOOKUP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT u.username, u.display_name, nextval('bookmarks_id_seq') AS bookmark_id, \
         (SELECT b.id FROM bookmarks b WHERE b.user_id = u.id AND b.entry_id = e.id) AS existing, \
         CASE WHEN e.id IS NULL THEN nextval('entries_id_seq') END AS new_entry_id, e.* \
         FROM users u LEFT JOIN (SELECT {} FROM entries WHERE url = ?) e ON TRUE WHERE u.id = ?",
        entries::COLUMNS
    )
});

/// Creates `user_id`'s bookmark of `url` on PostgreSQL outside a
/// transaction, in two statements that commit on their own: a read that
/// draws the ids, then one statement that inserts the entry (when the URL
/// is new), the bookmark and its tags and moves every counter. `None` when
/// this does not apply: the user has a bookmark of the URL already, the
/// entry lacks the title the input gives, or a concurrent writer made the
/// bookmark or the entry in between (the second statement then fails
/// whole, on the unique key or the entry's foreign key), or the entry's
/// public count is about to reach a first-bookmark milestone — the caller
/// runs [`upsert`] instead. (A concurrent writer may still move the count
/// to a milestone in between; that notification is then written in
/// statements of its own right after.)
///
/// The first statement needs no user lock: the unique `(user_id,
/// entry_id)` key decides whether the bookmark exists, and every counter
/// moves by a relative update or an upsert, which concurrent writers
/// cannot lose. The second one takes the user lock before it writes.
fn create_at_once(
    conn: &mut DbConnection,
    user_id: UserId,
    url: &bukuma_domain::NormalizedUrl,
    input: &BookmarkInput<'_>,
    opts: WriteOptions,
) -> Result<Option<BookmarkView>, DbError> {
    use diesel::result::{DatabaseErrorKind, Error};
    use diesel::sql_types::Nullable;

    #[derive(QueryableByName)]
    struct Lookup {
        #[diesel(sql_type = Text)]
        username: String,
        #[diesel(sql_type = Text)]
        display_name: String,
        #[diesel(sql_type = BigInt)]
        bookmark_id: BookmarkId,
        #[diesel(sql_type = Nullable<BigInt>)]
        existing: Option<BookmarkId>,
        #[diesel(sql_type = Nullable<BigInt>)]
        new_entry_id: Option<EntryId>,
        #[diesel(embed)]
        entry: Option<Entry>,
    }
    let args = [Arg::Text(url.as_str()), Arg::Int(user_id.0)];
    let found = Stmt::new(&CREATE_LOOKUP, &args)
        .load::<Lookup>(conn)?
        .pop()
        .ok_or(DbError::NotFound)?;
    let title = input.title.unwrap_or("");
    let public = !input.is_private.unwrap_or(false);
    let (entry, counts) = match (found.entry, found.new_entry_id) {
        (Some(_), _) if found.existing.is_some() => return Ok(None),
        (Some(e), _) if e.title.is_empty() && !title.is_empty() => return Ok(None),
        // The first public bookmark of an entry gives it its title (`upsert`).
        (Some(e), _) if public && e.bookmark_count == 0 => return Ok(None),
        // The public count reaches a milestone: the transaction writes
        // the notification with it.
        (Some(e), _)
            if !input.is_private.unwrap_or(false)
                && notifications::FIRST_BOOKMARK_MILESTONES.contains(&(e.bookmark_count + 1)) =>
        {
            return Ok(None)
        }
        (Some(e), _) => (e, EntryCounts::Move),
        (None, Some(id)) => (
            entries::new(id, url, title, input.public_at(opts.now), opts),
            EntryCounts::Done,
        ),
        (None, None) => return Err(DbError::NotFound),
    };
    let tags = input.tags.map(tag_pairs).unwrap_or_default();
    let new = new_bookmark(found.bookmark_id, user_id, &entry, &tags, input, opts);
    let counted = Counted::of(&new);
    let mut w = Combined::default();
    // The user's row is locked before any other, as by writes in a
    // transaction (`lock_user`), so that the two kinds cannot deadlock.
    w.after(
        "SELECT 1 AS gate FROM users WHERE id = ? FOR NO KEY UPDATE",
        vec![Arg::Int(user_id.0)],
    );
    if counts == EntryCounts::Done {
        w.push(entries::INSERT_NEW, entries::new_args(&entry));
    }
    w.push(insert_bookmark_sql!(), insert_args(&new, true));
    write_bookmark_tags(&mut w, user_id, new.id, None, &counted);
    push_bookmark_change(&mut w, new.id, (!new.is_private).then_some(new.entry_id));
    let moved = match apply_counts(conn, w, user_id, None, Some(&counted), counts, opts) {
        Err(DbError::Query(Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation,
            _,
        ))) => return Ok(None),
        other => other?,
    };
    touch(Scope::Entry(entry.id));
    touch_bookmark(user_id, tag_keys(&tags));
    let user = UserRef {
        username: found.username,
        display_name: found.display_name,
    };
    Ok(Some(BookmarkView {
        bookmark: new,
        entry: moved.unwrap_or(entry),
        user,
    }))
}

/// Applies `input` to an existing bookmark (the caller holds the user
/// lock), stamping it `updated_at`: one statement on PostgreSQL (two when
/// counter rows fall to zero). With `outbox`, the same statement adds the
/// search outbox rows of the change. Returns the bookmark as written, and
/// the entry as its count update left it when there was one.
fn apply_input(
    conn: &mut DbConnection,
    old: &Bookmark,
    input: &BookmarkInput<'_>,
    updated_at: i64,
    opts: WriteOptions,
    outbox: bool,
) -> Result<(Bookmark, Option<Entry>), DbError> {
    touch(Scope::Entry(old.entry_id));
    if old.is_private && !input.is_private.unwrap_or(true) && outbox {
        // Its entry may get its first public bookmark: a title only private
        // bookmarks gave must not become public with it.
        entries::publish_title(conn, old.entry_id, input.title.unwrap_or(""), opts.now)?;
    }
    let before = Counted::of(old);
    let tags = input
        .tags
        .map(tag_pairs)
        .unwrap_or_else(|| before.tags.clone());
    touch_bookmark(old.user_id, tag_keys(&before.tags).chain(tag_keys(&tags)));
    let new = Bookmark {
        comment: input.comment.unwrap_or(&old.comment).to_owned(),
        note: input.note.unwrap_or(&old.note).to_owned(),
        tags: join_tags(&tags),
        is_private: input.is_private.unwrap_or(old.is_private),
        read_later: input.read_later.unwrap_or(old.read_later),
        created_at: input.created_at.unwrap_or(old.created_at),
        updated_at,
        ..old.clone()
    };
    let after = Counted {
        tags,
        is_private: new.is_private,
        created_at: new.created_at,
        ..before.clone()
    };
    let mut w = Combined::default();
    // Joins the counter updates: it touches none of their rows.
    w.push(
        "UPDATE bookmarks SET comment = ?, note = ?, tags = ?, is_private = ?, \
         read_later = ?, created_at = ?, updated_at = ? WHERE id = ?",
        vec![
            Arg::Text(&new.comment),
            Arg::Text(&new.note),
            Arg::Text(&new.tags),
            Arg::Bool(new.is_private),
            Arg::Bool(new.read_later),
            Arg::Int(new.created_at),
            Arg::Int(new.updated_at),
            Arg::Int(old.id.0),
        ],
    );
    if outbox {
        let public = !old.is_private || !new.is_private;
        push_bookmark_change(&mut w, old.id, public.then_some(old.entry_id));
    }
    let moved = if after == before {
        w.execute(conn)?;
        None
    } else {
        write_bookmark_tags(&mut w, old.user_id, old.id, Some(&before), &after);
        apply_counts(
            conn,
            w,
            old.user_id,
            Some(&before),
            Some(&after),
            EntryCounts::Move,
            opts,
        )?
    };
    let is_comment = |b: &Bookmark| !b.is_private && !b.comment.is_empty();
    if is_comment(old) && !is_comment(&new) {
        // No star notification outlives the comment it is about. After the
        // update, whose row lock makes a concurrent star wait and then
        // find no comment, so that none can be written after this.
        notifications::remove_comment(conn, old.user_id, old.id)?;
    }
    Ok((new, moved))
}

/// Changes a bookmark of `user_id`; `NotFound` when it is not theirs.
pub fn update(
    conn: &mut DbConnection,
    user_id: UserId,
    id: BookmarkId,
    input: &BookmarkInput<'_>,
    opts: WriteOptions,
) -> Result<Bookmark, DbError> {
    lock_user(conn, user_id)?;
    let old = find(conn, id)?
        .filter(|b| b.user_id == user_id)
        .ok_or(DbError::NotFound)?;
    let (new, _) = apply_input(conn, &old, input, opts.now, opts, true)?;
    Ok(new)
}

/// Deletes a bookmark of `user_id`; `NotFound` when it is not theirs.
pub fn delete(
    conn: &mut DbConnection,
    user_id: UserId,
    id: BookmarkId,
    opts: WriteOptions,
) -> Result<(), DbError> {
    lock_user(conn, user_id)?;
    let old = find(conn, id)?
        .filter(|b| b.user_id == user_id)
        .ok_or(DbError::NotFound)?;
    touch(Scope::Entry(old.entry_id));
    let before = Counted::of(&old);
    touch_bookmark(user_id, tag_keys(&before.tags));
    let mut w = Combined::default();
    push_bookmark_change(&mut w, id, (!old.is_private).then_some(old.entry_id));
    apply_counts(
        conn,
        w,
        user_id,
        Some(&before),
        None,
        EntryCounts::Move,
        opts,
    )?;
    // The bookmark's row locked first, as a star locks it, so that no star
    // notification is written between this and the delete (which would
    // remove it with the row but leave it counted as unread).
    diesel::update(bookmarks::table.find(id))
        .set(bookmarks::star_count.eq(bookmarks::star_count))
        .execute(conn)?;
    notifications::remove_comment(conn, user_id, id)?;
    diesel::delete(bookmarks::table.find(id)).execute(conn)?;
    Ok(())
}

/// Replaces the tags of a bookmark (tag rename and delete); the caller holds
/// its owner's lock. It adds no search outbox rows: the bulk operation adds
/// those of all its bookmarks in one statement.
pub fn set_tags(
    conn: &mut DbConnection,
    old: &Bookmark,
    tags: &Tags,
    opts: WriteOptions,
) -> Result<(), DbError> {
    let input = BookmarkInput {
        tags: Some(tags),
        ..BookmarkInput::default()
    };
    // Keeps updated_at: retagging in bulk is not an edit of the bookmark.
    apply_input(conn, old, &input, old.updated_at, opts, false)?;
    Ok(())
}

/// Takes the user lock for a bulk operation over the user's bookmarks.
pub fn lock_owner(conn: &mut DbConnection, user_id: UserId) -> Result<(), DbError> {
    lock_user(conn, user_id).map(drop)
}

/// Moves a bookmark's tag rows and counters from the keys rule `from` gave
/// them to those of rule `to` (today [`bukuma_domain::bookmark::tag_key`]),
/// merging tags that now share a key (the first spelling stays). Keeps
/// `updated_at`. Returns whether anything changed.
pub fn rekey_tags(
    conn: &mut DbConnection,
    id: BookmarkId,
    from: impl Fn(&str) -> String,
    to: impl Fn(&str) -> String,
    now: i64,
) -> Result<bool, DbError> {
    // The entry's own counts and lists stay as they are (`EntryCounts::Done`),
    // so the list threshold plays no part.
    let opts = WriteOptions {
        now,
        new_entry_threshold: i64::MAX,
    };
    let Some(user_id) = find(conn, id)?.map(|b| b.user_id) else {
        return Ok(false);
    };
    lock_user(conn, user_id)?;
    let Some(old) = find(conn, id)? else {
        return Ok(false);
    };
    let before = Counted::keyed(&old, from);
    let after = Counted::keyed(&old, to);
    if before == after {
        return Ok(false);
    }
    touch(Scope::Entry(old.entry_id));
    touch_bookmark(user_id, tag_keys(&before.tags).chain(tag_keys(&after.tags)));
    let tags = join_tags(&after.tags);
    let mut w = Combined::default();
    w.push(
        "UPDATE bookmarks SET tags = ? WHERE id = ?",
        vec![Arg::Text(&tags), Arg::Int(id.0)],
    );
    push_bookmark_change(&mut w, id, (!old.is_private).then_some(old.entry_id));
    write_bookmark_tags(&mut w, user_id, id, Some(&before), &after);
    apply_counts(
        conn,
        w,
        user_id,
        Some(&before),
        Some(&after),
        EntryCounts::Done,
        opts,
    )?;
    Ok(true)
}
