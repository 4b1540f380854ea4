//! Bookmarks over HTTP: upsert, owner-only edits, my bookmark of a URL,
//! filtered and paginated lists, and tag rename/delete, on both backends.

use std::collections::HashSet;

use crate::harness::{both_backends, enc, id, json, pluck, text, TestApp, Value};

async fn upsert_creates_then_updates_the_same_bookmark(app: TestApp) {
    let alice = app.register("alice").await;
    let first = app
        .post(
            "/api/v1/bookmarks",
            alice.access.as_str(),
            json!({
                "url": "HTTPS://Example.COM:443/article?id=7&utm_source=feed#comments",
                "comment": "読みたい",
                "tags": ["Rust", "web", "rust"],
                "title": "An article",
            }),
        )
        .await
        .expect(201);
    assert_eq!(
        first["user"],
        json!({"username": "alice", "display_name": "alice"})
    );
    assert_eq!(first["entry"]["url"], "https://example.com/article?id=7");
    assert_eq!(first["entry"]["domain"], "example.com");
    assert_eq!(first["entry"]["title"], "An article");
    assert_eq!(first["entry"]["bookmark_count"], 1);
    assert!(first["entry"]["first_bookmarked_at"].is_string());
    assert_eq!(first["comment"], "読みたい");
    assert_eq!(first["tags"], json!(["Rust", "web"]), "duplicates folded");
    assert_eq!(first["private"], false);
    assert_eq!(first["read_later"], false);
    for key in ["created_at", "updated_at"] {
        let t = text(&first[key]);
        assert!(
            chrono::DateTime::parse_from_rfc3339(&t).is_ok() && t.ends_with('Z'),
            "{key}: {t}"
        );
    }

    // The same URL spelled differently, only read_later given: same bookmark,
    // other fields kept.
    let second = app
        .post(
            "/api/v1/bookmarks",
            alice.access.as_str(),
            json!({"url": "https://example.com/article?id=7&fbclid=abc", "read_later": true}),
        )
        .await
        .expect(200);
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["entry"]["id"], first["entry"]["id"]);
    assert_eq!(second["comment"], "読みたい");
    assert_eq!(second["tags"], json!(["Rust", "web"]));
    assert_eq!(second["read_later"], true);
    assert_eq!(second["created_at"], first["created_at"]);
    assert_eq!(second["entry"]["bookmark_count"], 1);

    // Given fields replace: an empty comment and tag list clear them.
    let third = app
        .post(
            "/api/v1/bookmarks",
            alice.access.as_str(),
            json!({"url": "https://example.com/article?id=7", "comment": "", "tags": []}),
        )
        .await
        .expect(200);
    assert_eq!(third["id"], first["id"]);
    assert_eq!(third["comment"], "");
    assert_eq!(third["tags"], json!([]));
    assert_eq!(third["read_later"], true);

    let page = app
        .get("/api/v1/users/alice/bookmarks", None)
        .await
        .expect(200);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    let profile = app.get("/api/v1/users/alice", None).await.expect(200);
    assert_eq!(profile["bookmark_count"], 1);
    assert!(app.counter_mismatches().is_empty());
}
both_backends!(async upsert_creates_then_updates_the_same_bookmark);

