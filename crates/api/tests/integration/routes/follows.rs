//! Follows, the followees' feed (JSON and RSS/Atom), my hot entries and an
//! entry's bookmarks, over HTTP on both backends.

use futures_util::future::join_all;

use crate::harness::{both_backends, json, pluck, Pending, TestApp, Value};

async fn following_is_idempotent_and_shows_on_profiles(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let path = "/api/v1/users/bob/follow";
    let first = app.put(path, alice.access.as_str()).await.expect(200);
    assert_eq!(
        first["user"],
        json!({"username": "bob", "display_name": "bob"})
    );
    let again = app
        .put("/api/v1/users/BOB/follow", alice.access.as_str())
        .await
        .expect(200);
    assert_eq!(
        again["followed_at"], first["followed_at"],
        "the first time stays"
    );

    let profile = |viewer: Option<String>| {
        let app = &app;
        async move {
            app.get("/api/v1/users/bob", viewer.as_deref())
                .await
                .expect(200)
        }
    };
    let seen = profile(Some(alice.access.clone())).await;
    assert_eq!(seen["follower_count"], 1);
    assert_eq!(seen["following_count"], 0);
    assert_eq!(seen["followed_by_me"], true);
    let anonymous = profile(None).await;
    assert_eq!(anonymous["follower_count"], 1);
    assert!(anonymous.get("followed_by_me").is_none(), "{anonymous}");
    assert_eq!(
        profile(Some(bob.access.clone())).await["followed_by_me"],
        false
    );
    let me = app
        .get("/api/v1/users/alice", alice.access.as_str())
        .await
        .expect(200);
    assert_eq!(me["following_count"], 1);

    let following = app
        .get("/api/v1/users/alice/following", None)
        .await
        .expect(200);
    assert_eq!(
        pluck(
            following["items"].as_array().expect("items"),
            "/user/username"
        ),
        [json!("bob")]
    );
    assert_eq!(following["items"][0]["followed_at"], first["followed_at"]);
    let followers = app
        .get("/api/v1/users/bob/followers", None)
        .await
        .expect(200);
    assert_eq!(
        pluck(
            followers["items"].as_array().expect("items"),
            "/user/username"
        ),
        [json!("alice")]
    );

    for _ in 0..2 {
        let res = app.delete(path, alice.access.as_str()).await;
        assert_eq!(res.status.as_u16(), 204);
    }
    let after = profile(Some(alice.access.clone())).await;
    assert_eq!(after["follower_count"], 0);
    assert_eq!(after["followed_by_me"], false);
    assert!(app.counter_mismatches().is_empty());
}
both_backends!(async following_is_idempotent_and_shows_on_profiles);

async fn follow_errors_are_problems(app: TestApp) {
    let alice = app.register("alice").await;
    app.register("bob").await;
    let own = app
        .put("/api/v1/users/alice/follow", alice.access.as_str())
        .await
        .problem(422);
    assert_eq!(own["type"], "/problems/unprocessable");
    app.put("/api/v1/users/nobody/follow", alice.access.as_str())
        .await
        .problem(404);
    app.delete("/api/v1/users/nobody/follow", alice.access.as_str())
        .await
        .problem(404);
    app.get("/api/v1/users/nobody/followers", None)
        .await
        .problem(404);
    app.put("/api/v1/users/bob/follow", None).await.problem(401);
    app.delete("/api/v1/users/bob/follow", None)
        .await
        .problem(401);
    let (_, read_only) = app.api_token(&alice.access, "read").await;
    app.put("/api/v1/users/bob/follow", read_only.as_str())
        .await
        .problem(403);
    app.get("/api/v1/me/feed", None).await.problem(401);
    app.get("/api/v1/me/hot", None).await.problem(401);
    app.get("/api/v1/me/feed?cursor=nonsense", alice.access.as_str())
        .await
        .invalid("cursor");
    app.get("/api/v1/me/feed?tag=a%20b", alice.access.as_str())
        .await
        .invalid("tag");
    // A read-only token reads the feed.
    app.get("/api/v1/me/feed", read_only.as_str())
        .await
        .expect(200);
}
both_backends!(async follow_errors_are_problems);

