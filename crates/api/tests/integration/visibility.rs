//! Private bookmarks are invisible to everybody but their owner, on every
//! endpoint; entries become "new" at three public bookmarks; hot lists.

use crate::harness::{both_backends, enc, id, json, pluck, Backend, TestApp, User, Value};

const PUBLIC_URL: &str = "https://open.example.com/post";
const SECRET_URL: &str = "https://secret.example.net/diary";
const SHARED_URL: &str = "https://news.example.org/story";

/// The entry ids in a list of entries.
fn entry_ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id)
        .collect()
}

struct World {
    alice: User,
    bob: User,
    /// Alice's public bookmark of PUBLIC_URL.
    public: Value,
    /// Alice's private bookmark of SECRET_URL (nobody else bookmarked it).
    secret: Value,
    /// Alice's private bookmark of SHARED_URL, which Carol bookmarked publicly.
    shared_private: Value,
    /// Carol's public bookmark of SHARED_URL.
    shared_public: Value,
}

async fn world(app: &TestApp) -> World {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let public = app
        .bookmark(
            &alice.access,
            PUBLIC_URL,
            json!({"comment": "open", "tags": ["shared"]}),
        )
        .await;
    let secret = app
        .bookmark(
            &alice.access,
            SECRET_URL,
            json!({"comment": "my secret", "tags": ["secret", "shared"], "private": true}),
        )
        .await;
    let shared_private = app
        .bookmark(
            &alice.access,
            SHARED_URL,
            json!({"comment": "hidden remark", "tags": ["secret"], "private": true}),
        )
        .await;
    let shared_public = app
        .bookmark(
            &carol.access,
            SHARED_URL,
            json!({"comment": "carol says hi"}),
        )
        .await;
    app.recompute_hot();
    World {
        alice,
        bob,
        public,
        secret,
        shared_private,
        shared_public,
    }
}

