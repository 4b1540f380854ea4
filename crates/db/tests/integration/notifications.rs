//! Notifications: each kind, grouping and order, removal, read marking,
//! the unread count, and the cleanup of comments made private or deleted.

use bukuma_db::bookmarks::{self, BookmarkInput};
use bukuma_db::models::{NotificationKind, NotificationView};
use bukuma_db::notifications::{self, FIRST_BOOKMARK_MILESTONES};
use bukuma_db::{both_backends, follows, now_micros, stars, Db, DbError};
use bukuma_domain::{BookmarkId, UserId};

use crate::common::{assert_consistent, mark, opts, public, user, Mark};

fn star(db: &Db, u: UserId, b: BookmarkId, at: i64) {
    db.write(|c| stars::star(c, u, b, at)).expect("star");
}

fn list(db: &Db, u: UserId) -> Vec<NotificationView> {
    db.read(|c| notifications::list(c, u, None, 100))
        .expect("list")
        .items
}

fn unread(db: &Db, u: UserId) -> i64 {
    db.read(|c| notifications::unread_count(c, u))
        .expect("unread")
}

fn names(n: &NotificationView) -> Vec<&str> {
    n.actors.iter().map(|a| a.username.as_str()).collect()
}

fn comment(db: &Db, u: UserId, url: &str) -> BookmarkId {
    mark(db, u, public(url, "a comment", &[])).0.id
}

fn stars_on_a_comment_gather_in_one_notification_newest_first(db: &Db) {
    let owner = user(db, "owner");
    let fans: Vec<UserId> = (0..5).map(|i| user(db, &format!("fan{i}"))).collect();
    let b = comment(db, owner, "https://example.com/a");
    for (i, f) in fans.iter().enumerate() {
        star(db, *f, b, 1_000 + i as i64);
    }
    let items = list(db, owner);
    assert_eq!(items.len(), 1, "{items:#?}");
    let n = &items[0];
    assert_eq!(n.kind, NotificationKind::Star);
    assert_eq!(n.actor_count, 5);
    assert_eq!(names(n), ["fan4", "fan3", "fan2"], "newest three");
    assert_eq!(n.comment.as_ref().map(|c| c.id), Some(b));
    assert_eq!(
        n.comment.as_ref().map(|c| c.comment.as_str()),
        Some("a comment")
    );
    assert_eq!(
        n.entry.as_ref().map(|e| e.url.as_str()),
        Some("https://example.com/a")
    );
    assert_eq!((n.created_at, n.updated_at), (1_000, 1_004));
    assert!(!n.read);
    assert_eq!(unread(db, owner), 1);
    for f in &fans {
        assert!(list(db, *f).is_empty(), "starrers hear nothing");
    }
    assert_consistent(db);
}
both_backends!(stars_on_a_comment_gather_in_one_notification_newest_first);

fn a_new_actor_moves_a_read_notification_to_the_top_unread(db: &Db) {
    let owner = user(db, "owner");
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    let c1 = comment(db, owner, "https://example.com/1");
    let c2 = comment(db, owner, "https://example.com/2");
    star(db, a, c1, 1_000);
    star(db, a, c2, 2_000);
    db.write(|c| follows::follow(c, b, owner, 3_000))
        .expect("follow");
    let kinds: Vec<_> = list(db, owner).iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        [
            NotificationKind::Follow,
            NotificationKind::Star,
            NotificationKind::Star
        ]
    );
    let top = list(db, owner)[0].id;
    assert_eq!(
        db.write(|c| notifications::mark_read(c, owner, top, 3_500))
            .expect("read"),
        0
    );
    assert!(list(db, owner).iter().all(|n| n.read));
    // Bob stars the oldest: it comes back on top, unread.
    star(db, b, c1, 4_000);
    let items = list(db, owner);
    assert_eq!(items[0].comment.as_ref().map(|c| c.id), Some(c1));
    assert_eq!(names(&items[0]), ["bob", "alice"]);
    assert!(!items[0].read);
    assert!(items[1..].iter().all(|n| n.read));
    assert_eq!(unread(db, owner), 1);
    assert_consistent(db);
}
both_backends!(a_new_actor_moves_a_read_notification_to_the_top_unread);

