//! Helpers of the HTTP integration tests: a fresh app on a fresh database per
//! test, requests with or without a Bearer token, and small assertions on
//! JSON and problem documents.
//!
//! Every test is an `async fn name(app: TestApp)` (or `name(backend:
//! Backend)` when it builds its own app) followed by
//! `both_backends!(async name);`, which runs it once on SQLite and once on
//! PostgreSQL (`name::sqlite`, `name::postgres`).

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::{Method, StatusCode};
use actix_web::test::{self, TestRequest};
use actix_web::web;
use bukuma_api::indexer::{self, Search};
use bukuma_api::{AppState, Config};
pub use bukuma_db::both_backends;
pub use bukuma_db::testing::TestDb;
use bukuma_db::testing::{audit, Fixture};
pub use bukuma_db::{Backend, Db};
pub use serde_json::{json, Value};

/// The app as a service `actix_web::test` calls, whatever its response
/// body type.
pub trait TestService<B>:
    Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>
{
}

impl<S, B> TestService<B> for S where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>
{
}

/// The app's state on `t`'s database with the tests' default configuration.
pub fn state(t: &TestDb) -> web::Data<AppState> {
    web::Data::new(AppState::new(t.db.clone(), Config::for_tests(&t.url)))
}

/// The whole app on `state`, ready to be called.
pub async fn service(
    state: web::Data<AppState>,
) -> impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error> {
    test::init_service(bukuma_api::app(state)).await
}

/// A response, read to the end.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: web::Bytes,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the status and returns the JSON body (`null` when empty).
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            String::from_utf8_lossy(&self.body)
        );
        if self.body.is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }

    /// Asserts an RFC 9457 problem document with this status and returns it.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Value {
        let body = self.expect(status);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "error responses are problem documents"
        );
        assert_eq!(body["status"], status, "problem status: {body}");
        for field in ["type", "title", "detail"] {
            assert!(body[field].is_string(), "problem without {field}: {body}");
        }
        body
    }

    /// Asserts a 400 validation problem that names `field` and returns it.
    #[track_caller]
    pub fn invalid(&self, field: &str) -> Value {
        let body = self.problem(400);
        let errors = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("validation problem without errors: {body}"));
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["message"].is_string()),
            "no error for field {field}: {body}"
        );
        body
    }

    /// The value of the `bukuma_refresh` cookie this response sets, if any.
    pub fn refresh_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("bukuma_refresh="))
            .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
    }
}

/// A response on its way.
pub type Pending = Pin<Box<dyn Future<Output = Resp>>>;

type Call = dyn Fn(TestRequest) -> Pending;

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct User {
    pub username: String,
    pub access: String,
    pub refresh: String,
}

/// The whole app on its own database.
pub struct TestApp {
    call: Rc<Call>,
    pub state: web::Data<AppState>,
    /// The search index's directory, removed with the app.
    _search_dir: tempfile::TempDir,
    /// Sharing data versions with the apps of [`TestApp::processes`]
    /// (stopped before the database goes).
    _sync: Option<bukuma_db::CacheSync>,
    /// The database, dropped with the app that made it.
    _db: Option<TestDb>,
}

pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    pub async fn new(backend: Backend) -> Self {
        Self::configured(backend, |_| {}).await
    }

    /// The app with a configuration changed from the tests' default.
    pub async fn configured(backend: Backend, change: impl FnOnce(&mut Config)) -> Self {
        let t = TestDb::new(backend);
        let (db, url) = (t.db.clone(), t.url.clone());
        Self::on(db, &url, Some(t), None, change).await
    }

    /// Two apps on one new PostgreSQL database, each with a pool of its own
    /// and sharing data versions, as two `bukuma serve` processes are.
    pub async fn processes(change: impl Fn(&mut Config)) -> (Self, Self) {
        let t = TestDb::new(Backend::Postgres);
        let url = t.url.clone();
        let sync = t.db.start_cache_sync().expect("cache sync");
        let first = Self::on(t.db.clone(), &url, Some(t), sync, &change).await;
        let db = Db::connect(&url, 4).expect("second pool");
        let sync = db.start_cache_sync().expect("cache sync");
        // One secret, as a deployment sets on every process.
        let secret = first.state.config.jwt_secret.clone();
        let second = Self::on(db, &url, None, sync, |c| {
            change(c);
            c.jwt_secret = secret;
        })
        .await;
        (first, second)
    }

    /// The app on a new PostgreSQL database with `replica_url(url)` as its
    /// replica (`DATABASE_REPLICA_URL`).
    pub async fn with_replica(replica_url: impl FnOnce(&str) -> String) -> Self {
        let t = TestDb::new(Backend::Postgres);
        let url = t.url.clone();
        let db = Db::connect_with_replica(
            &url,
            Some(&replica_url(&url)),
            4,
            std::time::Duration::from_secs(10),
        )
        .expect("connect with a replica");
        Self::on(db, &url, Some(t), None, |_| {}).await
    }

    async fn on(
        db: Db,
        url: &str,
        owned: Option<TestDb>,
        sync: Option<bukuma_db::CacheSync>,
        change: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Config::for_tests(url);
        let search_dir = tempfile::tempdir().expect("search index directory");
        config.search_dir = search_dir.path().to_path_buf();
        change(&mut config);
        let search = Search::open(&config.search_dir).expect("search index");
        let state = web::Data::new(AppState::new(db, config).with_search(Arc::new(search)));
        let service = Rc::new(service(state.clone()).await);
        let call: Rc<Call> = Rc::new(move |req| {
            let service = service.clone();
            Box::pin(async move { read(service.call(req.to_request()).await).await })
        });
        TestApp {
            call,
            state,
            _search_dir: search_dir,
            _db: owned,
            _sync: sync,
        }
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Recomputes hot scores now, as the background job would.
    pub fn recompute_hot(&self) {
        bukuma_api::jobs::recompute_hot(self.db()).expect("recompute hot");
    }

    /// Classifies the entries due now, as the categories job would (tests
    /// run no job in the background); returns how many.
    pub fn categorize_now(&self) -> usize {
        bukuma_api::categorizer::categorize_due(self.db(), &self.state.categories, usize::MAX)
            .expect("categorize")
    }

    /// Indexes what the outbox holds now, as the server's indexer would
    /// (tests run no indexer in the background); returns the rows consumed.
    pub fn index_now(&self) -> usize {
        let search = self.state.search.as_ref().expect("the test app searches");
        indexer::catch_up(self.db(), search).expect("index")
    }

    /// Differences between the stored counters and the rows they count.
    pub fn counter_mismatches(&self) -> Vec<String> {
        self.db()
            .read(audit::check_counters)
            .expect("check counters")
    }

    /// Sends a prepared request. The answer does not borrow anything.
    pub fn send(&self, req: TestRequest) -> Pending {
        (self.call)(req)
    }

    /// A request to `path`, with `Authorization: Bearer <token>` when given.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> TestRequest {
        let req = TestRequest::default().method(method).uri(path);
        match token {
            Some(t) => req.insert_header((header::AUTHORIZATION, format!("Bearer {t}"))),
            None => req,
        }
    }

    pub fn get<'a>(&self, path: &str, token: impl Into<Option<&'a str>>) -> Pending {
        self.send(self.request(Method::GET, path, token.into()))
    }

    pub fn delete<'a>(&self, path: &str, token: impl Into<Option<&'a str>>) -> Pending {
        self.send(self.request(Method::DELETE, path, token.into()))
    }

    pub fn put<'a>(&self, path: &str, token: impl Into<Option<&'a str>>) -> Pending {
        self.send(self.request(Method::PUT, path, token.into()))
    }

    pub fn post<'a>(&self, path: &str, token: impl Into<Option<&'a str>>, body: Value) -> Pending {
        self.send(
            self.request(Method::POST, path, token.into())
                .set_json(body),
        )
    }

    pub fn patch<'a>(&self, path: &str, token: impl Into<Option<&'a str>>, body: Value) -> Pending {
        self.send(
            self.request(Method::PATCH, path, token.into())
                .set_json(body),
        )
    }

    /// Registers `username` (password [`PASSWORD`]) and returns the session.
    pub async fn register(&self, username: &str) -> User {
        let body = self
            .post(
                "/api/v1/auth/register",
                None,
                json!({"username": username, "password": PASSWORD}),
            )
            .await
            .expect(201);
        session(username, &body)
    }

    pub async fn login(&self, username: &str) -> User {
        let body = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"username": username, "password": PASSWORD}),
            )
            .await
            .expect(200);
        session(username, &body)
    }

    /// Creates a personal API token; returns its id and secret.
    pub async fn api_token(&self, token: &str, scope: &str) -> (i64, String) {
        let body = self
            .post(
                "/api/v1/me/tokens",
                token,
                json!({"name": format!("{scope} token"), "scope": scope}),
            )
            .await
            .expect(201);
        (id(&body), text(&body["token"]))
    }

    /// Bookmarks `url` with extra fields (`comment`, `tags`, `private`, …)
    /// merged in; expects 200 or 201 and returns the bookmark.
    pub async fn bookmark(&self, token: &str, url: &str, extra: Value) -> Value {
        let mut body = json!({ "url": url });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let res = self.post("/api/v1/bookmarks", token, body).await;
        assert!(
            res.status == StatusCode::CREATED || res.status == StatusCode::OK,
            "bookmarking {url} failed: {} {}",
            res.status,
            String::from_utf8_lossy(&res.body)
        );
        res.json()
    }

    /// `username`'s bookmarks as `viewer` sees them: every page's items.
    pub async fn all_bookmarks(
        &self,
        username: &str,
        query: &str,
        viewer: Option<&str>,
    ) -> Vec<Value> {
        self.walk(
            &format!("/api/v1/users/{username}/bookmarks?{query}"),
            viewer,
        )
        .await
    }

    /// Follows `next_cursor` from `path` to the last page; returns all items.
    pub async fn walk(&self, path: &str, viewer: Option<&str>) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut url = path.to_owned();
        for _ in 0..1000 {
            let page = self.get(&url, viewer).await.expect(200);
            items.extend(page["items"].as_array().expect("items").iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => url = format!("{path}{sep}cursor={c}"),
                None => return items,
            }
        }
        panic!("pagination of {path} never ended");
    }
}

impl Fixture for TestApp {
    async fn setup(backend: Backend) -> Self {
        TestApp::new(backend).await
    }
}

async fn read<B: actix_web::body::MessageBody>(
    res: Result<ServiceResponse<B>, actix_web::Error>,
) -> Resp {
    let res = res.expect("the app answers every request");
    let status = res.status();
    let headers = res.headers().clone();
    let body = test::read_body(res).await;
    Resp {
        status,
        headers,
        body,
    }
}

fn session(username: &str, body: &Value) -> User {
    User {
        username: username.to_owned(),
        access: text(&body["access_token"]),
        refresh: text(&body["refresh_token"]),
    }
}

/// A JSON string's value (panics when it is not a string).
#[track_caller]
pub fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
        .to_owned()
}

/// The `id` of a JSON object.
#[track_caller]
pub fn id(v: &Value) -> i64 {
    v["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("expected an id in {v}"))
}

/// The `field` of each item, e.g. the URLs of bookmarks' entries.
pub fn pluck(items: &[Value], pointer: &str) -> Vec<Value> {
    items
        .iter()
        .map(|i| i.pointer(pointer).cloned().unwrap_or(Value::Null))
        .collect()
}

/// Percent-encodes a query parameter value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
