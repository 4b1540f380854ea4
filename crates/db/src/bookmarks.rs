//! Bookmarks: the upsert, edits, deletion and per-user lists.
//!
//! Every write goes through [`apply_counts`], which moves the counters
//! (`users`, `entries`, `user_tags`, `user_sites`, `entry_tags`) from a
//! bookmark's old state to its new one inside the caller's transaction, so
//! the counters always equal the rows they count.

use std::collections::BTreeMap;

use bukuma_domain::Tags;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::entries;
use crate::models::{Bookmark, BookmarkView, Entry, Page, UserRef};
use crate::schema::{bookmark_tags, bookmarks, entries as entries_t, user_tags, users};
use crate::stmt::{values_sql, Arg, Combined, Condition, Stmt};
use crate::versions::{touch, touch_bookmark, Scope};
use crate::{DbConnection, DbError};

/// Settings that shape how a write moves entries between lists.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions {
    pub now: i64,
    /// Public bookmarks an entry needs to appear among new entries.
    pub new_entry_threshold: i64,
}

/// A bookmark as a client sends it; `None` keeps the current value on update
/// (and takes the default on create).
#[derive(Debug, Clone, Default)]
pub struct BookmarkInput<'a> {
    pub title: Option<&'a str>,
    pub comment: Option<&'a str>,
    /// The owner's private note (validated as `bukuma_domain::Note`).
    pub note: Option<&'a str>,
    pub tags: Option<&'a Tags>,
    pub is_private: Option<bool>,
    pub read_later: Option<bool>,
    /// Original bookmarking time (imports); new bookmarks default to now.
    pub created_at: Option<i64>,
}

impl BookmarkInput<'_> {
    /// When a bookmark made from this input is public: its creation time,
    /// or `None` for a private one.
    fn public_at(&self, now: i64) -> Option<i64> {
        (!self.is_private.unwrap_or(false)).then(|| self.created_at.unwrap_or(now))
    }
}

/// What the counters count of one bookmark.
#[derive(Debug, Clone, PartialEq)]
struct Counted {
    entry_id: i64,
    domain: String,
    /// (spelling, key) pairs.
    tags: Vec<(String, String)>,
    is_private: bool,
    created_at: i64,
}

impl Counted {
    fn of(b: &Bookmark) -> Self {
        Counted {
            entry_id: b.entry_id,
            domain: b.domain.clone(),
            tags: b
                .tag_list()
                .into_iter()
                .map(|t| {
                    let k = t.to_lowercase();
                    (t, k)
                })
                .collect(),
            is_private: b.is_private,
            created_at: b.created_at,
        }
    }
}

fn tag_pairs(tags: &Tags) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| (t.as_str().to_owned(), t.key()))
        .collect()
}

/// The keys of (spelling, key) pairs.
fn tag_keys(tags: &[(String, String)]) -> impl Iterator<Item = &str> {
    tags.iter().map(|(_, k)| k.as_str())
}

