//! Entry writes made by bookmark writes: finding or creating the entry of
//! a URL, its fallback title, and the count of its public bookmarks.

use bukuma_domain::{EntryId, NormalizedUrl, UserId};
use diesel::prelude::*;

use super::lists::find_by_url;
use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{Bookmark, CategorySource, Entry};
use crate::per_backend;
use crate::queries::search::{self, OutboxKind};
use crate::queries::stmt::{Arg, Stmt};
use crate::queries::write_options::WriteOptions;
use crate::schema::{bookmarks, entries};

/// What [`find_or_create`] found.
#[derive(Debug)]
pub enum Found {
    /// The entry existed, with the user's bookmark of it if they have one.
    Existing(Entry, Option<Bookmark>),
    /// The entry was made now and already counts the bookmark about to be
    /// written, its first (see [`find_or_create`]).
    Created(Entry),
}

/// The entry of `url` and `user_id`'s bookmark of it: one query when the
/// entry exists. A new entry is created with `title` as its fallback title
/// and with the counts the user's bookmark about to be written gives it:
/// public at `public_at`, or private (`None`). Its first bookmark then needs
/// no counter update of the row just inserted, which on PostgreSQL would
/// write a second version of it with an entry in each of its indexes.
pub fn find_or_create(
    conn: &mut DbConnection,
    url: &NormalizedUrl,
    title: &str,
    user_id: UserId,
    public_at: Option<i64>,
    opts: WriteOptions,
) -> Result<Found, DbError> {
    let found = entries::table
        .left_join(
            bookmarks::table.on(bookmarks::entry_id
                .eq(entries::id)
                .and(bookmarks::user_id.eq(user_id))),
        )
        .filter(entries::url.eq(url.as_str()))
        .select((Entry::as_select(), Option::<Bookmark>::as_select()))
        .first::<(Entry, Option<Bookmark>)>(conn)
        .optional()?;
    if let Some((entry, bookmark)) = found {
        return Ok(Found::Existing(entry, bookmark));
    }
    let listed_at = first_listed_at(public_at, opts);
    let created = per_backend!(&mut *conn, |c| diesel::insert_into(entries::table)
        .values((
            entries::url.eq(url.as_str()),
            entries::domain.eq(url.domain()),
            entries::title.eq(title),
            entries::bookmark_count.eq(i64::from(public_at.is_some())),
            entries::first_bookmarked_at.eq(public_at),
            entries::listed_at.eq(listed_at),
            entries::created_at.eq(opts.now),
            entries::fetch_next_at.eq(opts.now),
        ))
        .on_conflict(entries::url)
        .do_nothing()
        .returning(Entry::as_returning())
        .get_result(c)
        .optional())?;
    match created {
        // Nobody can have bookmarked an entry this transaction just made.
        Some(e) => Ok(Found::Created(e)),
        // Another writer created it in between; this user's writes are
        // serialised, so they have no bookmark of it.
        None => Ok(Found::Existing(
            find_by_url(conn, url.as_str())?.ok_or(DbError::NotFound)?,
            None,
        )),
    }
}

/// When a new entry's first bookmark lists it among new entries: as
/// [`count_public_bookmark`] would after a public first bookmark.
fn first_listed_at(public_at: Option<i64>, opts: WriteOptions) -> Option<i64> {
    public_at
        .filter(|_| opts.new_entry_threshold <= 1)
        .map(|_| opts.now)
}

/// Inserts an entry as [`new`] describes it, unless its URL has one
/// already (made by a concurrent writer); the arguments are [`new_args`].
pub(crate) const INSERT_NEW: &str = "INSERT INTO entries (id, url, domain, title, \
     bookmark_count, first_bookmarked_at, listed_at, created_at, fetch_next_at) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING";

/// Entry `id` of `url` as [`find_or_create`] makes it: counting its first
/// bookmark, public at `public_at` or private (`None`).
pub(crate) fn new(
    id: EntryId,
    url: &NormalizedUrl,
    title: &str,
    public_at: Option<i64>,
    opts: WriteOptions,
) -> Entry {
    Entry {
        id,
        url: url.as_str().to_owned(),
        domain: url.domain().to_owned(),
        title: title.to_owned(),
        summary: String::new(),
        thumbnail_url: None,
        favicon_url: None,
        bookmark_count: i64::from(public_at.is_some()),
        first_bookmarked_at: public_at,
        listed_at: first_listed_at(public_at, opts),
        hot_score: 0.0,
        created_at: opts.now,
        // Classified by the categories job (`category_due` defaults to due).
        category: None,
        category_source: CategorySource::Auto.as_str().to_owned(),
    }
}

