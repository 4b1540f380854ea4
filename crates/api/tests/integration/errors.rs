//! Bad input: every validation rule answers a 400 problem document naming
//! the field and writes nothing; bad bodies, routes and methods answer
//! problem documents too. Plus the OpenAPI drift check.

use crate::harness::{both_backends, enc, json, TestApp, User, Value};
use actix_web::http::{header, Method};

const URL: &str = "https://example.com/page";

/// Alice's bookmarks as she sees them (private ones included).
async fn bookmark_count(app: &TestApp, alice: &User) -> usize {
    app.all_bookmarks("alice", "", Some(alice.access.as_str()))
        .await
        .len()
}

/// Posts a bookmark of URL with `extra` fields; expects a 400 naming
/// `field`, and that nothing was stored.
async fn rejected(app: &TestApp, alice: &User, extra: Value, field: &str) {
    let mut body = json!({ "url": URL });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    app.post("/api/v1/bookmarks", alice.access.as_str(), body)
        .await
        .invalid(field);
    assert_eq!(bookmark_count(app, alice).await, 0, "a row was written");
}

async fn comments_are_at_most_100_characters(app: TestApp) {
    let alice = app.register("alice").await;
    rejected(&app, &alice, json!({"comment": "x".repeat(101)}), "comment").await;
    rejected(
        &app,
        &alice,
        json!({"comment": "あ".repeat(101)}),
        "comment",
    )
    .await;
    rejected(&app, &alice, json!({"comment": "bell\u{7}"}), "comment").await;
    app.get(
        &format!("/api/v1/me/bookmark?url={}", enc(URL)),
        alice.access.as_str(),
    )
    .await
    .problem(404);

    // 100 Japanese characters are 300 bytes, and fine.
    let ok = app
        .post(
            "/api/v1/bookmarks",
            alice.access.as_str(),
            json!({"url": URL, "comment": "あ".repeat(100)}),
        )
        .await
        .expect(201);
    assert_eq!(ok["comment"], "あ".repeat(100));
    let path = format!("/api/v1/bookmarks/{}", crate::harness::id(&ok));
    app.patch(
        &path,
        alice.access.as_str(),
        json!({"comment": "y".repeat(101)}),
    )
    .await
    .invalid("comment");
    app.post(
        "/api/v1/bookmarks",
        alice.access.as_str(),
        json!({"url": URL, "comment": "z".repeat(101)}),
    )
    .await
    .invalid("comment");
    let stored = app.get(&path, alice.access.as_str()).await.expect(200);
    assert_eq!(stored["comment"], "あ".repeat(100), "unchanged");
}
both_backends!(async comments_are_at_most_100_characters);

