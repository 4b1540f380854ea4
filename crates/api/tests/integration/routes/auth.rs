//! Registration, login, the rotating refresh session, access tokens and
//! personal API tokens, over HTTP on both backends.

use crate::harness::{both_backends, id, json, text, Backend, TestApp, Value, PASSWORD};
use actix_web::http::{header, Method};
use bukuma_api::auth::JwtKeys;
use bukuma_domain::UserId;

fn assert_auth_response(body: &Value, username: &str) {
    assert_eq!(body["user"]["username"], username);
    assert!(body["user"]["id"].is_i64());
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(text(&body["access_token"]).split('.').count() == 3, "a JWT");
    assert!(text(&body["refresh_token"]).starts_with("bkr_"));
}

async fn refresh_with_body(app: &TestApp, refresh: &str) -> crate::harness::Resp {
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({ "refresh_token": refresh }),
    )
    .await
}

async fn refresh_with_cookie(app: &TestApp, refresh: &str) -> crate::harness::Resp {
    app.send(
        app.request(Method::POST, "/api/v1/auth/refresh", None)
            .insert_header((header::COOKIE, format!("bukuma_refresh={refresh}"))),
    )
    .await
}

async fn register_and_login_answer_a_session_and_a_refresh_cookie(app: TestApp) {
    let res = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": "Alice", "password": PASSWORD, "display_name": "アリス"}),
        )
        .await;
    let body = res.expect(201);
    assert_auth_response(&body, "Alice");
    assert_eq!(body["user"]["display_name"], "アリス");
    let cookie = res.header("set-cookie").expect("a refresh cookie");
    assert!(cookie.starts_with("bukuma_refresh=bkr_"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert_eq!(res.refresh_cookie(), Some(text(&body["refresh_token"])));

    // The login is case-sensitive about nothing but the password.
    let res = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "alice", "password": PASSWORD}),
        )
        .await;
    let body = res.expect(200);
    assert_auth_response(&body, "Alice");
    let cookie = res.header("set-cookie").expect("a refresh cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));

    let me = app
        .get("/api/v1/me", text(&body["access_token"]).as_str())
        .await
        .expect(200);
    assert_eq!(me["username"], "Alice");
    assert_eq!(me["display_name"], "アリス");
    assert_eq!(me["role"], "user");
}
both_backends!(async register_and_login_answer_a_session_and_a_refresh_cookie);

async fn wrong_password_and_unknown_user_get_the_same_401(app: TestApp) {
    app.register("alice").await;
    let wrong_password = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "alice", "password": "not the password"}),
        )
        .await
        .problem(401);
    let unknown_user = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "nobody", "password": PASSWORD}),
        )
        .await
        .problem(401);
    assert_eq!(wrong_password, unknown_user);
}
both_backends!(async wrong_password_and_unknown_user_get_the_same_401);

async fn refresh_in_the_body_rotates_the_token(app: TestApp) {
    let alice = app.register("alice").await;
    let res = refresh_with_body(&app, &alice.refresh).await;
    let body = res.expect(200);
    assert_auth_response(&body, "alice");
    let next = text(&body["refresh_token"]);
    assert_ne!(next, alice.refresh);
    assert_eq!(res.refresh_cookie(), Some(next.clone()));
    app.get("/api/v1/me", text(&body["access_token"]).as_str())
        .await
        .expect(200);

    // The old one stopped working (and presenting it ended the session).
    refresh_with_body(&app, &alice.refresh).await.problem(401);
}
both_backends!(async refresh_in_the_body_rotates_the_token);

async fn refresh_from_the_cookie_rotates_the_token(app: TestApp) {
    let alice = app.register("alice").await;
    let res = refresh_with_cookie(&app, &alice.refresh).await;
    let body = res.expect(200);
    assert_auth_response(&body, "alice");
    let next = res.refresh_cookie().expect("a new cookie");
    assert_eq!(next, text(&body["refresh_token"]));
    assert_ne!(next, alice.refresh);

    let again = refresh_with_cookie(&app, &alice.refresh).await;
    again.problem(401);
    assert_eq!(
        again.refresh_cookie().as_deref(),
        Some(""),
        "cookie cleared"
    );
}
both_backends!(async refresh_from_the_cookie_rotates_the_token);

