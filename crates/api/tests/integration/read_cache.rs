//! Kept answers of public reads are replaced as soon as a write changes
//! them, over HTTP on both backends. The test configuration keeps answers
//! for an hour, so every stale answer would show here.

use crate::harness::{both_backends, id, json, pluck, TestApp, Value};

const URL: &str = "https://example.com/cached";

async fn entry_page_and_comments_follow_bookmarks_stars_and_deletes(app: TestApp) {
    let app = &app;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let first = app
        .bookmark(&alice.access, URL, json!({"comment": "one", "tags": ["a"]}))
        .await;
    let entry = first["entry"]["id"].as_i64().expect("entry id");
    let entry_path = format!("/api/v1/entries/{entry}");
    let comments_path = format!("/api/v1/entries/{entry}/comments?sort=popular");

    // Anonymous reads, kept.
    let e = app.get(&entry_path, None).await.expect(200);
    assert_eq!(e["bookmark_count"], 1);
    assert_eq!(e["tags"], json!(["a"]));
    let c = app.get(&comments_path, None).await.expect(200);
    assert_eq!(
        pluck(c["items"].as_array().expect("items"), "/comment"),
        vec![json!("one")]
    );

    // Another user's bookmark changes both at once.
    let second = app
        .bookmark(
            &bob.access,
            URL,
            json!({"comment": "two", "tags": ["b", "a"]}),
        )
        .await;
    let e = app.get(&entry_path, None).await.expect(200);
    assert_eq!(e["bookmark_count"], 2);
    assert_eq!(e["tags"], json!(["a", "b"]));
    let c = app.get(&comments_path, None).await.expect(200);
    assert_eq!(c["items"].as_array().map(Vec::len), Some(2));

    // A star reorders the popular comments.
    app.put(
        &format!("/api/v1/comments/{}/star", id(&second)),
        alice.access.as_str(),
    )
    .await
    .expect(200);
    let c = app.get(&comments_path, None).await.expect(200);
    let items = c["items"].as_array().expect("items");
    assert_eq!(pluck(items, "/comment"), vec![json!("two"), json!("one")]);
    assert_eq!(items[0]["star_count"], 1);

    // Editing a comment through the bookmark shows.
    app.patch(
        &format!("/api/v1/bookmarks/{}", id(&first)),
        alice.access.as_str(),
        json!({"comment": "one, edited"}),
    )
    .await
    .expect(200);
    let c = app.get(&comments_path, None).await.expect(200);
    assert_eq!(
        pluck(c["items"].as_array().expect("items"), "/comment"),
        vec![json!("two"), json!("one, edited")]
    );

    // Deleting every bookmark makes the entry disappear for everyone.
    for (b, who) in [(&first, &alice), (&second, &bob)] {
        app.delete(&format!("/api/v1/bookmarks/{}", id(b)), who.access.as_str())
            .await
            .expect(204);
    }
    app.get(&entry_path, None).await.problem(404);
    app.get(&comments_path, None).await.problem(404);
}
both_backends!(async entry_page_and_comments_follow_bookmarks_stars_and_deletes);

async fn signed_in_viewers_see_their_own_stars_not_a_kept_answer(app: TestApp) {
    let app = &app;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let b = app
        .bookmark(&alice.access, URL, json!({"comment": "star me"}))
        .await;
    let path = format!("/api/v1/entries/{}/comments", b["entry"]["id"]);
    let anonymous = app.get(&path, None).await.expect(200);
    assert_eq!(anonymous["items"][0]["starred_by_me"], false);
    app.put(
        &format!("/api/v1/comments/{}/star", id(&b)),
        bob.access.as_str(),
    )
    .await
    .expect(200);
    let mine = app.get(&path, bob.access.as_str()).await.expect(200);
    assert_eq!(mine["items"][0]["starred_by_me"], true);
    let anonymous = app.get(&path, None).await.expect(200);
    assert_eq!(anonymous["items"][0]["starred_by_me"], false);
    assert_eq!(anonymous["items"][0]["star_count"], 1);
}
both_backends!(async signed_in_viewers_see_their_own_stars_not_a_kept_answer);

