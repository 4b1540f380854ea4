//! HTTP hardening and operations: request-body timeouts on a real socket,
//! security headers, CORS, readiness on a full disk, `/metrics`, and the
//! web app served by the binary from any directory.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use actix_web::http::Method;
use actix_web::{web, HttpServer};
use bukuma_api::{AppState, Config};

use crate::harness::*;

/// The app on a real socket of its own, with `change` applied to the
/// tests' configuration; the server stops with the returned handle.
fn serve(
    t: &TestDb,
    change: impl FnOnce(&mut Config),
) -> (SocketAddr, actix_web::dev::ServerHandle) {
    let mut config = Config::for_tests(&t.url);
    change(&mut config);
    let state = web::Data::new(AppState::new(t.db.clone(), config));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = HttpServer::new(move || bukuma_api::app(state.clone()))
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addr, handle)
}

/// Sends `head` and `body` on a new connection, then waits for the head of
/// the response; returns its status line and how long it took to come.
fn stalled(addr: SocketAddr, head: String, body: Vec<u8>) -> (String, Duration) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    s.write_all(head.as_bytes()).expect("head");
    s.write_all(&body).expect("body");
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => panic!("no answer to a stalled body: {e}"),
        }
    }
    let text = String::from_utf8_lossy(&got).into_owned();
    let status = text.lines().next().unwrap_or("").to_owned();
    (status, started.elapsed())
}

/// A whole request on a new connection; returns the response.
fn exchange(addr: SocketAddr, request: String) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    s.write_all(request.as_bytes()).expect("request");
    let mut got = String::new();
    s.read_to_string(&mut got).expect("response");
    got
}

#[actix_web::test]
async fn a_stalled_body_is_cut_off_with_408() {
    let t = TestDb::new(Backend::Sqlite);
    let (addr, server) = serve(&t, |c| c.body_timeout_secs = 1);
    let (status, took) = web::block(move || {
        let head = format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        );
        stalled(addr, head, b"{\"username\": \"x".to_vec())
    })
    .await
    .expect("client");
    assert!(status.contains(" 408 "), "got {status:?}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    server.stop(false).await;
}

#[actix_web::test]
async fn a_stalled_multipart_upload_is_cut_off_with_408() {
    let t = TestDb::new(Backend::Sqlite);
    let (addr, server) = serve(&t, |c| c.body_timeout_secs = 1);
    let (status, took) = web::block(move || {
        let body = r#"{"username":"stall","password":"correct horse battery"}"#;
        let registered = exchange(
            addr,
            format!(
                "POST /api/v1/auth/register HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        let json = registered.split("\r\n\r\n").nth(1).expect("a body");
        let token = serde_json::from_str::<Value>(json).expect("JSON")["access_token"]
            .as_str()
            .expect("a token")
            .to_owned();
        let head = format!(
            "POST /api/v1/me/import HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: 1000000\r\n\r\n"
        );
        let part = "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; \
                    filename=\"b.html\"\r\nContent-Type: text/html\r\n\r\n<DL><p>";
        stalled(addr, head, part.as_bytes().to_vec())
    })
    .await
    .expect("client");
    assert!(status.contains(" 408 "), "got {status:?}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    server.stop(false).await;
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new(Backend::Sqlite).await;
    for res in [
        app.get("/healthz", None).await,
        app.get("/api/v1/no-such-thing", None).await,
    ] {
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(
            res.header("referrer-policy"),
            Some("strict-origin-when-cross-origin")
        );
        assert_eq!(res.header("x-frame-options"), Some("DENY"));
        assert_eq!(
            res.header("content-security-policy"),
            Some("frame-ancestors 'none'")
        );
        assert_eq!(res.header("strict-transport-security"), None);
    }
}

#[actix_web::test]
async fn hsts_is_sent_when_the_public_url_is_https() {
    let app = TestApp::configured(Backend::Sqlite, |c| {
        c.public_url = Some("https://bukuma.example".into());
    })
    .await;
    let res = app.get("/healthz", None).await;
    assert!(res
        .header("strict-transport-security")
        .is_some_and(|v| v.starts_with("max-age=")));
}

#[actix_web::test]
async fn the_web_app_html_has_a_strict_content_security_policy() {
    let dist = tempfile::tempdir().expect("dir");
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><div id=root></div>",
    )
    .expect("index");
    let root = dist.path().to_path_buf();
    let app = TestApp::configured(Backend::Sqlite, move |c| c.static_dir = Some(root)).await;
    for path in ["/", "/u/someone/bookmarks", "/index.html"] {
        let res = app.get(path, None).await;
        assert_eq!(res.status.as_u16(), 200, "{path}");
        let csp = res.header("content-security-policy").expect("a policy");
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp} lacks {directive}");
        }
        assert!(!csp.contains("unsafe-inline"), "{csp}");
    }
}

