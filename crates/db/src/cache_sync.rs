//! Keeps the [`Versions`] of several processes on one PostgreSQL database in
//! step, so that a write through any process invalidates what the others
//! cached: each process sends the version slots its writes bumped with
//! `pg_notify` on a connection of its own, and applies those the others
//! send, heard through `LISTEN` on another.
//!
//! A write that withdraws something from public view (see
//! [`crate::versions`]) answers once its slots were sent (at most a second
//! when the sender is stuck); other writes go out with the sender's next
//! message. The listener applies what arrives within [`POLL`]. A listener
//! that lost its connection bumps every version once it is back, since it
//! may have missed some.
//!
//! The listener also hears which users wrote through the other processes
//! (on [`crate::replica::CHANNEL`], see [`Db::note_write`](crate::Db::note_write)),
//! so that their reads wait for the replica to replay their writes whichever
//! process serves them.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use crate::connection::{ConnectionManager, DbConnection};
use crate::error::DbError;
use crate::replica::RecentWriters;
use crate::versions::{Versions, SLOT_COUNT};

const CHANNEL: &str = "bukuma_versions";
/// How often the listener looks for notifications.
const POLL: Duration = Duration::from_millis(5);
/// How long a lost connection waits before it is opened again.
const RECONNECT: Duration = Duration::from_millis(500);
/// Slots per notification: a payload stays well under PostgreSQL's 8000 bytes.
const SLOTS_PER_MESSAGE: usize = 1500;

/// The running sender and listener; dropping it stops both.
pub struct CacheSync {
    stop: Arc<AtomicBool>,
    versions: Arc<Versions>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for CacheSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheSync").finish_non_exhaustive()
    }
}

