//! The database going away under the server, as a PostgreSQL restart does
//! it: every connection terminated. Reads reconnect at once; a write that
//! met a dead connection answers 503 with `Retry-After` (never 500), and the
//! next ones succeed. `make cluster-faults` restarts a real primary.

use bukuma_api::error::UNAVAILABLE_RETRY_SECS;
use bukuma_db::Backend;
use diesel::{Connection, RunQueryDsl};

use crate::harness::{json, TestApp};

/// Terminates every other connection to the database and waits until they are gone.
fn terminate_connections(url: &str) {
    let mut admin = diesel::pg::PgConnection::establish(url).expect("admin connection");
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .execute(&mut admin)
    .expect("terminate connections");
}

#[actix_web::test]
async fn terminated_connections_answer_503_with_retry_after_then_recover() {
    let app = TestApp::new(Backend::Postgres).await;
    let alice = app.register("alice").await;
    app.bookmark(&alice.access, "https://example.com/before", json!({}))
        .await;
    let url = app.state.config.database_url.clone();

    terminate_connections(&url);
    for i in 0..10 {
        app.get(
            &format!("/api/v1/users/alice/bookmarks?limit={}", i + 1),
            None,
        )
        .await
        .expect(200);
    }

    terminate_connections(&url);
    let (mut unavailable, mut saved, mut last) = (0, 0, 0);
    for i in 0..20 {
        let r = app
            .post(
                "/api/v1/bookmarks",
                alice.access.as_str(),
                json!({ "url": format!("https://example.com/after/{i}") }),
            )
            .await;
        if r.status.as_u16() == 503 {
            let problem = r.problem(503);
            assert_eq!(problem["type"], "/problems/unavailable", "{problem}");
            assert_eq!(
                r.header("retry-after"),
                Some(UNAVAILABLE_RETRY_SECS.to_string().as_str())
            );
            unavailable += 1;
        } else {
            r.expect(201);
            saved += 1;
            last = i;
        }
    }
    assert!(unavailable >= 1, "no write met a terminated connection");
    // Each dead connection is replaced once it failed: the pool's few
    // are soon all new.
    assert!(unavailable <= 8, "{unavailable} answers 503, {saved} saved");
    assert_eq!(last, 19, "the last write failed");
    let mine = app
        .all_bookmarks("alice", "", Some(alice.access.as_str()))
        .await;
    assert_eq!(
        mine.len(),
        1 + saved,
        "a write answered 503 yet was kept, or lost"
    );
    assert!(
        app.counter_mismatches().is_empty(),
        "{:?}",
        app.counter_mismatches()
    );
}
