//! Searching bookmarks: my own, and everyone's public ones.

use bukuma_search::{BookmarkDoc, BookmarkSearch, BookmarkSort, Target};

use crate::support::{bookmark, bookmark_opts, Fixture, DAY, NOW};

fn mine(user_id: i64) -> BookmarkSearch {
    BookmarkSearch {
        user_id: Some(user_id),
        include_private: true,
        ..bookmark_opts()
    }
}

#[test]
fn private_bookmarks_are_found_only_by_their_owner() {
    let mut fx = Fixture::new();
    fx.bookmarks(&[
        bookmark(1, "監視の記事"),
        BookmarkDoc {
            is_private: true,
            ..bookmark(2, "監視の秘密")
        },
    ]);
    assert_eq!(fx.find_bookmarks("監視", &bookmark_opts()), [1]);
    let theirs = BookmarkSearch {
        user_id: Some(1),
        ..bookmark_opts()
    };
    assert_eq!(fx.find_bookmarks("監視", &theirs), [1]);
    let mut own = fx.find_bookmarks("監視", &mine(1));
    own.sort_unstable();
    assert_eq!(own, [1, 2]);
    // Asking for private bookmarks without naming the owner gets none.
    let nobody = BookmarkSearch {
        include_private: true,
        ..bookmark_opts()
    };
    assert_eq!(fx.find_bookmarks("監視", &nobody), [1]);
}

#[test]
fn a_bookmark_switched_to_private_disappears_from_public_search() {
    let mut fx = Fixture::new();
    fx.bookmarks(&[bookmark(1, "rust")]);
    assert_eq!(fx.find_bookmarks("rust", &bookmark_opts()), [1]);
    fx.bookmarks(&[BookmarkDoc {
        is_private: true,
        ..bookmark(1, "rust")
    }]);
    assert!(fx.find_bookmarks("rust", &bookmark_opts()).is_empty());
    assert_eq!(fx.find_bookmarks("rust", &mine(1)), [1]);
}

#[test]
fn notes_are_searched_only_for_their_owner() {
    let mut fx = Fixture::new();
    fx.bookmarks(&[BookmarkDoc {
        note: "秘密のメモ".into(),
        ..bookmark(1, "記事")
    }]);
    assert_eq!(fx.find_bookmarks("メモ", &mine(1)), [1]);
    assert!(fx.find_bookmarks("メモ", &bookmark_opts()).is_empty());
    let others = BookmarkSearch {
        user_id: Some(1),
        ..bookmark_opts()
    };
    assert!(fx.find_bookmarks("メモ", &others).is_empty());
}

#[test]
fn users_comments_and_tags_scope_the_search() {
    let mut fx = Fixture::new();
    fx.bookmarks(&[
        BookmarkDoc {
            comment: "良い設計".into(),
            tags: vec!["Design".into()],
            ..bookmark(1, "記事A")
        },
        BookmarkDoc {
            user_id: 2,
            comment: "設計が参考になる".into(),
            ..bookmark(2, "記事B")
        },
        BookmarkDoc {
            tags: vec!["design".into(), "rust".into()],
            ..bookmark(3, "設計の記事")
        },
    ]);
    let comments = BookmarkSearch {
        target: Target::Comment,
        ..bookmark_opts()
    };
    let mut ids = fx.find_bookmarks("設計", &comments);
    ids.sort_unstable();
    assert_eq!(ids, [1, 2]);
    let of_user_1 = BookmarkSearch {
        user_id: Some(1),
        target: Target::Comment,
        ..bookmark_opts()
    };
    assert_eq!(fx.find_bookmarks("設計", &of_user_1), [1]);
    let tagged = BookmarkSearch {
        tags: vec!["DESIGN".into(), "rust".into()],
        ..bookmark_opts()
    };
    assert_eq!(fx.find_bookmarks("", &tagged), [3]);
    let mut ids = fx.find_bookmarks("tag:design", &bookmark_opts());
    ids.sort_unstable();
    assert_eq!(ids, [1, 3]);
}

#[test]
fn recent_sorts_by_creation_and_dates_filter() {
    let mut fx = Fixture::new();
    let at = |id, days_ago: i64| BookmarkDoc {
        created_at: NOW - days_ago * DAY,
        ..bookmark(id, "rust")
    };
    fx.bookmarks(&[at(1, 3), at(2, 1), at(3, 2)]);
    let recent = BookmarkSearch {
        sort: BookmarkSort::Recent,
        ..mine(1)
    };
    assert_eq!(fx.find_bookmarks("rust", &recent), [2, 3, 1]);
    let window = BookmarkSearch {
        date_begin: Some(NOW - 2 * DAY - 1),
        date_end: Some(NOW - DAY),
        ..recent
    };
    assert_eq!(fx.find_bookmarks("", &window), [3]);
}

#[test]
fn hits_carry_their_entry() {
    let mut fx = Fixture::new();
    fx.bookmarks(&[BookmarkDoc {
        entry_id: 42,
        ..bookmark(1, "rust")
    }]);
    let hits = fx
        .index
        .search_bookmarks(&bukuma_search::parse("rust"), &bookmark_opts())
        .expect("search");
    assert_eq!(hits.items[0].entry_id, 42);
}
