//! Reads on a replica (`DATABASE_REPLICA_URL`). The "replica" here is a
//! second connection to the test's own database, told apart by its
//! `application_name`: enough to show which reads go where, and that a
//! replica out of reach costs no errors. A real streaming replica is
//! exercised by `deploy/check.sh`.

use std::time::{Duration, Instant};

use bukuma_db::testing::TestDb;
use bukuma_db::{Backend, Db, DbConnection, DbError};
use diesel::sql_types::Text;
use diesel::RunQueryDsl;

#[derive(diesel::QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// The `application_name` of the connection a read ran on.
fn app_name(c: &mut DbConnection) -> Result<String, DbError> {
    let DbConnection::Pg(pg) = c else {
        unreachable!("replicas are PostgreSQL")
    };
    Ok(
        diesel::sql_query("SELECT current_setting('application_name') AS name")
            .get_result::<Name>(pg)?
            .name,
    )
}

fn named(url: &str, name: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}application_name={name}")
}

const KEEP: Duration = Duration::from_secs(10);

/// Reads on `db`'s replica until one runs there (its pool opens its
/// connections in the background), for at most five seconds.
fn until_replica_serves(db: &Db) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while db.read_replica(None, app_name).expect("read") != "replica" {
        assert!(Instant::now() < deadline, "the replica never served a read");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn reads_go_to_the_replica_once_it_has_replayed_what_they_must_see() {
    let t = TestDb::postgres();
    let db = Db::connect_with_replica(&t.url, Some(&named(&t.url, "replica")), 4, KEEP)
        .expect("connect");
    assert!(db.has_replica());
    until_replica_serves(&db);
    let before = db.replica_stats().expect("stats");

    // Plain reads: the replica. `Db::read` (jobs, commands): the primary.
    assert_eq!(db.read_replica(None, app_name).expect("read"), "replica");
    assert_ne!(db.read(app_name).expect("read"), "replica");

    // A write's position: the "replica" (the same server) has it.
    let lsn = db
        .note_write(42)
        .expect("note")
        .expect("an LSN with a replica");
    assert_eq!(db.recent_writers().must_see(42), Some(lsn));
    assert_eq!(
        db.read_replica(Some(lsn), app_name).expect("read"),
        "replica"
    );
    // A position not reached yet: the primary.
    assert_ne!(
        db.read_replica(Some(lsn + (1 << 40)), app_name)
            .expect("read"),
        "replica"
    );
    let after = db.replica_stats().expect("stats");
    assert_eq!(after.reads - before.reads, 2);
    assert_eq!(after.fallbacks - before.fallbacks, 1);
}

#[test]
fn a_replica_out_of_reach_sends_reads_to_the_primary_without_errors() {
    let t = TestDb::postgres();
    // Nothing listens on port 1.
    let db = Db::connect_with_replica(
        &t.url,
        Some("postgres://postgres@127.0.0.1:1/nothing?connect_timeout=1"),
        4,
        KEEP,
    )
    .expect("a replica that is down does not stop the start");
    let started = Instant::now();
    for _ in 0..50 {
        assert_ne!(db.read_replica(None, app_name).expect("read"), "replica");
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "reads waited for the replica: {:?}",
        started.elapsed()
    );
    assert_eq!(db.replica_stats().expect("stats").fallbacks, 50);
}

#[test]
fn a_failing_replica_read_runs_again_on_the_primary() {
    let t = TestDb::postgres();
    let db = Db::connect_with_replica(&t.url, Some(&named(&t.url, "replica")), 2, KEEP)
        .expect("connect");
    until_replica_serves(&db);
    // The replica's connections die, as when the replica is stopped.
    db.read(|c| {
        let DbConnection::Pg(pg) = c else {
            unreachable!("replicas are PostgreSQL")
        };
        diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = 'replica'",
        )
        .execute(pg)?;
        Ok(())
    })
    .expect("terminate");
    let before = db.replica_stats().expect("stats");
    for _ in 0..5 {
        assert_ne!(
            db.read_replica(None, app_name)
                .expect("a read survives the replica's dead connections"),
            "replica"
        );
    }
    assert_eq!(
        db.replica_stats().expect("stats").fallbacks - before.fallbacks,
        5
    );
    // And it is used again once it answers.
    until_replica_serves(&db);
}

#[test]
fn writers_noted_by_one_process_are_known_to_the_others() {
    let t = TestDb::postgres();
    let replica = named(&t.url, "replica");
    let a = Db::connect_with_replica(&t.url, Some(&replica), 2, KEEP).expect("a");
    let b = Db::connect_with_replica(&t.url, Some(&replica), 2, KEEP).expect("b");
    let _sync_a = a.start_cache_sync().expect("sync a");
    let _sync_b = b.start_cache_sync().expect("sync b");
    let lsn = a.note_write(7).expect("note").expect("lsn");
    let deadline = Instant::now() + Duration::from_secs(5);
    while b.recent_writers().must_see(7) != Some(lsn) {
        assert!(Instant::now() < deadline, "b never heard of the write");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(b.recent_writers().must_see(8), None);
}

#[test]
fn sqlite_refuses_a_replica() {
    let t = TestDb::new(Backend::Sqlite);
    let e = Db::connect_with_replica(&t.url, Some("postgres://postgres@127.0.0.1/x"), 2, KEEP)
        .expect_err("refused");
    assert!(e.to_string().contains("DATABASE_REPLICA_URL"), "{e}");
    // Without one, nothing changes.
    let db = Db::connect_with_replica(&t.url, None, 2, KEEP).expect("connect");
    assert!(!db.has_replica());
    assert_eq!(db.note_write(1).expect("note"), None);
    assert_eq!(db.read_replica(Some(i64::MAX), |_| Ok(5)).expect("read"), 5);
}
