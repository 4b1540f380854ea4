//! Storage behaviour, each test on its own SQLite file and PostgreSQL database.

use bukuma_db::bookmarks::{self, BookmarkInput, IfExists, SaveOutcome, UserFilter, WriteOptions};
use bukuma_db::models::NewUser;
use bukuma_db::stars::CommentSort;
use bukuma_db::{audit, backend_test, entries, now_micros, stars, tags, users, Db, DbError};
use bukuma_domain::{NormalizedUrl, TagName, Tags};

fn opts() -> WriteOptions {
    WriteOptions {
        now: now_micros(),
        new_entry_threshold: 3,
    }
}

fn user(db: &Db, name: &str) -> i64 {
    db.write(|c| {
        users::create(
            c,
            &NewUser {
                username: name,
                username_lower: &name.to_ascii_lowercase(),
                display_name: name,
                bio: "",
                role: "user",
                password_hash: "x",
                created_at: now_micros(),
                updated_at: now_micros(),
            },
        )
    })
    .expect("create user")
    .id
}

struct Mark<'a> {
    url: &'a str,
    comment: &'a str,
    tags: &'a [&'a str],
    private: bool,
}

fn mark(db: &Db, user_id: i64, m: Mark<'_>) -> (bukuma_db::models::Bookmark, bool) {
    let url = NormalizedUrl::parse(m.url).expect("url");
    let tags = Tags::parse(m.tags).expect("tags");
    let comment = m.comment.to_owned();
    let private = m.private;
    db.write_autocommit(move |c| {
        bookmarks::save(
            c,
            user_id,
            &url,
            &BookmarkInput {
                title: Some("A title"),
                comment: Some(&comment),
                tags: Some(&tags),
                is_private: Some(private),
                ..Default::default()
            },
            opts(),
            IfExists::Update,
        )
    })
    .map(|(view, outcome)| (view.bookmark, outcome == SaveOutcome::Created))
    .expect("save")
}

