//! Related entries: "people who bookmarked this also bookmarked …" and
//! entries sharing its most used tags, computed in the background.
//!
//! - Bookmark writes add nothing of their own: the search outbox already
//!   names every entry whose public bookmarks changed, and the job reads it
//!   from a cursor of its own ([`follow_outbox`]) into `related_dirty`.
//!   Reads of a list never computed queue it too ([`mark_dirty`]).
//! - [`compute`] only reads, with bounded work whatever the entry's size
//!   (the newest [`SAMPLE_USERS`] public bookmarkers, the newest
//!   [`PER_USER`] other public bookmarks of each, the newest [`PER_TAG`]
//!   entries of each of its [`TOP_TAGS`] tags); [`store`] writes the list.
//! - [`related_for`] reads a stored list with the entries as they are now,
//!   leaving out those hidden or no longer publicly bookmarked since.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use bukuma_domain::{EntryId, UserId};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::sqlite::Sqlite;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{Entry, EntryView};
use crate::per_backend;
use crate::queries::entries;
use crate::queries::search::{self, OutboxCursor, OutboxKind};
use crate::queries::stmt::{values_sql, Arg, Stmt};
use crate::versions::{touch, Scope};

/// Entries a list holds.
pub const RELATED_MAX: usize = 10;
/// Public bookmarkers of the entry sampled, the newest first.
pub const SAMPLE_USERS: i64 = 50;
/// Other public bookmarks sampled per bookmarker, the newest first: the
/// most one user adds candidates to a list.
pub const PER_USER: i64 = 30;
/// The entry's most used public tags whose entries are candidates too.
pub const TOP_TAGS: i64 = 3;
/// Entries sampled per tag, the most recently tagged first.
pub const PER_TAG: i64 = 20;
/// What a tag every bookmarker of the entry used adds to an entry sharing
/// it; one bookmarker adds at most 1.
const TAG_WEIGHT: f64 = 0.25;
/// Best-scored candidates checked for visibility and site.
const SHORTLIST: usize = 100;
/// Entries queued when a user is suspended or unsuspended: those of their
/// newest public bookmarks, whose lists they may have shaped.
const USER_CHANGE_ENTRIES: i64 = 1_000;
/// Entries marked per statement.
const MARK_CHUNK: usize = 500;

/// A related entry and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub entry_id: EntryId,
    pub score: f64,
}

/// What one bookmarker weighs: `1/sqrt(n)` of their `n` public bookmarks,
/// so that someone who bookmarks everything cannot make everything related.
pub fn user_weight(public_bookmarks: i64) -> f64 {
    1.0 / (public_bookmarks.max(1) as f64).sqrt()
}

/// Runs an unprepared statement: the ones here hold lists of ids written
/// into their text, which would otherwise be prepared once per length.
fn load_sql<T>(conn: &mut DbConnection, sql: &str) -> Result<Vec<T>, DbError>
where
    T: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
{
    Ok(per_backend!(conn, |c| diesel::sql_query(sql).load::<T>(c))?)
}

#[derive(QueryableByName)]
struct EntryIdRow {
    #[diesel(sql_type = BigInt)]
    entry_id: EntryId,
}