async fn bookmarks_are_read_by_anyone_but_edited_only_by_their_owner(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let public = app
        .bookmark(
            &alice.access,
            "https://example.com/public",
            json!({"comment": "hi"}),
        )
        .await;
    let private = app
        .bookmark(
            &alice.access,
            "https://example.com/private",
            json!({"private": true}),
        )
        .await;
    let public_path = format!("/api/v1/bookmarks/{}", id(&public));
    let private_path = format!("/api/v1/bookmarks/{}", id(&private));

    assert_eq!(
        app.get(&public_path, None).await.expect(200)["id"],
        public["id"]
    );
    app.get(&public_path, bob.access.as_str()).await.expect(200);
    app.get(&private_path, None).await.problem(404);
    app.get(&private_path, bob.access.as_str())
        .await
        .problem(404);
    let own = app
        .get(&private_path, alice.access.as_str())
        .await
        .expect(200);
    assert_eq!(own["private"], true);
    app.get("/api/v1/bookmarks/999999", alice.access.as_str())
        .await
        .problem(404);

    // Bob can neither change nor delete Alice's bookmarks, public or private.
    for path in [&public_path, &private_path] {
        app.patch(
            path,
            bob.access.as_str(),
            json!({"comment": "bob was here"}),
        )
        .await
        .problem(404);
        app.delete(path, bob.access.as_str()).await.problem(404);
        app.delete(path, None).await.problem(401);
    }
    let still = app.get(&public_path, None).await.expect(200);
    assert_eq!(still["comment"], "hi");

    // Alice can; PATCH keeps what it does not mention.
    let patched = app
        .patch(
            &public_path,
            alice.access.as_str(),
            json!({"tags": ["later"], "read_later": true}),
        )
        .await
        .expect(200);
    assert_eq!(patched["comment"], "hi");
    assert_eq!(patched["tags"], json!(["later"]));
    assert_eq!(patched["read_later"], true);
    let made_public = app
        .patch(
            &private_path,
            alice.access.as_str(),
            json!({"private": false}),
        )
        .await
        .expect(200);
    assert_eq!(made_public["entry"]["bookmark_count"], 1);
    app.get(&private_path, bob.access.as_str())
        .await
        .expect(200);

    app.delete(&public_path, alice.access.as_str())
        .await
        .expect(204);
    app.get(&public_path, alice.access.as_str())
        .await
        .problem(404);
    app.delete(&public_path, alice.access.as_str())
        .await
        .problem(404);
    app.patch(
        &public_path,
        alice.access.as_str(),
        json!({"comment": "gone"}),
    )
    .await
    .problem(404);
    assert!(app.counter_mismatches().is_empty());
}
both_backends!(async bookmarks_are_read_by_anyone_but_edited_only_by_their_owner);

async fn my_bookmark_of_a_url(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let path = |url: &str| format!("/api/v1/me/bookmark?url={}", enc(url));
    app.get(&path("https://example.com/a"), alice.access.as_str())
        .await
        .problem(404);
    let b = app
        .bookmark(
            &alice.access,
            "https://example.com/a",
            json!({"private": true}),
        )
        .await;
    // Found by any spelling of the same normalized URL.
    let found = app
        .get(
            &path("https://EXAMPLE.com/a?utm_medium=x#top"),
            alice.access.as_str(),
        )
        .await
        .expect(200);
    assert_eq!(found["id"], b["id"]);
    app.get(&path("https://example.com/a"), bob.access.as_str())
        .await
        .problem(404);
    app.get(&path("https://example.com/a"), None)
        .await
        .problem(401);
    app.get(&path("ftp://example.com/a"), alice.access.as_str())
        .await
        .invalid("url");
    app.get("/api/v1/me/bookmark", alice.access.as_str())
        .await
        .problem(400);
}
both_backends!(async my_bookmark_of_a_url);

