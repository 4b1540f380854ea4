//! Follows, their counters, and the followees' feed, my hot entries and
//! an entry's bookmarks.

use bukuma_db::entries::recompute_hot;
use bukuma_db::follows::{self, MAX_FOLLOWING, MY_HOT_WINDOW};
use bukuma_db::models::{FollowOutcome, Page};
use bukuma_db::testing::builders::BookmarkBuilder;
use bukuma_db::{both_backends, now_micros, Db, DbError};
use bukuma_domain::{BookmarkId, EntryId, UserId};

use crate::common::{assert_consistent, user};

const HOUR: i64 = 3_600_000_000;

fn follow(db: &Db, a: UserId, b: UserId) -> FollowOutcome {
    db.write(|c| follows::follow(c, a, b, now_micros()))
        .expect("follow")
}

fn counts(db: &Db, u: UserId) -> (i64, i64) {
    let user = db
        .read(|c| bukuma_db::users::find(c, u))
        .expect("read")
        .expect("user");
    (user.following_count, user.follower_count)
}

/// A bookmark of `url` by `u` made `at`, with `tags`, public unless `private`.
fn saved(db: &Db, u: UserId, url: &str, at: i64, tags: &[&str], private: bool) -> BookmarkId {
    let b = BookmarkBuilder::new(u, url)
        .created_at(at)
        .tags(tags)
        .is_private(private);
    db.write(move |c| b.insert(c)).expect("save").bookmark.id
}

fn follows_are_idempotent_and_counted(db: &Db) {
    let (a, b, c) = (user(db, "alice"), user(db, "bob"), user(db, "carol"));
    let first = follow(db, a, b);
    let FollowOutcome::Following {
        followed_at,
        created: true,
    } = first
    else {
        panic!("{first:?}")
    };
    assert_eq!(
        follow(db, a, b),
        FollowOutcome::Following {
            followed_at,
            created: false
        },
        "following again keeps the first time"
    );
    follow(db, c, b);
    follow(db, b, a);
    assert_eq!(counts(db, a), (1, 1));
    assert_eq!(counts(db, b), (1, 2));
    assert_eq!(counts(db, c), (1, 0));
    assert!(db.read(|x| follows::is_following(x, a, b)).expect("read"));
    assert!(!db.read(|x| follows::is_following(x, b, c)).expect("read"));
    assert!(matches!(
        db.write(|x| follows::follow(x, a, a, 0)),
        Err(DbError::Conflict(_))
    ));
    assert!(matches!(
        db.write(|x| follows::follow(x, a, UserId(999_999), 0)),
        Err(DbError::NotFound)
    ));
    assert!(db.write(|x| follows::unfollow(x, a, b)).expect("unfollow"));
    assert!(!db.write(|x| follows::unfollow(x, a, b)).expect("unfollow"));
    assert_eq!(counts(db, a), (0, 1));
    assert_eq!(counts(db, b), (1, 1));
    assert_consistent(db);
}
both_backends!(follows_are_idempotent_and_counted);

fn follow_lists_are_newest_first_and_paginate(db: &Db) {
    let me = user(db, "me");
    let others: Vec<UserId> = (0..5).map(|i| user(db, &format!("u{i}"))).collect();
    for (i, o) in others.iter().enumerate() {
        // The same time for two of them: the id breaks the tie.
        let at = 1_000 + (i as i64 / 2) * 10;
        db.write(|c| follows::follow(c, me, *o, at))
            .expect("follow");
        db.write(|c| follows::follow(c, *o, me, at))
            .expect("follow");
    }
    for list in [follows::following, follows::followers] {
        let mut names = Vec::new();
        let mut after = None;
        loop {
            let page = db.read(|c| list(c, me, after, 2)).expect("page");
            names.extend(page.items.iter().map(|f| f.user.username.clone()));
            match page.next {
                Some(k) => after = Some((k[0], k[1])),
                None => break,
            }
        }
        assert_eq!(names, ["u4", "u3", "u2", "u1", "u0"]);
    }
    let page = db
        .read(|c| follows::following(c, me, None, 1))
        .expect("page");
    assert_eq!(page.items[0].followed_at, 1_020);
}
both_backends!(follow_lists_are_newest_first_and_paginate);

