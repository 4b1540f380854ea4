//! Entry categories over HTTP: the entry shape, the per-category lists and
//! feeds, suggestions, admins' choices, history and retraining. A keyword
//! model stands in for the trained classifier, so each entry's category is
//! known in advance.

use std::collections::HashMap;
use std::sync::Arc;

use bukuma_api::categorizer::{self, CategoryModel, Trainer};
use bukuma_categories::Document;
use bukuma_domain::{Category, Role};

use crate::harness::{both_backends, id, json, text, Backend, TestApp, User, Value};

/// "rust" → it, "game" → game, anything else → life; read from the title,
/// summary and tags.
struct Keywords;

impl CategoryModel for Keywords {
    fn classify(&self, doc: &Document) -> Category {
        let text = format!("{} {} {}", doc.title, doc.summary, doc.tags.join(" ")).to_lowercase();
        if text.contains("rust") {
            Category::It
        } else if text.contains("game") {
            Category::Game
        } else {
            Category::Life
        }
    }
}

/// [`Keywords`], except for the titles of the corrections it was trained on.
struct Learned(HashMap<String, Category>);

impl CategoryModel for Learned {
    fn classify(&self, doc: &Document) -> Category {
        self.0
            .get(&doc.title)
            .copied()
            .unwrap_or_else(|| Keywords.classify(doc))
    }
}

fn learner() -> Trainer {
    Arc::new(|extra: &[(Document, Category)]| {
        Arc::new(Learned(
            extra.iter().map(|(d, c)| (d.title.clone(), *c)).collect(),
        )) as Arc<dyn CategoryModel>
    })
}

/// The app with the keyword model, listing entries at their first public
/// bookmark.
async fn app(backend: Backend, hot_cache_ms: u64) -> TestApp {
    let app = TestApp::configured(backend, |c| {
        c.new_entry_threshold = 1;
        c.hot_cache_ms = hot_cache_ms;
    })
    .await;
    app.state
        .categories
        .use_model(Arc::new(Keywords), learner());
    app
}

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

/// Bookmarks `url` titled `title` as `user`; returns the entry id.
async fn entry(app: &TestApp, user: &User, url: &str, title: &str) -> i64 {
    let b = app
        .bookmark(&user.access, url, json!({"title": title}))
        .await;
    id(&b["entry"])
}

fn urls(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| text(&e["url"]))
        .collect()
}

async fn entries_show_their_category_wherever_they_are_returned(backend: Backend) {
    let app = app(backend, 0).await;
    let alice = app.register("alice").await;
    let rust = entry(&app, &alice, "https://a.example/rust", "Rust in 2026").await;
    let game = entry(&app, &alice, "https://a.example/game", "A game review").await;
    let got = app
        .get(&format!("/api/v1/entries/{rust}"), None)
        .await
        .expect(200);
    assert_eq!(got["category"], Value::Null, "classified in the background");
    assert_eq!(app.categorize_now(), 2);
    let got = app
        .get(&format!("/api/v1/entries/{rust}"), None)
        .await
        .expect(200);
    assert_eq!(
        got["category"],
        json!({"slug": "it", "name_ja": "テクノロジー", "name_en": "Technology", "source": "auto"})
    );
    let mine = app.all_bookmarks("alice", "", None).await;
    let slugs: Vec<&Value> = mine
        .iter()
        .map(|b| &b["entry"]["category"]["slug"])
        .collect();
    assert_eq!(slugs, [&json!("game"), &json!("it")]);
    app.recompute_hot();
    for list in ["hot", "new"] {
        let all = app
            .get(&format!("/api/v1/entries/{list}"), None)
            .await
            .expect(200);
        assert_eq!(urls(&all).len(), 2, "{list} without a category shows all");
        let it = app
            .get(&format!("/api/v1/entries/{list}?category=it"), None)
            .await
            .expect(200);
        assert_eq!(urls(&it), ["https://a.example/rust"], "{list}");
        assert_eq!(it["items"][0]["category"]["slug"], "it");
        let g = app
            .get(&format!("/api/v1/entries/{list}?category=game"), None)
            .await
            .expect(200);
        assert_eq!(urls(&g), ["https://a.example/game"], "{list}");
        let none = app
            .get(&format!("/api/v1/entries/{list}?category=economics"), None)
            .await
            .expect(200);
        assert!(urls(&none).is_empty(), "{list}");
    }
    let _ = game;
}
both_backends!(async entries_show_their_category_wherever_they_are_returned);