async fn user_bookmarks_filter_by_tags_site_and_read_later(app: TestApp) {
    let alice = app.register("alice").await;
    let t = alice.access.as_str();
    app.bookmark(
        t,
        "https://blog.example.com/1",
        json!({"tags": ["rust", "web"]}),
    )
    .await;
    app.bookmark(
        t,
        "https://blog.example.com/2",
        json!({"tags": ["Ｒｕｓｔ"], "read_later": true}),
    )
    .await;
    app.bookmark(
        t,
        "https://news.example.org/3",
        json!({"tags": ["web", "rust", "news"]}),
    )
    .await;
    app.bookmark(t, "https://news.example.org/4", json!({"read_later": true}))
        .await;
    let urls = |items: Vec<Value>| pluck(&items, "/entry/url");
    let u = |n: &str| {
        Value::from(if n < "3" {
            format!("https://blog.example.com/{n}")
        } else {
            format!("https://news.example.org/{n}")
        })
    };

    let all = app.all_bookmarks("alice", "", None).await;
    assert_eq!(
        urls(all),
        vec![u("4"), u("3"), u("2"), u("1")],
        "newest first"
    );
    let rust = app.all_bookmarks("alice", "tag=rust", None).await;
    assert_eq!(
        urls(rust),
        vec![u("3"), u("2"), u("1")],
        "tags match ignoring case"
    );
    // Width and compatibility forms match too (NFKC and case folding).
    let wide = app
        .all_bookmarks("alice", &format!("tag={}", enc("ＲＵＳＴ")), None)
        .await;
    assert_eq!(urls(wide), vec![u("3"), u("2"), u("1")]);
    let entries = app
        .get(&format!("/api/v1/tags/{}/entries", enc("Ｒｕｓｔ")), None)
        .await
        .expect(200);
    assert_eq!(entries["items"].as_array().map(Vec::len), Some(3));
    let both = app.all_bookmarks("alice", "tag=RUST&tag=web", None).await;
    assert_eq!(urls(both), vec![u("3"), u("1")], "every tag must match");
    let three = app
        .all_bookmarks("alice", "tag=rust&tag=web&tag=news", None)
        .await;
    assert_eq!(urls(three), vec![u("3")]);
    let none = app.all_bookmarks("alice", "tag=nosuchtag", None).await;
    assert!(none.is_empty());
    let site = app
        .all_bookmarks("alice", "site=blog.example.com", None)
        .await;
    assert_eq!(urls(site), vec![u("2"), u("1")]);
    let site_tag = app
        .all_bookmarks("alice", "site=news.example.org&tag=rust", None)
        .await;
    assert_eq!(urls(site_tag), vec![u("3")]);
    let later = app.all_bookmarks("alice", "read_later=true", None).await;
    assert_eq!(urls(later), vec![u("4"), u("2")]);
    let not_later = app.all_bookmarks("alice", "read_later=false", None).await;
    assert_eq!(urls(not_later), vec![u("3"), u("1")]);
    let later_rust = app
        .all_bookmarks("alice", "read_later=true&tag=rust", None)
        .await;
    assert_eq!(urls(later_rust), vec![u("2")]);

    let tags = app.get("/api/v1/users/alice/tags", None).await.expect(200);
    assert_eq!(
        tags["items"],
        json!([{"tag": "rust", "count": 3}, {"tag": "web", "count": 2}, {"tag": "news", "count": 1}])
    );
    let sites = app.get("/api/v1/users/alice/sites", None).await.expect(200);
    assert_eq!(
        sites["items"],
        json!([{"domain": "blog.example.com", "count": 2}, {"domain": "news.example.org", "count": 2}])
    );

    app.get("/api/v1/users/alice/bookmarks?tag=has%20space", None)
        .await
        .invalid("tag[0]");
    app.get("/api/v1/users/alice/bookmarks?site=http://x", None)
        .await
        .invalid("site");
    app.get("/api/v1/users/alice/bookmarks?read_later=maybe", None)
        .await
        .problem(400);
    app.get("/api/v1/users/nobody/bookmarks", None)
        .await
        .problem(404);
}
both_backends!(async user_bookmarks_filter_by_tags_site_and_read_later);

