//! Privacy and robustness.

use super::*;

async fn private_bookmarks_are_never_visible_to_others(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
    let alice = account(&db, "alice", "write");
    let bob = account(&db, "bob", "write");
    let url = "https://example.com/private";
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[
                ("url", url),
                ("tags", "secret"),
                ("extended", "mine"),
                ("shared", "no"),
                ("format", "json"),
            ],
        ),
    )
    .await;
    // Alice sees it.
    let v = send(
        &app,
        get("posts/get", &alice, &[("url", url), ("format", "json")]),
    )
    .await
    .json();
    assert_eq!(posts_of(&v)[0]["shared"], "no");
    // Bob sees nothing of it anywhere.
    for (method, params) in [
        ("posts/get", vec![("url", url)]),
        ("posts/get", vec![]),
        ("posts/recent", vec![]),
        ("posts/all", vec![]),
        ("posts/dates", vec![]),
        ("tags/get", vec![]),
        ("posts/suggest", vec![("url", url)]),
        ("posts/update", vec![]),
    ] {
        let mut params = params;
        params.push(("format", "json"));
        let a = send(&app, get(method, &bob, &params)).await;
        assert_eq!(a.status, StatusCode::OK, "{method}");
        assert!(!a.body.contains("private"), "{method}: {}", a.body);
        assert!(!a.body.contains("secret"), "{method}: {}", a.body);
        assert!(!a.body.contains("mine"), "{method}: {}", a.body);
    }
    // Bob cannot delete or retag it.
    let a = send(
        &app,
        get("posts/delete", &bob, &[("url", url), ("format", "json")]),
    )
    .await;
    assert_eq!(a.json(), json!({"result_code": "item not found"}));
    send(&app, get("tags/delete", &bob, &[("tag", "secret")])).await;
    let v = send(&app, get("tags/get", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(v, json!({"secret": 1}));
}
both_backends!(async private_bookmarks_are_never_visible_to_others);

async fn odd_requests_never_answer_5xx(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
    let alice = account(&db, "alice", "write");
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/posts/nothing?format=json"))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json(), json!({"result_code": "unknown method"}));
    let a = send(
        &app,
        TestRequest::delete()
            .uri(&format!("{P}/posts/get"))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/posts/get?auth_token=%FF%FE"))
            .to_request(),
    )
    .await;
    // Bytes that are not UTF-8 are decoded lossily: bad credentials, no more.
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    // A trailing slash is fine.
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/tags/get/?auth_token={}", alice.auth))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let huge = "x".repeat(200 * 1024);
    let a = send(
        &app,
        TestRequest::post()
            .uri(&format!("{P}/posts/add"))
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(format!("auth_token={}&url={huge}", alice.auth))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    let odd: [(&str, &str); 10] = [
        ("dt", "99999-01-01"),
        ("dt", "0000-01-01T00:00:00Z"),
        ("dt", "-1"),
        ("fromdt", "2024-13-45"),
        ("count", "-5"),
        ("count", "99999999999999999999999"),
        ("results", "9223372036854775807"),
        ("start", "9223372036854775807"),
        ("tag", "\u{1}"),
        ("url", "http://[::1"),
    ];
    for method in [
        "posts/add",
        "posts/get",
        "posts/recent",
        "posts/all",
        "posts/dates",
        "posts/delete",
        "posts/suggest",
        "tags/rename",
        "tags/delete",
    ] {
        for (k, v) in odd {
            let params = [
                (k, v),
                ("url", "https://example.com/odd"),
                ("old", "\u{0}"),
                ("new", "\u{7f}x"),
                ("tag", " "),
            ];
            let a = send(&app, get(method, &alice, &params)).await;
            assert!(
                a.status.is_success(),
                "{method} {k}={v:?}: {} {}",
                a.status,
                a.body
            );
        }
    }
}
both_backends!(async odd_requests_never_answer_5xx);

async fn posts_all_window_covers_whole_seconds(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
    let alice = account(&db, "alice", "write");
    // Stored with the current time, which has fractions of a second.
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[("url", "https://example.com/now"), ("format", "json")],
        ),
    )
    .await;
    let v = send(&app, get("posts/recent", &alice, &[("format", "json")]))
        .await
        .json();
    let time = posts_of(&v)[0]["time"].as_str().unwrap_or("").to_owned();
    let v = send(
        &app,
        get(
            "posts/all",
            &alice,
            &[("fromdt", &time), ("todt", &time), ("format", "json")],
        ),
    )
    .await
    .json();
    assert_eq!(
        hrefs(v.as_array().map_or(&[][..], Vec::as_slice)),
        ["https://example.com/now"]
    );
}
both_backends!(async posts_all_window_covers_whole_seconds);