async fn the_eight_categories_are_listed_in_order(app: TestApp) {
    let body = app.get("/api/v1/categories", None).await.expect(200);
    let slugs: Vec<String> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| text(&c["slug"]))
        .collect();
    assert_eq!(
        slugs,
        [
            "social",
            "economics",
            "life",
            "knowledge",
            "it",
            "fun",
            "entertainment",
            "game"
        ]
    );
    assert_eq!(body["items"][0]["name_ja"], "世の中");
    assert_eq!(body["items"][7]["name_en"], "Anime & Games");
}
both_backends!(async the_eight_categories_are_listed_in_order);

async fn unknown_categories_are_refused_naming_the_field(backend: Backend) {
    let app = app(backend, 0).await;
    let alice = app.register("alice").await;
    let e = entry(&app, &alice, "https://a.example/", "Page").await;
    for path in [
        "/api/v1/entries/hot?category=nope",
        "/api/v1/entries/new?category=all",
        "/api/v1/entries/hot?category=IT",
    ] {
        app.get(path, None).await.invalid("category");
    }
    for body in [json!({"slug": "nope"}), json!({"slug": ""})] {
        app.post(
            &format!("/api/v1/entries/{e}/category"),
            alice.access.as_str(),
            body,
        )
        .await
        .invalid("slug");
    }
    app.post(
        &format!("/api/v1/entries/{e}/category"),
        alice.access.as_str(),
        json!({}),
    )
    .await
    .problem(400);
    app.post(
        "/api/v1/entries/999999/category",
        alice.access.as_str(),
        json!({"slug": "fun"}),
    )
    .await
    .problem(404);
    app.get("/api/v1/entries/999999/category-history", None)
        .await
        .problem(404);
    for feed in ["/hot/nope.rss", "/new/nope.atom"] {
        app.get(feed, None).await.problem(404);
    }
}
both_backends!(async unknown_categories_are_refused_naming_the_field);

