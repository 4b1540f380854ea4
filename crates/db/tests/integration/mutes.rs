//! Mutes: idempotence, limits, what a user's mutes load as, and their
//! effect on the feed, my hot entries and notifications.

use bukuma_db::models::{MuteOutcome, NotificationView};
use bukuma_db::mutes::{self, Target};
use bukuma_db::testing::builders::{BookmarkBuilder, UserBuilder};
use bukuma_db::{both_backends, follows, notifications, now_micros, stars, Db, DbError};
use bukuma_domain::mute::{MAX_MUTED_USERS, MAX_MUTED_WORDS};
use bukuma_domain::{BookmarkId, UserId};

use crate::common::{assert_consistent, mark, public, user};

fn mute(db: &Db, u: UserId, t: Target<'_>) -> MuteOutcome {
    db.write(|c| mutes::mute(c, u, t, now_micros()))
        .expect("mute")
}

fn notes(db: &Db, u: UserId) -> Vec<NotificationView> {
    db.read(|c| notifications::list(c, u, None, 100))
        .expect("list")
        .items
}

fn unread(db: &Db, u: UserId) -> i64 {
    db.read(|c| notifications::unread_count(c, u))
        .expect("unread")
}

fn mutes_are_idempotent_private_and_listed(db: &Db) {
    let (me, troll, other) = (user(db, "me"), user(db, "Troll"), user(db, "other"));
    let MuteOutcome::Muted {
        muted_at,
        created: true,
    } = mute(db, me, Target::User(troll))
    else {
        panic!("first mute")
    };
    assert_eq!(
        mute(db, me, Target::User(troll)),
        MuteOutcome::Muted {
            muted_at,
            created: false
        },
        "muting again keeps the first time"
    );
    mute(db, me, Target::Word("炎上"));
    mute(db, me, Target::Site("example.com"));
    assert!(matches!(
        db.write(|c| mutes::mute(c, me, Target::User(me), 0)),
        Err(DbError::Conflict(_))
    ));
    let loaded = db.read(|c| mutes::load(c, me)).expect("load");
    assert!(loaded.hides_user("troll"));
    assert!(loaded.hides_comment("someone", "大炎上"));
    assert!(loaded.hides_site("www.example.com"));
    let theirs = db.read(|c| mutes::load(c, other)).expect("load");
    assert!(theirs.is_empty(), "mutes belong to their owner alone");
    let listed = db.read(|c| mutes::list(c, me)).expect("list");
    assert_eq!(listed.users.len(), 1);
    assert_eq!(listed.users[0].value.username, "Troll");
    assert_eq!(listed.words[0].value, "炎上");
    assert_eq!(listed.sites[0].value, "example.com");
    assert!(db
        .write(|c| mutes::unmute(c, me, Target::User(troll)))
        .expect("unmute"));
    assert!(!db
        .write(|c| mutes::unmute(c, me, Target::User(troll)))
        .expect("unmute"));
    assert!(db
        .write(|c| mutes::unmute(c, me, Target::Word("炎上")))
        .expect("unmute"));
    let loaded = db.read(|c| mutes::load(c, me)).expect("load");
    assert!(!loaded.hides_user("troll") && loaded.words.is_empty());
    assert!(loaded.hides_site("example.com"));
}
both_backends!(mutes_are_idempotent_private_and_listed);

