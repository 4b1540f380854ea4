//! `/entry/jsonlite/` and `/entry/json/` in Hatena's shape.

use super::{assert_digits, body_text, hatena_app, PUBLIC_URL};
use crate::harness::{both_backends, enc, json, Backend, TestApp, Value};

const PAGE: &str = "https://blog.example.com/post/1";

/// alice and bob bookmark PAGE publicly (alice with a comment and tags),
/// carol privately.
async fn seeded(backend: Backend) -> TestApp {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    app.bookmark(
        &alice.access,
        PAGE,
        json!({"title": "A post", "comment": "worth reading", "tags": ["rust", "web"]}),
    )
    .await;
    app.bookmark(&bob.access, PAGE, json!({})).await;
    app.bookmark(
        &carol.access,
        PAGE,
        json!({"comment": "secret note", "private": true}),
    )
    .await;
    app
}

fn is_hatena_time(s: &str) -> bool {
    // YYYY/MM/DD HH:MM
    let b = s.as_bytes();
    b.len() == 16
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'/',
            10 => *c == b' ',
            13 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

async fn jsonlite_is_hatenas_shape_with_public_bookmarks_only(backend: Backend) {
    let app = seeded(backend).await;
    let res = app
        .get(&format!("/entry/jsonlite/?url={}", enc(PAGE)), None)
        .await;
    assert!(
        res.header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{:?}",
        res.header("content-type")
    );
    let e = res.expect(200);
    assert_digits(&e["eid"]);
    assert_eq!(e["title"], "A post");
    assert_eq!(e["count"], 2, "the private bookmark is not counted");
    assert_eq!(e["url"], PAGE);
    assert_eq!(
        e["entry_url"],
        format!("{PUBLIC_URL}/entry/{}", e["eid"].as_str().unwrap_or(""))
    );
    assert!(e["screenshot"].is_string());
    assert!(
        e.get("related").is_none(),
        "jsonlite has no related entries"
    );
    let marks = e["bookmarks"].as_array().expect("bookmarks");
    let users: Vec<&str> = marks.iter().filter_map(|b| b["user"].as_str()).collect();
    assert_eq!(
        users,
        ["bob", "alice"],
        "newest first, carol's private one absent"
    );
    let alice = &marks[1];
    assert_eq!(alice["comment"], "worth reading");
    assert_eq!(alice["tags"], json!(["rust", "web"]));
    let time = alice["timestamp"].as_str().expect("timestamp");
    assert!(is_hatena_time(time), "{time}");
    assert_eq!(
        marks[0]["comment"], "",
        "a bookmark without a comment is listed too"
    );
    assert!(!body_text(&res).contains("secret note"));
}
both_backends!(async jsonlite_is_hatenas_shape_with_public_bookmarks_only);

async fn json_adds_related_entries(backend: Backend) {
    let app = seeded(backend).await;
    let alice = app.login("alice").await;
    let bob = app.login("bob").await;
    // alice and bob both bookmarked PAGE and both bookmark OTHER: related.
    const OTHER: &str = "https://other.example.org/article";
    for user in [&alice, &bob] {
        app.bookmark(
            &user.access,
            OTHER,
            json!({"title": "Other article", "tags": ["rust"]}),
        )
        .await;
    }
    let e = app
        .get(&format!("/entry/json/?url={}", enc(PAGE)), None)
        .await
        .expect(200);
    assert_digits(&e["eid"]);
    assert_eq!(e["bookmarks"].as_array().map(Vec::len), Some(2));
    assert_eq!(e["related"], json!([]), "not computed yet: {e}");
    bukuma_api::related::catch_up(app.db(), &app.state.related).expect("related job");
    let e = app
        .get(&format!("/entry/json/?url={}", enc(PAGE)), None)
        .await
        .expect(200);
    let related = e["related"].as_array().expect("related");
    assert_eq!(related.len(), 1, "{e}");
    let r = &related[0];
    assert_digits(&r["eid"]);
    assert_eq!(r["url"], OTHER);
    assert_eq!(r["title"], "Other article");
    assert_eq!(r["count"], 2);
    let eid = r["eid"].as_str().expect("eid");
    assert!(
        r["entry_url"]
            .as_str()
            .expect("entry_url")
            .ends_with(&format!("/entry/{eid}")),
        "{r}"
    );
}
both_backends!(async json_adds_related_entries);

async fn urls_are_matched_in_their_normalized_form(backend: Backend) {
    let app = seeded(backend).await;
    let variant = "HTTPS://Blog.Example.com:443/post/1?utm_source=feed#top";
    let e = app
        .get(&format!("/entry/jsonlite/?url={}", enc(variant)), None)
        .await
        .expect(200);
    assert_eq!(e["url"], PAGE);
}
both_backends!(async urls_are_matched_in_their_normalized_form);

async fn an_unknown_or_private_only_url_is_null(backend: Backend) {
    let app = seeded(backend).await;
    let dave = app.register("dave").await;
    app.bookmark(
        &dave.access,
        "https://private.example/",
        json!({"private": true}),
    )
    .await;
    for url in ["https://nobody.example/", "https://private.example/"] {
        for path in ["/entry/jsonlite/", "/entry/json/"] {
            let res = app.get(&format!("{path}?url={}", enc(url)), None).await;
            assert_eq!(res.expect(200), Value::Null, "{path} {url}");
            assert_eq!(body_text(&res), "null");
        }
    }
}
both_backends!(async an_unknown_or_private_only_url_is_null);

async fn jsonp_wraps_the_answer_in_a_safe_callback(backend: Backend) {
    let app = seeded(backend).await;
    let res = app
        .get(
            &format!("/entry/jsonlite/?url={}&callback=Hatena.cb_1", enc(PAGE)),
            None,
        )
        .await;
    assert_eq!(res.status.as_u16(), 200);
    assert!(res
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/javascript")));
    let body = body_text(&res);
    let inner = body
        .strip_prefix("/**/Hatena.cb_1(")
        .and_then(|b| b.strip_suffix(");"))
        .unwrap_or_else(|| panic!("not a JSONP call: {body}"));
    let e: Value = serde_json::from_str(inner).expect("JSON inside");
    assert_eq!(e["count"], 2);
    let unknown = app
        .get(
            &format!(
                "/entry/json/?url={}&callback=cb",
                enc("https://nobody.example/")
            ),
            None,
        )
        .await;
    assert_eq!(body_text(&unknown), "/**/cb(null);");
    for bad in ["alert(1)", "1cb", "a%20b", "%3Cscript%3E"] {
        app.get(
            &format!("/entry/jsonlite/?url={}&callback={bad}", enc(PAGE)),
            None,
        )
        .await
        .invalid("callback");
    }
}
both_backends!(async jsonp_wraps_the_answer_in_a_safe_callback);

async fn a_missing_or_bad_url_is_a_problem(backend: Backend) {
    let app = hatena_app(backend).await;
    app.get("/entry/jsonlite/", None).await.invalid("url");
    app.get("/entry/json/?url=", None).await.invalid("url");
    app.get(
        &format!("/entry/jsonlite/?url={}", enc("ftp://x.example/")),
        None,
    )
    .await
    .invalid("url");
    let long = format!("https://x.example/{}", "a".repeat(2100));
    app.get(&format!("/entry/jsonlite/?url={}", enc(&long)), None)
        .await
        .invalid("url");
}
both_backends!(async a_missing_or_bad_url_is_a_problem);