/// Everything a viewer other than Alice (anonymous or Bob) can see.
async fn assert_hidden_from(app: &TestApp, w: &World, viewer: Option<&str>) {
    let who = viewer.map_or("anonymous", |_| "bob");
    let secret_entry = w.secret["entry"]["id"].as_i64().expect("entry id");
    let shared_entry = w.shared_public["entry"]["id"].as_i64().expect("entry id");

    // Alice's lists.
    let bookmarks = app.all_bookmarks("alice", "", viewer).await;
    assert_eq!(
        pluck(&bookmarks, "/entry/url"),
        vec![json!(PUBLIC_URL)],
        "{who}"
    );
    assert!(app
        .all_bookmarks("alice", "tag=secret", viewer)
        .await
        .is_empty());
    let shared = app.all_bookmarks("alice", "tag=shared", viewer).await;
    assert_eq!(pluck(&shared, "/id"), vec![w.public["id"].clone()], "{who}");
    assert!(app
        .all_bookmarks("alice", "site=secret.example.net", viewer)
        .await
        .is_empty());
    let tags = app
        .get("/api/v1/users/alice/tags", viewer)
        .await
        .expect(200);
    assert_eq!(
        tags["items"],
        json!([{"tag": "shared", "count": 1}]),
        "{who}"
    );
    let sites = app
        .get("/api/v1/users/alice/sites", viewer)
        .await
        .expect(200);
    assert_eq!(
        sites["items"],
        json!([{"domain": "open.example.com", "count": 1}]),
        "{who}"
    );
    let profile = app.get("/api/v1/users/alice", viewer).await.expect(200);
    assert_eq!(profile["bookmark_count"], 1, "{who}");

    // The bookmarks themselves.
    for b in [&w.secret, &w.shared_private] {
        app.get(&format!("/api/v1/bookmarks/{}", id(b)), viewer)
            .await
            .problem(404);
    }

    // Entries.
    let counts = app
        .get(
            &format!(
                "/api/v1/entries/counts?url={}&url={}&url={}",
                enc(SECRET_URL),
                enc(SHARED_URL),
                enc(PUBLIC_URL)
            ),
            viewer,
        )
        .await
        .expect(200);
    assert_eq!(
        counts,
        json!({ SECRET_URL: 0, SHARED_URL: 1, PUBLIC_URL: 1 }),
        "{who}"
    );
    app.get(
        &format!("/api/v1/entries/lookup?url={}", enc(SECRET_URL)),
        viewer,
    )
    .await
    .problem(404);
    let shared = app
        .get(
            &format!("/api/v1/entries/lookup?url={}", enc(SHARED_URL)),
            viewer,
        )
        .await
        .expect(200);
    assert_eq!(shared["bookmark_count"], 1);
    assert_eq!(
        shared["tags"],
        json!([]),
        "Alice's private tags do not show"
    );
    app.get(&format!("/api/v1/entries/{secret_entry}"), viewer)
        .await
        .problem(404);
    let by_id = app
        .get(&format!("/api/v1/entries/{shared_entry}"), viewer)
        .await
        .expect(200);
    assert_eq!(by_id["bookmark_count"], 1);

    // Comments.
    app.get(&format!("/api/v1/entries/{secret_entry}/comments"), viewer)
        .await
        .problem(404);
    for sort in ["recent", "popular"] {
        let comments = app
            .get(
                &format!("/api/v1/entries/{shared_entry}/comments?sort={sort}"),
                viewer,
            )
            .await
            .expect(200);
        assert_eq!(
            pluck(comments["items"].as_array().expect("items"), "/comment"),
            vec![json!("carol says hi")],
            "{who}"
        );
    }

    // Entry lists.
    for list in [
        "/api/v1/entries/hot",
        "/api/v1/entries/new",
        "/api/v1/sites/secret.example.net/entries",
        "/api/v1/sites/secret.example.net/entries?sort=hot",
        "/api/v1/tags/secret/entries",
    ] {
        let page = app.get(list, viewer).await.expect(200);
        assert!(
            !entry_ids(&page).contains(&secret_entry),
            "{who} sees the secret entry in {list}: {page}"
        );
        if list.contains("/tags/secret") {
            assert_eq!(page["items"], json!([]), "{who}: {list}");
        }
    }
    let hot = app.get("/api/v1/entries/hot", viewer).await.expect(200);
    let public_entry = w.public["entry"]["id"].as_i64().expect("entry id");
    let mut hot_ids = entry_ids(&hot);
    hot_ids.sort_unstable();
    let mut expected = vec![public_entry, shared_entry];
    expected.sort_unstable();
    assert_eq!(
        hot_ids, expected,
        "{who}: only publicly bookmarked entries are hot"
    );
    let site_hot = app
        .get("/api/v1/sites/news.example.org/entries?sort=hot", viewer)
        .await
        .expect(200);
    assert_eq!(entry_ids(&site_hot), vec![shared_entry]);
    let tagged = app
        .get("/api/v1/tags/shared/entries", viewer)
        .await
        .expect(200);
    assert_eq!(entry_ids(&tagged), vec![public_entry], "{who}");
}

async fn private_bookmarks_are_invisible_to_others_everywhere(app: TestApp) {
    let w = world(&app).await;
    assert_hidden_from(&app, &w, None).await;
    assert_hidden_from(&app, &w, Some(w.bob.access.as_str())).await;

    // Alice sees all of hers.
    let mine = Some(w.alice.access.as_str());
    let bookmarks = app.all_bookmarks("alice", "", mine).await;
    assert_eq!(
        pluck(&bookmarks, "/entry/url"),
        vec![json!(SHARED_URL), json!(SECRET_URL), json!(PUBLIC_URL)]
    );
    assert_eq!(
        app.all_bookmarks("alice", "tag=secret", mine).await.len(),
        2
    );
    let tags = app.get("/api/v1/users/alice/tags", mine).await.expect(200);
    assert_eq!(
        tags["items"],
        json!([{"tag": "secret", "count": 2}, {"tag": "shared", "count": 2}])
    );
    let sites = app.get("/api/v1/users/alice/sites", mine).await.expect(200);
    assert_eq!(sites["items"].as_array().map(Vec::len), Some(3));
    let own = app
        .get(&format!("/api/v1/bookmarks/{}", id(&w.secret)), mine)
        .await
        .expect(200);
    assert_eq!(own["comment"], "my secret");
    assert_eq!(own["entry"]["bookmark_count"], 0);
    app.get(
        &format!("/api/v1/me/bookmark?url={}", enc(SECRET_URL)),
        mine,
    )
    .await
    .expect(200);
    // Her private comment is not a comment, even to her.
    let comments = app
        .get(
            &format!(
                "/api/v1/entries/{}/comments",
                w.shared_public["entry"]["id"]
            ),
            mine,
        )
        .await
        .expect(200);
    assert_eq!(comments["items"].as_array().map(Vec::len), Some(1));
}
both_backends!(async private_bookmarks_are_invisible_to_others_everywhere);

