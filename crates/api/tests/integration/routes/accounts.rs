//! Account controls over HTTP on both backends: changing the password,
//! signing out everywhere, and deleting the account with all its data.

use actix_web::http::Method;

use crate::harness::{both_backends, id, json, text, TestApp, Value, PASSWORD};

const NEW_PASSWORD: &str = "a much better passphrase";

async fn refresh(app: &TestApp, token: &str) -> crate::harness::Resp {
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({ "refresh_token": token }),
    )
    .await
}

async fn delete_me(app: &TestApp, token: &str, password: &str) -> crate::harness::Resp {
    app.send(
        app.request(Method::DELETE, "/api/v1/me", Some(token))
            .set_json(json!({ "password": password })),
    )
    .await
}

async fn login_with(app: &TestApp, username: &str, password: &str) -> crate::harness::Resp {
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"username": username, "password": password}),
    )
    .await
}

async fn changing_the_password_ends_every_other_session(app: TestApp) {
    let here = app.register("alice").await;
    let elsewhere = app.login("alice").await;
    let (_, api_token) = app.api_token(&here.access, "write").await;

    let changed = app
        .post(
            "/api/v1/me/password",
            here.access.as_str(),
            json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await
        .expect(200);
    let access = text(&changed["access_token"]);
    assert_eq!(changed["token_type"], "Bearer");

    // The other session is over: its access token at once, its refresh token too.
    app.get("/api/v1/me", elsewhere.access.as_str())
        .await
        .problem(401);
    refresh(&app, &elsewhere.refresh).await.problem(401);
    // This session goes on: with the new access token, and by refreshing.
    app.get("/api/v1/me", access.as_str()).await.expect(200);
    app.get("/api/v1/me", here.access.as_str())
        .await
        .problem(401);
    let next = refresh(&app, &here.refresh).await.expect(200);
    app.get("/api/v1/me", text(&next["access_token"]).as_str())
        .await
        .expect(200);
    // Personal API tokens are not sessions: they keep working.
    app.get("/api/v1/me", api_token.as_str()).await.expect(200);

    login_with(&app, "alice", PASSWORD).await.problem(401);
    login_with(&app, "alice", NEW_PASSWORD).await.expect(200);
}
both_backends!(async changing_the_password_ends_every_other_session);

async fn changing_the_password_needs_the_current_one_and_a_valid_new_one(app: TestApp) {
    let alice = app.register("alice").await;
    let wrong = app
        .post(
            "/api/v1/me/password",
            alice.access.as_str(),
            json!({"current_password": "not it at all", "new_password": NEW_PASSWORD}),
        )
        .await
        .problem(403);
    assert!(text(&wrong["detail"]).contains("password"), "{wrong}");
    app.post(
        "/api/v1/me/password",
        alice.access.as_str(),
        json!({"current_password": PASSWORD, "new_password": "short"}),
    )
    .await
    .invalid("new_password");
    app.post(
        "/api/v1/me/password",
        None,
        json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
    )
    .await
    .problem(401);
    // Nothing changed: the session and the old password still work.
    app.get("/api/v1/me", alice.access.as_str())
        .await
        .expect(200);
    login_with(&app, "alice", PASSWORD).await.expect(200);
}
both_backends!(async changing_the_password_needs_the_current_one_and_a_valid_new_one);

async fn signing_out_everywhere_ends_every_session(app: TestApp) {
    let here = app.register("alice").await;
    let elsewhere = app.login("alice").await;
    let bob = app.register("bob").await;
    let res = app
        .post("/api/v1/auth/logout-all", here.access.as_str(), json!({}))
        .await;
    res.expect(204);
    assert_eq!(res.refresh_cookie().as_deref(), Some(""), "cookie cleared");
    for session in [&here, &elsewhere] {
        app.get("/api/v1/me", session.access.as_str())
            .await
            .problem(401);
        refresh(&app, &session.refresh).await.problem(401);
    }
    // Others are untouched; signing in again works.
    app.get("/api/v1/me", bob.access.as_str()).await.expect(200);
    let again = app.login("alice").await;
    app.get("/api/v1/me", again.access.as_str())
        .await
        .expect(200);
}
both_backends!(async signing_out_everywhere_ends_every_session);

async fn deleting_the_account_removes_all_its_data(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let url = "https://example.com/shared";
    let a = app
        .bookmark(
            &alice.access,
            url,
            json!({"comment": "alice thinks", "tags": ["rust"]}),
        )
        .await;
    app.bookmark(
        &alice.access,
        "https://example.com/mine",
        json!({"private": true, "tags": ["x"]}),
    )
    .await;
    let b = app
        .bookmark(
            &bob.access,
            url,
            json!({"comment": "bob thinks", "tags": ["rust"]}),
        )
        .await;
    let star = |who: &str, bookmark: i64| {
        let path = format!("/api/v1/comments/{bookmark}/star");
        app.send(app.request(Method::PUT, &path, Some(who)))
    };
    star(&alice.access, id(&b)).await.expect(200);
    star(&carol.access, id(&b)).await.expect(200);
    star(&bob.access, id(&a)).await.expect(200);
    for (who, whom) in [(&alice, "bob"), (&carol, "alice")] {
        let path = format!("/api/v1/users/{whom}/follow");
        let res = app
            .send(app.request(Method::PUT, &path, Some(&who.access)))
            .await;
        assert!(res.status.is_success(), "{}", res.status);
    }
    let muted = app
        .send(app.request(
            Method::PUT,
            "/api/v1/me/mutes/users/alice",
            Some(&bob.access),
        ))
        .await;
    assert!(muted.status.is_success(), "{}", muted.status);
    app.post(
        "/api/v1/reports",
        alice.access.as_str(),
        json!({"target": {"kind": "comment", "id": id(&b)}, "reason": "spam"}),
    )
    .await
    .expect(201);
    let (_, api_token) = app.api_token(&alice.access, "write").await;
    app.index_now();
    assert!(app.counter_mismatches().is_empty());

    delete_me(&app, &alice.access, "not the password")
        .await
        .problem(403);
    app.get("/api/v1/users/alice", None).await.expect(200);

    let res = delete_me(&app, &alice.access, PASSWORD).await;
    res.expect(204);
    assert_eq!(res.refresh_cookie().as_deref(), Some(""), "cookie cleared");
    assert_eq!(app.counter_mismatches(), Vec::<String>::new());
    assert!(app.index_now() > 0, "the outbox told the index");

    app.get("/api/v1/users/alice", None).await.problem(404);
    app.get("/api/v1/me", alice.access.as_str())
        .await
        .problem(401);
    app.get("/api/v1/me", api_token.as_str()).await.problem(401);
    refresh(&app, &alice.refresh).await.problem(401);
    login_with(&app, "alice", PASSWORD).await.problem(401);

    let entry: Value = app
        .get(&format!("/api/v1/entries/{}", b["entry"]["id"]), None)
        .await
        .expect(200);
    assert_eq!(entry["bookmark_count"], 1, "{entry}");
    let comments = app
        .get(
            &format!("/api/v1/entries/{}/comments", b["entry"]["id"]),
            None,
        )
        .await
        .expect(200);
    let items = comments["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{comments}");
    assert_eq!(items[0]["user"]["username"], "bob");
    assert_eq!(
        items[0]["star_count"], 1,
        "carol's star stays, alice's goes"
    );
    let bob_profile = app.get("/api/v1/users/bob", None).await.expect(200);
    assert_eq!(bob_profile["follower_count"], 0);
    let carol_profile = app.get("/api/v1/users/carol", None).await.expect(200);
    assert_eq!(carol_profile["following_count"], 0);
    let notes = app
        .get("/api/v1/me/notifications", bob.access.as_str())
        .await
        .expect(200);
    assert!(!notes.to_string().contains("\"alice\""), "{notes}");
    // The name can be taken again.
    app.register("alice").await;
}
both_backends!(async deleting_the_account_removes_all_its_data);
