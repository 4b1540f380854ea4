//! Entries: new and hot lists, hot scores, card tags.

use bukuma_db::both_backends;
use bukuma_db::{entries, now_micros, Db};
use bukuma_domain::{EntryId, UserId};

use crate::common::{assert_consistent, mark, public, user, Mark};

fn entries_become_new_at_three_public_bookmarks_and_hot_ranks_recent(db: &Db) {
    let us: Vec<UserId> = ["u1", "u2", "u3", "u4"]
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
both_backends!(entries_become_new_at_three_public_bookmarks_and_hot_ranks_recent);

fn stored_hot_scores_change_with_bookmarks_not_with_time(db: &Db) {
    let (a, b) = (user(db, "alice"), user(db, "bob"));
    let (x, _) = mark(db, a, public("https://hot.example/x", "", &[]));
    let (y, _) = mark(db, a, public("https://hot.example/y", "", &[]));
    let now = now_micros();
    db.write(|c| entries::recompute_hot(c, now)).expect("hot");
    let day = 86_400 * 1_000_000;
    let changed = |at: i64| {
        db.read(|c| entries::hot_scores(c, at))
            .expect("scores")
            .changed
            .into_iter()
            .map(|(id, _)| id)
            .collect::<Vec<_>>()
    };
    // A day of decay rewrites nothing; a week's end drops both.
    assert!(changed(now + day).is_empty());
    let mut both = vec![x.entry_id, y.entry_id];
    both.sort_unstable();
    assert_eq!(changed(now + 8 * day), both);
    assert_eq!(
        db.read(|c| entries::hot_scores(c, now))
            .expect("scores")
            .hot,
        2
    );

    // The job's way: nothing changed since the full computation...
    let progress = db
        .read(entries::hot_progress)
        .expect("progress")
        .expect("saved by the computation");
    let (ids, _, more) = db
        .read(|c| entries::hot_changes(c, progress, now + day, 100))
        .expect("changes");
    assert!(ids.is_empty() && !more, "{ids:?}");
    // ...until a new bookmark names its entry, whose score rises.
    mark(db, b, public("https://hot.example/y", "", &[]));
    let (ids, next, _) = db
        .read(|c| entries::hot_changes(c, progress, now + day, 100))
        .expect("changes");
    assert_eq!(ids, [y.entry_id]);
    let scores = db
        .read(|c| entries::hot_scores_of(c, &ids, now + day))
        .expect("scores");
    let hot = db.read(|c| entries::hot(c, None, None, 10)).expect("hot");
    let old = hot
        .items
        .iter()
        .find(|e| e.entry.id == y.entry_id)
        .expect("hot");
    assert_eq!(scores.len(), 1);
    assert!(scores[0].1 > old.entry.hot_score, "{scores:?}");
    db.write(|c| entries::store_hot_scores(c, &scores))
        .expect("store");
    db.write(|c| entries::save_hot_progress(c, next))
        .expect("save");
    let hot = db.read(|c| entries::hot(c, None, None, 10)).expect("hot");
    assert_eq!(hot.items[0].entry.id, y.entry_id);
    // Eight days on, both entries' bookmarks have left the week.
    let (ids, _, _) = db
        .read(|c| entries::hot_changes(c, next, now + 8 * day, 100))
        .expect("changes");
    assert_eq!(ids, both);
    let scores = db
        .read(|c| entries::hot_scores_of(c, &ids, now + 8 * day))
        .expect("scores");
    assert_eq!(scores, vec![(both[0], 0.0), (both[1], 0.0)]);
}
both_backends!(stored_hot_scores_change_with_bookmarks_not_with_time);

// The entry page reads the entry and its card tags in one statement.
fn a_public_entry_comes_with_its_top_card_tags(db: &Db) {
    let users: Vec<UserId> = ["a", "b", "c", "d"].iter().map(|n| user(db, n)).collect();
    let url = "https://example.com/tagged";
    // Counts: go 4, web 3, db 2, art 2 (db and art tie: by key), zz 1.
    let marks: [&[&str]; 4] = [
        &["go", "web", "db", "art"],
        &["go", "web", "db", "zz"],
        &["go", "web", "art"],
        &["go"],
    ];
    let mut entry_id = EntryId(0);
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
        .read(|c| entries::find_public(c, EntryId(1_000_000)))
        .expect("find")
        .is_none());
}
both_backends!(a_public_entry_comes_with_its_top_card_tags);