async fn three_agreeing_suggestions_move_an_entry(backend: Backend) {
    let app = app(backend, 60_000).await;
    let users = [
        app.register("usr1").await,
        app.register("usr2").await,
        app.register("usr3").await,
    ];
    let e = entry(&app, &users[0], "https://a.example/rust", "Rust tips").await;
    app.categorize_now();
    app.recompute_hot();
    let path = format!("/api/v1/entries/{e}/category");
    app.post(&path, None, json!({"slug": "game"}))
        .await
        .problem(401);
    let (_, read_only) = app.api_token(&users[0].access, "read").await;
    app.post(&path, read_only.as_str(), json!({"slug": "game"}))
        .await
        .problem(403);
    // The cached first page of the `it` hot list.
    let it = app
        .get("/api/v1/entries/hot?category=it", None)
        .await
        .expect(200);
    assert_eq!(urls(&it).len(), 1);
    for (i, u) in users.iter().enumerate() {
        let r = app
            .post(&path, u.access.as_str(), json!({"slug": "game"}))
            .await
            .expect(200);
        assert_eq!(r["suggested"], "game");
        assert_eq!(r["agreeing"], i as i64 + 1);
        let moved = i == 2;
        assert_eq!(r["moved"], moved, "{r}");
        let expected = if moved {
            ("game", "user")
        } else {
            ("it", "auto")
        };
        assert_eq!(
            (
                r["category"]["slug"].clone(),
                r["category"]["source"].clone()
            ),
            (json!(expected.0), json!(expected.1))
        );
    }
    let got = app
        .get(&format!("/api/v1/entries/{e}"), None)
        .await
        .expect(200);
    assert_eq!(got["category"]["slug"], "game");
    assert_eq!(got["category"]["source"], "user");
    let it = app
        .get("/api/v1/entries/hot?category=it", None)
        .await
        .expect(200);
    assert!(
        urls(&it).is_empty(),
        "the move shows in the cached hot lists at once"
    );
    let game = app
        .get("/api/v1/entries/hot?category=game", None)
        .await
        .expect(200);
    assert_eq!(urls(&game).len(), 1);
    // The classifier no longer overrides the users.
    app.db()
        .write(move |c| {
            bukuma_db::entries::record_fetch_success(
                c,
                bukuma_domain::EntryId(e),
                &bukuma_db::entries::PageMetadata {
                    title: Some("Rust, rust, rust".into()),
                    ..Default::default()
                },
                bukuma_db::now_micros(),
            )
        })
        .expect("fetched");
    app.categorize_now();
    let got = app
        .get(&format!("/api/v1/entries/{e}"), None)
        .await
        .expect(200);
    assert_eq!(got["category"]["slug"], "game");
    let history = app
        .get(&format!("/api/v1/entries/{e}/category-history"), None)
        .await
        .expect(200);
    let items = history["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(
        (
            &items[0]["from"],
            &items[0]["to"],
            &items[0]["source"],
            &items[0]["by"]
        ),
        (&json!("it"), &json!("game"), &json!("user"), &Value::Null),
        "who suggested is not shown to everyone"
    );
    assert_eq!(
        (&items[1]["from"], &items[1]["to"], &items[1]["source"]),
        (&Value::Null, &json!("it"), &json!("auto"))
    );
    assert!(items[0]["at"].as_str().is_some_and(|t| t.ends_with('Z')));
    let root = admin(&app, "root").await;
    let history = app
        .get(
            &format!("/api/v1/entries/{e}/category-history"),
            root.access.as_str(),
        )
        .await
        .expect(200);
    assert_eq!(history["items"][0]["by"], "usr3", "admins see who");
}
both_backends!(async three_agreeing_suggestions_move_an_entry);

async fn admins_set_a_category_that_users_cannot_override(backend: Backend) {
    let app = app(backend, 0).await;
    let users = [
        app.register("usr1").await,
        app.register("usr2").await,
        app.register("usr3").await,
    ];
    let root = admin(&app, "root").await;
    let e = entry(&app, &users[0], "https://a.example/x", "Something").await;
    app.categorize_now();
    let path = format!("/api/v1/admin/entries/{e}/category");
    app.put(&path, None).await.problem(401);
    let req = |token: &str, slug: &str| {
        app.request(actix_web::http::Method::PUT, &path, Some(token))
            .set_json(json!({ "slug": slug }))
    };
    app.send(req(&users[0].access, "fun")).await.problem(403);
    app.send(req(&root.access, "bogus")).await.invalid("slug");
    let set = app.send(req(&root.access, "knowledge")).await.expect(200);
    assert_eq!(
        set,
        json!({"slug": "knowledge", "name_ja": "学び", "name_en": "Knowledge", "source": "admin"})
    );
    for u in &users {
        let r = app
            .post(
                &format!("/api/v1/entries/{e}/category"),
                u.access.as_str(),
                json!({"slug": "fun"}),
            )
            .await
            .expect(200);
        assert_eq!(r["moved"], false);
    }
    let got = app
        .get(&format!("/api/v1/entries/{e}"), None)
        .await
        .expect(200);
    assert_eq!(got["category"]["slug"], "knowledge");
    assert_eq!(got["category"]["source"], "admin");
    let missing = app
        .request(
            actix_web::http::Method::PUT,
            "/api/v1/admin/entries/999999/category",
            Some(root.access.as_str()),
        )
        .set_json(json!({"slug": "fun"}));
    app.send(missing).await.problem(404);
}
both_backends!(async admins_set_a_category_that_users_cannot_override);

