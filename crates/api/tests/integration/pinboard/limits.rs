//! Rate limits.

use super::*;

async fn too_many_calls_answer_429_with_retry_after(backend: Backend) {
    let (db, app) = pinboard_app(backend, Limits::default()).await;
    let alice = account(&db, "alice", "write");
    let bob = account(&db, "bob", "write");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(send(&app, get("posts/all", &alice, &[])).await.status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let a = send(&app, get("posts/all", &alice, &[("format", "json")])).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.json(), json!({"result_code": "too many requests"}));
    let retry: u64 = a
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=3).contains(&retry), "Retry-After: {retry}");
    // Other methods have their own, roomier limit; other users their own buckets.
    assert_eq!(
        send(&app, get("posts/recent", &alice, &[])).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, get("posts/all", &bob, &[])).await.status,
        StatusCode::OK
    );
}
both_backends!(async too_many_calls_answer_429_with_retry_after);

async fn ordinary_calls_have_a_generous_limit(backend: Backend) {
    let (db, app) = pinboard_app(
        backend,
        Limits {
            general: Rate {
                burst: 5,
                every: Duration::from_secs(60),
            },
            ..Limits::default()
        },
    )
    .await;
    let alice = account(&db, "alice", "write");
    for _ in 0..5 {
        assert_eq!(
            send(&app, get("tags/get", &alice, &[])).await.status,
            StatusCode::OK
        );
    }
    let a = send(
        &app,
        get("posts/add", &alice, &[("url", "https://example.com/")]),
    )
    .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    let retry = a
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok());
    assert!(
        retry.is_some_and(|r| r.parse::<u64>().is_ok_and(|s| (55..=60).contains(&s))),
        "{retry:?}"
    );
}
both_backends!(async ordinary_calls_have_a_generous_limit);
