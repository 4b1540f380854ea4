//! Related entries: co-bookmarking and shared tags, weighted, with the
//! entry's own site last, refreshed from the search outbox.

use bukuma_db::both_backends;
use bukuma_db::related::{self, RELATED_MAX};
use bukuma_db::{bookmarks, now_micros, Db};
use bukuma_domain::{EntryId, UserId};
use diesel::prelude::*;

use crate::common::{mark, opts, public, user, Mark};

/// Bookmarks `url` publicly for `who`; returns its entry.
fn bm(db: &Db, who: UserId, url: &str) -> EntryId {
    mark(db, who, public(url, "", &[])).0.entry_id
}

fn tagged(db: &Db, who: UserId, url: &str, tags: &[&str]) -> EntryId {
    mark(db, who, public(url, "", tags)).0.entry_id
}

/// Computes and stores the list of `id` now.
fn recompute(db: &Db, id: EntryId) {
    db.write(|c| related::recompute(c, id, now_micros(), false))
        .expect("recompute");
}

/// The stored list of `id`, as read.
fn related_of(db: &Db, id: EntryId) -> Vec<EntryId> {
    db.read(|c| related::related_for(c, id, RELATED_MAX))
        .expect("related")
        .into_iter()
        .map(|v| v.entry.id)
        .collect()
}

/// Does what the server's job does until nothing is left: follows the
/// outbox and recomputes every queued list.
fn drain(db: &Db) {
    loop {
        let read = db
            .write(|c| related::follow_outbox(c, 1_000, now_micros()))
            .expect("outbox");
        let queued = db.read(|c| related::take_dirty(c, 100)).expect("queue");
        if read == 0 && queued.is_empty() {
            return;
        }
        for (id, spread) in queued {
            db.write(|c| related::recompute(c, id, now_micros(), spread))
                .expect("recompute");
        }
    }
}

fn co_bookmarked_entries_rank_by_how_many_shared_the_bookmark(db: &Db) {
    let us: Vec<UserId> = ["u1", "u2", "u3"].iter().map(|n| user(db, n)).collect();
    let a = bm(db, us[0], "https://a.example/1");
    for u in &us[1..] {
        bm(db, *u, "https://a.example/1");
    }
    let b = bm(db, us[0], "https://b.example/1");
    bm(db, us[1], "https://b.example/1");
    let c = bm(db, us[2], "https://c.example/1");
    // Nobody who bookmarked `a` bookmarked this one.
    let lonely = bm(db, user(db, "u4"), "https://d.example/1");
    assert_eq!(
        db.read(|conn| related::computed_at(conn, a)).expect("at"),
        None
    );
    assert!(related_of(db, a).is_empty(), "empty until computed");
    recompute(db, a);
    assert!(db
        .read(|conn| related::computed_at(conn, a))
        .expect("at")
        .is_some());
    assert_eq!(related_of(db, a), vec![b, c]);
    assert!(!related_of(db, a).contains(&lonely));
    let scores = db.read(|conn| related::compute(conn, a)).expect("compute");
    assert!(scores[0].score > scores[1].score);
}
both_backends!(co_bookmarked_entries_rank_by_how_many_shared_the_bookmark);

fn a_prolific_user_weighs_less_than_an_ordinary_one(db: &Db) {
    let (busy, casual) = (user(db, "busy"), user(db, "casual"));
    for i in 0..40 {
        bm(db, busy, &format!("https://filler{i}.example/"));
    }
    let a = bm(db, busy, "https://a.example/");
    bm(db, casual, "https://a.example/");
    let by_busy = bm(db, busy, "https://busy.example/");
    let by_casual = bm(db, casual, "https://casual.example/");
    recompute(db, a);
    let list = related_of(db, a);
    assert_eq!(list[0], by_casual, "{list:?}");
    assert!(list.contains(&by_busy));
    // One user adds at most PER_USER candidates.
    assert!(list.len() <= RELATED_MAX);
    let scores = db.read(|c| related::compute(c, a)).expect("compute");
    let busy_score = scores.iter().find(|s| s.entry_id == by_busy).expect("busy");
    assert!(
        busy_score.score < 0.2 && scores[0].score > 0.5,
        "{scores:?}"
    );
}
both_backends!(a_prolific_user_weighs_less_than_an_ordinary_one);

fn the_entrys_own_site_comes_last_and_fills_in_when_nothing_else_fits(db: &Db) {
    let us: Vec<UserId> = ["u1", "u2", "u3"].iter().map(|n| user(db, n)).collect();
    let a = bm(db, us[0], "https://same.example/a");
    bm(db, us[1], "https://same.example/a");
    let same = bm(db, us[0], "https://same.example/b");
    bm(db, us[1], "https://same.example/b");
    let other = bm(db, us[0], "https://other.example/c");
    recompute(db, a);
    // Two users shared `same`, one `other`: the other site still leads.
    assert_eq!(related_of(db, a), vec![other, same]);

    let solo = bm(db, us[2], "https://solo.example/1");
    let sibling = bm(db, us[2], "https://solo.example/2");
    recompute(db, solo);
    assert_eq!(related_of(db, solo), vec![sibling]);
}
both_backends!(the_entrys_own_site_comes_last_and_fills_in_when_nothing_else_fits);