async fn counts_stay_exact_under_200_concurrent_follow_requests(app: TestApp) {
    const USERS: usize = 8;
    let mut users = Vec::new();
    for u in 0..USERS {
        users.push(app.register(&format!("user{u}")).await);
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut requests: Vec<Pending> = Vec::new();
    for i in 0..200 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let u = (seed % USERS as u64) as usize;
        let v = (u + 1 + (seed >> 8) as usize % (USERS - 1)) % USERS;
        let path = format!("/api/v1/users/user{v}/follow");
        let token = users[u].access.as_str();
        requests.push(if i % 3 == 2 {
            app.delete(&path, token)
        } else {
            app.put(&path, token)
        });
    }
    for res in join_all(requests).await {
        assert!(
            [200, 204].contains(&res.status.as_u16()),
            "{}: {}",
            res.status,
            String::from_utf8_lossy(&res.body)
        );
    }
    let mismatches = app.counter_mismatches();
    assert!(mismatches.is_empty(), "counters drifted: {mismatches:#?}");
    assert_eq!(app.db().retried_writes(), 0, "follows deadlocked");
    // Profiles agree with the lists.
    for u in 0..USERS {
        let name = format!("user{u}");
        let p = app
            .get(&format!("/api/v1/users/{name}"), None)
            .await
            .expect(200);
        let following = app
            .walk(&format!("/api/v1/users/{name}/following?limit=3"), None)
            .await;
        let followers = app
            .walk(&format!("/api/v1/users/{name}/followers?limit=3"), None)
            .await;
        assert_eq!(p["following_count"], following.len());
        assert_eq!(p["follower_count"], followers.len());
    }
}
both_backends!(async counts_stay_exact_under_200_concurrent_follow_requests);

async fn the_feed_shows_followees_public_bookmarks_newest_first(app: TestApp) {
    let me = app.register("viewer").await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let stranger = app.register("stranger").await;
    for name in ["alice", "bob"] {
        app.put(&format!("/api/v1/users/{name}/follow"), me.access.as_str())
            .await
            .expect(200);
    }
    let mut expected = Vec::new();
    for k in 0..5 {
        for (who, token) in [("alice", &alice.access), ("bob", &bob.access)] {
            let tags = if k % 2 == 0 {
                json!(["rust"])
            } else {
                json!(["go"])
            };
            let b = app
                .bookmark(
                    token,
                    &format!("https://{who}.example/{k}"),
                    json!({"comment": format!("{who} {k}"), "tags": tags}),
                )
                .await;
            expected.push(b);
        }
    }
    app.bookmark(
        &alice.access,
        "https://alice.example/secret",
        json!({"private": true, "tags": ["rust"]}),
    )
    .await;
    app.bookmark(
        &stranger.access,
        "https://stranger.example/",
        json!({"tags": ["rust"]}),
    )
    .await;
    expected.reverse();
    let feed = app.walk("/api/v1/me/feed?limit=3", Some(&me.access)).await;
    assert_eq!(pluck(&feed, "/id"), pluck(&expected, "/id"));
    assert!(feed
        .iter()
        .all(|b| b["private"] == false && b.get("note").is_none()));
    assert_eq!(feed[0]["entry"]["url"], "https://bob.example/4");
    assert_eq!(feed[0]["user"]["username"], "bob");
    let rust = app
        .walk("/api/v1/me/feed?tag=Rust&limit=2", Some(&me.access))
        .await;
    let want: Vec<&Value> = expected
        .iter()
        .filter(|b| b["tags"] == json!(["rust"]))
        .collect();
    assert_eq!(rust.len(), want.len());
    assert_eq!(
        pluck(&rust, "/id"),
        want.iter().map(|b| b["id"].clone()).collect::<Vec<_>>()
    );

    // The same, public, as a feed of what `me` follows.
    let res = app.get("/viewer/feed.rss", None).await;
    assert_eq!(res.status.as_u16(), 200);
    let channel = rss::Channel::read_from(&res.body[..]).expect("valid RSS");
    assert_eq!(channel.items().len(), expected.len());
    assert_eq!(channel.items()[0].link(), Some("https://bob.example/4"));
    assert!(!String::from_utf8_lossy(&res.body).contains("secret"));
    let res = app.get("/viewer/feed.atom", None).await;
    let atom = atom_syndication::Feed::read_from(&res.body[..]).expect("valid Atom");
    assert_eq!(atom.entries().len(), expected.len());
    app.get("/nobody/feed.rss", None).await.problem(404);
}
both_backends!(async the_feed_shows_followees_public_bookmarks_newest_first);

async fn my_hot_entries_rank_by_followees_with_reasons(app: TestApp) {
    let me = app.register("viewer").await;
    let mut fs = Vec::new();
    for i in 0..7 {
        let f = app.register(&format!("fol{i}")).await;
        app.put(&format!("/api/v1/users/fol{i}/follow"), me.access.as_str())
            .await
            .expect(200);
        fs.push(f);
    }
    for f in &fs {
        app.bookmark(&f.access, "https://many.example/", json!({}))
            .await;
    }
    for f in &fs[..2] {
        app.bookmark(&f.access, "https://two.example/", json!({}))
            .await;
    }
    app.bookmark(&fs[3].access, "https://one.example/", json!({}))
        .await;
    app.bookmark(
        &fs[4].access,
        "https://hidden.example/",
        json!({"private": true}),
    )
    .await;
    app.recompute_hot();
    let items = app.walk("/api/v1/me/hot?limit=2", Some(&me.access)).await;
    assert_eq!(
        pluck(&items, "/entry/url"),
        [
            json!("https://many.example/"),
            json!("https://two.example/"),
            json!("https://one.example/")
        ]
    );
    assert_eq!(
        pluck(&items, "/followee_count"),
        [json!(7), json!(2), json!(1)]
    );
    assert_eq!(
        pluck(
            items[0]["followees"].as_array().expect("followees"),
            "/username"
        ),
        [
            json!("fol6"),
            json!("fol5"),
            json!("fol4"),
            json!("fol3"),
            json!("fol2")
        ],
        "the 5 most recent"
    );
    assert_eq!(
        items[2]["followees"],
        json!([{"username": "fol3", "display_name": "fol3"}])
    );
}
both_backends!(async my_hot_entries_rank_by_followees_with_reasons);

