//! The signed-in user's account and personal API tokens.

use std::time::Instant;

use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_db::models::UserChanges;
use bukuma_db::{accounts, now_micros, tokens, users, DbError};
use bukuma_domain::{Bio, DisplayName, Password, TokenId, UserId};

use crate::auth::{self, hash_secret, new_secret, API_TOKEN_PREFIX};
use crate::error::{ApiError, Fields};
use crate::extract::{SignedIn, ValidJson, Writer};
use crate::state::AppState;
use crate::views::ts;
use crate::views::{
    ApiToken, ApiTokenList, ChangePasswordRequest, CreateTokenRequest, CreatedApiToken,
    DeleteAccountRequest, PasswordChanged, ProfileChanges, User,
};

#[utoipa::path(
    get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = User)),
    security(("bearer" = []))
)]
pub async fn get_me(state: web::Data<AppState>, me: SignedIn) -> Result<HttpResponse, ApiError> {
    let user = state
        .read(move |c| users::find(c, me.user_id)?.ok_or(DbError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(User::from(user)))
}

#[utoipa::path(
    patch, path = "/api/v1/me", tag = "me",
    request_body = ProfileChanges,
    responses((status = 200, body = User)),
    security(("bearer" = []))
)]
pub async fn patch_me(
    state: web::Data<AppState>,
    me: Writer,
    ValidJson(body): ValidJson<ProfileChanges>,
) -> Result<HttpResponse, ApiError> {
    let mut fields = Fields::default();
    let display_name = body
        .display_name
        .as_deref()
        .and_then(|d| fields.check("display_name", DisplayName::parse(d)));
    let bio = body
        .bio
        .as_deref()
        .and_then(|b| fields.check("bio", Bio::parse(b)));
    fields.finish()?;
    let changes = UserChanges {
        display_name: display_name.map(DisplayName::into_string),
        bio: bio.map(Bio::into_string),
        updated_at: Some(now_micros()),
    };
    let user = state
        .write(move |c| users::update(c, me.user_id, &changes))
        .await?;
    Ok(HttpResponse::Ok().json(User::from(user)))
}

#[utoipa::path(
    get, path = "/api/v1/me/tokens", tag = "me",
    responses((status = 200, body = ApiTokenList)),
    security(("bearer" = []))
)]
pub async fn list_tokens(
    state: web::Data<AppState>,
    me: SignedIn,
) -> Result<HttpResponse, ApiError> {
    let list = state
        .read(move |c| tokens::list_api_tokens(c, me.user_id))
        .await?;
    Ok(HttpResponse::Ok().json(ApiTokenList {
        items: list.into_iter().map(ApiToken::from).collect(),
    }))
}

#[utoipa::path(
    post, path = "/api/v1/me/tokens", tag = "me",
    request_body = CreateTokenRequest,
    responses(
        (status = 201, description = "The token; its secret is shown only now", body = CreatedApiToken),
        (status = 409, description = "Too many tokens", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_token(
    state: web::Data<AppState>,
    me: Writer,
    ValidJson(body): ValidJson<CreateTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let name = bukuma_domain::text::strip_forbidden(body.name.trim())
        .trim()
        .to_owned();
    let mut fields = Fields::default();
    if name.is_empty() || name.chars().count() > 64 {
        fields.push("name", "must be 1 to 64 characters long");
    } else if name.chars().any(char::is_control) {
        fields.push("name", "must not contain control characters");
    }
    fields.finish()?;
    let secret = new_secret(API_TOKEN_PREFIX);
    let hash = hash_secret(&secret);
    let scope = bukuma_domain::Scope::from(body.scope);
    let t = state
        .write(move |c| {
            tokens::create_api_token(c, me.user_id, &name, scope.as_str(), &hash, now_micros())
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedApiToken {
            id: t.id.0,
            name: t.name,
            scope: scope.into(),
            created_at: ts(t.created_at),
            last_used_at: t.last_used_at.map(ts),
            token: secret,
        }))
}

#[utoipa::path(
    delete, path = "/api/v1/me/tokens/{id}", tag = "me",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204, description = "Revoked")),
    security(("bearer" = []))
)]
pub async fn delete_token(
    state: web::Data<AppState>,
    id: web::Path<TokenId>,
    me: Writer,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let deleted = state
        .write(move |c| tokens::delete_api_token(c, me.user_id, id))
        .await?;
    if deleted {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found("token"))
    }
}

