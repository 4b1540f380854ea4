//! The Pinboard-compatible API, method by method, on both backends.

mod auth;
mod limits;
mod posts;
mod robustness;
mod tags;

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
use bukuma_db::testing::builders::UserBuilder;
use bukuma_db::testing::TestDb;
use bukuma_db::{now_micros, tokens, users, Backend, Db};

use crate::harness::{both_backends, service};
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
            None => UserBuilder::new(&name).password_hash(&hash).insert(c)?,
        };
        tokens::create_api_token(c, user.id, "test", &scope, &token_hash, now_micros())
    })
    .expect("account");
    Account {
        auth: format!("{name}:{secret}"),
        secret,
    }
}

/// The app on a fresh database of `backend`, its Pinboard API limited by
/// `limits`.
async fn pinboard_app(
    backend: Backend,
    limits: Limits,
) -> (
    TestDb,
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
) {
    let t = TestDb::new(backend);
    let mut state = AppState::new(t.db.clone(), Config::for_tests(&t.url));
    state.pinboard = Limiter::new(limits);
    let app = service(web::Data::new(state)).await;
    (t, app)
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