fn following_stops_at_the_limit(db: &Db) {
    let (a, b, c) = (user(db, "alice"), user(db, "bob"), user(db, "carol"));
    follow(db, a, b);
    // As if `a` followed as many as anyone may.
    db.write(|x| {
        use bukuma_db::schema::users;
        use diesel::prelude::*;
        diesel::update(users::table.find(a))
            .set(users::following_count.eq(MAX_FOLLOWING))
            .execute(x)?;
        Ok(())
    })
    .expect("set count");
    assert_eq!(follow(db, a, c), FollowOutcome::LimitReached);
    assert!(!db.read(|x| follows::is_following(x, a, c)).expect("read"));
    // Following someone already followed stays idempotent at the limit.
    assert!(matches!(
        follow(db, a, b),
        FollowOutcome::Following { created: false, .. }
    ));
}
both_backends!(following_stops_at_the_limit);

fn concurrent_follows_and_unfollows_keep_counts_exact(db: &Db) {
    let us: Vec<UserId> = (0..6).map(|i| user(db, &format!("user{i}"))).collect();
    std::thread::scope(|s| {
        for (n, me) in us.iter().enumerate() {
            let (db, me, us) = (db.clone(), *me, us.clone());
            s.spawn(move || {
                for i in 0..40 {
                    // Pairs in both directions, so opposite follows meet.
                    let other = us[(n + 1 + i % 5) % us.len()];
                    if (i + n) % 3 == 0 {
                        db.write(|c| follows::unfollow(c, me, other))
                            .expect("unfollow");
                    } else {
                        db.write(|c| follows::follow(c, me, other, now_micros()))
                            .expect("follow");
                    }
                }
            });
        }
    });
    assert_eq!(db.retried_writes(), 0, "follows deadlocked");
    assert_consistent(db);
}
both_backends!(concurrent_follows_and_unfollows_keep_counts_exact);

/// Every page of the feed of `me`, `limit` at a time.
fn walk_feed(db: &Db, me: UserId, tag: Option<&str>, limit: usize) -> Vec<BookmarkId> {
    let mut ids = Vec::new();
    let mut after = None;
    for _ in 0..1000 {
        let page = db
            .read(|c| follows::feed(c, me, tag, after, limit))
            .expect("feed");
        assert!(page.items.len() <= limit);
        ids.extend(page.items.iter().map(|v| v.bookmark.id));
        match page.next {
            Some(k) => after = Some((k[0], k[1])),
            None => return ids,
        }
    }
    panic!("the feed never ended");
}

fn the_feed_merges_followees_public_bookmarks_newest_first(db: &Db) {
    let me = user(db, "me");
    let stranger = user(db, "stranger");
    let followees: Vec<UserId> = (0..7).map(|i| user(db, &format!("f{i}"))).collect();
    for f in &followees {
        follow(db, me, *f);
    }
    // (time, id, tagged) of every public bookmark of a followee.
    let mut expected: Vec<(i64, BookmarkId, bool)> = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for (i, f) in followees.iter().enumerate() {
        // From none to many bookmarks each; equal times across followees.
        for k in 0..(i * 3) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = 1_000_000 + (seed % 40) as i64 * 1_000;
            let private = k % 4 == 3;
            let tagged = k % 2 == 0;
            let tags: &[&str] = if tagged { &["rust", "web"] } else { &["web"] };
            let url = format!("https://site{i}.example/{k}");
            let id = saved(db, *f, &url, at, tags, private);
            if !private {
                expected.push((at, id, tagged));
            }
        }
    }
    saved(
        db,
        stranger,
        "https://stranger.example/",
        2_000_000,
        &["rust"],
        false,
    );
    saved(db, me, "https://mine.example/", 2_000_000, &["rust"], false);
    expected.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    let all: Vec<BookmarkId> = expected.iter().map(|e| e.1).collect();
    let tagged: Vec<BookmarkId> = expected.iter().filter(|e| e.2).map(|e| e.1).collect();
    assert!(all.len() > 30);
    for limit in [1, 4, 7, 100] {
        assert_eq!(walk_feed(db, me, None, limit), all, "limit {limit}");
        assert_eq!(
            walk_feed(db, me, Some("rust"), limit),
            tagged,
            "limit {limit}"
        );
    }
    let page = db
        .read(|c| follows::feed(c, me, None, None, 3))
        .expect("feed");
    let first = &page.items[0];
    assert!(!first.bookmark.is_private);
    assert!(first.user.username.starts_with('f'));
    assert!(first.entry.url.starts_with("https://site"));
    // Nobody followed, nothing to read.
    assert_eq!(
        db.read(|c| follows::feed(c, stranger, None, None, 20))
            .expect("feed"),
        Page {
            items: Vec::new(),
            next: None
        }
    );
}
both_backends!(the_feed_merges_followees_public_bookmarks_newest_first);