fn join_tags(tags: &[(String, String)]) -> String {
    tags.iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Serialises concurrent writes of one user's bookmarks and returns the
/// user (`None` when there is none). On PostgreSQL a row lock that writes
/// no new row version (`SELECT … FOR NO KEY UPDATE`): it excludes the
/// user's other writes but not the key-share locks that foreign-key checks
/// take, so starring a comment or bookmarking never waits for the starring
/// or bookmarking user's own write in flight (with `FOR UPDATE` those waits
/// closed deadlock cycles through the starred bookmark's row). SQLite
/// writers are serialised already; there the no-op `UPDATE` only takes the
/// write lock first.
fn lock_user(conn: &mut DbConnection, user_id: i64) -> Result<Option<UserRef>, DbError> {
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
    user_id: i64,
) -> Result<Option<(UserRef, Option<i64>)>, DbError> {
    #[derive(QueryableByName)]
    struct Reserved {
        #[diesel(sql_type = Text)]
        username: String,
        #[diesel(sql_type = Text)]
        display_name: String,
        #[diesel(sql_type = BigInt)]
        next_id: i64,
    }
    if matches!(conn, DbConnection::Sqlite(_)) {
        return Ok(lock_user(conn, user_id)?.map(|u| (u, None)));
    }
    let row = Stmt::new(
        "SELECT username, display_name, nextval('bookmarks_id_seq') AS next_id \
         FROM users WHERE id = ? FOR NO KEY UPDATE",
        &[Arg::Int(user_id)],
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

/// Creates or updates `user_id`'s bookmark of the normalized `url`.
/// Returns the bookmark with its entry and owner as the write left them,
/// and whether it was created.
pub fn upsert(
    conn: &mut DbConnection,
    user_id: i64,
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
    if counts == EntryCounts::Move
        && !title.is_empty()
        && entry.title.is_empty()
        && entries::set_fallback_title(conn, entry.id, title)?
    {
        entry.title = title.to_owned();
    }
    if let Some(old) = existing {
        let (bookmark, moved) = apply_input(conn, &old, input, opts.now, opts)?;
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
        reserved_id.unwrap_or(0),
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
                id: i64,
            }
            let args = insert_args(&new, false);
            let inserted = Stmt::new(concat!(insert_bookmark_sql!(), " RETURNING id"), &args)
                .load::<Id>(conn)?;
            new.id = inserted.first().ok_or(DbError::NotFound)?.id;
        }
    }
    let counted = Counted::of(&new);
    write_bookmark_tags(&mut w, user_id, new.id, None, &counted);
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
    id: i64,
    user_id: i64,
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
    }
}

