//! Background jobs. Each takes a database lease first, so that among several
//! server processes sharing a database only one runs it at a time.

use std::time::Duration;

use actix_web::web;
use bukuma_db::{entries, leases, now_micros, tokens, Db, DbError};
use bukuma_fetch::Fetcher;

use crate::error::ApiError;
use futures_util::future::join_all;

/// Recomputes hot scores; returns how many entries are hot.
///
/// The scores are computed on a read connection; those off by more than
/// `entries::HOT_TOLERANCE` are stored in batches, each its own short write
/// transaction (all 86 000 hot entries at 1M bookmarks took ~5 s; a minute
/// later nearly none are off by that much): one transaction over every hot
/// entry held SQLite's writer (and PostgreSQL's row locks on those entries) for seconds
/// at 1M bookmarks, so every bookmark written meanwhile waited past its
/// client's timeout and the waiting writers drained the connection pool.
pub fn recompute_hot(db: &Db) -> Result<usize, DbError> {
    let scores = db.read(|c| entries::hot_scores(c, now_micros()))?;
    for batch in scores.changed.chunks(entries::HOT_BATCH) {
        db.write(|c| entries::store_hot_scores(c, batch))?;
        // The writer lock is not fair: without a pause this loop takes it
        // straight back and the bookmarks queued behind it still wait.
        std::thread::sleep(HOT_BATCH_PAUSE);
    }
    Ok(scores.hot)
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
                    tracing::debug!(hot_entries = n, "hot scores recomputed");
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
