//! Apps of the Hatena-compatible REST API: their keys, their owner's limit,
//! revocation, and the nonces that refuse replayed requests.

use bukuma_db::hatena::{self, MAX_HATENA_APPS};
use bukuma_db::models::{HatenaApp, NewHatenaApp};
use bukuma_db::{both_backends, now_micros, Db, DbError};
use bukuma_domain::UserId;

use crate::common::user;

fn app(db: &Db, owner: UserId, key: &str) -> Result<HatenaApp, DbError> {
    let (consumer, token) = (format!("ck-{key}"), format!("at-{key}"));
    db.write(|c| {
        hatena::create_app(
            c,
            &NewHatenaApp {
                user_id: owner,
                name: "my client",
                scope: "write",
                consumer_key: &consumer,
                access_token: &token,
                secret_seed: "seed",
                now: now_micros(),
            },
        )
    })
}

fn an_app_is_found_by_both_of_its_keys_only(db: &Db) {
    let alice = user(db, "alice");
    let made = app(db, alice, "a").expect("create");
    assert_eq!(
        (made.name.as_str(), made.scope.as_str()),
        ("my client", "write")
    );
    let found = db
        .read(|c| hatena::find_app(c, "ck-a", "at-a"))
        .expect("find");
    assert_eq!(found.as_ref().map(|a| a.id), Some(made.id));
    let crossed = db
        .read(|c| hatena::find_app(c, "ck-a", "at-other"))
        .expect("find");
    assert!(
        crossed.is_none(),
        "a consumer key with another token is no app"
    );
}
both_backends!(an_app_is_found_by_both_of_its_keys_only);

fn apps_are_listed_per_owner_and_revoked_by_their_owner_alone(db: &Db) {
    let alice = user(db, "alice");
    let bob = user(db, "bob");
    let first = app(db, alice, "1").expect("create");
    let second = app(db, alice, "2").expect("create");
    app(db, bob, "3").expect("create");
    let listed: Vec<i64> = db
        .read(|c| hatena::list_apps(c, alice))
        .expect("list")
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(listed, vec![second.id, first.id], "newest first, own only");
    let by_bob = db
        .write(|c| hatena::delete_app(c, bob, first.id))
        .expect("delete");
    assert!(!by_bob, "bob cannot revoke alice's app");
    let by_alice = db
        .write(|c| hatena::delete_app(c, alice, first.id))
        .expect("delete");
    assert!(by_alice);
    let gone = db
        .read(|c| hatena::find_app(c, "ck-1", "at-1"))
        .expect("find");
    assert!(gone.is_none());
}
both_backends!(apps_are_listed_per_owner_and_revoked_by_their_owner_alone);

fn an_owner_holds_a_bounded_number_of_apps(db: &Db) {
    let alice = user(db, "alice");
    for i in 0..MAX_HATENA_APPS {
        app(db, alice, &i.to_string()).expect("create");
    }
    let over = app(db, alice, "over");
    assert!(matches!(over, Err(DbError::Conflict(_))), "{over:?}");
}
both_backends!(an_owner_holds_a_bounded_number_of_apps);

fn a_nonce_is_accepted_once_per_timestamp_and_old_ones_are_pruned(db: &Db) {
    let alice = user(db, "alice");
    let a = app(db, alice, "n").expect("create");
    let remember = |nonce: &str, at: i64, oldest: i64| {
        db.write(|c| hatena::remember_nonce(c, a.id, nonce, at, oldest))
            .expect("remember")
    };
    assert!(remember("abc", 1_000, 0));
    assert!(
        !remember("abc", 1_000, 0),
        "the same nonce and time is a replay"
    );
    assert!(
        remember("abc", 1_001, 0),
        "another timestamp is another request"
    );
    assert!(remember("def", 1_000, 0));
    assert_eq!(db.read(|c| hatena::nonce_count(c, a.id)).expect("count"), 3);
    // Once the window passed 1 000 and 1 001, their rows go.
    assert!(remember("ghi", 2_000, 1_500));
    assert_eq!(db.read(|c| hatena::nonce_count(c, a.id)).expect("count"), 1);
    // Revoking the app takes its nonces along.
    db.write(|c| hatena::delete_app(c, alice, a.id))
        .expect("delete");
    assert_eq!(db.read(|c| hatena::nonce_count(c, a.id)).expect("count"), 0);
}
both_backends!(a_nonce_is_accepted_once_per_timestamp_and_old_ones_are_pruned);