async fn user_lists_follow_the_owners_writes(app: TestApp) {
    let app = &app;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let base = "/api/v1/users/alice";
    app.bookmark(&alice.access, URL, json!({"tags": ["rust"]}))
        .await;
    // Read by a visitor (kept) and by the owner (never kept).
    let tags = app
        .get(&format!("{base}/tags"), bob.access.as_str())
        .await
        .expect(200);
    assert_eq!(tags["items"], json!([{"tag": "rust", "count": 1}]));
    let list = app
        .get(&format!("{base}/bookmarks?tag=rust"), None)
        .await
        .expect(200);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));

    // A private bookmark: the owner sees it at once, visitors never.
    app.bookmark(
        &alice.access,
        "https://example.com/secret",
        json!({"tags": ["rust"], "private": true}),
    )
    .await;
    let own = app
        .get(&format!("{base}/bookmarks?tag=rust"), alice.access.as_str())
        .await
        .expect(200);
    assert_eq!(own["items"].as_array().map(Vec::len), Some(2));
    let visitor = app
        .get(&format!("{base}/bookmarks?tag=rust"), None)
        .await
        .expect(200);
    assert_eq!(visitor["items"].as_array().map(Vec::len), Some(1));

    // Public writes show to visitors at once: bookmarks, tags, sites.
    app.bookmark(
        &alice.access,
        "https://blog.example.org/post",
        json!({"tags": ["rust", "blog"]}),
    )
    .await;
    let visitor = app
        .get(&format!("{base}/bookmarks?tag=rust"), None)
        .await
        .expect(200);
    assert_eq!(visitor["items"].as_array().map(Vec::len), Some(2));
    let tags = app.get(&format!("{base}/tags"), None).await.expect(200);
    assert_eq!(
        tags["items"],
        json!([{"tag": "rust", "count": 2}, {"tag": "blog", "count": 1}])
    );
    let sites = app.get(&format!("{base}/sites"), None).await.expect(200);
    assert_eq!(sites["items"].as_array().map(Vec::len), Some(2));

    // Renaming a tag in bulk.
    app.post(
        "/api/v1/me/tags/rename",
        alice.access.as_str(),
        json!({"from": "rust", "to": "Rust"}),
    )
    .await
    .expect(200);
    let tags = app.get(&format!("{base}/tags"), None).await.expect(200);
    assert_eq!(tags["items"][0], json!({"tag": "Rust", "count": 2}));

    // A new display name shows beside the user's comments everywhere.
    let b = app
        .bookmark(&alice.access, URL, json!({"comment": "named"}))
        .await;
    let comments = format!("/api/v1/entries/{}/comments", b["entry"]["id"]);
    let before: Value = app.get(&comments, None).await.expect(200);
    assert_eq!(before["items"][0]["user"]["username"], "alice");
    app.patch(
        "/api/v1/me",
        alice.access.as_str(),
        json!({"display_name": "Alice A."}),
    )
    .await
    .expect(200);
    let after = app.get(&comments, None).await.expect(200);
    assert_eq!(after["items"][0]["user"]["display_name"], "Alice A.");

    app.get("/api/v1/users/nobody/tags", None)
        .await
        .problem(404);
    assert!(
        app.counter_mismatches().is_empty(),
        "{:?}",
        app.counter_mismatches()
    );
}
both_backends!(async user_lists_follow_the_owners_writes);

async fn a_user_registered_after_a_miss_is_found(app: TestApp) {
    let app = &app;
    app.get("/api/v1/users/latecomer/tags", None)
        .await
        .problem(404);
    app.register("latecomer").await;
    let tags = app
        .get("/api/v1/users/Latecomer/tags", None)
        .await
        .expect(200);
    assert_eq!(tags["items"], json!([]));
}
both_backends!(async a_user_registered_after_a_miss_is_found);
