//! Page metadata fetching: which entries are due, and what a fetch found.

use bukuma_domain::text::strip_forbidden;
use bukuma_domain::EntryId;
use diesel::prelude::*;

use super::lists::find;
use crate::connection::DbConnection;
use crate::error::DbError;
use crate::queries::search::{self, OutboxKind};
use crate::schema::entries;
use crate::versions::{touch, Scope};

/// Most attempts at fetching a page before giving up.
pub const MAX_FETCH_ATTEMPTS: i32 = 6;

/// Entries whose page metadata is due to be fetched, oldest due first.
pub fn due_for_fetch(
    conn: &mut DbConnection,
    now: i64,
    limit: i64,
) -> Result<Vec<(EntryId, String)>, DbError> {
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
/// bookmarker typed. Characters no stored text may hold (see
/// [`strip_forbidden`]) are left out of the title and summary.
pub fn record_fetch_success(
    conn: &mut DbConnection,
    id: EntryId,
    meta: &PageMetadata,
    now: i64,
) -> Result<(), DbError> {
    let current = find(conn, id)?.ok_or(DbError::NotFound)?;
    let clean = |t: &Option<String>| t.as_deref().map(|t| strip_forbidden(t).trim().to_owned());
    touch(Scope::Entry(id));
    diesel::update(entries::table.find(id))
        .set((
            entries::title.eq(clean(&meta.title)
                .filter(|t| !t.is_empty())
                .unwrap_or(current.title)),
            entries::summary.eq(clean(&meta.summary).unwrap_or(current.summary)),
            entries::thumbnail_url.eq(meta.thumbnail_url.clone().or(current.thumbnail_url)),
            entries::favicon_url.eq(meta.favicon_url.clone().or(current.favicon_url)),
            entries::fetch_status.eq("done"),
            entries::fetched_at.eq(now),
            entries::fetch_next_at.eq(None::<i64>),
            entries::fetch_error.eq(None::<String>),
            // Classified again with the page's own title and summary.
            entries::category_due.eq(Some(now)),
        ))
        .execute(conn)?;
    search::enqueue(conn, OutboxKind::EntryText, id.0)?;
    Ok(())
}

/// Records a failed fetch: retried with exponential backoff (1 minute,
/// doubling, at most a day) unless `permanent` or out of attempts.
pub fn record_fetch_failure(
    conn: &mut DbConnection,
    id: EntryId,
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
    id: EntryId,
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
