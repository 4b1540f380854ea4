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
    Ok(value)
}
