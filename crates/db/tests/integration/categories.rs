//! Entry categories: classification queue, suggestions, admins' choices,
//! history and the per-category lists.

use bukuma_db::categories::{
    self, agreed, SuggestOutcome, AGREEING_USERS, MAX_SUGGESTIONS_PER_DAY,
};
use bukuma_db::models::{CategorySource, Entry};
use bukuma_db::{both_backends, entries, now_micros, Db};
use bukuma_domain::{Category, EntryId, UserId};

use crate::common::{assert_consistent, mark, public, user};

fn entry(db: &Db, id: EntryId) -> Entry {
    db.read(|c| entries::find(c, id))
        .expect("find")
        .expect("entry")
}

/// Classifies every entry due as `choose` says (by title), as the job does.
fn classify(db: &Db, choose: impl Fn(&str) -> Category) -> usize {
    classify_entries(db, |t| choose(&t.title))
}

/// Classifies every entry due as `choose` says.
fn classify_entries(db: &Db, choose: impl Fn(&categories::EntryText) -> Category) -> usize {
    let due = db.read(|c| categories::due(c, 1000)).expect("due");
    let answers: Vec<(EntryId, i64, Category)> = due
        .iter()
        .map(|d| (d.text.id, d.due, choose(&d.text)))
        .collect();
    db.write(|c| categories::store_auto(c, &answers, now_micros()))
        .expect("store");
    due.len()
}

fn due_ids(db: &Db) -> Vec<EntryId> {
    db.read(|c| categories::due(c, 1000))
        .expect("due")
        .into_iter()
        .map(|d| d.text.id)
        .collect()
}

fn suggest(db: &Db, u: UserId, id: EntryId, c: Category, now: i64) -> SuggestOutcome {
    db.write(|conn| categories::suggest(conn, u, id, c, now))
        .expect("suggest")
}

fn new_entries_are_classified_once_and_the_classifier_reads_their_tags(db: &Db) {
    let alice = user(db, "alice");
    let (b, _) = mark(
        db,
        alice,
        public("https://rust.example/a", "", &["rust", "programming"]),
    );
    assert_eq!(
        entry(db, b.entry_id).category(),
        None,
        "unclassified at first"
    );
    let due = db.read(|c| categories::due(c, 10)).expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].text.domain, "rust.example");
    assert_eq!(due[0].text.tags, vec!["programming", "rust"]);
    assert_eq!(classify(db, |_| Category::It), 1);
    assert_eq!(
        entry(db, b.entry_id).category(),
        Some((Category::It, CategorySource::Auto))
    );
    assert!(
        due_ids(db).is_empty(),
        "classified entries are no longer due"
    );
    let history = db
        .read(|c| categories::history(c, b.entry_id))
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].from, history[0].to, history[0].source),
        (None, Category::It, CategorySource::Auto)
    );
    assert_eq!(history[0].actor, None);
    // The same answer again changes nothing and records nothing.
    db.write(|c| categories::store_auto(c, &[(b.entry_id, 0, Category::It)], now_micros()))
        .expect("store");
    assert_eq!(
        db.read(|c| categories::history(c, b.entry_id))
            .expect("history")
            .len(),
        1
    );
    assert_consistent(db);
}
both_backends!(new_entries_are_classified_once_and_the_classifier_reads_their_tags);

fn metadata_and_public_count_milestones_make_an_entry_due_again(db: &Db) {
    let users: Vec<UserId> = (0..3).map(|i| user(db, &format!("u{i}"))).collect();
    let (b, _) = mark(db, users[0], public("https://news.example/a", "", &[]));
    classify(db, |_| Category::Social);
    let meta = entries::PageMetadata {
        title: Some("Election results".into()),
        summary: Some("Who won".into()),
        ..Default::default()
    };
    db.write(|c| entries::record_fetch_success(c, b.entry_id, &meta, now_micros()))
        .expect("fetched");
    assert_eq!(
        due_ids(db),
        vec![b.entry_id],
        "the page's own title arrived"
    );
    let due = db.read(|c| categories::due(c, 10)).expect("due");
    assert_eq!(due[0].text.title, "Election results");
    assert_eq!(due[0].text.summary, "Who won");
    classify(db, |t| {
        if t.contains("Election") {
            Category::Economics
        } else {
            Category::Social
        }
    });
    assert_eq!(
        entry(db, b.entry_id).category(),
        Some((Category::Economics, CategorySource::Auto))
    );
    mark(
        db,
        users[1],
        public("https://news.example/a", "", &["politics"]),
    );
    assert!(due_ids(db).is_empty(), "2 public bookmarks is no milestone");
    mark(
        db,
        users[2],
        public("https://news.example/a", "", &["politics"]),
    );
    assert_eq!(due_ids(db), vec![b.entry_id], "3 public bookmarks is one");
    let history = db
        .read(|c| categories::history(c, b.entry_id))
        .expect("history");
    assert_eq!(history[0].from, Some(Category::Social));
    assert_eq!(history[0].to, Category::Economics);
}
both_backends!(metadata_and_public_count_milestones_make_an_entry_due_again);

