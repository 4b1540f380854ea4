//! Registration, login, and the rotating refresh-token session.

use std::time::{Duration, Instant};

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_db::models::NewUser;
use bukuma_db::{now_micros, tokens, users};
use bukuma_domain::{DisplayName, Password, Role, Username};

use crate::auth::{self, hash_secret, new_secret, REFRESH_TOKEN_PREFIX};
use crate::config::RegistrationMode;
use crate::error::{ApiError, Fields, Problem};
use crate::extract::{OptionalJson, ValidJson, Writer};
use crate::invites;
use crate::state::AppState;
use crate::views::{
    AuthResponse, LoginRequest, RefreshRequest, RegisterRequest, Registration, User,
};

pub const REFRESH_COOKIE: &str = "bukuma_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

fn refresh_cookie(
    state: &AppState,
    req: &HttpRequest,
    value: &str,
    max_age_days: i64,
) -> Cookie<'static> {
    let secure = state.config.cookie_secure || state.proxies.is_https(req);
    Cookie::build(REFRESH_COOKIE, value.to_owned())
        .path(COOKIE_PATH)
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::days(max_age_days))
        .finish()
}

/// Starts a session (or continues `family`): a refresh token stored hashed
/// and an access token.
fn new_refresh(state: &AppState) -> (String, i64) {
    let token = new_secret(REFRESH_TOKEN_PREFIX);
    let expires = now_micros() + state.config.refresh_token_days * 86_400_000_000;
    (token, expires)
}

fn session_response(
    state: &AppState,
    req: &HttpRequest,
    status: actix_web::http::StatusCode,
    user: bukuma_db::models::User,
    family: &str,
    refresh_token: String,
) -> Result<HttpResponse, ApiError> {
    let access_token = state.jwt.issue(
        user.id,
        user.session_gen,
        Some(family),
        state.config.access_token_secs,
    )?;
    let cookie = refresh_cookie(state, req, &refresh_token, state.config.refresh_token_days);
    // With a replica, `note_writers` notes the new session's user as a
    // writer, so that their first reads wait for the replica to have
    // their account.
    if state.db.has_replica() {
        actix_web::HttpMessage::extensions_mut(req).insert(crate::extract::Principal {
            user_id: user.id,
            scope: bukuma_domain::Scope::Write,
        });
    }
    Ok(HttpResponse::build(status)
        .cookie(cookie)
        .insert_header(("Cache-Control", "no-store"))
        .json(AuthResponse {
            user: User::from(user),
            access_token,
            refresh_token,
            token_type: "Bearer".into(),
            expires_in: state.config.access_token_secs,
        }))
}

/// The 429 of a throttled sign-in or registration.
pub(crate) fn throttled(what: &str, wait: Duration) -> ApiError {
    let secs = crate::login_throttle::whole_secs(wait);
    ApiError::TooManyRequests {
        detail: format!("too many {what} from here; try again in {secs} s"),
        retry_after_secs: secs,
    }
}

#[utoipa::path(
    get, path = "/api/v1/auth/registration", tag = "auth", operation_id = "registration_mode",
    responses(
        (status = 200, description = "Who may create an account here", body = Registration),
    )
)]
pub async fn registration(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(Registration::from(state.config.registration))
}

