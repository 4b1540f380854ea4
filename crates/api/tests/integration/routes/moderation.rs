//! Reports, the admin queue and every moderation action, with its effect
//! on each list, feed, search and sign-in path, and on cached answers.

use bukuma_domain::Role;

use crate::harness::{both_backends, id, json, text, TestApp, User, Value, PASSWORD};

/// Registers `name` and makes them an admin (as `bukuma user create --admin` does).
async fn admin(app: &TestApp, name: &str) -> User {
    let user = app.register(name).await;
    let n = name.to_owned();
    app.db()
        .write(move |c| {
            let u = bukuma_db::users::find_by_name(c, &n)?.ok_or(bukuma_db::DbError::NotFound)?;
            bukuma_db::users::set_role(c, u.id, Role::Admin)
        })
        .expect("make admin");
    user
}

fn target(kind: &str, id: Value) -> Value {
    json!({"target": {"kind": kind, "id": id}, "reason": "spam"})
}

/// Files a report and returns the id of the case it is in.
async fn report_case(app: &TestApp, reporter: &User, kind: &str, id: Value) -> i64 {
    let r = app
        .post(
            "/api/v1/reports",
            reporter.access.as_str(),
            target(kind, id),
        )
        .await;
    assert!(
        r.status.as_u16() == 201 || r.status.as_u16() == 200,
        "{:?}",
        r
    );
    let queue = app
        .get(
            "/api/v1/admin/reports?status=open",
            app_admin_token(app).await.as_str(),
        )
        .await
        .expect(200);
    let want = r.json()["target"].clone();
    queue["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["target"] == want)
        .map(|c| c["id"].as_i64().expect("case id"))
        .expect("the reported target is in the queue")
}

/// The token of the admin `root`, signed in afresh.
async fn app_admin_token(app: &TestApp) -> String {
    app.login("root").await.access
}

async fn resolve(app: &TestApp, case: i64, action: &str) -> Value {
    let token = app_admin_token(app).await;
    app.post(
        &format!("/api/v1/admin/reports/{case}/resolve"),
        token.as_str(),
        json!({"action": action, "note": format!("{action} it")}),
    )
    .await
    .expect(200)
}

/// Whether `needle` is anywhere in the answer to GET `path` (not when it
/// is a 404, or a 401 for a list of one's own asked anonymously).
async fn shows(app: &TestApp, path: &str, viewer: Option<&str>, needle: &str) -> bool {
    let r = app.get(path, viewer).await;
    assert!(
        matches!(r.status.as_u16(), 200 | 401 | 404),
        "GET {path}: {} {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    r.status.as_u16() == 200 && String::from_utf8_lossy(&r.body).contains(needle)
}

async fn reports_are_created_once_and_checked(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let b = app
        .bookmark(
            &alice.access,
            "https://e.com/a",
            json!({"comment": "buy pills"}),
        )
        .await;
    let first = app
        .post(
            "/api/v1/reports",
            bob.access.as_str(),
            target("comment", json!(id(&b))),
        )
        .await
        .expect(201);
    assert_eq!(first["target"], json!({"kind": "comment", "id": id(&b)}));
    assert_eq!(first["status"], "open");
    let again = app
        .post(
            "/api/v1/reports",
            bob.access.as_str(),
            target("comment", json!(id(&b))),
        )
        .await
        .expect(200);
    assert_eq!(id(&again), id(&first));
    // Users by name or id, entries by id.
    let by_name = app
        .post(
            "/api/v1/reports",
            bob.access.as_str(),
            target("user", json!("Alice")),
        )
        .await
        .expect(201);
    let user_id = by_name["target"]["id"].as_i64().expect("user id");
    let by_id = app
        .post(
            "/api/v1/reports",
            bob.access.as_str(),
            target("user", json!(user_id)),
        )
        .await
        .expect(200);
    assert_eq!(id(&by_id), id(&by_name));
    app.post(
        "/api/v1/reports",
        bob.access.as_str(),
        target("entry", b["entry"]["id"].clone()),
    )
    .await
    .expect(201);
    // Unknown targets, bad input, anonymous callers.
    for (kind, target_id) in [
        ("comment", json!(999_999)),
        ("entry", json!(999_999)),
        ("user", json!("nobody")),
    ] {
        app.post(
            "/api/v1/reports",
            bob.access.as_str(),
            target(kind, target_id),
        )
        .await
        .problem(404);
    }
    app.post(
        "/api/v1/reports",
        bob.access.as_str(),
        json!({"target": {"kind": "comment", "id": id(&b)}, "reason": "spam", "note": "x".repeat(1001)}),
    )
    .await
    .invalid("note");
    app.post(
        "/api/v1/reports",
        bob.access.as_str(),
        json!({"target": {"kind": "comment", "id": id(&b)}, "reason": "rude"}),
    )
    .await
    .problem(400);
    app.post(
        "/api/v1/reports",
        bob.access.as_str(),
        target("comment", json!("abc")),
    )
    .await
    .invalid("target.id");
    app.post("/api/v1/reports", None, target("comment", json!(id(&b))))
        .await
        .problem(401);
}
both_backends!(async reports_are_created_once_and_checked);

async fn twenty_reports_an_hour_then_429_with_retry_after(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let mut ids = Vec::new();
    for i in 0..21 {
        let b = app
            .bookmark(
                &alice.access,
                &format!("https://e.com/{i}"),
                json!({"comment": "hi"}),
            )
            .await;
        ids.push(id(&b));
    }
    for b in &ids[..20] {
        app.post(
            "/api/v1/reports",
            bob.access.as_str(),
            target("comment", json!(b)),
        )
        .await
        .expect(201);
    }
    let limited = app
        .post(
            "/api/v1/reports",
            bob.access.as_str(),
            target("comment", json!(ids[20])),
        )
        .await;
    let body = limited.problem(429);
    assert_eq!(body["type"], "/problems/rate-limited");
    let wait: u64 = limited
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((3500..=3600).contains(&wait), "{wait}");
    // Someone else may still report.
    let carol = app.register("carol").await;
    app.post(
        "/api/v1/reports",
        carol.access.as_str(),
        target("comment", json!(ids[20])),
    )
    .await
    .expect(201);
}
both_backends!(async twenty_reports_an_hour_then_429_with_retry_after);

async fn admin_routes_are_refused_to_others(app: TestApp) {
    let bob = app.register("bob").await;
    let root = admin(&app, "root").await;
    let gets = ["/api/v1/admin/reports", "/api/v1/admin/moderation-log"];
    let posts = [
        "/api/v1/admin/reports/1/resolve",
        "/api/v1/admin/users/bob/unsuspend",
        "/api/v1/admin/comments/1/unhide",
    ];
    for path in gets {
        app.get(path, None).await.problem(401);
        app.get(path, bob.access.as_str()).await.problem(403);
        app.get(path, root.access.as_str()).await.expect(200);
    }
    for path in posts {
        let body = if path.ends_with("resolve") {
            json!({"action": "dismiss"})
        } else {
            json!({})
        };
        app.post(path, None, body.clone()).await.problem(401);
        app.post(path, bob.access.as_str(), body).await.problem(403);
    }
    app.post(
        "/api/v1/admin/reports/999/resolve",
        root.access.as_str(),
        json!({"action": "dismiss"}),
    )
    .await
    .problem(404);
    app.post(
        "/api/v1/admin/users/bob/unsuspend",
        root.access.as_str(),
        json!({}),
    )
    .await
    .problem(409);
}
both_backends!(async admin_routes_are_refused_to_others);

async fn a_hidden_comment_leaves_every_list_but_its_authors(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    admin(&app, "root").await;
    let url = "https://e.com/spammy";
    let b = app
        .bookmark(
            &alice.access,
            url,
            json!({"comment": "zzspamword", "tags": ["deals"]}),
        )
        .await;
    app.bookmark(&bob.access, url, json!({"comment": "fine"}))
        .await;
    let (bid, eid) = (id(&b), b["entry"]["id"].as_i64().expect("entry id"));
    let comments = format!("/api/v1/entries/{eid}/comments");
    let lists = [
        comments.clone(),
        format!("{comments}?sort=popular"),
        "/api/v1/users/alice/bookmarks".to_owned(),
        "/api/v1/users/alice/bookmarks?tag=deals".to_owned(),
        format!("/api/v1/bookmarks/{bid}"),
        "/alice/bookmarks.rss".to_owned(),
        "/api/v1/search?q=zzspamword".to_owned(),
        "/api/v1/search?q=zzspamword&scope=mine".to_owned(),
    ];
    app.index_now();
    // Everyone sees it, and the read cache keeps these answers.
    for path in &lists[..6] {
        assert!(shows(&app, path, None, "zzspamword").await, "{path} before");
    }
    assert!(
        shows(&app, &lists[6], None, "spammy").await,
        "search finds the entry by the comment"
    );
    let case = report_case(&app, &bob, "comment", json!(bid)).await;
    let resolved = resolve(&app, case, "hide_comment").await;
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["subject"]["comment"]["hidden"], true);
    app.index_now();
    for viewer in [None, Some(bob.access.as_str())] {
        for path in &lists {
            let needle = if path.contains("search") {
                "spammy"
            } else {
                "zzspamword"
            };
            assert!(
                !shows(&app, path, viewer, needle).await,
                "{path} after, {viewer:?}"
            );
        }
    }
    // The other comment stays; the author sees hers, marked hidden.
    assert!(shows(&app, &comments, None, "fine").await);
    let own = app
        .get(&format!("/api/v1/bookmarks/{bid}"), alice.access.as_str())
        .await
        .expect(200);
    assert_eq!(own["hidden"], true);
    let mine = app.all_bookmarks("alice", "", Some(&alice.access)).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["hidden"], true);
    assert!(
        shows(&app, &lists[7], Some(&alice.access), "spammy").await,
        "the author still finds it"
    );
    // Hidden comments cannot be starred.
    app.put(&format!("/api/v1/comments/{bid}/star"), bob.access.as_str())
        .await
        .problem(404);
    // Unhiding brings it back everywhere.
    let root = app_admin_token(&app).await;
    app.post(
        &format!("/api/v1/admin/comments/{bid}/unhide"),
        root.as_str(),
        json!({"note": "ok"}),
    )
    .await
    .expect(204);
    app.post(
        &format!("/api/v1/admin/comments/{bid}/unhide"),
        root.as_str(),
        json!({}),
    )
    .await
    .problem(409);
    app.index_now();
    for path in &lists[..6] {
        assert!(
            shows(&app, path, None, "zzspamword").await,
            "{path} after unhiding"
        );
    }
    assert!(
        shows(&app, &lists[6], None, "spammy").await,
        "search after unhiding"
    );
}
both_backends!(async a_hidden_comment_leaves_every_list_but_its_authors);

