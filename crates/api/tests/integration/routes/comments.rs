//! An entry's comments and their stars, over HTTP on both backends.

use crate::harness::{both_backends, id, json, pluck, TestApp, Value};

const URL: &str = "https://example.com/story";

async fn comments_sort_by_recent_or_popular_with_my_stars(app: TestApp) {
    let app = &app;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let dave = app.register("dave").await;
    let first = app
        .bookmark(
            &alice.access,
            URL,
            json!({"comment": "first!", "tags": ["news"]}),
        )
        .await;
    let second = app
        .bookmark(&bob.access, URL, json!({"comment": "second"}))
        .await;
    let third = app
        .bookmark(&carol.access, URL, json!({"comment": "三番目"}))
        .await;
    // Neither a bookmark without comment nor a private one is a comment.
    app.bookmark(&dave.access, URL, json!({"tags": ["x"]}))
        .await;
    let erin = app.register("erin").await;
    app.bookmark(
        &erin.access,
        URL,
        json!({"comment": "psst", "private": true}),
    )
    .await;
    let entry = first["entry"]["id"].as_i64().expect("entry id");
    let star = |who: &str, c: &Value| {
        let path = format!("/api/v1/comments/{}/star", id(c));
        let who = who.to_owned();
        async move { app.put(&path, who.as_str()).await.expect(200) }
    };
    star(&bob.access, &first).await;
    star(&carol.access, &first).await;
    star(&alice.access, &second).await;

    let comments = |sort: &'static str, viewer: Option<String>| {
        let path = format!("/api/v1/entries/{entry}/comments?sort={sort}");
        async move {
            let page = app.get(&path, viewer.as_deref()).await.expect(200);
            assert_eq!(page["next_cursor"], Value::Null);
            page["items"].as_array().expect("items").clone()
        }
    };

    let recent = comments("recent", None).await;
    assert_eq!(
        pluck(&recent, "/id"),
        vec![
            third["id"].clone(),
            second["id"].clone(),
            first["id"].clone()
        ]
    );
    let oldest = &recent[2];
    assert_eq!(
        oldest["user"],
        json!({"username": "alice", "display_name": "alice"})
    );
    assert_eq!(oldest["comment"], "first!");
    assert_eq!(oldest["tags"], json!(["news"]));
    assert_eq!(oldest["created_at"], first["created_at"]);
    assert_eq!(oldest["star_count"], 2);
    assert_eq!(oldest["starred_by_me"], false);
    let keys: Vec<&String> = oldest.as_object().expect("object").keys().collect();
    assert_eq!(
        keys.len(),
        7,
        "{{id, user, comment, tags, created_at, star_count, starred_by_me}}: {oldest}"
    );
    // Recent is the default.
    let default = app
        .get(&format!("/api/v1/entries/{entry}/comments"), None)
        .await
        .expect(200);
    assert_eq!(
        pluck(default["items"].as_array().expect("items"), "/id"),
        pluck(&recent, "/id")
    );

    let popular = comments("popular", Some(bob.access.clone())).await;
    assert_eq!(
        pluck(&popular, "/id"),
        vec![
            first["id"].clone(),
            second["id"].clone(),
            third["id"].clone()
        ]
    );
    assert_eq!(
        pluck(&popular, "/star_count"),
        vec![json!(2), json!(1), json!(0)]
    );
    assert_eq!(
        pluck(&popular, "/starred_by_me"),
        vec![json!(true), json!(false), json!(false)],
        "as bob"
    );
    let as_alice = comments("popular", Some(alice.access.clone())).await;
    assert_eq!(
        pluck(&as_alice, "/starred_by_me"),
        vec![json!(false), json!(true), json!(false)]
    );
    assert!(!pluck(&recent, "/comment").contains(&json!("psst")));

    // Paging one by one gives the same order in both sorts.
    for sort in ["recent", "popular"] {
        let walked = app
            .walk(
                &format!("/api/v1/entries/{entry}/comments?sort={sort}&limit=1"),
                None,
            )
            .await;
        let all = comments(sort, None).await;
        assert_eq!(pluck(&walked, "/id"), pluck(&all, "/id"), "{sort}");
    }

    app.get(&format!("/api/v1/entries/{entry}/comments?sort=best"), None)
        .await
        .problem(400);
    app.get(
        &format!("/api/v1/entries/{entry}/comments?cursor=nope"),
        None,
    )
    .await
    .invalid("cursor");
    app.get("/api/v1/entries/999999/comments", None)
        .await
        .problem(404);
    // A public entry without comments has an empty page, not a 404.
    let quiet = app
        .bookmark(&dave.access, "https://example.com/quiet", json!({}))
        .await;
    let page = app
        .get(
            &format!("/api/v1/entries/{}/comments", quiet["entry"]["id"]),
            None,
        )
        .await
        .expect(200);
    assert_eq!(page["items"], json!([]));
}
both_backends!(async comments_sort_by_recent_or_popular_with_my_stars);