async fn making_a_bookmark_private_hides_it_and_public_shows_it(app: TestApp) {
    let w = world(&app).await;
    let path = format!("/api/v1/bookmarks/{}", id(&w.public));
    app.patch(&path, w.alice.access.as_str(), json!({"private": true}))
        .await
        .expect(200);
    app.recompute_hot();
    app.get(&path, w.bob.access.as_str()).await.problem(404);
    app.get(
        &format!("/api/v1/entries/lookup?url={}", enc(PUBLIC_URL)),
        None,
    )
    .await
    .problem(404);
    let counts = app
        .get(
            &format!("/api/v1/entries/counts?url={}", enc(PUBLIC_URL)),
            None,
        )
        .await
        .expect(200);
    assert_eq!(counts[PUBLIC_URL], 0);
    let profile = app.get("/api/v1/users/alice", None).await.expect(200);
    assert_eq!(profile["bookmark_count"], 0);
    let tags = app.get("/api/v1/users/alice/tags", None).await.expect(200);
    assert_eq!(tags["items"], json!([]));
    let hot = app.get("/api/v1/entries/hot", None).await.expect(200);
    assert!(!entry_ids(&hot).contains(&w.public["entry"]["id"].as_i64().unwrap_or(0)));
    let tagged = app
        .get("/api/v1/tags/shared/entries", None)
        .await
        .expect(200);
    assert_eq!(tagged["items"], json!([]));

    // And back.
    app.patch(&path, w.alice.access.as_str(), json!({"private": false}))
        .await
        .expect(200);
    let entry = app
        .get(
            &format!("/api/v1/entries/lookup?url={}", enc(PUBLIC_URL)),
            None,
        )
        .await
        .expect(200);
    assert_eq!(entry["bookmark_count"], 1);
    assert_eq!(entry["tags"], json!(["shared"]));
    assert!(app.counter_mismatches().is_empty());
}
both_backends!(async making_a_bookmark_private_hides_it_and_public_shows_it);

async fn entries_become_new_at_three_public_bookmarks(app: TestApp) {
    let url = "https://example.com/popular";
    let users = [
        app.register("user1").await,
        app.register("user2").await,
        app.register("user3").await,
        app.register("user4").await,
    ];
    let new_ids = || async { entry_ids(&app.get("/api/v1/entries/new", None).await.expect(200)) };

    // Private bookmarks do not count towards the threshold.
    let first = app.bookmark(&users[0].access, url, json!({})).await;
    let entry_id = first["entry"]["id"].as_i64().expect("entry id");
    app.bookmark(&users[1].access, url, json!({"private": true}))
        .await;
    app.bookmark(&users[2].access, url, json!({})).await;
    assert!(
        new_ids().await.is_empty(),
        "2 public bookmarks are not enough"
    );
    app.bookmark(&users[3].access, url, json!({"private": true}))
        .await;
    assert!(new_ids().await.is_empty());

    // The third public one lists it.
    let third = app
        .post(
            "/api/v1/bookmarks",
            users[1].access.as_str(),
            json!({"url": url, "private": false}),
        )
        .await
        .expect(200);
    assert_eq!(third["entry"]["bookmark_count"], 3);
    let page = app.get("/api/v1/entries/new", None).await.expect(200);
    assert_eq!(entry_ids(&page), vec![entry_id]);
    assert_eq!(page["items"][0]["bookmark_count"], 3);
    assert_eq!(page["next_cursor"], Value::Null);

    // Other entries below the threshold stay out; a second one joins on top.
    let other = "https://example.com/other";
    for u in &users[..3] {
        app.bookmark(&u.access, other, json!({})).await;
    }
    let ids = new_ids().await;
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[1], entry_id, "newest first");
    let walked = app.walk("/api/v1/entries/new?limit=1", None).await;
    assert_eq!(walked.len(), 2);
}
both_backends!(async entries_become_new_at_three_public_bookmarks);

