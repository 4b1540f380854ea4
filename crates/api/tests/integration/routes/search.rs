//! Search over HTTP on both backends: Japanese recall and precision, the
//! query syntax and filters, privacy while the index lags, paging, the
//! feed, and rebuilding the index while writes go on.

use bukuma_api::indexer::{self, Progress, Search};

use crate::harness::{both_backends, id, json, pluck, TestApp, Value};

/// The entry titles of a search (`scope=all`) as `viewer` sees them.
async fn titles(app: &TestApp, query: &str, viewer: Option<&str>) -> Vec<String> {
    let page = app
        .get(&format!("/api/v1/search?{query}"), viewer)
        .await
        .expect(200);
    page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|h| h["entry"]["title"].as_str().expect("title").to_owned())
        .collect()
}

fn q(text: &str) -> String {
    format!("q={}", urlencode(text))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn two_character_words_are_found_inside_compounds(app: TestApp) {
    let alice = app.register("alice").await;
    for (url, title) in [
        ("https://a.example/1", "死活監視基盤の設計"),
        ("https://a.example/2", "監視基盤を作る"),
        ("https://a.example/3", "監査ログの保存"),
        ("https://a.example/4", "障害対応の手順"),
        ("https://a.example/5", "障害の対応について"),
    ] {
        app.bookmark(&alice.access, url, json!({"title": title}))
            .await;
    }
    app.index_now();
    assert_eq!(
        sorted(titles(&app, &q("監視"), None).await),
        ["死活監視基盤の設計", "監視基盤を作る"]
    );
    assert_eq!(titles(&app, &q("障害対応"), None).await, ["障害対応の手順"]);
    assert_eq!(
        sorted(titles(&app, &q("障害"), None).await),
        ["障害の対応について", "障害対応の手順"]
    );
    assert_eq!(titles(&app, &q("設計"), None).await, ["死活監視基盤の設計"]);

    // Highlights are character ranges of the title as returned.
    let page = app
        .get(&format!("/api/v1/search?{}", q("監視")), None)
        .await
        .expect(200);
    let hit = page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|h| h["entry"]["title"] == "死活監視基盤の設計")
        .expect("hit");
    assert_eq!(
        hit["highlights"]["title"],
        json!([{"start": 2, "end": 4}]),
        "{hit}"
    );
}
both_backends!(async two_character_words_are_found_inside_compounds);

async fn mixed_scripts_and_widths_find_the_same_bookmark(app: TestApp) {
    let alice = app.register("alice").await;
    app.bookmark(
        &alice.access,
        "https://rust.example/",
        json!({"title": "Rustで設計するWebサービス", "tags": ["プログラミング"]}),
    )
    .await;
    app.bookmark(
        &alice.access,
        "https://other.example/",
        json!({"title": "Go の設計"}),
    )
    .await;
    app.index_now();
    for query in ["rust 設計", "RUST", "ｒｕｓｔ", "Rustで設計", "ｗｅｂ"] {
        assert_eq!(
            titles(&app, &q(query), None).await,
            ["Rustで設計するWebサービス"],
            "query {query}"
        );
    }
    assert_eq!(
        titles(&app, &q("tag:プログラミング"), None).await,
        ["Rustで設計するWebサービス"]
    );
    assert_eq!(titles(&app, &q("設計 -rust"), None).await, ["Go の設計"]);
    assert_eq!(
        sorted(titles(&app, &q("rust OR go"), None).await),
        ["Go の設計", "Rustで設計するWebサービス"]
    );
    assert_eq!(
        titles(&app, &q("site:other.example 設計"), None).await,
        ["Go の設計"]
    );
}
both_backends!(async mixed_scripts_and_widths_find_the_same_bookmark);

