//! WAL checkpoints for SQLite, run beside the batched writer instead of
//! inside its COMMITs.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::mpsc::{self, SyncSender};
use std::sync::{Arc, Mutex};

use diesel::sql_types::Integer;
use diesel::RunQueryDsl;

use crate::connection::{ConnectionManager, DbConnection};
use crate::error::DbError;

/// How large the WAL may grow.
#[derive(Debug, Clone, Copy)]
pub(super) struct WalLimits {
    /// Size in pages from which the checkpoint thread, after a pass beside
    /// the writer, copies the rest while holding the writer back, so that
    /// the next batch starts the WAL over (SQLite can only when every page
    /// in it is in the database and no reader still needs it).
    pub(super) restart_pages: i64,
    /// Size from which the writer waits for readers to let it start the
    /// WAL over: the bound on its growth when readers never pause.
    pub(super) max_pages: i64,
    /// The WAL file is cut back to this size when it starts over.
    pub(super) keep_bytes: i64,
}

impl WalLimits {
    pub(super) const DEFAULT: WalLimits = WalLimits {
        restart_pages: 16 * 1024,
        max_pages: 64 * 1024,
        keep_bytes: 64 * 1024 * 1024,
    };

    /// Whether the checkpoint thread, having found `log` pages in the WAL,
    /// holds the writer back for a pass. Not while the WAL is still the
    /// size the last such pass left (`settled`): the writer has not
    /// committed since, and its next batch starts the WAL over; holding that
    /// batch back would copy and sync the first pages of the new WAL for
    /// nothing (about one locked pass in four under a steady stream).
    fn hold_writer(&self, log: i64, settled: Option<i64>) -> bool {
        log >= self.restart_pages && settled != Some(log)
    }
}

#[derive(diesel::QueryableByName)]
struct CheckpointResult {
    #[diesel(sql_type = Integer)]
    log: i32,
}

/// `PRAGMA wal_checkpoint(mode)`; the WAL's size in pages afterwards.
fn checkpoint(conn: &mut DbConnection, mode: &str) -> Option<i64> {
    let DbConnection::Sqlite(c) = conn else {
        return None;
    };
    diesel::sql_query(format!("PRAGMA wal_checkpoint({mode})"))
        .get_result::<CheckpointResult>(c)
        .ok()
        .map(|r| i64::from(r.log))
}

/// Copies the WAL back into the database beside the writer. An automatic
/// checkpoint runs inside the COMMIT that crossed its threshold, on the
/// writer thread, where its `fsync`s stall every queued write: half of the
/// writer's time under a steady stream of bookmarks. Here a thread of its
/// own runs a passive checkpoint after each commit instead.
pub(super) struct Checkpoints {
    wake: SyncSender<()>,
    wal_pages: Arc<AtomicI64>,
    /// Set while the checkpoint thread waits for the writer lock.
    wants_lock: Arc<AtomicBool>,
    pub(super) limits: WalLimits,
}

impl Checkpoints {
    pub(super) fn start(
        manager: ConnectionManager,
        writer: Arc<Mutex<()>>,
        limits: WalLimits,
    ) -> Result<Self, DbError> {
        let (wake, woken) = mpsc::sync_channel::<()>(1);
        let wal_pages = Arc::new(AtomicI64::new(0));
        let pages = wal_pages.clone();
        let wants_lock = Arc::new(AtomicBool::new(false));
        let wants = wants_lock.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                let mut conn = None;
                // The WAL's size after the last pass under the lock.
                let mut settled = None;
                while woken.recv().is_ok() {
                    if conn.is_none() {
                        conn = r2d2::ManageConnection::connect(&manager).ok();
                    }
                    let Some(c) = conn.as_mut() else { continue };
                    let mut log = checkpoint(c, "PASSIVE");
                    if log.is_some_and(|l| limits.hold_writer(l, settled)) {
                        wants.store(true, Ordering::Release);
                        let _guard = writer.lock().unwrap_or_else(|p| p.into_inner());
                        wants.store(false, Ordering::Release);
                        log = checkpoint(c, "PASSIVE");
                        settled = log;
                    }
                    match log {
                        Some(log) => pages.store(log, Ordering::Relaxed),
                        None => conn = None,
                    }
                }
            })
            .map_err(|e| DbError::Batch(format!("cannot start the checkpoint thread: {e}")))?;
        Ok(Checkpoints {
            wake,
            wal_pages,
            wants_lock,
            limits,
        })
    }

    /// Called by the writer before it takes the writer lock for a batch:
    /// lets a waiting checkpoint take it first. The lock is not fair: the
    /// writer, taking it back batch after batch, would keep the checkpoint
    /// waiting while the WAL it then has to copy keeps growing.
    pub(super) fn let_through(&self) {
        while self.wants_lock.load(Ordering::Acquire) {
            std::thread::yield_now();
        }
    }

    /// Called by the writer after each batch, holding the writer lock.
    pub(super) fn after_commit(&self, conn: &mut DbConnection) {
        if self.wal_pages.load(Ordering::Relaxed) >= self.limits.max_pages {
            if let Some(log) = checkpoint(conn, "RESTART") {
                self.wal_pages.store(log, Ordering::Relaxed);
            }
        }
        // A full channel means a wake-up is pending already.
        let _ = self.wake.try_send(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_is_held_back_once_per_wal() {
        let limits = WalLimits {
            restart_pages: 100,
            max_pages: 400,
            keep_bytes: 0,
        };
        assert!(!limits.hold_writer(99, None));
        assert!(limits.hold_writer(100, None));
        // The locked pass left 120 pages; no batch has come since.
        assert!(!limits.hold_writer(120, Some(120)));
        // A batch appended instead of starting over (a reader held the old WAL).
        assert!(limits.hold_writer(130, Some(120)));
        // Started over and grown again past the threshold.
        assert!(limits.hold_writer(100, Some(120)));
    }
}