impl Drop for CacheSync {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.versions.set_sharing(false);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn open(manager: &ConnectionManager) -> Result<PgConnection, DbError> {
    match r2d2::ManageConnection::connect(manager)? {
        DbConnection::Pg(c) => Ok(c),
        DbConnection::Sqlite(_) => Err(DbError::Config("cache sync needs PostgreSQL".to_owned())),
    }
}

#[derive(QueryableByName)]
struct Pid {
    #[diesel(sql_type = Integer)]
    pid: i32,
}

/// Starts sharing `versions` with the other processes on the database of
/// `manager` (a PostgreSQL one). Both connections are opened before it
/// returns, so a misconfigured database fails the start.
pub(crate) fn start(
    manager: ConnectionManager,
    versions: Arc<Versions>,
    writers: Arc<RecentWriters>,
) -> Result<CacheSync, DbError> {
    let stop = Arc::new(AtomicBool::new(false));
    // The sender's backend pid: the listener skips what this process sent.
    let own_pid = Arc::new(AtomicI32::new(0));
    let mut sender = open(&manager)?;
    own_pid.store(backend_pid(&mut sender)?, Ordering::Release);
    let mut listener = open(&manager)?;
    listen(&mut listener)?;
    versions.set_sharing(true);
    let send = {
        let (stop, versions, own_pid, manager) = (
            stop.clone(),
            versions.clone(),
            own_pid.clone(),
            manager.clone(),
        );
        std::thread::Builder::new()
            .name("cache-sync-send".to_owned())
            .spawn(move || run_sender(sender, &manager, &versions, &stop, &own_pid))
            .map_err(|e| DbError::Config(format!("cannot start cache sync: {e}")))?
    };
    let hear = {
        let (stop, versions) = (stop.clone(), versions.clone());
        std::thread::Builder::new()
            .name("cache-sync-listen".to_owned())
            .spawn(move || run_listener(listener, &manager, &versions, &writers, &stop, &own_pid))
            .map_err(|e| DbError::Config(format!("cannot start cache sync: {e}")))?
    };
    Ok(CacheSync {
        stop,
        versions,
        threads: vec![send, hear],
    })
}

fn backend_pid(conn: &mut PgConnection) -> Result<i32, DbError> {
    Ok(diesel::sql_query("SELECT pg_backend_pid() AS pid")
        .get_result::<Pid>(conn)?
        .pid)
}

fn listen(conn: &mut PgConnection) -> Result<(), DbError> {
    diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(conn)?;
    diesel::sql_query(format!("LISTEN {}", crate::replica::CHANNEL)).execute(conn)?;
    Ok(())
}

/// The payloads that carry `slots` (`None`: every slot, as `*`).
fn payloads(slots: Option<&[u16]>) -> Vec<String> {
    match slots {
        None => vec!["*".to_owned()],
        Some(slots) => slots
            .chunks(SLOTS_PER_MESSAGE)
            .map(|chunk| {
                chunk
                    .iter()
                    .map(|s| format!("{s:x}"))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect(),
    }
}

fn notify(conn: &mut PgConnection, payload: &str) -> Result<(), DbError> {
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<Text, _>(CHANNEL)
        .bind::<Text, _>(payload)
        .execute(conn)?;
    Ok(())
}

fn run_sender(
    mut conn: PgConnection,
    manager: &ConnectionManager,
    versions: &Versions,
    stop: &AtomicBool,
    own_pid: &AtomicI32,
) {
    // After a failure nobody knows what the others missed: the first
    // message on the new connection bumps every slot.
    let mut lost = false;
    while !stop.load(Ordering::Acquire) {
        let Some(out) = versions.take_outgoing(Duration::from_millis(100)) else {
            continue;
        };
        let slots = if lost { None } else { out.slots.as_deref() };
        let sent = payloads(slots)
            .iter()
            .try_for_each(|p| notify(&mut conn, p));
        // Writes waiting for this go on either way: a failed send is made
        // good by the `*` that follows the reconnection.
        versions.mark_sent(out.upto);
        lost = false;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "cache sync: sending failed; reconnecting");
            lost = true;
            conn = loop {
                if stop.load(Ordering::Acquire) {
                    return;
                }
                std::thread::sleep(RECONNECT);
                match open(manager).and_then(|mut c| {
                    own_pid.store(backend_pid(&mut c)?, Ordering::Release);
                    Ok(c)
                }) {
                    Ok(c) => break c,
                    Err(e) => tracing::warn!(error = %e, "cache sync: cannot reconnect"),
                }
            };
            // Tell the others at once rather than with the next write.
            if notify(&mut conn, "*").is_ok() {
                lost = false;
            }
        }
    }
}

/// Applies one payload from another process.
fn apply(versions: &Versions, payload: &str) {
    if payload == "*" {
        versions.bump_all();
        return;
    }
    for part in payload.split(',') {
        match usize::from_str_radix(part, 16) {
            Ok(slot) if slot < SLOT_COUNT => versions.bump_slot(slot),
            // Not ours to read: safest to drop everything cached.
            _ => versions.bump_all(),
        }
    }
}

fn run_listener(
    mut conn: PgConnection,
    manager: &ConnectionManager,
    versions: &Versions,
    writers: &RecentWriters,
    stop: &AtomicBool,
    own_pid: &AtomicI32,
) {
    while !stop.load(Ordering::Acquire) {
        let mut failed = None;
        for n in conn.notifications_iter() {
            match n {
                Ok(n) if n.channel == crate::replica::CHANNEL => writers.apply(&n.payload),
                Ok(n) if n.process_id == own_pid.load(Ordering::Acquire) => {}
                Ok(n) => apply(versions, &n.payload),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = failed {
            tracing::warn!(error = %e, "cache sync: listening failed; reconnecting");
            conn = loop {
                if stop.load(Ordering::Acquire) {
                    return;
                }
                std::thread::sleep(RECONNECT);
                match open(manager).and_then(|mut c| listen(&mut c).map(|()| c)) {
                    Ok(c) => break c,
                    Err(e) => tracing::warn!(error = %e, "cache sync: cannot reconnect"),
                }
            };
            // Whatever was sent meanwhile is lost.
            versions.bump_all();
            writers.hold_everyone();
            continue;
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_split_long_lists_and_apply_bumps_exactly_those_slots() {
        let slots: Vec<u16> = (0..4000).collect();
        let parts = payloads(Some(&slots));
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.len() < 8000));
        assert_eq!(payloads(None), ["*"]);

        let v = Versions::default();
        let before: Vec<u64> = (0..SLOT_COUNT).map(|s| v.slot_value(s)).collect();
        apply(&v, "0,a,3fff,4000");
        let moved: Vec<usize> = (0..SLOT_COUNT)
            .filter(|s| v.slot_value(*s) != before[*s])
            .collect();
        assert_eq!(moved, [0, 10, 0x3fff, 0x4000]);
    }
}