/// The arguments of [`insert_bookmark_sql!`] for `b`, with its id or
/// (`with_id` false) NULL for SQLite to choose.
fn insert_args(b: &Bookmark, with_id: bool) -> Vec<Arg<'_>> {
    vec![
        Arg::OptInt(with_id.then_some(b.id)),
        Arg::Int(b.user_id),
        Arg::Int(b.entry_id),
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

/// Creates or updates `user_id`'s bookmark of `url` as [`upsert`] does.
/// Given a PostgreSQL connection outside a transaction (see
/// [`Db::write_autocommit`](crate::Db::write_autocommit)), a new bookmark
/// takes two statements, each committing alone, instead of a transaction
/// of six round trips; updates and the rare races of a creation fall back
/// to [`upsert`] in a transaction. Inside a transaction it is [`upsert`].
pub fn save(
    conn: &mut DbConnection,
    user_id: i64,
    url: &bukuma_domain::NormalizedUrl,
    input: &BookmarkInput<'_>,
    opts: WriteOptions,
) -> Result<(BookmarkView, bool), DbError> {
    if in_transaction(conn)? {
        return upsert(conn, user_id, url, input, opts);
    }
    if let DbConnection::Pg(_) = conn {
        if let Some(view) = create_at_once(conn, user_id, url, input, opts)? {
            return Ok((view, true));
        }
    }
    conn.transaction(|c| upsert(c, user_id, url, input, opts))
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
/// whole, on the unique key or the entry's foreign key) — the caller runs
/// [`upsert`] instead.
///
/// The first statement needs no user lock: the unique `(user_id,
/// entry_id)` key decides whether the bookmark exists, and every counter
/// moves by a relative update or an upsert, which concurrent writers
/// cannot lose. The second one takes the user lock before it writes.
fn create_at_once(
    conn: &mut DbConnection,
    user_id: i64,
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
        bookmark_id: i64,
        #[diesel(sql_type = Nullable<BigInt>)]
        existing: Option<i64>,
        #[diesel(sql_type = Nullable<BigInt>)]
        new_entry_id: Option<i64>,
        #[diesel(embed)]
        entry: Option<Entry>,
    }
    let args = [Arg::Text(url.as_str()), Arg::Int(user_id)];
    let found = Stmt::new(&CREATE_LOOKUP, &args)
        .load::<Lookup>(conn)?
        .pop()
        .ok_or(DbError::NotFound)?;
    let title = input.title.unwrap_or("");
    let (entry, counts) = match (found.entry, found.new_entry_id) {
        (Some(_), _) if found.existing.is_some() => return Ok(None),
        (Some(e), _) if e.title.is_empty() && !title.is_empty() => return Ok(None),
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
        vec![Arg::Int(user_id)],
    );
    if counts == EntryCounts::Done {
        w.push(entries::INSERT_NEW, entries::new_args(&entry));
    }
    w.push(insert_bookmark_sql!(), insert_args(&new, true));
    write_bookmark_tags(&mut w, user_id, new.id, None, &counted);
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

/// What [`import`] did with one bookmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Created,
    Updated,
    /// The bookmark already had exactly these values; nothing was written.
    Unchanged,
}

/// Stores one imported bookmark through [`upsert`], but writes nothing when
/// the user's bookmark of `url` already has every given value, so importing
/// a file twice changes nothing (not even `updated_at`).
pub fn import(
    conn: &mut DbConnection,
    user_id: i64,
    url: &bukuma_domain::NormalizedUrl,
    input: &BookmarkInput<'_>,
    opts: WriteOptions,
) -> Result<ImportOutcome, DbError> {
    if let Some(old) = find_by_url(conn, user_id, url.as_str())? {
        let b = &old.bookmark;
        let same = input.comment.is_none_or(|c| c == b.comment)
            && input.note.is_none_or(|n| n == b.note)
            && input.tags.is_none_or(|t| t.to_strings() == b.tag_list())
            && input.is_private.is_none_or(|p| p == b.is_private)
            && input.read_later.is_none_or(|r| r == b.read_later)
            && input.created_at.is_none_or(|t| t == b.created_at)
            && (input.title.is_none_or(str::is_empty) || !old.entry.title.is_empty());
        if same {
            return Ok(ImportOutcome::Unchanged);
        }
    }
    let (_, created) = upsert(conn, user_id, url, input, opts)?;
    Ok(if created {
        ImportOutcome::Created
    } else {
        ImportOutcome::Updated
    })
}

/// Applies `input` to an existing bookmark (the caller holds the user
/// lock), stamping it `updated_at`: one statement on PostgreSQL (two when
/// counter rows fall to zero). Returns the bookmark as written, and the
/// entry as its count update left it when there was one.
fn apply_input(
    conn: &mut DbConnection,
    old: &Bookmark,
    input: &BookmarkInput<'_>,
    updated_at: i64,
    opts: WriteOptions,
) -> Result<(Bookmark, Option<Entry>), DbError> {
    touch(Scope::Entry(old.entry_id));
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
            Arg::Int(old.id),
        ],
    );
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
    Ok((new, moved))
}

/// Changes a bookmark of `user_id`; `NotFound` when it is not theirs.
pub fn update(
    conn: &mut DbConnection,
    user_id: i64,
    id: i64,
    input: &BookmarkInput<'_>,
    opts: WriteOptions,
) -> Result<Bookmark, DbError> {
    lock_user(conn, user_id)?;
    let old = find(conn, id)?
        .filter(|b| b.user_id == user_id)
        .ok_or(DbError::NotFound)?;
    let (new, _) = apply_input(conn, &old, input, opts.now, opts)?;
    Ok(new)
}

/// Deletes a bookmark of `user_id`; `NotFound` when it is not theirs.
pub fn delete(
    conn: &mut DbConnection,
    user_id: i64,
    id: i64,
    opts: WriteOptions,
) -> Result<(), DbError> {
    lock_user(conn, user_id)?;
    let old = find(conn, id)?
        .filter(|b| b.user_id == user_id)
        .ok_or(DbError::NotFound)?;
    touch(Scope::Entry(old.entry_id));
    let before = Counted::of(&old);
    touch_bookmark(user_id, tag_keys(&before.tags));
    apply_counts(
        conn,
        Combined::default(),
        user_id,
        Some(&before),
        None,
        EntryCounts::Move,
        opts,
    )?;
    diesel::delete(bookmarks::table.find(id)).execute(conn)?;
    Ok(())
}

