//! Import, export and the private note over HTTP, on both backends.

use crate::harness::{both_backends, service, state, TestService};
use actix_web::body::MessageBody;
use actix_web::http::StatusCode;
use actix_web::{test, web};
use bukuma_db::bookmarks::{self, UserFilter};
use bukuma_db::testing::audit;
use bukuma_db::testing::TestDb;
use bukuma_db::{users, Backend, Db};
use serde_json::{json, Value};

async fn call<S: TestService<B>, B: MessageBody>(
    app: &S,
    req: test::TestRequest,
) -> (StatusCode, web::Bytes) {
    let res = test::call_service(app, req.to_request()).await;
    let status = res.status();
    (status, test::read_body(res).await)
}

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body).expect("a JSON body")
}

async fn register<S: TestService<B>, B: MessageBody>(app: &S, name: &str) -> String {
    let (status, body) = call(
        app,
        test::TestRequest::post()
            .uri("/api/v1/auth/register")
            .set_json(json!({"username": name, "password": "correct horse battery"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body:?}");
    format!(
        "Bearer {}",
        json_of(&body)["access_token"].as_str().expect("token")
    )
}

const BOUNDARY: &str = "----bukuma-test-boundary";

fn upload(token: &str, file: &[u8]) -> test::TestRequest {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bookmarks\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    test::TestRequest::post()
        .uri("/api/v1/me/import")
        .insert_header(("authorization", token))
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .set_payload(body)
}

type Row = (String, String, String, String, Vec<String>, bool, bool, i64);

/// Every field of a user's bookmarks that an export carries, by URL.
fn rows(db: &Db, name: &str) -> Vec<Row> {
    let user = db
        .read(|c| users::find_by_name(c, name))
        .expect("read")
        .expect("user");
    let page = db
        .read(|c| bookmarks::list_for_user(c, user.id, true, &UserFilter::default(), None, 100))
        .expect("list");
    let mut rows: Vec<Row> = page
        .items
        .into_iter()
        .map(|v| {
            (
                v.entry.url.clone(),
                v.entry.title.clone(),
                v.bookmark.comment.clone(),
                v.bookmark.note.clone(),
                v.bookmark.tag_list(),
                v.bookmark.is_private,
                v.bookmark.read_later,
                v.bookmark.created_at,
            )
        })
        .collect();
    rows.sort();
    rows
}

fn assert_consistent(db: &Db) {
    let problems = db.read(audit::check_counters).expect("audit");
    assert!(problems.is_empty(), "counters differ: {problems:#?}");
}

/// alice's bookmarks: every field set in some way.
async fn seed<S: TestService<B>, B: MessageBody>(app: &S, token: &str) {
    let long = "長いメモ & <markup> \"quoted\"\n".repeat(20);
    for body in [
        json!({"url": "https://example.com/a?x=1&y=2", "title": "A & <b>", "comment": "short comment",
               "note": long, "tags": ["rust", "日本語"], "private": false, "read_later": true}),
        json!({"url": "https://example.org/private", "title": "Secret", "comment": "",
               "note": "just a note", "tags": [], "private": true}),
        json!({"url": "https://example.net/", "comment": "no title, no tags"}),
    ] {
        let (status, res) = call(
            app,
            test::TestRequest::post()
                .uri("/api/v1/bookmarks")
                .insert_header(("authorization", token))
                .set_json(body),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{res:?}");
    }
}

async fn export_then_import_gives_identical_bookmarks(backend: Backend) {
    let t = TestDb::new(backend);
    let app = service(state(&t)).await;
    let alice = register(&app, "alice").await;
    seed(&app, &alice).await;
    let expected = rows(&t.db, "alice");
    assert_eq!(expected.len(), 3);
    for (n, format) in ["netscape", "json"].into_iter().enumerate() {
        let (status, file) = call(
            &app,
            test::TestRequest::get()
                .uri(&format!("/api/v1/me/export?format={format}"))
                .insert_header(("authorization", alice.as_str())),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        // Into a fresh user of the same database…
        let name = format!("bob{n}");
        let bob = register(&app, &name).await;
        let (status, report) = call(&app, upload(&bob, &file)).await;
        assert_eq!(status, StatusCode::OK, "{report:?}");
        let report = json_of(&report);
        assert_eq!(report["imported"], 3, "{report}");
        assert_eq!(report["errors"], json!([]), "{report}");
        assert_eq!(rows(&t.db, &name), expected, "{format}");
        // …and into a fresh database, where the titles come from the file.
        let fresh = TestDb::new(backend);
        let fresh_app = service(state(&fresh)).await;
        let carol = register(&fresh_app, "carol").await;
        let (status, _) = call(&fresh_app, upload(&carol, &file)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(rows(&fresh.db, "carol"), expected, "{format}");
        assert_consistent(&fresh.db);
    }
    assert_consistent(&t.db);
}
both_backends!(async export_then_import_gives_identical_bookmarks);

const BROWSER_FILE: &str = r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://a.example/" ADD_DATE="1600000000" PRIVATE="0" TAGS="x,y">A</A>
        <DD>Nice page
        <DT><H3>Read Me</H3>
        <DL><p>
            <DT><A HREF="https://b.example/" ADD_DATE="1600000001" TOREAD="1">B</A>
        </DL><p>
    </DL><p>
    <DT><A HREF="place:sort=8">Recent tags</A>
</DL><p>
"#;

async fn importing_the_same_file_twice_changes_nothing(backend: Backend) {
    let t = TestDb::new(backend);
    let app = service(state(&t)).await;
    let alice = register(&app, "alice").await;
    let (status, first) = call(&app, upload(&alice, BROWSER_FILE.as_bytes())).await;
    assert_eq!(status, StatusCode::OK, "{first:?}");
    let first = json_of(&first);
    assert_eq!(first["format"], "netscape");
    assert_eq!(first["imported"], 2);
    assert_eq!(first["errors"][0]["line"], 15, "{first}");
    let before = rows(&t.db, "alice");
    assert_eq!(before[0].4, ["x", "y"]);
    assert!(!before[0].5, "PRIVATE=\"0\" is public");
    assert_eq!(before[1].4, ["Read_Me"]);
    assert!(before[1].5 && before[1].6, "private by default, read later");
    assert_eq!(before[1].7, 1_600_000_001_000_000);
    let updated_at = |db: &Db| {
        db.read(|c| {
            let user = users::find_by_name(c, "alice")?.ok_or(bukuma_db::DbError::NotFound)?;
            bookmarks::list_for_user(c, user.id, true, &UserFilter::default(), None, 10)
        })
        .expect("list")
        .items
        .into_iter()
        .map(|v| v.bookmark.updated_at)
        .collect::<Vec<_>>()
    };
    let stamps = updated_at(&t.db);
    let (status, second) = call(&app, upload(&alice, BROWSER_FILE.as_bytes())).await;
    assert_eq!(status, StatusCode::OK);
    let second = json_of(&second);
    assert_eq!(
        (&second["imported"], &second["updated"], &second["skipped"]),
        (&json!(0), &json!(0), &json!(2)),
        "{second}"
    );
    assert_eq!(rows(&t.db, "alice"), before);
    assert_eq!(updated_at(&t.db), stamps);
    assert_consistent(&t.db);
}
both_backends!(async importing_the_same_file_twice_changes_nothing);

async fn note_is_shown_to_its_owner_alone(backend: Backend) {
    let t = TestDb::new(backend);
    let app = service(state(&t)).await;
    let alice = register(&app, "alice").await;
    let bob = register(&app, "bob").await;
    let (status, created) = call(
        &app,
        test::TestRequest::post()
            .uri("/api/v1/bookmarks")
            .insert_header(("authorization", alice.as_str()))
            .set_json(
                json!({"url": "https://example.com/", "comment": "hi", "note": "my\nsecret"}),
            ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let created = json_of(&created);
    assert_eq!(created["note"], "my\nsecret");
    let id = created["id"].as_i64().expect("id");
    let get = |token: Option<&str>, uri: String| {
        let mut req = test::TestRequest::get().uri(&uri);
        if let Some(t) = token {
            req = req.insert_header(("authorization", t.to_owned()));
        }
        req
    };
    let (_, mine) = call(&app, get(Some(&alice), format!("/api/v1/bookmarks/{id}"))).await;
    assert_eq!(json_of(&mine)["note"], "my\nsecret");
    for (token, uri) in [
        (None, format!("/api/v1/bookmarks/{id}")),
        (Some(bob.as_str()), format!("/api/v1/bookmarks/{id}")),
        (None, "/api/v1/users/alice/bookmarks".to_owned()),
        (
            Some(bob.as_str()),
            "/api/v1/users/alice/bookmarks".to_owned(),
        ),
    ] {
        let (status, body) = call(&app, get(token, uri.clone())).await;
        assert_eq!(status, StatusCode::OK);
        let text = String::from_utf8_lossy(&body);
        assert!(!text.contains("secret"), "{uri}: {text}");
        assert!(!text.contains("\"note\""), "{uri}: {text}");
    }
    let (status, patched) = call(
        &app,
        test::TestRequest::patch()
            .uri(&format!("/api/v1/bookmarks/{id}"))
            .insert_header(("authorization", alice.as_str()))
            .set_json(json!({"note": "x".repeat(10_001)})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json_of(&patched)["errors"][0]["field"], "note");
}
both_backends!(async note_is_shown_to_its_owner_alone);

async fn import_requires_a_writer_and_a_file(backend: Backend) {
    let t = TestDb::new(backend);
    let app = service(state(&t)).await;
    let (status, _) = call(&app, upload("Bearer nope", BROWSER_FILE.as_bytes())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let alice = register(&app, "alice").await;
    let (_, token) = call(
        &app,
        test::TestRequest::post()
            .uri("/api/v1/me/tokens")
            .insert_header(("authorization", alice.as_str()))
            .set_json(json!({"name": "reader", "scope": "read"})),
    )
    .await;
    let read_only = format!(
        "Bearer {}",
        json_of(&token)["token"].as_str().expect("token")
    );
    let (status, _) = call(&app, upload(&read_only, BROWSER_FILE.as_bytes())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        test::TestRequest::post()
            .uri("/api/v1/me/import")
            .insert_header(("authorization", alice.as_str()))
            .set_json(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, body) = call(&app, upload(&alice, b"hello, world")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json_of(&body)["errors"][0]["field"], "file");
    // Export works with a read-only token and includes nothing of others.
    let (status, body) = call(
        &app,
        test::TestRequest::get()
            .uri("/api/v1/me/export?format=json")
            .insert_header(("authorization", read_only.as_str())),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json_of(&body), json!([]));
}
both_backends!(async import_requires_a_writer_and_a_file);

/// 200 nested folders with 1 000-character names around 300 links.
fn deep_folder_file() -> String {
    let mut file = String::from("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n");
    for d in 0..200 {
        let name: String = format!("Folder{d} {}", "n".repeat(1000))
            .chars()
            .take(1000)
            .collect();
        file.push_str(&format!("<DT><H3>{name}</H3>\n<DL><p>\n"));
    }
    for i in 0..300 {
        file.push_str(&format!(
            "<DT><A HREF=\"https://deep.example/{i}\">Link {i}</A>\n"
        ));
    }
    file.push_str(&"</DL><p>\n".repeat(201));
    file
}

async fn a_deep_folder_file_imports_with_its_outermost_folders_as_tags(backend: Backend) {
    let t = TestDb::new(backend);
    let app = service(state(&t)).await;
    let alice = register(&app, "alice").await;
    let (status, body) = call(&app, upload(&alice, deep_folder_file().as_bytes())).await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    let report = json_of(&body);
    assert_eq!(report["imported"], 300, "{report}");
    assert_eq!(report["errors"], json!([]));
    let rows = rows(&t.db, "alice");
    assert_eq!(rows.len(), 100, "the first page of them");
    for row in &rows {
        assert_eq!(row.4.len(), 5, "{:?}", row.4);
        assert!(row.4[0].starts_with("Folder0_nnn"), "{:?}", row.4);
        assert!(row.4.iter().all(|t| t.chars().count() == 32), "{:?}", row.4);
    }
    assert_consistent(&t.db);
}
both_backends!(async a_deep_folder_file_imports_with_its_outermost_folders_as_tags);

async fn a_second_import_waits_for_the_first(backend: Backend) {
    let t = TestDb::new(backend);
    let state = state(&t);
    let app = service(state.clone()).await;
    let alice = register(&app, "alice").await;
    let bob = register(&app, "bob").await;
    let alice_id =
        t.db.read(|c| users::find_by_name(c, "alice"))
            .expect("read")
            .expect("alice")
            .id;
    // As while an import of alice's runs.
    let running = state.imports.start(alice_id).expect("no import runs yet");
    assert!(state.imports.start(alice_id).is_none());
    let (status, body) = call(&app, upload(&alice, BROWSER_FILE.as_bytes())).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body:?}");
    assert_eq!(json_of(&body)["type"], "/problems/conflict", "{body:?}");
    // Others import meanwhile, and alice once hers has ended.
    let (status, _) = call(&app, upload(&bob, BROWSER_FILE.as_bytes())).await;
    assert_eq!(status, StatusCode::OK);
    drop(running);
    let (status, body) = call(&app, upload(&alice, BROWSER_FILE.as_bytes())).await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
}
both_backends!(async a_second_import_waits_for_the_first);
