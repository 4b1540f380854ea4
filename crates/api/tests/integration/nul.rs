//! A NUL character anywhere a request carries text: PostgreSQL refuses text
//! with NUL, so it must be turned away before any query, with a 4xx
//! problem and never a 500, on both backends.

use actix_web::http::Method;

use crate::harness::{both_backends, json, TestApp};

async fn nul_bytes_in_paths_queries_and_bodies_are_4xx_problems(app: TestApp) {
    let alice = app.register("alice").await;
    let token = alice.access.as_str();
    for path in [
        "/api/v1/users/a%00b",
        "/api/v1/users/a%00b/bookmarks",
        "/api/v1/users/a%00b/tags",
        "/api/v1/users/a%00b/followers",
        "/api/v1/users/alice/bookmarks?tag=a%00b",
        "/api/v1/users/alice/bookmarks?site=a%00b.example",
        "/api/v1/sites/a%00b.example/entries",
        "/api/v1/tags/a%00b/entries",
        "/api/v1/entries/lookup?url=https://example.com/%00",
        "/api/v1/search?q=a%00b",
        "/api/v1/me/mutes?x=%00",
        "/a%00b/bookmarks.rss",
        "/alice/bookmarks.atom?tag=a%00b",
        "/t/a%00b.rss",
        "/site/a%00b.example.atom",
        "/search.rss?q=a%00b",
        "/api/pinboard/v1/posts/get?auth_token=alice:x%00&url=a%00b",
    ] {
        for viewer in [None, Some(token)] {
            let res = app.get(path, viewer).await;
            assert!(
                res.status.is_client_error(),
                "{path}: {} {}",
                res.status,
                String::from_utf8_lossy(&res.body)
            );
        }
    }
    for (method, path) in [
        (Method::PUT, "/api/v1/users/a%00b/follow"),
        (Method::PUT, "/api/v1/me/mutes/users/a%00b"),
        (Method::DELETE, "/api/v1/me/mutes/words/a%00b"),
        (Method::DELETE, "/api/v1/me/mutes/sites/a%00b.example"),
        (Method::DELETE, "/api/v1/me/tags/a%00b"),
    ] {
        let res = app
            .send(app.request(method.clone(), path, Some(token)))
            .await;
        assert!(
            res.status.is_client_error(),
            "{method} {path}: {}",
            res.status
        );
    }
    for body in [
        json!({"url": "https://example.com/", "comment": "a\u{0}b"}),
        json!({"url": "https://example.com/", "tags": ["a\u{0}b"]}),
        json!({"url": "https://example.com/\u{0}"}),
    ] {
        let res = app.post("/api/v1/bookmarks", token, body.clone()).await;
        assert!(res.status.is_client_error(), "{body}: {}", res.status);
    }
    let res = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "a\u{0}b", "password": "x"}),
        )
        .await;
    assert!(res.status.is_client_error(), "login: {}", res.status);
    let res = app
        .post("/api/v1/me/mutes/words", token, json!({"word": "a\u{0}b"}))
        .await;
    assert!(res.status.is_client_error(), "mute word: {}", res.status);
    app.get("/api/v1/users/a%00b", None).await.problem(400);
    // Names no user can have are not looked up.
    app.get("/api/v1/users/a%20b", None).await.problem(404);
    app.get("/api/v1/users/a%01b/bookmarks", None)
        .await
        .problem(404);
}
both_backends!(async nul_bytes_in_paths_queries_and_bodies_are_4xx_problems);
