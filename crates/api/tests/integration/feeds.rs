//! RSS and Atom feeds, parsed back with the `rss` and `atom_syndication`
//! readers, on both backends. Nothing private may appear in any of them.

use crate::harness::{both_backends, service, TestService};
use actix_web::body::MessageBody;
use actix_web::http::StatusCode;
use actix_web::{test, web};
use bukuma_api::{AppState, Config};
use bukuma_db::testing::TestDb;
use bukuma_db::Backend;
use serde_json::json;

async fn get<S: TestService<B>, B: MessageBody>(
    app: &S,
    uri: &str,
) -> (StatusCode, String, String) {
    let res = test::call_service(app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = test::read_body(res).await;
    (status, ctype, String::from_utf8_lossy(&body).into_owned())
}

async fn register<S: TestService<B>, B: MessageBody>(app: &S, name: &str) -> String {
    let req = test::TestRequest::post()
        .uri("/api/v1/auth/register")
        .set_json(json!({"username": name, "password": "correct horse battery"}));
    let res = test::call_service(app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: serde_json::Value = test::read_body_json(res).await;
    format!("Bearer {}", body["access_token"].as_str().expect("token"))
}

async fn bookmark<S: TestService<B>, B: MessageBody>(
    app: &S,
    token: &str,
    body: serde_json::Value,
) {
    let req = test::TestRequest::post()
        .uri("/api/v1/bookmarks")
        .insert_header(("authorization", token.to_owned()))
        .set_json(body);
    let res = test::call_service(app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

const PUBLIC_URL: &str = "https://blog.example.com/post";
const PRIVATE_URL: &str = "https://secret.example.org/hidden";

/// alice and bob bookmark a public page; alice also keeps a private one
/// whose every field says "secret".
async fn seeded(backend: Backend, public_url: Option<&str>) -> (TestDb, web::Data<AppState>) {
    let t = TestDb::new(backend);
    let mut config = Config::for_tests(&t.url);
    config.new_entry_threshold = 1;
    config.public_url = public_url.map(str::to_owned);
    let state = web::Data::new(AppState::new(t.db.clone(), config));
    (t, state)
}

async fn seed<S: TestService<B>, B: MessageBody>(app: &S) {
    let alice = register(app, "alice").await;
    let bob = register(app, "bob").await;
    bookmark(
        app,
        &alice,
        json!({"url": PUBLIC_URL, "title": "A public post", "comment": "worth it", "tags": ["rust", "db"]}),
    )
    .await;
    bookmark(
        app,
        &alice,
        json!({"url": PRIVATE_URL, "title": "secret title", "comment": "secret comment",
               "note": "secret note", "tags": ["rust", "secrettag"], "private": true}),
    )
    .await;
    bookmark(app, &bob, json!({"url": PUBLIC_URL, "tags": ["rust"]})).await;
}

/// The private bookmark's title, comment, note and URL.
fn assert_nothing_private(uri: &str, body: &str) {
    for secret in ["secret title", "secret comment", "secret note", "hidden"] {
        assert!(
            !body.contains(secret),
            "{uri} shows something private: {body}"
        );
    }
}

async fn user_feeds_show_public_bookmarks_only(backend: Backend) {
    let (t, state) = seeded(backend, None).await;
    let app = service(state).await;
    seed(&app).await;
    for uri in [
        "/alice/bookmarks.rss",
        "/ALICE/bookmarks.rss?tag=rust",
        "/alice/bookmarks.atom",
        "/alice/bookmarks.atom?tag=Rust",
    ] {
        let (status, ctype, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert_nothing_private(uri, &body);
        assert!(!body.contains("secrettag"), "{body}");
        if uri.contains(".rss") {
            assert!(ctype.starts_with("application/rss+xml"), "{ctype}");
            let channel = rss::Channel::read_from(body.as_bytes()).expect("valid RSS");
            assert_eq!(
                channel.link(),
                "http://localhost:8080/alice".to_owned()
                    + &uri[uri.find('?').map_or(uri.len(), |i| i)..]
            );
            assert_eq!(channel.items().len(), 1, "{uri}");
            let item = &channel.items()[0];
            assert_eq!(item.title(), Some("A public post"));
            assert_eq!(item.link(), Some(PUBLIC_URL));
            assert_eq!(item.description(), Some("worth it"));
            let names: Vec<&str> = item.categories().iter().map(|c| c.name()).collect();
            assert_eq!(names, ["rust", "db"]);
            assert!(item
                .pub_date()
                .is_some_and(|d| chrono::DateTime::parse_from_rfc2822(d).is_ok()));
        } else {
            assert!(ctype.starts_with("application/atom+xml"), "{ctype}");
            let feed = atom_syndication::Feed::read_from(body.as_bytes()).expect("valid Atom");
            assert_eq!(feed.entries().len(), 1, "{uri}");
            let entry = &feed.entries()[0];
            assert_eq!(entry.title().as_str(), "A public post");
            assert_eq!(entry.links()[0].href(), PUBLIC_URL);
            assert!(feed.links().iter().any(|l| l.rel() == "self"
                && l.href()
                    .starts_with("http://localhost:8080/alice/bookmarks.atom")));
        }
    }
    let (status, _, body) = get(&app, "/alice/bookmarks.rss?tag=secrettag").await;
    assert_eq!(status, StatusCode::OK);
    let channel = rss::Channel::read_from(body.as_bytes()).expect("valid RSS");
    assert!(channel.items().is_empty());
    drop(t);
}
both_backends!(async user_feeds_show_public_bookmarks_only);

async fn unknown_users_and_bad_tags_are_problems(backend: Backend) {
    let (_t, state) = seeded(backend, None).await;
    let app = service(state).await;
    let (status, ctype, _) = get(&app, "/nobody/bookmarks.rss").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(ctype.starts_with("application/problem+json"), "{ctype}");
    let (status, _, _) = get(&app, "/nobody/bookmarks.atom").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(&app, &format!("/t/{}.rss", "a".repeat(40))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
both_backends!(async unknown_users_and_bad_tags_are_problems);

async fn entry_feeds_show_public_entries_only(backend: Backend) {
    let (t, state) = seeded(backend, Some("https://bukuma.example")).await;
    let app = service(state).await;
    seed(&app).await;
    t.db.write(|c| bukuma_db::entries::recompute_hot(c, bukuma_db::now_micros()))
        .expect("hot");
    for (uri, link) in [
        ("/hot.rss", "https://bukuma.example/"),
        ("/new.rss", "https://bukuma.example/new"),
        ("/t/rust.rss", "https://bukuma.example/t/rust"),
        (
            "/site/blog.example.com.rss",
            "https://bukuma.example/site/blog.example.com",
        ),
    ] {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert_nothing_private(uri, &body);
        let channel = rss::Channel::read_from(body.as_bytes()).expect("valid RSS");
        assert_eq!(channel.link(), link);
        assert_eq!(channel.items().len(), 1, "{uri}: {body}");
        assert_eq!(channel.items()[0].link(), Some(PUBLIC_URL));
        assert_eq!(channel.items()[0].title(), Some("A public post"));
        let atom_uri = uri.replace(".rss", ".atom");
        let (status, _, body) = get(&app, &atom_uri).await;
        assert_eq!(status, StatusCode::OK);
        assert_nothing_private(&atom_uri, &body);
        let feed = atom_syndication::Feed::read_from(body.as_bytes()).expect("valid Atom");
        assert_eq!(feed.entries().len(), 1);
        assert_eq!(feed.id(), format!("https://bukuma.example{atom_uri}"));
    }
    for uri in [
        "/site/secret.example.org.rss",
        "/t/secrettag.rss",
        "/t/secrettag.atom",
    ] {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK);
        assert_nothing_private(uri, &body);
        assert!(
            !body.contains("<item>") && !body.contains("<entry>"),
            "{body}"
        );
    }
}
both_backends!(async entry_feeds_show_public_entries_only);

/// Fails unless `body` is well-formed XML 1.0 as far as characters go (no
/// character the `Char` production forbids, raw or as a reference) and
/// reads to its end.
fn assert_well_formed(uri: &str, body: &str) {
    if let Some(c) = body.chars().find(|&c| !bukuma_domain::text::is_xml_char(c)) {
        panic!("{uri} holds {c:?}, which XML 1.0 forbids: {body:?}");
    }
    for (i, _) in body.match_indices("&#") {
        let reference: String = body[i + 2..].chars().take_while(|&c| c != ';').collect();
        let code = match reference.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => reference.parse(),
        };
        let allowed = code
            .ok()
            .and_then(char::from_u32)
            .is_some_and(bukuma_domain::text::is_xml_char);
        assert!(
            allowed,
            "{uri} refers to a forbidden character &#{reference};"
        );
    }
    let mut reader = quick_xml::Reader::from_str(body);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{uri} is not XML: {e}: {body}"),
        }
    }
}

const HOSTILE: &str = "x\u{FFFE}y\u{FFFF}z\u{FDD0}";

async fn feeds_stay_well_formed_with_hostile_characters(backend: Backend) {
    let (t, state) = seeded(backend, None).await;
    let app = service(state).await;
    let alice = register(&app, "alice").await;
    let req = test::TestRequest::patch()
        .uri("/api/v1/me")
        .insert_header(("authorization", alice.clone()))
        .set_json(json!({"display_name": format!("Alice{HOSTILE}")}));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    bookmark(
        &app,
        &alice,
        json!({"url": PUBLIC_URL, "title": format!("Title{HOSTILE}"),
               "comment": format!("comment{HOSTILE}"), "tags": [format!("rust{HOSTILE}")]}),
    )
    .await;
    t.db.write(|c| bukuma_db::entries::recompute_hot(c, bukuma_db::now_micros()))
        .expect("hot");
    let uris = [
        "/alice/bookmarks.rss",
        "/alice/bookmarks.atom",
        "/t/rustxyz.rss",
        "/site/blog.example.com.rss",
        "/site/blog.example.com.atom",
        "/new.rss",
        "/hot.rss",
        "/hot.atom",
    ];
    for uri in uris {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert_well_formed(uri, &body);
        assert!(body.contains("Titlexyz"), "{uri}: {body}");
    }

    // Rows stored before the rule (or by any other path) still make
    // well-formed feeds: the writer leaves such characters out.
    t.db.write(|c| {
        use bukuma_db::schema::{bookmarks, entries, users};
        use diesel::prelude::*;
        diesel::update(entries::table)
            .set((
                entries::title.eq("Stored\u{FFFF}\u{1}title"),
                entries::summary.eq("sum\u{FFFE}\u{8}mary"),
            ))
            .execute(c)?;
        diesel::update(bookmarks::table)
            .set(bookmarks::comment.eq("stored\u{FFFF}\u{1b}comment"))
            .execute(c)?;
        diesel::update(users::table)
            .set(users::display_name.eq("Stored\u{FFFE}\u{7}name"))
            .execute(c)?;
        Ok(())
    })
    .expect("store hostile rows");
    for uri in uris {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert_well_formed(uri, &body);
        assert!(body.contains("Storedtitle"), "{uri}: {body}");
    }
}
both_backends!(async feeds_stay_well_formed_with_hostile_characters);

async fn rss_descriptions_carry_comments_and_summaries_as_text(backend: Backend) {
    let (t, state) = seeded(backend, None).await;
    let app = service(state).await;
    let alice = register(&app, "alice").await;
    let markup = "<img src=x onerror=alert(1)>";
    bookmark(
        &app,
        &alice,
        json!({"url": PUBLIC_URL, "title": "A post", "comment": markup}),
    )
    .await;
    let entry =
        t.db.read(|c| bukuma_db::entries::newest(c, None, 1))
            .expect("entries")
            .items
            .remove(0)
            .entry;
    let meta = bukuma_db::entries::PageMetadata {
        title: Some("A post".into()),
        summary: Some(format!("summary {markup} ]]> end")),
        ..Default::default()
    };
    t.db.write(|c| {
        bukuma_db::entries::record_fetch_success(c, entry.id, &meta, bukuma_db::now_micros())
    })
    .expect("metadata");
    for (uri, text) in [
        ("/alice/bookmarks.rss", markup.to_owned()),
        (
            "/site/blog.example.com.rss",
            format!("summary {markup} ]]> end"),
        ),
    ] {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert!(!body.contains("<img"), "{uri} carries markup: {body}");
        let channel = rss::Channel::read_from(body.as_bytes()).expect("valid RSS");
        let description = channel.items()[0].description().expect("a description");
        // HTML whose text is the comment or summary as written.
        let shown = description
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        assert_eq!(shown, text, "{uri}: {description}");
        assert!(!description.contains('<'), "{uri}: {description}");
    }
}
both_backends!(async rss_descriptions_carry_comments_and_summaries_as_text);
