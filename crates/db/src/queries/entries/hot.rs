//! Hot scores: computed from the public bookmarks of the last week and
//! stored in batches by the ranking job.

use std::collections::HashMap;

use bukuma_domain::hot::{bookmark_weight, HORIZON_SECONDS};
use bukuma_domain::EntryId;
use diesel::prelude::*;

use super::lists::HOT;
use crate::connection::DbConnection;
use crate::error::DbError;
use crate::queries::stmt::Condition;
use crate::schema::{bookmarks, entries};

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
fn hot_tolerance(id: EntryId) -> f64 {
    // Fibonacci hashing spreads consecutive ids over [0, 1).
    let spread =
        ((id.0 as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 11) as f64 / (1u64 << 53) as f64;
    HOT_TOLERANCE * (0.5 + 0.5 * spread)
}

/// Hot scores as of `now` from the public bookmarks of the last week.
#[derive(Debug, Default)]
pub struct HotScores {
    /// `(entry id, score)` of every entry whose stored score is off by more
    /// than its tolerance (see [`HOT_TOLERANCE`]): recently bookmarked ones, and those still
    /// scored that fell out of the window (0). By id.
    pub changed: Vec<(EntryId, f64)>,
    /// Entries with a score.
    pub hot: usize,
}

/// Computes [`HotScores`]. Only reads, so the job computes without holding
/// any lock.
pub fn hot_scores(conn: &mut DbConnection, now: i64) -> Result<HotScores, DbError> {
    let since = now - HORIZON_SECONDS * 1_000_000;
    let rows: Vec<(EntryId, i64)> = bookmarks::table
        .filter(Condition("NOT bookmarks.is_private"))
        .filter(bookmarks::created_at.gt(since))
        .select((bookmarks::entry_id, bookmarks::created_at))
        .load(conn)?;
    let mut scores: HashMap<EntryId, f64> = HashMap::new();
    for (entry, at) in rows {
        let age = (now - at) as f64 / 1e6;
        *scores.entry(entry).or_default() += bookmark_weight(age);
    }
    let stored: HashMap<EntryId, f64> = entries::table
        .filter(Condition(HOT))
        .select((entries::id, entries::hot_score))
        .load::<(EntryId, f64)>(conn)?
        .into_iter()
        .collect();
    let hot = scores.len();
    let stale = stored
        .keys()
        .filter(|id| !scores.contains_key(id))
        .map(|id| (*id, 0.0));
    let mut changed: Vec<(EntryId, f64)> = scores
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
pub fn store_hot_scores(conn: &mut DbConnection, scores: &[(EntryId, f64)]) -> Result<(), DbError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hot_tolerances_spread_between_half_and_all_of_the_tolerance() {
        let t: Vec<f64> = (1..=1000).map(|id| hot_tolerance(EntryId(id))).collect();
        assert!(t
            .iter()
            .all(|t| (HOT_TOLERANCE * 0.5..HOT_TOLERANCE).contains(t)));
        let low = t.iter().filter(|t| **t < HOT_TOLERANCE * 0.75).count();
        assert!((400..600).contains(&low), "{low} of 1000 in the lower half");
        assert_eq!(hot_tolerance(EntryId(42)), hot_tolerance(EntryId(42)));
    }
}
