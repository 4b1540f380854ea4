//! PostgreSQL only: prepared statements, dropped connections, the
//! two-statement creation path and its fallback.

use bukuma_db::bookmarks::{self, BookmarkInput, IfExists, SaveOutcome};
use bukuma_db::stars::CommentSort;
use bukuma_db::{entries, stars, users, DbError};
use bukuma_domain::{EntryId, NormalizedUrl, Tags, UserId};

use crate::common::{assert_consistent, opts, user};

/// Lists whose queries spell a partial index's predicate literally
/// (comments, hot and new entries) stay prepared: PostgreSQL lists them
/// among the session's prepared statements once they ran, where a query
/// holding diesel's `sql` literal would be parsed and planned on every
/// execution.
#[test]
fn lists_with_fixed_conditions_stay_prepared() {
    use diesel::sql_types::BigInt;
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let t = bukuma_db::testing::TestDb::postgres();
    let prepared =
        t.db.read(|c| {
            stars::list(c, EntryId(1), CommentSort::Popular, None, None, 20)?;
            entries::hot(c, None, None, 20)?;
            entries::newest(c, None, 20)?;
            let bukuma_db::DbConnection::Pg(pg) = c else {
                unreachable!()
            };
            let mut count = |pattern: &str| {
                diesel::sql_query(
                    "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE $1",
                )
                .bind::<diesel::sql_types::Text, _>(pattern)
                .get_result::<Count>(pg)
                .map(|c| c.n)
            };
            Ok(vec![
                count("%bookmarks.comment <> ''%")?,
                count("%entries.hot_score > 0%")?,
                count("%entries.listed_at IS NOT NULL%")?,
            ])
        })
        .expect("lists");
    assert_eq!(prepared, vec![1, 1, 1], "comments, hot, new");
}

/// Pooled PostgreSQL connections are not tested on checkout; one whose
/// server hung up is replaced when it fails: a read runs again on the new
/// connection, a write (whose COMMIT may or may not have landed) reports the
/// failure, and the pool never hands out the dead connection again.
#[test]
fn postgres_connections_whose_server_hung_up_are_replaced() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let t = bukuma_db::testing::TestDb::postgres();
    let db = &t.db;
    let me = user(db, "alice");
    let kill_all = || {
        let mut admin = diesel::pg::PgConnection::establish(&t.url).expect("admin connection");
        admin
            .batch_execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .expect("terminate backends");
    };

    kill_all();
    for _ in 0..20 {
        let found = db
            .read(|c| users::find_by_name(c, "alice"))
            .expect("a read survives a dead connection");
        assert_eq!(found.map(|u| u.id), Some(me));
    }

    kill_all();
    let mut failed = 0;
    let mut i = 0;
    loop {
        let url = format!("https://example.com/after-restart/{i}");
        i += 1;
        let url = NormalizedUrl::parse(&url).expect("url");
        let input = BookmarkInput::default();
        match db.write(|c| bookmarks::save(c, me, &url, &input, opts(), IfExists::Update)) {
            Ok(_) => break,
            Err(e) => {
                assert!(e.is_disconnect(), "unexpected error {e}");
                failed += 1;
                assert!(failed <= 8, "a dead connection was handed out twice");
            }
        }
    }
    for j in 0..20 {
        let url = NormalizedUrl::parse(&format!("https://example.com/later/{j}")).expect("url");
        let input = BookmarkInput::default();
        db.write(|c| bookmarks::save(c, me, &url, &input, opts(), IfExists::Update))
            .expect("writes after the dead connections were replaced");
    }
    assert_consistent(db);
}

/// On PostgreSQL a new bookmark made outside a transaction takes two
/// statements and no `BEGIN`/`COMMIT`, on a new entry as on an existing one;
/// an update goes through the transaction.
#[test]
fn postgres_creates_a_bookmark_in_two_statements() {
    use diesel::connection::{Connection, InstrumentationEvent};
    use std::sync::{Arc, Mutex};
    let t = bukuma_db::testing::TestDb::postgres();
    let db = &t.db;
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    let sent: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut conn = db.conn().expect("connection");
    let bukuma_db::DbConnection::Pg(pg) = &mut *conn else {
        unreachable!()
    };
    let log = sent.clone();
    pg.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            log.lock().expect("log").push(query.to_string());
        }
    });
    let tags = Tags::parse(&["rust", "db"]).expect("tags");
    let mut save = |user_id: UserId, url: &str| {
        sent.lock().expect("log").clear();
        let url = NormalizedUrl::parse(url).expect("url");
        let input = BookmarkInput {
            comment: Some("two statements"),
            tags: Some(&tags),
            ..Default::default()
        };
        let (view, created) =
            bookmarks::save(&mut conn, user_id, &url, &input, opts(), IfExists::Update)
                .expect("save");
        let statements = std::mem::take(&mut *sent.lock().expect("log"));
        let stored = db
            .read(|c| bookmarks::find_view(c, view.bookmark.id, Some(user_id)))
            .expect("read")
            .expect("stored");
        assert_eq!(view, stored, "the answer is the stored bookmark");
        (view, created, statements)
    };
    let (first, created, statements) = save(a, "https://two.example/new");
    assert_eq!(created, SaveOutcome::Created);
    assert_eq!(statements.len(), 2, "{statements:#?}");
    assert!(
        statements[1].contains("INSERT INTO entries"),
        "{statements:#?}"
    );
    let (second, created, statements) = save(b, "https://two.example/new");
    assert_eq!(created, SaveOutcome::Created);
    assert_eq!(statements.len(), 2, "{statements:#?}");
    assert_eq!(second.entry.bookmark_count, 2);
    assert_eq!(second.entry.id, first.entry.id);
    let (again, created, statements) = save(a, "https://two.example/new");
    assert_eq!(created, SaveOutcome::Updated);
    assert_eq!(again.bookmark.id, first.bookmark.id);
    assert!(
        statements.iter().any(|s| s.starts_with("BEGIN")),
        "{statements:#?}"
    );
    assert_consistent(db);
}

