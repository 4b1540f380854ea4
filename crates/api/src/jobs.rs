//! Background jobs. Each takes a database lease first, so that among several
//! server processes sharing a database only one runs it at a time.

use std::time::Duration;

use actix_web::web;
use bukuma_db::{entries, leases, now_micros, tokens, Db, DbError};
use bukuma_fetch::Fetcher;

use crate::error::ApiError;
use futures_util::future::join_all;

/// Brings the hot scores up to date; returns how many it wrote.
///
/// Stored scores do not decay (see `bukuma_domain::hot`), so a run rewrites
/// only the entries whose public bookmarks changed since the last run (the
/// search outbox's entry rows) or left the week meanwhile. The first run,
/// and any run after `bukuma recompute-hot`'s progress was lost, computes
/// every score. Scores are computed on a read connection and stored in
/// batches, each its own short write transaction, so that bookmark writes
/// never queue behind the job for long.
pub fn recompute_hot(db: &Db) -> Result<usize, DbError> {
    let now = now_micros();
    let Some(mut progress) = db.read(entries::hot_progress)? else {
        return recompute_all_hot(db);
    };
    let mut written = 0;
    loop {
        let (ids, next, more) =
            db.read(|c| entries::hot_changes(c, progress, now, HOT_OUTBOX_BATCH))?;
        for batch in ids.chunks(entries::HOT_BATCH) {
            let changed = db.read(|c| entries::hot_scores_of(c, batch, now))?;
            store(db, &changed)?;
            written += changed.len();
        }
        db.write(|c| entries::save_hot_progress(c, next))?;
        progress = next;
        if !more {
            return Ok(written);
        }
    }
}

/// Computes every hot score from the public bookmarks of the last week and
/// stores those that changed, as `bukuma recompute-hot` does; then the job
/// follows changes from here. Returns how many scores it wrote.
pub fn recompute_all_hot(db: &Db) -> Result<usize, DbError> {
    let now = now_micros();
    // Taken first: changes the computation might miss come after it.
    let outbox = db.read(bukuma_db::search::outbox_horizon)?;
    let scores = db.read(|c| entries::hot_scores(c, now))?;
    store(db, &scores.changed)?;
    let done = entries::HotProgress {
        outbox,
        window_start: entries::hot_window_start(now),
    };
    db.write(|c| entries::save_hot_progress(c, done))?;
    Ok(scores.changed.len())
}

/// Outbox rows one step of [`recompute_hot`] reads.
const HOT_OUTBOX_BATCH: usize = 5_000;

/// Stores `scores` a batch at a time.
fn store(db: &Db, scores: &[(bukuma_domain::EntryId, f64)]) -> Result<(), DbError> {
    for batch in scores.chunks(entries::HOT_BATCH) {
        db.write(|c| entries::store_hot_scores(c, batch))?;
        // The writer lock is not fair: without a pause this loop takes it
        // straight back and the bookmarks queued behind it still wait.
        std::thread::sleep(HOT_BATCH_PAUSE);
    }
    Ok(())
}

/// Pause between two batches of hot scores, for the writers queued meanwhile.
const HOT_BATCH_PAUSE: Duration = Duration::from_millis(5);

fn holder() -> String {
    format!("{}-{}", std::process::id(), now_micros())
}

