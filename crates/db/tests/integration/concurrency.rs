//! Concurrent and batched writes keep every counter exact.

use bukuma_db::bookmarks::{self, BookmarkInput, IfExists, UserFilter};
use bukuma_db::both_backends;
use bukuma_db::testing::audit;
use bukuma_db::{now_micros, stars, Db, DbError};
use bukuma_domain::{NormalizedUrl, Tags, UserId};

use crate::common::{assert_consistent, mark, opts, public, user};

fn concurrent_writes_keep_counters_exact(db: &Db) {
    let us: Vec<UserId> = (0..4).map(|i| user(db, &format!("user{i}"))).collect();
    let seed = mark(db, us[0], public("https://hot.example/", "seed", &["x"])).0;
    std::thread::scope(|s| {
        for (n, u) in us.iter().enumerate() {
            let db = db.clone();
            let u = *u;
            s.spawn(move || {
                for i in 0..25 {
                    let url = NormalizedUrl::parse(&format!("https://hot.example/{}", i % 5))
                        .expect("url");
                    let tags =
                        Tags::parse(&[format!("t{}", i % 3), "shared".into()]).expect("tags");
                    let (b, _) = db
                        .write_autocommit(move |c| {
                            bookmarks::save(
                                c,
                                u,
                                &url,
                                &BookmarkInput {
                                    comment: Some("c"),
                                    tags: Some(&tags),
                                    is_private: Some(i % 4 == 0),
                                    ..Default::default()
                                },
                                opts(),
                                IfExists::Update,
                            )
                        })
                        .expect("save");
                    if (i + n) % 3 == 0 {
                        db.write(|c| bookmarks::delete(c, u, b.bookmark.id, opts()))
                            .expect("delete");
                    }
                    if n != 0 {
                        db.write(|c| stars::star(c, u, seed.id, now_micros()))
                            .expect("star");
                        if i % 2 == 0 {
                            db.write(|c| stars::unstar(c, u, seed.id)).expect("unstar");
                        }
                    }
                }
            });
        }
    });
    assert_eq!(db.retried_writes(), 0, "writes deadlocked");
    assert_consistent(db);
}
both_backends!(concurrent_writes_keep_counters_exact);

// One user's creations outside a transaction and updates inside one,
// side by side: both lock the user first, so neither waits on the other
// in a cycle (which PostgreSQL would break after a second, and retry).
fn one_users_creations_and_updates_do_not_deadlock(db: &Db) {
    let u = user(db, "alice");
    for i in 0..8 {
        mark(
            db,
            u,
            public(&format!("https://d.example/{i}"), "", &["a", "b"]),
        );
    }
    std::thread::scope(|s| {
        let creating = db.clone();
        s.spawn(move || {
            for i in 0..40 {
                let url = NormalizedUrl::parse(&format!("https://d.example/new/{i}")).expect("url");
                let tags = Tags::parse(&["a", "b", "c"]).expect("tags");
                creating
                    .write_autocommit(move |c| {
                        let input = BookmarkInput {
                            tags: Some(&tags),
                            ..Default::default()
                        };
                        bookmarks::save(c, u, &url, &input, opts(), IfExists::Update)
                    })
                    .expect("save");
            }
        });
        let updating = db.clone();
        s.spawn(move || {
            for i in 0..40 {
                let url =
                    NormalizedUrl::parse(&format!("https://d.example/{}", i % 8)).expect("url");
                let tags =
                    Tags::parse(if i % 2 == 0 { &["b", "c"] } else { &["a", "b"] }).expect("tags");
                updating
                    .write(|c| {
                        let input = BookmarkInput {
                            tags: Some(&tags),
                            ..Default::default()
                        };
                        bookmarks::save(c, u, &url, &input, opts(), IfExists::Update)
                    })
                    .expect("update");
            }
        });
    });
    assert_eq!(db.retried_writes(), 0, "writes deadlocked");
    assert_consistent(db);
}
both_backends!(one_users_creations_and_updates_do_not_deadlock);

/// Writes queued together commit together, but each in its own savepoint:
/// one that fails rolls back alone, and every caller gets its own answer.
fn batched_writes_fail_alone_and_answer_each_caller(db: &Db) {
    let owner = user(db, "batcher");
    let threads: Vec<_> = (0..24)
        .map(|i| {
            let db = db.clone();
            std::thread::spawn(move || {
                db.write_batched(move |c| {
                    let url = NormalizedUrl::parse(&format!("https://batch.example/{i}"))
                        .map_err(|_| DbError::NotFound)?;
                    let tags = Tags::parse(&["batch"]).map_err(|_| DbError::NotFound)?;
                    let input = BookmarkInput {
                        tags: Some(&tags),
                        ..Default::default()
                    };
                    let (b, _) = bookmarks::save(c, owner, &url, &input, opts(), IfExists::Update)?;
                    let b = b.bookmark;
                    if i % 4 == 3 {
                        // Fails after writing: its savepoint must take the bookmark back.
                        return Err(DbError::Conflict("refused on purpose"));
                    }
                    Ok(b.id)
                })
            })
        })
        .collect();
    let mut ok = 0;
    for (i, t) in threads.into_iter().enumerate() {
        match t.join().expect("writer thread") {
            Ok(_) => ok += 1,
            Err(DbError::Conflict(_)) => assert_eq!(i % 4, 3, "write {i} failed"),
            Err(e) => panic!("write {i}: {e}"),
        }
    }
    assert_eq!(ok, 18);
    let listed = db
        .read(|c| bookmarks::list_for_user(c, owner, true, &UserFilter::default(), None, 100))
        .expect("list");
    let mut urls: Vec<String> = listed.items.iter().map(|v| v.entry.url.clone()).collect();
    urls.sort();
    let mut expected: Vec<String> = (0..24)
        .filter(|i| i % 4 != 3)
        .map(|i| format!("https://batch.example/{i}"))
        .collect();
    expected.sort();
    assert_eq!(urls, expected);
    let mismatches = db.read(audit::check_counters).expect("audit");
    assert!(mismatches.is_empty(), "{mismatches:?}");
}

both_backends!(batched_writes_fail_alone_and_answer_each_caller);
