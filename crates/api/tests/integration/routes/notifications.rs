//! My notifications, marking them read and the unread count, over HTTP on
//! both backends.

use crate::harness::{both_backends, id, json, pluck, TestApp, Value};

const LIST: &str = "/api/v1/me/notifications";
const COUNT: &str = "/api/v1/me/notifications/unread-count";

async fn unread(app: &TestApp, token: &str) -> Value {
    app.get(COUNT, token).await.expect(200)["unread_count"].clone()
}

async fn stars_and_follows_arrive_grouped_and_can_be_read(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let url = "https://example.com/notify";
    let b = app
        .bookmark(
            &alice.access,
            url,
            json!({"comment": "nice", "title": "Page"}),
        )
        .await;
    let star = format!("/api/v1/comments/{}/star", id(&b));
    for who in [&bob, &carol, &bob] {
        app.put(&star, who.access.as_str()).await.expect(200);
    }
    app.put(&star, alice.access.as_str()).await.expect(200);
    app.put("/api/v1/users/alice/follow", bob.access.as_str())
        .await
        .expect(200);

    let page = app.get(LIST, alice.access.as_str()).await.expect(200);
    assert_eq!(page["unread_count"], 2);
    assert_eq!(page["next_cursor"], Value::Null);
    let items = page["items"].as_array().expect("items");
    assert_eq!(pluck(items, "/kind"), [json!("follow"), json!("star")]);
    let starred = &items[1];
    assert_eq!(starred["actor_count"], 2, "{starred}");
    assert_eq!(
        pluck(starred["actors"].as_array().expect("actors"), "/username"),
        [json!("carol"), json!("bob")]
    );
    assert_eq!(starred["subject"]["comment"]["id"], id(&b));
    assert_eq!(starred["subject"]["comment"]["comment"], "nice");
    assert_eq!(starred["subject"]["entry"]["url"], url);
    assert_eq!(starred["subject"]["entry"]["title"], "Page");
    assert_eq!(starred["read"], false);
    assert_eq!(items[0]["subject"], json!({}));
    assert_eq!(
        items[0]["actors"],
        json!([{"username": "bob", "display_name": "bob"}])
    );
    assert_eq!(unread(&app, &alice.access).await, 2);
    assert_eq!(
        unread(&app, &bob.access).await,
        0,
        "no notice of my own acts"
    );

    // Reading up to the star (the older one) leaves the follow unread.
    let read = app
        .post(
            "/api/v1/me/notifications/read",
            alice.access.as_str(),
            json!({"up_to": id(starred)}),
        )
        .await
        .expect(200);
    assert_eq!(read["unread_count"], 1);
    let page = app.get(LIST, alice.access.as_str()).await.expect(200);
    assert_eq!(
        pluck(page["items"].as_array().expect("items"), "/read"),
        [json!(false), json!(true)]
    );

    // An un-star takes carol out; an unfollow removes the follow.
    app.delete(&star, carol.access.as_str()).await.expect(200);
    app.delete("/api/v1/users/alice/follow", bob.access.as_str())
        .await;
    let page = app.get(LIST, alice.access.as_str()).await.expect(200);
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["actor_count"], 1);
    assert_eq!(page["unread_count"], 0);

    // Made private, the comment takes its notification with it.
    app.patch(
        &format!("/api/v1/bookmarks/{}", id(&b)),
        alice.access.as_str(),
        json!({"private": true}),
    )
    .await
    .expect(200);
    let page = app.get(LIST, alice.access.as_str()).await.expect(200);
    assert_eq!(page["items"], json!([]));
    assert!(
        app.counter_mismatches().is_empty(),
        "{:?}",
        app.counter_mismatches()
    );
}
both_backends!(async stars_and_follows_arrive_grouped_and_can_be_read);

