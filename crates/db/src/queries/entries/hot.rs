//! Hot scores, stored in the form that does not decay
//! ([`bukuma_domain::hot::stored_score`]): an entry's score is written when
//! one of its public bookmarks arrives, changes or goes, or leaves the last
//! week, never because time passed. [`recompute_hot`] computes every score
//! from the public bookmarks of the last week; the server's job follows the
//! search outbox and the week's trailing edge instead ([`hot_changes`]).

use std::collections::{BTreeSet, HashMap};

use bukuma_domain::hot::{bookmark_weight, stored_score, HORIZON_SECONDS};
use bukuma_domain::EntryId;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::lists::HOT;
use crate::connection::DbConnection;
use crate::error::DbError;
use crate::queries::search::{self, OutboxCursor, OutboxKind};
use crate::queries::stmt::{Arg, Condition, Stmt};
use crate::schema::{bookmarks, entries};

/// How far a computed score may be from the stored one and still count as
/// the same: far below any real change (one bookmark of an entry scored a
/// million moves it by 1e-6), far above rounding (about 1e-11 at the
/// stored scores' size).
pub const HOT_TOLERANCE: f64 = 1e-9;

/// Hot scores as of `now` from the public bookmarks of the last week.
#[derive(Debug, Default)]
pub struct HotScores {
    /// `(entry id, stored score)` of every entry whose stored score differs
    /// from the computed one: those never scored or changed since, and
    /// those still scored that fell out of the week (0). By id.
    pub changed: Vec<(EntryId, f64)>,
    /// Entries with a score.
    pub hot: usize,
}

/// The start of the week that counts at `now`: bookmarks made at or
/// before it weigh nothing.
pub fn hot_window_start(now: i64) -> i64 {
    now - HORIZON_SECONDS * 1_000_000
}

/// The decayed score of each entry at `now`, from its public bookmarks'
/// `(entry, time)`.
fn decayed_sums(bookmarks: Vec<(EntryId, i64)>, now: i64) -> HashMap<EntryId, f64> {
    let mut scores: HashMap<EntryId, f64> = HashMap::new();
    for (entry, at) in bookmarks {
        let age = (now - at) as f64 / 1e6;
        *scores.entry(entry).or_default() += bookmark_weight(age);
    }
    scores
}

/// The `(entry id, stored score)` of every entry of `sums` (decayed scores
/// at `now`) or `stored` whose stored score should change: to the computed
/// one, or to 0 when it has none. By id.
fn changed_scores(
    sums: &HashMap<EntryId, f64>,
    stored: &HashMap<EntryId, f64>,
    now: i64,
) -> Vec<(EntryId, f64)> {
    let ids: BTreeSet<EntryId> = sums.keys().chain(stored.keys()).copied().collect();
    ids.into_iter()
        .filter_map(|id| {
            let score = sums.get(&id).map_or(0.0, |sum| stored_score(*sum, now));
            let old = stored.get(&id).copied().unwrap_or(0.0);
            ((score - old).abs() > HOT_TOLERANCE).then_some((id, score))
        })
        .collect()
}

/// Computes [`HotScores`] for every entry. Only reads, so the job computes
/// without holding any lock.
pub fn hot_scores(conn: &mut DbConnection, now: i64) -> Result<HotScores, DbError> {
    let rows: Vec<(EntryId, i64)> = bookmarks::table
        .filter(Condition("NOT bookmarks.is_private"))
        .filter(bookmarks::created_at.gt(hot_window_start(now)))
        .select((bookmarks::entry_id, bookmarks::created_at))
        .load(conn)?;
    let scores = decayed_sums(rows, now);
    let stored: HashMap<EntryId, f64> = entries::table
        .filter(Condition(HOT))
        .select((entries::id, entries::hot_score))
        .load::<(EntryId, f64)>(conn)?
        .into_iter()
        .collect();
    let changed = changed_scores(&scores, &stored, now);
    Ok(HotScores {
        changed,
        hot: scores.len(),
    })
}