async fn stars_are_idempotent(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let c = app
        .bookmark(&alice.access, URL, json!({"comment": "star me"}))
        .await;
    let path = format!("/api/v1/comments/{}/star", id(&c));
    let bob_t = bob.access.as_str();
    for _ in 0..2 {
        let res = app.put(&path, bob_t).await.expect(200);
        assert_eq!(res, json!({"star_count": 1, "starred_by_me": true}));
    }
    let res = app.put(&path, alice.access.as_str()).await.expect(200);
    assert_eq!(res["star_count"], 2);
    for _ in 0..2 {
        let res = app.delete(&path, bob_t).await.expect(200);
        assert_eq!(res, json!({"star_count": 1, "starred_by_me": false}));
    }
    let page = app
        .get(
            &format!("/api/v1/entries/{}/comments", c["entry"]["id"]),
            bob_t,
        )
        .await
        .expect(200);
    assert_eq!(page["items"][0]["star_count"], 1);
    assert_eq!(page["items"][0]["starred_by_me"], false);
    app.put(&path, None).await.problem(401);
    app.delete(&path, None).await.problem(401);
    assert!(app.counter_mismatches().is_empty());
}
both_backends!(async stars_are_idempotent);

async fn private_missing_or_empty_comments_cannot_be_starred(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let bob_t = bob.access.as_str();
    let private = app
        .bookmark(
            &alice.access,
            URL,
            json!({"comment": "secret", "private": true}),
        )
        .await;
    let silent = app
        .bookmark(&alice.access, "https://example.com/silent", json!({}))
        .await;
    let starred = app
        .bookmark(
            &alice.access,
            "https://example.com/said",
            json!({"comment": "said"}),
        )
        .await;
    let star = |b: &Value| format!("/api/v1/comments/{}/star", id(b));
    app.put(&star(&starred), bob_t).await.expect(200);

    for path in [
        star(&private),
        star(&silent),
        "/api/v1/comments/999999/star".to_owned(),
        "/api/v1/comments/abc/star".to_owned(),
    ] {
        app.put(&path, bob_t).await.problem(404);
        app.put(&path, alice.access.as_str()).await.problem(404);
        app.delete(&path, bob_t).await.problem(404);
    }

    // A starred comment that becomes private can no longer be starred…
    app.patch(
        &format!("/api/v1/bookmarks/{}", id(&starred)),
        alice.access.as_str(),
        json!({"private": true}),
    )
    .await
    .expect(200);
    app.put(&star(&starred), alice.access.as_str())
        .await
        .problem(404);
    // …and a deleted one takes its stars with it.
    app.delete(
        &format!("/api/v1/bookmarks/{}", id(&starred)),
        alice.access.as_str(),
    )
    .await
    .expect(204);
    app.delete(&star(&starred), bob_t).await.problem(404);
    assert!(
        app.counter_mismatches().is_empty(),
        "{:?}",
        app.counter_mismatches()
    );
}
both_backends!(async private_missing_or_empty_comments_cannot_be_starred);
