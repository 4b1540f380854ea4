//! Password guessing on `POST /api/v1/auth/login`: refused with a 429 and
//! `Retry-After` past a few failures, per account and per client address,
//! while the owner still gets in from elsewhere after a short wait.

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::http::Method;

use crate::harness::{both_backends, json, Resp, TestApp, PASSWORD};

fn peer(ip: &str) -> SocketAddr {
    format!("{ip}:40000").parse().expect("socket address")
}

async fn login_from(app: &TestApp, ip: &str, username: &str, password: &str) -> Resp {
    app.send(
        app.request(Method::POST, "/api/v1/auth/login", None)
            .peer_addr(peer(ip))
            .set_json(json!({"username": username, "password": password})),
    )
    .await
}

/// The whole seconds a 429 asks to wait.
#[track_caller]
fn retry_after(res: &Resp) -> u64 {
    let body = res.problem(429);
    assert_eq!(body["type"], "/problems/rate-limited");
    res.header("retry-after")
        .and_then(|v| v.parse().ok())
        .filter(|s| *s >= 1)
        .unwrap_or_else(|| panic!("a 429 without Retry-After: {:?}", res.headers))
}

async fn many_wrong_passwords_are_refused_with_retry_after(app: TestApp) {
    app.register("alice").await;
    for _ in 0..5 {
        login_from(&app, "192.0.2.1", "alice", "wrong password")
            .await
            .problem(401);
    }
    let res = login_from(&app, "192.0.2.1", "alice", "wrong password").await;
    assert!(retry_after(&res) <= 30);
    // Refused before the password is looked at: the right one waits too.
    let res = login_from(&app, "192.0.2.1", "alice", PASSWORD).await;
    retry_after(&res);
}
both_backends!(async many_wrong_passwords_are_refused_with_retry_after);

async fn the_owner_gets_in_from_another_address_after_a_short_wait(app: TestApp) {
    app.register("alice").await;
    // A flood from ten addresses for a few seconds: each guess is either
    // let through and wrong, or refused.
    let start = std::time::Instant::now();
    let (mut guesses, mut refused) = (0, 0);
    while start.elapsed() < Duration::from_secs(3) {
        let attacker = format!("198.51.100.{}", 1 + guesses % 10);
        let res = login_from(&app, &attacker, "alice", "guess").await;
        match res.status.as_u16() {
            429 => refused += 1,
            _ => {
                res.problem(401);
                guesses += 1;
            }
        }
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(guesses <= 8, "{guesses} guesses in 3 s");
    assert!(refused > 0);
    let mut res = login_from(&app, "203.0.113.7", "alice", PASSWORD).await;
    if res.status.as_u16() == 429 {
        let wait = retry_after(&res);
        assert!(wait <= 30, "the account's wait is short: {wait} s");
        actix_web::rt::time::sleep(Duration::from_secs(wait)).await;
        res = login_from(&app, "203.0.113.7", "alice", PASSWORD).await;
    }
    res.expect(200);
    // The account starts afresh.
    login_from(&app, "203.0.113.7", "alice", "typo")
        .await
        .problem(401);
}
both_backends!(async the_owner_gets_in_from_another_address_after_a_short_wait);

async fn one_address_guessing_at_many_accounts_is_held_back(app: TestApp) {
    for name in ["user1", "user2", "user3", "user4", "user5", "user6"] {
        app.register(name).await;
    }
    for name in ["user1", "user2", "user3", "user4", "user5"] {
        login_from(&app, "192.0.2.44", name, "123456")
            .await
            .problem(401);
    }
    retry_after(&login_from(&app, "192.0.2.44", "user6", "123456").await);
    // Unknown names count the same (nothing tells them from real ones).
    retry_after(&login_from(&app, "192.0.2.44", "nobody", "123456").await);
    // Other addresses and accounts are untouched.
    login_from(&app, "192.0.2.45", "user6", PASSWORD)
        .await
        .expect(200);
}
both_backends!(async one_address_guessing_at_many_accounts_is_held_back);

async fn forged_forwarding_headers_do_not_escape_the_throttle(app: TestApp) {
    app.register("alice").await;
    for i in 0..8 {
        let res = app
            .send(
                app.request(Method::POST, "/api/v1/auth/login", None)
                    .peer_addr(peer("192.0.2.99"))
                    .insert_header(("x-forwarded-for", format!("10.9.8.{i}")))
                    .insert_header(("forwarded", format!("for=10.7.6.{i}")))
                    .set_json(json!({"username": format!("victim{i}"), "password": "x"})),
            )
            .await;
        if i < 5 {
            res.problem(401);
        } else {
            retry_after(&res);
        }
    }
}
both_backends!(async forged_forwarding_headers_do_not_escape_the_throttle);

async fn a_trusted_proxy_is_throttled_per_forwarded_client(backend: crate::harness::Backend) {
    let app = TestApp::configured(backend, |c| {
        c.trusted_proxies = bukuma_fetch::parse_allow_list("10.0.0.0/8").expect("cidr");
    })
    .await;
    app.register("bob").await;
    let via_proxy = |client: &'static str, name: String| {
        app.request(Method::POST, "/api/v1/auth/login", None)
            .peer_addr(peer("10.0.0.1"))
            .insert_header(("x-forwarded-for", client))
            .set_json(json!({"username": name, "password": "x"}))
    };
    for i in 0..5 {
        app.send(via_proxy("198.51.100.20", format!("v{i}")))
            .await
            .problem(401);
    }
    retry_after(&app.send(via_proxy("198.51.100.20", "v9".into())).await);
    // Another client behind the same proxy is not held back.
    app.send(
        app.request(Method::POST, "/api/v1/auth/login", None)
            .peer_addr(peer("10.0.0.1"))
            .insert_header(("x-forwarded-for", "198.51.100.21"))
            .set_json(json!({"username": "bob", "password": PASSWORD})),
    )
    .await
    .expect(200);
}
both_backends!(async a_trusted_proxy_is_throttled_per_forwarded_client);

/// The password checks of account changes count as sign-ins: a stolen
/// session cannot be used to guess the password.
async fn wrong_passwords_on_account_changes_are_throttled(app: TestApp) {
    let alice = app.register("alice").await;
    let token = format!("Bearer {}", alice.access);
    let change = |current: &'static str| {
        app.request(Method::POST, "/api/v1/me/password", None)
            .peer_addr(peer("192.0.2.7"))
            .insert_header(("authorization", token.clone()))
            .set_json(json!({"current_password": current, "new_password": "a new password 2"}))
    };
    for _ in 0..5 {
        app.send(change("wrong password")).await.problem(403);
    }
    retry_after(&app.send(change("wrong password")).await);
    // Deleting the account goes through the same check.
    let delete = app
        .request(Method::DELETE, "/api/v1/me", None)
        .peer_addr(peer("192.0.2.7"))
        .insert_header(("authorization", token.clone()))
        .set_json(json!({"password": PASSWORD}));
    retry_after(&app.send(delete).await);
    // Refused before the password was checked: the account is still there.
    app.get("/api/v1/me", alice.access.as_str())
        .await
        .expect(200);
}
both_backends!(async wrong_passwords_on_account_changes_are_throttled);
