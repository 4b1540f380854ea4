//! `/count/entry` and `/count/entries`, and who may call them from a
//! browser.

use actix_web::http::Method;

use super::{body_text, hatena_app};
use crate::harness::{both_backends, enc, json, Backend, TestApp, Value};

const A: &str = "https://a.example/page";
const B: &str = "https://b.example/page";

async fn seeded(backend: Backend) -> TestApp {
    let app = hatena_app(backend).await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    app.bookmark(&alice.access, A, json!({})).await;
    app.bookmark(&bob.access, A, json!({})).await;
    app.bookmark(&bob.access, B, json!({"private": true})).await;
    app
}

async fn count_entry_is_a_bare_integer(backend: Backend) {
    let app = seeded(backend).await;
    let res = app.get(&format!("/count/entry?url={}", enc(A)), None).await;
    assert_eq!(res.status.as_u16(), 200);
    assert!(res
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/plain")));
    assert_eq!(body_text(&res), "2");
    for unknown in [B, "https://nobody.example/"] {
        let res = app
            .get(&format!("/count/entry?url={}", enc(unknown)), None)
            .await;
        assert_eq!(
            body_text(&res),
            "0",
            "{unknown}: private bookmarks never count"
        );
    }
    let jsonp = app
        .get(&format!("/count/entry?url={}&callback=show", enc(A)), None)
        .await;
    assert!(jsonp
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/javascript")));
    assert_eq!(body_text(&jsonp), "/**/show(2);");
    app.get("/count/entry", None).await.invalid("url");
    app.get(&format!("/count/entry?url={}&callback=x;y", enc(A)), None)
        .await
        .invalid("callback");
}
both_backends!(async count_entry_is_a_bare_integer);

async fn count_entries_maps_each_url_as_given(backend: Backend) {
    let app = seeded(backend).await;
    let given = "https://A.example/page?utm_medium=x";
    let res = app
        .get(
            &format!(
                "/count/entries?url={}&url={}&url={}",
                enc(given),
                enc(B),
                enc("https://nobody.example/")
            ),
            None,
        )
        .await;
    let counts = res.expect(200);
    assert_eq!(
        counts,
        json!({given: 2, B: 0, "https://nobody.example/": 0})
    );
    let jsonp = app
        .get(&format!("/count/entries?url={}&callback=cb", enc(A)), None)
        .await;
    let body = body_text(&jsonp);
    let inner = body
        .strip_prefix("/**/cb(")
        .and_then(|b| b.strip_suffix(");"))
        .unwrap_or_else(|| panic!("not JSONP: {body}"));
    assert_eq!(
        serde_json::from_str::<Value>(inner).expect("json"),
        json!({A: 2})
    );
}
both_backends!(async count_entries_maps_each_url_as_given);

async fn count_entries_takes_1_to_50_urls(backend: Backend) {
    let app = hatena_app(backend).await;
    app.get("/count/entries", None).await.invalid("url");
    let fifty: Vec<String> = (0..50)
        .map(|i| format!("url={}", enc(&format!("https://x.example/{i}"))))
        .collect();
    let ok = app
        .get(&format!("/count/entries?{}", fifty.join("&")), None)
        .await
        .expect(200);
    assert_eq!(ok.as_object().map(|o| o.len()), Some(50));
    let fifty_one = format!("{}&url={}", fifty.join("&"), enc("https://x.example/50"));
    app.get(&format!("/count/entries?{fifty_one}"), None)
        .await
        .invalid("url");
    app.get(
        &format!("/count/entries?url={}&url=not-a-url", enc(A)),
        None,
    )
    .await
    .invalid("url[1]");
}
both_backends!(async count_entries_takes_1_to_50_urls);

async fn public_reads_answer_any_origin_but_auth_does_not(backend: Backend) {
    let app = seeded(backend).await;
    for path in [
        format!("/count/entries?url={}", enc(A)),
        format!("/count/entry?url={}", enc(A)),
        format!("/entry/jsonlite/?url={}", enc(A)),
        "/button.js".to_owned(),
    ] {
        let res = app
            .send(
                app.request(Method::GET, &path, None)
                    .insert_header(("Origin", "https://someones.blog")),
            )
            .await;
        assert_eq!(res.status.as_u16(), 200, "{path}");
        assert_eq!(
            res.header("access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
        assert!(
            res.header("access-control-allow-credentials").is_none(),
            "{path}"
        );
    }
    let preflight = app
        .send(
            app.request(Method::OPTIONS, "/count/entries", None)
                .insert_header(("Origin", "https://someones.blog"))
                .insert_header(("Access-Control-Request-Method", "GET")),
        )
        .await;
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    let auth = app
        .send(
            app.request(Method::OPTIONS, "/api/v1/auth/login", None)
                .insert_header(("Origin", "https://someones.blog"))
                .insert_header(("Access-Control-Request-Method", "POST")),
        )
        .await;
    assert!(
        auth.header("access-control-allow-origin").is_none(),
        "the cookie routes stay closed to other origins"
    );
}
both_backends!(async public_reads_answer_any_origin_but_auth_does_not);