/// Adds to `w` the changes of the bookmark's tag rows from `before` to
/// `after`: the removed tags' rows go, the kept ones follow a change of
/// privacy or date, the added ones are inserted. Each touches other rows,
/// so they may run as one statement.
fn write_bookmark_tags<'a>(
    w: &mut Combined<'a>,
    user_id: i64,
    bookmark_id: i64,
    before: Option<&'a Counted>,
    after: &'a Counted,
) {
    let had = |key: &str| before.is_some_and(|b| tag_keys(&b.tags).any(|k| k == key));
    let (kept, added): (Vec<&str>, Vec<&str>) = tag_keys(&after.tags).partition(|k| had(k));
    if let Some(before) = before {
        let removed: Vec<&str> = tag_keys(&before.tags)
            .filter(|k| !kept.contains(k))
            .collect();
        if !removed.is_empty() {
            let mut args = vec![Arg::Int(bookmark_id)];
            args.extend(removed.iter().map(|k| Arg::Text(k)));
            w.push(
                format!(
                    "DELETE FROM bookmark_tags WHERE bookmark_id = ? AND tag_key IN {}",
                    values_sql(removed.len(), 1)
                ),
                args,
            );
        }
        let moved = before.is_private != after.is_private || before.created_at != after.created_at;
        if moved && !kept.is_empty() {
            let mut args = vec![
                Arg::Bool(after.is_private),
                Arg::Int(after.created_at),
                Arg::Int(bookmark_id),
            ];
            args.extend(kept.iter().map(|k| Arg::Text(k)));
            w.push(
                format!(
                    "UPDATE bookmark_tags SET is_private = ?, created_at = ? \
                     WHERE bookmark_id = ? AND tag_key IN {}",
                    values_sql(kept.len(), 1)
                ),
                args,
            );
        }
    }
    if added.is_empty() {
        return;
    }
    let mut args = Vec::with_capacity(added.len() * 5);
    for key in &added {
        args.extend([
            Arg::Int(bookmark_id),
            Arg::Text(key),
            Arg::Int(user_id),
            Arg::Bool(after.is_private),
            Arg::Int(after.created_at),
        ]);
    }
    w.push(
        format!(
            "INSERT INTO bookmark_tags (bookmark_id, tag_key, user_id, is_private, created_at) VALUES {}",
            values_sql(5, added.len())
        ),
        args,
    );
}

/// Net change of one counter row: (spelling, all bookmarks, public bookmarks).
type Deltas = BTreeMap<String, (String, i64, i64)>;

fn add_delta(map: &mut Deltas, key: &str, spelling: &str, all: i64, public: i64) {
    let e = map
        .entry(key.to_owned())
        .or_insert_with(|| (spelling.to_owned(), 0, 0));
    if all > 0 {
        e.0 = spelling.to_owned();
    }
    e.1 += all;
    e.2 += public;
}

/// Whether [`apply_counts`] moves the entry's own counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryCounts {
    Move,
    /// The entry was created counting the bookmark ([`entries::Found::Created`]).
    Done,
}