#[actix_web::test]
async fn readyz_is_unavailable_when_the_disk_is_nearly_full() {
    let app = TestApp::configured(Backend::Sqlite, |c| c.min_free_mb = u64::MAX / 2).await;
    let body = app.get("/readyz", None).await.problem(503);
    assert!(
        body["detail"].as_str().is_some_and(|d| d.contains("disk")),
        "{body}"
    );
    let app = TestApp::configured(Backend::Sqlite, |c| c.min_free_mb = 1).await;
    app.get("/readyz", None).await.expect(200);
}

#[actix_web::test]
async fn the_bearer_api_answers_other_origins_without_credentials() {
    let app = TestApp::new(Backend::Sqlite).await;
    let preflight = app
        .send(
            app.request(Method::OPTIONS, "/api/v1/bookmarks", None)
                .insert_header(("Origin", "https://client.example"))
                .insert_header(("Access-Control-Request-Method", "POST"))
                .insert_header((
                    "Access-Control-Request-Headers",
                    "authorization, content-type",
                )),
        )
        .await;
    assert!(preflight.status.is_success(), "{:?}", preflight.status);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert!(preflight
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("POST")));
    assert_eq!(preflight.header("access-control-allow-credentials"), None);

    let res = app
        .send(
            app.request(Method::GET, "/api/v1/entries/hot", None)
                .insert_header(("Origin", "https://client.example")),
        )
        .await;
    res.expect(200);
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(res.header("access-control-allow-credentials"), None);
}

#[actix_web::test]
async fn cookie_routes_never_answer_other_origins() {
    let app = TestApp::new(Backend::Sqlite).await;
    for path in ["/api/v1/auth/refresh", "/api/v1/auth/logout"] {
        let preflight = app
            .send(
                app.request(Method::OPTIONS, path, None)
                    .insert_header(("Origin", "https://evil.example"))
                    .insert_header(("Access-Control-Request-Method", "POST")),
            )
            .await;
        assert_eq!(
            preflight.header("access-control-allow-origin"),
            None,
            "{path}"
        );
        let res = app
            .send(
                app.request(Method::POST, path, None)
                    .insert_header(("Origin", "https://evil.example"))
                    .set_json(json!({})),
            )
            .await;
        res.problem(403);
        assert_eq!(res.header("access-control-allow-origin"), None, "{path}");
    }
    // The web app's own origin is let through (to fail for want of a token).
    let res = app
        .send(
            app.request(Method::POST, "/api/v1/auth/refresh", None)
                .insert_header(("Host", "bukuma.test:8080"))
                .insert_header(("Origin", "http://bukuma.test:8080"))
                .set_json(json!({})),
        )
        .await;
    assert_ne!(res.status.as_u16(), 403, "{:?}", res.body);
}

#[actix_web::test]
async fn metrics_are_off_by_default() {
    let app = TestApp::new(Backend::Sqlite).await;
    app.get("/metrics", None).await.problem(404);
}

