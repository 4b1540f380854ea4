//! Invite codes: uses counted atomically, expired and revoked codes refused.

use bukuma_db::invites::{self, Redeem};
use bukuma_db::{both_backends, now_micros, Db, DbError};

use crate::common::user;

fn redeem(db: &Db, hash: &str) -> Redeem {
    db.write(|c| invites::redeem(c, hash, now_micros()))
        .expect("redeem")
}

fn an_invite_is_good_for_its_uses_and_no_more(db: &Db) {
    let admin = user(db, "admin");
    let invite = db
        .write(|c| invites::create(c, "h-two", Some(admin), 2, now_micros(), None))
        .expect("create");
    assert_eq!((invite.uses, invite.max_uses), (0, 2));
    assert_eq!(invite.created_by, Some(admin));
    assert_eq!(redeem(db, "h-two"), Redeem::Redeemed(invite.id));
    assert_eq!(redeem(db, "h-two"), Redeem::Redeemed(invite.id));
    assert_eq!(redeem(db, "h-two"), Redeem::UsedUp);
    assert_eq!(redeem(db, "no-such-code"), Redeem::Unknown);
    let listed = db.read(invites::list).expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].uses, 2, "refused redemptions are not counted");
}
both_backends!(an_invite_is_good_for_its_uses_and_no_more);

fn concurrent_redemptions_never_pass_the_limit(db: &Db) {
    db.write(|c| invites::create(c, "h-race", None, 3, now_micros(), None))
        .expect("create");
    let redeemed: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let db = db.clone();
                s.spawn(move || {
                    (0..3)
                        .filter(|_| matches!(redeem(&db, "h-race"), Redeem::Redeemed(_)))
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    assert_eq!(redeemed, 3);
    let listed = db.read(invites::list).expect("list");
    assert_eq!(listed[0].uses, 3);
}
both_backends!(concurrent_redemptions_never_pass_the_limit);

fn expired_and_revoked_invites_are_refused(db: &Db) {
    let now = now_micros();
    db.write(|c| invites::create(c, "h-old", None, 5, now - 10, Some(now - 1)))
        .expect("create");
    assert_eq!(redeem(db, "h-old"), Redeem::Expired);
    let live = db
        .write(|c| invites::create(c, "h-live", None, 5, now, Some(now + 3_600_000_000)))
        .expect("create");
    assert_eq!(redeem(db, "h-live"), Redeem::Redeemed(live.id));
    let revoked = db
        .write(|c| invites::revoke(c, live.id, now_micros()))
        .expect("revoke");
    assert!(revoked.revoked_at.is_some());
    assert_eq!(redeem(db, "h-live"), Redeem::Revoked);
    // Revoking again keeps the first time; an unknown id is NotFound.
    let again = db
        .write(|c| invites::revoke(c, live.id, now_micros() + 5))
        .expect("revoke again");
    assert_eq!(again.revoked_at, revoked.revoked_at);
    assert!(matches!(
        db.write(|c| invites::revoke(c, 9_999, now_micros())),
        Err(DbError::NotFound)
    ));
}
both_backends!(expired_and_revoked_invites_are_refused);
