//! Entries: one per normalized URL, with the hot, new, site and tag lists.

use std::collections::HashMap;

use bukuma_domain::hot::{bookmark_weight, HORIZON_SECONDS};
use bukuma_domain::NormalizedUrl;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{Bookmark, Entry, EntryView, Page};
use crate::per_backend;
use crate::queries::stmt::{Arg, Condition, Stmt};
use crate::queries::write_options::WriteOptions;
use crate::schema::{bookmarks, entries, entry_tags};

/// Predicates of the partial indexes of the hot and new lists, spelled
/// literally so that the planners match them (a bound `0` would not be).
const HOT: &str = "entries.hot_score > 0";
const LISTED: &str = "entries.listed_at IS NOT NULL";

/// Tags shown on an entry card.
pub const CARD_TAGS: usize = 3;

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Entry>, DbError> {
    Ok(entries::table
        .find(id)
        .select(Entry::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_url(conn: &mut DbConnection, url: &str) -> Result<Option<Entry>, DbError> {
    Ok(entries::table
        .filter(entries::url.eq(url))
        .select(Entry::as_select())
        .first(conn)
        .optional()?)
}

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
    user_id: i64,
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

/// The columns of [`Entry`], for statements that read it by name.
macro_rules! entry_columns {
    () => {
        "id, url, domain, title, summary, thumbnail_url, favicon_url, \
         bookmark_count, first_bookmarked_at, listed_at, hot_score, created_at"
    };
}

/// [`entry_columns!`] for statements built in other modules.
pub(crate) const COLUMNS: &str = entry_columns!();

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
    id: i64,
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
    }
}

/// The arguments of [`INSERT_NEW`] for `entry`, made by [`new`]; its page
/// is due to be fetched at once.
pub(crate) fn new_args(entry: &Entry) -> Vec<Arg<'_>> {
    vec![
        Arg::Int(entry.id),
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
pub fn set_fallback_title(conn: &mut DbConnection, id: i64, title: &str) -> Result<bool, DbError> {
    let changed = Stmt::new(
        "UPDATE entries SET title = ? WHERE id = ? AND title = ''",
        &[Arg::Text(title), Arg::Int(id)],
    )
    .execute(conn)?;
    Ok(changed > 0)
}

/// The statement that moves the public bookmark count by `delta` and, for
/// a public bookmark made at `public_at`, records the first-bookmark date
/// and, once enough people bookmarked the entry, its place among new
/// entries; it returns the entry as it left it (an [`Entry`] by name), so
/// that it can end a [`Combined`](crate::stmt::Combined) write.
pub fn count_public_bookmark(
    id: i64,
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
               THEN ? ELSE listed_at END \
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
            Arg::Int(id),
        ],
    )
}

/// A publicly bookmarked entry (entries only private bookmarks point at are hidden).
pub fn find_public(conn: &mut DbConnection, id: i64) -> Result<Option<EntryView>, DbError> {
    /// The entry once per card tag (once with none when it has no tags).
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(embed)]
        entry: Entry,
        #[diesel(sql_type = Nullable<Text>)]
        tag: Option<String>,
    }
    // One statement instead of the entry and then its tags (`with_tags`).
    // The subquery's columns (tag, count, tag_key) are not entries' own.
    let rows = Stmt::new(
        concat!(
            "SELECT ",
            entry_columns!(),
            ", t.tag FROM entries LEFT JOIN (SELECT tag, count, tag_key FROM entry_tags \
             WHERE entry_id = ? ORDER BY count DESC, tag_key LIMIT ?) t ON TRUE \
             WHERE entries.id = ? AND entries.bookmark_count > 0 \
             ORDER BY t.count DESC, t.tag_key"
        ),
        &[Arg::Int(id), Arg::Int(CARD_TAGS as i64), Arg::Int(id)],
    )
    .load::<Row>(conn)?;
    let mut rows = rows.into_iter();
    Ok(rows.next().map(|first| {
        let tags = std::iter::once(first.tag)
            .chain(rows.map(|r| r.tag))
            .flatten()
            .collect();
        EntryView {
            entry: first.entry,
            tags,
        }
    }))
}