async fn reusing_a_refresh_token_revokes_its_whole_family(app: TestApp) {
    let alice = app.register("alice").await;
    let other_session = app.login("alice").await;
    let second = text(&refresh_with_body(&app, &alice.refresh).await.expect(200)["refresh_token"]);
    let newest = text(&refresh_with_body(&app, &second).await.expect(200)["refresh_token"]);

    // A thief replays the first token: the whole session ends…
    let reused = refresh_with_body(&app, &alice.refresh).await.problem(401);
    assert!(text(&reused["detail"]).contains("reused"), "{reused}");
    // …including the newest token of that family,
    refresh_with_body(&app, &newest).await.problem(401);
    // but not the user's other sessions.
    refresh_with_body(&app, &other_session.refresh)
        .await
        .expect(200);
}
both_backends!(async reusing_a_refresh_token_revokes_its_whole_family);

/// A client whose refresh answer got lost (a closed tab, a navigation) still
/// holds the old token; presenting it again soon after answers the same
/// successor, so that the session stays one chain and never forks.
async fn a_refresh_token_presented_again_within_the_grace_period_answers_the_same_successor(
    backend: Backend,
) {
    let app = TestApp::configured(backend, |c| c.refresh_reuse_grace_secs = 30).await;
    let alice = app.register("alice").await;
    let lost = text(&refresh_with_body(&app, &alice.refresh).await.expect(200)["refresh_token"]);
    let retried = text(&refresh_with_body(&app, &alice.refresh).await.expect(200)["refresh_token"]);
    let again = text(&refresh_with_cookie(&app, &alice.refresh).await.expect(200)["refresh_token"]);
    assert_eq!(lost, retried);
    assert_eq!(lost, again);
    // One chain: its token moves on once; using it a second time (after the
    // grace period, here: its successor was already taken further) is a reuse.
    let next = text(&refresh_with_body(&app, &retried).await.expect(200)["refresh_token"]);
    refresh_with_body(&app, &next).await.expect(200);
    let live: i64 = app
        .db()
        .read(|c| {
            use bukuma_db::schema::refresh_tokens as r;
            use diesel::prelude::*;
            Ok(r::table
                .filter(r::used_at.is_null())
                .filter(r::revoked_at.is_null())
                .count()
                .get_result(c)?)
        })
        .expect("count");
    assert_eq!(live, 1, "one live token: the session never forked");
}
both_backends!(
    async a_refresh_token_presented_again_within_the_grace_period_answers_the_same_successor
);

async fn a_revoked_family_gets_no_grace(app: TestApp) {
    let alice = app.register("alice").await;
    app.post(
        "/api/v1/auth/logout",
        None,
        json!({ "refresh_token": alice.refresh }),
    )
    .await
    .expect(204);
    refresh_with_body(&app, &alice.refresh).await.problem(401);
}
both_backends!(async a_revoked_family_gets_no_grace);

async fn logout_revokes_the_session_and_clears_the_cookie(app: TestApp) {
    let alice = app.register("alice").await;
    let rotated = text(&refresh_with_body(&app, &alice.refresh).await.expect(200)["refresh_token"]);
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({ "refresh_token": rotated }),
        )
        .await;
    res.expect(204);
    assert_eq!(res.refresh_cookie().as_deref(), Some(""));
    refresh_with_body(&app, &rotated).await.problem(401);

    // Logging out with the cookie works too.
    let session = app.login("alice").await;
    app.send(
        app.request(Method::POST, "/api/v1/auth/logout", None)
            .insert_header((
                header::COOKIE,
                format!("bukuma_refresh={}", session.refresh),
            )),
    )
    .await
    .expect(204);
    refresh_with_cookie(&app, &session.refresh)
        .await
        .problem(401);
}
both_backends!(async logout_revokes_the_session_and_clears_the_cookie);

async fn refresh_without_or_with_a_garbage_token_is_401(app: TestApp) {
    app.post("/api/v1/auth/refresh", None, json!({}))
        .await
        .problem(401);
    app.send(app.request(Method::POST, "/api/v1/auth/refresh", None))
        .await
        .problem(401);
    refresh_with_body(&app, "bkr_garbage").await.problem(401);
    refresh_with_cookie(&app, "garbage").await.problem(401);
}
both_backends!(async refresh_without_or_with_a_garbage_token_is_401);

