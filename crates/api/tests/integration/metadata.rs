//! The page-metadata job against pages served on 127.0.0.1, on both backends.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use bukuma_api::jobs;
use bukuma_db::testing::builders::EntryBuilder;
use bukuma_db::testing::TestDb;
use bukuma_db::{entries, now_micros, Backend, Db};
use bukuma_domain::EntryId;

use crate::harness::both_backends;
use bukuma_fetch::{FetchConfig, Fetcher};

/// Serves each request path from `routes` (status, content type, body) on a free port.
fn serve(routes: Vec<(&'static str, u16, &'static str, Vec<u8>)>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                    break;
                }
            }
            let (status, ctype, body) = routes
                .iter()
                .find(|r| r.0 == path)
                .map(|r| (r.1, r.2, r.3.clone()))
                .unwrap_or((404, "text/plain", b"no".to_vec()));
            let mut out = stream;
            let _ = write!(
                out,
                "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = out.write_all(&body);
        }
    });
    port
}

fn bookmark(db: &Db, url: &str, title: &str) -> EntryId {
    db.write(|c| EntryBuilder::new(url).title(title).insert(c))
        .expect("bookmark")
        .id
}

fn local_fetcher() -> Fetcher {
    Fetcher::new(FetchConfig {
        allow_private: vec!["127.0.0.0/8".parse().expect("cidr")],
        ..FetchConfig::default()
    })
    .expect("fetcher")
}

async fn fills_metadata_and_records_failures(backend: Backend) {
    let t = TestDb::new(backend);
    let page = "<html><head><meta charset=\"utf-8\"><title>Real &amp; title</title>\
        <meta property=\"og:description\" content=\"What the page says\">\
        <meta property=\"og:image\" content=\"/img.png\"></head><body></body></html>";
    let port = serve(vec![
        ("/page", 200, "text/html", page.as_bytes().to_vec()),
        ("/down", 503, "text/html", b"busy".to_vec()),
    ]);
    let good = bookmark(
        &t.db,
        &format!("http://127.0.0.1:{port}/page"),
        "typed title",
    );
    let flaky = bookmark(
        &t.db,
        &format!("http://127.0.0.1:{port}/down"),
        "kept title",
    );
    let gone = bookmark(&t.db, &format!("http://127.0.0.1:{port}/missing"), "");

    let tried = jobs::fetch_due(&t.db, &local_fetcher())
        .await
        .expect("fetch round");
    assert_eq!(tried, 3);

    let e =
        t.db.read(|c| entries::find(c, good))
            .expect("read")
            .expect("entry");
    assert_eq!(e.title, "Real & title");
    assert_eq!(e.summary, "What the page says");
    assert_eq!(
        e.thumbnail_url,
        Some(format!("http://127.0.0.1:{port}/img.png"))
    );
    assert_eq!(
        e.favicon_url,
        Some(format!("http://127.0.0.1:{port}/favicon.ico"))
    );

    let (status, attempts, next, error) =
        t.db.read(|c| entries::fetch_state(c, flaky))
            .expect("state");
    assert_eq!((status.as_str(), attempts), ("retrying", 1));
    assert!(next.expect("retry scheduled") > now_micros(), "backs off");
    assert!(error.is_some());
    let e =
        t.db.read(|c| entries::find(c, flaky))
            .expect("read")
            .expect("entry");
    assert_eq!(
        e.title, "kept title",
        "a failed fetch keeps the typed title"
    );

    let (status, _, next, _) = t.db.read(|c| entries::fetch_state(c, gone)).expect("state");
    assert_eq!(
        (status.as_str(), next),
        ("failed", None),
        "404 is permanent"
    );

    // Nothing is due now: the retry waits for its backoff.
    assert_eq!(
        jobs::fetch_due(&t.db, &local_fetcher())
            .await
            .expect("round"),
        0
    );
}
both_backends!(async fills_metadata_and_records_failures);

async fn never_fetches_private_addresses_by_default(backend: Backend) {
    let t = TestDb::new(backend);
    let port = serve(vec![(
        "/",
        200,
        "text/html",
        b"<title>secret</title>".to_vec(),
    )]);
    let id = bookmark(&t.db, &format!("http://127.0.0.1:{port}/"), "");
    let fetcher = Fetcher::new(FetchConfig::default()).expect("fetcher");
    jobs::fetch_due(&t.db, &fetcher).await.expect("round");
    let (status, _, _, error) = t.db.read(|c| entries::fetch_state(c, id)).expect("state");
    assert_eq!(status, "failed");
    assert!(error.unwrap_or_default().contains("127.0.0.1"));
    assert_eq!(
        t.db.read(|c| entries::find(c, id))
            .expect("read")
            .expect("e")
            .title,
        ""
    );
}
both_backends!(async never_fetches_private_addresses_by_default);
