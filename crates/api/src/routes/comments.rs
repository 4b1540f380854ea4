//! Stars on comments.

use actix_web::{web, HttpResponse};
use bukuma_db::{now_micros, stars};
use bukuma_domain::BookmarkId;

use crate::error::ApiError;
use crate::extract::Writer;
use crate::state::AppState;
use crate::views::StarState;

#[utoipa::path(
    put, path = "/api/v1/comments/{id}/star", tag = "comments",
    params(("id" = i64, Path, description = "Comment (bookmark) id")),
    responses((status = 200, description = "Starred (idempotent)", body = StarState)),
    security(("bearer" = []))
)]
pub async fn star(
    state: web::Data<AppState>,
    id: web::Path<BookmarkId>,
    me: Writer,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let count = state
        .write(move |c| stars::star(c, me.user_id, id, now_micros()))
        .await
        .map_err(not_found)?;
    Ok(HttpResponse::Ok().json(StarState {
        star_count: count,
        starred_by_me: true,
    }))
}

#[utoipa::path(
    delete, path = "/api/v1/comments/{id}/star", tag = "comments",
    params(("id" = i64, Path, description = "Comment (bookmark) id")),
    responses((status = 200, description = "Star taken back (idempotent)", body = StarState)),
    security(("bearer" = []))
)]
pub async fn unstar(
    state: web::Data<AppState>,
    id: web::Path<BookmarkId>,
    me: Writer,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let count = state
        .write(move |c| stars::unstar(c, me.user_id, id))
        .await
        .map_err(not_found)?;
    Ok(HttpResponse::Ok().json(StarState {
        star_count: count,
        starred_by_me: false,
    }))
}

fn not_found(e: ApiError) -> ApiError {
    match e {
        ApiError::NotFound(_) => ApiError::not_found("comment"),
        e => e,
    }
}
