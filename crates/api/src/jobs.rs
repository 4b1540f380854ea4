//! Background jobs. Each takes a database lease first, so that among several
//! server processes sharing a database only one runs it at a time.

use std::time::Duration;

use actix_web::web;
use bukuma_db::{entries, leases, now_micros, tokens, Db, DbError};

/// Recomputes hot scores; returns how many entries are hot.
pub fn recompute_hot(db: &Db) -> Result<usize, DbError> {
    db.write(|c| entries::recompute_hot(c, now_micros()))
}

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
                }
                recompute_hot(&db).map(Some)
            })
            .await;
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
