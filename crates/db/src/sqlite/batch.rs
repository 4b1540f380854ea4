//! Group commit for SQLite: one thread takes the write transactions that
//! concurrent requests queued and commits them together, each inside its own
//! savepoint. SQLite admits one writer at a time and appends every page a
//! transaction dirtied to the WAL at commit; a batch commits once and writes
//! the pages its writes share (a user's rows, a popular entry's) once, on one
//! connection whose page cache stays warm, while a write that fails rolls
//! back its own savepoint and nothing else.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use diesel::connection::SimpleConnection;
use diesel::Connection;

use super::checkpoint::{Checkpoints, WalLimits};
use crate::connection::{ConnectionManager, DbConnection};
use crate::error::DbError;
use crate::versions::Versions;

/// Most writes committed in one transaction.
pub const MAX_BATCH: usize = 64;

/// A queued write: runs inside the batch, returns after the batch ended.
trait Job: Send {
    /// Runs the write in a savepoint of the batch's transaction; false when it panicked.
    fn run(&mut self, conn: &mut DbConnection) -> bool;
    /// Sends the write's result, or `failure` when the batch did not commit.
    fn finish(self: Box<Self>, failure: Option<&str>);
}

struct Pending<T, F> {
    f: F,
    result: Option<Result<T, DbError>>,
    reply: Sender<Result<T, DbError>>,
}

impl<T, F> Job for Pending<T, F>
where
    T: Send,
    F: FnMut(&mut DbConnection) -> Result<T, DbError> + Send,
{
    fn run(&mut self, conn: &mut DbConnection) -> bool {
        let f = &mut self.f;
        match catch_unwind(AssertUnwindSafe(|| conn.transaction(|c| f(c)))) {
            Ok(result) => {
                self.result = Some(result);
                true
            }
            Err(_) => false,
        }
    }

    fn finish(self: Box<Self>, failure: Option<&str>) {
        let result = match (failure, self.result) {
            (None, Some(result)) => result,
            // A write that failed by itself says why, even when its batch failed too.
            (Some(_), Some(Err(e))) => Err(e),
            (Some(why), _) => Err(DbError::Batch(why.to_owned())),
            (None, None) => Err(DbError::Batch("the write did not run".into())),
        };
        // The caller may have gone (its request was cancelled): nothing to tell.
        let _ = self.reply.send(result);
    }
}

/// The queue in front of the writing thread.
pub(crate) struct Batcher {
    queue: Sender<Box<dyn Job>>,
    /// Writes queued or in the batch being written.
    depth: AtomicUsize,
}

impl Batcher {
    /// Starts the writing thread; it ends when the batcher is dropped.
    pub(crate) fn start(
        manager: ConnectionManager,
        writer: Arc<Mutex<()>>,
        versions: Arc<Versions>,
    ) -> Result<Self, DbError> {
        Self::start_with(manager, writer, versions, WalLimits::DEFAULT)
    }

    fn start_with(
        manager: ConnectionManager,
        writer: Arc<Mutex<()>>,
        versions: Arc<Versions>,
        limits: WalLimits,
    ) -> Result<Self, DbError> {
        let (tx, rx) = mpsc::channel::<Box<dyn Job>>();
        let checkpoints = Checkpoints::start(manager.clone(), writer.clone(), limits)?;
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_loop(&rx, &manager, &writer, &versions, &checkpoints))
            .map_err(|e| DbError::Batch(format!("cannot start the writer thread: {e}")))?;
        Ok(Batcher {
            queue: tx,
            depth: AtomicUsize::new(0),
        })
    }

    /// Queues `f` and waits until its batch has ended.
    pub(crate) fn write<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    {
        let (reply, done) = mpsc::channel();
        let job = Box::new(Pending {
            f,
            result: None,
            reply,
        });
        self.depth.fetch_add(1, Ordering::Relaxed);
        let sent = self.queue.send(job);
        let result = match sent {
            Ok(()) => done.recv(),
            Err(_) => Err(mpsc::RecvError),
        };
        self.depth.fetch_sub(1, Ordering::Relaxed);
        result.map_err(|_| DbError::Batch("the writer thread has stopped".into()))?
    }

    /// Writes queued or being written now.
    pub(crate) fn depth(&self) -> usize {
        self.depth.load(Ordering::Relaxed)
    }
}

/// Page cache of the writing connection, in KiB: the size the pooled ones
/// have (a bookmark's index pages are random leaves, so more does not help).
const WRITER_CACHE_KIB: i64 = 8 * 1024;