async fn private_deleted_and_switched_bookmarks_never_show(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let secret = app
        .bookmark(
            &alice.access,
            "https://secret.example/",
            json!({"title": "秘密の監視計画", "private": true}),
        )
        .await;
    let open = app
        .bookmark(
            &alice.access,
            "https://open.example/",
            json!({"title": "公開の監視計画", "comment": "監視メモ"}),
        )
        .await;
    app.index_now();
    let query = q("監視");
    assert_eq!(titles(&app, &query, None).await, ["公開の監視計画"]);
    assert_eq!(
        titles(&app, &query, Some(&bob.access)).await,
        ["公開の監視計画"]
    );
    // My own search shows my private bookmark, with highlights in the comment.
    let mine = app
        .get(
            &format!("/api/v1/search?{query}&scope=mine"),
            alice.access.as_str(),
        )
        .await
        .expect(200);
    let ids = pluck(
        mine["bookmarks"].as_array().expect("bookmarks"),
        "/bookmark/id",
    );
    assert_eq!(
        sorted_ids(ids),
        sorted_ids(vec![secret["id"].clone(), open["id"].clone()])
    );
    let open_hit = mine["bookmarks"]
        .as_array()
        .expect("bookmarks")
        .iter()
        .find(|h| h["bookmark"]["id"] == open["id"])
        .expect("open hit");
    assert_eq!(
        open_hit["highlights"]["comment"],
        json!([{"start": 0, "end": 2}])
    );
    // Bob's own search never shows Alice's bookmarks.
    let bobs = app
        .get(
            &format!("/api/v1/search?{query}&scope=mine"),
            bob.access.as_str(),
        )
        .await
        .expect(200);
    assert_eq!(bobs["bookmarks"], json!([]));
    // Without credentials, my own search is refused.
    app.get(&format!("/api/v1/search?{query}&scope=mine"), None)
        .await
        .problem(401);

    // Made private, then deleted, while the indexer is paused: the index
    // still names them, the answer does not.
    app.patch(
        &format!("/api/v1/bookmarks/{}", id(&open)),
        alice.access.as_str(),
        json!({"private": true}),
    )
    .await
    .expect(200);
    assert_eq!(titles(&app, &query, None).await, Vec::<String>::new());
    app.delete(
        &format!("/api/v1/bookmarks/{}", id(&secret)),
        alice.access.as_str(),
    )
    .await
    .expect(204);
    let mine = app
        .get(
            &format!("/api/v1/search?{query}&scope=mine"),
            alice.access.as_str(),
        )
        .await
        .expect(200);
    assert_eq!(
        pluck(
            mine["bookmarks"].as_array().expect("bookmarks"),
            "/bookmark/id"
        ),
        [open["id"].clone()]
    );
    // Indexed, the same holds.
    app.index_now();
    assert_eq!(titles(&app, &query, None).await, Vec::<String>::new());
    let index = app.state.search.as_ref().expect("search").index();
    assert_eq!(index.bookmark_facts(id(&secret)).expect("facts"), None);
    let facts = index
        .bookmark_facts(id(&open))
        .expect("facts")
        .expect("still indexed for its owner");
    assert!(facts.is_private);
}
both_backends!(async private_deleted_and_switched_bookmarks_never_show);

fn sorted_ids(mut v: Vec<Value>) -> Vec<i64> {
    let mut ids: Vec<i64> = v.drain(..).map(|x| x.as_i64().expect("id")).collect();
    ids.sort_unstable();
    ids
}

async fn filters_narrow_by_users_dates_site_and_user(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    app.bookmark(
        &alice.access,
        "https://x.example/popular",
        json!({"title": "人気の記事"}),
    )
    .await;
    app.bookmark(
        &bob.access,
        "https://x.example/popular",
        json!({"title": "人気の記事"}),
    )
    .await;
    app.bookmark(
        &bob.access,
        "https://blog.y.example/quiet",
        json!({"title": "静かな記事"}),
    )
    .await;
    app.index_now();
    let all = q("記事");
    assert_eq!(
        sorted(titles(&app, &all, None).await),
        ["人気の記事", "静かな記事"]
    );
    assert_eq!(
        titles(&app, &format!("{all}&users=2"), None).await,
        ["人気の記事"]
    );
    assert_eq!(
        titles(&app, &format!("{all}&sort=popular"), None).await,
        ["人気の記事", "静かな記事"]
    );
    assert_eq!(
        titles(&app, &format!("{all}&site=y.example"), None).await,
        ["静かな記事"]
    );
    assert_eq!(
        titles(&app, &format!("{all}&user=alice"), None).await,
        ["人気の記事"]
    );
    assert_eq!(
        titles(&app, &q("記事 user:bob"), None).await.len(),
        2,
        "user: in the query"
    );
    assert_eq!(
        titles(&app, &format!("{all}&user=nobody"), None).await,
        Vec::<String>::new()
    );
    let today = chrono::Utc::now().date_naive();
    let tomorrow = today.succ_opt().expect("tomorrow");
    assert_eq!(
        titles(&app, &format!("{all}&date_begin={tomorrow}"), None)
            .await
            .len(),
        0
    );
    assert_eq!(
        titles(
            &app,
            &format!("{all}&date_begin={today}&date_end={today}"),
            None
        )
        .await
        .len(),
        2
    );
}
both_backends!(async filters_narrow_by_users_dates_site_and_user);

async fn bad_searches_are_clear_problems(app: TestApp) {
    let long = "あ".repeat(257);
    app.get(&format!("/api/v1/search?{}", q(&long)), None)
        .await
        .invalid("q");
    app.get("/api/v1/search?q=", None).await.invalid("q");
    app.get("/api/v1/search?q=x&users=2000000", None)
        .await
        .invalid("users");
    app.get(
        "/api/v1/search?q=x&date_begin=2026-02-01&date_end=2026-01-01",
        None,
    )
    .await
    .invalid("date_end");
    app.get("/api/v1/search?q=x&scope=everyone", None)
        .await
        .problem(400);
    app.get("/api/v1/search?q=x&cursor=nonsense", None)
        .await
        .invalid("cursor");
    // Odd syntax degrades to a query and never fails.
    for odd in [
        "\"unbalanced",
        "OR",
        "-",
        "title:",
        "a OR OR b",
        "((",
        "-\"\"",
    ] {
        app.get(&format!("/api/v1/search?{}", q(odd)), None)
            .await
            .expect(200);
    }
    let many = vec!["語"; 1000].join(" ");
    let many = &many[..many.char_indices().nth(256).map_or(many.len(), |(i, _)| i)];
    app.get(&format!("/api/v1/search?{}", q(many)), None)
        .await
        .expect(200);
}
both_backends!(async bad_searches_are_clear_problems);