/// The related entries of `id` as its public bookmarks and tags make them
/// now, best first, at most [`RELATED_MAX`]: entries of other sites first,
/// then of its own site when there are not enough of those. Empty when the
/// entry is hidden or has no public bookmark. Only reads.
pub fn compute(conn: &mut DbConnection, id: EntryId) -> Result<Vec<Scored>, DbError> {
    #[derive(QueryableByName)]
    struct Own {
        #[diesel(sql_type = Text)]
        domain: String,
        #[diesel(sql_type = BigInt)]
        bookmark_count: i64,
    }
    #[derive(QueryableByName)]
    struct Bookmarker {
        #[diesel(sql_type = BigInt)]
        user_id: UserId,
        #[diesel(sql_type = BigInt)]
        public_bookmark_count: i64,
    }
    #[derive(QueryableByName)]
    struct CoBookmark {
        #[diesel(sql_type = BigInt)]
        user_id: UserId,
        #[diesel(sql_type = BigInt)]
        entry_id: EntryId,
    }
    #[derive(QueryableByName)]
    struct TagCount {
        #[diesel(sql_type = Text)]
        tag_key: String,
        #[diesel(sql_type = BigInt)]
        count: i64,
    }
    #[derive(QueryableByName)]
    struct Candidate {
        #[diesel(sql_type = BigInt)]
        id: EntryId,
        #[diesel(sql_type = Text)]
        domain: String,
    }

    let Some(own) = Stmt::new(
        "SELECT domain, bookmark_count FROM entries \
         WHERE id = ? AND bookmark_count > 0 AND hidden_at IS NULL",
        &[Arg::Int(id.0)],
    )
    .load::<Own>(conn)?
    .pop() else {
        return Ok(Vec::new());
    };
    let mut scores: HashMap<EntryId, f64> = HashMap::new();

    // Co-bookmarking: the newest bookmarks that are public and shown, of
    // users who are not suspended, off the entry's index of public
    // bookmarks (one table in the plan, so that it stops at the limit).
    let bookmarkers = Stmt::new(
        "SELECT user_id, (SELECT public_bookmark_count FROM users WHERE users.id = b.user_id) \
         AS public_bookmark_count FROM bookmarks b \
         WHERE entry_id = ? AND NOT is_private AND hidden_at IS NULL \
         AND user_id NOT IN (SELECT id FROM users WHERE suspended_at IS NOT NULL) \
         ORDER BY created_at DESC, id DESC LIMIT ?",
        &[Arg::Int(id.0), Arg::Int(SAMPLE_USERS)],
    )
    .load::<Bookmarker>(conn)?;
    if !bookmarkers.is_empty() {
        let weights: HashMap<UserId, f64> = bookmarkers
            .iter()
            .map(|b| (b.user_id, user_weight(b.public_bookmark_count)))
            .collect();
        // Each user's newest other public bookmarks, one range of their
        // index of public bookmarks each, in one statement.
        let parts: Vec<String> = bookmarkers
            .iter()
            .enumerate()
            .map(|(i, b)| {
                format!(
                    "SELECT user_id, entry_id FROM (SELECT user_id, entry_id FROM bookmarks \
                     WHERE user_id = {} AND NOT is_private AND hidden_at IS NULL \
                     AND entry_id <> {} ORDER BY created_at DESC, id DESC LIMIT {PER_USER}) s{i}",
                    b.user_id.0, id.0
                )
            })
            .collect();
        for row in load_sql::<CoBookmark>(conn, &parts.join(" UNION ALL "))? {
            let w = weights.get(&row.user_id).copied().unwrap_or(0.0);
            *scores.entry(row.entry_id).or_default() += w;
        }
    }

    // Shared tags, each weighed by the share of the entry's public
    // bookmarks that carry it.
    let tags = Stmt::new(
        "SELECT tag_key, count FROM entry_tags WHERE entry_id = ? \
         ORDER BY count DESC, tag_key LIMIT ?",
        &[Arg::Int(id.0), Arg::Int(TOP_TAGS)],
    )
    .load::<TagCount>(conn)?;
    for tag in tags {
        let share = (tag.count as f64 / own.bookmark_count.max(1) as f64).min(1.0);
        let tagged = Stmt::new(
            "SELECT entry_id FROM entry_tags WHERE tag_key = ? \
             ORDER BY first_at DESC, entry_id DESC LIMIT ?",
            &[Arg::Text(&tag.tag_key), Arg::Int(PER_TAG + 1)],
        )
        .load::<EntryIdRow>(conn)?;
        for row in tagged {
            *scores.entry(row.entry_id).or_default() += TAG_WEIGHT * share;
        }
    }

    scores.remove(&id);
    let mut ranked: Vec<(EntryId, f64)> = scores.into_iter().collect();
    // Best first; among equals the newer entry.
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
    ranked.truncate(SHORTLIST);
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ranked.iter().map(|(e, _)| e.0.to_string()).collect();
    let shown: HashMap<EntryId, String> = load_sql::<Candidate>(
        conn,
        &format!(
            "SELECT id, domain FROM entries WHERE id IN ({}) \
             AND bookmark_count > 0 AND hidden_at IS NULL",
            list.join(", ")
        ),
    )?
    .into_iter()
    .map(|c| (c.id, c.domain))
    .collect();
    let (mut elsewhere, mut same_site) = (Vec::new(), Vec::new());
    for (entry_id, score) in ranked {
        let scored = Scored { entry_id, score };
        match shown.get(&entry_id) {
            Some(domain) if *domain == own.domain => same_site.push(scored),
            Some(_) => elsewhere.push(scored),
            None => {}
        }
    }
    elsewhere.extend(same_site);
    elsewhere.truncate(RELATED_MAX);
    Ok(elsewhere)
}

