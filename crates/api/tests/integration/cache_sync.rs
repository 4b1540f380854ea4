//! Two `bukuma serve` processes on one PostgreSQL database: what one's write
//! changes, the other's read cache (here keeping answers for an hour) stops
//! serving, and a bookmark made private or deleted through one is gone from
//! the other, even within the read lag that other writes get.

use std::time::{Duration, Instant};

use crate::harness::{id, json, pluck, Resp, TestApp, Value};

const URL: &str = "https://example.com/shared";

/// Reads `path` through `app` until `done` holds of the answer, for at most
/// five seconds; returns how many reads it took.
async fn until(app: &TestApp, path: &str, what: &str, done: impl Fn(&Resp) -> bool) -> usize {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut reads = 0;
    loop {
        reads += 1;
        let r = app.get(path, None).await;
        if done(&r) {
            return reads;
        }
        assert!(Instant::now() < deadline, "{what}: still {r:?}");
        actix_web::rt::time::sleep(Duration::from_millis(2)).await;
    }
}

fn comments(v: &Value) -> Vec<Value> {
    pluck(v["items"].as_array().expect("items"), "/comment")
}

#[actix_web::test]
async fn writes_through_one_process_reach_the_others_cache() {
    // A long read lag: only withdrawals must cut through it.
    let (a, b) = TestApp::processes(|c| c.read_lag_ms = 3_600_000).await;
    let alice = a.register("alice").await;
    let bob = a.register("bob").await;
    let first = a
        .bookmark(&alice.access, URL, json!({"comment": "one"}))
        .await;
    let entry = first["entry"]["id"].as_i64().expect("entry id");
    let comments_path = format!("/api/v1/entries/{entry}/comments");
    let list_path = "/api/v1/users/alice/bookmarks";

    // Kept by the second process.
    let c = b.get(&comments_path, None).await.expect(200);
    assert_eq!(comments(&c), [json!("one")]);
    let l = b.get(list_path, None).await.expect(200);
    assert_eq!(l["items"].as_array().map(Vec::len), Some(1));

    // Bob comments through the first process (within the lag, the second
    // may go on answering without it).
    a.bookmark(&bob.access, URL, json!({"comment": "two"}))
        .await;

    // Alice makes hers private through the first process: gone from the
    // second's kept answers though the lag is an hour.
    a.patch(
        &format!("/api/v1/bookmarks/{}", id(&first)),
        alice.access.as_str(),
        json!({"private": true}),
    )
    .await
    .expect(200);
    until(&b, &comments_path, "alice's comment leaves", |r| {
        !comments(&r.expect(200)).contains(&json!("one"))
    })
    .await;
    until(&b, list_path, "alice's list empties", |r| {
        r.expect(200)["items"].as_array().is_some_and(Vec::is_empty)
    })
    .await;
    // The fresh answer carries bob's comment too.
    let c = b.get(&comments_path, None).await.expect(200);
    assert_eq!(comments(&c), [json!("two")]);

    // Deleting through the second process empties the first's.
    let kept = a.get(&comments_path, None).await.expect(200);
    assert_eq!(comments(&kept), [json!("two")]);
    let bobs = b.get("/api/v1/users/bob/bookmarks", None).await.expect(200);
    let bobs_id = bobs["items"][0]["id"].as_i64().expect("bob's bookmark");
    b.delete(&format!("/api/v1/bookmarks/{bobs_id}"), bob.access.as_str())
        .await
        .expect(204);
    // Its last public bookmark gone, the entry is too.
    until(&a, &comments_path, "bob's comment leaves", |r| {
        r.status == 404
    })
    .await;
}
