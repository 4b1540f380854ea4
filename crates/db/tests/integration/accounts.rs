//! Deleting an account: everything of the user goes, every counter it was
//! counted in moves, and the search outbox learns of each document.

use bukuma_db::accounts::delete_account;
use bukuma_db::moderation::{self, ReportOutcome};
use bukuma_db::mutes::{self, Target};
use bukuma_db::schema::{
    api_tokens, bookmarks, follows as follows_t, notification_actors, notifications, report_cases,
    reports, search_outbox, stars as stars_t, user_mutes, users,
};
use bukuma_db::{both_backends, follows, now_micros, stars, tokens, Db, DbError};
use bukuma_domain::moderation::{ReportReason, TargetKind};
use bukuma_domain::UserId;
use diesel::prelude::*;

use crate::common::{assert_consistent, mark, opts, public, user, Mark};

fn count_where(db: &Db, f: impl Fn(&mut bukuma_db::DbConnection) -> QueryResult<i64>) -> i64 {
    db.read(|c| Ok(f(c)?)).expect("count")
}

fn deleting_an_account_removes_its_data_and_keeps_every_counter_exact(db: &Db) {
    let (alice, bob, carol) = (user(db, "alice"), user(db, "bob"), user(db, "carol"));
    let (a1, _) = mark(
        db,
        alice,
        public("https://example.com/a", "alice says", &["rust", "web"]),
    );
    let (a2, _) = mark(
        db,
        alice,
        Mark {
            url: "https://example.com/private",
            comment: "secret",
            tags: &["mine"],
            private: true,
        },
    );
    let (b1, _) = mark(
        db,
        bob,
        public("https://example.com/a", "bob says", &["rust"]),
    );
    mark(
        db,
        carol,
        public("https://example.com/c", "carol says", &["web"]),
    );
    let now = now_micros();
    // Stars both ways, follows both ways, mutes both ways, reports both ways.
    db.write(|c| stars::star(c, alice, b1.id, now))
        .expect("star");
    db.write(|c| stars::star(c, carol, b1.id, now))
        .expect("star");
    db.write(|c| stars::star(c, bob, a1.id, now)).expect("star");
    db.write(|c| follows::follow(c, alice, bob, now))
        .expect("follow");
    db.write(|c| follows::follow(c, carol, alice, now))
        .expect("follow");
    db.write(|c| follows::follow(c, bob, carol, now))
        .expect("follow");
    db.write(|c| mutes::mute(c, alice, Target::Word("spoiler"), now))
        .expect("mute");
    db.write(|c| mutes::mute(c, carol, Target::User(alice), now))
        .expect("mute");
    for (reporter, target) in [(alice, b1.id.0), (carol, b1.id.0), (bob, a1.id.0)] {
        let out = db
            .write(|c| {
                moderation::report(
                    c,
                    reporter,
                    TargetKind::Comment,
                    target,
                    ReportReason::Spam,
                    "",
                    now,
                )
            })
            .expect("report");
        assert!(matches!(out, ReportOutcome::Created(_)), "{out:?}");
    }
    db.write(|c| tokens::create_api_token(c, alice, "t", "write", "hash-a", now))
        .expect("token");
    db.write(|c| tokens::insert_refresh(c, alice, "fam", "refresh-a", now, now + 1_000_000))
        .expect("refresh");
    assert_consistent(db);
    let outbox_before: i64 = count_where(db, |c| search_outbox::table.count().get_result(c));

    let done = db
        .write(|c| delete_account(c, alice, opts()))
        .expect("delete");
    assert_eq!(
        (done.bookmarks, done.stars_given, done.follows, done.reports),
        (2, 1, 2, 1)
    );
    assert_consistent(db);

    let a = alice.0;
    assert_eq!(
        count_where(db, |c| users::table
            .filter(users::id.eq(a))
            .count()
            .get_result(c)),
        0
    );
    assert_eq!(
        count_where(db, |c| bookmarks::table
            .filter(bookmarks::user_id.eq(a))
            .count()
            .get_result(c)),
        0
    );
    assert_eq!(
        count_where(db, |c| stars_t::table
            .filter(stars_t::user_id.eq(a))
            .count()
            .get_result(c)),
        0
    );
    assert_eq!(
        count_where(db, |c| follows_t::table
            .filter(
                follows_t::follower_id
                    .eq(a)
                    .or(follows_t::followee_id.eq(a))
            )
            .count()
            .get_result(c)),
        0
    );
    assert_eq!(
        count_where(db, |c| user_mutes::table
            .filter(user_mutes::user_id.eq(a).or(user_mutes::muted_id.eq(a)))
            .count()
            .get_result(c)),
        0
    );
    assert_eq!(
        count_where(db, |c| notifications::table
            .filter(notifications::user_id.eq(a))
            .count()
            .get_result(c)),
        0
    );
    assert_eq!(
        count_where(db, |c| notification_actors::table
            .filter(notification_actors::actor_id.eq(a))
            .count()
            .get_result(c)),
        0
    );
    assert_eq!(
        count_where(db, |c| reports::table
            .filter(reports::reporter_id.eq(a))
            .count()
            .get_result(c)),
        0
    );
    assert_eq!(
        count_where(db, |c| api_tokens::table
            .filter(api_tokens::user_id.eq(a))
            .count()
            .get_result(c)),
        0
    );
    // Bob's comment: Carol's star and report remain; Alice's are gone.
    let (stars_left, entry_count): (i64, i64) = db
        .read(|c| {
            Ok(bookmarks::table
                .inner_join(bukuma_db::schema::entries::table)
                .filter(bookmarks::id.eq(b1.id))
                .select((
                    bookmarks::star_count,
                    bukuma_db::schema::entries::bookmark_count,
                ))
                .first(c)?)
        })
        .expect("bob's bookmark");
    assert_eq!((stars_left, entry_count), (1, 1));
    let case_counts: Vec<(i64, i64)> = db
        .read(|c| {
            Ok(report_cases::table
                .order(report_cases::id)
                .select((report_cases::report_count, report_cases::open_count))
                .load(c)?)
        })
        .expect("cases");
    assert_eq!(
        case_counts,
        vec![(1, 1), (1, 1)],
        "Carol's report of Bob, Bob's of Alice's gone comment"
    );
    let find = |u: UserId| {
        db.read(|c| bukuma_db::users::find(c, u))
            .expect("read")
            .expect("user")
    };
    assert_eq!(
        (find(bob).following_count, find(bob).follower_count),
        (1, 0)
    );
    assert_eq!(
        (find(carol).following_count, find(carol).follower_count),
        (0, 1)
    );
    // The outbox names both of Alice's bookmarks, and the public one's entry.
    let named: Vec<(String, i64)> = db
        .read(|c| {
            Ok(search_outbox::table
                .order(search_outbox::id)
                .offset(outbox_before)
                .select((search_outbox::kind, search_outbox::target_id))
                .load(c)?)
        })
        .expect("outbox");
    for want in [
        ("bookmark".to_owned(), a1.id.0),
        ("bookmark".to_owned(), a2.id.0),
        ("entry".to_owned(), a1.entry_id.0),
    ] {
        assert!(named.contains(&want), "{want:?} not in {named:?}");
    }
    // The name is free again; a second delete finds nothing.
    assert!(user(db, "alice") != alice);
    assert!(matches!(
        db.write(|c| delete_account(c, alice, opts())),
        Err(DbError::NotFound)
    ));
}
both_backends!(deleting_an_account_removes_its_data_and_keeps_every_counter_exact);