async fn expired_tampered_and_garbage_access_tokens_are_401(app: TestApp) {
    let alice = app.register("alice").await;
    let me = app
        .get("/api/v1/me", alice.access.as_str())
        .await
        .expect(200);
    let user_id = UserId(id(&me));

    let expired = app.state.jwt.issue(user_id, 0, None, -120).expect("sign");
    let foreign = JwtKeys::new(&[7u8; 32])
        .issue(user_id, 0, None, 900)
        .expect("sign");
    let (head, rest) = alice.access.split_once('.').expect("a JWT");
    let (_, signature) = rest.split_once('.').expect("a JWT");
    // Claims of another user, with Alice's signature.
    let forged_claims = app
        .state
        .jwt
        .issue(UserId(user_id.0 + 1), 0, None, 900)
        .expect("sign");
    let forged_payload = forged_claims.split('.').nth(1).expect("payload");
    let tampered = format!("{head}.{forged_payload}.{signature}");
    let mut flipped = alice.access.clone();
    let last = flipped.pop().expect("non-empty");
    flipped.push(if last == 'A' { 'B' } else { 'A' });

    for bad in [
        expired.as_str(),
        foreign.as_str(),
        tampered.as_str(),
        flipped.as_str(),
        "garbage",
        "a.b.c",
        "bkm_not_a_real_api_token",
    ] {
        let res = app.get("/api/v1/me", bad).await;
        res.problem(401);
        assert_eq!(res.header("www-authenticate"), Some("Bearer"));
        // Bad credentials are rejected even where anonymous access is allowed.
        app.get("/api/v1/users/alice/bookmarks", bad)
            .await
            .problem(401);
    }
    let expired_problem = app.get("/api/v1/me", expired.as_str()).await.problem(401);
    assert!(text(&expired_problem["detail"]).contains("expired"));
    // Nothing was written on the strength of a bad token.
    app.post(
        "/api/v1/bookmarks",
        tampered.as_str(),
        json!({"url": "https://example.com/"}),
    )
    .await
    .problem(401);
    let page = app
        .get("/api/v1/users/alice/bookmarks", alice.access.as_str())
        .await
        .expect(200);
    assert_eq!(page["items"], json!([]));
}
both_backends!(async expired_tampered_and_garbage_access_tokens_are_401);

async fn malformed_authorization_headers_are_401(app: TestApp) {
    let alice = app.register("alice").await;
    let long = format!("Bearer {}", "x".repeat(3000));
    for value in [
        "Basic YWxpY2U6cGFzc3dvcmQ=",
        "Bearer",
        "Bearer ",
        alice.access.as_str(),
        "Token abc",
        long.as_str(),
    ] {
        let res = app
            .send(
                app.request(Method::GET, "/api/v1/me", None)
                    .insert_header((header::AUTHORIZATION, value)),
            )
            .await;
        res.problem(401);
    }
    // The scheme is case-insensitive.
    app.send(
        app.request(Method::GET, "/api/v1/me", None)
            .insert_header((header::AUTHORIZATION, format!("bearer {}", alice.access))),
    )
    .await
    .expect(200);
    app.get("/api/v1/me", None).await.problem(401);
}
both_backends!(async malformed_authorization_headers_are_401);

async fn reserved_usernames_are_rejected(app: TestApp) {
    for name in [
        "api", "settings", "Settings", "ADMIN", "login", "healthz", "new",
    ] {
        app.post(
            "/api/v1/auth/register",
            None,
            json!({"username": name, "password": PASSWORD}),
        )
        .await
        .invalid("username");
        app.get(&format!("/api/v1/users/{name}"), None)
            .await
            .problem(404);
    }
}
both_backends!(async reserved_usernames_are_rejected);

async fn usernames_are_unique_regardless_of_case(app: TestApp) {
    app.register("alice").await;
    for name in ["alice", "ALICE", "Alice"] {
        app.post(
            "/api/v1/auth/register",
            None,
            json!({"username": name, "password": "another password"}),
        )
        .await
        .problem(409);
    }
    // Alice's password still works; nobody else's was stored.
    app.login("alice").await;
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"username": "ALICE", "password": "another password"}),
    )
    .await
    .problem(401);
}
both_backends!(async usernames_are_unique_regardless_of_case);

