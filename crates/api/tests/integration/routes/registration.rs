//! Who may register: the per-address rate limit, and the open, closed and
//! invite modes with the admins' invite codes.

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::http::Method;
use bukuma_api::config::RegistrationMode;
use bukuma_db::testing::builders::UserBuilder;

use crate::harness::{both_backends, id, json, text, Backend, Resp, TestApp, User, PASSWORD};

async fn register_from(app: &TestApp, ip: &str, body: serde_json::Value) -> Resp {
    let peer: SocketAddr = format!("{ip}:40000").parse().expect("address");
    app.send(
        app.request(Method::POST, "/api/v1/auth/register", None)
            .peer_addr(peer)
            .set_json(body),
    )
    .await
}

fn new_user(name: &str) -> serde_json::Value {
    json!({"username": name, "password": PASSWORD})
}

async fn with_mode(backend: Backend, mode: RegistrationMode) -> TestApp {
    TestApp::configured(backend, |c| c.registration = mode).await
}

async fn mode_of(app: &TestApp) -> serde_json::Value {
    app.get("/api/v1/auth/registration", None).await.expect(200)["mode"].clone()
}

/// An admin, made as `bukuma user create --admin` would (registration may be closed).
async fn admin(app: &TestApp) -> User {
    let hash = bukuma_api::auth::hash_password(PASSWORD).expect("hash");
    app.db()
        .write(|c| {
            UserBuilder::new("root")
                .admin()
                .password_hash(&hash)
                .insert(c)
        })
        .expect("admin");
    app.login("root").await
}

async fn registrations_per_address_are_rate_limited(backend: Backend) {
    let app = TestApp::configured(backend, |c| {
        c.register_rate = bukuma_api::rate_limit::Rate {
            burst: 3,
            every: Duration::from_secs(600),
        };
    })
    .await;
    for i in 0..3 {
        register_from(&app, "192.0.2.7", new_user(&format!("bulk{i}")))
            .await
            .expect(201);
    }
    let res = register_from(&app, "192.0.2.7", new_user("bulk3")).await;
    let body = res.problem(429);
    assert_eq!(body["type"], "/problems/rate-limited");
    let wait: u64 = res
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=600).contains(&wait), "{wait}");
    // A forged forwarding header from the same peer changes nothing.
    let forged = app
        .send(
            app.request(Method::POST, "/api/v1/auth/register", None)
                .peer_addr("192.0.2.7:1".parse().expect("address"))
                .insert_header(("x-forwarded-for", "203.0.113.1"))
                .set_json(new_user("bulk4")),
        )
        .await;
    forged.problem(429);
    register_from(&app, "192.0.2.8", new_user("elsewhere"))
        .await
        .expect(201);
}
both_backends!(async registrations_per_address_are_rate_limited);

async fn open_registration_is_announced_and_ignores_invite_codes(app: TestApp) {
    assert_eq!(mode_of(&app).await, "open");
    app.post(
        "/api/v1/auth/register",
        None,
        json!({"username": "carol", "password": PASSWORD, "invite_code": "whatever"}),
    )
    .await
    .expect(201);
}
both_backends!(async open_registration_is_announced_and_ignores_invite_codes);

async fn closed_registration_is_403(backend: Backend) {
    let app = with_mode(backend, RegistrationMode::Closed).await;
    assert_eq!(mode_of(&app).await, "closed");
    let body = app
        .post("/api/v1/auth/register", None, new_user("dave"))
        .await
        .problem(403);
    assert_eq!(body["detail"], "registration is closed");
    // Accounts made by the operator still sign in.
    admin(&app).await;
}
both_backends!(async closed_registration_is_403);

async fn invite_codes_admit_as_many_registrations_as_they_allow(backend: Backend) {
    let app = with_mode(backend, RegistrationMode::Invite).await;
    assert_eq!(mode_of(&app).await, "invite");
    app.post("/api/v1/auth/register", None, new_user("erin"))
        .await
        .invalid("invite_code");
    let root = admin(&app).await;
    let made = app
        .post(
            "/api/v1/admin/invites",
            root.access.as_str(),
            json!({"max_uses": 2, "expires_days": 7}),
        )
        .await
        .expect(201);
    let code = text(&made["code"]);
    assert!(code.starts_with("inv_"), "{made}");
    assert_eq!(made["status"], "active");
    assert!(made["expires_at"].is_string());
    let with_code = |name: &str, code: &str| json!({"username": name, "password": PASSWORD, "invite_code": code});
    app.post("/api/v1/auth/register", None, with_code("erin", "inv_nope"))
        .await
        .invalid("invite_code");
    app.post("/api/v1/auth/register", None, with_code("erin", &code))
        .await
        .expect(201);
    // A registration that fails for another reason uses nothing up.
    app.post("/api/v1/auth/register", None, with_code("ERIN", &code))
        .await
        .problem(409);
    app.post("/api/v1/auth/register", None, with_code("frank", &code))
        .await
        .expect(201);
    let body = app
        .post("/api/v1/auth/register", None, with_code("gina", &code))
        .await
        .invalid("invite_code");
    assert!(body.to_string().contains("used up"), "{body}");

    // A revoked code no longer works; the list shows what each is good for.
    let second = app
        .post("/api/v1/admin/invites", root.access.as_str(), json!({}))
        .await
        .expect(201);
    app.delete(
        &format!("/api/v1/admin/invites/{}", id(&second)),
        root.access.as_str(),
    )
    .await
    .expect(204);
    app.post(
        "/api/v1/auth/register",
        None,
        with_code("gina", &text(&second["code"])),
    )
    .await
    .invalid("invite_code");
    let list = app
        .get("/api/v1/admin/invites", root.access.as_str())
        .await
        .expect(200);
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["status"], "revoked");
    assert_eq!(items[1]["status"], "used_up");
    assert_eq!(items[1]["uses"], 2);
    assert!(items.iter().all(|i| i.get("code").is_none()), "{list}");
    app.delete("/api/v1/admin/invites/9999", root.access.as_str())
        .await
        .problem(404);
}
both_backends!(async invite_codes_admit_as_many_registrations_as_they_allow);

async fn only_admins_manage_invites(app: TestApp) {
    let user = app.register("mallory").await;
    app.post("/api/v1/admin/invites", user.access.as_str(), json!({}))
        .await
        .problem(403);
    app.get("/api/v1/admin/invites", user.access.as_str())
        .await
        .problem(403);
    app.get("/api/v1/admin/invites", None).await.problem(401);
    let root = admin(&app).await;
    app.post(
        "/api/v1/admin/invites",
        root.access.as_str(),
        json!({"max_uses": 0}),
    )
    .await
    .invalid("max_uses");
    app.post(
        "/api/v1/admin/invites",
        root.access.as_str(),
        json!({"expires_days": 0}),
    )
    .await
    .invalid("expires_days");
}
both_backends!(async only_admins_manage_invites);
