//! A PostgreSQL streaming replica that takes reads off the primary
//! (`DATABASE_REPLICA_URL`), and the notes that keep a writer's reads on
//! the primary until the replica has replayed their writes.
//!
//! Positions in the write-ahead log (LSNs) are compared as byte offsets
//! (`pg_lsn - '0/0'`). A write notes the primary's insert position after it
//! committed; a read that must see it runs on the replica only once the
//! replica's replay position has passed it, else on the primary. A replica
//! that cannot be reached, or fails a read for a reason of its own, sends
//! reads to the primary: a failed replica costs load, not errors.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{BigInt, Text};

use crate::connection::{ConnectionManager, DbConnection};
use crate::error::DbError;

/// The channel on which processes tell each other who wrote, at which LSN.
pub(crate) const CHANNEL: &str = "bukuma_writers";

/// How long a write's answer waits after its note was sent: twice the time
/// the other processes' listeners take to look for notes, so that the
/// writer's next request finds it there whichever process serves it.
pub const NOTE_DELIVERY: Duration = Duration::from_millis(10);

/// How long reads skip a replica that failed before trying it again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

#[derive(QueryableByName)]
struct Lsn {
    #[diesel(sql_type = BigInt)]
    lsn: i64,
}

/// Opens replica connections, each marked with the generation it was opened
/// in: after a replica connection died, those of earlier generations (most
/// likely dead too; diesel cannot tell) leave the pool when next returned.
#[derive(Debug)]
struct Manager {
    inner: ConnectionManager,
    generation: Arc<AtomicU64>,
}

struct Conn {
    conn: DbConnection,
    generation: u64,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Conn;
    type Error = DbError;

    fn connect(&self) -> Result<Conn, DbError> {
        let generation = self.generation.load(Ordering::Acquire);
        Ok(Conn {
            conn: self.inner.connect()?,
            generation,
        })
    }

    fn is_valid(&self, c: &mut Conn) -> Result<(), DbError> {
        self.inner.is_valid(&mut c.conn)
    }

    fn has_broken(&self, c: &mut Conn) -> bool {
        c.generation < self.generation.load(Ordering::Acquire) || self.inner.has_broken(&mut c.conn)
    }
}

/// The replica's pool and what reads learnt of it.
pub(crate) struct Replica {
    pool: r2d2::Pool<Manager>,
    /// Moves when a replica connection died.
    generation: Arc<AtomicU64>,
    started: Instant,
    /// Reads skip the replica until this many milliseconds after `started`.
    down_until: AtomicU64,
    /// The highest replay position seen on the replica.
    replayed: AtomicI64,
    reads: AtomicU64,
    fallbacks: AtomicU64,
}

/// Reads the replica served and those that went to the primary instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReplicaStats {
    /// Reads that ran on the replica.
    pub reads: u64,
    /// Reads meant for the replica that ran on the primary: the replica was
    /// down, busy or behind the reader's last write.
    pub fallbacks: u64,
}

/// r2d2 logs every failed connection attempt as an error; a replica that is
/// down would fill the log with them, and reads say so once instead.
#[derive(Debug)]
struct QuietErrors;

impl r2d2::HandleError<DbError> for QuietErrors {
    fn handle_error(&self, error: DbError) {
        tracing::debug!(error = %error, "replica connection failed");
    }
}

impl Replica {
    /// A pool of `max_size` connections to the replica behind `manager`. It
    /// opens its connections in the background: a replica that is down at
    /// start does not stop the server.
    pub(crate) fn new(manager: ConnectionManager, max_size: u32) -> Self {
        let generation = Arc::new(AtomicU64::new(0));
        let manager = Manager {
            inner: manager,
            generation: generation.clone(),
        };
        let pool = r2d2::Pool::builder()
            .max_size(max_size.max(1))
            .connection_timeout(Duration::from_secs(2))
            .test_on_check_out(false)
            .error_handler(Box::new(QuietErrors))
            .build_unchecked(manager);
        Replica {
            pool,
            generation,
            started: Instant::now(),
            down_until: AtomicU64::new(0),
            replayed: AtomicI64::new(0),
            reads: AtomicU64::new(0),
            fallbacks: AtomicU64::new(0),
        }
    }