#[utoipa::path(
    post, path = "/api/v1/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = AuthResponse),
        (status = 400, description = "Invalid fields, or a missing or unusable `invite_code` when registration is by invite", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Registration is closed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Username taken", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many registrations from this address; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let mode = state.config.registration;
    if mode == RegistrationMode::Closed {
        return Err(ApiError::Forbidden("registration is closed".into()));
    }
    // Every attempt counts, before any password is hashed.
    let client = state.client_ip(&req);
    state
        .registrations
        .take(
            crate::client::subscriber(client),
            state.config.register_rate,
            Instant::now(),
        )
        .map_err(|wait| {
            let client = client.map(|c| c.to_string()).unwrap_or_default();
            tracing::warn!(%client, "registration throttled");
            throttled("registrations", wait)
        })?;
    let mut fields = Fields::default();
    let username = fields.check("username", Username::parse(&body.username));
    let password = fields.check("password", Password::parse(&body.password));
    let display_name = match &body.display_name {
        Some(d) => fields.check("display_name", DisplayName::parse(d)),
        None => None,
    };
    let invite_code = match (mode, body.invite_code) {
        (RegistrationMode::Invite, None) => {
            fields.push("invite_code", "an invite code is required to register here");
            None
        }
        (RegistrationMode::Invite, Some(c))
            if c.trim().is_empty() || c.len() > invites::MAX_CODE_LEN =>
        {
            fields.push("invite_code", "this invite code is not valid");
            None
        }
        (RegistrationMode::Invite, Some(c)) => Some(c.trim().to_owned()),
        // Without invites a code is of no use, and ignored.
        _ => None,
    };
    fields.finish()?;
    let (Some(username), Some(password)) = (username, password) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let hash = auth::on_password_thread(move || auth::hash_password(password.expose())).await??;
    let (refresh, expires) = new_refresh(&state);
    let refresh_hash = hash_secret(&refresh);
    let family = new_secret("");
    let user_family = family.clone();
    let user = state
        .write(move |c| {
            let now = now_micros();
            if let Some(code) = &invite_code {
                // Counted in this transaction: undone if the account is not made.
                if let Err(why) = invites::redeem(c, code, now)? {
                    return Ok(Err(why));
                }
            }
            let display = display_name
                .as_ref()
                .map_or(username.as_str(), |d| d.as_str());
            let user = users::create(
                c,
                &NewUser {
                    username: username.as_str(),
                    username_lower: &username.lower(),
                    display_name: display,
                    bio: "",
                    role: Role::User,
                    password_hash: &hash,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            tokens::insert_refresh(c, user.id, &user_family, &refresh_hash, now, expires)?;
            Ok(Ok(user))
        })
        .await?
        .map_err(|why| ApiError::field("invite_code", why))?;
    session_response(
        &state,
        &req,
        actix_web::http::StatusCode::CREATED,
        user,
        &family,
        refresh,
    )
}

#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins for this account or from this address; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    // Before the password is looked up or hashed: a refused guess is cheap.
    let client = state.client_ip(&req);
    let attempt = state
        .logins
        .begin(&body.username, client, Instant::now())
        .map_err(|wait| {
            crate::login_throttle::log_throttled("login", &body.username, client);
            throttled("failed sign-ins", wait)
        })?;
    let name = body.username.clone();
    let user = state.read(move |c| users::find_by_name(c, &name)).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let password = body.password;
    // The dummy hash (for unknown users) is computed on first use: there too.
    let ok = auth::on_password_thread(move || {
        let stored = match &stored {
            Some(hash) => hash.as_str(),
            None => auth::dummy_hash(),
        };
        auth::verify_password(&password, stored)
    })
    .await?;
    let user = match user {
        Some(u) if ok => u,
        _ => {
            crate::login_throttle::log_failed("login", &body.username, client);
            return Err(ApiError::Unauthorized(
                "invalid username or password".into(),
            ));
        }
    };
    state.logins.succeeded(attempt);
    if user.suspended_at.is_some() {
        return Err(ApiError::Suspended(SUSPENDED.into()));
    }
    let (refresh, expires) = new_refresh(&state);
    let refresh_hash = hash_secret(&refresh);
    let user_id = user.id;
    let family = new_secret("");
    let user_family = family.clone();
    state
        .write(move |c| {
            tokens::insert_refresh(
                c,
                user_id,
                &user_family,
                &refresh_hash,
                now_micros(),
                expires,
            )
        })
        .await?;
    session_response(
        &state,
        &req,
        actix_web::http::StatusCode::OK,
        user,
        &family,
        refresh,
    )
}

/// Why a suspended user is turned away.
pub const SUSPENDED: &str = "this account is suspended";

/// The refresh token from the body, else from the cookie.
fn presented_refresh(req: &HttpRequest, body: Option<RefreshRequest>) -> Option<String> {
    body.and_then(|b| b.refresh_token)
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .filter(|t| !t.is_empty() && t.len() <= 256)
}

#[utoipa::path(
    post, path = "/api/v1/auth/refresh", tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Optional when the cookie is sent"),
    responses(
        (status = 200, description = "A new token pair; the presented refresh token no longer works", body = AuthResponse),
    )
)]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    OptionalJson(body): OptionalJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let presented = presented_refresh(&req, body)
        .ok_or_else(|| ApiError::Unauthorized("no refresh token".into()))?;
    let old_hash = hash_secret(&presented);
    // The successor is derived from the presented token: a retry within the
    // grace period answers the same one, so a session never forks.
    let refresh = auth::successor_secret(&state.config.jwt_secret, &presented);
    let expires = new_refresh(&state).1;
    let new_hash = hash_secret(&refresh);
    let grace_micros = state.config.refresh_reuse_grace_secs * 1_000_000;
    let outcome = state
        .write(move |c| {
            let now = now_micros();
            let Some(t) = tokens::find_refresh(c, &old_hash)? else {
                return Ok(Err("invalid refresh token"));
            };
            if t.revoked_at.is_some() {
                return Ok(Err("refresh token revoked"));
            }
            if t.expires_at < now {
                return Ok(Err("refresh token expired"));
            }
            if bukuma_db::moderation::suspended_at(c, t.user_id)?.is_some() {
                return Ok(Err(SUSPENDED));
            }
            if tokens::mark_refresh_used(c, t.id, now)? {
                tokens::insert_refresh(c, t.user_id, &t.family, &new_hash, now, expires)?;
            } else {
                // Used before. Within the grace period that is a client whose
                // previous answer got lost: it gets the successor it was
                // given then, if that still stands. Later, someone holds a copy.
                let used_at = tokens::find_refresh(c, &old_hash)?.and_then(|t| t.used_at);
                let successor = tokens::find_refresh(c, &new_hash)?;
                let live = successor.is_some_and(|s| s.revoked_at.is_none() && s.expires_at >= now);
                if !live || used_at.is_none_or(|u| now - u > grace_micros) {
                    tokens::revoke_family(c, &t.family, now)?;
                    return Ok(Err("refresh token reused; the session was revoked"));
                }
            }
            let user = users::find(c, t.user_id)?.ok_or(bukuma_db::DbError::NotFound)?;
            Ok(Ok((user, t.family)))
        })
        .await?;
    match outcome {
        Ok((user, family)) => session_response(
            &state,
            &req,
            actix_web::http::StatusCode::OK,
            user,
            &family,
            refresh,
        ),
        Err(why) => {
            let error = if why == SUSPENDED {
                ApiError::Suspended(why.into())
            } else {
                ApiError::Unauthorized(why.into())
            };
            let mut res = actix_web::ResponseError::error_response(&error);
            let _ = res.add_cookie(&refresh_cookie(&state, &req, "", 0));
            Ok(res)
        }
    }
}