/// The scores of `ids` as of `now` that differ from the stored ones (0 for
/// an entry without public bookmarks in the week), by id. At most
/// [`HOT_BATCH`] ids, as one statement reads their bookmarks.
pub fn hot_scores_of(
    conn: &mut DbConnection,
    ids: &[EntryId],
    now: i64,
) -> Result<Vec<(EntryId, f64)>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The `(entry_id, created_at) WHERE NOT is_private` index answers this
    // alone.
    let rows: Vec<(EntryId, i64)> = bookmarks::table
        .filter(bookmarks::entry_id.eq_any(ids))
        .filter(Condition("NOT bookmarks.is_private"))
        .filter(bookmarks::created_at.gt(hot_window_start(now)))
        .select((bookmarks::entry_id, bookmarks::created_at))
        .load(conn)?;
    let scores = decayed_sums(rows, now);
    let stored: HashMap<EntryId, f64> = entries::table
        .filter(entries::id.eq_any(ids))
        .select((entries::id, entries::hot_score))
        .load::<(EntryId, f64)>(conn)?
        .into_iter()
        .collect();
    Ok(changed_scores(&scores, &stored, now))
}

/// Where the hot-score job has got to: the search outbox read so far, and
/// the start of the week at its last run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HotProgress {
    pub outbox: OutboxCursor,
    pub window_start: i64,
}

/// The job's progress; `None` before its first full computation.
pub fn hot_progress(conn: &mut DbConnection) -> Result<Option<HotProgress>, DbError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        outbox_txid: i64,
        #[diesel(sql_type = BigInt)]
        outbox_id: i64,
        #[diesel(sql_type = BigInt)]
        window_start: i64,
    }
    Ok(Stmt::new(
        "SELECT outbox_txid, outbox_id, window_start FROM hot_progress WHERE id = 1",
        &[],
    )
    .load::<Row>(conn)?
    .pop()
    .map(|r| HotProgress {
        outbox: OutboxCursor {
            txid: r.outbox_txid,
            id: r.outbox_id,
        },
        window_start: r.window_start,
    }))
}

/// Records the job's progress.
pub fn save_hot_progress(conn: &mut DbConnection, at: HotProgress) -> Result<(), DbError> {
    Stmt::new(
        "INSERT INTO hot_progress (id, outbox_txid, outbox_id, window_start) VALUES (1, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET outbox_txid = excluded.outbox_txid, \
         outbox_id = excluded.outbox_id, window_start = excluded.window_start",
        &[
            Arg::Int(at.outbox.txid),
            Arg::Int(at.outbox.id),
            Arg::Int(at.window_start),
        ],
    )
    .execute(conn)?;
    Ok(())
}

/// Entries whose scores may have changed since `from`, up to `limit`
/// outbox rows' worth: those whose public bookmarks changed (the search
/// outbox's entry rows) and, on the first call of a run, those with a
/// public bookmark that left the week since (`from.window_start` up to the
/// start of the week at `now`). Returns them by id with the progress to
/// save once they are stored, and whether the outbox may hold more.
pub fn hot_changes(
    conn: &mut DbConnection,
    from: HotProgress,
    now: i64,
    limit: usize,
) -> Result<(Vec<EntryId>, HotProgress, bool), DbError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        entry_id: EntryId,
    }
    let mut ids = BTreeSet::new();
    let start = hot_window_start(now).max(from.window_start);
    if start > from.window_start {
        // The `created_at WHERE NOT is_private` index: the bookmarks of
        // the interval alone.
        let left = Stmt::new(
            "SELECT DISTINCT entry_id FROM bookmarks \
             WHERE NOT is_private AND created_at > ? AND created_at <= ?",
            &[Arg::Int(from.window_start), Arg::Int(start)],
        )
        .load::<Row>(conn)?;
        ids.extend(left.into_iter().map(|r| r.entry_id));
    }
    let rows = search::read_outbox(conn, from.outbox, limit)?;
    let more = rows.len() >= limit;
    let outbox = rows.last().map_or(from.outbox, |r| r.cursor);
    ids.extend(
        rows.iter()
            .filter(|r| r.kind == OutboxKind::Entry)
            .map(|r| EntryId(r.target_id)),
    );
    let to = HotProgress {
        outbox,
        window_start: start,
    };
    Ok((ids.into_iter().collect(), to, more))
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

/// Recomputes every hot score from the public bookmarks of the last week,
/// writing those that changed, and starts the job's progress over from
/// here. Returns how many entries have a score. (The server's job follows
/// changes in short write transactions instead: see `bukuma_api::jobs`.)
pub fn recompute_hot(conn: &mut DbConnection, now: i64) -> Result<usize, DbError> {
    let outbox = search::outbox_horizon(conn)?;
    let scores = hot_scores(conn, now)?;
    for batch in scores.changed.chunks(HOT_BATCH) {
        store_hot_scores(conn, batch)?;
    }
    save_hot_progress(
        conn,
        HotProgress {
            outbox,
            window_start: hot_window_start(now),
        },
    )?;
    Ok(scores.hot)
}