async fn a_hidden_entry_leaves_the_lists_feeds_and_search(app: TestApp) {
    let users = [
        app.register("alice").await,
        app.register("bob").await,
        app.register("carol").await,
    ];
    admin(&app, "root").await;
    let url = "https://bad.example/page";
    let mut eid = 0;
    for u in &users {
        let b = app
            .bookmark(
                &u.access,
                url,
                json!({"comment": "zzbadpage", "tags": ["zztag"], "title": "zzbadtitle"}),
            )
            .await;
        eid = b["entry"]["id"].as_i64().expect("entry id");
    }
    app.recompute_hot();
    app.index_now();
    let paths = [
        "/api/v1/entries/hot".to_owned(),
        "/api/v1/entries/new".to_owned(),
        "/api/v1/sites/bad.example/entries".to_owned(),
        "/api/v1/sites/bad.example/entries?sort=hot".to_owned(),
        "/api/v1/tags/zztag/entries".to_owned(),
        format!("/api/v1/entries/{eid}"),
        format!("/api/v1/entries/{eid}/comments"),
        format!("/api/v1/entries/lookup?url={}", crate::harness::enc(url)),
        "/hot.rss".to_owned(),
        "/new.atom".to_owned(),
        "/t/zztag.rss".to_owned(),
        "/site/bad.example.rss".to_owned(),
        "/api/v1/users/alice/bookmarks".to_owned(),
        "/api/v1/search?q=zzbadtitle".to_owned(),
    ];
    for path in &paths {
        assert!(shows(&app, path, None, "zzbad").await, "{path} before");
    }
    let case = report_case(&app, &users[1], "entry", json!(eid)).await;
    resolve(&app, case, "hide_entry").await;
    app.recompute_hot();
    app.index_now();
    for path in &paths {
        assert!(!shows(&app, path, None, "zzbad").await, "{path} after");
    }
    let counts = app
        .get(
            &format!("/api/v1/entries/counts?url={}", crate::harness::enc(url)),
            None,
        )
        .await
        .expect(200);
    assert_eq!(counts[url], 0);
}
both_backends!(async a_hidden_entry_leaves_the_lists_feeds_and_search);

