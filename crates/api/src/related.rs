//! The related-entries job: keeps each entry's related list
//! (`bukuma_db::related`) up to date in the background, so that reading
//! one is a lookup.
//!
//! Every second, each server process queues the lists its readers asked
//! for and found never computed ([`RelatedQueue`]); the process holding the
//! `related` lease then follows the search outbox into the queue and
//! recomputes queued lists (then the oldest ones) for at most [`BUDGET`]:
//! computed on a read connection, stored a batch at a time in short write
//! transactions, so bookmark writes never wait long behind it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web;
use bukuma_db::{leases, now_micros, related, Db, DbError};
use bukuma_domain::EntryId;

/// Name of the job's lease.
const LEASE: &str = "related";
const LEASE_MICROS: i64 = 30_000_000;
const TICK: Duration = Duration::from_secs(1);
/// Work per round, at most (a little more: a batch is not cut short).
pub const BUDGET: Duration = Duration::from_millis(200);
/// Outbox rows read per statement.
const OUTBOX_BATCH: usize = 2_000;
/// Lists computed and stored together.
const BATCH: usize = 20;
/// Pause between two batches, for the writers queued meanwhile (as the
/// hot-score job pauses).
const PAUSE: Duration = Duration::from_millis(5);
/// Lists older than this are computed again when the queue is empty.
pub const REFRESH_AFTER_MICROS: i64 = 24 * 3_600_000_000;
/// Entries a process remembers to queue, at most, between two rounds.
const MAX_REQUESTED: usize = 10_000;

/// Entries whose lists readers of this process found never computed, to
/// be queued by the next round (reads themselves never write).
#[derive(Default)]
pub struct RelatedQueue {
    requested: Mutex<HashSet<EntryId>>,
}

impl RelatedQueue {
    /// Asks for the list of `id` to be computed.
    pub fn request(&self, id: EntryId) {
        let mut requested = self.requested.lock().unwrap_or_else(|p| p.into_inner());
        if requested.len() < MAX_REQUESTED {
            requested.insert(id);
        }
    }

    fn take(&self) -> Vec<EntryId> {
        let mut requested = self.requested.lock().unwrap_or_else(|p| p.into_inner());
        requested.drain().collect()
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Outbox rows read.
    pub outbox_rows: usize,
    /// Lists computed.
    pub computed: usize,
    /// Whether the queue was emptied.
    pub drained: bool,
}

/// Queues what this process's readers asked for; then, when this process
/// holds (or takes) the lease, follows the outbox and recomputes lists for
/// up to `budget`. `None` when another process holds the lease.
pub fn round(
    db: &Db,
    holder: &str,
    queue: &RelatedQueue,
    budget: Duration,
) -> Result<Option<Round>, DbError> {
    let requested = queue.take();
    if !requested.is_empty() {
        let now = now_micros();
        db.write(|c| related::mark_dirty(c, &requested, now, false))?;
    }
    let now = now_micros();
    if !db.write(|c| leases::acquire(c, LEASE, holder, now, now + LEASE_MICROS))? {
        return Ok(None);
    }
    let started = Instant::now();
    let mut done = Round::default();
    loop {
        let n = db.write(|c| related::follow_outbox(c, OUTBOX_BATCH, now_micros()))?;
        done.outbox_rows += n;
        if n < OUTBOX_BATCH || started.elapsed() >= budget {
            break;
        }
    }
    while started.elapsed() < budget {
        let mut batch = db.read(|c| related::take_dirty(c, BATCH))?;
        if batch.is_empty() {
            done.drained = true;
            let before = now_micros() - REFRESH_AFTER_MICROS;
            batch = db
                .read(|c| related::due_for_refresh(c, before, BATCH))?
                .into_iter()
                .map(|id| (id, false))
                .collect();
            if batch.is_empty() {
                break;
            }
        }
        let lists = db.read(|c| {
            batch
                .iter()
                .map(|(id, _)| related::compute(c, *id))
                .collect::<Result<Vec<_>, _>>()
        })?;
        db.write(|c| {
            let now = now_micros();
            for ((id, spread), list) in batch.iter().zip(&lists) {
                related::store(c, *id, list, now, *spread)?;
            }
            Ok(())
        })?;
        done.computed += batch.len();
        std::thread::sleep(PAUSE);
    }
    Ok(Some(done))
}

/// Runs rounds without a time limit until the outbox is read and the queue
/// empty (tests and commands; the server's job keeps to its budget).
/// Returns the lists computed.
pub fn catch_up(db: &Db, queue: &RelatedQueue) -> Result<usize, DbError> {
    let holder = format!("catch-up-{}", std::process::id());
    let mut computed = 0;
    loop {
        let done = round(db, &holder, queue, Duration::from_secs(3600))?
            .ok_or_else(|| DbError::Conflict("another process holds the related job"))?;
        computed += done.computed;
        if done.drained && done.outbox_rows == 0 && db.read(related::dirty_count)? == 0 {
            return Ok(computed);
        }
    }
}

/// Runs the job every second until the server stops.
pub fn spawn(db: Db, queue: Arc<RelatedQueue>) {
    let holder = format!("{}-{}", std::process::id(), now_micros());
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(TICK);
        loop {
            tick.tick().await;
            let (db, queue, holder) = (db.clone(), queue.clone(), holder.clone());
            let result = web::block(move || round(&db, &holder, &queue, BUDGET)).await;
            let outcome = match &result {
                Ok(Ok(Some(_))) => "ok",
                Ok(Ok(None)) => "elsewhere",
                _ => "failed",
            };
            metrics::counter!("bukuma_job_runs_total", "job" => "related", "outcome" => outcome)
                .increment(1);
            match result {
                Ok(Ok(Some(done))) => {
                    metrics::counter!("bukuma_related_lists_computed_total")
                        .increment(done.computed as u64);
                    if done.computed > 0 {
                        tracing::debug!(
                            computed = done.computed,
                            outbox_rows = done.outbox_rows,
                            "related lists computed"
                        );
                    }
                }
                Ok(Ok(None)) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "related entries job failed"),
                Err(e) => tracing::error!(error = %e, "related entries job panicked"),
            }
        }
    });
}

/// Lists computed and stored together by [`recompute_most_bookmarked`].
const COMMAND_BATCH: usize = 50;

/// Computes the lists of the `top` most bookmarked entries now (every
/// publicly bookmarked entry when `None`), as `bukuma recompute-related`
/// does; returns how many.
pub fn recompute_most_bookmarked(db: &Db, top: Option<usize>) -> Result<usize, DbError> {
    let ids = db.read(|c| related::most_bookmarked(c, top.unwrap_or(usize::MAX)))?;
    for chunk in ids.chunks(COMMAND_BATCH) {
        let lists = db.read(|c| {
            chunk
                .iter()
                .map(|id| related::compute(c, *id))
                .collect::<Result<Vec<_>, _>>()
        })?;
        db.write(|c| {
            let now = now_micros();
            for (id, list) in chunk.iter().zip(&lists) {
                related::store(c, *id, list, now, false)?;
            }
            Ok(())
        })?;
    }
    Ok(ids.len())
}