fn private_bookmarks_never_relate_entries_even_once_public_before(db: &Db) {
    let (u1, u2, u3) = (user(db, "u1"), user(db, "u2"), user(db, "u3"));
    let a = bm(db, u1, "https://a.example/");
    // `secret` is public through u2, but u1 keeps their bookmark of it private.
    let secret = bm(db, u2, "https://secret.example/");
    mark(
        db,
        u1,
        Mark {
            url: "https://secret.example/",
            comment: "",
            tags: &[],
            private: true,
        },
    );
    let shared = bm(db, u1, "https://shared.example/");
    bm(db, u3, "https://shared.example/");
    drain(db);
    assert_eq!(related_of(db, a), vec![shared]);
    assert!(!related_of(db, a).contains(&secret));

    // u1 makes `shared` private: at the next refresh it no longer relates.
    mark(
        db,
        u1,
        Mark {
            url: "https://shared.example/",
            comment: "",
            tags: &[],
            private: true,
        },
    );
    drain(db);
    assert!(related_of(db, a).is_empty(), "{:?}", related_of(db, a));

    // Deleting a public bookmark takes it out the same way.
    let (gone, _) = mark(db, u1, public("https://gone.example/", "", &[]));
    bm(db, u3, "https://gone.example/");
    drain(db);
    assert_eq!(related_of(db, a), vec![gone.entry_id]);
    db.write(|c| bookmarks::delete(c, u1, gone.id, opts()))
        .expect("delete");
    drain(db);
    assert!(related_of(db, a).is_empty());
}
both_backends!(private_bookmarks_never_relate_entries_even_once_public_before);

fn new_bookmarks_refresh_both_sides_through_the_outbox(db: &Db) {
    let (u1, u2) = (user(db, "u1"), user(db, "u2"));
    let a = bm(db, u1, "https://a.example/");
    let b = bm(db, u1, "https://b.example/");
    drain(db);
    assert_eq!(related_of(db, a), vec![b]);
    assert_eq!(related_of(db, b), vec![a]);
    assert_eq!(db.read(related::dirty_count).expect("count"), 0);

    // u2 bookmarks `a` and then `c`: `a`'s list gains `c` …
    bm(db, u2, "https://a.example/");
    let c = bm(db, u2, "https://c.example/");
    drain(db);
    // Equal weights: the newer entry first.
    assert_eq!(related_of(db, a), vec![c, b]);
    // … and `c`, bookmarked after `a`, relates back to it.
    assert_eq!(related_of(db, c), vec![a]);

    // A new entry of u1's relates to their others, and they to it.
    let d = bm(db, u1, "https://d.example/");
    drain(db);
    assert!(related_of(db, d).contains(&a) && related_of(db, d).contains(&b));
    assert!(related_of(db, b).contains(&d), "{:?}", related_of(db, b));
}
both_backends!(new_bookmarks_refresh_both_sides_through_the_outbox);

fn shared_tags_relate_entries_nobody_bookmarked_together(db: &Db) {
    let (u1, u2, u3) = (user(db, "u1"), user(db, "u2"), user(db, "u3"));
    let a = tagged(db, u1, "https://a.example/", &["rust", "db"]);
    let rusty = tagged(db, u2, "https://rusty.example/", &["Rust"]);
    tagged(db, u3, "https://other.example/", &["cooking"]);
    recompute(db, a);
    assert_eq!(related_of(db, a), vec![rusty]);
}
both_backends!(shared_tags_relate_entries_nobody_bookmarked_together);

fn hidden_entries_and_suspended_users_do_not_surface(db: &Db) {
    use bukuma_db::schema::{entries, users};
    let (u1, u2, bad) = (user(db, "u1"), user(db, "u2"), user(db, "bad"));
    let a = bm(db, u1, "https://a.example/");
    bm(db, bad, "https://a.example/");
    let b = bm(db, u1, "https://b.example/");
    let spam = bm(db, bad, "https://spam.example/");
    bm(db, u2, "https://spam.example/");
    recompute(db, a);
    assert_eq!(related_of(db, a), vec![spam, b]);

    // An entry hidden after the list was computed leaves it at once.
    db.write(|c| {
        Ok(diesel::update(entries::table.find(b))
            .set(entries::hidden_at.eq(Some(now_micros())))
            .execute(c)?)
    })
    .expect("hide");
    assert_eq!(related_of(db, a), vec![spam]);
    // A suspended user's bookmarks relate nothing once recomputed.
    db.write(|c| {
        Ok(diesel::update(users::table.find(bad))
            .set(users::suspended_at.eq(Some(now_micros())))
            .execute(c)?)
    })
    .expect("suspend");
    recompute(db, a);
    assert!(related_of(db, a).is_empty(), "{:?}", related_of(db, a));
    // A hidden entry has no list.
    recompute(db, b);
    assert!(db.read(|c| related::compute(c, b)).expect("b").is_empty());
}
both_backends!(hidden_entries_and_suspended_users_do_not_surface);

fn work_is_bounded_for_an_entry_with_many_bookmarkers(db: &Db) {
    // More bookmarkers than are sampled, each with more bookmarks than are.
    let n = related::SAMPLE_USERS as usize + 5;
    let mut a = EntryId(0);
    for i in 0..n {
        let u = user(db, &format!("user{i}"));
        a = bm(db, u, "https://big.example/");
        if i % 10 == 0 {
            for j in 0..(related::PER_USER + 3) {
                bm(db, u, &format!("https://site{j}.example/u{i}"));
            }
        }
    }
    recompute(db, a);
    let list = related_of(db, a);
    assert_eq!(list.len(), RELATED_MAX);
    // The oldest bookmarker (user0) is past the sample: none of theirs shows.
    let shown = db
        .read(|c| related::related_for(c, a, RELATED_MAX))
        .expect("related");
    assert!(shown.iter().all(|v| !v.entry.url.ends_with("/u0")));
}
both_backends!(work_is_bounded_for_an_entry_with_many_bookmarkers);
