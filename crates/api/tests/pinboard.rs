//! The Pinboard-compatible API, method by method, on both backends.

use std::time::Duration;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::test::{self, TestRequest};
use actix_web::web;
use base64::Engine;
use bukuma_api::auth::{hash_password, hash_secret, new_secret, API_TOKEN_PREFIX};
use bukuma_api::rate_limit::{Limiter, Limits, Rate};
use bukuma_api::{AppState, Config};
use bukuma_db::models::NewUser;
use bukuma_db::testing::TestDb;
use bukuma_db::{now_micros, tokens, users, Backend, Db};
use md5::{Digest, Md5};
use serde_json::{json, Value};

const P: &str = "/api/pinboard/v1";
const PASSWORD: &str = "correct horse battery";

/// Limits no ordinary test reaches.
fn roomy() -> Limits {
    let rate = Rate {
        burst: 10_000,
        every: Duration::from_millis(1),
    };
    Limits {
        general: rate,
        posts_all: rate,
    }
}

/// A user and one personal API token of theirs.
struct Account {
    /// `name:secret`, for `auth_token`.
    auth: String,
    secret: String,
}

fn account(db: &Db, name: &str, scope: &str) -> Account {
    let hash = hash_password(PASSWORD).expect("hash");
    let secret = new_secret(API_TOKEN_PREFIX);
    let token_hash = hash_secret(&secret);
    let (name, scope) = (name.to_owned(), scope.to_owned());
    db.write(|c| {
        let user = match users::find_by_name(c, &name)? {
            Some(u) => u,
            None => users::create(
                c,
                &NewUser {
                    username: &name,
                    username_lower: &name.to_lowercase(),
                    display_name: &name,
                    bio: "",
                    role: "user",
                    password_hash: &hash,
                    created_at: now_micros(),
                    updated_at: now_micros(),
                },
            )?,
        };
        tokens::create_api_token(c, user.id, "test", &scope, &token_hash, now_micros())
    })
    .expect("account");
    Account {
        auth: format!("{name}:{secret}"),
        secret,
    }
}

/// Defines an async test once per backend. The body sees `db` (the
/// database), `app` (the service) and `limits` (set with `limits = …;`
/// before the body to replace the roomy default).
macro_rules! pinboard_test {
    ($name:ident, limits = $limits:expr, |$db:ident, $app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run(backend: Backend) {
                let t = TestDb::new(backend);
                let mut state = AppState::new(t.db.clone(), Config::for_tests(&t.url));
                state.pinboard = Limiter::new($limits);
                let $db = t.db.clone();
                let $app = test::init_service(bukuma_api::app(web::Data::new(state))).await;
                $body
            }

            #[actix_web::test]
            async fn sqlite() {
                run(Backend::Sqlite).await;
            }

            #[actix_web::test]
            async fn postgres() {
                run(Backend::Postgres).await;
            }
        }
    };
    ($name:ident, |$db:ident, $app:ident| $body:block) => {
        pinboard_test!($name, limits = roomy(), |$db, $app| $body);
    };
}

/// An answer: status, headers and body.
struct Answer {
    status: StatusCode,
    headers: actix_web::http::header::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn send<S, R, B>(app: &S, req: R) -> Answer
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let res = test::call_service(app, req).await;
    let status = res.status();
    let headers = res.headers().clone();
    let body = test::read_body(res).await;
    Answer {
        status,
        headers,
        body: String::from_utf8(body.to_vec()).expect("UTF-8 body"),
    }
}

/// `GET /api/pinboard/v1/{method}?auth_token=…&{params}`.
fn get(method: &str, who: &Account, params: &[(&str, &str)]) -> Request {
    let mut all = vec![("auth_token", who.auth.as_str())];
    all.extend_from_slice(params);
    let query = serde_html_form::to_string(&all).expect("query");
    TestRequest::get()
        .uri(&format!("{P}/{method}?{query}"))
        .to_request()
}

fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

/// Adds a bookmark through the API and checks that it was done.
async fn add<S, R, B>(app: &S, req: R)
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let a = send(app, req).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json(), json!({"result_code": "done"}), "{}", a.body);
}

