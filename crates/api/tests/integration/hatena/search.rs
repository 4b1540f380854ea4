//! Hatena's search URLs: RSS with `mode=rss`, the web app's search page
//! otherwise.

use super::{body_text, hatena_app, PUBLIC_URL};
use crate::harness::{both_backends, json, Backend};

async fn search_rss_carries_hatenas_elements(backend: Backend) {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    app.bookmark(
        &alice.access,
        "https://blog.example.com/rust",
        json!({"title": "Learning Rust & <friends>", "tags": ["programming"]}),
    )
    .await;
    app.bookmark(
        &alice.access,
        "https://secret.example/rust",
        json!({"title": "Rust secret", "private": true}),
    )
    .await;
    app.index_now();
    let res = app.get("/search/text?q=rust&mode=rss", None).await;
    assert_eq!(res.status.as_u16(), 200, "{}", body_text(&res));
    assert!(res
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/rss+xml")));
    let xml = body_text(&res);
    let channel = rss::Channel::read_from(xml.as_bytes()).expect("well-formed RSS");
    assert_eq!(
        channel.namespaces().get("hatena").map(String::as_str),
        Some("http://www.hatena.ne.jp/info/xmlns#")
    );
    assert_eq!(
        channel.items().len(),
        1,
        "the private bookmark's entry is not found"
    );
    let item = &channel.items()[0];
    assert_eq!(item.title(), Some("Learning Rust & <friends>"));
    assert_eq!(item.link(), Some("https://blog.example.com/rust"));
    let hatena = item.extensions().get("hatena").expect("hatena elements");
    let value = |name: &str| {
        hatena
            .get(name)
            .and_then(|v| v.first())
            .and_then(|e| e.value())
            .map(str::to_owned)
    };
    assert_eq!(value("bookmarkcount").as_deref(), Some("1"));
    assert!(value("bookmarkCommentListPageUrl")
        .is_some_and(|u| u.starts_with(&format!("{PUBLIC_URL}/entry/"))));
    assert!(!xml.contains("secret"));

    let title_only = app.get("/search/title?q=programming&mode=rss", None).await;
    let channel = rss::Channel::read_from(&title_only.body[..]).expect("RSS");
    assert!(
        channel.items().is_empty(),
        "the word is a tag, not in the title"
    );
    let by_tag = app.get("/search/tag?q=programming&mode=rss", None).await;
    let channel = rss::Channel::read_from(&by_tag.body[..]).expect("RSS");
    assert_eq!(channel.items().len(), 1);
}
both_backends!(async search_rss_carries_hatenas_elements);

async fn search_pages_go_to_the_web_app_and_bad_input_is_a_problem(backend: Backend) {
    let app = hatena_app(backend).await;
    let res = app
        .get("/search/tag?q=rust&sort=popular&users=3", None)
        .await;
    assert_eq!(res.status.as_u16(), 302);
    assert_eq!(
        res.header("location"),
        Some("/search?q=rust&target=tag&sort=popular&users=3")
    );
    app.get("/search/blog?q=rust&mode=rss", None)
        .await
        .problem(404);
    app.get("/search/text?q=rust&mode=rss&of=1001", None)
        .await
        .invalid("of");
    app.get("/search/text?q=rust&mode=rss&sort=random", None)
        .await
        .invalid("sort");
    app.get("/search/text?q=rust&mode=rss&date_begin=yesterday", None)
        .await
        .invalid("date_begin");
    app.get("/search/text?q=&mode=rss", None).await.invalid("q");
    app.get("/search/text?q=rust&mode=atom", None)
        .await
        .invalid("mode");
}
both_backends!(async search_pages_go_to_the_web_app_and_bad_input_is_a_problem);