/// Runs the hot-score job every `interval` and the token clean-up hourly,
/// until the server stops.
pub fn spawn(db: Db, interval: Duration) {
    let me = holder();
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(interval);
        let mut last_purge = 0i64;
        loop {
            tick.tick().await;
            let db = db.clone();
            let me = me.clone();
            let started = now_micros();
            let purge = started - last_purge > 3_600_000_000;
            let lease_micros = i64::try_from(interval.as_micros()).unwrap_or(i64::MAX / 4) * 2;
            let result = web::block(move || -> Result<Option<usize>, DbError> {
                let now = now_micros();
                if !db.write(|c| leases::acquire(c, "hot", &me, now, now + lease_micros))? {
                    return Ok(None);
                }
                if purge {
                    db.write(|c| tokens::purge_expired_refresh(c, now))?;
                    let before = now - crate::indexer::OUTBOX_RETENTION_MICROS;
                    db.write(|c| bukuma_db::search::purge_outbox(c, before))?;
                }
                recompute_hot(&db).map(Some)
            })
            .await;
            let outcome = match &result {
                Ok(Ok(Some(_))) => "ok",
                Ok(Ok(None)) => "elsewhere",
                _ => "failed",
            };
            metrics::counter!("bukuma_job_runs_total", "job" => "hot", "outcome" => outcome)
                .increment(1);
            match result {
                Ok(Ok(Some(n))) => {
                    if purge {
                        last_purge = started;
                    }
                    tracing::debug!(written = n, "hot scores brought up to date");
                }
                Ok(Ok(None)) => tracing::debug!("another instance holds the hot job"),
                Ok(Err(e)) => tracing::error!(error = %e, "hot score job failed"),
                Err(e) => tracing::error!(error = %e, "hot score job panicked"),
            }
        }
    });
}

/// Pages fetched at once by one round of the metadata job.
const FETCH_BATCH: i64 = 8;

/// Fetches the metadata of entries that are due, one batch; returns how many
/// pages were tried. Failures are recorded and retried later with backoff.
pub async fn fetch_due(db: &Db, fetcher: &Fetcher) -> Result<usize, ApiError> {
    let due = {
        let db = db.clone();
        web::block(move || db.read(|c| entries::due_for_fetch(c, now_micros(), FETCH_BATCH)))
            .await??
    };
    let results = join_all(due.iter().map(|(_, url)| fetcher.fetch(url))).await;
    let n = due.len();
    let db = db.clone();
    web::block(move || {
        for ((id, url), result) in due.into_iter().zip(results) {
            let now = now_micros();
            let outcome = match &result {
                Ok(_) => "ok",
                Err(e) if e.is_permanent() => "failed_permanently",
                Err(_) => "failed",
            };
            metrics::counter!("bukuma_metadata_fetches_total", "outcome" => outcome).increment(1);
            match result {
                Ok(page) => {
                    let meta = entries::PageMetadata {
                        title: page.title,
                        summary: page.summary,
                        thumbnail_url: page.thumbnail_url,
                        favicon_url: page.favicon_url,
                    };
                    db.write(|c| entries::record_fetch_success(c, id, &meta, now))?;
                }
                Err(e) => {
                    tracing::info!(entry = id.0, %url, error = %e, "page metadata fetch failed");
                    let permanent = e.is_permanent();
                    let message = e.to_string();
                    db.write(|c| entries::record_fetch_failure(c, id, &message, permanent, now))?;
                }
            }
        }
        Ok::<_, DbError>(())
    })
    .await??;
    Ok(n)
}

/// Runs the metadata job every few seconds until the server stops.
pub fn spawn_fetcher(db: Db, fetcher: Fetcher) {
    let me = holder();
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            let lease = {
                let db = db.clone();
                let me = me.clone();
                web::block(move || {
                    let now = now_micros();
                    db.write(|c| leases::acquire(c, "fetch", &me, now, now + 60_000_000))
                })
                .await
            };
            match lease {
                Ok(Ok(true)) => {}
                Ok(Ok(false)) => continue,
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "metadata job lease failed");
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "metadata job lease panicked");
                    continue;
                }
            }
            // Drain what is due, a batch at a time.
            loop {
                let fetched = fetch_due(&db, &fetcher).await;
                let outcome = if fetched.is_ok() { "ok" } else { "failed" };
                metrics::counter!("bukuma_job_runs_total", "job" => "metadata", "outcome" => outcome)
                    .increment(1);
                match fetched {
                    Ok(n) if n as i64 == FETCH_BATCH => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "metadata job failed");
                        break;
                    }
                }
            }
        }
    });
}