async fn results_page_without_repeats(app: TestApp) {
    let alice = app.register("alice").await;
    for i in 0..7 {
        app.bookmark(
            &alice.access,
            &format!("https://p.example/{i}"),
            json!({"title": format!("ページ送り {i}")}),
        )
        .await;
    }
    app.index_now();
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/search?{}&limit=3", q("ページ"));
    for _ in 0..10 {
        let page = app.get(&path, None).await.expect(200);
        seen.extend(pluck(
            page["entries"].as_array().expect("entries"),
            "/entry/id",
        ));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/search?{}&limit=3&cursor={c}", q("ページ")),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    let mut unique = sorted_ids(seen);
    unique.dedup();
    assert_eq!(unique.len(), 7);
}
both_backends!(async results_page_without_repeats);

async fn search_results_are_a_feed(app: TestApp) {
    let alice = app.register("alice").await;
    app.bookmark(
        &alice.access,
        "https://feed.example/",
        json!({"title": "監視とフィード"}),
    )
    .await;
    app.index_now();
    for format in ["rss", "atom"] {
        let res = app
            .get(&format!("/search.{format}?{}", q("監視")), None)
            .await;
        assert_eq!(res.status.as_u16(), 200);
        let body = String::from_utf8_lossy(&res.body);
        assert!(body.contains("監視とフィード"), "{body}");
    }
    app.get("/search.rss?q=", None).await.invalid("q");
}
both_backends!(async search_results_are_a_feed);

/// Writes a bookmark when a rebuild reaches its bookmarks.
struct WriteDuring<'a> {
    app: &'a TestApp,
    token: String,
}

impl Progress for WriteDuring<'_> {
    fn phase(&self, name: &str, _total: Option<u64>) {
        if name == "bookmarks" {
            let db = self.app.db().clone();
            let user = bukuma_db::users::find_by_name;
            let me = db
                .read(|c| user(c, &self.token))
                .expect("user")
                .expect("exists")
                .id;
            db.write(|c| {
                bukuma_db::testing::builders::BookmarkBuilder::new(me, "https://during.example/")
                    .title("再構築中の監視")
                    .insert(c)
            })
            .expect("write during the rebuild");
        }
    }

    fn advance(&self, _n: u64) {}
}

async fn a_rebuild_equals_the_incremental_index_and_keeps_writes(app: TestApp) {
    let alice = app.register("alice").await;
    for i in 0..5 {
        app.bookmark(
            &alice.access,
            &format!("https://r.example/{i}"),
            json!({"title": format!("監視 {i}"), "private": i == 4}),
        )
        .await;
    }
    app.index_now();
    let query = q("監視");
    let before = sorted(titles(&app, &query, None).await);
    assert_eq!(before.len(), 4);
    let search = app.state.search.as_ref().expect("search");
    let old = search.index();
    let progress = WriteDuring {
        app: &app,
        token: "alice".into(),
    };
    indexer::rebuild(app.db(), search.dir(), &progress).expect("rebuild");
    assert!(search.refresh().expect("refresh"), "a new generation");
    assert!(!std::ptr::eq(&*old, &*search.index()));
    let mut expected = before.clone();
    expected.push("再構築中の監視".into());
    assert_eq!(sorted(titles(&app, &query, None).await), sorted(expected));
    // Nothing is left to replay, and a sample matches the database.
    app.index_now();
    let report = indexer::verify(app.db(), search, 50, &NoProgress).expect("verify");
    assert_eq!(report.mismatches, Vec::<String>::new());
    // Another process's view of the directory sees the same generation.
    let other = Search::open(search.dir()).expect("open again");
    assert_eq!(other.index().num_docs(), search.index().num_docs());
}
both_backends!(async a_rebuild_equals_the_incremental_index_and_keeps_writes);

struct NoProgress;

impl Progress for NoProgress {
    fn phase(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
}

async fn one_writer_per_directory_and_another_takes_over(app: TestApp) {
    let alice = app.register("alice").await;
    app.bookmark(
        &alice.access,
        "https://w.example/",
        json!({"title": "書き手の交代"}),
    )
    .await;
    let search = app.state.search.as_ref().expect("search");
    // A second server process on the same directory.
    let other = Search::open(search.dir()).expect("second process");
    let held = other
        .index()
        .try_writer(15 * 1024 * 1024)
        .expect("lock")
        .expect("free");
    assert_eq!(app.index_now(), 0, "the lock is held elsewhere");
    drop(held);
    assert!(app.index_now() > 0, "taken over");
    assert_eq!(titles(&app, &q("交代"), None).await, ["書き手の交代"]);
}
both_backends!(async one_writer_per_directory_and_another_takes_over);
