//! The REST API v1 under `/rest/1/`, with Bearer tokens and with OAuth
//! 1.0a signed requests.

use actix_web::http::Method;

use super::{
    assert_digits, bearer, hatena_app, oauth_app, rest_request, signed, Signing, PUBLIC_URL,
};
use crate::harness::{both_backends, json, Backend, Value};

const PAGE: &str = "https://blog.example.com/post/1";
const BOOKMARK: &str = "/rest/1/my/bookmark";

/// Hatena's bookmark fields with their types.
#[track_caller]
fn assert_bookmark_shape(b: &Value, user: &str) {
    for field in [
        "comment",
        "comment_raw",
        "created_datetime",
        "user",
        "permalink",
    ] {
        assert!(b[field].is_string(), "{field} in {b}");
    }
    assert!(b["created_epoch"].is_i64(), "{b}");
    assert!(b["private"].is_boolean(), "{b}");
    assert!(b["tags"].is_array(), "{b}");
    assert_digits(&b["eid"]);
    assert_eq!(b["user"], user);
    let when = b["created_datetime"].as_str().unwrap_or("");
    let parsed = chrono::DateTime::parse_from_rfc3339(when).expect("ISO 8601 with an offset");
    assert_eq!(Some(parsed.timestamp()), b["created_epoch"].as_i64());
}

async fn bookmarks_are_added_read_updated_and_deleted_with_a_bearer_token(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let (_, token) = app.api_token(&alice.access, "write").await;

    bearer(&app, &token, Method::GET, BOOKMARK, &[("url", PAGE)], &[])
        .await
        .problem(404);

    let created = bearer(
        &app,
        &token,
        Method::POST,
        BOOKMARK,
        &[],
        &[
            ("url", PAGE),
            ("comment", "[rust]a good read"),
            ("tags", "web"),
            ("private", "True"),
        ],
    )
    .await
    .expect(200);
    assert_bookmark_shape(&created, "alice");
    assert_eq!(created["comment"], "a good read");
    assert_eq!(created["tags"], json!(["rust", "web"]));
    assert_eq!(created["comment_raw"], "[rust][web]a good read");
    assert_eq!(created["private"], true);
    assert!(created["permalink"]
        .as_str()
        .is_some_and(|p| p.starts_with(&format!("{PUBLIC_URL}/alice"))));

    let read = bearer(&app, &token, Method::GET, BOOKMARK, &[("url", PAGE)], &[])
        .await
        .expect(200);
    assert_eq!(read["eid"], created["eid"]);
    assert_eq!(read["private"], true, "my own private bookmark shows to me");

    // Sent in the query string; `private=0` makes it public.
    let updated = bearer(
        &app,
        &token,
        Method::POST,
        BOOKMARK,
        &[
            ("url", PAGE),
            ("comment", "changed my mind"),
            ("private", "0"),
        ],
        &[],
    )
    .await
    .expect(200);
    assert_eq!(updated["comment"], "changed my mind");
    assert_eq!(
        updated["tags"],
        json!([]),
        "a comment sent replaces its tags"
    );
    assert_eq!(updated["private"], false);
    let entry = bearer(
        &app,
        &token,
        Method::GET,
        "/rest/1/entry",
        &[("url", PAGE)],
        &[],
    )
    .await
    .expect(200);
    assert_eq!(entry["count"], 1, "the public bookmark counts now");

    let gone = bearer(
        &app,
        &token,
        Method::DELETE,
        BOOKMARK,
        &[("url", PAGE)],
        &[],
    )
    .await;
    assert_eq!(gone.status.as_u16(), 204);
    bearer(&app, &token, Method::GET, BOOKMARK, &[("url", PAGE)], &[])
        .await
        .problem(404);
    bearer(
        &app,
        &token,
        Method::DELETE,
        BOOKMARK,
        &[("url", PAGE)],
        &[],
    )
    .await
    .problem(404);
    assert!(
        app.counter_mismatches().is_empty(),
        "{:?}",
        app.counter_mismatches()
    );
}
both_backends!(async bookmarks_are_added_read_updated_and_deleted_with_a_bearer_token);

async fn bad_bookmark_input_is_a_problem(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let token = alice.access.as_str();
    bearer(
        &app,
        token,
        Method::POST,
        BOOKMARK,
        &[],
        &[("comment", "x")],
    )
    .await
    .invalid("url");
    bearer(
        &app,
        token,
        Method::POST,
        BOOKMARK,
        &[],
        &[("url", PAGE), ("private", "maybe")],
    )
    .await
    .invalid("private");
    let long = "あ".repeat(101);
    bearer(
        &app,
        token,
        Method::POST,
        BOOKMARK,
        &[],
        &[("url", PAGE), ("comment", long.as_str())],
    )
    .await
    .invalid("comment");
    let tags: Vec<(&str, &str)> = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]
        .iter()
        .map(|t| ("tags", *t))
        .chain(std::iter::once(("url", PAGE)))
        .collect();
    bearer(&app, token, Method::POST, BOOKMARK, &[], &tags)
        .await
        .invalid("tags");
    let json_body = app
        .send(
            app.request(Method::POST, BOOKMARK, Some(token))
                .set_json(json!({"url": PAGE})),
        )
        .await;
    json_body.problem(415);
}
both_backends!(async bad_bookmark_input_is_a_problem);

