//! The benchmark dataset generator: exact counters, determinism, shape.

use std::collections::HashMap;

use bukuma_db::schema::{bookmark_tags, bookmarks, entries, follows, stars, users};
use bukuma_db::testing::{audit, TestDb};
use bukuma_db::{both_backends, entries as entry_queries, Backend, Db};
use bukuma_domain::hot::{bookmark_weight, stored_score, HORIZON_SECONDS};
use bukuma_seed::{self as seed, SeedConfig, SeedError};
use diesel::prelude::*;

const NOW: i64 = 1_780_000_000_000_000;

fn config(seed: u64) -> SeedConfig {
    SeedConfig {
        users: 50,
        bookmarks: 2_000,
        seed,
        now: NOW,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        new_entry_threshold: 3,
        exclusive: false,
        manifest: seed::ManifestSize::default(),
    }
}

fn run(db: &Db, seed: u64) -> seed::SeedReport {
    let mut conn = db.conn().expect("connection");
    seed::seed(&mut conn, &config(seed), &mut |_, _, _| {}).expect("seed")
}

type BookmarkRow = (i64, i64, i64, String, String, String, bool, i64, i64);
type Dump = (
    Vec<BookmarkRow>,
    Vec<(i64, String, i64)>,
    Vec<(i64, String)>,
    Vec<(i64, i64, i64)>,
);

fn dump(db: &Db) -> Dump {
    let mut c = db.conn().expect("connection");
    let b = bookmarks::table
        .order(bookmarks::id)
        .select((
            bookmarks::id,
            bookmarks::user_id,
            bookmarks::entry_id,
            bookmarks::domain,
            bookmarks::comment,
            bookmarks::tags,
            bookmarks::is_private,
            bookmarks::star_count,
            bookmarks::created_at,
        ))
        .load(&mut c)
        .expect("bookmarks");
    let e = entries::table
        .order(entries::id)
        .select((entries::id, entries::url, entries::bookmark_count))
        .load(&mut c)
        .expect("entries");
    let u = users::table
        .order(users::id)
        .select((users::id, users::username))
        .load(&mut c)
        .expect("users");
    let s = stars::table
        .order((stars::bookmark_id, stars::user_id))
        .select((stars::bookmark_id, stars::user_id, stars::created_at))
        .load(&mut c)
        .expect("stars");
    (b, e, u, s)
}

fn seeded_counters_are_exact(db: &Db) {
    let report = run(db, 7);
    assert_eq!(report.bookmarks, 2_000);
    let mut c = db.conn().expect("connection");
    let problems = audit::check_counters(&mut c).expect("audit");
    assert!(problems.is_empty(), "{problems:#?}");
    let n_stars: i64 = stars::table.count().get_result(&mut c).expect("stars");
    assert_eq!(n_stars as usize, report.stars);
    assert!(report.stars > 0, "some comments have stars");
    let n_follows: i64 = follows::table.count().get_result(&mut c).expect("follows");
    assert_eq!(n_follows as usize, report.follows);
    let busiest: i64 = users::table
        .select(diesel::dsl::max(users::following_count))
        .first::<Option<i64>>(&mut c)
        .expect("following")
        .unwrap_or(0);
    assert!(busiest > 10, "the busiest users follow many: {busiest}");
}
both_backends!(seeded_counters_are_exact);

