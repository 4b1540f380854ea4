//! posts/add, get, delete, dates, recent, all, update and suggest.

use super::*;

async fn posts_add_then_get_round_trips_every_field(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_add_then_get_round_trips_every_field);

async fn xml_escapes_what_users_type(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async xml_escapes_what_users_type);

async fn posts_add_with_replace_no_refuses_an_existing_bookmark(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
both_backends!(async posts_add_with_replace_no_refuses_an_existing_bookmark);

async fn posts_add_refuses_what_bukuma_cannot_store_whole(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
both_backends!(async posts_add_refuses_what_bukuma_cannot_store_whole);

async fn posts_add_and_delete_need_a_url(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_add_and_delete_need_a_url);

async fn posts_add_accepts_a_post_form(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_add_accepts_a_post_form);

// ---------------------------------------------------------------------------
// posts/delete

async fn posts_delete_removes_the_bookmark(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_delete_removes_the_bookmark);

// ---------------------------------------------------------------------------
// posts/get by day and tag, posts/dates, posts/recent, posts/all

async fn posts_get_lists_one_day_filtered_by_tags(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_get_lists_one_day_filtered_by_tags);

async fn posts_dates_counts_bookmarks_per_day(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_dates_counts_bookmarks_per_day);

async fn posts_recent_lists_the_newest_bookmarks(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_recent_lists_the_newest_bookmarks);

async fn posts_recent_shows_15_by_default(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_recent_shows_15_by_default);

async fn posts_all_pages_and_filters(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_all_pages_and_filters);

async fn meta_changes_when_the_bookmark_changes(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async meta_changes_when_the_bookmark_changes);

// ---------------------------------------------------------------------------
// posts/update, posts/suggest

async fn posts_update_tells_when_bookmarks_last_changed(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_update_tells_when_bookmarks_last_changed);

async fn posts_suggest_offers_public_and_own_tags(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async posts_suggest_offers_public_and_own_tags);
