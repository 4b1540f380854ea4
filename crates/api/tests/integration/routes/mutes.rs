//! Mutes over HTTP on both backends: the settings routes and their errors,
//! each kind of mute against each list it hides from, and the shared
//! cached answers, which must never show a muting viewer what they muted.

use crate::harness::{both_backends, enc, json, TestApp, User, Value};

/// Whether `GET path` as `viewer` answers 200 with `needle` in its body.
async fn shows(app: &TestApp, path: &str, viewer: Option<&str>, needle: &str) -> bool {
    let r = app.get(path, viewer).await;
    assert_eq!(
        r.status.as_u16(),
        200,
        "GET {path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    String::from_utf8_lossy(&r.body).contains(needle)
}

async fn mutes_are_listed_and_undone(app: TestApp) {
    let me = app.register("mina").await;
    app.register("troll").await;
    let token = me.access.as_str();
    for _ in 0..2 {
        let r = app.put("/api/v1/me/mutes/users/TROLL", token).await;
        assert_eq!(r.status.as_u16(), 204);
    }
    let word = app
        .post(
            "/api/v1/me/mutes/words",
            token,
            json!({"word": " ＳＰＡＭ "}),
        )
        .await
        .expect(201);
    assert_eq!(word["word"], "spam");
    let again = app
        .post("/api/v1/me/mutes/words", token, json!({"word": "Spam"}))
        .await
        .expect(200);
    assert_eq!(again["muted_at"], word["muted_at"]);
    let site = app
        .post(
            "/api/v1/me/mutes/sites",
            token,
            json!({"domain": "Example.COM"}),
        )
        .await
        .expect(201);
    assert_eq!(site["domain"], "example.com");
    let all = app.get("/api/v1/me/mutes", token).await.expect(200);
    assert_eq!(all["users"][0]["user"]["username"], "troll");
    assert_eq!(all["words"][0]["word"], "spam");
    assert_eq!(all["sites"][0]["domain"], "example.com");

    for path in [
        "/api/v1/me/mutes/users/troll".to_owned(),
        format!("/api/v1/me/mutes/words/{}", enc("SPAM")),
        "/api/v1/me/mutes/sites/example.com".to_owned(),
    ] {
        for _ in 0..2 {
            let r = app.delete(&path, token).await;
            assert_eq!(r.status.as_u16(), 204, "{path}");
        }
    }
    let none = app.get("/api/v1/me/mutes", token).await.expect(200);
    assert_eq!(none, json!({"users": [], "words": [], "sites": []}));
}
both_backends!(async mutes_are_listed_and_undone);

async fn mute_errors_are_problems(app: TestApp) {
    let me = app.register("mina").await;
    let token = me.access.as_str();
    app.get("/api/v1/me/mutes", None).await.problem(401);
    app.put("/api/v1/me/mutes/users/mina", token)
        .await
        .problem(422);
    app.put("/api/v1/me/mutes/users/nobody", token)
        .await
        .problem(404);
    app.delete("/api/v1/me/mutes/users/nobody", token)
        .await
        .problem(404);
    app.post(
        "/api/v1/me/mutes/words",
        token,
        json!({"word": "あ".repeat(33)}),
    )
    .await
    .invalid("word");
    app.post("/api/v1/me/mutes/words", token, json!({"word": "  "}))
        .await
        .invalid("word");
    app.post(
        "/api/v1/me/mutes/sites",
        token,
        json!({"domain": "not a host"}),
    )
    .await
    .invalid("domain");
    app.post(
        "/api/v1/me/mutes/sites",
        token,
        json!({"domain": "a.example", "x": 1}),
    )
    .await
    .problem(400);
    let (_, read_only) = app.api_token(token, "read").await;
    app.put("/api/v1/me/mutes/users/mina", read_only.as_str())
        .await
        .problem(403);
    app.get("/api/v1/me/mutes", read_only.as_str())
        .await
        .expect(200);
}
both_backends!(async mute_errors_are_problems);

/// Three users bookmark `url` with their comments; returns the entry id.
async fn entry(app: &TestApp, users: &[(&User, &str)], url: &str, tags: Value) -> i64 {
    let mut id = 0;
    for (u, comment) in users {
        let b = app
            .bookmark(&u.access, url, json!({"comment": comment, "tags": tags}))
            .await;
        id = b["entry"]["id"].as_i64().expect("entry id");
    }
    id
}

async fn muted_users_and_words_leave_comment_and_bookmark_lists(app: TestApp) {
    let me = app.register("mina").await;
    let troll = app.register("troll").await;
    let fan = app.register("fan").await;
    let eid = entry(
        &app,
        &[
            (&troll, "zztroll says"),
            (&fan, "これは大炎上だ"),
            (&me, "zzmine"),
        ],
        "https://news.example/a",
        json!([]),
    )
    .await;
    let comments = format!("/api/v1/entries/{eid}/comments");
    let bookmarks = format!("/api/v1/entries/{eid}/bookmarks");
    // The anonymous answer is cached first.
    for path in [&comments, &bookmarks] {
        assert!(shows(&app, path, None, "zztroll").await);
    }
    app.put("/api/v1/me/mutes/users/troll", me.access.as_str())
        .await
        .expect(204);
    app.post(
        "/api/v1/me/mutes/words",
        me.access.as_str(),
        json!({"word": "炎上"}),
    )
    .await
    .expect(201);
    let mine = Some(me.access.as_str());
    for path in [&comments, &bookmarks] {
        assert!(!shows(&app, path, mine, "zztroll").await, "{path}");
        assert!(!shows(&app, path, mine, "大炎上").await, "{path}");
        assert!(shows(&app, path, mine, "zzmine").await, "{path}");
        // Nobody else is affected, and the cached answer is unchanged.
        assert!(shows(&app, path, None, "zztroll").await, "{path}");
        assert!(
            shows(&app, path, Some(fan.access.as_str()), "大炎上").await,
            "{path}"
        );
    }
    // Counts stay what the crowd did.
    let e = app
        .get(&format!("/api/v1/entries/{eid}"), mine)
        .await
        .expect(200);
    assert_eq!(e["bookmark_count"], 3);
    // Unmuting brings them back at once.
    app.delete("/api/v1/me/mutes/users/troll", me.access.as_str())
        .await;
    assert!(shows(&app, &comments, mine, "zztroll").await);
}
both_backends!(async muted_users_and_words_leave_comment_and_bookmark_lists);

async fn muted_sites_leave_hot_new_tag_and_my_hot(app: TestApp) {
    let me = app.register("mina").await;
    let a = app.register("aki").await;
    let b = app.register("ben").await;
    let c = app.register("cho").await;
    let crowd = [(&a, ""), (&b, ""), (&c, "")];
    entry(
        &app,
        &crowd,
        "https://blog.zzmuted.example/p",
        json!(["zzt"]),
    )
    .await;
    entry(&app, &crowd, "https://zzkept.example/p", json!(["zzt"])).await;
    app.put("/api/v1/users/aki/follow", me.access.as_str())
        .await
        .expect(200);
    app.recompute_hot();
    let lists = [
        "/api/v1/entries/hot",
        "/api/v1/entries/new",
        "/api/v1/tags/zzt/entries",
        "/api/v1/me/hot",
    ];
    let mine = Some(me.access.as_str());
    for path in lists {
        assert!(shows(&app, path, mine, "zzmuted").await, "{path} before");
    }
    app.post(
        "/api/v1/me/mutes/sites",
        me.access.as_str(),
        json!({"domain": "zzmuted.example"}),
    )
    .await
    .expect(201);
    for path in lists {
        assert!(!shows(&app, path, mine, "zzmuted").await, "{path} after");
        assert!(shows(&app, path, mine, "zzkept").await, "{path} after");
    }
    for path in &lists[..3] {
        assert!(
            shows(&app, path, None, "zzmuted").await,
            "{path} for others"
        );
    }
    // The site's own page still shows it: it was asked for by name.
    assert!(
        shows(
            &app,
            "/api/v1/sites/blog.zzmuted.example/entries",
            mine,
            "zzmuted"
        )
        .await
    );
}
both_backends!(async muted_sites_leave_hot_new_tag_and_my_hot);

async fn the_shared_hot_pages_never_show_what_a_viewer_muted(app: TestApp) {
    let me = app.register("mina").await;
    let a = app.register("aki").await;
    let b = app.register("ben").await;
    let crowd = [(&a, ""), (&b, "")];
    entry(&app, &crowd, "https://zzmuted.example/p", json!([])).await;
    app.recompute_hot();
    // The first page is cached for everyone, then I mute its site.
    assert!(shows(&app, "/api/v1/entries/hot", None, "zzmuted").await);
    assert!(
        shows(
            &app,
            "/api/v1/entries/hot",
            Some(me.access.as_str()),
            "zzmuted"
        )
        .await
    );
    app.post(
        "/api/v1/me/mutes/sites",
        me.access.as_str(),
        json!({"domain": "zzmuted.example"}),
    )
    .await
    .expect(201);
    assert!(
        !shows(
            &app,
            "/api/v1/entries/hot",
            Some(me.access.as_str()),
            "zzmuted"
        )
        .await
    );
    assert!(shows(&app, "/api/v1/entries/hot", None, "zzmuted").await);
}

#[actix_web::test]
async fn the_shared_hot_pages_never_show_what_a_viewer_muted_sqlite() {
    let app = TestApp::configured(bukuma_db::Backend::Sqlite, |c| c.hot_cache_ms = 60_000).await;
    the_shared_hot_pages_never_show_what_a_viewer_muted(app).await;
}

#[actix_web::test]
async fn the_shared_hot_pages_never_show_what_a_viewer_muted_postgres() {
    let app = TestApp::configured(bukuma_db::Backend::Postgres, |c| c.hot_cache_ms = 60_000).await;
    the_shared_hot_pages_never_show_what_a_viewer_muted(app).await;
}

async fn muted_users_leave_the_feed_and_notifications(app: TestApp) {
    let me = app.register("mina").await;
    let troll = app.register("troll").await;
    let mine = app
        .bookmark(
            &me.access,
            "https://e.example/1",
            json!({"comment": "mine"}),
        )
        .await;
    let bid = mine["id"].as_i64().expect("id");
    app.put(
        &format!("/api/v1/comments/{bid}/star"),
        troll.access.as_str(),
    )
    .await
    .expect(200);
    app.put("/api/v1/users/mina/follow", troll.access.as_str())
        .await
        .expect(200);
    app.put("/api/v1/users/troll/follow", me.access.as_str())
        .await
        .expect(200);
    app.bookmark(&troll.access, "https://e.example/zztroll", json!({}))
        .await;
    let token = Some(me.access.as_str());
    assert!(shows(&app, "/api/v1/me/feed", token, "zztroll").await);
    let count = app
        .get("/api/v1/me/notifications/unread-count", token)
        .await
        .expect(200);
    assert_eq!(count["unread_count"], 2, "{count}");
    app.put("/api/v1/me/mutes/users/troll", me.access.as_str())
        .await
        .expect(204);
    assert!(!shows(&app, "/api/v1/me/feed", token, "zztroll").await);
    let notes = app.get("/api/v1/me/notifications", token).await.expect(200);
    assert_eq!(notes["items"], json!([]), "{notes}");
    assert_eq!(notes["unread_count"], 0);
    assert!(app.counter_mismatches().is_empty());
}
both_backends!(async muted_users_leave_the_feed_and_notifications);