fn seeded_dates_and_hot_scores_match_the_write_path(db: &Db) {
    run(db, 3);
    let mut c = db.conn().expect("connection");
    let public: Vec<(i64, i64)> = bookmarks::table
        .filter(bookmarks::is_private.eq(false))
        .order((bookmarks::created_at, bookmarks::id))
        .select((bookmarks::entry_id, bookmarks::created_at))
        .load(&mut c)
        .expect("bookmarks");
    let mut first: HashMap<i64, i64> = HashMap::new();
    let mut third: HashMap<i64, i64> = HashMap::new();
    let mut seen: HashMap<i64, i64> = HashMap::new();
    let mut hot: HashMap<i64, f64> = HashMap::new();
    for (entry, at) in public {
        first.entry(entry).or_insert(at);
        let n = seen.entry(entry).or_default();
        *n += 1;
        if *n == 3 {
            third.insert(entry, at);
        }
        if at > NOW - HORIZON_SECONDS * 1_000_000 {
            *hot.entry(entry).or_default() += bookmark_weight((NOW - at) as f64 / 1e6);
        }
    }
    let stored: Vec<(i64, Option<i64>, Option<i64>, f64)> = entries::table
        .select((
            entries::id,
            entries::first_bookmarked_at,
            entries::listed_at,
            entries::hot_score,
        ))
        .load(&mut c)
        .expect("entries");
    assert!(stored.iter().any(|e| e.3 > 0.0), "some entries are hot");
    for (id, first_at, listed_at, score) in stored {
        assert_eq!(
            first_at,
            first.get(&id).copied(),
            "first_bookmarked_at of {id}"
        );
        assert_eq!(listed_at, third.get(&id).copied(), "listed_at of {id}");
        let want = stored_score(hot.get(&id).copied().unwrap_or(0.0), NOW);
        assert!(
            (score - want).abs() < 1e-9,
            "hot_score of {id}: {score} vs {want}"
        );
    }
    // The server's own recomputation agrees.
    entry_queries::recompute_hot(&mut c, NOW).expect("recompute");
    let again: Vec<(i64, f64)> = entries::table
        .select((entries::id, entries::hot_score))
        .load(&mut c)
        .expect("entries");
    for (id, score) in again {
        let want = stored_score(hot.get(&id).copied().unwrap_or(0.0), NOW);
        assert!((score - want).abs() < 1e-9, "recomputed hot_score of {id}");
    }
}
both_backends!(seeded_dates_and_hot_scores_match_the_write_path);

fn seeding_twice_refuses_a_non_empty_database(db: &Db) {
    run(db, 1);
    let mut conn = db.conn().expect("connection");
    let again = seed::seed(&mut conn, &config(1), &mut |_, _, _| {});
    assert!(
        matches!(again, Err(SeedError::NotEmpty(50, _))),
        "{again:?}"
    );
}
both_backends!(seeding_twice_refuses_a_non_empty_database);

fn the_dataset_has_the_intended_shape(db: &Db) {
    let report = run(db, 11);
    let private = report.private_bookmarks as f64 / report.bookmarks as f64;
    assert!((0.03..0.08).contains(&private), "private ratio {private}");
    let comments = report.comments as f64 / report.bookmarks as f64;
    assert!((0.33..0.47).contains(&comments), "comment ratio {comments}");
    assert!(report.entries < report.bookmarks, "URLs are re-bookmarked");
    assert!(
        report.max_entry_bookmarks >= 20,
        "a few entries are popular"
    );
    assert!(!report.manifest.users.is_empty());
    assert!(!report.manifest.entries.is_empty());
    assert!(!report.manifest.user_tags.is_empty());
}
both_backends!(the_dataset_has_the_intended_shape);

/// The manifest lists as many of the busiest users and most bookmarked
/// entries as asked, most first, and the same head whatever its length.
#[test]
fn the_manifest_lists_as_many_users_and_entries_as_asked() {
    let sized = |users, entries| {
        let t = TestDb::new(Backend::Sqlite);
        let cfg = SeedConfig {
            manifest: seed::ManifestSize { users, entries },
            ..config(5)
        };
        let mut conn = t.db.conn().expect("connection");
        seed::seed(&mut conn, &cfg, &mut |_, _, _| {})
            .expect("seed")
            .manifest
    };
    let small = sized(5, 10);
    let large = sized(1_000, 100_000);
    assert_eq!((small.users.len(), small.entries.len()), (5, 10));
    // Every user with a public bookmark, every publicly bookmarked entry.
    assert!(
        (40..=50).contains(&large.users.len()),
        "{}",
        large.users.len()
    );
    assert!(large.entries.len() > 100, "{}", large.entries.len());
    assert_eq!(large.users[..5], small.users[..]);
    assert_eq!(large.entries[..10], small.entries[..]);
}