    pub(crate) fn stats(&self) -> ReplicaStats {
        ReplicaStats {
            reads: self.reads.load(Ordering::Relaxed),
            fallbacks: self.fallbacks.load(Ordering::Relaxed),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// After a replica connection failed: reads skip the replica for a
    /// while, and the connections opened so far leave the pool.
    fn mark_down(&self, error: &DbError) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let until = self.now_ms() + RETRY_AFTER.as_millis() as u64;
        if self.down_until.swap(until, Ordering::AcqRel) <= self.now_ms() {
            tracing::warn!(error = %error, "replica unavailable; reading from the primary");
        }
    }

    /// Runs `f` on the replica when it is up, has a connection free and has
    /// replayed `after`; `None` when the read has to go to the primary.
    pub(crate) fn try_read<T>(
        &self,
        after: Option<i64>,
        f: &mut impl FnMut(&mut DbConnection) -> Result<T, DbError>,
    ) -> Option<Result<T, DbError>> {
        let result = self.try_read_inner(after, f);
        match &result {
            Some(Ok(_)) => {
                self.reads.fetch_add(1, Ordering::Relaxed);
            }
            Some(Err(_)) => {}
            None => {
                self.fallbacks.fetch_add(1, Ordering::Relaxed);
            }
        }
        result
    }

    fn try_read_inner<T>(
        &self,
        after: Option<i64>,
        f: &mut impl FnMut(&mut DbConnection) -> Result<T, DbError>,
    ) -> Option<Result<T, DbError>> {
        if self.down_until.load(Ordering::Acquire) > self.now_ms() {
            return None;
        }
        // No connection free (busy, or none opened yet): the primary serves.
        let mut pooled = self.pool.try_get()?;
        if pooled.generation < self.generation.load(Ordering::Acquire) {
            // Opened before a failure: it leaves the pool as it returns.
            return None;
        }
        let conn = &mut pooled.conn;
        if let Some(after) = after {
            if self.replayed.load(Ordering::Acquire) < after {
                match replay_position(conn) {
                    Ok(at) => {
                        self.replayed.fetch_max(at, Ordering::AcqRel);
                        if at < after {
                            return None;
                        }
                    }
                    Err(e) => {
                        self.mark_down(&e);
                        return None;
                    }
                }
            }
        }
        match f(conn) {
            Err(e) if lost(&e) => {
                self.mark_down(&e);
                None
            }
            // Cancelled for a conflict with the replay of the primary's
            // changes: this read runs on the primary.
            Err(e) if recovery_conflict(&e) => None,
            other => Some(other),
        }
    }
}

/// Whether the replica connection is gone (the replica stopped or
/// restarted, the network failed).
fn lost(e: &DbError) -> bool {
    match e {
        DbError::Pool(_) | DbError::Connection(_) => true,
        DbError::Query(DieselError::DatabaseError(kind, _)) => matches!(
            kind,
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand
        ),
        _ => false,
    }
}

/// Whether the replica cancelled the query because it conflicted with the
/// replay of the primary's changes (SQLSTATE 40001).
fn recovery_conflict(e: &DbError) -> bool {
    match e {
        DbError::Query(DieselError::DatabaseError(kind, info)) => {
            matches!(kind, DatabaseErrorKind::SerializationFailure)
                || info.message().contains("conflict with recovery")
        }
        _ => false,
    }
}

/// The PostgreSQL connection inside `conn`.
fn pg(conn: &mut DbConnection) -> Result<&mut PgConnection, DbError> {
    match conn {
        DbConnection::Pg(c) => Ok(c),
        DbConnection::Sqlite(_) => Err(DbError::Config("replicas need PostgreSQL".to_owned())),
    }
}

/// How far the server behind `conn` has replayed the primary's log; a
/// server that is not replaying (a primary) answers its own position.
fn replay_position(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(diesel::sql_query(
        "SELECT (COALESCE(pg_last_wal_replay_lsn(), pg_current_wal_insert_lsn()) \
         - '0/0'::pg_lsn)::bigint AS lsn",
    )
    .get_result::<Lsn>(pg(conn)?)?
    .lsn)
}

/// The primary's log position now, after `user`'s write, told to every
/// process on the database (on [`CHANNEL`]) in the same statement.
pub(crate) fn note_write(conn: &mut DbConnection, user: i64) -> Result<i64, DbError> {
    Ok(diesel::sql_query(format!(
        "SELECT w.lsn FROM (SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint AS lsn) w, \
         LATERAL pg_notify('{CHANNEL}', $1 || ':' || w.lsn) AS n"
    ))
    .bind::<Text, _>(user.to_string())
    .get_result::<Lsn>(pg(conn)?)?
    .lsn)
}

/// Most writers remembered; past it, notes that ran out are dropped.
const MAX_WRITERS: usize = 100_000;

/// Users who wrote lately through any process, with the log position their
/// reads must see, each kept for a bounded time.
pub struct RecentWriters {
    keep: Duration,
    notes: Mutex<HashMap<i64, (i64, Instant)>>,
    /// Every read goes to the primary until then: notes may have been lost
    /// (the listener lost its connection).
    everyone_until: Mutex<Option<Instant>>,
}

impl RecentWriters {
    pub fn new(keep: Duration) -> Self {
        RecentWriters {
            keep,
            notes: Mutex::default(),
            everyone_until: Mutex::default(),
        }
    }

