//! Reads on a replica (`DATABASE_REPLICA_URL`, PostgreSQL only): which
//! requests read where. The "replica" is a second connection to the test's
//! database (so it is never behind); a writer's note that it has not
//! replayed stands for a replica that lags. `deploy/check.sh` runs the same
//! through haproxy against a real streaming replica.

use std::time::{Duration, Instant};

use actix_web::http::{header, Method};
use bukuma_db::replica::ReplicaStats;
use bukuma_domain::UserId;

use crate::harness::{json, TestApp};

fn replica_url(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}application_name=replica")
}

fn stats(app: &TestApp) -> ReplicaStats {
    app.db().replica_stats().expect("a replica")
}

/// Reads anonymously until one runs on the replica, whose pool opens its
/// connections in the background.
async fn until_replica_serves(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(5);
    let before = stats(app).reads;
    while stats(app).reads == before {
        assert!(Instant::now() < deadline, "the replica never served a read");
        app.get("/api/v1/users/nobody-here", None).await;
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The `bukuma_rw` cookie a response sets, as `name=value`.
fn rw_cookie(r: &crate::harness::Resp) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("bukuma_rw="))
        .map(|c| c.split(';').next().unwrap_or("").to_owned())
}

#[actix_web::test]
async fn reads_go_to_the_replica_and_writes_read_on_the_primary() {
    let app = TestApp::with_replica(replica_url).await;
    let alice = app.register("alice").await;
    until_replica_serves(&app).await;

    // A read: the replica.
    let before = stats(&app);
    app.get("/api/v1/me", alice.access.as_str())
        .await
        .expect(200);
    let after = stats(&app);
    assert_eq!(after.reads, before.reads + 1, "{before:?} → {after:?}");

    // A write reads what it wrote back on the primary, and answers with a
    // cookie naming the position its writer's reads must see.
    let before = stats(&app);
    let saved = app
        .send(
            app.request(Method::POST, "/api/v1/bookmarks", Some(&alice.access))
                .set_json(json!({"url": "https://replica.example/", "comment": "mine"})),
        )
        .await;
    let bookmark = saved.expect(201);
    assert_eq!(stats(&app), before, "the write read on the replica");
    let cookie = rw_cookie(&saved).expect("a bukuma_rw cookie");

    // The writer's next read, with or without the cookie, sees the write:
    // the replica has replayed it here.
    let path = format!("/api/v1/bookmarks/{}", bookmark["id"]);
    let read = app
        .send(
            app.request(Method::GET, &path, Some(&alice.access))
                .insert_header((header::COOKIE, cookie.clone())),
        )
        .await;
    assert_eq!(read.expect(200)["comment"], "mine");

    // The probe answers for the primary.
    let before = stats(&app);
    app.get("/readyz", None).await.expect(200);
    assert_eq!(stats(&app), before);
}

#[actix_web::test]
async fn a_writer_reads_on_the_primary_until_the_replica_has_their_write() {
    let app = TestApp::with_replica(replica_url).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let me = app
        .get("/api/v1/me", alice.access.as_str())
        .await
        .expect(200);
    let alice_id = UserId(me["id"].as_i64().expect("id"));
    until_replica_serves(&app).await;

    // Alice wrote at a position the replica has not reached (as one that
    // lags would not have): her reads go to the primary, bob's do not.
    app.db().recent_writers().wrote(alice_id.0, i64::MAX - 1);
    let before = stats(&app);
    app.get("/api/v1/me", alice.access.as_str())
        .await
        .expect(200);
    let after = stats(&app);
    assert_eq!(
        after.fallbacks,
        before.fallbacks + 1,
        "{before:?} → {after:?}"
    );
    assert_eq!(after.reads, before.reads);
    app.get("/api/v1/me", bob.access.as_str()).await.expect(200);
    assert_eq!(stats(&app).reads, after.reads + 1);

    // A cookie that is not ours is ignored.
    let before = stats(&app);
    app.send(
        app.request(Method::GET, "/api/v1/me", Some(&bob.access))
            .insert_header((header::COOKIE, "bukuma_rw=99999999999.99999999999.00ff")),
    )
    .await
    .expect(200);
    assert_eq!(stats(&app).reads, before.reads + 1);
}

#[actix_web::test]
async fn a_replica_that_is_down_costs_no_errors() {
    // Nothing listens on port 1.
    let app =
        TestApp::with_replica(|_| "postgres://postgres@127.0.0.1:1/x?connect_timeout=1".into())
            .await;
    let alice = app.register("alice").await;
    let started = Instant::now();
    for i in 0..10 {
        let saved = app
            .bookmark(
                &alice.access,
                &format!("https://down.example/{i}"),
                json!({"comment": "c"}),
            )
            .await;
        let path = format!("/api/v1/bookmarks/{}", saved["id"]);
        app.get(&path, alice.access.as_str()).await.expect(200);
        app.get("/api/v1/users/alice/bookmarks", None)
            .await
            .expect(200);
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(stats(&app).fallbacks > 0);
    assert_eq!(stats(&app).reads, 0);
}