async fn username_and_password_rules(app: TestApp) {
    let register = |username: String, password: String| {
        app.post(
            "/api/v1/auth/register",
            None,
            json!({"username": username, "password": password}),
        )
    };
    for bad in [
        "ab",
        "has space",
        "dots.not.ok",
        "日本語ユーザー",
        &"a".repeat(33),
    ] {
        register(bad.into(), PASSWORD.into())
            .await
            .invalid("username");
    }
    register("shortpw".into(), "1234567".into())
        .await
        .invalid("password");
    register("longpw".into(), "p".repeat(257))
        .await
        .invalid("password");
    // Both wrong: both reported at once.
    let both = register("x".into(), "short".into())
        .await
        .invalid("username");
    assert_eq!(both["errors"].as_array().map(Vec::len), Some(2));
    for name in ["shortpw", "longpw", "x"] {
        app.get(&format!("/api/v1/users/{name}"), None)
            .await
            .problem(404);
    }

    // The limits themselves are fine; length counts characters, not bytes.
    register("min_pw".into(), "12345678".into())
        .await
        .expect(201);
    register("max-pw".into(), "p".repeat(256)).await.expect(201);
    register("kana_pw".into(), "パスワードです".to_owned() + "!")
        .await
        .expect(201);
    register("abc".into(), PASSWORD.into()).await.expect(201);
    register("a".repeat(32), PASSWORD.into()).await.expect(201);
    app.post(
        "/api/v1/auth/register",
        None,
        json!({"username": "longname", "password": PASSWORD, "display_name": "d".repeat(65)}),
    )
    .await
    .invalid("display_name");
}
both_backends!(async username_and_password_rules);

async fn profile_can_be_read_and_edited(app: TestApp) {
    let alice = app.register("alice").await;
    let me = app
        .patch(
            "/api/v1/me",
            alice.access.as_str(),
            json!({"display_name": "Alice A.", "bio": "はてな"}),
        )
        .await
        .expect(200);
    assert_eq!(me["display_name"], "Alice A.");
    assert_eq!(me["bio"], "はてな");
    let profile = app.get("/api/v1/users/ALICE", None).await.expect(200);
    assert_eq!(profile["username"], "alice");
    assert_eq!(profile["bio"], "はてな");
    assert_eq!(profile["bookmark_count"], 0);
    assert!(profile.get("role").is_none() && profile.get("id").is_none());
    app.patch(
        "/api/v1/me",
        alice.access.as_str(),
        json!({"bio": "b".repeat(501)}),
    )
    .await
    .invalid("bio");
    app.patch("/api/v1/me", None, json!({"bio": "anonymous"}))
        .await
        .problem(401);
    let me = app
        .get("/api/v1/me", alice.access.as_str())
        .await
        .expect(200);
    assert_eq!(me["bio"], "はてな");
}
both_backends!(async profile_can_be_read_and_edited);

async fn api_token_secret_is_shown_once_and_works_as_bearer(app: TestApp) {
    let alice = app.register("alice").await;
    let created = app
        .post(
            "/api/v1/me/tokens",
            alice.access.as_str(),
            json!({"name": "my phone", "scope": "write"}),
        )
        .await
        .expect(201);
    assert_eq!(created["name"], "my phone");
    assert_eq!(created["scope"], "write");
    assert_eq!(created["last_used_at"], Value::Null);
    let secret = text(&created["token"]);
    assert!(secret.starts_with("bkm_"));

    let list = app
        .get("/api/v1/me/tokens", alice.access.as_str())
        .await
        .expect(200);
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], created["id"]);
    assert!(items[0].get("token").is_none(), "secret listed: {list}");
    assert!(!list.to_string().contains(&secret));

    let me = app.get("/api/v1/me", secret.as_str()).await.expect(200);
    assert_eq!(me["username"], "alice");
    app.bookmark(&secret, "https://example.com/via-token", json!({}))
        .await;
    let list = app
        .get("/api/v1/me/tokens", alice.access.as_str())
        .await
        .expect(200);
    assert!(list["items"][0]["last_used_at"].is_string(), "{list}");

    for bad in [
        json!({"name": "", "scope": "read"}),
        json!({"name": "n".repeat(65), "scope": "read"}),
    ] {
        app.post("/api/v1/me/tokens", alice.access.as_str(), bad)
            .await
            .invalid("name");
    }
    app.post(
        "/api/v1/me/tokens",
        alice.access.as_str(),
        json!({"name": "x", "scope": "admin"}),
    )
    .await
    .problem(400);
}
both_backends!(async api_token_secret_is_shown_once_and_works_as_bearer);