/// Checks the signed-in user's password before an account change: a 403
/// when it is wrong (not a 401, which would read as an ended session).
/// Throttled as sign-ins are, so that a stolen session cannot be used to
/// guess the password.
async fn confirm_password(
    state: &AppState,
    req: &HttpRequest,
    user: UserId,
    password: String,
) -> Result<(), ApiError> {
    let found = state
        .read(move |c| users::find(c, user)?.ok_or(DbError::NotFound))
        .await?;
    let client = state.client_ip(req);
    let attempt = state
        .logins
        .begin(&found.username, client, Instant::now())
        .map_err(|wait| {
            crate::login_throttle::log_throttled("account", &found.username, client);
            crate::routes::auth::throttled("wrong passwords", wait)
        })?;
    let stored = found.password_hash;
    let ok = auth::on_password_thread(move || auth::verify_password(&password, &stored)).await?;
    if ok {
        state.logins.succeeded(attempt);
        Ok(())
    } else {
        crate::login_throttle::log_failed("account", &found.username, client);
        Err(ApiError::Forbidden("the password is wrong".into()))
    }
}

#[utoipa::path(
    post, path = "/api/v1/me/password", tag = "me",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed. Every other session has ended (their refresh tokens are revoked and access tokens stop working); this one goes on with the access token returned", body = PasswordChanged),
        (status = 403, description = "The current password is wrong", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords for this account or from this address; see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    me: Writer,
    ValidJson(body): ValidJson<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut fields = Fields::default();
    let new = fields.check("new_password", Password::parse(&body.new_password));
    fields.finish()?;
    let new = new.ok_or_else(|| ApiError::Internal("validated field missing".into()))?;
    confirm_password(&state, &req, me.user_id, body.current_password).await?;
    let hash = auth::on_password_thread(move || auth::hash_password(new.expose())).await??;
    // The session (refresh-token family) of the access token that asked
    // stays signed in; with an API token, no session does.
    let session = crate::extract::bearer(&req)
        .ok()
        .flatten()
        .and_then(|t| state.jwt.verify_claims(&t).ok())
        .and_then(|c| c.session);
    let keep = session.clone();
    let user = me.user_id;
    let gen = state
        .write(move |c| users::change_password(c, user, &hash, keep.as_deref(), now_micros()))
        .await?;
    state.suspensions.forget(user).await;
    tracing::info!(user = user.0, "password changed; other sessions ended");
    let access_token = state.jwt.issue(
        user,
        gen,
        session.as_deref(),
        state.config.access_token_secs,
    )?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(PasswordChanged {
            access_token,
            token_type: "Bearer".into(),
            expires_in: state.config.access_token_secs,
        }))
}

#[utoipa::path(
    delete, path = "/api/v1/me", tag = "me",
    request_body = DeleteAccountRequest,
    responses(
        (status = 204, description = "The account and all its data are deleted: bookmarks, comments, tags, stars given and received, follows, mutes, notifications, reports, API tokens and sessions"),
        (status = 403, description = "The password is wrong", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords for this account or from this address; see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn delete_me(
    state: web::Data<AppState>,
    req: HttpRequest,
    me: Writer,
    ValidJson(body): ValidJson<DeleteAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = me.user_id;
    confirm_password(&state, &req, user, body.password).await?;
    let opts = state.write_options();
    let db = state.db.clone();
    // A transaction of its own: it may be long, and must be all or nothing.
    let deleted =
        web::block(move || db.write(|c| accounts::delete_account(c, user, opts))).await??;
    state.suspensions.forget(user).await;
    state.mutes.forget(user).await;
    tracing::info!(
        user = user.0,
        bookmarks = deleted.bookmarks,
        "account deleted"
    );
    Ok(crate::routes::auth::clear_session(&state, &req))
}