/// Moves every counter from `before` to `after` (`None` = no bookmark).
/// The counter updates join the statements of `w` and go as one; the
/// counter rows they empty are deleted after them. Returns the entry as
/// the update of its counts left it, when there was one.
fn apply_counts(
    conn: &mut DbConnection,
    w: Combined<'_>,
    user_id: i64,
    before: Option<&Counted>,
    after: Option<&Counted>,
    entry_counts: EntryCounts,
    opts: WriteOptions,
) -> Result<Option<Entry>, DbError> {
    let public = |c: Option<&Counted>| i64::from(c.is_some_and(|c| !c.is_private));
    let exists = |c: Option<&Counted>| i64::from(c.is_some());
    let d_all = exists(after) - exists(before);
    let d_pub = public(after) - public(before);

    // Rebound so that the statements may also borrow this function's locals.
    let mut w = w;
    if d_all != 0 || d_pub != 0 {
        w.push(
            "UPDATE users SET bookmark_count = bookmark_count + ?, \
             public_bookmark_count = public_bookmark_count + ? WHERE id = ?",
            vec![Arg::Int(d_all), Arg::Int(d_pub), Arg::Int(user_id)],
        );
    }

    let Some(entry_id) = after.or(before).map(|c| c.entry_id) else {
        w.execute(conn)?;
        return Ok(None);
    };
    let public_at = after.filter(|a| !a.is_private).map(|a| a.created_at);
    let entry_update = (entry_counts == EntryCounts::Move && (d_pub != 0 || public_at.is_some()))
        .then(|| entries::count_public_bookmark(entry_id, d_pub, public_at, opts));

    // user_tags and entry_tags
    let mut tag_deltas = Deltas::new();
    let mut entry_tag_deltas = Deltas::new();
    for (c, sign) in [(before, -1), (after, 1)] {
        if let Some(c) = c {
            for (spelling, key) in &c.tags {
                let p = i64::from(!c.is_private);
                add_delta(&mut tag_deltas, key, spelling, sign, sign * p);
                if p == 1 {
                    add_delta(&mut entry_tag_deltas, key, spelling, sign, 0);
                }
            }
        }
    }
    let first_at = after.or(before).map_or(opts.now, |c| c.created_at);
    let mut upserts = Vec::new();
    for (key, (spelling, all, public)) in &tag_deltas {
        if *all == 0 && *public == 0 {
            // Same counts, but maybe a new spelling (renaming `web` to `Web`):
            // the latest spelling wins, as in the upsert below.
            let respelled =
                before.is_some_and(|b| b.tags.iter().any(|(s, k)| k == key && s != spelling));
            if respelled {
                diesel::update(
                    user_tags::table
                        .filter(user_tags::user_id.eq(user_id))
                        .filter(user_tags::tag_key.eq(key)),
                )
                .set(user_tags::tag.eq(spelling))
                .execute(conn)?;
            }
            continue;
        }
        upserts.extend([
            Arg::Int(user_id),
            Arg::Text(key),
            Arg::Text(spelling),
            Arg::Int(*all),
            Arg::Int(*public),
        ]);
    }
    if !upserts.is_empty() {
        // Keys are distinct (one delta each), as PostgreSQL requires of one upsert.
        let sql = format!(
            "INSERT INTO user_tags (user_id, tag_key, tag, count, public_count) VALUES {} \
             ON CONFLICT (user_id, tag_key) DO UPDATE SET \
             count = user_tags.count + excluded.count, \
             public_count = user_tags.public_count + excluded.public_count, \
             tag = excluded.tag",
            values_sql(5, upserts.len() / 5)
        );
        w.push(sql, upserts);
    }
    let mut upserts = Vec::new();
    for (key, (spelling, all, _)) in &entry_tag_deltas {
        if *all != 0 {
            upserts.extend([
                Arg::Int(entry_id),
                Arg::Text(key),
                Arg::Text(spelling),
                Arg::Int(*all),
                Arg::Int(first_at),
            ]);
        }
    }
    if !upserts.is_empty() {
        let sql = format!(
            "INSERT INTO entry_tags (entry_id, tag_key, tag, count, first_at) VALUES {} \
             ON CONFLICT (entry_id, tag_key) DO UPDATE SET \
             count = entry_tags.count + excluded.count",
            values_sql(5, upserts.len() / 5)
        );
        w.push(sql, upserts);
    }

    // user_sites
    let domain = after
        .or(before)
        .map(|c| c.domain.clone())
        .unwrap_or_default();
    if d_all != 0 || d_pub != 0 {
        w.push(
            "INSERT INTO user_sites (user_id, domain, count, public_count) \
             VALUES (?, ?, ?, ?) ON CONFLICT (user_id, domain) DO UPDATE SET \
             count = user_sites.count + excluded.count, \
             public_count = user_sites.public_count + excluded.public_count",
            vec![
                Arg::Int(user_id),
                Arg::Text(&domain),
                Arg::Int(d_all),
                Arg::Int(d_pub),
            ],
        );
    }
    let entry = match entry_update {
        Some((sql, args)) => w.execute_returning::<Entry>(conn, sql, &args)?.pop(),
        None => {
            w.execute(conn)?;
            None
        }
    };

    // Counter rows that fell to zero go; they see the updates above.
    fn fell(deltas: &Deltas) -> Vec<&str> {
        deltas
            .iter()
            .filter(|(_, (_, all, _))| *all < 0)
            .map(|(key, _)| key.as_str())
            .collect()
    }
    delete_emptied(
        conn,
        "user_tags",
        "user_id",
        user_id,
        "tag_key",
        &fell(&tag_deltas),
    )?;
    delete_emptied(
        conn,
        "entry_tags",
        "entry_id",
        entry_id,
        "tag_key",
        &fell(&entry_tag_deltas),
    )?;
    if d_all < 0 {
        delete_emptied(conn, "user_sites", "user_id", user_id, "domain", &[&domain])?;
    }
    Ok(entry)
}