async fn read_token_cannot_write(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let theirs = app
        .bookmark(
            &bob.access,
            "https://example.com/",
            json!({"comment": "nice"}),
        )
        .await;
    let mine = app
        .bookmark(&alice.access, "https://example.com/mine", json!({}))
        .await;
    let (_, read) = app.api_token(&alice.access, "read").await;
    let read = read.as_str();

    // Reading works…
    app.get("/api/v1/me", read).await.expect(200);
    app.get("/api/v1/users/alice/bookmarks", read)
        .await
        .expect(200);
    // …writing does not.
    app.post(
        "/api/v1/bookmarks",
        read,
        json!({"url": "https://example.com/r"}),
    )
    .await
    .problem(403);
    app.patch("/api/v1/me", read, json!({"bio": "hacked"}))
        .await
        .problem(403);
    app.put(&format!("/api/v1/comments/{}/star", id(&theirs)), read)
        .await
        .problem(403);
    app.delete(&format!("/api/v1/comments/{}/star", id(&theirs)), read)
        .await
        .problem(403);
    app.delete(&format!("/api/v1/bookmarks/{}", id(&mine)), read)
        .await
        .problem(403);
    app.patch(
        &format!("/api/v1/bookmarks/{}", id(&mine)),
        read,
        json!({"comment": "x"}),
    )
    .await
    .problem(403);
    app.post(
        "/api/v1/me/tokens",
        read,
        json!({"name": "escalate", "scope": "write"}),
    )
    .await
    .problem(403);
    app.post(
        "/api/v1/me/tags/rename",
        read,
        json!({"from": "a", "to": "b"}),
    )
    .await
    .problem(403);

    // Nothing changed.
    let me = app.get("/api/v1/me", read).await.expect(200);
    assert_eq!(me["bio"], "");
    let mine_now = app
        .get(&format!("/api/v1/bookmarks/{}", id(&mine)), read)
        .await
        .expect(200);
    assert_eq!(mine_now["comment"], "");
    let page = app
        .get("/api/v1/users/alice/bookmarks", read)
        .await
        .expect(200);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    let comments = app
        .get(
            &format!("/api/v1/entries/{}/comments", theirs["entry"]["id"]),
            None,
        )
        .await
        .expect(200);
    assert_eq!(comments["items"][0]["star_count"], 0);
    let tokens = app.get("/api/v1/me/tokens", read).await.expect(200);
    assert_eq!(tokens["items"].as_array().map(Vec::len), Some(1));

    // A write token can.
    let (_, write) = app.api_token(&alice.access, "write").await;
    app.bookmark(&write, "https://example.com/w", json!({}))
        .await;
}
both_backends!(async read_token_cannot_write);

async fn revoked_api_token_is_401(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let (token_id, secret) = app.api_token(&alice.access, "write").await;
    app.get("/api/v1/me", secret.as_str()).await.expect(200);

    // Bob cannot revoke Alice's token.
    app.delete(
        &format!("/api/v1/me/tokens/{token_id}"),
        bob.access.as_str(),
    )
    .await
    .problem(404);
    app.get("/api/v1/me", secret.as_str()).await.expect(200);

    app.delete(
        &format!("/api/v1/me/tokens/{token_id}"),
        alice.access.as_str(),
    )
    .await
    .expect(204);
    app.get("/api/v1/me", secret.as_str()).await.problem(401);
    app.delete(
        &format!("/api/v1/me/tokens/{token_id}"),
        alice.access.as_str(),
    )
    .await
    .problem(404);
    let list = app
        .get("/api/v1/me/tokens", alice.access.as_str())
        .await
        .expect(200);
    assert_eq!(list["items"], json!([]));
}
both_backends!(async revoked_api_token_is_401);