async fn entry_my_tags_and_my_are_hatenas_shapes(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let token = alice.access.as_str();
    app.bookmark(
        token,
        PAGE,
        json!({"title": "A post", "tags": ["rust", "web"]}),
    )
    .await;
    app.bookmark(
        token,
        "https://other.example/",
        json!({"tags": ["rust"], "private": true}),
    )
    .await;

    let e = bearer(
        &app,
        token,
        Method::GET,
        "/rest/1/entry",
        &[("url", PAGE)],
        &[],
    )
    .await
    .expect(200);
    assert_digits(&e["eid"]);
    assert_eq!(e["count"], 1);
    assert_eq!(e["url"], PAGE);
    assert_eq!(e["title"], "A post");
    assert_eq!(e["root_url"], "https://blog.example.com/");
    assert_eq!(e["is_invalid_url"], false);
    assert_eq!(e["has_asin"], false);
    assert!(
        e["favicon_url"].is_string() && e["entry_url"].is_string(),
        "{e}"
    );

    let unknown = bearer(
        &app,
        token,
        Method::GET,
        "/rest/1/entry",
        &[("url", "https://nobody.example/x")],
        &[],
    )
    .await
    .expect(404);
    for field in ["message", "title", "favicon_url", "url"] {
        assert!(unknown[field].is_string(), "{field} in {unknown}");
    }

    let tags = bearer(&app, token, Method::GET, "/rest/1/my/tags", &[], &[])
        .await
        .expect(200);
    let mut list: Vec<(String, i64)> = tags["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| {
            (
                t["tag"].as_str().unwrap_or("").to_owned(),
                t["count"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    list.sort();
    assert_eq!(list, [("rust".to_owned(), 2), ("web".to_owned(), 1)]);

    let me = bearer(&app, token, Method::GET, "/rest/1/my", &[], &[])
        .await
        .expect(200);
    assert_eq!(me["name"], "alice");
    assert_eq!(me["plususer"], false);
    assert_eq!(me["is_oauth_twitter"], false);
}
both_backends!(async entry_my_tags_and_my_are_hatenas_shapes);

async fn read_only_credentials_cannot_write(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let (_, read_token) = app.api_token(&alice.access, "read").await;
    bearer(&app, &read_token, Method::GET, "/rest/1/my", &[], &[])
        .await
        .expect(200);
    bearer(
        &app,
        &read_token,
        Method::POST,
        BOOKMARK,
        &[],
        &[("url", PAGE)],
    )
    .await
    .problem(403);
    bearer(
        &app,
        &read_token,
        Method::DELETE,
        BOOKMARK,
        &[("url", PAGE)],
        &[],
    )
    .await
    .problem(403);
    let reader = oauth_app(&app, &alice.access, "read").await;
    signed(
        &app,
        &reader,
        Method::GET,
        "/rest/1/my",
        &[],
        &[],
        &Signing::now("n-1"),
    )
    .await
    .expect(200);
    signed(
        &app,
        &reader,
        Method::POST,
        BOOKMARK,
        &[],
        &[("url", PAGE)],
        &Signing::now("n-2"),
    )
    .await
    .problem(403);
}
both_backends!(async read_only_credentials_cannot_write);

async fn requests_without_credentials_are_refused(backend: Backend) {
    let app = hatena_app(backend).await;
    for (method, path) in [
        (Method::GET, "/rest/1/my"),
        (Method::GET, "/rest/1/my/tags"),
        (Method::POST, BOOKMARK),
        (Method::GET, "/rest/1/entry"),
    ] {
        app.send(rest_request(method, path, &[("url", PAGE)], &[], None))
            .await
            .problem(401);
    }
    app.send(rest_request(
        Method::GET,
        "/rest/1/my",
        &[],
        &[],
        Some("Bearer bkm_not-a-token"),
    ))
    .await
    .problem(401);
    app.get("/rest/1/nothing-here", None).await.problem(404);
}
both_backends!(async requests_without_credentials_are_refused);

async fn signed_requests_read_and_write_as_the_apps_owner(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let client = oauth_app(&app, &alice.access, "write").await;

    let me = signed(
        &app,
        &client,
        Method::GET,
        "/rest/1/my",
        &[],
        &[],
        &Signing::now("a1"),
    )
    .await
    .expect(200);
    assert_eq!(me["name"], "alice");

    // A form body, as Hatena clients send it, with characters that need
    // encoding in the signature base string.
    let saved = signed(
        &app,
        &client,
        Method::POST,
        BOOKMARK,
        &[],
        &[
            ("url", PAGE),
            ("comment", "[日本語]読んだ & 100% good"),
            ("tags", "a+b"),
            ("private", "false"),
        ],
        &Signing::now("a2"),
    )
    .await
    .expect(200);
    assert_bookmark_shape(&saved, "alice");
    assert_eq!(saved["comment"], "読んだ & 100% good");
    assert_eq!(saved["tags"], json!(["日本語", "a+b"]));

    let read = signed(
        &app,
        &client,
        Method::GET,
        BOOKMARK,
        &[("url", PAGE)],
        &[],
        &Signing::now("a3"),
    )
    .await
    .expect(200);
    assert_eq!(read["eid"], saved["eid"]);

    let deleted = signed(
        &app,
        &client,
        Method::DELETE,
        BOOKMARK,
        &[("url", PAGE)],
        &[],
        &Signing::now("a4"),
    )
    .await;
    assert_eq!(deleted.status.as_u16(), 204);
    assert!(app.counter_mismatches().is_empty());
}
both_backends!(async signed_requests_read_and_write_as_the_apps_owner);

async fn a_bad_signature_is_refused(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let client = oauth_app(&app, &alice.access, "write").await;
    // Signed for one URL, sent for another.
    let auth = super::authorization(
        &client,
        "POST",
        BOOKMARK,
        &[],
        &[("url", PAGE)],
        &Signing::now("b1"),
    );
    app.send(rest_request(
        Method::POST,
        BOOKMARK,
        &[],
        &[("url", "https://evil.example/")],
        Some(&auth),
    ))
    .await
    .problem(401);
    // Signed with a wrong secret.
    let mut forged = client.clone();
    forged.token_secret = "guessed".into();
    signed(
        &app,
        &forged,
        Method::GET,
        "/rest/1/my",
        &[],
        &[],
        &Signing::now("b2"),
    )
    .await
    .problem(401);
    // Unknown keys.
    let mut unknown = client.clone();
    unknown.consumer_key = "nobody".into();
    signed(
        &app,
        &unknown,
        Method::GET,
        "/rest/1/my",
        &[],
        &[],
        &Signing::now("b3"),
    )
    .await
    .problem(401);
    // A malformed header.
    app.send(rest_request(
        Method::GET,
        "/rest/1/my",
        &[],
        &[],
        Some("OAuth oauth_consumer_key=unquoted"),
    ))
    .await
    .problem(401);
    assert!(app.counter_mismatches().is_empty());
}
both_backends!(async a_bad_signature_is_refused);

async fn a_stale_timestamp_is_refused(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let client = oauth_app(&app, &alice.access, "write").await;
    let now = chrono::Utc::now().timestamp();
    for (nonce, timestamp) in [("s1", now - 301 - 5), ("s2", now + 301 + 5)] {
        signed(
            &app,
            &client,
            Method::GET,
            "/rest/1/my",
            &[],
            &[],
            &Signing { nonce, timestamp },
        )
        .await
        .problem(401);
    }
    signed(
        &app,
        &client,
        Method::GET,
        "/rest/1/my",
        &[],
        &[],
        &Signing {
            nonce: "s3",
            timestamp: now - 120,
        },
    )
    .await
    .expect(200);
}
both_backends!(async a_stale_timestamp_is_refused);

async fn a_replayed_nonce_is_refused(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let client = oauth_app(&app, &alice.access, "write").await;
    let once = Signing::now("r1");
    let auth = super::authorization(&client, "GET", "/rest/1/my", &[], &[], &once);
    let send = || {
        app.send(rest_request(
            Method::GET,
            "/rest/1/my",
            &[],
            &[],
            Some(&auth),
        ))
    };
    send().await.expect(200);
    send().await.problem(401);
    // The same nonce at another second is another request.
    let later = Signing {
        nonce: "r1",
        timestamp: once.timestamp - 1,
    };
    signed(&app, &client, Method::GET, "/rest/1/my", &[], &[], &later)
        .await
        .expect(200);
}
both_backends!(async a_replayed_nonce_is_refused);

async fn oauth_parameters_in_the_query_string_are_accepted(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let client = oauth_app(&app, &alice.access, "read").await;
    // Sign as usual, then move the protocol parameters into the query.
    let s = Signing::now("q1");
    let header = super::authorization(&client, "GET", "/rest/1/my", &[], &[], &s);
    let params: Vec<(String, String)> = header
        .trim_start_matches("OAuth ")
        .split(", ")
        .filter_map(|p| p.split_once('='))
        .filter(|(k, _)| k.starts_with("oauth_"))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
        .collect();
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let res = app
        .get(&format!("/rest/1/my?{}", query.join("&")), None)
        .await
        .expect(200);
    assert_eq!(res["name"], "alice");
}
both_backends!(async oauth_parameters_in_the_query_string_are_accepted);