async fn notifications_need_a_user_and_check_their_input(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    app.get(LIST, None).await.problem(401);
    app.get(COUNT, None).await.problem(401);
    app.post("/api/v1/me/notifications/read", None, json!({"up_to": 1}))
        .await
        .problem(401);
    app.put("/api/v1/users/alice/follow", bob.access.as_str())
        .await
        .expect(200);
    let mine = app.get(LIST, alice.access.as_str()).await.expect(200);
    let n = id(&mine["items"][0]);
    // Someone else's notification is not found, and stays unread.
    app.post(
        "/api/v1/me/notifications/read",
        bob.access.as_str(),
        json!({"up_to": n}),
    )
    .await
    .problem(404);
    assert_eq!(unread(&app, &alice.access).await, 1);
    app.post(
        "/api/v1/me/notifications/read",
        alice.access.as_str(),
        json!({"up_to": "x"}),
    )
    .await
    .problem(400);
    app.get(&format!("{LIST}?limit=0"), alice.access.as_str())
        .await
        .problem(400);
}
both_backends!(async notifications_need_a_user_and_check_their_input);

async fn the_first_bookmarker_hears_when_a_page_reaches_five(app: TestApp) {
    let url = "https://example.com/first";
    let mut users = Vec::new();
    for i in 0..5 {
        users.push(app.register(&format!("user{i}")).await);
    }
    for u in &users {
        app.bookmark(&u.access, url, json!({})).await;
    }
    let page = app.get(LIST, users[0].access.as_str()).await.expect(200);
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["kind"], "first_bookmark");
    assert_eq!(items[0]["actor_count"], 5);
    assert_eq!(items[0]["actors"], json!([]));
    assert_eq!(items[0]["subject"]["entry"]["url"], url);
    for u in &users[1..] {
        assert_eq!(unread(&app, &u.access).await, 0);
    }
    assert!(app.counter_mismatches().is_empty());
}
both_backends!(async the_first_bookmarker_hears_when_a_page_reaches_five);

async fn unread_counts_stay_exact_under_concurrent_stars_follows_and_reads(app: TestApp) {
    const USERS: usize = 5;
    let mut users = Vec::new();
    for u in 0..USERS {
        users.push(app.register(&format!("user{u}")).await);
    }
    let mut comments = Vec::new();
    for u in &users {
        let b = app
            .bookmark(
                &u.access,
                "https://example.com/busy",
                json!({"comment": "hi"}),
            )
            .await;
        comments.push(id(&b));
    }
    // Each recipient has a notification to point `up_to` at.
    for (u, who) in users.iter().enumerate() {
        let to = &users[(u + 1) % USERS].username;
        app.put(&format!("/api/v1/users/{to}/follow"), who.access.as_str())
            .await
            .expect(200);
    }
    let mut newest = Vec::new();
    for u in &users {
        let page = app.get(LIST, u.access.as_str()).await.expect(200);
        newest.push(id(&page["items"][0]));
    }
    let mut requests = Vec::new();
    for i in 0..120 {
        let (u, v) = (i % USERS, (i / USERS + 1 + i) % USERS);
        let token = users[u].access.as_str();
        let star = format!("/api/v1/comments/{}/star", comments[v]);
        let follow = format!("/api/v1/users/{}/follow", users[v].username);
        requests.push(match (i / USERS) % 5 {
            0 => app.put(&star, token),
            1 => app.delete(&star, token),
            2 => app.put(&follow, token),
            3 => app.delete(&follow, token),
            _ => app.post(
                "/api/v1/me/notifications/read",
                token,
                json!({"up_to": newest[u]}),
            ),
        });
    }
    for res in futures_util::future::join_all(requests).await {
        assert!(
            [200, 204, 404, 422].contains(&res.status.as_u16()),
            "{} {}",
            res.status,
            String::from_utf8_lossy(&res.body)
        );
    }
    let mismatches = app.counter_mismatches();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert_eq!(app.db().retried_writes(), 0, "writes deadlocked");
    for u in &users {
        let page = app.get(LIST, u.access.as_str()).await.expect(200);
        let unread = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|n| n["read"] == false)
            .count();
        assert_eq!(page["unread_count"], unread);
    }
}
both_backends!(async unread_counts_stay_exact_under_concurrent_stars_follows_and_reads);