async fn tags_are_limited_in_number_length_and_characters(app: TestApp) {
    let alice = app.register("alice").await;
    let eleven: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
    rejected(&app, &alice, json!({ "tags": eleven }), "tags").await;
    rejected(&app, &alice, json!({"tags": ["has space"]}), "tags[0]").await;
    rejected(&app, &alice, json!({"tags": ["ok", "a,b"]}), "tags[1]").await;
    rejected(&app, &alice, json!({"tags": ["tab\there"]}), "tags[0]").await;
    rejected(
        &app,
        &alice,
        json!({"tags": ["full\u{3000}width"]}),
        "tags[0]",
    )
    .await;
    rejected(&app, &alice, json!({"tags": [""]}), "tags[0]").await;
    rejected(&app, &alice, json!({"tags": ["x".repeat(33)]}), "tags[0]").await;
    rejected(&app, &alice, json!({"tags": ["あ".repeat(33)]}), "tags[0]").await;
    // Several problems at once are all reported.
    let res = app
        .post(
            "/api/v1/bookmarks",
            alice.access.as_str(),
            json!({"url": "ftp://x", "comment": "c".repeat(101), "tags": ["a b"]}),
        )
        .await
        .invalid("url");
    let fields: Vec<&str> = res["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, vec!["url", "comment", "tags[0]"]);
    assert_eq!(bookmark_count(&app, &alice).await, 0);

    // At the limits: 10 tags of 32 characters, after folding duplicates.
    let mut ten: Vec<String> = (0..10).map(|i| format!("{i}{}", "x".repeat(31))).collect();
    ten.push(ten[0].to_uppercase());
    let ok = app
        .bookmark(&alice.access, URL, json!({ "tags": ten }))
        .await;
    assert_eq!(ok["tags"].as_array().map(Vec::len), Some(10));
    let ok = app
        .bookmark(&alice.access, URL, json!({"tags": ["あ".repeat(32)]}))
        .await;
    assert_eq!(ok["tags"], json!(["あ".repeat(32)]));
}
both_backends!(async tags_are_limited_in_number_length_and_characters);

async fn only_http_urls_of_at_most_2048_bytes(app: TestApp) {
    let alice = app.register("alice").await;
    let too_long = format!("https://example.com/{}", "a".repeat(2029));
    assert_eq!(too_long.len(), 2049);
    for url in [
        "ftp://example.com/file",
        "javascript:alert(1)",
        "mailto:someone@example.com",
        "file:///etc/passwd",
        "example.com/no-scheme",
        "not a url",
        "",
        "https://user:secret@example.com/",
        too_long.as_str(),
    ] {
        app.post(
            "/api/v1/bookmarks",
            alice.access.as_str(),
            json!({ "url": url }),
        )
        .await
        .invalid("url");
    }
    assert_eq!(bookmark_count(&app, &alice).await, 0);
    let longest = &too_long[..2048];
    let ok = app.bookmark(&alice.access, longest, json!({})).await;
    assert_eq!(ok["entry"]["url"], longest);
    app.bookmark(&alice.access, "http://example.com/plain", json!({}))
        .await;

    // Query parameters holding URLs are checked the same way.
    app.get(
        &format!("/api/v1/entries/lookup?url={}", enc("ftp://x/")),
        None,
    )
    .await
    .invalid("url");
    app.get(
        &format!("/api/v1/entries/counts?url={}", enc("javascript:1")),
        None,
    )
    .await
    .invalid("url[0]");
    app.get("/api/v1/entries/counts", None).await.invalid("url");
    let fifty_one: Vec<String> = (0..51)
        .map(|i| format!("url={}", enc(&format!("https://example.com/{i}"))))
        .collect();
    app.get(
        &format!("/api/v1/entries/counts?{}", fifty_one.join("&")),
        None,
    )
    .await
    .invalid("url");
    let counts = app
        .get(
            &format!(
                "/api/v1/entries/counts?url={}",
                enc("https://unknown.example/")
            ),
            None,
        )
        .await
        .expect(200);
    assert_eq!(counts, json!({"https://unknown.example/": 0}));
}
both_backends!(async only_http_urls_of_at_most_2048_bytes);

async fn malformed_bodies_are_rejected_without_writing(app: TestApp) {
    let alice = app.register("alice").await;
    let post = |body: &str, content_type: Option<&str>| {
        let mut req = app
            .request(
                Method::POST,
                "/api/v1/bookmarks",
                Some(alice.access.as_str()),
            )
            .set_payload(body.to_owned());
        if let Some(ct) = content_type {
            req = req.insert_header((header::CONTENT_TYPE, ct));
        }
        app.send(req)
    };
    let json_ct = Some("application/json");

    let unknown = post(
        r#"{"url": "https://example.com/", "colour": "red"}"#,
        json_ct,
    )
    .await
    .problem(400);
    assert!(unknown.to_string().contains("colour"), "{unknown}");
    let wrong_type = post(
        r#"{"url": "https://example.com/", "private": "yes"}"#,
        json_ct,
    )
    .await
    .invalid("private");
    assert!(
        wrong_type["errors"][0]["message"]
            .to_string()
            .contains("bool"),
        "{wrong_type}"
    );
    post(r#"{"url": 42}"#, json_ct).await.invalid("url");
    post(
        r#"{"url": "https://example.com/", "tags": ["a", 7]}"#,
        json_ct,
    )
    .await
    .invalid("tags[1]");
    post(r#"{"tags": ["a"]}"#, json_ct).await.problem(400);
    post(r#"["https://example.com/"]"#, json_ct)
        .await
        .problem(400);
    post(r#"{"url": "https://example.com/""#, json_ct)
        .await
        .problem(400);
    post("not json at all", json_ct).await.problem(400);
    post("", json_ct).await.problem(400);
    post(
        "{\"url\": \"https://example.com/\", \"comment\": \"\\ud800\"}",
        json_ct,
    )
    .await
    .problem(400);

    let ok = r#"{"url": "https://example.com/"}"#;
    post(ok, Some("text/plain")).await.problem(415);
    post(ok, Some("application/x-www-form-urlencoded"))
        .await
        .problem(415);
    post(ok, None).await.problem(415);
    post(ok, Some("application/json; charset=utf-8"))
        .await
        .expect(201);
    app.delete("/api/v1/me/tags/x", alice.access.as_str())
        .await
        .expect(200);

    let huge =
        json!({"url": "https://example.com/big", "comment": "x".repeat(200 * 1024)}).to_string();
    post(&huge, json_ct).await.problem(413);

    // Only the one good request wrote anything.
    let all = app
        .all_bookmarks("alice", "", Some(alice.access.as_str()))
        .await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["comment"], "");

    // The same rules hold for other bodies.
    app.patch("/api/v1/me", alice.access.as_str(), json!({"bio": 5}))
        .await
        .problem(400);
    app.patch(
        "/api/v1/me",
        alice.access.as_str(),
        json!({"role": "admin"}),
    )
    .await
    .problem(400);
    app.post("/api/v1/auth/register", None, json!({"username": "bob"}))
        .await
        .problem(400);
    app.send(
        app.request(Method::POST, "/api/v1/auth/login", None)
            .insert_header((header::CONTENT_TYPE, "text/plain"))
            .set_payload("alice:password"),
    )
    .await
    .problem(415);
    let me = app
        .get("/api/v1/me", alice.access.as_str())
        .await
        .expect(200);
    assert_eq!(me["bio"], "");
    assert_eq!(me["role"], "user");
    app.get("/api/v1/users/bob", None).await.problem(404);
}
both_backends!(async malformed_bodies_are_rejected_without_writing);

async fn unknown_routes_and_wrong_methods_are_problems(app: TestApp) {
    let alice = app.register("alice").await;
    for path in [
        "/api/v1/nope",
        "/api/v2/bookmarks",
        "/api",
        "/api/v1/bookmarks/abc",
        "/api/v1/bookmarks/99999999999999999999",
        "/api/v1/entries/-1",
        "/api/v1/users/nobody",
        "/api/v1/users/nobody/tags",
    ] {
        app.get(path, None).await.problem(404);
        app.get(path, alice.access.as_str()).await.problem(404);
    }
    for (method, path) in [
        (Method::DELETE, "/api/v1/entries/hot"),
        (Method::GET, "/api/v1/bookmarks"),
        (Method::PUT, "/api/v1/auth/login"),
        (Method::GET, "/api/v1/auth/refresh"),
        (Method::POST, "/api/v1/me"),
        (Method::PATCH, "/api/v1/users/alice"),
        (Method::POST, "/api/v1/comments/1/star"),
    ] {
        let res = app
            .send(app.request(method.clone(), path, Some(alice.access.as_str())))
            .await;
        res.problem(405);
    }
    // Other query mistakes.
    app.get("/api/v1/entries/hot?limit=0", None)
        .await
        .invalid("limit");
    app.get("/api/v1/entries/new?limit=101", None)
        .await
        .invalid("limit");
    app.get("/api/v1/sites/example.com/entries?sort=random", None)
        .await
        .problem(400);
    app.get("/api/v1/tags/has%20space/entries", None)
        .await
        .invalid("tag");
    app.get("/healthz", None).await.expect(200);
    app.get("/readyz", None).await.expect(200);
}
both_backends!(async unknown_routes_and_wrong_methods_are_problems);

#[test]
fn openapi_document_matches_the_committed_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; run `make openapi`", path.display()));
    let generated = bukuma_api::openapi::json();
    assert!(
        committed == generated,
        "{} differs from the OpenAPI document the code generates; run `make openapi` and commit the result",
        path.display()
    );
}

async fn bad_credentials_are_rejected_on_public_endpoints_too(app: TestApp) {
    for path in [
        "/api/v1/entries/hot",
        "/api/v1/entries/new",
        "/api/v1/entries/1",
        "/api/v1/entries/lookup?url=https://example.com/",
        "/api/v1/entries/counts?url=https://example.com/",
        "/api/v1/sites/example.com/entries",
        "/api/v1/tags/rust/entries",
        "/api/v1/users/alice",
    ] {
        app.get(path, "not-a-token").await.problem(401);
        app.get(path, "bkm_unknown").await.problem(401);
    }
    app.get("/api/v1/entries/hot", None).await.expect(200);
}
both_backends!(async bad_credentials_are_rejected_on_public_endpoints_too);