async fn hot_lists_publicly_bookmarked_entries_by_score(app: TestApp) {
    let users = [
        app.register("user1").await,
        app.register("user2").await,
        app.register("user3").await,
    ];
    for (i, u) in users.iter().enumerate() {
        app.bookmark(&u.access, "https://example.com/most", json!({}))
            .await;
        if i < 2 {
            app.bookmark(&u.access, "https://example.com/some", json!({}))
                .await;
        }
    }
    app.bookmark(&users[0].access, "https://example.com/least", json!({}))
        .await;
    // Not recomputed yet: nothing is hot.
    let before = app.get("/api/v1/entries/hot", None).await.expect(200);
    assert_eq!(before["items"], json!([]));
    app.recompute_hot();
    let hot = app.walk("/api/v1/entries/hot?limit=2", None).await;
    assert_eq!(
        pluck(&hot, "/url"),
        vec![
            json!("https://example.com/most"),
            json!("https://example.com/some"),
            json!("https://example.com/least"),
        ]
    );
    let site = app
        .walk("/api/v1/sites/EXAMPLE.com/entries?sort=hot&limit=1", None)
        .await;
    assert_eq!(pluck(&site, "/url"), pluck(&hot, "/url"));
    let site_new = app
        .walk("/api/v1/sites/example.com/entries?limit=2", None)
        .await;
    assert_eq!(site_new.len(), 3);
    app.get("/api/v1/sites/not%20a%20domain/entries", None)
        .await
        .problem(400);
}
both_backends!(async hot_lists_publicly_bookmarked_entries_by_score);

/// The first pages of the hot list are kept for `hot_cache_ms`; later pages
/// and other page sizes are read afresh.
async fn the_first_hot_page_is_served_from_the_cache(backend: Backend) {
    let app = TestApp::configured(backend, |c| c.hot_cache_ms = 60_000).await;
    let alice = app.register("alice").await;
    let empty = app.get("/api/v1/entries/hot", None).await.expect(200);
    assert_eq!(empty["items"], json!([]));
    app.bookmark(&alice.access, "https://hot.example/", json!({}))
        .await;
    app.recompute_hot();
    let cached = app.get("/api/v1/entries/hot", None).await.expect(200);
    assert_eq!(cached["items"], json!([]), "the cached page is kept");
    let other_size = app
        .get("/api/v1/entries/hot?limit=5", None)
        .await
        .expect(200);
    assert_eq!(other_size["items"].as_array().map(Vec::len), Some(1));
}
both_backends!(async the_first_hot_page_is_served_from_the_cache);

/// A bookmark made private or deleted takes its entry off the hot list (and
/// its feed) at once, cached first page or not, before any recomputation.
async fn an_entry_leaves_the_hot_list_when_its_last_public_bookmark_goes(backend: Backend) {
    let app = TestApp::configured(backend, |c| c.hot_cache_ms = 60_000).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let private = app
        .bookmark(&alice.access, "https://hot.example/private", json!({}))
        .await;
    let deleted = app
        .bookmark(&bob.access, "https://hot.example/deleted", json!({}))
        .await;
    let stays = app
        .bookmark(&bob.access, "https://hot.example/stays", json!({}))
        .await;
    app.recompute_hot();
    let entry = |b: &Value| b["entry"]["id"].as_i64().unwrap_or(0);
    let hot = app.get("/api/v1/entries/hot", None).await.expect(200);
    assert_eq!(entry_ids(&hot).len(), 3, "{hot}");

    app.patch(
        &format!("/api/v1/bookmarks/{}", id(&private)),
        alice.access.as_str(),
        json!({"private": true}),
    )
    .await
    .expect(200);
    app.delete(
        &format!("/api/v1/bookmarks/{}", id(&deleted)),
        bob.access.as_str(),
    )
    .await
    .expect(204);
    for path in ["/api/v1/entries/hot", "/api/v1/entries/hot?limit=5"] {
        let hot = app.get(path, None).await.expect(200);
        assert_eq!(entry_ids(&hot), [entry(&stays)], "{path}: {hot}");
    }
    let feed = app.get("/hot.rss", None).await;
    let body = String::from_utf8_lossy(&feed.body);
    assert!(body.contains("hot.example/stays"), "{body}");
    assert!(
        !body.contains("hot.example/private") && !body.contains("hot.example/deleted"),
        "{body}"
    );
}
both_backends!(async an_entry_leaves_the_hot_list_when_its_last_public_bookmark_goes);