/// Stores `list` as the related entries of `id`, computed at `now`, and
/// takes it off the queue. With `spread`, the entries that enter or leave
/// the list are queued (without spreading further): the bookmarks that
/// relate them relate them both ways.
pub fn store(
    conn: &mut DbConnection,
    id: EntryId,
    list: &[Scored],
    now: i64,
    spread: bool,
) -> Result<(), DbError> {
    use crate::schema::related_entries as r;
    touch(Scope::Entry(id));
    let old: BTreeSet<EntryId> = r::table
        .filter(r::entry_id.eq(id))
        .select(r::related_entry_id)
        .load::<EntryId>(conn)?
        .into_iter()
        .collect();
    Stmt::new(
        "DELETE FROM related_entries WHERE entry_id = ?",
        &[Arg::Int(id.0)],
    )
    .execute(conn)?;
    if !list.is_empty() {
        let args: Vec<Arg<'_>> = list
            .iter()
            .enumerate()
            .flat_map(|(rank, s)| {
                [
                    Arg::Int(id.0),
                    Arg::Int(rank as i64),
                    Arg::Int(s.entry_id.0),
                    Arg::Float(if s.score.is_finite() { s.score } else { 0.0 }),
                ]
            })
            .collect();
        let sql = format!(
            "INSERT INTO related_entries (entry_id, rank, related_entry_id, score) VALUES {}",
            values_sql(4, list.len())
        );
        Stmt::new(&sql, &args).execute(conn)?;
    }
    Stmt::new(
        "INSERT INTO related_computed (entry_id, computed_at) VALUES (?, ?) \
         ON CONFLICT (entry_id) DO UPDATE SET computed_at = excluded.computed_at",
        &[Arg::Int(id.0), Arg::Int(now)],
    )
    .execute(conn)?;
    Stmt::new(
        "DELETE FROM related_dirty WHERE entry_id = ?",
        &[Arg::Int(id.0)],
    )
    .execute(conn)?;
    if spread {
        let new: BTreeSet<EntryId> = list.iter().map(|s| s.entry_id).collect();
        let changed: Vec<EntryId> = old.symmetric_difference(&new).copied().collect();
        mark_dirty(conn, &changed, now, false)?;
    }
    Ok(())
}

/// Computes and stores the related entries of `id` in the caller's
/// transaction; how many it holds. (The server's job computes on a read
/// connection and stores in short write transactions.)
pub fn recompute(
    conn: &mut DbConnection,
    id: EntryId,
    now: i64,
    spread: bool,
) -> Result<usize, DbError> {
    let list = compute(conn, id)?;
    store(conn, id, &list, now, spread)?;
    Ok(list.len())
}