fn basic(name: &str, password: &str) -> String {
    let raw = format!("{name}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// Pulls the value of `attr` out of every `<element …>` of an XML document.
fn xml_attrs(xml: &str, element: &str, attr: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.name().as_ref() == element.as_bytes() =>
            {
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    if a.key.as_ref() == attr.as_bytes() {
                        out.push(a.unescape_value().expect("value").into_owned());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn posts_of(v: &Value) -> Vec<Value> {
    v["posts"].as_array().cloned().unwrap_or_default()
}

fn hrefs(posts: &[Value]) -> Vec<String> {
    posts
        .iter()
        .map(|p| p["href"].as_str().unwrap_or("").to_owned())
        .collect()
}

// ---------------------------------------------------------------------------
// posts/add, posts/get

pinboard_test!(posts_add_then_get_round_trips_every_field, |db, app| {
    let alice = account(&db, "alice", "write");
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[
                ("url", "https://Example.com/a?utm_source=feed&x=1"),
                ("description", "An example"),
                ("extended", "worth reading"),
                ("tags", "rust web"),
                ("dt", "2024-05-06T07:08:09Z"),
                ("shared", "no"),
                ("toread", "yes"),
                ("format", "json"),
            ],
        ),
    )
    .await;
    let a = send(
        &app,
        get(
            "posts/get",
            &alice,
            &[("url", "https://example.com/a?x=1"), ("format", "json")],
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.content_type().starts_with("application/json"));
    let v = a.json();
    assert_eq!(v["user"], "alice");
    assert_eq!(v["date"], "2024-05-06T07:08:09Z");
    let posts = posts_of(&v);
    assert_eq!(posts.len(), 1);
    let p = &posts[0];
    assert_eq!(p["href"], "https://example.com/a?x=1");
    assert_eq!(p["description"], "An example");
    assert_eq!(p["extended"], "worth reading");
    assert_eq!(p["tags"], "rust web");
    assert_eq!(p["time"], "2024-05-06T07:08:09Z");
    assert_eq!(p["shared"], "no");
    assert_eq!(p["toread"], "yes");
    assert_eq!(p["hash"], md5_hex("https://example.com/a?x=1"));
    assert_eq!(p["meta"].as_str().map(str::len), Some(32));

    // The same in XML, the default format.
    let a = send(&app, get("posts/get", &alice, &[("dt", "2024-05-06")])).await;
    assert!(
        a.content_type().starts_with("text/xml"),
        "{}",
        a.content_type()
    );
    assert!(a
        .body
        .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert_eq!(xml_attrs(&a.body, "posts", "dt"), ["2024-05-06"]);
    assert_eq!(xml_attrs(&a.body, "posts", "user"), ["alice"]);
    assert_eq!(
        xml_attrs(&a.body, "post", "href"),
        ["https://example.com/a?x=1"]
    );
    assert_eq!(xml_attrs(&a.body, "post", "tag"), ["rust web"]);
    assert_eq!(xml_attrs(&a.body, "post", "shared"), ["no"]);
    assert_eq!(xml_attrs(&a.body, "post", "toread"), ["yes"]);
    assert_eq!(xml_attrs(&a.body, "post", "time"), ["2024-05-06T07:08:09Z"]);
});

pinboard_test!(xml_escapes_what_users_type, |db, app| {
    let alice = account(&db, "alice", "write");
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[
                ("url", "https://example.com/q?a=1&b=2"),
                ("description", "<b>\"Tom\" & 'Jerry'</b>"),
                ("extended", "a < b & c > d"),
                ("format", "json"),
            ],
        ),
    )
    .await;
    let a = send(&app, get("posts/recent", &alice, &[])).await;
    assert_eq!(
        xml_attrs(&a.body, "post", "description"),
        ["<b>\"Tom\" & 'Jerry'</b>"]
    );
    assert_eq!(xml_attrs(&a.body, "post", "extended"), ["a < b & c > d"]);
    assert_eq!(
        xml_attrs(&a.body, "post", "href"),
        ["https://example.com/q?a=1&b=2"]
    );
});

pinboard_test!(
    posts_add_with_replace_no_refuses_an_existing_bookmark,
    |db, app| {
        let alice = account(&db, "alice", "write");
        let url = "https://example.com/r";
        add(
            &app,
            get(
                "posts/add",
                &alice,
                &[
                    ("url", url),
                    ("extended", "first"),
                    ("tags", "a"),
                    ("format", "json"),
                ],
            ),
        )
        .await;
        let a = send(
            &app,
            get(
                "posts/add",
                &alice,
                &[("url", url), ("extended", "second"), ("replace", "no")],
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(
            xml_attrs(&a.body, "result", "code"),
            ["item already exists"]
        );

        // replace=yes (the default) changes what it is sent and keeps the rest.
        add(
            &app,
            get(
                "posts/add",
                &alice,
                &[
                    ("url", url),
                    ("extended", "third"),
                    ("shared", "no"),
                    ("format", "json"),
                ],
            ),
        )
        .await;
        let v = send(
            &app,
            get("posts/get", &alice, &[("url", url), ("format", "json")]),
        )
        .await
        .json();
        let p = &posts_of(&v)[0];
        assert_eq!(p["extended"], "third");
        assert_eq!(p["tags"], "a");
        assert_eq!(p["shared"], "no");
    }
);

pinboard_test!(
    posts_add_refuses_what_bukuma_cannot_store_whole,
    |db, app| {
        let alice = account(&db, "alice", "write");
        let long_comment = "x".repeat(101);
        let eleven_tags = (0..11)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let long_tag = "y".repeat(33);
        let long_title = "z".repeat(501);
        let cases: [(&str, &str, &str); 7] = [
            (
                "extended",
                &long_comment,
                "extended too long: bukuma allows at most 100 characters",
            ),
            (
                "tags",
                &eleven_tags,
                "too many tags: bukuma allows at most 10",
            ),
            (
                "tags",
                &long_tag,
                "tag too long: bukuma allows at most 32 characters",
            ),
            (
                "description",
                &long_title,
                "description too long: bukuma allows at most 500 characters",
            ),
            (
                "dt",
                "yesterday",
                "invalid dt: use a time like 2026-01-02T03:04:05Z",
            ),
            ("shared", "maybe", "invalid shared: use yes or no"),
            (
                "url",
                "ftp://example.com/",
                "invalid url: only http and https URLs can be bookmarked",
            ),
        ];
        for (field, value, code) in cases {
            let mut params = vec![("format", "json"), (field, value)];
            if field != "url" {
                params.push(("url", "https://example.com/limits"));
            }
            let a = send(&app, get("posts/add", &alice, &params)).await;
            assert_eq!(a.status, StatusCode::OK, "{field}");
            let got = a.json()["result_code"].as_str().unwrap_or("").to_owned();
            if field == "url" {
                assert!(got.starts_with("invalid url"), "{got}");
            } else {
                assert_eq!(got, code);
            }
        }
        // 100 characters and 10 tags of 32 characters fit.
        let ok_tags = (0..10)
            .map(|i| format!("{i:0>32}"))
            .collect::<Vec<_>>()
            .join(" ");
        add(
            &app,
            get(
                "posts/add",
                &alice,
                &[
                    ("url", "https://example.com/fits"),
                    ("extended", &"x".repeat(100)),
                    ("tags", &ok_tags),
                    ("format", "json"),
                ],
            ),
        )
        .await;
        let all = send(&app, get("posts/all", &alice, &[("format", "json")]))
            .await
            .json();
        let all = all.as_array().cloned().unwrap_or_default();
        assert_eq!(hrefs(&all), ["https://example.com/fits"]);
        assert_eq!(
            all[0]["extended"].as_str().map(|s| s.chars().count()),
            Some(100)
        );
    }
);

pinboard_test!(posts_add_and_delete_need_a_url, |db, app| {
    let alice = account(&db, "alice", "write");
    for method in ["posts/add", "posts/delete", "posts/suggest"] {
        let a = send(&app, get(method, &alice, &[])).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(
            xml_attrs(&a.body, "result", "code"),
            ["missing url"],
            "{method}"
        );
        let a = send(
            &app,
            get(method, &alice, &[("format", "json"), ("url", " ")]),
        )
        .await;
        assert_eq!(a.json(), json!({"result_code": "missing url"}), "{method}");
    }
});

pinboard_test!(posts_add_accepts_a_post_form, |db, app| {
    let alice = account(&db, "alice", "write");
    let a = send(
        &app,
        TestRequest::post()
            .uri(&format!("{P}/posts/add"))
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(
                serde_html_form::to_string([
                    ("auth_token", alice.auth.as_str()),
                    ("url", "https://example.com/form"),
                    ("tags", "posted"),
                ])
                .expect("form"),
            )
            .to_request(),
    )
    .await;
    assert_eq!(xml_attrs(&a.body, "result", "code"), ["done"], "{}", a.body);
    let v = send(&app, get("posts/recent", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(posts_of(&v)[0]["tags"], "posted");
});

// ---------------------------------------------------------------------------
// posts/delete

pinboard_test!(posts_delete_removes_the_bookmark, |db, app| {
    let alice = account(&db, "alice", "write");
    let url = "https://example.com/gone";
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[("url", url), ("tags", "old"), ("format", "json")],
        ),
    )
    .await;
    let a = send(
        &app,
        get("posts/delete", &alice, &[("url", url), ("format", "json")]),
    )
    .await;
    assert_eq!(a.json(), json!({"result_code": "done"}));
    let v = send(
        &app,
        get("posts/get", &alice, &[("url", url), ("format", "json")]),
    )
    .await
    .json();
    assert!(posts_of(&v).is_empty());
    let tags = send(&app, get("tags/get", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(tags, json!({}));
    let a = send(&app, get("posts/delete", &alice, &[("url", url)])).await;
    assert_eq!(xml_attrs(&a.body, "result", "code"), ["item not found"]);
});

// ---------------------------------------------------------------------------
// posts/get by day and tag, posts/dates, posts/recent, posts/all

/// Four bookmarks on two days: two on 2024-01-01, two on 2024-01-02.
async fn four_bookmarks<S, B>(app: &S, who: &Account)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for (path, dt, tags) in [
        ("one", "2024-01-01T08:00:00Z", "rust"),
        ("two", "2024-01-01T20:00:00Z", "rust web"),
        ("three", "2024-01-02T09:00:00Z", "web"),
        ("four", "2024-01-02T10:00:00Z", "rust web db"),
    ] {
        let url = format!("https://example.com/{path}");
        add(
            app,
            get(
                "posts/add",
                who,
                &[
                    ("url", &url),
                    ("dt", dt),
                    ("tags", tags),
                    ("format", "json"),
                ],
            ),
        )
        .await;
    }
}

pinboard_test!(posts_get_lists_one_day_filtered_by_tags, |db, app| {
    let alice = account(&db, "alice", "write");
    four_bookmarks(&app, &alice).await;
    // Without dt: the latest day with bookmarks, newest first.
    let v = send(&app, get("posts/get", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(
        hrefs(&posts_of(&v)),
        ["https://example.com/four", "https://example.com/three"]
    );
    assert_eq!(v["date"], "2024-01-02T10:00:00Z");
    // A day given as a date or as a time.
    for dt in ["2024-01-01", "2024-01-01T00:00:00Z"] {
        let v = send(
            &app,
            get("posts/get", &alice, &[("dt", dt), ("format", "json")]),
        )
        .await
        .json();
        assert_eq!(
            hrefs(&posts_of(&v)),
            ["https://example.com/two", "https://example.com/one"]
        );
    }
    // Tags: every one must be present.
    let v = send(
        &app,
        get(
            "posts/get",
            &alice,
            &[
                ("dt", "2024-01-01"),
                ("tag", "rust web"),
                ("format", "json"),
            ],
        ),
    )
    .await
    .json();
    assert_eq!(hrefs(&posts_of(&v)), ["https://example.com/two"]);
    // Without dt but with a tag: the latest day with that tag.
    let v = send(
        &app,
        get("posts/get", &alice, &[("tag", "WEB"), ("format", "json")]),
    )
    .await
    .json();
    assert_eq!(
        hrefs(&posts_of(&v)),
        ["https://example.com/four", "https://example.com/three"]
    );
    let a = send(&app, get("posts/get", &alice, &[("tag", "a b c d")])).await;
    assert_eq!(
        xml_attrs(&a.body, "result", "code"),
        ["too many tags: filter by at most 3"]
    );
    // A URL nobody bookmarked, or no URL at all, gives no posts.
    for url in ["https://example.com/none", "not a url"] {
        let v = send(
            &app,
            get("posts/get", &alice, &[("url", url), ("format", "json")]),
        )
        .await
        .json();
        assert!(posts_of(&v).is_empty());
    }
});

pinboard_test!(posts_dates_counts_bookmarks_per_day, |db, app| {
    let alice = account(&db, "alice", "write");
    four_bookmarks(&app, &alice).await;
    let v = send(&app, get("posts/dates", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(
        v,
        json!({"user": "alice", "tag": "", "dates": {"2024-01-01": 2, "2024-01-02": 2}})
    );
    let v = send(
        &app,
        get("posts/dates", &alice, &[("tag", "db"), ("format", "json")]),
    )
    .await
    .json();
    assert_eq!(v["dates"], json!({"2024-01-02": 1}));
    assert_eq!(v["tag"], "db");
    let a = send(&app, get("posts/dates", &alice, &[])).await;
    assert_eq!(xml_attrs(&a.body, "dates", "user"), ["alice"]);
    assert_eq!(
        xml_attrs(&a.body, "date", "date"),
        ["2024-01-02", "2024-01-01"]
    );
    assert_eq!(xml_attrs(&a.body, "date", "count"), ["2", "2"]);
});

pinboard_test!(posts_recent_lists_the_newest_bookmarks, |db, app| {
    let alice = account(&db, "alice", "write");
    four_bookmarks(&app, &alice).await;
    let v = send(
        &app,
        get(
            "posts/recent",
            &alice,
            &[("count", "2"), ("format", "json")],
        ),
    )
    .await
    .json();
    assert_eq!(
        hrefs(&posts_of(&v)),
        ["https://example.com/four", "https://example.com/three"]
    );
    assert_eq!(v["user"], "alice");
    let v = send(
        &app,
        get(
            "posts/recent",
            &alice,
            &[("tag", "rust"), ("format", "json")],
        ),
    )
    .await
    .json();
    assert_eq!(
        hrefs(&posts_of(&v)),
        [
            "https://example.com/four",
            "https://example.com/two",
            "https://example.com/one"
        ]
    );
    // count is at most 100 (Pinboard's maximum); a bigger one means 100.
    let v = send(
        &app,
        get(
            "posts/recent",
            &alice,
            &[("count", "5000"), ("format", "json")],
        ),
    )
    .await
    .json();
    assert_eq!(posts_of(&v).len(), 4);
    let a = send(&app, get("posts/recent", &alice, &[("count", "many")])).await;
    assert_eq!(
        xml_attrs(&a.body, "result", "code"),
        ["invalid count: not a number"]
    );
    let a = send(&app, get("posts/recent", &alice, &[])).await;
    assert_eq!(xml_attrs(&a.body, "post", "href").len(), 4);
});

pinboard_test!(posts_recent_shows_15_by_default, |db, app| {
    let alice = account(&db, "alice", "write");
    for i in 0..17 {
        let url = format!("https://example.com/{i}");
        add(
            &app,
            get("posts/add", &alice, &[("url", &url), ("format", "json")]),
        )
        .await;
    }
    let v = send(&app, get("posts/recent", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(posts_of(&v).len(), 15);
});

pinboard_test!(posts_all_pages_and_filters, |db, app| {
    let alice = account(&db, "alice", "write");
    four_bookmarks(&app, &alice).await;
    let all = |params: Vec<(&'static str, &'static str)>| {
        let mut params = params;
        params.push(("format", "json"));
        get("posts/all", &alice, &params)
    };
    let v = send(&app, all(vec![])).await.json();
    let list = v.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 4, "posts/all answers a bare array: {v}");
    let v = send(&app, all(vec![("start", "1"), ("results", "2")]))
        .await
        .json();
    assert_eq!(
        hrefs(v.as_array().map_or(&[][..], Vec::as_slice)),
        ["https://example.com/three", "https://example.com/two"]
    );
    let v = send(
        &app,
        all(vec![
            ("fromdt", "2024-01-01T20:00:00Z"),
            ("todt", "2024-01-02T09:00:00Z"),
        ]),
    )
    .await
    .json();
    assert_eq!(
        hrefs(v.as_array().map_or(&[][..], Vec::as_slice)),
        ["https://example.com/three", "https://example.com/two"]
    );
    let v = send(&app, all(vec![("tag", "rust web")])).await.json();
    assert_eq!(
        hrefs(v.as_array().map_or(&[][..], Vec::as_slice)),
        ["https://example.com/four", "https://example.com/two"]
    );
    let v = send(&app, all(vec![("start", "-1")])).await.json();
    assert_eq!(
        v,
        json!({"result_code": "invalid start: must not be negative"})
    );
    let a = send(&app, get("posts/all", &alice, &[("meta", "yes")])).await;
    assert_eq!(xml_attrs(&a.body, "posts", "user"), ["alice"]);
    assert_eq!(xml_attrs(&a.body, "post", "meta").len(), 4);
});

pinboard_test!(meta_changes_when_the_bookmark_changes, |db, app| {
    let alice = account(&db, "alice", "write");
    let url = "https://example.com/m";
    let meta = |v: Value| posts_of(&v)[0]["meta"].as_str().unwrap_or("").to_owned();
    add(
        &app,
        get("posts/add", &alice, &[("url", url), ("format", "json")]),
    )
    .await;
    let hash_before;
    let before = {
        let v = send(
            &app,
            get(
                "posts/get",
                &alice,
                &[("url", url), ("format", "json"), ("meta", "yes")],
            ),
        )
        .await
        .json();
        hash_before = posts_of(&v)[0]["hash"].clone();
        meta(v)
    };
    let same = meta(
        send(
            &app,
            get("posts/get", &alice, &[("url", url), ("format", "json")]),
        )
        .await
        .json(),
    );
    assert_eq!(before, same);
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[("url", url), ("tags", "new"), ("format", "json")],
        ),
    )
    .await;
    let v = send(
        &app,
        get("posts/get", &alice, &[("url", url), ("format", "json")]),
    )
    .await
    .json();
    assert_eq!(
        posts_of(&v)[0]["hash"],
        hash_before,
        "hash follows the URL only"
    );
    assert_ne!(meta(v), before);
});

// ---------------------------------------------------------------------------
// posts/update, posts/suggest

pinboard_test!(posts_update_tells_when_bookmarks_last_changed, |db, app| {
    let alice = account(&db, "alice", "write");
    let a = send(&app, get("posts/update", &alice, &[])).await;
    let first = xml_attrs(&a.body, "update", "time");
    assert_eq!(first.len(), 1, "{}", a.body);
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[
                ("url", "https://example.com/u"),
                ("dt", "2001-01-01T00:00:00Z"),
                ("format", "json"),
            ],
        ),
    )
    .await;
    let v = send(&app, get("posts/update", &alice, &[("format", "json")]))
        .await
        .json();
    let time = v["update_time"].as_str().unwrap_or("").to_owned();
    assert!(time.ends_with('Z') && time.len() == 20, "{time}");
    // The time of the change, not the bookmark's own date.
    assert!(time.as_str() >= first[0].as_str(), "{time} < {}", first[0]);
});

pinboard_test!(posts_suggest_offers_public_and_own_tags, |db, app| {
    let alice = account(&db, "alice", "write");
    let bob = account(&db, "bob", "write");
    let url = "https://rust-lang.org/learn";
    add(
        &app,
        get(
            "posts/add",
            &bob,
            &[("url", url), ("tags", "programming"), ("format", "json")],
        ),
    )
    .await;
    add(
        &app,
        get(
            "posts/add",
            &bob,
            &[
                ("url", "https://example.com/x"),
                ("tags", "secret"),
                ("shared", "no"),
                ("format", "json"),
            ],
        ),
    )
    .await;
    // Alice uses "rust" elsewhere; it appears in the URL.
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[
                ("url", "https://example.com/y"),
                ("tags", "rust cooking"),
                ("format", "json"),
            ],
        ),
    )
    .await;
    let v = send(
        &app,
        get("posts/suggest", &alice, &[("url", url), ("format", "json")]),
    )
    .await
    .json();
    assert_eq!(
        v,
        json!([{"popular": ["programming"]}, {"recommended": ["rust"]}])
    );
    let a = send(&app, get("posts/suggest", &alice, &[("url", url)])).await;
    assert!(
        a.body.ends_with(
            "<suggested><popular>programming</popular><recommended>rust</recommended></suggested>"
        ),
        "{}",
        a.body
    );
    // A page only bookmarked privately has no popular tags.
    let v = send(
        &app,
        get(
            "posts/suggest",
            &alice,
            &[("url", "https://example.com/x"), ("format", "json")],
        ),
    )
    .await
    .json();
    assert_eq!(v[0], json!({"popular": []}));
});

// ---------------------------------------------------------------------------
// tags/get, tags/delete, tags/rename

pinboard_test!(tags_get_counts_my_tags, |db, app| {
    let alice = account(&db, "alice", "write");
    four_bookmarks(&app, &alice).await;
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[
                ("url", "https://example.com/p"),
                ("tags", "hidden"),
                ("shared", "no"),
                ("format", "json"),
            ],
        ),
    )
    .await;
    let v = send(&app, get("tags/get", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(v, json!({"rust": 3, "web": 3, "db": 1, "hidden": 1}));
    let a = send(&app, get("tags/get", &alice, &[])).await;
    let names = xml_attrs(&a.body, "tag", "tag");
    let counts = xml_attrs(&a.body, "tag", "count");
    assert_eq!(names, ["rust", "web", "db", "hidden"]);
    assert_eq!(counts, ["3", "3", "1", "1"]);
});

pinboard_test!(tags_delete_removes_a_tag_everywhere, |db, app| {
    let alice = account(&db, "alice", "write");
    four_bookmarks(&app, &alice).await;
    let a = send(&app, get("tags/delete", &alice, &[("tag", "Rust")])).await;
    assert!(a.body.ends_with("<result>done</result>"), "{}", a.body);
    let v = send(&app, get("tags/get", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(v, json!({"web": 3, "db": 1}));
    let a = send(&app, get("tags/delete", &alice, &[("format", "json")])).await;
    assert_eq!(a.json(), json!({"result_code": "missing tag"}));
    let a = send(
        &app,
        get(
            "tags/delete",
            &alice,
            &[("tag", "never-used"), ("format", "json")],
        ),
    )
    .await;
    assert_eq!(a.json(), json!({"result": "done"}));
});

pinboard_test!(tags_rename_renames_and_merges, |db, app| {
    let alice = account(&db, "alice", "write");
    four_bookmarks(&app, &alice).await;
    let a = send(
        &app,
        get(
            "tags/rename",
            &alice,
            &[("old", "web"), ("new", "rust"), ("format", "json")],
        ),
    )
    .await;
    assert_eq!(a.json(), json!({"result": "done"}));
    let v = send(&app, get("tags/get", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(v, json!({"rust": 4, "db": 1}));
    let a = send(
        &app,
        get(
            "tags/rename",
            &alice,
            &[("old", "rust"), ("new", "Rustlang")],
        ),
    )
    .await;
    assert!(a.body.ends_with("<result>done</result>"), "{}", a.body);
    let v = send(&app, get("tags/get", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(v, json!({"Rustlang": 4, "db": 1}));
    let a = send(
        &app,
        get("tags/rename", &alice, &[("old", "db"), ("format", "json")]),
    )
    .await;
    assert_eq!(a.json(), json!({"result_code": "missing new"}));
    let a = send(
        &app,
        get(
            "tags/rename",
            &alice,
            &[("old", "db"), ("new", &"n".repeat(33)), ("format", "json")],
        ),
    )
    .await;
    assert_eq!(
        a.json(),
        json!({"result_code": "new too long: bukuma allows at most 32 characters"})
    );
});

// ---------------------------------------------------------------------------
// user/api_token and authentication

pinboard_test!(user_api_token_answers_a_working_secret, |db, app| {
    let alice = account(&db, "alice", "write");
    // With a token: the caller's own secret (bukuma keeps only hashes).
    let v = send(&app, get("user/api_token", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(v, json!({"result": alice.secret}));
    // With the password: a new token, which then works.
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/user/api_token"))
            .insert_header((header::AUTHORIZATION, basic("alice", PASSWORD)))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let secret = a
        .body
        .split("<result>")
        .nth(1)
        .and_then(|s| s.split("</result>").next())
        .unwrap_or("")
        .to_owned();
    assert!(secret.starts_with("bkm_"), "{}", a.body);
    assert_ne!(secret, alice.secret);
    let fresh = Account {
        auth: format!("alice:{secret}"),
        secret,
    };
    add(
        &app,
        get(
            "posts/add",
            &fresh,
            &[("url", "https://example.com/t"), ("format", "json")],
        ),
    )
    .await;
});

pinboard_test!(bad_credentials_answer_401, |db, app| {
    let alice = account(&db, "alice", "write");
    let bob = account(&db, "bob", "write");
    let requests = vec![
        (
            "no credentials",
            TestRequest::get().uri(&format!("{P}/posts/recent")),
        ),
        (
            "unknown token",
            TestRequest::get().uri(&format!("{P}/posts/recent?auth_token=alice:bkm_nope")),
        ),
        (
            "no username",
            TestRequest::get().uri(&format!("{P}/posts/recent?auth_token={}", alice.secret)),
        ),
        (
            "someone else's token",
            TestRequest::get().uri(&format!("{P}/posts/recent?auth_token=alice:{}", bob.secret)),
        ),
        (
            "wrong password",
            TestRequest::get()
                .uri(&format!("{P}/posts/recent"))
                .insert_header((header::AUTHORIZATION, basic("alice", "wrong password"))),
        ),
        (
            "unknown user",
            TestRequest::get()
                .uri(&format!("{P}/posts/recent"))
                .insert_header((header::AUTHORIZATION, basic("nobody", PASSWORD))),
        ),
        (
            "malformed Basic",
            TestRequest::get()
                .uri(&format!("{P}/posts/recent"))
                .insert_header((header::AUTHORIZATION, "Basic !!!")),
        ),
        (
            "a Bearer token",
            TestRequest::get()
                .uri(&format!("{P}/posts/recent"))
                .insert_header((header::AUTHORIZATION, format!("Bearer {}", alice.secret))),
        ),
    ];
    for (what, req) in requests {
        let a = send(&app, req.to_request()).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(
            xml_attrs(&a.body, "result", "code"),
            ["authentication failed"],
            "{what}"
        );
        assert_eq!(
            a.headers
                .get(header::WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok()),
            Some("Basic realm=\"API\""),
            "{what}"
        );
    }
    // The username matches regardless of case; the password works too.
    let upper = Account {
        auth: format!("ALICE:{}", alice.secret),
        secret: alice.secret.clone(),
    };
    assert_eq!(
        send(&app, get("posts/recent", &upper, &[])).await.status,
        StatusCode::OK
    );
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/posts/recent?format=json"))
            .insert_header((header::AUTHORIZATION, basic("alice", PASSWORD)))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["user"], "alice");
    // JSON errors are Pinboard's too, not problem documents.
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/tags/get?format=json"))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.json(), json!({"result_code": "authentication failed"}));
});

pinboard_test!(read_token_cannot_write, |db, app| {
    let writer = account(&db, "alice", "write");
    let reader = account(&db, "alice", "read");
    add(
        &app,
        get(
            "posts/add",
            &writer,
            &[
                ("url", "https://example.com/ro"),
                ("tags", "keep"),
                ("format", "json"),
            ],
        ),
    )
    .await;
    let writes: [(&str, Vec<(&str, &str)>); 4] = [
        ("posts/add", vec![("url", "https://example.com/new")]),
        ("posts/delete", vec![("url", "https://example.com/ro")]),
        ("tags/delete", vec![("tag", "keep")]),
        ("tags/rename", vec![("old", "keep"), ("new", "other")]),
    ];
    for (method, params) in writes {
        let a = send(&app, get(method, &reader, &params)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{method}");
        assert_eq!(
            xml_attrs(&a.body, "result", "code"),
            ["forbidden: this API token is read-only"],
            "{method}"
        );
    }
    // Nothing changed, and reading works.
    let v = send(&app, get("posts/all", &reader, &[("format", "json")]))
        .await
        .json();
    let all = v.as_array().cloned().unwrap_or_default();
    assert_eq!(hrefs(&all), ["https://example.com/ro"]);
    assert_eq!(all[0]["tags"], "keep");
    for method in [
        "posts/update",
        "posts/get",
        "posts/dates",
        "posts/recent",
        "tags/get",
        "user/api_token",
    ] {
        let a = send(&app, get(method, &reader, &[])).await;
        assert_eq!(a.status, StatusCode::OK, "{method}: {}", a.body);
    }
});

// ---------------------------------------------------------------------------
// Rate limits

pinboard_test!(
    too_many_calls_answer_429_with_retry_after,
    limits = Limits::default(),
    |db, app| {
        let alice = account(&db, "alice", "write");
        let bob = account(&db, "bob", "write");
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(send(&app, get("posts/all", &alice, &[])).await.status);
        }
        assert_eq!(
            statuses,
            [
                StatusCode::OK,
                StatusCode::OK,
                StatusCode::TOO_MANY_REQUESTS
            ]
        );
        let a = send(&app, get("posts/all", &alice, &[("format", "json")])).await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(a.json(), json!({"result_code": "too many requests"}));
        let retry: u64 = a
            .headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert!((1..=3).contains(&retry), "Retry-After: {retry}");
        // Other methods have their own, roomier limit; other users their own buckets.
        assert_eq!(
            send(&app, get("posts/recent", &alice, &[])).await.status,
            StatusCode::OK
        );
        assert_eq!(
            send(&app, get("posts/all", &bob, &[])).await.status,
            StatusCode::OK
        );
    }
);

pinboard_test!(
    ordinary_calls_have_a_generous_limit,
    limits = Limits {
        general: Rate {
            burst: 5,
            every: Duration::from_secs(60),
        },
        ..Limits::default()
    },
    |db, app| {
        let alice = account(&db, "alice", "write");
        for _ in 0..5 {
            assert_eq!(
                send(&app, get("tags/get", &alice, &[])).await.status,
                StatusCode::OK
            );
        }
        let a = send(
            &app,
            get("posts/add", &alice, &[("url", "https://example.com/")]),
        )
        .await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
        let retry = a
            .headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok());
        assert!(
            retry.is_some_and(|r| r.parse::<u64>().is_ok_and(|s| (55..=60).contains(&s))),
            "{retry:?}"
        );
    }
);

// ---------------------------------------------------------------------------
// Privacy and robustness

pinboard_test!(private_bookmarks_are_never_visible_to_others, |db, app| {
    let alice = account(&db, "alice", "write");
    let bob = account(&db, "bob", "write");
    let url = "https://example.com/private";
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[
                ("url", url),
                ("tags", "secret"),
                ("extended", "mine"),
                ("shared", "no"),
                ("format", "json"),
            ],
        ),
    )
    .await;
    // Alice sees it.
    let v = send(
        &app,
        get("posts/get", &alice, &[("url", url), ("format", "json")]),
    )
    .await
    .json();
    assert_eq!(posts_of(&v)[0]["shared"], "no");
    // Bob sees nothing of it anywhere.
    for (method, params) in [
        ("posts/get", vec![("url", url)]),
        ("posts/get", vec![]),
        ("posts/recent", vec![]),
        ("posts/all", vec![]),
        ("posts/dates", vec![]),
        ("tags/get", vec![]),
        ("posts/suggest", vec![("url", url)]),
        ("posts/update", vec![]),
    ] {
        let mut params = params;
        params.push(("format", "json"));
        let a = send(&app, get(method, &bob, &params)).await;
        assert_eq!(a.status, StatusCode::OK, "{method}");
        assert!(!a.body.contains("private"), "{method}: {}", a.body);
        assert!(!a.body.contains("secret"), "{method}: {}", a.body);
        assert!(!a.body.contains("mine"), "{method}: {}", a.body);
    }
    // Bob cannot delete or retag it.
    let a = send(
        &app,
        get("posts/delete", &bob, &[("url", url), ("format", "json")]),
    )
    .await;
    assert_eq!(a.json(), json!({"result_code": "item not found"}));
    send(&app, get("tags/delete", &bob, &[("tag", "secret")])).await;
    let v = send(&app, get("tags/get", &alice, &[("format", "json")]))
        .await
        .json();
    assert_eq!(v, json!({"secret": 1}));
});

pinboard_test!(odd_requests_never_answer_5xx, |db, app| {
    let alice = account(&db, "alice", "write");
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/posts/nothing?format=json"))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json(), json!({"result_code": "unknown method"}));
    let a = send(
        &app,
        TestRequest::delete()
            .uri(&format!("{P}/posts/get"))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/posts/get?auth_token=%FF%FE"))
            .to_request(),
    )
    .await;
    // Bytes that are not UTF-8 are decoded lossily: bad credentials, no more.
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    // A trailing slash is fine.
    let a = send(
        &app,
        TestRequest::get()
            .uri(&format!("{P}/tags/get/?auth_token={}", alice.auth))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let huge = "x".repeat(200 * 1024);
    let a = send(
        &app,
        TestRequest::post()
            .uri(&format!("{P}/posts/add"))
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(format!("auth_token={}&url={huge}", alice.auth))
            .to_request(),
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    let odd: [(&str, &str); 10] = [
        ("dt", "99999-01-01"),
        ("dt", "0000-01-01T00:00:00Z"),
        ("dt", "-1"),
        ("fromdt", "2024-13-45"),
        ("count", "-5"),
        ("count", "99999999999999999999999"),
        ("results", "9223372036854775807"),
        ("start", "9223372036854775807"),
        ("tag", "\u{1}"),
        ("url", "http://[::1"),
    ];
    for method in [
        "posts/add",
        "posts/get",
        "posts/recent",
        "posts/all",
        "posts/dates",
        "posts/delete",
        "posts/suggest",
        "tags/rename",
        "tags/delete",
    ] {
        for (k, v) in odd {
            let params = [
                (k, v),
                ("url", "https://example.com/odd"),
                ("old", "\u{0}"),
                ("new", "\u{7f}x"),
                ("tag", " "),
            ];
            let a = send(&app, get(method, &alice, &params)).await;
            assert!(
                a.status.is_success(),
                "{method} {k}={v:?}: {} {}",
                a.status,
                a.body
            );
        }
    }
});

pinboard_test!(posts_all_window_covers_whole_seconds, |db, app| {
    let alice = account(&db, "alice", "write");
    // Stored with the current time, which has fractions of a second.
    add(
        &app,
        get(
            "posts/add",
            &alice,
            &[("url", "https://example.com/now"), ("format", "json")],
        ),
    )
    .await;
    let v = send(&app, get("posts/recent", &alice, &[("format", "json")]))
        .await
        .json();
    let time = posts_of(&v)[0]["time"].as_str().unwrap_or("").to_owned();
    let v = send(
        &app,
        get(
            "posts/all",
            &alice,
            &[("fromdt", &time), ("todt", &time), ("format", "json")],
        ),
    )
    .await
    .json();
    assert_eq!(
        hrefs(v.as_array().map_or(&[][..], Vec::as_slice)),
        ["https://example.com/now"]
    );
});
