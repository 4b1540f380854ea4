//! Who is calling: `auth_token=username:TOKEN` or HTTP Basic, resolved to a
//! user.

use std::time::Instant;

use actix_web::http::header;
use actix_web::HttpRequest;
use base64::Engine;
use bukuma_db::{tokens, users};
use bukuma_domain::{Scope, UserId};

use super::failure::Failure;
use super::params::Params;
use crate::auth::{dummy_hash, hash_secret, verify_password, API_TOKEN_PREFIX};
use crate::login_throttle::{log_failed, log_throttled};
use crate::state::AppState;

/// Longest `auth_token` or Basic credential considered.
const MAX_CREDENTIAL_LEN: usize = 2048;

/// The user a call is made for.
pub(super) struct Caller {
    pub(super) user_id: UserId,
    pub(super) username: String,
    pub(super) created_at: i64,
    pub(super) scope: Scope,
    /// The token secret the caller authenticated with, if any.
    pub(super) secret: Option<String>,
}

/// The caller by `auth_token` when it is sent, else by HTTP Basic.
pub(super) async fn authenticate(
    state: &AppState,
    req: &HttpRequest,
    p: &Params,
) -> Result<Caller, Failure> {
    if let Some(token) = p.get("auth_token") {
        return by_token(state, token).await;
    }
    match basic_credentials(req)? {
        Some((name, password)) => by_password(state, req, name, password).await,
        None => Err(Failure::Unauthorized),
    }
}

async fn by_token(state: &AppState, auth_token: &str) -> Result<Caller, Failure> {
    if auth_token.len() > MAX_CREDENTIAL_LEN {
        return Err(Failure::Unauthorized);
    }
    let (name, secret) = auth_token.split_once(':').ok_or(Failure::Unauthorized)?;
    if !secret.starts_with(API_TOKEN_PREFIX) {
        return Err(Failure::Unauthorized);
    }
    let hash = hash_secret(secret);
    let found = state
        .read(move |c| {
            let Some(t) = tokens::find_api_token(c, &hash)? else {
                return Ok(None);
            };
            let Some(user) = users::find(c, t.user_id)? else {
                return Ok(None);
            };
            tokens::touch_api_token(c, t.id, bukuma_db::now_micros())?;
            Ok(Some((t, user)))
        })
        .await?;
    let (token, user) = found.ok_or(Failure::Unauthorized)?;
    if user.username_lower != name.to_ascii_lowercase() {
        return Err(Failure::Unauthorized);
    }
    if user.suspended_at.is_some() {
        return Err(Failure::Suspended);
    }
    Ok(Caller {
        user_id: user.id,
        username: user.username,
        created_at: user.created_at,
        scope: Scope::from_db(&token.scope).unwrap_or(Scope::Read),
        secret: Some(secret.to_owned()),
    })
}

/// HTTP Basic: throttled as the JSON API's login is, before the password
/// is looked up or hashed.
async fn by_password(
    state: &AppState,
    req: &HttpRequest,
    name: String,
    password: String,
) -> Result<Caller, Failure> {
    let client = state.client_ip(req);
    let attempt = state
        .logins
        .begin(&name, client, Instant::now())
        .map_err(|wait| {
            log_throttled("pinboard", &name, client);
            Failure::RateLimited { wait }
        })?;
    let lookup = name.clone();
    let user = state.read(move |c| users::find_by_name(c, &lookup)).await?;
    let stored = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
    let ok = crate::auth::on_password_thread(move || verify_password(&password, &stored))
        .await
        .map_err(|e| Failure::Internal(e.to_string()))?;
    if !ok || user.is_none() {
        log_failed("pinboard", &name, client);
        return Err(Failure::Unauthorized);
    }
    state.logins.succeeded(attempt);
    match user {
        Some(u) if ok && u.suspended_at.is_some() => Err(Failure::Suspended),
        Some(u) if ok => Ok(Caller {
            user_id: u.id,
            username: u.username,
            created_at: u.created_at,
            scope: Scope::Write,
            secret: None,
        }),
        _ => Err(Failure::Unauthorized),
    }
}

/// `Authorization: Basic …` as (username, password); `None` without the header.
fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, Failure> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| Failure::Unauthorized)?;
    if value.len() > MAX_CREDENTIAL_LEN {
        return Err(Failure::Unauthorized);
    }
    let (scheme, encoded) = value.trim().split_once(' ').ok_or(Failure::Unauthorized)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(Failure::Unauthorized);
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or(Failure::Unauthorized)?;
    let (name, password) = decoded.split_once(':').ok_or(Failure::Unauthorized)?;
    Ok(Some((name.to_owned(), password.to_owned())))
}
