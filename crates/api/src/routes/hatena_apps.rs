//! The signed-in user's apps of the Hatena-compatible REST API
//! (`/rest/1/`): OAuth 1.0a credentials issued at once, without Hatena's
//! three-legged dance, for clients that sign their requests as Hatena's do.

use actix_web::{web, HttpResponse};
use bukuma_db::models::NewHatenaApp;
use bukuma_db::{hatena, now_micros};

use crate::auth::{hatena_app_secrets, new_identifier, new_secret};
use crate::error::{ApiError, Fields};
use crate::extract::{SignedIn, ValidJson, Writer};
use crate::state::AppState;
use crate::views::{ts, CreateHatenaAppRequest, CreatedHatenaApp, HatenaApp, HatenaAppList};

#[utoipa::path(
    get, path = "/api/v1/me/hatena-apps", tag = "me", operation_id = "list_hatena_apps",
    responses((status = 200, description = "My Hatena-compatible apps, newest first, without their secrets", body = HatenaAppList)),
    security(("bearer" = []))
)]
pub async fn list(state: web::Data<AppState>, me: SignedIn) -> Result<HttpResponse, ApiError> {
    let list = state
        .read(move |c| hatena::list_apps(c, me.user_id))
        .await?;
    Ok(HttpResponse::Ok().json(HatenaAppList {
        items: list.into_iter().map(HatenaApp::from).collect(),
    }))
}

#[utoipa::path(
    post, path = "/api/v1/me/hatena-apps", tag = "me", operation_id = "create_hatena_app",
    request_body = CreateHatenaAppRequest,
    responses(
        (status = 201, description = "The app and its four credentials; the secrets are shown only now", body = CreatedHatenaApp),
        (status = 409, description = "Too many apps", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    me: Writer,
    ValidJson(body): ValidJson<CreateHatenaAppRequest>,
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
    let scope = bukuma_domain::Scope::from(body.scope);
    let seed = new_secret("");
    let (consumer_secret, access_token_secret) =
        hatena_app_secrets(&state.config.jwt_secret, &seed);
    let (consumer_key, access_token) = (new_identifier(), new_identifier());
    let user_id = me.user_id;
    let app = state
        .write(move |c| {
            hatena::create_app(
                c,
                &NewHatenaApp {
                    user_id,
                    name: &name,
                    scope: scope.as_str(),
                    consumer_key: &consumer_key,
                    access_token: &access_token,
                    secret_seed: &seed,
                    now: now_micros(),
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedHatenaApp {
            id: app.id,
            name: app.name,
            scope: scope.into(),
            consumer_key: app.consumer_key,
            consumer_secret,
            access_token: app.access_token,
            access_token_secret,
            created_at: ts(app.created_at),
        }))
}

#[utoipa::path(
    delete, path = "/api/v1/me/hatena-apps/{id}", tag = "me", operation_id = "delete_hatena_app",
    params(("id" = i64, Path, description = "App id")),
    responses((status = 204, description = "Revoked: its credentials stop working at once")),
    security(("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    me: Writer,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user_id = me.user_id;
    let deleted = state
        .write(move |c| hatena::delete_app(c, user_id, id))
        .await?;
    if deleted {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found("app"))
    }
}