/// Queues the lists of `ids` to be computed (again). An entry queued
/// already keeps its place; `spread` is kept if either mark had it.
pub fn mark_dirty(
    conn: &mut DbConnection,
    ids: &[EntryId],
    now: i64,
    spread: bool,
) -> Result<usize, DbError> {
    // One row per entry: PostgreSQL refuses to upsert a row twice in one statement.
    let ids: Vec<EntryId> = ids
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut marked = 0;
    for chunk in ids.chunks(MARK_CHUNK) {
        let args: Vec<Arg<'_>> = chunk
            .iter()
            .flat_map(|id| [Arg::Int(id.0), Arg::Int(now), Arg::Bool(spread)])
            .collect();
        let sql = format!(
            "INSERT INTO related_dirty (entry_id, marked_at, spread) VALUES {} \
             ON CONFLICT (entry_id) DO UPDATE SET spread = excluded.spread \
             WHERE excluded.spread AND NOT related_dirty.spread",
            values_sql(3, chunk.len())
        );
        marked += Stmt::new(&sql, &args).execute(conn)?;
    }
    Ok(marked)
}

/// Up to `limit` queued entries, the longest queued first, each with
/// whether its recomputation spreads (see [`store`]).
pub fn take_dirty(conn: &mut DbConnection, limit: usize) -> Result<Vec<(EntryId, bool)>, DbError> {
    #[derive(QueryableByName)]
    struct Dirty {
        #[diesel(sql_type = BigInt)]
        entry_id: EntryId,
        #[diesel(sql_type = Bool)]
        spread: bool,
    }
    Ok(Stmt::new(
        "SELECT entry_id, spread FROM related_dirty ORDER BY marked_at, entry_id LIMIT ?",
        &[Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX))],
    )
    .load::<Dirty>(conn)?
    .into_iter()
    .map(|d| (d.entry_id, d.spread))
    .collect())
}

/// How many entries are queued.
pub fn dirty_count(conn: &mut DbConnection) -> Result<i64, DbError> {
    use crate::schema::related_dirty as d;
    Ok(per_backend!(conn, |c| d::table
        .count()
        .get_result::<i64>(c))?)
}

/// Up to `limit` entries whose lists were computed before `before`, the
/// oldest first: co-bookmarks made elsewhere drift into a list only when
/// it is computed again.
pub fn due_for_refresh(
    conn: &mut DbConnection,
    before: i64,
    limit: usize,
) -> Result<Vec<EntryId>, DbError> {
    Ok(Stmt::new(
        "SELECT entry_id FROM related_computed WHERE computed_at < ? \
         ORDER BY computed_at, entry_id LIMIT ?",
        &[
            Arg::Int(before),
            Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
        ],
    )
    .load::<EntryIdRow>(conn)?
    .into_iter()
    .map(|r| r.entry_id)
    .collect())
}

