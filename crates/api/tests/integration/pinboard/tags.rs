//! tags/get, tags/delete and tags/rename.

use super::*;

async fn tags_get_counts_my_tags(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async tags_get_counts_my_tags);

async fn tags_delete_removes_a_tag_everywhere(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async tags_delete_removes_a_tag_everywhere);

async fn tags_rename_renames_and_merges(backend: Backend) {
    let (db, app) = pinboard_app(backend, roomy()).await;
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
}
both_backends!(async tags_rename_renames_and_merges);
