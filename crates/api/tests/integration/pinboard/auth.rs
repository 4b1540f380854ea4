//! user/api_token and authentication.

use super::*;

async fn user_api_token_answers_a_working_secret(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
    let alice = account(&db, "alice", "write");
    // With a token: the caller's own secret (bukuma keeps only hashes).
    let v = send(&app, get("user/api_token", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(v, json!({"result": alice.secret}));
    // With the password: a new token, which then works.
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/user/api_token"))
            .insert_header((header::AUTHORIZATION, basic("alice", PASSWORD)))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let secret = a
        .body
        .split("<result>")
        .nth(1)
        .and_then(|s| s.split("</result>").next())
        .unwrap_or("")
        .to_owned();
    assert!(secret.starts_with("bkm_"), "{}", a.body);
    assert_ne!(secret, alice.secret);
    let fresh = Account {
        auth: format!("alice:{secret}"),
        secret,
    };
    add(
        &app,
        get(
            "posts/add",
            &fresh,
            &[("url", "https://example.com/t"), ("format", "json")],
        ),
    )
    .await;
}
both_backends!(async user_api_token_answers_a_working_secret);

async fn bad_credentials_answer_401(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
    let alice = account(&db, "alice", "write");
    let bob = account(&db, "bob", "write");
    let requests = vec![
        (
            "no credentials",
            TestRequest::get().uri(&format!("{P}/posts/recent")),
        ),
        (
            "unknown token",
            TestRequest::get().uri(&format!("{P}/posts/recent?auth_token=alice:bkm_nope")),
        ),
        (
            "no username",
            TestRequest::get().uri(&format!("{P}/posts/recent?auth_token={}", alice.secret)),
        ),
        (
            "someone else's token",
            TestRequest::get().uri(&format!("{P}/posts/recent?auth_token=alice:{}", bob.secret)),
        ),
        (
            "wrong password",
            TestRequest::get()
                .uri(&format!("{P}/posts/recent"))
                .insert_header((header::AUTHORIZATION, basic("alice", "wrong password"))),
        ),
        (
            "unknown user",
            TestRequest::get()
                .uri(&format!("{P}/posts/recent"))
                .insert_header((header::AUTHORIZATION, basic("nobody", PASSWORD))),
        ),
        (
            "malformed Basic",
            TestRequest::get()
                .uri(&format!("{P}/posts/recent"))
                .insert_header((header::AUTHORIZATION, "Basic !!!")),
        ),
        (
            "a Bearer token",
            TestRequest::get()
                .uri(&format!("{P}/posts/recent"))
                .insert_header((header::AUTHORIZATION, format!("Bearer {}", alice.secret))),
        ),
    ];
    for (what, req) in requests {
        let a = send(&app, req.to_request()).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(
            xml_attrs(&a.body, "result", "code"),
            ["authentication failed"],
            "{what}"
        );
        assert_eq!(
            a.headers
                .get(header::WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok()),
            Some("Basic realm=\"API\""),
            "{what}"
        );
    }
    // The username matches regardless of case; the password works too.
    let upper = Account {
        auth: format!("ALICE:{}", alice.secret),
        secret: alice.secret.clone(),
    };
    assert_eq!(
        send(&app, get("posts/recent", &upper, &[])).await.status,
        StatusCode::OK
    );
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/posts/recent?format=json"))
            .insert_header((header::AUTHORIZATION, basic("alice", PASSWORD)))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["user"], "alice");
    // JSON errors are Pinboard's too, not problem documents.
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/tags/get?format=json"))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.json(), json!({"result_code": "authentication failed"}));
}
both_backends!(async bad_credentials_answer_401);

async fn read_token_cannot_write(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
    let writer = account(&db, "alice", "write");
    let reader = account(&db, "alice", "read");
    add(
        &app,
        get(
            "posts/add",
            &writer,
            &[
                ("url", "https://example.com/ro"),
                ("tags", "keep"),
                ("format", "json"),
            ],
        ),
    )
    .await;
    let writes: [(&str, Vec<(&str, &str)>); 4] = [
        ("posts/add", vec![("url", "https://example.com/new")]),
        ("posts/delete", vec![("url", "https://example.com/ro")]),
        ("tags/delete", vec![("tag", "keep")]),
        ("tags/rename", vec![("old", "keep"), ("new", "other")]),
    ];
    for (method, params) in writes {
        let a = send(&app, get(method, &reader, &params)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{method}");
        assert_eq!(
            xml_attrs(&a.body, "result", "code"),
            ["forbidden: this API token is read-only"],
            "{method}"
        );
    }
    // Nothing changed, and reading works.
    let v = send(&app, get("posts/all", &reader, &[("format", "json")]))
        .await
        .json();
    let all = v.as_array().cloned().unwrap_or_default();
    assert_eq!(hrefs(&all), ["https://example.com/ro"]);
    assert_eq!(all[0]["tags"], "keep");
    for method in [
        "posts/update",
        "posts/get",
        "posts/dates",
        "posts/recent",
        "tags/get",
        "user/api_token",
    ] {
        let a = send(&app, get(method, &reader, &[])).await;
        assert_eq!(a.status, StatusCode::OK, "{method}: {}", a.body);
    }
}
both_backends!(async read_token_cannot_write);

/// HTTP Basic is throttled as the JSON API's login is: a few wrong
/// passwords, then 429 with `Retry-After` before the password is checked.
async fn wrong_basic_passwords_are_throttled(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
    account(&db, "alice", "write");
    let from = |password: &str| {
        TestRequest::get()
            .uri(&format!("{P}/posts/recent"))
            .peer_addr("192.0.2.30:5000".parse().expect("peer"))
            .insert_header((header::AUTHORIZATION, basic("alice", password)))
            .to_request()
    };
    for _ in 0..5 {
        assert_eq!(
            send(&app, from("wrong")).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    for password in ["wrong", PASSWORD] {
        let a = send(&app, from(password)).await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
        let wait: u64 = a
            .headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("Retry-After");
        assert!((1..=30).contains(&wait), "{wait}");
    }
}
both_backends!(async wrong_basic_passwords_are_throttled);