async fn keyset_pagination_walks_every_page_once(app: TestApp) {
    let alice = app.register("alice").await;
    for i in 0..23 {
        let tags = if i % 2 == 0 {
            json!(["even"])
        } else {
            json!([])
        };
        app.bookmark(
            &alice.access,
            &format!("https://example.com/{i}"),
            json!({ "tags": tags }),
        )
        .await;
    }
    for (query, expected) in [
        ("limit=5", 23),
        ("limit=1", 23),
        ("limit=100", 23),
        ("limit=4&tag=even", 12),
    ] {
        let items = app.all_bookmarks("alice", query, None).await;
        let ids: Vec<i64> = items.iter().map(id).collect();
        let unique: HashSet<i64> = ids.iter().copied().collect();
        assert_eq!(ids.len(), expected, "{query}");
        assert_eq!(unique.len(), expected, "{query}: duplicates");
        let times: Vec<_> = items
            .iter()
            .map(|b| {
                chrono::DateTime::parse_from_rfc3339(&text(&b["created_at"])).expect("RFC 3339")
            })
            .collect();
        let mut sorted = times.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(times, sorted, "{query}: newest first");
    }

    let first = app
        .get("/api/v1/users/alice/bookmarks?limit=20", None)
        .await
        .expect(200);
    assert_eq!(first["items"].as_array().map(Vec::len), Some(20));
    let cursor = text(&first["next_cursor"]);
    let last = app
        .get(
            &format!("/api/v1/users/alice/bookmarks?limit=20&cursor={cursor}"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(last["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(last["next_cursor"], Value::Null);
    let default = app
        .get("/api/v1/users/alice/bookmarks", None)
        .await
        .expect(200);
    assert_eq!(
        default["items"].as_array().map(Vec::len),
        Some(20),
        "default limit"
    );

    for bad in ["limit=0", "limit=101", "limit=-1", "limit=ten"] {
        app.get(&format!("/api/v1/users/alice/bookmarks?{bad}"), None)
            .await
            .problem(400);
    }
    app.get("/api/v1/users/alice/bookmarks?limit=0", None)
        .await
        .invalid("limit");
    for bad in ["garbage", "AAAA", "%00%01", "eyJhIjoxfQ", &"x".repeat(500)] {
        app.get(&format!("/api/v1/users/alice/bookmarks?cursor={bad}"), None)
            .await
            .problem(400);
        app.get(&format!("/api/v1/entries/new?cursor={bad}"), None)
            .await
            .problem(400);
    }
    app.get("/api/v1/users/alice/bookmarks?cursor=garbage", None)
        .await
        .invalid("cursor");
}
both_backends!(async keyset_pagination_walks_every_page_once);

async fn renaming_a_tag_merges_and_deleting_removes_it(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let t = alice.access.as_str();
    let b1 = app
        .bookmark(t, "https://example.com/1", json!({"tags": ["rust", "web"]}))
        .await;
    let b2 = app
        .bookmark(t, "https://example.com/2", json!({"tags": ["rustlang"]}))
        .await;
    let b3 = app
        .bookmark(
            t,
            "https://example.com/3",
            json!({"tags": ["RustLang", "rust"], "private": true}),
        )
        .await;
    // Bob's tags are his own.
    app.bookmark(
        &bob.access,
        "https://example.com/1",
        json!({"tags": ["rustlang"]}),
    )
    .await;

    let res = app
        .post(
            "/api/v1/me/tags/rename",
            t,
            json!({"from": "rustlang", "to": "rust"}),
        )
        .await
        .expect(200);
    assert_eq!(res["bookmarks_changed"], 2);
    let tags_of = |b: &Value| format!("/api/v1/bookmarks/{}", id(b));
    assert_eq!(
        app.get(&tags_of(&b1), t).await.expect(200)["tags"],
        json!(["rust", "web"])
    );
    assert_eq!(
        app.get(&tags_of(&b2), t).await.expect(200)["tags"],
        json!(["rust"])
    );
    assert_eq!(
        app.get(&tags_of(&b3), t).await.expect(200)["tags"],
        json!(["rust"]),
        "merged"
    );
    let tags = app.get("/api/v1/users/alice/tags", t).await.expect(200);
    assert_eq!(
        tags["items"],
        json!([{"tag": "rust", "count": 3}, {"tag": "web", "count": 1}])
    );
    let bobs = app.get("/api/v1/users/bob/tags", None).await.expect(200);
    assert_eq!(bobs["items"], json!([{"tag": "rustlang", "count": 1}]));

    // Renaming to a new spelling of the same tag changes its case.
    app.post(
        "/api/v1/me/tags/rename",
        t,
        json!({"from": "web", "to": "Web"}),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(&tags_of(&b1), t).await.expect(200)["tags"],
        json!(["rust", "Web"])
    );

    let res = app.delete("/api/v1/me/tags/rust", t).await.expect(200);
    assert_eq!(res["bookmarks_changed"], 3);
    assert_eq!(
        app.get(&tags_of(&b1), t).await.expect(200)["tags"],
        json!(["Web"])
    );
    assert_eq!(
        app.get(&tags_of(&b3), t).await.expect(200)["tags"],
        json!([])
    );
    let tags = app.get("/api/v1/users/alice/tags", t).await.expect(200);
    assert_eq!(tags["items"], json!([{"tag": "Web", "count": 1}]));
    assert!(app
        .all_bookmarks("alice", "tag=rust", Some(t))
        .await
        .is_empty());

    let res = app.delete("/api/v1/me/tags/nosuch", t).await.expect(200);
    assert_eq!(res["bookmarks_changed"], 0);
    app.post(
        "/api/v1/me/tags/rename",
        t,
        json!({"from": "a b", "to": "x"}),
    )
    .await
    .invalid("from");
    app.post(
        "/api/v1/me/tags/rename",
        t,
        json!({"from": "a", "to": "x".repeat(33)}),
    )
    .await
    .invalid("to");
    app.delete("/api/v1/me/tags/rust", None).await.problem(401);
    assert!(
        app.counter_mismatches().is_empty(),
        "{:?}",
        app.counter_mismatches()
    );
}
both_backends!(async renaming_a_tag_merges_and_deleting_removes_it);