async fn entry_bookmarks_list_everyone_or_followees(app: TestApp) {
    let me = app.register("viewer").await;
    let url = "https://story.example/";
    let mut public = Vec::new();
    for (i, name) in ["ann", "ben", "cat", "dan"].iter().enumerate() {
        let u = app.register(name).await;
        let comment = if i % 2 == 0 { "said something" } else { "" };
        public.push(
            app.bookmark(&u.access, url, json!({"comment": comment, "tags": ["t"]}))
                .await,
        );
    }
    let hidden = app.register("hidden").await;
    app.bookmark(&hidden.access, url, json!({"private": true}))
        .await;
    let entry = public[0]["entry"]["id"].as_i64().expect("entry id");
    let all = app
        .walk(&format!("/api/v1/entries/{entry}/bookmarks?limit=3"), None)
        .await;
    assert_eq!(
        pluck(&all, "/user/username"),
        [json!("dan"), json!("cat"), json!("ben"), json!("ann")]
    );
    assert_eq!(
        all[0],
        json!({
            "id": public[3]["id"],
            "user": {"username": "dan", "display_name": "dan"},
            "comment": "",
            "tags": ["t"],
            "created_at": public[3]["created_at"],
        })
    );
    for name in ["ben", "cat", "hidden"] {
        app.put(&format!("/api/v1/users/{name}/follow"), me.access.as_str())
            .await
            .expect(200);
    }
    let path = format!("/api/v1/entries/{entry}/bookmarks?filter=following&limit=1");
    let mine = app.walk(&path, Some(&me.access)).await;
    assert_eq!(pluck(&mine, "/user/username"), [json!("cat"), json!("ben")]);
    app.get(&path, None).await.problem(401);
    app.get("/api/v1/entries/999999/bookmarks", None)
        .await
        .problem(404);
    app.get(
        &format!("/api/v1/entries/{entry}/bookmarks?filter=nope"),
        None,
    )
    .await
    .problem(400);
}
both_backends!(async entry_bookmarks_list_everyone_or_followees);

async fn cached_feeds_and_counts_follow_every_change(app: TestApp) {
    let me = app.register("mina").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let token = me.access.as_str();
    app.put("/api/v1/users/bob/follow", token).await.expect(200);
    app.bookmark(&bob.access, "https://e.example/1", json!({}))
        .await;
    let urls = |page: Value| -> Vec<Value> {
        pluck(page["items"].as_array().expect("items"), "/entry/url")
    };
    assert_eq!(
        urls(app.get("/api/v1/me/feed", token).await.expect(200)),
        [json!("https://e.example/1")]
    );
    // A followee's new bookmark, and a new followee's, show at once.
    app.bookmark(&bob.access, "https://e.example/2", json!({}))
        .await;
    assert_eq!(
        urls(app.get("/api/v1/me/feed", token).await.expect(200)).len(),
        2
    );
    app.bookmark(&carol.access, "https://e.example/3", json!({}))
        .await;
    app.put("/api/v1/users/carol/follow", token)
        .await
        .expect(200);
    assert_eq!(
        urls(app.get("/api/v1/me/feed", token).await.expect(200)).len(),
        3
    );
    // A bookmark made private leaves.
    let b = app
        .bookmark(
            &carol.access,
            "https://e.example/3",
            json!({"private": true}),
        )
        .await;
    assert_eq!(b["private"], true, "{b}");
    assert_eq!(
        urls(app.get("/api/v1/me/feed", token).await.expect(200)).len(),
        2
    );
    // The unread count moves with each notification and read marking.
    async fn unread(app: &TestApp, token: &str) -> Value {
        app.get("/api/v1/me/notifications/unread-count", token)
            .await
            .expect(200)["unread_count"]
            .clone()
    }
    assert_eq!(
        unread(&app, &bob.access).await,
        json!(1),
        "mina followed bob"
    );
    app.put("/api/v1/users/bob/follow", carol.access.as_str())
        .await
        .expect(200);
    assert_eq!(
        unread(&app, &bob.access).await,
        json!(1),
        "grouped with mina's follow"
    );
    let list = app
        .get("/api/v1/me/notifications", bob.access.as_str())
        .await
        .expect(200);
    let newest = list["items"][0]["id"].clone();
    app.post(
        "/api/v1/me/notifications/read",
        bob.access.as_str(),
        json!({"up_to": newest}),
    )
    .await
    .expect(200);
    assert_eq!(unread(&app, &bob.access).await, json!(0));
}
both_backends!(async cached_feeds_and_counts_follow_every_change);