/// The writing thread's own connection, opened on first use and again after a failure.
fn writer_connection<'c>(
    conn: &'c mut Option<DbConnection>,
    manager: &ConnectionManager,
    limits: &WalLimits,
) -> Result<&'c mut DbConnection, String> {
    if conn.is_none() {
        let mut c = r2d2::ManageConnection::connect(manager).map_err(|e| e.to_string())?;
        // Checkpoints are the business of [`Checkpoints`], not of COMMIT.
        c.batch_execute(&format!(
            "PRAGMA cache_size = -{WRITER_CACHE_KIB}; PRAGMA wal_autocheckpoint = 0; \
             PRAGMA journal_size_limit = {}",
            limits.keep_bytes
        ))
        .map_err(|e| e.to_string())?;
        *conn = Some(c);
    }
    conn.as_mut().ok_or_else(|| "no connection".to_owned())
}

fn write_loop(
    rx: &Receiver<Box<dyn Job>>,
    manager: &ConnectionManager,
    writer: &Mutex<()>,
    versions: &Versions,
    checkpoints: &Checkpoints,
) {
    let mut conn = None;
    // Blocks for the first job of each batch, then takes what else is queued.
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let failure = {
            checkpoints.let_through();
            // The same lock as `Db::write`, whose callers write outside batches.
            let _guard = writer.lock().unwrap_or_else(|p| p.into_inner());
            let started = std::time::Instant::now();
            let failure = versions.publish_after(|| {
                match writer_connection(&mut conn, manager, &checkpoints.limits) {
                    Ok(c) => commit_batch(c, &mut batch),
                    Err(e) => Some(format!("cannot open the database: {e}")),
                }
            });
            if failure.is_some() {
                // Start over on a fresh connection rather than trust this one.
                conn = None;
            }
            tracing::trace!(
                writes = batch.len(),
                micros = started.elapsed().as_micros() as u64,
                failed = failure.is_some(),
                "write batch"
            );
            failure
        };
        for job in batch {
            job.finish(failure.as_deref());
        }
        if let Some(c) = conn.as_mut() {
            let _guard = writer.lock().unwrap_or_else(|p| p.into_inner());
            checkpoints.after_commit(c);
        }
    }
}

/// Runs the batch in one transaction; the reason when it did not commit.
fn commit_batch(conn: &mut DbConnection, batch: &mut [Box<dyn Job>]) -> Option<String> {
    let outcome = conn.transaction(|c| {
        for job in batch.iter_mut() {
            if !job.run(c) {
                // A panic may have left the savepoint open: give the whole
                // batch up (and the connection with it).
                return Err(DbError::Batch("a write in the batch panicked".into()));
            }
        }
        Ok(())
    });
    outcome.err().map(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use diesel::RunQueryDsl;

    use super::*;
    use crate::connection::DbTarget;

    /// Neither the writer nor any COMMIT checkpoints; the checkpoint thread
    /// alone lets the WAL start over while writes keep coming (the `RESTART`
    /// fallback is out of reach here), and every write is in the database.
    /// Starting over cuts the file back to `keep_bytes`, below the size that
    /// triggers it, so a shrinking file shows the restart whatever the
    /// timing of the two threads. (One writer here leaves gaps between
    /// commits in which a passive pass can finish too, so this does not
    /// single out the pass under the writer lock; the bench does.)
    #[test]
    fn the_wal_starts_over_while_writes_keep_coming() {
        let dir = std::env::temp_dir().join(format!(
            "bukuma-wal-{}-{}",
            std::process::id(),
            crate::time::now_micros()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("wal.sqlite3");
        let wal = dir.join("wal.sqlite3-wal");
        let manager = ConnectionManager::new(DbTarget::Sqlite(path));
        let mut check = r2d2::ManageConnection::connect(&manager).expect("open");
        check
            .batch_execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
            .expect("create table");
        let limits = WalLimits {
            restart_pages: 64,
            max_pages: i64::MAX,
            keep_bytes: 16 * 4096,
        };
        let batcher =
            Batcher::start_with(manager, Arc::default(), Arc::default(), limits).expect("start");
        // Each write adds a page of its own.
        const MAX_WRITES: usize = 20_000;
        let mut writes = 0;
        let mut size = 0;
        let mut started_over = false;
        while writes < MAX_WRITES && !started_over {
            batcher
                .write(|c| {
                    c.batch_execute("INSERT INTO blobs (body) VALUES (randomblob(3000))")
                        .map_err(DbError::from)
                })
                .expect("write");
            writes += 1;
            let now = std::fs::metadata(&wal).map_or(0, |m| m.len());
            started_over = now < size;
            size = now;
        }
        drop(batcher);
        assert!(
            started_over,
            "the WAL never started over in {writes} writes ({size} bytes)"
        );
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let DbConnection::Sqlite(c) = &mut check else {
            unreachable!()
        };
        let count = diesel::sql_query("SELECT count(*) AS n FROM blobs")
            .get_result::<Count>(c)
            .expect("count");
        assert_eq!(count.n, writes as i64);
        drop(check);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