#[test]
fn the_same_seed_gives_the_same_data_on_both_backends() {
    let a = TestDb::new(Backend::Sqlite);
    let b = TestDb::new(Backend::Postgres);
    let c = TestDb::new(Backend::Sqlite);
    run(&a.db, 42);
    run(&b.db, 42);
    run(&c.db, 43);
    let (da, db_, dc) = (dump(&a.db), dump(&b.db), dump(&c.db));
    assert_eq!(da, db_);
    assert_ne!(da.0, dc.0, "another seed gives other data");
}

/// On a SQLite file the rows are written while they are drawn, batch by
/// batch, on two connections; on PostgreSQL after drawing, on one. A
/// dataset of several batches comes out whole and the same either way.
#[test]
fn a_dataset_of_several_batches_is_the_same_streamed_or_not() {
    let cfg = SeedConfig {
        users: 300,
        bookmarks: 35_000,
        ..config(9)
    };
    let mut dumps = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let t = TestDb::new(backend);
        let report = {
            let mut conn = t.db.conn().expect("connection");
            seed::seed(&mut conn, &cfg, &mut |_, _, _| {}).expect("seed")
        };
        assert_eq!(report.bookmarks, 35_000);
        let mut c = t.db.conn().expect("connection");
        let problems = audit::check_counters(&mut c).expect("audit");
        assert!(problems.is_empty(), "{backend:?}: {problems:#?}");
        let tags: i64 = bookmark_tags::table
            .count()
            .get_result(&mut c)
            .expect("tags");
        assert_eq!(tags as usize, report.bookmark_tags, "{backend:?}");
        let d = dump(&t.db);
        assert_eq!(d.0.len(), 35_000);
        assert_eq!(d.3.len(), report.stars, "{backend:?}");
        // Ids run on across batches.
        assert!(d.0.iter().enumerate().all(|(i, b)| b.0 == i as i64 + 1));
        dumps.push(d);
    }
    assert_eq!(dumps[0], dumps[1]);
}

/// Index names of the loaded tables, as the migrations made them.
fn index_names(db: &Db) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let q = match db.backend() {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name",
        Backend::Postgres => {
            "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() \
             ORDER BY indexname"
        }
    };
    let mut c = db.conn().expect("connection");
    bukuma_db::per_backend!(&mut *c, |c| diesel::sql_query(q).load::<Name>(c))
        .expect("indexes")
        .into_iter()
        .map(|n| n.name)
        .collect()
}

#[test]
fn seeding_leaves_every_index_and_no_side_file() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let t = TestDb::new(backend);
        let before = index_names(&t.db);
        assert!(before.iter().any(|n| n == "bookmark_tags_user_tag_time"));
        run(&t.db, 5);
        assert_eq!(index_names(&t.db), before, "{backend:?}");
        if let Some(path) = t.url.strip_prefix("sqlite://") {
            let side = format!("{path}.seed-side");
            assert!(!std::path::Path::new(&side).exists(), "{side} left behind");
            // The side tables' rows came over with their indexes.
            let mut c = t.db.conn().expect("connection");
            let by_index: i64 = diesel::sql_query(
                "SELECT count(*) AS n FROM bookmark_tags INDEXED BY bookmark_tags_user_tag_time \
                 WHERE user_id > 0",
            )
            .get_result::<Count>(match &mut *c {
                bukuma_db::DbConnection::Sqlite(c) => c,
                bukuma_db::DbConnection::Pg(_) => unreachable!(),
            })
            .expect("count by index")
            .n;
            let rows: i64 = bookmark_tags::table
                .count()
                .get_result(&mut *c)
                .expect("rows");
            assert!(rows > 0);
            assert_eq!(by_index, rows);
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}