async fn a_suspended_user_is_signed_out_everywhere_until_unsuspended(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let root = admin(&app, "root").await;
    let (_, secret) = app.api_token(&alice.access, "write").await;
    let b = app
        .bookmark(
            &alice.access,
            "https://e.com/x",
            json!({"comment": "zzsuspect"}),
        )
        .await;
    app.bookmark(
        &bob.access,
        "https://e.com/x",
        json!({"comment": "bob here"}),
    )
    .await;
    let eid = b["entry"]["id"].as_i64().expect("entry id");
    let comments = format!("/api/v1/entries/{eid}/comments");
    app.index_now();
    assert!(shows(&app, &comments, None, "zzsuspect").await);
    assert!(shows(&app, "/api/v1/users/alice", None, "alice").await);
    assert!(shows(&app, "/api/v1/search?q=zzsuspect", None, "e.com/x").await);
    // Reported as a comment, resolved by suspending its author.
    let case = report_case(&app, &bob, "comment", json!(id(&b))).await;
    let resolved = resolve(&app, case, "suspend_user").await;
    assert_eq!(resolved["subject"]["user"]["suspended"], true);
    app.index_now();
    let suspended = |r: &crate::harness::Resp| {
        let p = r.problem(401);
        assert_eq!(p["type"], "/problems/suspended", "{p}");
    };
    suspended(&app.get("/api/v1/me", alice.access.as_str()).await);
    suspended(&app.get("/api/v1/me", secret.as_str()).await);
    suspended(
        &app.post(
            "/api/v1/auth/login",
            None,
            json!({"username": "alice", "password": PASSWORD}),
        )
        .await,
    );
    suspended(
        &app.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": alice.refresh}),
        )
        .await,
    );
    let pinboard = app
        .get(
            &format!("/api/pinboard/v1/posts/recent?format=json&auth_token=alice:{secret}"),
            None,
        )
        .await;
    assert_eq!(pinboard.status.as_u16(), 401);
    // Her comments, pages and feed are gone; bob's comment stays.
    for path in [
        comments.as_str(),
        "/api/v1/users/alice",
        "/api/v1/users/alice/bookmarks",
        "/api/v1/users/alice/tags",
        "/alice/bookmarks.atom",
    ] {
        assert!(
            !shows(&app, path, None, "zzsuspect").await
                && !shows(&app, path, None, "\"alice\"").await,
            "{path}"
        );
    }
    assert!(shows(&app, &comments, None, "bob here").await);
    assert!(!shows(&app, "/api/v1/search?q=zzsuspect", None, "e.com/x").await);
    // Unsuspended: everything works again.
    app.post(
        "/api/v1/admin/users/alice/unsuspend",
        root.access.as_str(),
        json!({"note": "appeal"}),
    )
    .await
    .expect(204);
    app.index_now();
    app.get("/api/v1/me", alice.access.as_str())
        .await
        .expect(200);
    app.get("/api/v1/me", secret.as_str()).await.expect(200);
    app.login("alice").await;
    assert!(shows(&app, &comments, None, "zzsuspect").await);
    assert!(shows(&app, "/api/v1/search?q=zzsuspect", None, "e.com/x").await);
    // The log has both actions, newest first, with who and why.
    let log = app
        .get("/api/v1/admin/moderation-log?limit=1", root.access.as_str())
        .await
        .expect(200);
    assert_eq!(log["items"][0]["action"], "unsuspend_user");
    assert_eq!(log["items"][0]["actor"]["username"], "root");
    assert_eq!(log["items"][0]["note"], "appeal");
    let next = text(&log["next_cursor"]);
    let rest = app
        .get(
            &format!("/api/v1/admin/moderation-log?cursor={next}"),
            root.access.as_str(),
        )
        .await
        .expect(200);
    assert_eq!(rest["items"][0]["action"], "suspend_user");
    assert_eq!(rest["items"][0]["target"]["kind"], "user");
    // A user target is named, so the log can unsuspend them by name.
    assert_eq!(
        rest["items"][0]["user"],
        json!({"username": "alice", "display_name": "alice"})
    );
    assert_eq!(rest["items"][0]["case_id"], case);
}
both_backends!(async a_suspended_user_is_signed_out_everywhere_until_unsuspended);