/// With a read lag, a write reaches its writer at once and other viewers
/// within the lag; the writer's read keeps the new answer for everyone.
async fn within_the_read_lag_writers_see_their_writes(backend: Backend) {
    let app = TestApp::configured(backend, |c| c.read_lag_ms = 60_000).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let first = app
        .bookmark(&alice.access, "https://lag.example/", json!({}))
        .await;
    let entry = format!("/api/v1/entries/{}", first["entry"]["id"]);
    let count = |v: Value| v["bookmark_count"].as_i64();
    assert_eq!(count(app.get(&entry, None).await.expect(200)), Some(1));
    app.bookmark(&bob.access, "https://lag.example/", json!({}))
        .await;
    assert_eq!(
        count(app.get(&entry, None).await.expect(200)),
        Some(1),
        "other viewers get the kept answer within the lag"
    );
    assert_eq!(
        count(app.get(&entry, carol.access.as_str()).await.expect(200)),
        Some(1)
    );
    assert_eq!(
        count(app.get(&entry, bob.access.as_str()).await.expect(200)),
        Some(2),
        "the writer gets an answer read after the write"
    );
    assert_eq!(count(app.get(&entry, None).await.expect(200)), Some(2));

    // Writes through the Pinboard-compatible API count too.
    let (_, secret) = app.api_token(&carol.access, "write").await;
    let add = format!(
        "/api/pinboard/v1/posts/add?auth_token=carol:{secret}&url={}&description=x&format=json",
        enc("https://lag.example/")
    );
    app.get(&add, None).await.expect(200);
    assert_eq!(count(app.get(&entry, None).await.expect(200)), Some(2));
    assert_eq!(
        count(app.get(&entry, carol.access.as_str()).await.expect(200)),
        Some(3)
    );
}
both_backends!(async within_the_read_lag_writers_see_their_writes);

/// Lists filtered by tags are kept per tag: a write reaches the lists of
/// the tags its bookmark carries before and after it, and no others.
async fn tag_lists_follow_the_bookmarks_that_carry_the_tag(app: TestApp) {
    let alice = app.register("alice").await;
    let x = app
        .bookmark(&alice.access, "https://x.example/", json!({"tags": ["a"]}))
        .await;
    let y = app
        .bookmark(&alice.access, "https://y.example/", json!({"tags": ["b"]}))
        .await;
    let listed = |query: &'static str| {
        let app = &app;
        async move {
            let page = app
                .get(&format!("/api/v1/users/alice/bookmarks?{query}"), None)
                .await
                .expect(200);
            pluck(page["items"].as_array().expect("items"), "/id")
        }
    };
    assert_eq!(listed("tag=a").await, [x["id"].clone()]);
    assert_eq!(listed("tag=b").await, [y["id"].clone()]);
    assert!(listed("tag=a&tag=b").await.is_empty());
    assert_eq!(listed("tag=B&tag=a").await.len(), 0);
    app.patch(
        &format!("/api/v1/bookmarks/{}", id(&y)),
        alice.access.as_str(),
        json!({"tags": ["a", "b"]}),
    )
    .await
    .expect(200);
    assert_eq!(listed("tag=a").await, [y["id"].clone(), x["id"].clone()]);
    assert_eq!(listed("tag=a&tag=b").await, [y["id"].clone()]);
    assert_eq!(listed("tag=B&tag=a").await, [y["id"].clone()]);
    app.patch(
        &format!("/api/v1/bookmarks/{}", id(&y)),
        alice.access.as_str(),
        json!({"tags": ["c"]}),
    )
    .await
    .expect(200);
    assert_eq!(listed("tag=a").await, [x["id"].clone()]);
    assert!(listed("tag=b").await.is_empty());
    assert_eq!(listed("tag=c").await, [y["id"].clone()]);
    app.delete(
        &format!("/api/v1/bookmarks/{}", id(&x)),
        alice.access.as_str(),
    )
    .await
    .expect(204);
    assert!(listed("tag=a").await.is_empty());
    assert_eq!(listed("").await, [y["id"].clone()]);
}
both_backends!(async tag_lists_follow_the_bookmarks_that_carry_the_tag);
