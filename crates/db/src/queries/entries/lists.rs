//! Entry reads: lookups, the card of one entry, and the hot, new, site and
//! tag lists.

use std::collections::HashMap;

use bukuma_domain::{Category, EntryId};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{Entry, EntryView, Page};
use crate::queries::stmt::{Arg, Condition, Stmt};
use crate::schema::{entries, entry_tags};

/// Predicates of the partial indexes of the hot and new lists, spelled
/// literally so that the planners match them (a bound `0` would not be).
pub(super) const HOT: &str = "entries.hot_score > 0";
const LISTED: &str = "entries.listed_at IS NOT NULL";
/// Entries no admin hid. A filter on the rows the lists read anyway: hidden
/// entries are few, so each list's index still drives it.
const SHOWN: &str = "entries.hidden_at IS NULL";

/// Tags shown on an entry card.
pub const CARD_TAGS: usize = 3;

pub fn find(conn: &mut DbConnection, id: EntryId) -> Result<Option<Entry>, DbError> {
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

/// A publicly bookmarked entry (entries only private bookmarks point at are hidden).
pub fn find_public(conn: &mut DbConnection, id: EntryId) -> Result<Option<EntryView>, DbError> {
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
             WHERE entries.id = ? AND entries.bookmark_count > 0 AND entries.hidden_at IS NULL \
             ORDER BY t.count DESC, t.tag_key"
        ),
        &[Arg::Int(id.0), Arg::Int(CARD_TAGS as i64), Arg::Int(id.0)],
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
pub fn is_public(conn: &mut DbConnection, id: EntryId) -> Result<bool, DbError> {
    Ok(entries::table
        .find(id)
        .filter(entries::bookmark_count.gt(0))
        .filter(Condition(SHOWN))
        .select(entries::id)
        .first::<EntryId>(conn)
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
        .filter(Condition(SHOWN))
        .select(Entry::as_select())
        .first(conn)
        .optional()?;
    Ok(with_tags(conn, entry.into_iter().collect())?.pop())
}

/// Public bookmark counts of normalized URLs (absent when unknown).
pub fn counts(conn: &mut DbConnection, urls: &[String]) -> Result<HashMap<String, i64>, DbError> {
    Ok(entries::table
        .filter(entries::url.eq_any(urls))
        .filter(Condition(SHOWN))
        .select((entries::url, entries::bookmark_count))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect())
}

/// The card tags of each entry: one prepared query per entry that reads its
/// top rows off the `(entry_id, count DESC, tag_key)` index, where one query
/// for the whole page would read every tag row of popular entries.
pub(crate) fn with_tags(
    conn: &mut DbConnection,
    list: Vec<Entry>,
) -> Result<Vec<EntryView>, DbError> {
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

/// Entries ranked by hot score (recomputed by [`recompute_hot`](super::recompute_hot)).
pub fn hot(
    conn: &mut DbConnection,
    domain: Option<&str>,
    after: Option<(f64, i64)>,
    limit: usize,
) -> Result<Page<EntryView>, DbError> {
    let mut q = entries::table
        .filter(Condition(HOT))
        // An entry whose last public bookmark turned private or was deleted
        // leaves at once, not when its score is next recomputed.
        .filter(entries::bookmark_count.gt(0))
        .filter(Condition(SHOWN))
        .into_boxed();
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
    let page = Page::from_rows(rows, limit, |e| vec![e.hot_score.to_bits() as i64, e.id.0]);
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
        .filter(Condition(SHOWN))
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
    let page = Page::from_rows(rows, limit, |e| vec![e.listed_at.unwrap_or(0), e.id.0]);
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
        .filter(Condition(SHOWN))
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
        vec![e.first_bookmarked_at.unwrap_or(0), e.id.0]
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
        .filter(Condition(SHOWN))
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
    let page = Page::from_rows(rows, limit, |(t, e)| vec![*t, e.id.0]).map(|(_, e)| e);
    page_with_tags(conn, page)
}

/// The hot list of one category: as [`hot`], read off the
/// `(category, hot_score DESC, id DESC)` index.
pub fn category_hot(
    conn: &mut DbConnection,
    category: Category,
    after: Option<(f64, i64)>,
    limit: usize,
) -> Result<Page<EntryView>, DbError> {
    let mut q = entries::table
        .filter(entries::category.eq(i32::from(category.code())))
        .filter(Condition(HOT))
        .filter(entries::bookmark_count.gt(0))
        .filter(Condition(SHOWN))
        .into_boxed();
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
    let page = Page::from_rows(rows, limit, |e| vec![e.hot_score.to_bits() as i64, e.id.0]);
    page_with_tags(conn, page)
}

/// The new list of one category: as [`newest`], read off the
/// `(category, listed_at DESC, id DESC)` index.
pub fn category_newest(
    conn: &mut DbConnection,
    category: Category,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<EntryView>, DbError> {
    let mut q = entries::table
        .filter(entries::category.eq(i32::from(category.code())))
        .filter(Condition(LISTED))
        .filter(entries::bookmark_count.gt(0))
        .filter(Condition(SHOWN))
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
    let page = Page::from_rows(rows, limit, |e| vec![e.listed_at.unwrap_or(0), e.id.0]);
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