/// Deletes the counter rows of `table` under `owner` whose `keys` fell to
/// zero: only those rows are looked at, not all of the owner's (a busy
/// user has thousands of tags).
fn delete_emptied(
    conn: &mut DbConnection,
    table: &str,
    owner_column: &str,
    owner: i64,
    key_column: &str,
    keys: &[&str],
) -> Result<(), DbError> {
    if keys.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "DELETE FROM {table} WHERE {owner_column} = ? AND {key_column} IN {} AND count <= 0",
        values_sql(keys.len(), 1)
    );
    let mut args = Vec::with_capacity(keys.len() + 1);
    args.push(Arg::Int(owner));
    args.extend(keys.iter().map(|k| Arg::Text(k)));
    Stmt::new(&sql, &args).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Bookmark>, DbError> {
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
    id: i64,
    viewer: Option<i64>,
) -> Result<Option<BookmarkView>, DbError> {
    let row = bookmarks::table
        .inner_join(entries_t::table)
        .inner_join(users::table)
        .filter(bookmarks::id.eq(id))
        .select((
            Bookmark::as_select(),
            Entry::as_select(),
            (users::username, users::display_name),
        ))
        .first::<ViewRow>(conn)
        .optional()?;
    Ok(row
        .filter(|(b, _, _)| !b.is_private || Some(b.user_id) == viewer)
        .map(into_view))
}

/// `user_id`'s bookmark of a normalized URL.
pub fn find_by_url(
    conn: &mut DbConnection,
    user_id: i64,
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
    owner: i64,
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
            q = q.filter(bookmarks::is_private.eq(false));
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
    Ok(Page::from_rows(rows, limit, |(b, _, _)| vec![b.created_at, b.id]).map(into_view))
}

/// Ids of `user_id`'s bookmarks that carry the tag `key`.
pub fn ids_with_tag(conn: &mut DbConnection, user_id: i64, key: &str) -> Result<Vec<i64>, DbError> {
    Ok(bookmark_tags::table
        .filter(bookmark_tags::user_id.eq(user_id))
        .filter(bookmark_tags::tag_key.eq(key))
        .select(bookmark_tags::bookmark_id)
        .load(conn)?)
}

/// Replaces the tags of a bookmark (tag rename and delete); the caller holds
/// its owner's lock.
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
    apply_input(conn, old, &input, old.updated_at, opts)?;
    Ok(())
}

/// Takes the user lock for a bulk operation over the user's bookmarks.
pub fn lock_owner(conn: &mut DbConnection, user_id: i64) -> Result<(), DbError> {
    lock_user(conn, user_id).map(drop)
}