fn each_kind_of_mute_is_limited(db: &Db) {
    let me = user(db, "me");
    for i in 0..MAX_MUTED_WORDS {
        let word = format!("w{i}");
        mute(db, me, Target::Word(&word));
    }
    assert_eq!(
        mute(db, me, Target::Word("one-more")),
        MuteOutcome::LimitReached
    );
    assert!(
        matches!(
            mute(db, me, Target::Word("w0")),
            MuteOutcome::Muted { created: false, .. }
        ),
        "a muted word is still answered at the limit"
    );
    // As many users as the limit, in one transaction.
    let ids: Vec<UserId> = db
        .write(|c| {
            (0..=MAX_MUTED_USERS)
                .map(|i| UserBuilder::new(&format!("u{i}")).insert(c).map(|u| u.id))
                .collect()
        })
        .expect("users");
    let (last, first) = ids.split_last().expect("users");
    db.write(|c| {
        for u in first {
            mutes::mute(c, me, Target::User(*u), 1)?;
        }
        Ok(())
    })
    .expect("mute users");
    assert_eq!(mute(db, me, Target::User(*last)), MuteOutcome::LimitReached);
    assert!(mute(db, me, Target::Site("example.com")) != MuteOutcome::LimitReached);
}
both_backends!(each_kind_of_mute_is_limited);

fn saved(db: &Db, u: UserId, url: &str, at: i64) -> BookmarkId {
    let b = BookmarkBuilder::new(u, url).created_at(at);
    db.write(move |c| b.insert(c)).expect("save").bookmark.id
}

fn muted_followees_leave_the_feed_and_my_hot(db: &Db) {
    let (me, a, b) = (user(db, "me"), user(db, "a"), user(db, "b"));
    for f in [a, b] {
        db.write(|c| follows::follow(c, me, f, 1)).expect("follow");
    }
    let now = now_micros();
    saved(db, a, "https://a.example/1", now - 3);
    saved(db, b, "https://b.example/1", now - 2);
    saved(db, a, "https://shared.example/", now - 1);
    saved(db, b, "https://shared.example/", now);
    let feed = |db: &Db| -> Vec<String> {
        db.read(|c| follows::feed(c, me, None, None, 10))
            .expect("feed")
            .items
            .into_iter()
            .map(|v| v.user.username)
            .collect()
    };
    assert_eq!(feed(db), ["b", "a", "b", "a"]);
    mute(db, me, Target::User(b));
    assert_eq!(feed(db), ["a", "a"], "b's bookmarks left the feed");
    let hot = db
        .read(|c| follows::my_hot(c, me, now_micros(), None, 10))
        .expect("my hot")
        .items;
    assert_eq!(hot.len(), 2, "b's own entry left: {hot:#?}");
    for h in &hot {
        assert_eq!(h.followee_count, 1, "b is not counted");
        let names: Vec<&str> = h.followees.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, ["a"]);
    }
}
both_backends!(muted_followees_leave_the_feed_and_my_hot);

fn muted_users_notify_nothing_and_leave_notifications(db: &Db) {
    let (me, a, b) = (user(db, "me"), user(db, "a"), user(db, "b"));
    let comment = mark(db, me, public("https://example.com/", "mine", &[]))
        .0
        .id;
    db.write(|c| stars::star(c, a, comment, 10)).expect("star");
    db.write(|c| stars::star(c, b, comment, 11)).expect("star");
    db.write(|c| follows::follow(c, a, me, 12)).expect("follow");
    assert_eq!(notes(db, me).len(), 2);
    assert_eq!(unread(db, me), 2);
    // Muting a takes a out of both: the follow notification goes, the star one keeps b.
    mute(db, me, Target::User(a));
    let left = notes(db, me);
    assert_eq!(left.len(), 1, "{left:#?}");
    assert_eq!(left[0].actor_count, 1);
    assert_eq!(left[0].actors[0].username, "b");
    assert_eq!(unread(db, me), 1);
    // What a muted user does later tells me nothing.
    db.write(|c| follows::unfollow(c, a, me)).expect("unfollow");
    db.write(|c| follows::follow(c, a, me, 20)).expect("follow");
    let other = mark(db, me, public("https://example.com/2", "also mine", &[]))
        .0
        .id;
    db.write(|c| stars::star(c, a, other, 21)).expect("star");
    assert_eq!(notes(db, me).len(), 1);
    assert_eq!(unread(db, me), 1);
    assert_consistent(db);
}
both_backends!(muted_users_notify_nothing_and_leave_notifications);
