//! The signed-in user's account and personal API tokens.

use actix_web::{web, HttpResponse};
use bukuma_db::models::UserChanges;
use bukuma_db::{now_micros, tokens, users, DbError};
use bukuma_domain::{Bio, DisplayName, TokenId};

use crate::auth::{hash_secret, new_secret, API_TOKEN_PREFIX};
use crate::error::{ApiError, Fields};
use crate::extract::{SignedIn, ValidJson, Writer};
use crate::state::AppState;
use crate::views::ts;
use crate::views::{
    ApiToken, ApiTokenList, CreateTokenRequest, CreatedApiToken, ProfileChanges, User,
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
