//! Who calls the REST API: a Bearer credential, as everywhere in the API,
//! or a request signed with OAuth 1.0a (HMAC-SHA1) by one of the caller's
//! Hatena-compatible apps, as Hatena's clients sign theirs. Also reads a
//! call's parameters, which Hatena clients send in the query string or a
//! form body.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use bukuma_db::{hatena, moderation};
use bukuma_domain::Scope;

use crate::auth::hatena_app_secrets;
use crate::auth::oauth1::{self, MAX_PARAMS};
use crate::error::ApiError;
use crate::extract::{Principal, Viewer, MAX_JSON_BYTES};
use crate::state::AppState;

/// How far a request's `oauth_timestamp` may be from the server's clock.
pub const TIMESTAMP_WINDOW_SECS: i64 = 300;

/// Longest `Authorization` header considered.
const MAX_AUTHORIZATION_LEN: usize = 4096;

/// A call's parameters (query string, then form body) and its caller.
pub(super) struct RestCall {
    pub(super) params: Vec<(String, String)>,
    pub(super) caller: Principal,
}

impl RestCall {
    /// Reads the parameters and authenticates the caller: 401 without
    /// credentials or with bad ones.
    pub(super) async fn read(
        state: &AppState,
        req: &HttpRequest,
        payload: web::Payload,
    ) -> Result<Self, ApiError> {
        let params = read_params(req, payload).await?;
        let caller = authenticate(state, req, &params).await?;
        Ok(RestCall { params, caller })
    }

    /// The first value of parameter `name`.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of parameter `name`, in order (`tags` repeats).
    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.params
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The caller, whose credentials must allow writing (403 otherwise).
    pub(super) fn writer(&self) -> Result<Principal, ApiError> {
        if self.caller.scope.can_write() {
            Ok(self.caller)
        } else {
            Err(ApiError::Forbidden(
                "these credentials are read-only".into(),
            ))
        }
    }
}

/// The query string's parameters, then a form body's.
async fn read_params(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut pairs: Vec<(String, String)> = serde_html_form::from_str(req.query_string())
        .map_err(|_| ApiError::BadRequest("invalid query string".into()))?;
    let body = match payload.to_bytes_limited(MAX_JSON_BYTES).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => {
            return Err(ApiError::BadRequest(
                "could not read the request body".into(),
            ))
        }
        Err(_) => {
            return Err(ApiError::PayloadTooLarge(format!(
                "the request body is larger than {MAX_JSON_BYTES} bytes"
            )))
        }
    };
    if !body.is_empty() {
        if req.content_type() != "application/x-www-form-urlencoded" {
            return Err(ApiError::UnsupportedMediaType(
                "send parameters in the query string or as application/x-www-form-urlencoded"
                    .into(),
            ));
        }
        let form = std::str::from_utf8(&body)
            .ok()
            .and_then(|b| serde_html_form::from_str::<Vec<(String, String)>>(b).ok())
            .ok_or_else(|| ApiError::BadRequest("invalid form body".into()))?;
        pairs.extend(form);
    }
    if pairs.len() > MAX_PARAMS {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_PARAMS} parameters"
        )));
    }
    Ok(pairs)
}

fn unauthorized(why: impl std::fmt::Display) -> ApiError {
    ApiError::Unauthorized(why.to_string())
}

/// The caller: by an OAuth `Authorization` header, else by a Bearer one,
/// else by `oauth_*` parameters in the query or form.
async fn authenticate(
    state: &AppState,
    req: &HttpRequest,
    params: &[(String, String)],
) -> Result<Principal, ApiError> {
    let header = match req.headers().get(header::AUTHORIZATION) {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .filter(|v| v.len() <= MAX_AUTHORIZATION_LEN)
                .ok_or_else(|| unauthorized("malformed Authorization header"))?,
        ),
    };
    match header {
        Some(value) => match oauth1::header_params(value) {
            Some(protocol) => {
                let protocol = protocol.map_err(unauthorized)?;
                by_signature(state, req, params, protocol).await
            }
            None => Viewer::from_request(req, &mut Payload::None)
                .await?
                .require(),
        },
        None if params.iter().any(|(k, _)| k == "oauth_signature") => {
            by_signature(state, req, params, Vec::new()).await
        }
        None => Err(unauthorized(
            "send a Bearer token or a request signed with OAuth 1.0a",
        )),
    }
}

fn now_secs() -> i64 {
    bukuma_db::now_micros() / 1_000_000
}

/// Checks an OAuth 1.0a signature (RFC 5849) over the request: its
/// timestamp within [`TIMESTAMP_WINDOW_SECS`], the app its keys name, the
/// HMAC-SHA1 signature under the app's secrets, and a nonce never seen
/// with that timestamp (recorded in the database, so every server process
/// refuses a replay).
async fn by_signature(
    state: &AppState,
    req: &HttpRequest,
    params: &[(String, String)],
    protocol: Vec<(String, String)>,
) -> Result<Principal, ApiError> {
    let mut all = params.to_vec();
    all.extend(protocol);
    let creds = oauth1::credentials(&all).map_err(unauthorized)?;
    let now = now_secs();
    if (creds.timestamp - now).abs() > TIMESTAMP_WINDOW_SECS {
        return Err(unauthorized(
            "oauth_timestamp is more than 5 minutes off the server's clock",
        ));
    }
    if creds.nonce.is_empty() {
        return Err(unauthorized("empty oauth_nonce"));
    }
    let (key, token) = (creds.consumer_key.clone(), creds.token.clone());
    let (app, suspended) = state
        .read(move |c| {
            let Some(app) = hatena::find_app(c, &key, &token)? else {
                return Ok(None);
            };
            let suspended = moderation::suspended_at(c, app.user_id)?.is_some();
            Ok(Some((app, suspended)))
        })
        .await?
        .ok_or_else(|| unauthorized("unknown oauth_consumer_key or oauth_token"))?;
    let (consumer_secret, token_secret) =
        hatena_app_secrets(&state.config.jwt_secret, &app.secret_seed);
    let origin = super::base_url(state, req);
    let uri = oauth1::base_uri(&origin, req.path())
        .ok_or_else(|| ApiError::Internal(format!("server address {origin:?} is not a URL")))?;
    let method = req.method().as_str();
    if !oauth1::verify(method, &uri, &all, &creds, &consumer_secret, &token_secret) {
        return Err(unauthorized("invalid OAuth signature"));
    }
    let (app_id, nonce, sent_at) = (app.id, creds.nonce, creds.timestamp);
    let oldest = now - TIMESTAMP_WINDOW_SECS - 60;
    let fresh = state
        .write(move |c| {
            let fresh = hatena::remember_nonce(c, app_id, &nonce, sent_at, oldest)?;
            if fresh {
                hatena::touch_app(c, app_id, bukuma_db::now_micros())?;
            }
            Ok(fresh)
        })
        .await?;
    if !fresh {
        return Err(unauthorized("this oauth_nonce was used already"));
    }
    if suspended {
        return Err(ApiError::Suspended(crate::routes::auth::SUSPENDED.into()));
    }
    let principal = Principal {
        user_id: app.user_id,
        scope: Scope::from_db(&app.scope).unwrap_or(Scope::Read),
    };
    // For `note_writers`, as the Bearer extractor does.
    req.extensions_mut().insert(principal);
    crate::routing::set_viewer(principal.user_id);
    Ok(principal)
}