/// Blocks until a session of the test database `url` waits for a lock.
fn await_lock_waiter(url: &str) {
    use diesel::sql_types::BigInt;
    use diesel::{Connection, RunQueryDsl};
    let mut watcher = diesel::pg::PgConnection::establish(url).expect("watcher");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let waiting: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
            "(SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock')",
        ))
        .get_result(&mut watcher)
        .expect("pg_stat_activity");
        if waiting > 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no session came to wait for the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// A creation outside a transaction whose second statement meets another
/// writer's uncommitted work (the URL's new entry, or the same user's
/// bookmark of it) waits for it, fails whole, and is made again in a
/// transaction: one bookmark, exact counters.
#[test]
fn postgres_creations_that_race_another_writer_fall_back_to_a_transaction() {
    use diesel::Connection;
    let t = bukuma_db::testing::TestDb::postgres();
    let db = &t.db;
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    // `holder` bookmarks `url` in a transaction that commits only once
    // `racer`'s save waits for it; the racer's answer.
    let race = |holder: UserId, racer: UserId, url: &str, comment: &'static str| {
        let url = NormalizedUrl::parse(url).expect("url");
        std::thread::scope(|s| {
            let mut conn = db.conn().expect("connection");
            let racing = conn
                .transaction(|c| {
                    bookmarks::save(
                        c,
                        holder,
                        &url,
                        &BookmarkInput::default(),
                        opts(),
                        IfExists::Update,
                    )?;
                    let url = url.clone();
                    let racing = s.spawn(move || {
                        db.write_autocommit(move |c| {
                            let input = BookmarkInput {
                                comment: Some(comment),
                                ..Default::default()
                            };
                            bookmarks::save(c, racer, &url, &input, opts(), IfExists::Update)
                        })
                    });
                    await_lock_waiter(&t.url);
                    Ok::<_, DbError>(racing)
                })
                .expect("holder");
            racing.join().expect("racer").expect("racer's save")
        })
    };
    // Bob's transaction makes the entry; alice's insert of it does nothing
    // and her bookmark's foreign key fails, so the fallback finds it.
    let (view, created) = race(b, a, "https://race.example/entry", "second");
    assert_eq!(created, SaveOutcome::Created);
    assert_eq!(view.entry.bookmark_count, 2);
    assert_eq!(view.bookmark.comment, "second");
    let bobs = db
        .read(|c| bookmarks::find_by_url(c, b, "https://race.example/entry"))
        .expect("read")
        .expect("bob's bookmark");
    assert_eq!(view.entry.id, bobs.entry.id);
    // Carol's own transaction makes her bookmark of the existing entry; her
    // racing insert breaks the unique key, so the fallback updates it.
    let c = user(db, "carol");
    let (view, created) = race(c, c, "https://race.example/entry", "third");
    assert_eq!(created, SaveOutcome::Updated);
    let stored = db
        .read(|conn| bookmarks::find_by_url(conn, c, "https://race.example/entry"))
        .expect("read")
        .expect("carol's bookmark");
    assert_eq!(stored.bookmark.id, view.bookmark.id);
    assert_eq!(stored.bookmark.comment, "third");
    assert_eq!(stored.entry.bookmark_count, 3);
    assert_consistent(db);
}

/// Waits until `done` holds, for at most five seconds.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// Two pools on one database stand for two `bukuma serve` processes: with
/// cache sync, a write through either moves the versions the other's read
/// cache is keyed by, and only those; a write answers after it was sent.
#[test]
fn cache_sync_carries_version_bumps_between_processes() {
    use bukuma_db::versions::{touch_bookmark, Scope};
    use bukuma_db::Db;
    let t = bukuma_db::testing::TestDb::postgres();
    let other = Db::connect(&t.url, 2).expect("second pool");
    let _a = t.db.start_cache_sync().expect("sync a").expect("postgres");
    let _b = other.start_cache_sync().expect("sync b").expect("postgres");
    let me = user(&t.db, "alice");
    let (mine, elsewhere) = (Scope::UserLists(me), Scope::UserLists(UserId(me.0 + 1)));
    let before = (other.versions().get(mine), other.versions().get(elsewhere));
    let own_before = t.db.versions().get(mine);
    t.db.write(|_| {
        touch_bookmark(me, ["rust"]);
        Ok(())
    })
    .expect("write");
    eventually("the other process hears of the write", || {
        other.versions().get(mine) != before.0
    });
    assert_eq!(
        other.versions().get(elsewhere),
        before.1,
        "only its slots move"
    );
    // The writer's own versions moved once, not again by its own message.
    assert_eq!(t.db.versions().get(mine), own_before + 1);

    // The other way round, through a real bookmark write.
    let before = t.db.versions().get(Scope::UserLists(me));
    let bob_id = user(&other, "bob");
    assert_ne!(bob_id, me);
    let save =
        bukuma_db::testing::builders::BookmarkBuilder::new(me, "https://example.com/a").title("A");
    other.write(|c| save.save(c).map(drop)).expect("save");
    eventually("the writer's bookmark reaches the first process", || {
        t.db.versions().get(Scope::UserLists(me)) != before
    });
}
