//! Two real `bukuma serve` processes on one database and one search
//! directory: one indexes, and when it is killed the other takes over.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long the index may take to show a write (the indexer commits about
/// once a second; a takeover waits for the lock poll too).
const DEADLINE: Duration = Duration::from_secs(30);

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(db: &str, data: &std::path::Path, search: &std::path::Path) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_bukuma"))
            .arg("serve")
            .env("DATABASE_URL", db)
            .env("BUKUMA_DATA_DIR", data)
            .env("BUKUMA_SEARCH_DIR", search)
            .env("BUKUMA_BIND", format!("127.0.0.1:{port}"))
            .env("BUKUMA_FETCH_METADATA", "false")
            .env(
                "BUKUMA_JWT_SECRET",
                "search-processes-test-secret-0123456789",
            )
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start bukuma serve");
        let server = Server { child, port };
        let started = Instant::now();
        while server.call("GET", "/readyz", None, None).map(|r| r.0) != Some(200) {
            assert!(started.elapsed() < DEADLINE, "server did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// One HTTP/1.1 request; the status and JSON body, or `None` when the
    /// server does not answer.
    fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Option<(u16, Value)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        let body = body.map(Value::to_string).unwrap_or_default();
        let auth = token
            .map(|t| format!("authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n{auth}\
             content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).ok()?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).ok()?;
        let text = String::from_utf8_lossy(&response);
        let status = text.split(' ').nth(1)?.parse().ok()?;
        let (head, rest) = text.split_once("\r\n\r\n")?;
        let payload = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(rest)
        } else {
            rest.to_owned()
        };
        Some((
            status,
            serde_json::from_str(&payload).unwrap_or(Value::Null),
        ))
    }

    /// Entry titles of a search for `word`.
    fn titles(&self, word: &str) -> Vec<String> {
        let path = format!("/api/v1/search?q={word}");
        let Some((200, page)) = self.call("GET", &path, None, None) else {
            return Vec::new();
        };
        page["entries"]
            .as_array()
            .map(|hits| {
                hits.iter()
                    .filter_map(|h| h["entry"]["title"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits until a search for `word` finds `title`.
    fn wait_for(&self, word: &str, title: &str) {
        let started = Instant::now();
        while !self.titles(word).iter().any(|t| t == title) {
            assert!(
                started.elapsed() < DEADLINE,
                "{title} never became searchable on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

#[test]
fn a_second_server_takes_over_indexing_when_the_first_dies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}", dir.path().join("bukuma.sqlite3").display());
    let search = dir.path().join("search");
    let first = Server::start(&db, dir.path(), &search);
    let second = Server::start(&db, dir.path(), &search);
    let (status, session) = first
        .call(
            "POST",
            "/api/v1/auth/register",
            None,
            Some(&json!({"username": "alice", "password": "correct horse battery"})),
        )
        .expect("register");
    assert_eq!(status, 201, "{session}");
    let token = session["access_token"].as_str().expect("token").to_owned();
    let save = |server: &Server, url: &str, title: &str| {
        let (status, body) = server
            .call(
                "POST",
                "/api/v1/bookmarks",
                Some(&token),
                Some(&json!({"url": url, "title": title})),
            )
            .expect("save");
        assert_eq!(status, 201, "{body}");
    };
    // The first server started first and holds the writer lock; a write
    // through either shows in both.
    save(&second, "https://one.example/", "交代前の記事");
    first.wait_for("%E4%BA%A4%E4%BB%A3", "交代前の記事");
    second.wait_for("%E4%BA%A4%E4%BB%A3", "交代前の記事");
    // Killed without a chance to release anything.
    drop(first);
    save(&second, "https://two.example/", "交代後の記事");
    second.wait_for("%E4%BA%A4%E4%BB%A3", "交代後の記事");
}