    /// Notes that `user` wrote before the log position `lsn`.
    pub fn wrote(&self, user: i64, lsn: i64) {
        let until = Instant::now() + self.keep;
        let mut notes = self.notes.lock().unwrap_or_else(|p| p.into_inner());
        if notes.len() >= MAX_WRITERS {
            let now = Instant::now();
            notes.retain(|_, (_, until)| *until > now);
        }
        let note = notes.entry(user).or_insert((lsn, until));
        note.0 = note.0.max(lsn);
        note.1 = until;
    }

    /// The log position `user`'s reads must see now, if any. `Some(i64::MAX)`
    /// (never replayed) while every reader is held on the primary.
    pub fn must_see(&self, user: i64) -> Option<i64> {
        let now = Instant::now();
        if self
            .everyone_until
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|until| until > now)
        {
            return Some(i64::MAX);
        }
        let notes = self.notes.lock().unwrap_or_else(|p| p.into_inner());
        notes
            .get(&user)
            .filter(|(_, until)| *until > now)
            .map(|(lsn, _)| *lsn)
    }

    /// Sends every signed-in reader to the primary for the keeping time.
    pub(crate) fn hold_everyone(&self) {
        *self
            .everyone_until
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(Instant::now() + self.keep);
    }

    /// Applies a note another process sent (`user:lsn`).
    pub(crate) fn apply(&self, payload: &str) {
        let parsed = payload
            .split_once(':')
            .and_then(|(u, l)| Some((u.parse().ok()?, l.parse().ok()?)));
        match parsed {
            Some((user, lsn)) => self.wrote(user, lsn),
            // Not ours to read: hold everyone rather than guess.
            None => self.hold_everyone(),
        }
    }
}

impl Default for RecentWriters {
    fn default() -> Self {
        RecentWriters::new(Duration::from_secs(10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_keep_the_highest_position_for_a_bounded_time() {
        let w = RecentWriters::new(Duration::from_millis(50));
        assert_eq!(w.must_see(1), None);
        w.wrote(1, 100);
        w.apply("1:90");
        assert_eq!(w.must_see(1), Some(100));
        w.apply("2:7");
        assert_eq!(w.must_see(2), Some(7));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(w.must_see(1), None);
        // A payload it cannot read holds every reader on the primary.
        w.apply("garbage");
        assert_eq!(w.must_see(3), Some(i64::MAX));
    }
}