fn public<'a>(url: &'a str, comment: &'a str, tags: &'a [&'a str]) -> Mark<'a> {
    Mark {
        url,
        comment,
        tags,
        private: false,
    }
}

fn assert_consistent(db: &Db) {
    let problems = db.read(audit::check_counters).expect("audit");
    assert!(problems.is_empty(), "counters differ: {problems:#?}");
}

backend_test!(usernames_are_unique_case_insensitively, |db: &Db| {
    user(db, "Alice");
    let err = db.write(|c| {
        users::create(
            c,
            &NewUser {
                username: "alice",
                username_lower: "alice",
                display_name: "x",
                bio: "",
                role: "user",
                password_hash: "x",
                created_at: 0,
                updated_at: 0,
            },
        )
    });
    assert!(matches!(err, Err(DbError::Conflict(_))));
    assert_eq!(
        db.read(|c| users::find_by_name(c, "ALICE"))
            .expect("find")
            .map(|u| u.username),
        Some("Alice".into())
    );
});

backend_test!(
    bookmarking_twice_updates_instead_of_duplicating,
    |db: &Db| {
        let a = user(db, "alice");
        let (first, created) = mark(
            db,
            a,
            public("https://example.com/a?utm_source=x", "first", &["rust"]),
        );
        assert!(created);
        let (second, created) = mark(
            db,
            a,
            public("https://EXAMPLE.com/a#frag", "second", &["Rust", "web"]),
        );
        assert!(!created);
        assert_eq!(first.id, second.id);
        assert_eq!(second.comment, "second");
        assert_eq!(second.tag_list(), vec!["Rust", "web"]);
        let entry = db
            .read(|c| entries::find(c, first.entry_id))
            .expect("read")
            .expect("entry");
        assert_eq!(entry.bookmark_count, 1);
        assert_eq!(entry.url, "https://example.com/a");
        assert_eq!(entry.title, "A title");
        assert_consistent(db);
    }
);

backend_test!(
    a_bookmark_answers_its_entry_and_owner_as_stored,
    |db: &Db| {
        // Threshold 1: a first public bookmark lists its entry at once.
        let opts = WriteOptions {
            now: 1_700_000_000_000_000,
            new_entry_threshold: 1,
        };
        let (a, b) = (user(db, "alice"), user(db, "bob"));
        let write = |me: i64, url: &str, private: bool| {
            let url = NormalizedUrl::parse(url).expect("url");
            let input = BookmarkInput {
                title: Some("Typed title"),
                is_private: Some(private),
                ..Default::default()
            };
            let (view, _) = db
                .write(|c| bookmarks::save(c, me, &url, &input, opts, IfExists::Update))
                .expect("upsert");
            let stored = db
                .read(|c| bookmarks::find_view(c, view.bookmark.id, Some(me)))
                .expect("read")
                .expect("stored");
            assert_eq!(view, stored, "the answer is the stored bookmark");
            view
        };

        let first = write(a, "https://new.example/public", false);
        assert_eq!(first.user.username, "alice");
        assert_eq!(first.entry.title, "Typed title");
        assert_eq!(first.entry.bookmark_count, 1);
        assert_eq!(first.entry.first_bookmarked_at, Some(opts.now));
        assert_eq!(first.entry.listed_at, Some(opts.now));

        let hidden = write(a, "https://new.example/private", true);
        assert_eq!(hidden.entry.bookmark_count, 0);
        assert_eq!(hidden.entry.first_bookmarked_at, None);
        assert_eq!(hidden.entry.listed_at, None);

        // Existing entries move their counts: a second public bookmark, and
        // a first public one on an entry only a private bookmark made.
        let second = write(b, "https://new.example/public", false);
        assert_eq!(second.entry.bookmark_count, 2);
        assert_eq!(second.entry.first_bookmarked_at, Some(opts.now));
        let shown = write(b, "https://new.example/private", false);
        assert_eq!(shown.entry.bookmark_count, 1);
        assert_eq!(shown.entry.first_bookmarked_at, Some(opts.now));
        assert_eq!(shown.entry.listed_at, Some(opts.now));
        // Bookmarking again updates, and answers the same way.
        let again = write(a, "https://new.example/public", true);
        assert_eq!(again.bookmark.id, first.bookmark.id);
        assert_eq!(again.entry.bookmark_count, 1);
        assert_consistent(db);
    }
);

backend_test!(omitted_fields_keep_their_values_on_update, |db: &Db| {
    let a = user(db, "alice");
    mark(db, a, public("https://example.com/", "kept", &["t1"]));
    let url = NormalizedUrl::parse("https://example.com/").expect("url");
    let (b, _) = db
        .write(|c| {
            bookmarks::save(
                c,
                a,
                &url,
                &BookmarkInput {
                    read_later: Some(true),
                    ..Default::default()
                },
                opts(),
                IfExists::Update,
            )
        })
        .expect("upsert");
    let b = b.bookmark;
    assert_eq!(b.comment, "kept");
    assert_eq!(b.tag_list(), vec!["t1"]);
    assert!(b.read_later);
});

backend_test!(private_bookmarks_are_invisible_to_others, |db: &Db| {
    let a = user(db, "alice");
    let (b, _) = mark(
        db,
        a,
        Mark {
            url: "https://secret.example/x",
            comment: "hidden",
            tags: &["secret"],
            private: true,
        },
    );
    db.write(|c| entries::recompute_hot(c, now_micros()))
        .expect("hot");
    db.read(|c| {
        assert!(entries::find_public(c, b.entry_id)?.is_none());
        assert!(entries::find_public_by_url(c, "https://secret.example/x")?.is_none());
        assert_eq!(
            entries::counts(c, &["https://secret.example/x".into()])?
                .get("https://secret.example/x"),
            Some(&0)
        );
        assert!(entries::hot(c, None, None, 20)?.items.is_empty());
        assert!(entries::newest(c, None, 20)?.items.is_empty());
        assert!(entries::site_newest(c, "secret.example", None, 20)?
            .items
            .is_empty());
        assert!(entries::tagged(c, "secret", None, 20)?.items.is_empty());
        assert!(
            stars::list(c, b.entry_id, CommentSort::Recent, None, None, 20)?
                .items
                .is_empty()
        );
        let others = bookmarks::list_for_user(c, a, false, &UserFilter::default(), None, 20)?;
        assert!(others.items.is_empty());
        let tagged = UserFilter {
            tags: vec!["secret".into()],
            ..Default::default()
        };
        assert!(bookmarks::list_for_user(c, a, false, &tagged, None, 20)?
            .items
            .is_empty());
        assert!(tags::user_tags(c, a, false)?.is_empty());
        assert!(tags::user_sites(c, a, false)?.is_empty());
        assert!(bookmarks::find_view(c, b.id, None)?.is_none());
        // The owner sees it everywhere of theirs.
        assert_eq!(
            bookmarks::list_for_user(c, a, true, &tagged, None, 20)?
                .items
                .len(),
            1
        );
        assert_eq!(tags::user_tags(c, a, true)?.len(), 1);
        assert_eq!(tags::user_sites(c, a, true)?[0].name, "secret.example");
        assert!(bookmarks::find_view(c, b.id, Some(a))?.is_some());
        Ok(())
    })
    .expect("reads");
    assert_eq!(
        db.read(|c| users::find(c, a))
            .expect("u")
            .map(|u| (u.bookmark_count, u.public_bookmark_count)),
        Some((1, 0))
    );
    assert_consistent(db);
});

backend_test!(
    user_list_filters_by_tags_and_site_with_keyset_pages,
    |db: &Db| {
        let a = user(db, "alice");
        for i in 0..7 {
            let tags: &[&str] = if i % 2 == 0 {
                &["rust", "db"]
            } else {
                &["rust"]
            };
            let host = if i < 4 {
                "blog.example.com"
            } else {
                "other.example"
            };
            mark(db, a, public(&format!("https://{host}/{i}"), "", tags));
        }
        db.read(|c| {
            let all = UserFilter::default();
            let mut seen = Vec::new();
            let mut after = None;
            loop {
                let page = bookmarks::list_for_user(c, a, true, &all, after, 3)?;
                seen.extend(page.items.iter().map(|v| v.bookmark.id));
                match page.next {
                    Some(k) => after = Some((k[0], k[1])),
                    None => break,
                }
            }
            assert_eq!(seen.len(), 7);
            let mut sorted = seen.clone();
            sorted.sort_by(|x, y| y.cmp(x));
            assert_eq!(seen, sorted, "newest first, no duplicates");

            let both = UserFilter {
                tags: vec!["rust".into(), "db".into()],
                ..Default::default()
            };
            assert_eq!(
                bookmarks::list_for_user(c, a, true, &both, None, 50)?
                    .items
                    .len(),
                4
            );
            let paged = bookmarks::list_for_user(c, a, true, &both, None, 3)?;
            let k = paged.next.expect("more");
            assert_eq!(
                bookmarks::list_for_user(c, a, true, &both, Some((k[0], k[1])), 3)?
                    .items
                    .len(),
                1
            );
            let site = UserFilter {
                site: Some("blog.example.com".into()),
                ..Default::default()
            };
            assert_eq!(
                bookmarks::list_for_user(c, a, true, &site, None, 50)?
                    .items
                    .len(),
                4
            );
            let tag_site = UserFilter {
                tags: vec!["db".into()],
                site: Some("other.example".into()),
                ..Default::default()
            };
            assert_eq!(
                bookmarks::list_for_user(c, a, true, &tag_site, None, 50)?
                    .items
                    .len(),
                2
            );
            let cloud = tags::user_tags(c, a, false)?;
            assert_eq!((cloud[0].name.as_str(), cloud[0].count), ("rust", 7));
            assert_eq!((cloud[1].name.as_str(), cloud[1].count), ("db", 4));
            let sites = tags::user_sites(c, a, false)?;
            assert_eq!(
                (sites[0].name.as_str(), sites[0].count),
                ("blog.example.com", 4)
            );
            Ok(())
        })
        .expect("reads");
    }
);

backend_test!(renaming_a_tag_merges_and_deleting_removes, |db: &Db| {
    let a = user(db, "alice");
    mark(db, a, public("https://e.com/1", "", &["js", "javascript"]));
    mark(db, a, public("https://e.com/2", "", &["js"]));
    let (from, to) = (
        TagName::parse("js").expect("t"),
        TagName::parse("JavaScript").expect("t"),
    );
    let changed = db
        .write(|c| tags::rename(c, a, &from, &to, opts()))
        .expect("rename");
    assert_eq!(changed, 2);
    let cloud = db.read(|c| tags::user_tags(c, a, true)).expect("tags");
    assert_eq!(cloud.len(), 1);
    assert_eq!(cloud[0].count, 2);
    assert_consistent(db);
    let gone = TagName::parse("javascript").expect("t");
    db.write(|c| tags::delete(c, a, &gone, opts()))
        .expect("delete");
    assert!(db
        .read(|c| tags::user_tags(c, a, true))
        .expect("tags")
        .is_empty());
    assert_consistent(db);
});

backend_test!(
    comments_sort_by_stars_and_stars_are_idempotent,
    |db: &Db| {
        let (a, b, c) = (user(db, "alice"), user(db, "bob"), user(db, "carol"));
        let (ba, _) = mark(db, a, public("https://e.com/p", "alice says", &[]));
        let (bb, _) = mark(db, b, public("https://e.com/p", "bob says", &[]));
        mark(db, c, public("https://e.com/p", "", &[]));
        for _ in 0..2 {
            db.write(|x| stars::star(x, c, ba.id, now_micros()))
                .expect("star");
        }
        assert_eq!(
            db.write(|x| stars::star(x, b, ba.id, now_micros()))
                .expect("star"),
            2
        );
        let popular = db
            .read(|x| stars::list(x, ba.entry_id, CommentSort::Popular, None, Some(c), 10))
            .expect("list");
        assert_eq!(popular.items.len(), 2, "empty comments are not comments");
        assert_eq!(popular.items[0].id, ba.id);
        assert_eq!(popular.items[0].star_count, 2);
        assert!(popular.items[0].starred_by_me);
        let recent = db
            .read(|x| stars::list(x, ba.entry_id, CommentSort::Recent, None, None, 10))
            .expect("list");
        assert_eq!(recent.items[0].id, bb.id);
        assert_eq!(db.write(|x| stars::unstar(x, c, ba.id)).expect("unstar"), 1);
        assert_eq!(db.write(|x| stars::unstar(x, c, ba.id)).expect("unstar"), 1);
        assert_consistent(db);
    }
);

backend_test!(private_or_missing_comments_cannot_be_starred, |db: &Db| {
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    let (p, _) = mark(
        db,
        a,
        Mark {
            url: "https://e.com/",
            comment: "psst",
            tags: &[],
            private: true,
        },
    );
    assert!(matches!(
        db.write(|x| stars::star(x, b, p.id, 0)),
        Err(DbError::NotFound)
    ));
    assert!(matches!(
        db.write(|x| stars::star(x, b, 999_999, 0)),
        Err(DbError::NotFound)
    ));
});

backend_test!(
    entries_become_new_at_three_public_bookmarks_and_hot_ranks_recent,
    |db: &Db| {
        let us: Vec<i64> = ["u1", "u2", "u3", "u4"]
            .iter()
            .map(|n| user(db, n))
            .collect();
        for u in &us[..2] {
            mark(db, *u, public("https://news.example/a", "", &["news"]));
        }
        mark(
            db,
            us[3],
            Mark {
                url: "https://news.example/a",
                comment: "",
                tags: &[],
                private: true,
            },
        );
        assert!(db
            .read(|c| entries::newest(c, None, 10))
            .expect("new")
            .items
            .is_empty());
        mark(db, us[2], public("https://news.example/a", "", &["news"]));
        mark(db, us[0], public("https://news.example/b", "", &[]));
        let new = db.read(|c| entries::newest(c, None, 10)).expect("new");
        assert_eq!(new.items.len(), 1);
        assert_eq!(new.items[0].entry.bookmark_count, 3);
        assert_eq!(new.items[0].tags, vec!["news"]);
        db.write(|c| entries::recompute_hot(c, now_micros()))
            .expect("hot");
        let hot = db.read(|c| entries::hot(c, None, None, 10)).expect("hot");
        assert_eq!(hot.items.len(), 2);
        assert_eq!(hot.items[0].entry.url, "https://news.example/a");
        let site_hot = db
            .read(|c| entries::hot(c, Some("news.example"), None, 1))
            .expect("hot");
        let k = site_hot.next.expect("second page");
        let rest = db
            .read(|c| {
                entries::hot(
                    c,
                    Some("news.example"),
                    Some((f64::from_bits(k[0] as u64), k[1])),
                    1,
                )
            })
            .expect("hot");
        assert_eq!(rest.items[0].entry.url, "https://news.example/b");
        assert_eq!(
            db.read(|c| entries::tagged(c, "news", None, 10))
                .expect("tag")
                .items
                .len(),
            1
        );
        assert_consistent(db);
    }
);

backend_test!(deleting_a_bookmark_updates_every_counter, |db: &Db| {
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    let (ba, _) = mark(db, a, public("https://e.com/x", "hello", &["t"]));
    mark(db, b, public("https://e.com/x", "", &["t"]));
    db.write(|c| stars::star(c, b, ba.id, 0)).expect("star");
    db.write(|c| bookmarks::delete(c, a, ba.id, opts()))
        .expect("delete");
    assert!(matches!(
        db.write(|c| bookmarks::delete(c, a, ba.id, opts())),
        Err(DbError::NotFound)
    ));
    assert!(matches!(
        db.write(|c| bookmarks::delete(c, b, ba.id, opts())),
        Err(DbError::NotFound)
    ));
    let e = db
        .read(|c| entries::find(c, ba.entry_id))
        .expect("e")
        .expect("entry");
    assert_eq!(e.bookmark_count, 1);
    assert_consistent(db);
});

backend_test!(concurrent_writes_keep_counters_exact, |db: &Db| {
    let us: Vec<i64> = (0..4).map(|i| user(db, &format!("user{i}"))).collect();
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
});

// One user's creations outside a transaction and updates inside one,
// side by side: both lock the user first, so neither waits on the other
// in a cycle (which PostgreSQL would break after a second, and retry).
backend_test!(
    one_users_creations_and_updates_do_not_deadlock,
    |db: &Db| {
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
                    let url =
                        NormalizedUrl::parse(&format!("https://d.example/new/{i}")).expect("url");
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
                    let tags = Tags::parse(if i % 2 == 0 { &["b", "c"] } else { &["a", "b"] })
                        .expect("tags");
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
);

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
backend_test!(
    batched_writes_fail_alone_and_answer_each_caller,
    batched_writes_fail_alone_and_answer_each_caller
);

/// A committed write moves the versions of what it touched, and only those.
fn writes_move_the_versions_of_what_they_touch(db: &Db) {
    use bukuma_db::versions::{user_part, Scope};
    let a = user(db, "versioned");
    let b = user(db, "bystander");
    let (first, _) = mark(
        db,
        a,
        Mark {
            url: "https://versions.example/1",
            comment: "",
            tags: &[],
            private: false,
        },
    );
    let before = |s| db.versions().get(s);
    let (va, vb, ve) = (
        before(user_part(a, None)),
        before(user_part(b, None)),
        before(Scope::Entry(first.entry_id)),
    );
    mark(
        db,
        a,
        Mark {
            url: "https://versions.example/1",
            comment: "changed",
            tags: &[],
            private: false,
        },
    );
    assert_ne!(db.versions().get(user_part(a, None)), va);
    assert_ne!(db.versions().get(Scope::Entry(first.entry_id)), ve);
    assert_eq!(db.versions().get(user_part(b, None)), vb);
}
backend_test!(
    writes_move_the_versions_of_what_they_touch,
    writes_move_the_versions_of_what_they_touch
);

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
            stars::list(c, 1, CommentSort::Popular, None, None, 20)?;
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
    let mut save = |user_id: i64, url: &str| {
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
    let race = |holder: i64, racer: i64, url: &str, comment: &'static str| {
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

backend_test!(
    the_hot_job_writes_only_scores_that_moved_beyond_the_tolerance,
    |db: &Db| {
        let (a, b) = (user(db, "alice"), user(db, "bob"));
        let (x, _) = mark(db, a, public("https://hot.example/x", "", &[]));
        let (y, _) = mark(db, a, public("https://hot.example/y", "", &[]));
        let now = now_micros();
        db.write(|c| entries::recompute_hot(c, now)).expect("hot");
        let changed = |at: i64| {
            db.read(|c| entries::hot_scores(c, at))
                .expect("scores")
                .changed
                .into_iter()
                .map(|(id, _)| id)
                .collect::<Vec<_>>()
        };
        let minute = 60 * 1_000_000;
        // A minute of decay is within the tolerance, an hour is not.
        assert!(changed(now + minute).is_empty());
        let mut both = vec![x.entry_id, y.entry_id];
        both.sort_unstable();
        assert_eq!(changed(now + 60 * minute), both);
        // A new bookmark moves its entry's score by far more.
        mark(db, b, public("https://hot.example/y", "", &[]));
        assert_eq!(changed(now + minute), [y.entry_id]);
        let scores = db.read(|c| entries::hot_scores(c, now)).expect("scores");
        assert_eq!(scores.hot, 2);
    }
);

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
    duplicates_refused(&mut c);
    let (up_indexes, seqs, counts) = state(&mut c);
    assert!(
        up_indexes.contains(&"entries_url".to_owned()),
        "{up_indexes:?}"
    );
    assert!(up_indexes.contains(&"bookmarks_user_entry".to_owned()));
    assert_eq!(
        seqs.iter().find(|s| s.name == "bookmarks").map(|s| s.seq),
        Some(last.id)
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
    assert_eq!(again.0, up_indexes);
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

// On PostgreSQL the insert of a new bookmark, its counters and the entry's
// count update go as one statement, and the answer is built from what that
// statement returned: it must be exactly what storage then holds.
backend_test!(a_saved_bookmark_is_answered_as_stored, |db: &Db| {
    let a = user(db, "alice");
    let b = user(db, "bob");
    let save = |user_id: i64, url: &str, private: bool| {
        let url = NormalizedUrl::parse(url).expect("url");
        let tags = Tags::parse(&["Rust", "db"]).expect("tags");
        db.write_autocommit(move |c| {
            bookmarks::save(
                c,
                user_id,
                &url,
                &BookmarkInput {
                    title: Some("Typed title"),
                    comment: Some("a comment"),
                    note: Some("a note"),
                    tags: Some(&tags),
                    is_private: Some(private),
                    read_later: Some(true),
                    ..Default::default()
                },
                opts(),
                IfExists::Update,
            )
        })
        .expect("save")
    };
    let mut last_id = 0;
    for (user_id, url, private) in [
        (a, "https://example.com/new", false),  // creates the entry
        (b, "https://example.com/new", false),  // moves its counts
        (b, "https://example.com/priv", true),  // creates it privately
        (a, "https://example.com/priv", true),  // moves nothing of the entry
        (a, "https://example.com/other", true), // a new entry, private
        (b, "https://example.com/other", false),
    ] {
        let (view, created) = save(user_id, url, private);
        assert_eq!(created, SaveOutcome::Created, "{url}");
        assert!(view.bookmark.id > last_id, "ids grow");
        last_id = view.bookmark.id;
        let stored = db
            .read(|c| bookmarks::find_view(c, view.bookmark.id, Some(user_id)))
            .expect("find")
            .expect("stored");
        assert_eq!(view, stored, "{url}");
        let entry = db
            .read(|c| entries::find(c, view.entry.id))
            .expect("entry")
            .expect("stored entry");
        assert_eq!(view.entry, entry, "{url}");
    }
    // A private save that gives the title of an entry without one: the
    // entry's counts stay, its title is answered as stored.
    let untitled = NormalizedUrl::parse("https://example.com/untitled").expect("url");
    db.write(|c| {
        bookmarks::save(
            c,
            a,
            &untitled,
            &BookmarkInput::default(),
            opts(),
            IfExists::Update,
        )
    })
    .expect("untitled");
    let (view, _) = db
        .write(|c| {
            bookmarks::save(
                c,
                b,
                &untitled,
                &BookmarkInput {
                    title: Some("Typed later"),
                    is_private: Some(true),
                    ..Default::default()
                },
                opts(),
                IfExists::Update,
            )
        })
        .expect("titled");
    assert_eq!(view.entry.title, "Typed later");
    let entry = db
        .read(|c| entries::find(c, view.entry.id))
        .expect("entry")
        .expect("stored entry");
    assert_eq!(view.entry, entry);
    // Saving again updates: the id drawn for it (PostgreSQL) is skipped.
    let (again, created) = save(a, "https://example.com/new", false);
    assert_eq!(created, SaveOutcome::Updated);
    let (next, _) = save(a, "https://example.com/next", false);
    assert!(next.bookmark.id > again.bookmark.id);
    // An update that keeps a tag, drops one, adds one, hides the bookmark
    // and dates it back answers as stored too, its tag rows following.
    let url = NormalizedUrl::parse("https://example.com/new").expect("url");
    let tags = Tags::parse(&["rust", "web"]).expect("tags");
    let input = BookmarkInput {
        tags: Some(&tags),
        is_private: Some(true),
        created_at: Some(1_600_000_000_000_000),
        ..Default::default()
    };
    let (moved, created) = db
        .write(|c| bookmarks::save(c, a, &url, &input, opts(), IfExists::Update))
        .expect("update");
    assert_eq!(created, SaveOutcome::Updated);
    assert_eq!(moved.bookmark.tag_list(), ["rust", "web"]);
    let stored = db
        .read(|c| bookmarks::find_view(c, moved.bookmark.id, Some(a)))
        .expect("find")
        .expect("stored");
    assert_eq!(moved, stored);
    assert_consistent(db);
});

// The entry page reads the entry and its card tags in one statement.
backend_test!(a_public_entry_comes_with_its_top_card_tags, |db: &Db| {
    let users: Vec<i64> = ["a", "b", "c", "d"].iter().map(|n| user(db, n)).collect();
    let url = "https://example.com/tagged";
    // Counts: go 4, web 3, db 2, art 2 (db and art tie: by key), zz 1.
    let marks: [&[&str]; 4] = [
        &["go", "web", "db", "art"],
        &["go", "web", "db", "zz"],
        &["go", "web", "art"],
        &["go"],
    ];
    let mut entry_id = 0;
    for (u, tags) in users.iter().zip(marks) {
        entry_id = mark(db, *u, public(url, "", tags)).0.entry_id;
    }
    let view = db
        .read(|c| entries::find_public(c, entry_id))
        .expect("find")
        .expect("public");
    assert_eq!(view.tags, ["go", "web", "art"]);
    assert_eq!(view.entry.bookmark_count, 4);
    let (untagged, _) = mark(db, users[0], public("https://example.com/bare", "", &[]));
    let view = db
        .read(|c| entries::find_public(c, untagged.entry_id))
        .expect("find")
        .expect("public");
    assert!(view.tags.is_empty());
    assert_eq!(view.entry.url, "https://example.com/bare");
    let hidden = mark(
        db,
        users[1],
        Mark {
            url: "https://example.com/hidden",
            comment: "",
            tags: &["go"],
            private: true,
        },
    )
    .0;
    assert!(db
        .read(|c| entries::find_public(c, hidden.entry_id))
        .expect("find")
        .is_none());
    assert!(db
        .read(|c| entries::find_public(c, 1_000_000))
        .expect("find")
        .is_none());
});