/// Whether entry `id` exists and is publicly bookmarked.
pub fn is_public(conn: &mut DbConnection, id: i64) -> Result<bool, DbError> {
    Ok(entries::table
        .find(id)
        .filter(entries::bookmark_count.gt(0))
        .select(entries::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

pub fn find_public_by_url(
    conn: &mut DbConnection,
    url: &str,
) -> Result<Option<EntryView>, DbError> {
    let entry = entries::table
        .filter(entries::url.eq(url))
        .filter(entries::bookmark_count.gt(0))
        .select(Entry::as_select())
        .first(conn)
        .optional()?;
    Ok(with_tags(conn, entry.into_iter().collect())?.pop())
}

/// Public bookmark counts of normalized URLs (absent when unknown).
pub fn counts(conn: &mut DbConnection, urls: &[String]) -> Result<HashMap<String, i64>, DbError> {
    Ok(entries::table
        .filter(entries::url.eq_any(urls))
        .select((entries::url, entries::bookmark_count))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect())
}

/// The card tags of each entry: one prepared query per entry that reads its
/// top rows off the `(entry_id, count DESC, tag_key)` index, where one query
/// for the whole page would read every tag row of popular entries.
fn with_tags(conn: &mut DbConnection, list: Vec<Entry>) -> Result<Vec<EntryView>, DbError> {
    list.into_iter()
        .map(|entry| {
            let tags = entry_tags::table
                .filter(entry_tags::entry_id.eq(entry.id))
                .order((entry_tags::count.desc(), entry_tags::tag_key))
                .limit(CARD_TAGS as i64)
                .select(entry_tags::tag)
                .load(conn)?;
            Ok(EntryView { tags, entry })
        })
        .collect()
}

/// Entries ranked by hot score (recomputed by [`recompute_hot`]).
pub fn hot(
    conn: &mut DbConnection,
    domain: Option<&str>,
    after: Option<(f64, i64)>,
    limit: usize,
) -> Result<Page<EntryView>, DbError> {
    let mut q = entries::table.filter(Condition(HOT)).into_boxed();
    if let Some(d) = domain {
        q = q.filter(entries::domain.eq(d.to_owned()));
    }
    if let Some((s, id)) = after {
        q = q.filter(
            entries::hot_score
                .le(s)
                .and(entries::hot_score.lt(s).or(entries::id.lt(id))),
        );
    }
    let rows = q
        .order((entries::hot_score.desc(), entries::id.desc()))
        .limit(fetch_size(limit))
        .select(Entry::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, limit, |e| vec![e.hot_score.to_bits() as i64, e.id]);
    page_with_tags(conn, page)
}

/// Entries that reached the new-entry threshold, most recently listed first.
pub fn newest(
    conn: &mut DbConnection,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<EntryView>, DbError> {
    let mut q = entries::table
        .filter(Condition(LISTED))
        .filter(entries::bookmark_count.gt(0))
        .into_boxed();
    if let Some((t, id)) = after {
        q = q.filter(
            entries::listed_at
                .le(t)
                .and(entries::listed_at.lt(t).or(entries::id.lt(id))),
        );
    }
    let rows = q
        .order((entries::listed_at.desc(), entries::id.desc()))
        .limit(fetch_size(limit))
        .select(Entry::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, limit, |e| vec![e.listed_at.unwrap_or(0), e.id]);
    page_with_tags(conn, page)
}

/// Publicly bookmarked entries of one domain, newest first bookmark first.
pub fn site_newest(
    conn: &mut DbConnection,
    domain: &str,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<EntryView>, DbError> {
    let mut q = entries::table
        .filter(entries::domain.eq(domain.to_owned()))
        .filter(entries::bookmark_count.gt(0))
        .into_boxed();
    if let Some((t, id)) = after {
        q = q.filter(
            entries::first_bookmarked_at
                .le(t)
                .and(entries::first_bookmarked_at.lt(t).or(entries::id.lt(id))),
        );
    }
    let rows = q
        .order((entries::first_bookmarked_at.desc(), entries::id.desc()))
        .limit(fetch_size(limit))
        .select(Entry::as_select())
        .load(conn)?;
    let page = Page::from_rows(rows, limit, |e| {
        vec![e.first_bookmarked_at.unwrap_or(0), e.id]
    });
    page_with_tags(conn, page)
}

/// Entries people tagged `key` publicly, most recently tagged first.
pub fn tagged(
    conn: &mut DbConnection,
    key: &str,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<EntryView>, DbError> {
    let mut q = entry_tags::table
        .inner_join(entries::table)
        .filter(entry_tags::tag_key.eq(key.to_owned()))
        .into_boxed();
    if let Some((t, id)) = after {
        q = q.filter(
            entry_tags::first_at
                .le(t)
                .and(entry_tags::first_at.lt(t).or(entry_tags::entry_id.lt(id))),
        );
    }
    let rows: Vec<(i64, Entry)> = q
        .order((entry_tags::first_at.desc(), entry_tags::entry_id.desc()))
        .limit(fetch_size(limit))
        .select((entry_tags::first_at, Entry::as_select()))
        .load(conn)?;
    let page = Page::from_rows(rows, limit, |(t, e)| vec![*t, e.id]).map(|(_, e)| e);
    page_with_tags(conn, page)
}

fn fetch_size(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(100) + 1
}

fn page_with_tags(conn: &mut DbConnection, page: Page<Entry>) -> Result<Page<EntryView>, DbError> {
    Ok(Page {
        items: with_tags(conn, page.items)?,
        next: page.next,
    })
}

/// How far a stored hot score may be from the computed one before it is
/// written again. Scores decay by the same factor for every entry (0.19 % a
/// minute), which leaves their order as it is, so most of a minute's changes
/// need no write; 1 % is about five minutes of decay, or one new bookmark of
/// an entry scored 100. Each entry's own tolerance lies between half of this
/// and all of it ([`hot_tolerance`]), so entries whose scores were written
/// together (all of them, after a seed or a pause) fall due over a few
/// minutes rather than all in the same run.
pub const HOT_TOLERANCE: f64 = 0.01;

/// The tolerance of entry `id`: the same in every run.
fn hot_tolerance(id: i64) -> f64 {
    // Fibonacci hashing spreads consecutive ids over [0, 1).
    let spread =
        ((id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 11) as f64 / (1u64 << 53) as f64;
    HOT_TOLERANCE * (0.5 + 0.5 * spread)
}

/// Hot scores as of `now` from the public bookmarks of the last week.
#[derive(Debug, Default)]
pub struct HotScores {
    /// `(entry id, score)` of every entry whose stored score is off by more
    /// than its tolerance (see [`HOT_TOLERANCE`]): recently bookmarked ones, and those still
    /// scored that fell out of the window (0). By id.
    pub changed: Vec<(i64, f64)>,
    /// Entries with a score.
    pub hot: usize,
}

/// Computes [`HotScores`]. Only reads, so the job computes without holding
/// any lock.
pub fn hot_scores(conn: &mut DbConnection, now: i64) -> Result<HotScores, DbError> {
    let since = now - HORIZON_SECONDS * 1_000_000;
    let rows: Vec<(i64, i64)> = bookmarks::table
        .filter(Condition("NOT bookmarks.is_private"))
        .filter(bookmarks::created_at.gt(since))
        .select((bookmarks::entry_id, bookmarks::created_at))
        .load(conn)?;
    let mut scores: HashMap<i64, f64> = HashMap::new();
    for (entry, at) in rows {
        let age = (now - at) as f64 / 1e6;
        *scores.entry(entry).or_default() += bookmark_weight(age);
    }
    let stored: HashMap<i64, f64> = entries::table
        .filter(Condition(HOT))
        .select((entries::id, entries::hot_score))
        .load::<(i64, f64)>(conn)?
        .into_iter()
        .collect();
    let hot = scores.len();
    let stale = stored
        .keys()
        .filter(|id| !scores.contains_key(id))
        .map(|id| (*id, 0.0));
    let mut changed: Vec<(i64, f64)> = scores
        .iter()
        .filter(|(id, score)| {
            stored
                .get(id)
                .is_none_or(|old| (*score - old).abs() > hot_tolerance(**id) * score.max(*old))
        })
        .map(|(id, score)| (*id, *score))
        .chain(stale)
        .collect();
    changed.sort_unstable_by_key(|(id, _)| *id);
    Ok(HotScores { changed, hot })
}

/// Entries whose hot score one [`store_hot_scores`] call should set.
pub const HOT_BATCH: usize = 500;

/// Sets the hot scores of a batch of entries in one statement.
pub fn store_hot_scores(conn: &mut DbConnection, scores: &[(i64, f64)]) -> Result<(), DbError> {
    if scores.is_empty() {
        return Ok(());
    }
    // Numbers only (ids and finite scores we computed), written as literals:
    // the multi-backend query builder has no UPDATE … FROM VALUES.
    let values: Vec<String> = scores
        .iter()
        .map(|(id, score)| format!("({id}, {:?})", if score.is_finite() { *score } else { 0.0 }))
        .collect();
    let query = format!(
        "WITH v(id, score) AS (VALUES {}) UPDATE entries \
         SET hot_score = (SELECT v.score FROM v WHERE v.id = entries.id) \
         WHERE entries.id IN (SELECT v.id FROM v)",
        values.join(", ")
    );
    diesel::sql_query(query).execute(conn)?;
    Ok(())
}

/// Recomputes the hot scores from the public bookmarks of the last week,
/// writing those off by more than [`HOT_TOLERANCE`]. Returns how many
/// entries have a score. (The server's job does the same in short write
/// transactions: see `bukuma_api::jobs`.)
pub fn recompute_hot(conn: &mut DbConnection, now: i64) -> Result<usize, DbError> {
    let scores = hot_scores(conn, now)?;
    for batch in scores.changed.chunks(HOT_BATCH) {
        store_hot_scores(conn, batch)?;
    }
    Ok(scores.hot)
}

/// Most attempts at fetching a page before giving up.
pub const MAX_FETCH_ATTEMPTS: i32 = 6;

/// Entries whose page metadata is due to be fetched, oldest due first.
pub fn due_for_fetch(
    conn: &mut DbConnection,
    now: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(entries::table
        .filter(entries::fetch_next_at.le(now))
        .order(entries::fetch_next_at)
        .limit(limit)
        .select((entries::id, entries::url))
        .load(conn)?)
}

/// What a page says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageMetadata {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub thumbnail_url: Option<String>,
    pub favicon_url: Option<String>,
}

/// Stores fetched metadata; a page's own title replaces the one its first
/// bookmarker typed.
pub fn record_fetch_success(
    conn: &mut DbConnection,
    id: i64,
    meta: &PageMetadata,
    now: i64,
) -> Result<(), DbError> {
    let current = find(conn, id)?.ok_or(DbError::NotFound)?;
    crate::versions::touch(crate::versions::Scope::Entry(id));
    diesel::update(entries::table.find(id))
        .set((
            entries::title.eq(meta
                .title
                .clone()
                .filter(|t| !t.is_empty())
                .unwrap_or(current.title)),
            entries::summary.eq(meta.summary.clone().unwrap_or(current.summary)),
            entries::thumbnail_url.eq(meta.thumbnail_url.clone().or(current.thumbnail_url)),
            entries::favicon_url.eq(meta.favicon_url.clone().or(current.favicon_url)),
            entries::fetch_status.eq("done"),
            entries::fetched_at.eq(now),
            entries::fetch_next_at.eq(None::<i64>),
            entries::fetch_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed fetch: retried with exponential backoff (1 minute,
/// doubling, at most a day) unless `permanent` or out of attempts.
pub fn record_fetch_failure(
    conn: &mut DbConnection,
    id: i64,
    error: &str,
    permanent: bool,
    now: i64,
) -> Result<(), DbError> {
    let attempts: i32 = entries::table
        .find(id)
        .select(entries::fetch_attempts)
        .first(conn)?;
    let attempts = attempts.saturating_add(1);
    let give_up = permanent || attempts >= MAX_FETCH_ATTEMPTS;
    let backoff_secs = (60i64 << attempts.clamp(0, 20)).min(86_400);
    let error: String = error.chars().take(500).collect();
    diesel::update(entries::table.find(id))
        .set((
            entries::fetch_status.eq(if give_up { "failed" } else { "retrying" }),
            entries::fetch_attempts.eq(attempts),
            entries::fetch_next_at.eq(if give_up {
                None
            } else {
                Some(now + backoff_secs * 1_000_000)
            }),
            entries::fetch_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The fetch bookkeeping of an entry: (status, attempts, next attempt, error).
pub fn fetch_state(
    conn: &mut DbConnection,
    id: i64,
) -> Result<(String, i32, Option<i64>, Option<String>), DbError> {
    Ok(entries::table
        .find(id)
        .select((
            entries::fetch_status,
            entries::fetch_attempts,
            entries::fetch_next_at,
            entries::fetch_error,
        ))
        .first(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hot_tolerances_spread_between_half_and_all_of_the_tolerance() {
        let t: Vec<f64> = (1..=1000).map(hot_tolerance).collect();
        assert!(t
            .iter()
            .all(|t| (HOT_TOLERANCE * 0.5..HOT_TOLERANCE).contains(t)));
        let low = t.iter().filter(|t| **t < HOT_TOLERANCE * 0.75).count();
        assert!((400..600).contains(&low), "{low} of 1000 in the lower half");
        assert_eq!(hot_tolerance(42), hot_tolerance(42));
    }
}
