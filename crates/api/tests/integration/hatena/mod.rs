//! The Hatena-compatible APIs, checked as a Hatena client sees them: the
//! field names and types of Hatena's documented shapes, JSONP, counts, the
//! button, the REST API with Bearer tokens and OAuth 1.0a signatures, and
//! the search feed.

mod apps;
mod button;
mod count;
mod entry;
mod rest;
mod search;

use actix_web::http::{header, Method};
use actix_web::test::TestRequest;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::harness::{enc, json, text, Backend, Resp, TestApp, Value};

/// The public address the apps of these tests run at; OAuth signatures
/// cover it.
pub const PUBLIC_URL: &str = "https://bukuma.test";

/// An app on `backend` that knows its public address.
pub async fn hatena_app(backend: Backend) -> TestApp {
    TestApp::configured(backend, |c| c.public_url = Some(PUBLIC_URL.to_owned())).await
}

/// The four credentials of a Hatena-compatible app, as a client keeps them.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    pub id: i64,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub token: String,
    pub token_secret: String,
}

/// Creates a Hatena-compatible app for the user of `access`.
pub async fn oauth_app(app: &TestApp, access: &str, scope: &str) -> OAuthApp {
    let body = app
        .post(
            "/api/v1/me/hatena-apps",
            access,
            json!({"name": format!("{scope} client"), "scope": scope}),
        )
        .await
        .expect(201);
    OAuthApp {
        id: body["id"].as_i64().expect("id"),
        consumer_key: text(&body["consumer_key"]),
        consumer_secret: text(&body["consumer_secret"]),
        token: text(&body["access_token"]),
        token_secret: text(&body["access_token_secret"]),
    }
}

/// RFC 3986 percent-encoding of every byte but ALPHA, DIGIT and `-._~`,
/// as RFC 5849 section 3.6 asks.
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// What a client puts in the protocol parameters besides the keys.
pub struct Signing<'a> {
    pub nonce: &'a str,
    pub timestamp: i64,
}

impl Signing<'_> {
    /// A fresh nonce and the current time.
    pub fn now(nonce: &str) -> Signing<'_> {
        Signing {
            nonce,
            timestamp: chrono::Utc::now().timestamp(),
        }
    }
}

/// The `Authorization: OAuth …` header a client sends for `method` on
/// `path` with these query and form parameters (RFC 5849 section 3).
pub fn authorization(
    a: &OAuthApp,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    form: &[(&str, &str)],
    s: &Signing<'_>,
) -> String {
    let timestamp = s.timestamp.to_string();
    let protocol = [
        ("oauth_consumer_key", a.consumer_key.as_str()),
        ("oauth_token", a.token.as_str()),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", timestamp.as_str()),
        ("oauth_nonce", s.nonce),
        ("oauth_version", "1.0"),
    ];
    let mut params: Vec<(String, String)> = query
        .iter()
        .chain(form)
        .chain(protocol.iter())
        .map(|(k, v)| (pct(k), pct(v)))
        .collect();
    params.sort();
    let normalized: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let base = format!(
        "{method}&{}&{}",
        pct(&format!("{PUBLIC_URL}{path}")),
        pct(&normalized.join("&"))
    );
    let key = format!("{}&{}", pct(&a.consumer_secret), pct(&a.token_secret));
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("hmac key");
    mac.update(base.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let fields: Vec<String> = protocol
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", pct(v)))
        .chain(std::iter::once(format!(
            "oauth_signature=\"{}\"",
            pct(&signature)
        )))
        .collect();
    format!("OAuth realm=\"{PUBLIC_URL}/\", {}", fields.join(", "))
}

/// `path?query` with the query's values encoded.
pub fn with_query(path: &str, query: &[(&str, &str)]) -> String {
    if query.is_empty() {
        return path.to_owned();
    }
    let q: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    format!("{path}?{}", q.join("&"))
}

/// A form body of these parameters.
pub fn form_body(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A request with `authorization` (any scheme) and, when `form` is not
/// empty, a form body.
pub fn rest_request(
    method: Method,
    path: &str,
    query: &[(&str, &str)],
    form: &[(&str, &str)],
    authorization: Option<&str>,
) -> TestRequest {
    let mut req = TestRequest::default()
        .method(method)
        .uri(&with_query(path, query));
    if let Some(a) = authorization {
        req = req.insert_header((header::AUTHORIZATION, a.to_owned()));
    }
    if !form.is_empty() {
        req = req
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(form_body(form));
    }
    req
}

/// Sends a request signed by `a`.
pub async fn signed(
    app: &TestApp,
    a: &OAuthApp,
    method: Method,
    path: &str,
    query: &[(&str, &str)],
    form: &[(&str, &str)],
    s: &Signing<'_>,
) -> Resp {
    let auth = authorization(a, method.as_str(), path, query, form, s);
    app.send(rest_request(method, path, query, form, Some(&auth)))
        .await
}

/// Sends a request with `Authorization: Bearer token`.
pub async fn bearer(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    query: &[(&str, &str)],
    form: &[(&str, &str)],
) -> Resp {
    let auth = format!("Bearer {token}");
    app.send(rest_request(method, path, query, form, Some(&auth)))
        .await
}

/// The body as text.
pub fn body_text(r: &Resp) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// A string of decimal digits (as Hatena's `eid` is).
#[track_caller]
pub fn assert_digits(v: &Value) {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"));
    assert!(
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
        "not a string of digits: {v}"
    );
}