async fn the_thirty_first_suggestion_of_a_day_is_throttled(backend: Backend) {
    let app = app(backend, 0).await;
    let alice = app.register("alice").await;
    let mut ids = Vec::new();
    for i in 0..31 {
        ids.push(entry(&app, &alice, &format!("https://e.example/{i}"), "Page").await);
    }
    for e in &ids[..30] {
        app.post(
            &format!("/api/v1/entries/{e}/category"),
            alice.access.as_str(),
            json!({"slug": "fun"}),
        )
        .await
        .expect(200);
    }
    let res = app
        .post(
            &format!("/api/v1/entries/{}/category", ids[30]),
            alice.access.as_str(),
            json!({"slug": "fun"}),
        )
        .await;
    let problem = res.problem(429);
    assert!(text(&problem["detail"]).contains("30"), "{problem}");
    let retry: u64 = res
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=86_400).contains(&retry), "{retry}");
    // Changing one of today's suggestions is no new one.
    app.post(
        &format!("/api/v1/entries/{}/category", ids[0]),
        alice.access.as_str(),
        json!({"slug": "life"}),
    )
    .await
    .expect(200);
}
both_backends!(async the_thirty_first_suggestion_of_a_day_is_throttled);

async fn category_feeds_are_well_formed_and_hold_their_category_only(backend: Backend) {
    let app = app(backend, 0).await;
    let alice = app.register("alice").await;
    entry(
        &app,
        &alice,
        "https://a.example/rust?a=1&b=<2>",
        "Rust & <friends> \"quoted\"",
    )
    .await;
    entry(&app, &alice, "https://a.example/game", "A game").await;
    app.categorize_now();
    app.recompute_hot();
    for list in ["hot", "new"] {
        let res = app.get(&format!("/{list}/it.rss"), None).await;
        assert_eq!(res.status.as_u16(), 200);
        assert!(res
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/rss+xml")));
        let channel = rss::Channel::read_from(&res.body[..]).expect("valid RSS");
        assert!(channel.link().ends_with(&format!("/{list}/it")));
        let titles: Vec<&str> = channel.items().iter().filter_map(|i| i.title()).collect();
        assert_eq!(titles, ["Rust & <friends> \"quoted\""], "{list}");
        let res = app.get(&format!("/{list}/it.atom"), None).await;
        assert_eq!(res.status.as_u16(), 200);
        let feed = atom_syndication::Feed::read_from(&res.body[..]).expect("valid Atom");
        assert_eq!(feed.entries().len(), 1);
        assert_eq!(
            feed.entries()[0].title().as_str(),
            "Rust & <friends> \"quoted\""
        );
        assert!(feed
            .links()
            .iter()
            .any(|l| l.rel() == "self" && l.href().ends_with(&format!("/{list}/it.atom"))));
        let res = app.get(&format!("/{list}/economics.rss"), None).await;
        let channel = rss::Channel::read_from(&res.body[..]).expect("valid RSS");
        assert!(channel.items().is_empty());
    }
}
both_backends!(async category_feeds_are_well_formed_and_hold_their_category_only);

async fn retraining_learns_the_corrections(backend: Backend) {
    let app = app(backend, 0).await;
    let alice = app.register("alice").await;
    let root = admin(&app, "root").await;
    let e = entry(&app, &alice, "https://a.example/notes", "Weekly notes").await;
    app.categorize_now();
    let categories = &app.state.categories;
    assert!(
        !categorizer::retrain(app.db(), categories).expect("retrain"),
        "nothing to learn yet"
    );
    let set = app
        .request(
            actix_web::http::Method::PUT,
            &format!("/api/v1/admin/entries/{e}/category"),
            Some(root.access.as_str()),
        )
        .set_json(json!({"slug": "fun"}));
    app.send(set).await.expect(200);
    assert!(categorizer::retrain(app.db(), categories).expect("retrain"));
    assert!(
        !categorizer::retrain(app.db(), categories).expect("retrain"),
        "trained on these already"
    );
    let other = entry(&app, &alice, "https://b.example/notes", "Weekly notes").await;
    app.categorize_now();
    let got = app
        .get(&format!("/api/v1/entries/{other}"), None)
        .await
        .expect(200);
    assert_eq!(
        got["category"]["slug"], "fun",
        "the retrained model is in use"
    );
    assert_eq!(got["category"]["source"], "auto");
}
both_backends!(async retraining_learns_the_corrections);
