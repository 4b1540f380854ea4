//! Related entries over HTTP: the list's shape, empty until the job first
//! computes it, 404 for unknown and hidden entries.

use bukuma_db::schema::entries;
use diesel::prelude::*;

use crate::harness::{both_backends, id, json, pluck, TestApp, Value};

/// Runs the related job until it has nothing left to do.
fn catch_up(app: &TestApp) {
    bukuma_api::related::catch_up(app.db(), &app.state.related).expect("related job");
}

async fn related(app: &TestApp, entry: i64) -> Vec<Value> {
    let body = app
        .get(&format!("/api/v1/entries/{entry}/related"), None)
        .await
        .expect(200);
    body["items"].as_array().expect("items").clone()
}

async fn related_entries_are_computed_in_the_background_and_listed_as_entries(app: TestApp) {
    let app = &app;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let a = app
        .bookmark(
            &alice.access,
            "https://a.example/story",
            json!({"tags": ["rust"]}),
        )
        .await["entry"]["id"]
        .as_i64()
        .expect("entry");
    app.bookmark(&bob.access, "https://a.example/story", json!({}))
        .await;
    let b = app
        .bookmark(
            &alice.access,
            "https://b.example/post",
            json!({"title": "B post", "tags": ["rust", "web"]}),
        )
        .await["entry"]["id"]
        .as_i64()
        .expect("entry");
    app.bookmark(&bob.access, "https://b.example/post", json!({}))
        .await;
    let c = app
        .bookmark(&bob.access, "https://c.example/", json!({}))
        .await["entry"]["id"]
        .as_i64()
        .expect("entry");
    // Carol's bookmark is private: it relates nothing.
    app.bookmark(
        &carol.access,
        "https://a.example/story",
        json!({"private": true}),
    )
    .await;
    app.bookmark(
        &carol.access,
        "https://secret.example/",
        json!({"private": true}),
    )
    .await;

    // Without the outbox's rows only a read can ask for the list: never
    // computed, it is empty, and asked for.
    let forgotten = app
        .db()
        .write(|c| Ok(diesel::delete(bukuma_db::schema::search_outbox::table).execute(c)?))
        .expect("forget the outbox");
    assert!(forgotten > 0);
    assert!(related(app, a).await.is_empty());
    catch_up(app);
    let items = related(app, a).await;
    assert_eq!(pluck(&items, "/id"), vec![json!(b), json!(c)]);
    let first = &items[0];
    assert_eq!(first["url"], "https://b.example/post");
    assert_eq!(first["domain"], "b.example");
    assert_eq!(first["title"], "B post");
    assert_eq!(first["bookmark_count"], 2);
    assert_eq!(first["tags"], json!(["rust", "web"]));
    for key in [
        "summary",
        "thumbnail_url",
        "favicon_url",
        "first_bookmarked_at",
    ] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }

    // A new bookmark reaches the list through the job.
    let d = app
        .bookmark(&alice.access, "https://d.example/", json!({}))
        .await;
    catch_up(app);
    assert!(pluck(&related(app, a).await, "/id").contains(&json!(id(&d["entry"]))));
}
both_backends!(async related_entries_are_computed_in_the_background_and_listed_as_entries);

async fn unknown_and_hidden_entries_have_no_related_entries(app: TestApp) {
    let app = &app;
    let alice = app.register("alice").await;
    app.get("/api/v1/entries/999999/related", None)
        .await
        .problem(404);
    app.get("/api/v1/entries/abc/related", None)
        .await
        .problem(404);
    let a = app
        .bookmark(&alice.access, "https://a.example/", json!({}))
        .await;
    let b = app
        .bookmark(&alice.access, "https://b.example/", json!({}))
        .await;
    let (a, b) = (id(&a["entry"]), id(&b["entry"]));
    catch_up(app);
    assert_eq!(pluck(&related(app, a).await, "/id"), vec![json!(b)]);
    // Hidden by an admin (as moderation does it, cached answers dropped).
    app.db()
        .write(move |c| {
            Ok(
                diesel::update(entries::table.find(bukuma_domain::EntryId(b)))
                    .set(entries::hidden_at.eq(Some(bukuma_db::now_micros())))
                    .execute(c)?,
            )
        })
        .expect("hide");
    app.state.reads.clear();
    assert!(related(app, a).await.is_empty());
    app.get(&format!("/api/v1/entries/{b}/related"), None)
        .await
        .problem(404);
}
both_backends!(async unknown_and_hidden_entries_have_no_related_entries);