#[actix_web::test]
async fn metrics_count_requests_by_route_template() {
    let app = TestApp::configured(Backend::Sqlite, |c| c.metrics = true).await;
    let alice = app.register("metricsalice").await;
    app.get("/api/v1/users/metricsalice", Some(alice.access.as_str()))
        .await
        .expect(200);
    // A cached read: a miss, then a hit.
    for _ in 0..2 {
        app.get(
            "/api/v1/me/notifications/unread-count",
            Some(alice.access.as_str()),
        )
        .await
        .expect(200);
    }
    app.post(
        "/api/v1/auth/login",
        None,
        serde_json::json!({"username": "metricsalice", "password": "not her password"}),
    )
    .await
    .problem(401);
    let res = app.get("/metrics", None).await;
    assert_eq!(res.status.as_u16(), 200);
    assert!(res
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/plain")));
    let text = String::from_utf8_lossy(&res.body).into_owned();
    let samples = parse_exposition(&text);
    let requests: Vec<_> = samples
        .iter()
        .filter(|s| s.name == "bukuma_http_requests_total")
        .collect();
    assert!(
        requests.iter().any(|s| {
            s.label("route") == Some("/api/v1/users/{username}")
                && s.label("status") == Some("200")
                && s.label("method") == Some("GET")
                && s.value >= 1.0
        }),
        "no series of the route template: {text}"
    );
    assert!(
        !requests
            .iter()
            .any(|s| s.label("route") == Some("/api/v1/users/metricsalice")),
        "a raw path became a label"
    );
    for name in [
        "bukuma_http_request_duration_seconds_bucket",
        "bukuma_db_pool_in_use",
        "bukuma_db_write_queue_depth",
        "bukuma_read_cache_total",
        "bukuma_sign_ins_total",
    ] {
        assert!(
            samples.iter().any(|s| s.name == name),
            "no {name} in: {text}"
        );
    }
}

/// One sample of the Prometheus text format.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

impl Sample {
    fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses the Prometheus text exposition format strictly (names, quoted
/// and escaped label values, numbers, `# TYPE` lines); panics on a line
/// that breaks it.
fn parse_exposition(text: &str) -> Vec<Sample> {
    let is_name = |s: &str| {
        !s.is_empty()
            && !s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    };
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(rest) = line.strip_prefix('#') {
            let words: Vec<&str> = rest.split_whitespace().collect();
            if words.first() == Some(&"TYPE") {
                assert!(
                    words.len() == 3 && is_name(words[1]),
                    "bad TYPE line: {line}"
                );
                assert!(
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(&words[2]),
                    "bad type: {line}"
                );
            }
            continue;
        }
        let name_end = line.find(['{', ' ']).unwrap_or(line.len());
        let name = &line[..name_end];
        assert!(is_name(name), "bad metric name: {line}");
        let mut rest = &line[name_end..];
        let mut labels = Vec::new();
        if let Some(inner) = rest.strip_prefix('{') {
            let mut chars = inner.char_indices().peekable();
            loop {
                let key_start = chars.peek().map(|(i, _)| *i).expect("labels end");
                if inner[key_start..].starts_with('}') {
                    rest = &inner[key_start + 1..];
                    break;
                }
                let eq = inner[key_start..].find('=').expect("label =") + key_start;
                let key = &inner[key_start..eq];
                assert!(is_name(key), "bad label name {key:?}: {line}");
                while chars.peek().is_some_and(|(i, _)| *i <= eq) {
                    chars.next();
                }
                assert_eq!(
                    chars.next().map(|(_, c)| c),
                    Some('"'),
                    "unquoted value: {line}"
                );
                let mut value = String::new();
                loop {
                    match chars.next().expect("closing quote").1 {
                        '"' => break,
                        '\\' => match chars.next().expect("escape").1 {
                            'n' => value.push('\n'),
                            c @ ('\\' | '"') => value.push(c),
                            c => panic!("bad escape \\{c}: {line}"),
                        },
                        c => value.push(c),
                    }
                }
                labels.push((key.to_owned(), value));
                if chars.peek().is_some_and(|(_, c)| *c == ',') {
                    chars.next();
                }
            }
        }
        let mut fields = rest.split_whitespace();
        let value = fields.next().expect("a value");
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v
                .parse()
                .unwrap_or_else(|e| panic!("bad value {v:?} ({e}): {line}")),
        };
        if let Some(ts) = fields.next() {
            ts.parse::<i64>().expect("a timestamp");
        }
        assert!(fields.next().is_none(), "trailing fields: {line}");
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    samples
}

/// A free port on the loopback interface.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The binary started in an empty directory, without `BUKUMA_STATIC_DIR`,
/// serves the web app it carries at `/` and at a deep link.
#[test]
fn the_binary_serves_the_web_app_from_any_directory() {
    let built =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/dist/index.html");
    let Ok(index) = std::fs::read_to_string(&built) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing: `make test` builds the frontend before the Rust tests",
            built.display()
        );
        eprintln!("skipped: the frontend is not built (make frontend)");
        return;
    };
    let cwd = tempfile::tempdir().expect("dir");
    let port = free_port();
    /// Stops the server however the test ends.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _server = Running(
        std::process::Command::new(env!("CARGO_BIN_EXE_bukuma"))
            .arg("serve")
            .current_dir(cwd.path())
            .env_remove("BUKUMA_STATIC_DIR")
            .env_remove("DATABASE_URL")
            .env("BUKUMA_DATA_DIR", cwd.path().join("data"))
            .env("BUKUMA_BIND", format!("127.0.0.1:{port}"))
            .env("BUKUMA_FETCH_METADATA", "false")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the binary"),
    );
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("address");
    let get = |path: &str| {
        exchange(
            addr,
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        )
    };
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    for path in ["/", "/u/someone/bookmarks?page=2"] {
        let res = get(path);
        assert!(res.starts_with("HTTP/1.1 200"), "{path}: {res}");
        assert!(
            res.contains(index.trim()),
            "{path} is not index.html: {res}"
        );
    }
}