/// Reads up to `limit` search outbox rows after the job's cursor and
/// queues what they name: entries whose public bookmarks changed (with
/// spreading), and the entries of the newest public bookmarks of users
/// suspended or unsuspended. Run in a write transaction. Returns the rows
/// read.
pub fn follow_outbox(conn: &mut DbConnection, limit: usize, now: i64) -> Result<usize, DbError> {
    #[derive(QueryableByName)]
    struct Progress {
        #[diesel(sql_type = BigInt)]
        outbox_txid: i64,
        #[diesel(sql_type = BigInt)]
        outbox_id: i64,
    }
    let save = |conn: &mut DbConnection, at: OutboxCursor| {
        Stmt::new(
            "INSERT INTO related_progress (id, outbox_txid, outbox_id) VALUES (1, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET outbox_txid = excluded.outbox_txid, \
             outbox_id = excluded.outbox_id",
            &[Arg::Int(at.txid), Arg::Int(at.id)],
        )
        .execute(conn)
    };
    let progress = Stmt::new(
        "SELECT outbox_txid, outbox_id FROM related_progress WHERE id = 1",
        &[],
    )
    .load::<Progress>(conn)?
    .pop();
    // The first run reads every row still kept: the changes of the
    // outbox's retention period.
    let cursor = progress.map_or_else(OutboxCursor::default, |p| OutboxCursor {
        txid: p.outbox_txid,
        id: p.outbox_id,
    });
    let rows = search::read_outbox(conn, cursor, limit)?;
    let Some(last) = rows.last().map(|r| r.cursor) else {
        return Ok(0);
    };
    let mut changed = Vec::new();
    let mut users = BTreeSet::new();
    for row in &rows {
        match row.kind {
            OutboxKind::Entry => changed.push(EntryId(row.target_id)),
            OutboxKind::User => {
                users.insert(UserId(row.target_id));
            }
            OutboxKind::EntryText | OutboxKind::Bookmark => {}
        }
    }
    mark_dirty(conn, &changed, now, true)?;
    for user in users {
        let theirs: Vec<EntryId> = Stmt::new(
            "SELECT entry_id FROM bookmarks WHERE user_id = ? AND NOT is_private \
             ORDER BY created_at DESC, id DESC LIMIT ?",
            &[Arg::Int(user.0), Arg::Int(USER_CHANGE_ENTRIES)],
        )
        .load::<EntryIdRow>(conn)?
        .into_iter()
        .map(|r| r.entry_id)
        .collect();
        mark_dirty(conn, &theirs, now, false)?;
    }
    save(conn, last)?;
    Ok(rows.len())
}

/// When the list of `id` was last computed; `None` when it never was.
pub fn computed_at(conn: &mut DbConnection, id: EntryId) -> Result<Option<i64>, DbError> {
    use crate::schema::related_computed as c;
    Ok(c::table
        .find(id)
        .select(c::computed_at)
        .first::<i64>(conn)
        .optional()?)
}

/// The stored list joined with the entries as they are now.
static RELATED_FOR: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM related_entries r JOIN entries ON entries.id = r.related_entry_id \
         WHERE r.entry_id = ? AND entries.bookmark_count > 0 AND entries.hidden_at IS NULL \
         ORDER BY r.rank LIMIT ?",
        entries::COLUMNS
    )
});

/// Up to `limit` related entries of `id`, best first, as lists show
/// entries (with their card tags): those of its stored list that are still
/// publicly bookmarked and not hidden. Empty while the list was never
/// computed (see [`computed_at`]).
pub fn related_for(
    conn: &mut DbConnection,
    id: EntryId,
    limit: usize,
) -> Result<Vec<EntryView>, DbError> {
    let rows = Stmt::new(
        &RELATED_FOR,
        &[
            Arg::Int(id.0),
            Arg::Int(i64::try_from(limit.min(RELATED_MAX)).unwrap_or(0)),
        ],
    )
    .load::<Entry>(conn)?;
    entries::with_tags(conn, rows)
}

/// Up to `limit` entries with public bookmarks, the most bookmarked first
/// (a full scan: for the `bukuma related recompute` command).
pub fn most_bookmarked(conn: &mut DbConnection, limit: usize) -> Result<Vec<EntryId>, DbError> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: EntryId,
    }
    Ok(Stmt::new(
        "SELECT id FROM entries WHERE bookmark_count > 0 AND hidden_at IS NULL \
         ORDER BY bookmark_count DESC, id LIMIT ?",
        &[Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX))],
    )
    .load::<Id>(conn)?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prolific_users_weigh_less_and_nobody_more_than_one() {
        assert_eq!(user_weight(0), 1.0);
        assert_eq!(user_weight(1), 1.0);
        assert!((user_weight(4) - 0.5).abs() < 1e-12);
        assert!(user_weight(10_000) < 0.011);
        // Two ordinary users outweigh one who bookmarks everything.
        assert!(2.0 * user_weight(100) > 10.0 * user_weight(10_000));
    }
}
