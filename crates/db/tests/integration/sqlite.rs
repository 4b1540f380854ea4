//! SQLite only: build options and a table-rebuilding migration.

use bukuma_db::bookmarks::{self};
use bukuma_db::{now_micros, stars};

use crate::common::{assert_consistent, mark, opts, public, user};

/// The bundled SQLite is built with the options `.cargo/config.toml` gives
/// it: the query planner stability guarantee (without it every cached
/// statement with `LIMIT ?` is parsed and planned again on each execution),
/// multi-thread mode and the recommended options that take work off every
/// call.
#[test]
fn sqlite_is_built_with_the_configured_options() {
    use diesel::dsl::sql;
    use diesel::sql_types::{Integer, Text};
    use diesel::RunQueryDsl;
    let t = bukuma_db::testing::TestDb::sqlite();
    for option in [
        "ENABLE_QPSG",
        "DEFAULT_MEMSTATUS=0",
        "THREADSAFE=2",
        "OMIT_SHARED_CACHE",
        "OMIT_PROGRESS_CALLBACK",
        "OMIT_DEPRECATED",
        "LIKE_DOESNT_MATCH_BLOBS",
        "USE_ALLOCA",
    ] {
        let used: i32 =
            t.db.read(|c| match c {
                bukuma_db::DbConnection::Sqlite(c) => Ok(diesel::select(
                    sql::<Integer>("sqlite_compileoption_used(")
                        .bind::<Text, _>(option)
                        .sql(")"),
                )
                .get_result(c)?),
                bukuma_db::DbConnection::Pg(_) => unreachable!(),
            })
            .expect("query");
        assert_eq!(
            used, 1,
            "build libsqlite3-sys with LIBSQLITE3_FLAGS=-DSQLITE_{option} (.cargo/config.toml)"
        );
    }
}

/// The database file and its `-wal` and `-shm` files are readable by their
/// owner only: they hold password hashes and private bookmarks.
#[cfg(unix)]
#[test]
fn sqlite_files_are_created_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("new").join("bukuma.sqlite3");
    let db = bukuma_db::Db::connect(&format!("sqlite://{}", path.display()), 2).expect("connect");
    db.migrate().expect("migrate");
    let mut seen = 0;
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        let Ok(meta) = std::fs::metadata(&file) else {
            continue;
        };
        seen += 1;
        assert_eq!(
            meta.permissions().mode() & 0o777,
            0o600,
            "{file} must be readable by its owner only"
        );
    }
    assert_eq!(seen, 3, "the database, its WAL and shared memory exist");
}