/// The arguments of [`INSERT_NEW`] for `entry`, made by [`new`]; its page
/// is due to be fetched at once.
pub(crate) fn new_args(entry: &Entry) -> Vec<Arg<'_>> {
    vec![
        Arg::Int(entry.id.0),
        Arg::Text(&entry.url),
        Arg::Text(&entry.domain),
        Arg::Text(&entry.title),
        Arg::Int(entry.bookmark_count),
        Arg::OptInt(entry.first_bookmarked_at),
        Arg::OptInt(entry.listed_at),
        Arg::Int(entry.created_at),
        Arg::Int(entry.created_at),
    ]
}

/// Sets the title typed by a bookmarker while the page's own is unknown;
/// whether it was set.
pub fn set_fallback_title(
    conn: &mut DbConnection,
    id: EntryId,
    title: &str,
) -> Result<bool, DbError> {
    let changed = Stmt::new(
        "UPDATE entries SET title = ? WHERE id = ? AND title = ''",
        &[Arg::Text(title), Arg::Int(id.0)],
    )
    .execute(conn)?;
    if changed > 0 {
        search::enqueue(conn, OutboxKind::EntryText, id.0)?;
    }
    Ok(changed > 0)
}

/// Gives entry `id`, which has no public bookmark yet, the title of the
/// public bookmark about to be written (`title`, possibly empty), in place of
/// whatever its private bookmarks typed: those are shown to their owners
/// alone, and must not become the public title. A page title fetched before
/// cannot be told apart from a typed one, so the page is fetched again.
/// Whether the title changed.
pub fn publish_title(
    conn: &mut DbConnection,
    id: EntryId,
    title: &str,
    now: i64,
) -> Result<bool, DbError> {
    let changed = Stmt::new(
        "UPDATE entries SET title = ?, \
         fetch_next_at = CASE WHEN fetch_status = 'done' THEN ? ELSE fetch_next_at END \
         WHERE id = ? AND bookmark_count = 0 AND title <> ?",
        &[
            Arg::Text(title),
            Arg::Int(now),
            Arg::Int(id.0),
            Arg::Text(title),
        ],
    )
    .execute(conn)?;
    if changed > 0 {
        search::enqueue(conn, OutboxKind::EntryText, id.0)?;
    }
    Ok(changed > 0)
}

/// Public bookmark counts at which an entry's category is chosen again,
/// from the tags its bookmarks gave it by then (spelled out in
/// [`count_public_bookmark`]'s statement).
pub const CATEGORY_RECHECK_AT: [i64; 4] = [3, 10, 30, 100];

/// The statement that moves the public bookmark count by `delta` and, for
/// a public bookmark made at `public_at`, records the first-bookmark date
/// and, once enough people bookmarked the entry, its place among new
/// entries, and at the public counts of [`CATEGORY_RECHECK_AT`] marks an
/// automatically categorized entry due to be classified again (its tags
/// have grown); it returns the entry as it left it (an [`Entry`] by name), so
/// that it can end a [`Combined`](crate::stmt::Combined) write.
pub fn count_public_bookmark(
    id: EntryId,
    delta: i64,
    public_at: Option<i64>,
    opts: WriteOptions,
) -> (&'static str, Vec<Arg<'static>>) {
    let at = public_at.unwrap_or(0);
    (
        concat!(
            "UPDATE entries SET bookmark_count = bookmark_count + ?, \
             first_bookmarked_at = CASE WHEN ? AND (first_bookmarked_at IS NULL \
               OR first_bookmarked_at > ?) THEN ? ELSE first_bookmarked_at END, \
             listed_at = CASE WHEN ? AND listed_at IS NULL AND bookmark_count + ? >= ? \
               THEN ? ELSE listed_at END, \
             category_due = CASE WHEN ? > 0 AND bookmark_count + ? IN (3, 10, 30, 100) \
               AND category_source = 'auto' THEN ? ELSE category_due END \
             WHERE id = ? \
             RETURNING ",
            entry_columns!()
        ),
        vec![
            Arg::Int(delta),
            Arg::Bool(public_at.is_some()),
            Arg::Int(at),
            Arg::Int(at),
            Arg::Bool(public_at.is_some()),
            Arg::Int(delta),
            Arg::Int(opts.new_entry_threshold),
            Arg::Int(opts.now),
            Arg::Int(delta),
            Arg::Int(delta),
            Arg::Int(opts.now),
            Arg::Int(id.0),
        ],
    )
}
