//! Ranking, sorting, filters and paging of everyone's entries.

use bukuma_search::{EntryDoc, EntrySearch, EntrySort};

use crate::support::{entry, entry_opts, Fixture, DAY, NOW};

fn popular(id: i64, title: &str, users: u64) -> EntryDoc {
    EntryDoc {
        users,
        ..entry(id, title)
    }
}

fn dated(id: i64, title: &str, days_ago: i64) -> EntryDoc {
    EntryDoc {
        first_at: NOW - days_ago * DAY,
        last_at: NOW - days_ago * DAY,
        ..entry(id, title)
    }
}

#[test]
fn more_users_rank_higher_at_equal_text() {
    let mut fx = Fixture::new();
    fx.entries(&[
        popular(1, "監視の話", 1),
        popular(2, "監視の話", 50),
        popular(3, "監視の話", 5),
    ]);
    assert_eq!(fx.find("監視"), [2, 3, 1]);
}

#[test]
fn fresher_entries_rank_higher_at_equal_text_and_users() {
    let mut fx = Fixture::new();
    fx.entries(&[
        dated(1, "rust news", 400),
        dated(2, "rust news", 1),
        dated(3, "rust news", 60),
    ]);
    assert_eq!(fx.find("rust"), [2, 3, 1]);
}

#[test]
fn title_matches_outrank_summary_matches() {
    let mut fx = Fixture::new();
    fx.entries(&[
        EntryDoc {
            summary: "設計の話をします".into(),
            ..entry(1, "ある記事")
        },
        EntryDoc {
            summary: "ある記事です".into(),
            ..entry(2, "設計の話")
        },
    ]);
    assert_eq!(fx.find("設計"), [2, 1]);
}

#[test]
fn popular_sorts_by_users_then_recency() {
    let mut fx = Fixture::new();
    fx.entries(&[
        EntryDoc {
            users: 3,
            ..dated(1, "rust", 10)
        },
        EntryDoc {
            users: 9,
            ..dated(2, "rust", 20)
        },
        EntryDoc {
            users: 3,
            ..dated(3, "rust", 5)
        },
    ]);
    let opts = EntrySearch {
        sort: EntrySort::Popular,
        ..entry_opts()
    };
    assert_eq!(fx.find_with("rust", &opts), [2, 3, 1]);
}

#[test]
fn recent_sorts_by_first_bookmark() {
    let mut fx = Fixture::new();
    fx.entries(&[
        EntryDoc {
            users: 100,
            ..dated(1, "rust", 10)
        },
        dated(2, "rust", 1),
        dated(3, "rust", 5),
    ]);
    let opts = EntrySearch {
        sort: EntrySort::Recent,
        ..entry_opts()
    };
    assert_eq!(fx.find_with("rust", &opts), [2, 3, 1]);
}

#[test]
fn min_users_filters() {
    let mut fx = Fixture::new();
    fx.entries(&[
        popular(1, "rust", 1),
        popular(2, "rust", 3),
        popular(3, "rust", 10),
    ]);
    let opts = EntrySearch {
        min_users: Some(3),
        ..entry_opts()
    };
    assert_eq!(fx.find_with("rust", &opts), [3, 2]);
}

#[test]
fn date_range_filters_from_options_and_query() {
    let mut fx = Fixture::new();
    fx.entries(&[
        dated(1, "rust", 30),
        dated(2, "rust", 10),
        dated(3, "rust", 1),
    ]);
    let opts = EntrySearch {
        date_begin: Some(NOW - 15 * DAY),
        date_end: Some(NOW - 5 * DAY),
        ..entry_opts()
    };
    assert_eq!(fx.find_with("rust", &opts), [2]);

    // NOW is 2025-06-15T15:06:40Z; entry 2 was first bookmarked 2025-06-05.
    assert_eq!(fx.find("rust after:2025-06-05 before:2025-06-05"), [2]);
    assert_eq!(fx.find("rust after:2025-06-06"), [3]);
    let mut before = fx.find("before:2025-06-05");
    before.sort_unstable();
    assert_eq!(before, [1, 2]);
}

#[test]
fn site_matches_the_domain_and_its_subdomains_only() {
    let mut fx = Fixture::new();
    fx.entries(&[
        EntryDoc {
            domain: "example.com".into(),
            ..entry(1, "rust")
        },
        EntryDoc {
            domain: "blog.example.com".into(),
            ..entry(2, "rust")
        },
        EntryDoc {
            domain: "notexample.com".into(),
            ..entry(3, "rust")
        },
    ]);
    assert_eq!(fx.find_set("rust site:example.com"), [1, 2]);
    assert_eq!(fx.find_set("site:blog.example.com"), [2]);
    assert_eq!(fx.find_set("rust -site:blog.example.com"), [1, 3]);
    let opts = EntrySearch {
        site: Some("https://EXAMPLE.com/".into()),
        ..entry_opts()
    };
    let mut ids = fx.find_with("rust", &opts);
    ids.sort_unstable();
    assert_eq!(ids, [1, 2]);
}

#[test]
fn bookmarked_by_keeps_entries_a_user_bookmarked() {
    let mut fx = Fixture::new();
    fx.entries(&[
        EntryDoc {
            user_ids: vec![7, 8],
            ..entry(1, "rust")
        },
        EntryDoc {
            user_ids: vec![8],
            ..entry(2, "rust")
        },
    ]);
    let opts = EntrySearch {
        bookmarked_by: Some(7),
        ..entry_opts()
    };
    assert_eq!(fx.find_with("rust", &opts), [1]);
}

#[test]
fn pages_follow_each_other() {
    let mut fx = Fixture::new();
    let docs: Vec<EntryDoc> = (1..=5).map(|i| popular(i, "rust", i as u64)).collect();
    fx.entries(&docs);
    let page = |offset, limit| {
        fx.index
            .search_entries(
                &bukuma_search::parse("rust"),
                &EntrySearch {
                    offset,
                    limit,
                    ..entry_opts()
                },
            )
            .expect("search")
    };
    let first = page(0, 2);
    assert_eq!((first.items, first.has_more), (vec![5, 4], true));
    let last = page(4, 2);
    assert_eq!((last.items, last.has_more), (vec![1], false));
    assert!(page(0, 0).items.is_empty());
}

#[test]
fn an_empty_date_range_finds_nothing() {
    let mut fx = Fixture::new();
    fx.entries(&[dated(1, "rust", 1)]);
    let opts = EntrySearch {
        date_begin: Some(NOW),
        date_end: Some(NOW - DAY),
        ..entry_opts()
    };
    assert!(fx.find_with("rust", &opts).is_empty());
    assert!(fx
        .find("rust after:2025-06-10 before:2025-06-01")
        .is_empty());
}
