//! `/api/v1/me/hatena-apps`: issuing, listing and revoking the OAuth
//! credentials of Hatena-compatible clients.

use actix_web::http::Method;

use super::{hatena_app, oauth_app, signed, Signing};
use crate::harness::{both_backends, json, Backend};

async fn an_app_shows_its_secrets_once(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let res = app
        .post(
            "/api/v1/me/hatena-apps",
            alice.access.as_str(),
            json!({"name": "browser add-on", "scope": "write"}),
        )
        .await;
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let created = res.expect(201);
    for field in [
        "consumer_key",
        "consumer_secret",
        "access_token",
        "access_token_secret",
        "created_at",
    ] {
        assert!(
            created[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field} in {created}"
        );
    }
    assert_eq!(created["name"], "browser add-on");
    assert_eq!(created["scope"], "write");
    assert_ne!(created["consumer_secret"], created["access_token_secret"]);

    let list = app
        .get("/api/v1/me/hatena-apps", alice.access.as_str())
        .await
        .expect(200);
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["consumer_key"], created["consumer_key"]);
    assert_eq!(items[0]["access_token"], created["access_token"]);
    assert!(items[0].get("consumer_secret").is_none());
    assert!(items[0].get("access_token_secret").is_none());
    let text = String::from_utf8_lossy(
        &app.get("/api/v1/me/hatena-apps", alice.access.as_str())
            .await
            .body,
    )
    .into_owned();
    for secret in ["consumer_secret", "access_token_secret"] {
        let value = created[secret].as_str().unwrap_or("");
        assert!(!text.contains(value), "{secret} is never shown again");
    }
}
both_backends!(async an_app_shows_its_secrets_once);

async fn a_revoked_app_stops_working_at_once(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let client = oauth_app(&app, &alice.access, "write").await;
    signed(
        &app,
        &client,
        Method::GET,
        "/rest/1/my",
        &[],
        &[],
        &Signing::now("v1"),
    )
    .await
    .expect(200);
    let path = format!("/api/v1/me/hatena-apps/{}", client.id);
    app.delete(&path, bob.access.as_str()).await.problem(404);
    let revoked = app.delete(&path, alice.access.as_str()).await;
    assert_eq!(revoked.status.as_u16(), 204);
    signed(
        &app,
        &client,
        Method::GET,
        "/rest/1/my",
        &[],
        &[],
        &Signing::now("v2"),
    )
    .await
    .problem(401);
    app.delete(&path, alice.access.as_str()).await.problem(404);
}
both_backends!(async a_revoked_app_stops_working_at_once);

async fn making_apps_needs_a_writer_and_a_name(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    app.post(
        "/api/v1/me/hatena-apps",
        None,
        json!({"name": "x", "scope": "read"}),
    )
    .await
    .problem(401);
    let (_, read_token) = app.api_token(&alice.access, "read").await;
    app.post(
        "/api/v1/me/hatena-apps",
        read_token.as_str(),
        json!({"name": "x", "scope": "read"}),
    )
    .await
    .problem(403);
    let long = "n".repeat(65);
    for name in ["", "   ", long.as_str()] {
        app.post(
            "/api/v1/me/hatena-apps",
            alice.access.as_str(),
            json!({"name": name, "scope": "read"}),
        )
        .await
        .invalid("name");
    }
    app.post(
        "/api/v1/me/hatena-apps",
        alice.access.as_str(),
        json!({"name": "x", "scope": "admin"}),
    )
    .await
    .problem(400);
}
both_backends!(async making_apps_needs_a_writer_and_a_name);
