//! Renaming and deleting my tags in bulk.

use actix_web::{web, HttpResponse};
use bukuma_db::tags;
use bukuma_domain::TagName;

use crate::error::{ApiError, Fields};
use crate::extract::{ValidJson, Writer};
use crate::state::AppState;
use crate::views::{RenameTagRequest, RetagResult};

#[utoipa::path(
    post, path = "/api/v1/me/tags/rename", tag = "tags", operation_id = "rename_tag",
    request_body = RenameTagRequest,
    responses((status = 200, description = "Renamed; merged into `to` where a bookmark had both", body = RetagResult)),
    security(("bearer" = []))
)]
pub async fn rename(
    state: web::Data<AppState>,
    me: Writer,
    ValidJson(body): ValidJson<RenameTagRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut fields = Fields::default();
    let from = fields.check("from", TagName::parse(&body.from));
    let to = fields.check("to", TagName::parse(&body.to));
    fields.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::Internal("validated tags missing".into()));
    };
    let opts = state.write_options();
    let n = state
        .write(move |c| tags::rename(c, me.user_id, &from, &to, opts))
        .await?;
    Ok(HttpResponse::Ok().json(RetagResult {
        bookmarks_changed: i64::try_from(n).unwrap_or(i64::MAX),
    }))
}

#[utoipa::path(
    delete, path = "/api/v1/me/tags/{tag}", tag = "tags", operation_id = "delete_tag",
    params(("tag" = String, Path)),
    responses((status = 200, description = "The tag is removed from all my bookmarks", body = RetagResult)),
    security(("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    tag: web::Path<String>,
    me: Writer,
) -> Result<HttpResponse, ApiError> {
    let tag = TagName::parse(&tag.into_inner()).map_err(|e| ApiError::field("tag", e))?;
    let opts = state.write_options();
    let n = state
        .write(move |c| tags::delete(c, me.user_id, &tag, opts))
        .await?;
    Ok(HttpResponse::Ok().json(RetagResult {
        bookmarks_changed: i64::try_from(n).unwrap_or(i64::MAX),
    }))
}
