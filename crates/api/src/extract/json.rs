//! JSON request bodies: `application/json` only, unknown fields and wrong
//! types rejected with the parser's explanation as a field error.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON request body accepted (a 10 000-character note fits, escaped).
pub const MAX_JSON_BYTES: usize = 128 * 1024;

/// A request body parsed as `T`.
pub struct ValidJson<T>(pub T);

/// A request body parsed as `T`, or `None` when the body is empty.
pub struct OptionalJson<T>(pub Option<T>);

type BodyFuture<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

/// Reads the whole body (within the app's `PayloadConfig` limit), then
/// turns it into `T` with `make`.
fn with_body<T: 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
    make: impl FnOnce(&HttpRequest, &[u8]) -> Result<T, ApiError> + 'static,
) -> BodyFuture<T> {
    let body = web::Bytes::from_request(req, payload);
    let req = req.clone();
    Box::pin(async move { Ok(make(&req, &body.await?)?) })
}

impl<T: DeserializeOwned + 'static> FromRequest for ValidJson<T> {
    type Error = actix_web::Error;
    type Future = BodyFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        with_body(req, payload, |req, body| parse(req, body).map(ValidJson))
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = BodyFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        with_body(req, payload, |req, body| {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalJson(None));
            }
            parse(req, body).map(|v| OptionalJson(Some(v)))
        })
    }
}

/// Parses `body` as JSON of type `T`, if the request says it is JSON.
fn parse<T: DeserializeOwned>(req: &HttpRequest, body: &[u8]) -> Result<T, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::UnsupportedMediaType(
            "send the body as application/json".into(),
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() || path == "." {
            ApiError::BadRequest(format!("invalid JSON body: {inner}"))
        } else {
            ApiError::field(path, inner)
        }
    })?;
    de.end()
        .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
    // A NUL can only arrive escaped; PostgreSQL refuses text holding one.
    if body.windows(6).any(|w| w == b"\\u0000") {
        if let Ok(tree) = serde_json::from_slice::<serde_json::Value>(body) {
            if let Some(field) = nul_field(&tree, String::new()) {
                return Err(ApiError::field(field, "must not contain NUL characters"));
            }
        }
    }
    Ok(value)
}

/// The path (`a.b[0]`) of the first string or key in `v` holding a NUL.
fn nul_field(v: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    let join = |key: &str| {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    };
    match v {
        Value::String(s) if s.contains('\0') => Some(if at.is_empty() { ".".into() } else { at }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_field(item, format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            if k.contains('\0') {
                Some(join("."))
            } else {
                nul_field(item, join(k))
            }
        }),
        _ => None,
    }
}