/// The SQLite migration that turns the unique keys of entries and bookmarks
/// into droppable unique indexes rebuilds both tables: rows, ids, the
/// AUTOINCREMENT counters, the unique rules and the foreign keys of the
/// tables that reference them survive it, down and up again.
#[test]
fn sqlite_unique_key_migration_keeps_rows_ids_and_rules() {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Text};
    use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
    use diesel_migrations::MigrationHarness;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Named {
        #[diesel(sql_type = Text)]
        name: String,
    }
    #[derive(QueryableByName, Debug, PartialEq)]
    struct Seq {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = BigInt)]
        seq: i64,
    }
    #[derive(QueryableByName, Debug, PartialEq)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        entries: i64,
        #[diesel(sql_type = BigInt)]
        bookmarks: i64,
        #[diesel(sql_type = BigInt)]
        bookmark_tags: i64,
        #[diesel(sql_type = BigInt)]
        stars: i64,
    }
    let state = |c: &mut SqliteConnection| {
        let indexes: Vec<Named> = diesel::sql_query(
            "SELECT name FROM sqlite_master WHERE type = 'index' \
             AND tbl_name IN ('entries', 'bookmarks') ORDER BY name",
        )
        .load(c)
        .expect("indexes");
        let seqs: Vec<Seq> = diesel::sql_query(
            "SELECT name, seq FROM sqlite_sequence WHERE name IN ('entries', 'bookmarks') ORDER BY name",
        )
        .load(c)
        .expect("sequences");
        let counts: Counts = diesel::sql_query(
            "SELECT (SELECT count(*) FROM entries) AS entries, \
             (SELECT count(*) FROM bookmarks) AS bookmarks, \
             (SELECT count(*) FROM bookmark_tags) AS bookmark_tags, \
             (SELECT count(*) FROM stars) AS stars",
        )
        .get_result(c)
        .expect("counts");
        let broken: Vec<Named> =
            diesel::sql_query("SELECT \"table\" AS name FROM pragma_foreign_key_check")
                .load(c)
                .expect("foreign key check");
        assert!(broken.is_empty(), "{broken:?}");
        let fk: Vec<Named> =
            diesel::sql_query("SELECT CAST(foreign_keys AS TEXT) AS name FROM pragma_foreign_keys")
                .load(c)
                .expect("foreign_keys");
        assert_eq!(fk[0].name, "1", "foreign keys are on again");
        (
            indexes.into_iter().map(|n| n.name).collect::<Vec<_>>(),
            seqs,
            counts,
        )
    };

    let t = bukuma_db::testing::TestDb::sqlite();
    let db = &t.db;
    let (a, b) = (user(db, "keeper"), user(db, "starrer"));
    let (first, _) = mark(db, a, public("https://keep.example/1", "one", &["x", "y"]));
    mark(db, a, public("https://keep.example/2", "two", &["x"]));
    let (last, _) = mark(db, a, public("https://keep.example/3", "", &["z"]));
    db.write(|c| stars::star(c, b, first.id, now_micros()))
        .expect("star");
    // The newest bookmark goes: its id must not come back.
    db.write(|c| bookmarks::delete(c, a, last.id, opts()))
        .expect("delete");

    let path = t.url.strip_prefix("sqlite://").expect("sqlite url");
    let mut c = SqliteConnection::establish(path).expect("open");
    c.batch_execute("PRAGMA foreign_keys = ON")
        .expect("foreign keys");
    let duplicates_refused = |c: &mut SqliteConnection| {
        for copy in [
            "INSERT INTO entries (url, domain, created_at) SELECT url, domain, created_at FROM entries",
            "INSERT INTO bookmarks (user_id, entry_id, domain, created_at, updated_at) \
             SELECT user_id, entry_id, domain, created_at, updated_at FROM bookmarks",
        ] {
            let err = diesel::sql_query(copy).execute(c).expect_err(copy);
            assert!(err.to_string().contains("UNIQUE"), "{err}");
        }
    };
    // The search outbox migration, which follows this one, leads the
    // bookmarks' unique key with the entry; stepping back over it (and
    // every later migration) first restores the key this migration made.
    let (latest_indexes, _, _) = state(&mut c);
    assert!(latest_indexes.contains(&"bookmarks_entry_user".to_owned()));
    duplicates_refused(&mut c);
    // Later migrations step back first, down to the search outbox's.
    loop {
        let applied = c
            .applied_migrations()
            .expect("applied migrations")
            .iter()
            .map(ToString::to_string)
            .max()
            .unwrap_or_default();
        if applied.starts_with("20261207000001") {
            break;
        }
        c.revert_last_migration(bukuma_db::SQLITE_MIGRATIONS)
            .expect("down a later migration");
    }
    c.revert_last_migration(bukuma_db::SQLITE_MIGRATIONS)
        .expect("down search outbox");
    duplicates_refused(&mut c);
    let (up_indexes, seqs, counts) = state(&mut c);
    assert!(
        up_indexes.contains(&"entries_url".to_owned()),
        "{up_indexes:?}"
    );
    assert!(up_indexes.contains(&"bookmarks_user_entry".to_owned()));
    assert_eq!(
        seqs.iter().find(|s| s.name == "bookmarks").map(|s| s.seq),
        Some(last.id.0)
    );
    assert_eq!(
        (
            counts.entries,
            counts.bookmarks,
            counts.bookmark_tags,
            counts.stars
        ),
        (3, 2, 3, 1)
    );

    c.revert_last_migration(bukuma_db::SQLITE_MIGRATIONS)
        .expect("down");
    let (down_indexes, down_seqs, down_counts) = state(&mut c);
    assert!(
        !down_indexes.contains(&"entries_url".to_owned()),
        "{down_indexes:?}"
    );
    assert!(down_indexes
        .iter()
        .any(|n| n.starts_with("sqlite_autoindex_entries")));
    assert!(down_indexes
        .iter()
        .any(|n| n.starts_with("sqlite_autoindex_bookmarks")));
    assert_eq!((down_seqs, down_counts), (seqs, counts));
    duplicates_refused(&mut c);

    c.run_pending_migrations(bukuma_db::SQLITE_MIGRATIONS)
        .expect("up again");
    let again = state(&mut c);
    assert_eq!(again.0, latest_indexes);
    duplicates_refused(&mut c);
    drop(c);

    // A second bookmark of the same URL by the same user is the same
    // bookmark, on the same entry.
    let (same, created) = mark(db, a, public("https://keep.example/1", "again", &["x"]));
    assert!(!created);
    assert_eq!((same.id, same.entry_id), (first.id, first.entry_id));
    let (next, _) = mark(db, a, public("https://keep.example/4", "", &[]));
    assert!(next.id > last.id, "id {} handed out again", next.id);
    assert_consistent(db);
    // Foreign keys still cascade into the rebuilt tables' children.
    db.write(|c| bookmarks::delete(c, a, first.id, opts()))
        .expect("delete starred");
    assert_consistent(db);
}