fn my_hot_ranks_by_followees_then_hot_score(db: &Db) {
    let now = now_micros();
    let me = user(db, "me");
    let fs: Vec<UserId> = (0..7).map(|i| user(db, &format!("f{i}"))).collect();
    let stranger = user(db, "stranger");
    for f in &fs {
        follow(db, me, *f);
    }
    let at = |hours: i64| now - hours * HOUR;
    // "six": 6 followees, oldest first, so f5 is the most recent.
    for (i, f) in fs.iter().take(6).enumerate() {
        saved(
            db,
            *f,
            "https://six.example/",
            at(60 - i as i64),
            &[],
            false,
        );
    }
    // "two-a" and "two-b": 2 followees each; strangers make "two-b" hotter.
    for f in &fs[..2] {
        saved(db, *f, "https://two-a.example/", at(50), &[], false);
        saved(db, *f, "https://two-b.example/", at(50), &[], false);
    }
    for k in 0..3 {
        let other = user(db, &format!("crowd{k}"));
        saved(db, other, "https://two-b.example/", at(1), &[], false);
    }
    // "one": one followee; private and old bookmarks of followees do not count.
    saved(db, fs[6], "https://one.example/", at(2), &[], false);
    saved(db, fs[5], "https://one.example/", at(3), &[], true);
    saved(
        db,
        fs[4],
        "https://one.example/",
        now - MY_HOT_WINDOW - HOUR,
        &[],
        false,
    );
    saved(
        db,
        fs[3],
        "https://old.example/",
        now - MY_HOT_WINDOW - HOUR,
        &[],
        false,
    );
    saved(db, stranger, "https://stranger.example/", at(1), &[], false);
    db.write(|c| recompute_hot(c, now)).expect("hot");

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = db
            .read(|c| follows::my_hot(c, me, now, after, 2))
            .expect("my hot");
        seen.extend(page.items);
        match page.next {
            Some(k) => after = Some((k[0], f64::from_bits(k[1] as u64), k[2])),
            None => break,
        }
    }
    let urls: Vec<&str> = seen.iter().map(|h| h.entry.entry.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://six.example/",
            "https://two-b.example/",
            "https://two-a.example/",
            "https://one.example/"
        ]
    );
    let counts: Vec<i64> = seen.iter().map(|h| h.followee_count).collect();
    assert_eq!(counts, [6, 2, 2, 1]);
    let shown: Vec<&str> = seen[0]
        .followees
        .iter()
        .map(|u| u.username.as_str())
        .collect();
    assert_eq!(shown, ["f5", "f4", "f3", "f2", "f1"], "the 5 most recent");
    assert_eq!(seen[3].followees[0].username, "f6");
}
both_backends!(my_hot_ranks_by_followees_then_hot_score);

fn entry_bookmarks_list_everyone_or_followees(db: &Db) {
    let me = user(db, "me");
    let us: Vec<UserId> = (0..6).map(|i| user(db, &format!("u{i}"))).collect();
    let url = "https://story.example/";
    let mut public = Vec::new();
    for (i, u) in us.iter().enumerate() {
        let private = i == 5;
        let b = BookmarkBuilder::new(*u, url)
            .created_at(1_000 + i as i64)
            .is_private(private)
            .comment(if i % 2 == 0 { "a comment" } else { "" });
        let id = db.write(move |c| b.insert(c)).expect("save").bookmark.id;
        if !private {
            public.push(id);
        }
    }
    public.reverse();
    let entry: EntryId = db
        .read(|c| bukuma_db::bookmarks::find(c, public[0]))
        .expect("read")
        .expect("bookmark")
        .entry_id;
    let walk = |viewer: Option<UserId>| {
        let mut ids = Vec::new();
        let mut after = None;
        loop {
            let page = db
                .read(|c| follows::entry_bookmarks(c, entry, viewer, after, 2))
                .expect("list");
            ids.extend(page.items.iter().map(|b| b.id));
            match page.next {
                Some(k) => after = Some((k[0], k[1])),
                None => return ids,
            }
        }
    };
    assert_eq!(walk(None), public, "with and without comments, no private");
    // Following fewer people than bookmarked the entry, then more.
    follow(db, me, us[1]);
    follow(db, me, us[4]);
    follow(db, me, us[5]);
    assert_eq!(walk(Some(me)), [public[0], public[3]]);
    for k in 0..6 {
        let other = user(db, &format!("other{k}"));
        follow(db, me, other);
    }
    assert_eq!(walk(Some(me)), [public[0], public[3]]);
    let first = db
        .read(|c| follows::entry_bookmarks(c, entry, None, None, 1))
        .expect("list");
    assert_eq!(first.items[0].user.username, "u4");
    assert_eq!(first.items[0].comment, "a comment");
}
both_backends!(entry_bookmarks_list_everyone_or_followees);
