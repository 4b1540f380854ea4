//! Invite codes, for admins: made, listed and revoked. Registration with a
//! code is in [`super::auth::register`].

use actix_web::{web, HttpResponse};
use bukuma_db::{invites as stored, now_micros};

use crate::error::{ApiError, Problem};
use crate::extract::{Admin, OptionalJson};
use crate::invites;
use crate::state::AppState;
use crate::views::{CreateInviteRequest, Invite, InviteList};

#[utoipa::path(
    post, path = "/api/v1/admin/invites", tag = "moderation", operation_id = "create_invite",
    request_body(content = Option<CreateInviteRequest>, description = "Defaults: one use, never expires"),
    responses(
        (status = 201, description = "The invite, with its code (shown this once)", body = Invite),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    admin: Admin,
    OptionalJson(body): OptionalJson<CreateInviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let admin = admin.require_write()?;
    let body = body.unwrap_or(CreateInviteRequest {
        max_uses: None,
        expires_days: None,
    });
    let max_uses = body.max_uses.unwrap_or(1);
    invites::check(max_uses, body.expires_days).map_err(|(f, m)| ApiError::field(f, m))?;
    let code = invites::new_code();
    let made = code.clone();
    let now = now_micros();
    let invite = state
        .write(move |c| {
            invites::create(
                c,
                &made,
                Some(admin.user_id),
                max_uses,
                body.expires_days,
                now,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(Invite::new(invite, Some(code), now)))
}

#[utoipa::path(
    get, path = "/api/v1/admin/invites", tag = "moderation", operation_id = "list_invites",
    responses(
        (status = 200, description = "Every invite, newest first (codes are not shown)", body = InviteList),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list(state: web::Data<AppState>, _admin: Admin) -> Result<HttpResponse, ApiError> {
    let rows = state.read(stored::list).await?;
    let now = now_micros();
    Ok(HttpResponse::Ok().json(InviteList {
        items: rows
            .into_iter()
            .map(|i| Invite::new(i, None, now))
            .collect(),
    }))
}

#[utoipa::path(
    delete, path = "/api/v1/admin/invites/{id}", tag = "moderation", operation_id = "revoke_invite",
    params(("id" = i64, Path, description = "The invite's id")),
    responses(
        (status = 204, description = "Revoked (or already was): the code no longer works"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invite", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn revoke(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    admin.require_write()?;
    let id = id.into_inner();
    state
        .write(move |c| stored::revoke(c, id, now_micros()))
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found("invite"),
            other => other,
        })?;
    Ok(HttpResponse::NoContent().finish())
}