fn retried_and_own_actions_add_nothing(db: &Db) {
    let (owner, a) = (user(db, "owner"), user(db, "alice"));
    let b = comment(db, owner, "https://example.com/a");
    star(db, a, b, 1_000);
    star(db, a, b, 2_000);
    db.write(|c| follows::follow(c, a, owner, 3_000))
        .expect("follow");
    db.write(|c| follows::follow(c, a, owner, 4_000))
        .expect("follow again");
    star(db, owner, b, 5_000);
    let items = list(db, owner);
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|n| n.actor_count == 1), "{items:#?}");
    assert_eq!(items[1].updated_at, 1_000, "a second star moves nothing");
    assert_eq!(unread(db, owner), 2);
    assert_consistent(db);
}
both_backends!(retried_and_own_actions_add_nothing);

fn unstar_and_unfollow_take_the_actor_back(db: &Db) {
    let (owner, a, b) = (user(db, "owner"), user(db, "alice"), user(db, "bob"));
    let c1 = comment(db, owner, "https://example.com/a");
    star(db, a, c1, 1_000);
    star(db, b, c1, 2_000);
    db.write(|c| stars::unstar(c, b, c1)).expect("unstar");
    let items = list(db, owner);
    assert_eq!((items.len(), items[0].actor_count), (1, 1));
    assert_eq!(names(&items[0]), ["alice"]);
    db.write(|c| stars::unstar(c, a, c1)).expect("unstar");
    assert!(list(db, owner).is_empty(), "no actors, no notification");
    assert_eq!(unread(db, owner), 0);

    db.write(|c| follows::follow(c, a, owner, 3_000))
        .expect("follow");
    let id = list(db, owner)[0].id;
    db.write(|c| notifications::mark_read(c, owner, id, 3_100))
        .expect("read");
    db.write(|c| follows::unfollow(c, a, owner))
        .expect("unfollow");
    assert!(list(db, owner).is_empty());
    assert_eq!(unread(db, owner), 0, "a read one leaves the count alone");
    assert_consistent(db);
}
both_backends!(unstar_and_unfollow_take_the_actor_back);

fn read_marking_stops_at_the_given_notification(db: &Db) {
    let owner = user(db, "owner");
    let fans: Vec<UserId> = (0..3).map(|i| user(db, &format!("fan{i}"))).collect();
    let comments: Vec<BookmarkId> = (0..3)
        .map(|i| comment(db, owner, &format!("https://example.com/{i}")))
        .collect();
    for (i, c) in comments.iter().enumerate() {
        star(db, fans[i], *c, 1_000 * (i as i64 + 1));
    }
    assert_eq!(unread(db, owner), 3);
    let items = list(db, owner);
    // The middle one and those below it.
    let left = db
        .write(|c| notifications::mark_read(c, owner, items[1].id, 5_000))
        .expect("read");
    assert_eq!(left, 1);
    let read: Vec<bool> = list(db, owner).iter().map(|n| n.read).collect();
    assert_eq!(read, [false, true, true]);
    let other = user(db, "other");
    assert!(matches!(
        db.write(|c| notifications::mark_read(c, other, items[0].id, 5_000)),
        Err(DbError::NotFound)
    ));
    assert_eq!(unread(db, owner), 1);
    assert_consistent(db);
}
both_backends!(read_marking_stops_at_the_given_notification);

fn notifications_paginate_by_update_time(db: &Db) {
    let owner = user(db, "owner");
    for i in 0..5 {
        let f = user(db, &format!("fan{i}"));
        let b = comment(db, owner, &format!("https://example.com/{i}"));
        // Two at a time share a time: the id breaks the tie.
        star(db, f, b, 1_000 + (i / 2) * 10);
    }
    let all: Vec<i64> = list(db, owner).iter().map(|n| n.id).collect();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = db
            .read(|c| notifications::list(c, owner, after, 2))
            .expect("page");
        seen.extend(page.items.iter().map(|n| n.id));
        match page.next {
            Some(k) => after = Some((k[0], k[1])),
            None => break,
        }
    }
    assert_eq!(seen, all);
    assert_eq!(seen.len(), 5);
}
both_backends!(notifications_paginate_by_update_time);

