//! `bukuma backup` and `bukuma restore` (the library functions the
//! commands call): a backup taken while writers go on restores into a
//! fresh place with every bookmark acknowledged before it began and exact
//! counters; a restore refuses while a server runs and refuses files that
//! are not bukuma databases.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bukuma_api::backup::{self, BackupError, ServerLock};
use bukuma_api::indexer::Progress;
use bukuma_api::Config;
use bukuma_db::testing::audit;
use bukuma_db::testing::builders::{BookmarkBuilder, UserBuilder};
use bukuma_db::{both_backends, Db, DbTarget};
use bukuma_domain::BookmarkId;

use crate::harness::TestDb;

struct Quiet;

impl Progress for Quiet {
    fn phase(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
}

fn config(url: &str, search: &std::path::Path) -> Config {
    let mut c = Config::for_tests(url);
    c.search_dir = search.to_path_buf();
    c
}

/// Writers save bookmarks on `db` until `stop`; each acknowledged id goes
/// into `acked`.
fn start_writers(
    db: &Db,
    stop: &Arc<AtomicBool>,
    acked: &Arc<Mutex<Vec<BookmarkId>>>,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..4)
        .map(|w| {
            let user = db
                .write(|c| UserBuilder::new(&format!("writer{w}")).insert(c))
                .expect("user")
                .id;
            let (db, stop, acked) = (db.clone(), stop.clone(), acked.clone());
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    // Shared URLs, so entry counts move under several writers.
                    let url = format!("https://example.com/{}/{}", n % 50, n / 50 % 3 + w % 2);
                    let tags = [format!("t{}", n % 7), format!("w{w}")];
                    let b = BookmarkBuilder::new(user, &url)
                        .title("A title")
                        .comment("a comment")
                        .tags(&tags)
                        .is_private(n.is_multiple_of(5));
                    let saved = db.write_autocommit(move |c| b.clone().save(c));
                    let (view, _) = saved.expect("save");
                    acked.lock().expect("lock").push(view.bookmark.id);
                    n += 1;
                }
            })
        })
        .collect()
}

/// Polls `done` until it holds, failing after a minute.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "no {what} within a minute"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn present(db: &Db, ids: &[BookmarkId]) -> usize {
    use bukuma_db::schema::bookmarks as b;
    use diesel::prelude::*;
    let found: Vec<BookmarkId> = db
        .read(|c| Ok(b::table.select(b::id).load(c)?))
        .expect("ids");
    let found: std::collections::HashSet<BookmarkId> = found.into_iter().collect();
    ids.iter().filter(|id| found.contains(id)).count()
}

fn a_backup_under_write_load_restores_every_acknowledged_bookmark(t: &TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("bukuma.backup");
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::new()));
    let writers = start_writers(t, &stop, &acked);
    let acked_count = || acked.lock().expect("lock").len();
    wait_until("20 writes before the backup", || acked_count() >= 20);
    // Saving a URL again updates the bookmark: each id once.
    let mut before: Vec<BookmarkId> = acked.lock().expect("lock").clone();
    before.sort();
    before.dedup();
    let at_backup = acked_count();
    backup::backup(&config(&t.url, &dir.path().join("s0")), &file).expect("backup");
    // The writers were never held up by the backup: they go on after it.
    wait_until("a write after the backup", || acked_count() > at_backup);
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().expect("writer");
    }
    let total = {
        let mut all = acked.lock().expect("lock").clone();
        all.sort();
        all.dedup();
        all.len()
    };
    assert!(
        before.len() >= 20,
        "writers wrote {} before the backup",
        before.len()
    );
    assert!(total > before.len(), "writes went on during the backup");
    assert!(matches!(
        backup::backup(&config(&t.url, &dir.path().join("s0")), &file),
        Err(BackupError::Exists(_))
    ));

    // Restored into a fresh place: a new file, or a new PostgreSQL database.
    let fresh_pg;
    let url = match DbTarget::parse(&t.url).expect("url") {
        DbTarget::Sqlite(_) => format!(
            "sqlite://{}",
            dir.path().join("fresh").join("bukuma.sqlite3").display()
        ),
        DbTarget::Postgres(_) => {
            fresh_pg = TestDb::postgres();
            fresh_pg.url.clone()
        }
    };
    let search = dir.path().join("search");
    let restored = backup::restore(&config(&url, &search), &file, false, &Quiet).expect("restore");
    let db = Db::connect(&url, 2).expect("open restored");
    assert_eq!(
        present(&db, &before),
        before.len(),
        "every acknowledged bookmark"
    );
    let problems = db.read(audit::check_counters).expect("audit");
    assert!(problems.is_empty(), "counters differ: {problems:#?}");
    assert!(restored.bookmarks as usize >= before.len(), "{restored:?}");
    assert!(
        search.join("CURRENT").is_file(),
        "the search index was rebuilt"
    );
    eprintln!(
        "{} bookmarks acknowledged before the backup, {} in all; {} restored and indexed",
        before.len(),
        total,
        restored.bookmarks
    );
}
both_backends!(a_backup_under_write_load_restores_every_acknowledged_bookmark);

#[test]
fn a_restore_is_refused_while_a_server_runs_and_for_files_that_are_not_bukuma_databases() {
    let t = TestDb::sqlite();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("good.backup");
    let live = config(&t.url, &dir.path().join("search"));
    backup::backup(&live, &file).expect("backup");

    let server = ServerLock::for_server(&live)
        .expect("lock")
        .expect("SQLite");
    let refused = backup::restore(&live, &file, false, &Quiet);
    assert!(
        matches!(refused, Err(BackupError::ServerRunning(_))),
        "{refused:?}"
    );
    drop(server);

    let junk = dir.path().join("junk.backup");
    std::fs::write(&junk, b"not a database at all, just some bytes").expect("write");
    let empty_sqlite = dir.path().join("other.sqlite3");
    {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let mut c = diesel::SqliteConnection::establish(empty_sqlite.to_str().expect("utf-8"))
            .expect("open");
        c.batch_execute("CREATE TABLE t (x INTEGER)")
            .expect("create");
    }
    for bad in [&junk, &empty_sqlite] {
        let res = backup::restore(&live, bad, false, &Quiet);
        assert!(
            matches!(res, Err(BackupError::NotABackup(..))),
            "{}: {res:?}",
            bad.display()
        );
        // The database was left alone.
        assert!(t.read(audit::check_counters).is_ok());
    }
    backup::restore(&live, &file, false, &Quiet).expect("the good backup restores");
}