#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Optional when the cookie is sent"),
    responses((status = 204, description = "The session's refresh tokens are revoked and the cookie cleared"))
)]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    OptionalJson(body): OptionalJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Some(token) = presented_refresh(&req, body) {
        let hash = hash_secret(&token);
        state
            .write(move |c| {
                if let Some(t) = tokens::find_refresh(c, &hash)? {
                    tokens::revoke_family(c, &t.family, now_micros())?;
                }
                Ok(())
            })
            .await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(refresh_cookie(&state, &req, "", 0))
        .finish())
}

#[utoipa::path(
    post, path = "/api/v1/auth/logout-all", tag = "auth",
    responses(
        (status = 204, description = "Every session of the user ended, this one included: all refresh tokens revoked, all access tokens invalid, the cookie cleared"),
    ),
    security(("bearer" = []))
)]
pub async fn logout_all(
    state: web::Data<AppState>,
    req: HttpRequest,
    me: Writer,
) -> Result<HttpResponse, ApiError> {
    let user = me.user_id;
    state
        .write(move |c| users::end_all_sessions(c, user, now_micros()))
        .await?;
    state.suspensions.forget(user).await;
    Ok(clear_session(&state, &req))
}

/// A 204 that clears the refresh cookie.
pub(crate) fn clear_session(state: &AppState, req: &HttpRequest) -> HttpResponse {
    HttpResponse::NoContent()
        .cookie(refresh_cookie(state, req, "", 0))
        .finish()
}