fn a_comment_made_private_emptied_or_deleted_leaves_no_notification(db: &Db) {
    let (owner, a) = (user(db, "owner"), user(db, "alice"));
    for (i, input) in [
        BookmarkInput {
            is_private: Some(true),
            ..BookmarkInput::default()
        },
        BookmarkInput {
            comment: Some(""),
            ..BookmarkInput::default()
        },
    ]
    .iter()
    .enumerate()
    {
        let b = comment(db, owner, &format!("https://example.com/{i}"));
        star(db, a, b, 1_000);
        assert_eq!(unread(db, owner), 1);
        db.write(|c| bookmarks::update(c, owner, b, input, opts()))
            .expect("update");
        assert!(list(db, owner).is_empty(), "{input:?}");
        assert_eq!(unread(db, owner), 0);
        assert_consistent(db);
    }
    let b = comment(db, owner, "https://example.com/deleted");
    star(db, a, b, 1_000);
    db.write(|c| bookmarks::delete(c, owner, b, opts()))
        .expect("delete");
    assert!(list(db, owner).is_empty());
    assert_eq!(unread(db, owner), 0);
    assert_consistent(db);
}
both_backends!(a_comment_made_private_emptied_or_deleted_leaves_no_notification);

fn the_first_public_bookmarker_hears_of_each_milestone(db: &Db) {
    let url = "https://example.com/popular";
    let first = user(db, "first");
    // A private bookmark made earlier does not make its owner the first.
    let hidden = user(db, "hidden");
    mark(
        db,
        hidden,
        Mark {
            url,
            comment: "",
            tags: &[],
            private: true,
        },
    );
    mark(db, first, public(url, "", &[]));
    let others: Vec<UserId> = (1..10).map(|i| user(db, &format!("u{i}"))).collect();
    for (i, u) in others.iter().enumerate() {
        mark(db, *u, public(url, "", &[]));
        let count = i as i64 + 2;
        let items = list(db, first);
        let reached = FIRST_BOOKMARK_MILESTONES
            .iter()
            .rev()
            .find(|m| **m <= count);
        match reached {
            None => assert!(items.is_empty(), "{count}: {items:#?}"),
            Some(m) => {
                assert_eq!(items.len(), 1, "{count}");
                assert_eq!(items[0].kind, NotificationKind::FirstBookmark);
                assert_eq!(items[0].actor_count, *m);
                assert!(items[0].actors.is_empty());
                assert_eq!(items[0].entry.as_ref().map(|e| e.url.as_str()), Some(url));
            }
        }
    }
    assert!(list(db, hidden).is_empty());
    assert_eq!(unread(db, first), 1, "5 then 10: one notification, unread");
    // Falling back below 10 and reaching it again adds nothing.
    let last = *others.last().expect("users");
    let (b, _) = mark(db, last, public(url, "", &[]));
    db.write(|c| {
        bookmarks::update(
            c,
            last,
            b.id,
            &BookmarkInput {
                is_private: Some(true),
                ..BookmarkInput::default()
            },
            opts(),
        )
    })
    .expect("private");
    let id = list(db, first)[0].id;
    db.write(|c| notifications::mark_read(c, first, id, now_micros()))
        .expect("read");
    db.write(|c| {
        bookmarks::update(
            c,
            last,
            b.id,
            &BookmarkInput {
                is_private: Some(false),
                ..BookmarkInput::default()
            },
            opts(),
        )
    })
    .expect("public again");
    assert_eq!(unread(db, first), 0);
    assert_eq!(list(db, first)[0].actor_count, 10);
    for u in others {
        assert!(list(db, u).is_empty());
    }
    assert_consistent(db);
}
both_backends!(the_first_public_bookmarker_hears_of_each_milestone);

fn the_audit_catches_a_drifted_unread_count(db: &Db) {
    use bukuma_db::schema::notification_counts;
    use diesel::prelude::*;
    let (owner, a) = (user(db, "owner"), user(db, "alice"));
    db.write(|c| follows::follow(c, a, owner, 1_000))
        .expect("follow");
    assert_consistent(db);
    db.write(|c| {
        diesel::update(notification_counts::table.find(owner.0))
            .set(notification_counts::unread.eq(2))
            .execute(c)
            .map_err(DbError::from)
    })
    .expect("drift");
    let problems = db
        .read(bukuma_db::testing::audit::check_counters)
        .expect("audit");
    assert_eq!(
        problems,
        [format!(
            "notification_counts.unread {}: stored 2, actual 1",
            owner.0
        )]
    );
}
both_backends!(the_audit_catches_a_drifted_unread_count);