fn a_due_mark_made_while_classifying_is_kept_for_the_next_round(db: &Db) {
    let alice = user(db, "alice");
    let (b, _) = mark(db, alice, public("https://a.example/", "", &[]));
    let due = db.read(|c| categories::due(c, 10)).expect("due");
    // The page's metadata arrives between the read and the write.
    let meta = entries::PageMetadata {
        title: Some("Page".into()),
        ..Default::default()
    };
    db.write(|c| entries::record_fetch_success(c, b.entry_id, &meta, now_micros()))
        .expect("fetched");
    let answers = [(due[0].text.id, due[0].due, Category::Fun)];
    db.write(|c| categories::store_auto(c, &answers, now_micros()))
        .expect("store");
    assert_eq!(due_ids(db), vec![b.entry_id]);
    assert_eq!(
        entry(db, b.entry_id).category(),
        Some((Category::Fun, CategorySource::Auto))
    );
}
both_backends!(a_due_mark_made_while_classifying_is_kept_for_the_next_round);

fn three_agreeing_users_move_an_entry_and_an_admin_wins_over_everyone(db: &Db) {
    let users: Vec<UserId> = (0..6).map(|i| user(db, &format!("u{i}"))).collect();
    let (b, _) = mark(db, users[0], public("https://x.example/", "", &[]));
    let id = b.entry_id;
    classify(db, |_| Category::It);
    let now = now_micros();
    for (i, u) in users[..2].iter().enumerate() {
        match suggest(db, *u, id, Category::Game, now) {
            SuggestOutcome::Saved {
                agreeing, moved, ..
            } => assert_eq!((agreeing, moved), (i as i64 + 1, false)),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        entry(db, id).category(),
        Some((Category::It, CategorySource::Auto))
    );
    match suggest(db, users[2], id, Category::Game, now) {
        SuggestOutcome::Saved {
            entry,
            agreeing,
            moved,
        } => {
            assert_eq!((agreeing, moved), (AGREEING_USERS, true));
            assert_eq!(
                entry.category(),
                Some((Category::Game, CategorySource::User))
            );
        }
        other => panic!("{other:?}"),
    }
    // The classifier no longer overwrites it.
    db.write(|c| categories::store_auto(c, &[(id, 0, Category::It)], now_micros()))
        .expect("store");
    assert_eq!(
        entry(db, id).category(),
        Some((Category::Game, CategorySource::User))
    );
    let admin = user(db, "admin");
    let set = db
        .write(|c| {
            categories::set(
                c,
                id,
                Category::Fun,
                CategorySource::Admin,
                Some(admin),
                now,
            )
        })
        .expect("set");
    assert_eq!(set.category(), Some((Category::Fun, CategorySource::Admin)));
    // Four users agreeing on another category leave an admin's choice.
    for u in &users[2..] {
        suggest(db, *u, id, Category::Life, now);
    }
    assert_eq!(
        entry(db, id).category(),
        Some((Category::Fun, CategorySource::Admin))
    );
    let history = db.read(|c| categories::history(c, id)).expect("history");
    let steps: Vec<_> = history
        .iter()
        .map(|h| (h.from, h.to, h.source, h.actor.clone()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (
                Some(Category::Game),
                Category::Fun,
                CategorySource::Admin,
                Some("admin".to_owned())
            ),
            (
                Some(Category::It),
                Category::Game,
                CategorySource::User,
                Some("u2".to_owned())
            ),
            (None, Category::It, CategorySource::Auto, None),
        ]
    );
}
both_backends!(three_agreeing_users_move_an_entry_and_an_admin_wins_over_everyone);

fn a_users_second_suggestion_replaces_their_first(db: &Db) {
    let users: Vec<UserId> = (0..3).map(|i| user(db, &format!("u{i}"))).collect();
    let (b, _) = mark(db, users[0], public("https://x.example/", "", &[]));
    let id = b.entry_id;
    let now = now_micros();
    // One user suggesting three times is one suggestion, not three.
    for c in [Category::Game, Category::Game, Category::Life] {
        suggest(db, users[0], id, c, now);
    }
    assert_eq!(
        db.read(|c| categories::suggestion_of(c, users[0], id))
            .expect("mine"),
        Some(Category::Life)
    );
    match suggest(db, users[1], id, Category::Game, now) {
        SuggestOutcome::Saved {
            agreeing, moved, ..
        } => assert_eq!((agreeing, moved), (1, false)),
        other => panic!("{other:?}"),
    }
    assert_eq!(entry(db, id).category(), None);
}
both_backends!(a_users_second_suggestion_replaces_their_first);

fn suggestions_are_limited_per_user_and_day(db: &Db) {
    let alice = user(db, "alice");
    let bob = user(db, "bob");
    let ids: Vec<EntryId> = (0..=MAX_SUGGESTIONS_PER_DAY)
        .map(|i| {
            mark(
                db,
                alice,
                public(&format!("https://e.example/{i}"), "", &[]),
            )
            .0
            .entry_id
        })
        .collect();
    let now = now_micros();
    for id in &ids[..ids.len() - 1] {
        assert!(matches!(
            suggest(db, alice, *id, Category::Fun, now),
            SuggestOutcome::Saved { .. }
        ));
    }
    let last = ids[ids.len() - 1];
    match suggest(db, alice, last, Category::Fun, now + 1_000_000) {
        SuggestOutcome::Limited { retry_after_secs } => {
            assert!(
                (86_000..=86_400).contains(&retry_after_secs),
                "{retry_after_secs}"
            )
        }
        other => panic!("{other:?}"),
    }
    // Changing a suggestion made today is no new one; others are not limited.
    assert!(matches!(
        suggest(db, alice, ids[0], Category::Life, now + 2_000_000),
        SuggestOutcome::Saved { .. }
    ));
    assert!(matches!(
        suggest(db, bob, last, Category::Fun, now),
        SuggestOutcome::Saved { .. }
    ));
    // A day later the window has moved on.
    let tomorrow = now + 86_401 * 1_000_000;
    assert!(matches!(
        suggest(db, alice, last, Category::Fun, tomorrow),
        SuggestOutcome::Saved { .. }
    ));
}
both_backends!(suggestions_are_limited_per_user_and_day);

fn suggesting_for_a_missing_or_private_entry_is_not_found(db: &Db) {
    let alice = user(db, "alice");
    let (b, _) = mark(
        db,
        alice,
        crate::common::Mark {
            url: "https://private.example/",
            comment: "",
            tags: &[],
            private: true,
        },
    );
    for id in [b.entry_id, EntryId(999_999)] {
        let r = db.write(|c| categories::suggest(c, alice, id, Category::Fun, now_micros()));
        assert!(matches!(r, Err(bukuma_db::DbError::NotFound)), "{r:?}");
    }
}
both_backends!(suggesting_for_a_missing_or_private_entry_is_not_found);

fn category_lists_show_their_category_only_in_hot_and_new_order(db: &Db) {
    let users: Vec<UserId> = (0..3).map(|i| user(db, &format!("u{i}"))).collect();
    let urls = [
        "https://a.example/rust-1",
        "https://a.example/rust-2",
        "https://a.example/game-1",
        "https://a.example/rust-3",
    ];
    for url in urls {
        for u in &users {
            mark(db, *u, public(url, "", &[]));
        }
    }
    // A fourth entry with one bookmark is hot but not new.
    mark(
        db,
        users[0],
        public("https://a.example/rust-lonely", "", &[]),
    );
    let game = db
        .read(|c| entries::find_by_url(c, urls[2]))
        .expect("find")
        .expect("entry")
        .id;
    classify_entries(db, |t| {
        if t.id == game {
            Category::Game
        } else {
            Category::It
        }
    });
    db.write(|c| entries::recompute_hot(c, now_micros()))
        .expect("hot");
    let urls_of = |page: bukuma_db::models::Page<bukuma_db::models::EntryView>| -> Vec<String> {
        page.items.into_iter().map(|v| v.entry.url).collect()
    };
    let new_it = db
        .read(|c| entries::category_newest(c, Category::It, None, 10))
        .expect("new");
    assert_eq!(
        urls_of(new_it),
        vec![urls[3], urls[1], urls[0]],
        "newest listed first, only entries that reached the threshold"
    );
    let new_game = db
        .read(|c| entries::category_newest(c, Category::Game, None, 10))
        .expect("new");
    assert_eq!(urls_of(new_game), vec![urls[2]]);
    let hot_it = db
        .read(|c| entries::category_hot(c, Category::It, None, 2))
        .expect("hot");
    let next = hot_it.next.clone().expect("a second page");
    let first = urls_of(hot_it);
    assert_eq!(first.len(), 2);
    let rest = db
        .read(|c| {
            entries::category_hot(
                c,
                Category::It,
                Some((f64::from_bits(next[0] as u64), next[1])),
                10,
            )
        })
        .expect("hot");
    let mut all: Vec<String> = first.into_iter().chain(urls_of(rest)).collect();
    assert_eq!(
        all.last().map(String::as_str),
        Some("https://a.example/rust-lonely")
    );
    all.sort();
    assert_eq!(
        all,
        vec![urls[0], urls[1], urls[3], "https://a.example/rust-lonely"]
    );
    assert!(db
        .read(|c| entries::category_hot(c, Category::Life, None, 10))
        .expect("hot")
        .items
        .is_empty());
}
both_backends!(category_lists_show_their_category_only_in_hot_and_new_order);

fn corrections_are_the_categories_users_and_admins_chose(db: &Db) {
    let users: Vec<UserId> = (0..3).map(|i| user(db, &format!("u{i}"))).collect();
    let (a, _) = mark(db, users[0], public("https://a.example/", "", &["anime"]));
    let (b, _) = mark(db, users[0], public("https://b.example/", "", &[]));
    classify(db, |_| Category::It);
    assert_eq!(
        db.read(categories::corrections_mark).expect("mark"),
        (0, None)
    );
    let now = now_micros();
    for u in &users {
        suggest(db, *u, a.entry_id, Category::Game, now);
    }
    db.write(|c| {
        categories::set(
            c,
            b.entry_id,
            Category::Life,
            CategorySource::Admin,
            Some(users[0]),
            now,
        )
    })
    .expect("set");
    let corrections = db
        .read(|c| categories::corrections(c, 10))
        .expect("corrections");
    let got: Vec<_> = corrections
        .iter()
        .map(|c| (c.text.id, c.category, c.text.tags.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (b.entry_id, Category::Life, vec![]),
            (a.entry_id, Category::Game, vec!["anime".to_owned()]),
        ]
    );
    assert_eq!(db.read(categories::corrections_mark).expect("mark").0, 2);
}
both_backends!(corrections_are_the_categories_users_and_admins_chose);

#[test]
fn agreement_needs_three_users_and_a_clear_majority() {
    use Category::{Fun, Game, It};
    let auto = Some((It, CategorySource::Auto));
    assert_eq!(agreed(&[(Game, 2)], auto), None);
    assert_eq!(agreed(&[(Game, 3)], auto), Some(Game));
    assert_eq!(agreed(&[(Game, 3), (Fun, 3)], auto), None, "a tie");
    assert_eq!(agreed(&[(Game, 4), (Fun, 3)], auto), Some(Game));
    assert_eq!(
        agreed(&[(It, 3)], auto),
        Some(It),
        "users confirm the classifier"
    );
    assert_eq!(agreed(&[(It, 3)], Some((It, CategorySource::User))), None);
    assert_eq!(
        agreed(&[(Game, 9)], Some((It, CategorySource::Admin))),
        None
    );
    assert_eq!(agreed(&[(Game, 3)], None), Some(Game));
    assert_eq!(agreed(&[], None), None);
}