async fn the_queue_groups_reports_and_resolution_closes_them(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let root = admin(&app, "root").await;
    let b = app
        .bookmark(&alice.access, "https://e.com/q", json!({"comment": "hm"}))
        .await;
    for u in [&bob, &carol] {
        app.post(
            "/api/v1/reports",
            u.access.as_str(),
            target("comment", json!(id(&b))),
        )
        .await
        .expect(201);
    }
    app.post(
        "/api/v1/reports",
        bob.access.as_str(),
        target("user", json!("alice")),
    )
    .await
    .expect(201);
    let open = app
        .get("/api/v1/admin/reports", root.access.as_str())
        .await
        .expect(200);
    let items = open["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "one item per target: {open}");
    assert_eq!(items[0]["target"]["kind"], "user", "newest first");
    assert_eq!(items[1]["report_count"], 2);
    assert_eq!(items[1]["recent_reports"].as_array().map(Vec::len), Some(2));
    assert_eq!(items[1]["subject"]["comment"]["comment"], "hm");
    let page = app
        .get("/api/v1/admin/reports?limit=1", root.access.as_str())
        .await
        .expect(200);
    let next = text(&page["next_cursor"]);
    let second = app
        .get(
            &format!("/api/v1/admin/reports?limit=1&cursor={next}"),
            root.access.as_str(),
        )
        .await
        .expect(200);
    assert_eq!(second["items"][0]["id"], items[1]["id"]);
    let case = items[1]["id"].as_i64().expect("id");
    // An action that does not fit the target is a validation error.
    app.post(
        &format!("/api/v1/admin/reports/{}/resolve", items[0]["id"]),
        root.access.as_str(),
        json!({"action": "hide_comment"}),
    )
    .await
    .invalid("action");
    resolve(&app, case, "dismiss").await;
    app.post(
        &format!("/api/v1/admin/reports/{case}/resolve"),
        root.access.as_str(),
        json!({"action": "dismiss"}),
    )
    .await
    .problem(409);
    let resolved = app
        .get(
            "/api/v1/admin/reports?status=resolved",
            root.access.as_str(),
        )
        .await
        .expect(200);
    assert_eq!(resolved["items"][0]["resolution"], "dismiss");
    assert_eq!(resolved["items"][0]["open_count"], 0);
    // The reporter's report reads as resolved now; a new reporter reopens the case.
    let mine = app
        .post(
            "/api/v1/reports",
            bob.access.as_str(),
            target("comment", json!(id(&b))),
        )
        .await
        .expect(200);
    assert_eq!(mine["status"], "resolved");
    let dave = app.register("dave").await;
    app.post(
        "/api/v1/reports",
        dave.access.as_str(),
        target("comment", json!(id(&b))),
    )
    .await
    .expect(201);
    let open = app
        .get("/api/v1/admin/reports", root.access.as_str())
        .await
        .expect(200);
    let reopened = open["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["id"] == case)
        .cloned();
    let reopened = reopened.expect("the case is open again");
    assert_eq!(
        (
            reopened["open_count"].clone(),
            reopened["report_count"].clone()
        ),
        (json!(1), json!(3))
    );
}
both_backends!(async the_queue_groups_reports_and_resolution_closes_them);
