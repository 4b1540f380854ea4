//! The admins' report queue, their moderation actions and the log of them.
//!
//! Every action clears this process's cached public answers and hot pages
//! (hidden and suspended content shows in many of them) and what it knows
//! of the user's suspension; other processes keep theirs until their
//! read-cache TTL (`BUKUMA_READ_CACHE_MS`) and the suspension recheck
//! (`suspension::RECHECK`) run out.

use actix_web::{web, HttpResponse};
use bukuma_db::moderation::{self, Refusal};
use bukuma_db::{now_micros, users};
use bukuma_domain::moderation::{check_note, MAX_MODERATION_NOTE};
use bukuma_domain::{BookmarkId, UserId};

use crate::error::{ApiError, Problem};
use crate::extract::{next_cursor, Admin, OptionalJson, Page, PageParams, Query, ValidJson};
use crate::state::AppState;
use crate::views::{
    CaseParams, ModerationLogItem, ModerationLogPage, ModerationNote, ReportCase, ReportCasePage,
    ResolveRequest,
};

fn refusal(r: Refusal) -> ApiError {
    match r {
        Refusal::AlreadyResolved => {
            ApiError::Conflict("every report of this target is resolved".into())
        }
        Refusal::NotApplicable => ApiError::field(
            "action",
            "this action does not apply to the reported target",
        ),
        Refusal::TargetGone => ApiError::Conflict("the reported target no longer exists".into()),
        Refusal::NothingToUndo => ApiError::Conflict("there is nothing to undo".into()),
    }
}

fn note(n: Option<String>) -> Result<String, ApiError> {
    let n = bukuma_domain::text::strip_forbidden(&n.unwrap_or_default()).into_owned();
    check_note(&n, MAX_MODERATION_NOTE).map_err(|e| ApiError::field("note", e))?;
    Ok(n)
}

/// Makes an action show at once in this process.
async fn after_action(state: &AppState, user: Option<UserId>) {
    state.reads.clear();
    state.clear_hot_pages();
    if let Some(u) = user {
        state.suspensions.forget(u).await;
    }
}

#[utoipa::path(
    get, path = "/api/v1/admin/reports", tag = "moderation", operation_id = "list_report_cases",
    params(CaseParams, PageParams),
    responses(
        (status = 200, description = "Reports grouped per target, most recently reported first", body = ReportCasePage),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn reports(
    state: web::Data<AppState>,
    _admin: Admin,
    Query(p): Query<CaseParams>,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = (page.limit, page.after::<2>()?.map(|[a, b]| (a, b)));
    let status = p.status.unwrap_or_default().as_str();
    let page = state
        .read(move |c| moderation::cases(c, status, after, limit))
        .await?;
    Ok(HttpResponse::Ok().json(ReportCasePage {
        next_cursor: next_cursor(page.next),
        items: page.items.into_iter().map(ReportCase::from).collect(),
    }))
}

#[utoipa::path(
    post, path = "/api/v1/admin/reports/{id}/resolve", tag = "moderation", operation_id = "resolve_report",
    params(("id" = i64, Path, description = "The id of a case of the queue (one target's reports)")),
    request_body = ResolveRequest,
    responses(
        (status = 200, description = "Resolved: the action is applied and every open report of the target closed", body = ReportCase),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Resolved already, or the target is gone", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn resolve(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
    ValidJson(body): ValidJson<ResolveRequest>,
) -> Result<HttpResponse, ApiError> {
    let me = admin.require_write()?.user_id;
    let case_id = id.into_inner();
    let action = body.action.into();
    let note = note(body.note)?;
    let resolved = state
        .write(move |c| moderation::resolve(c, me, case_id, action, &note, now_micros()))
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found("report"),
            other => other,
        })?
        .map_err(refusal)?;
    after_action(&state, resolved.suspended).await;
    Ok(HttpResponse::Ok().json(ReportCase::from(resolved.case)))
}

#[utoipa::path(
    post, path = "/api/v1/admin/users/{username}/unsuspend", tag = "moderation", operation_id = "unsuspend_user",
    params(("username" = String, Path)),
    request_body(content = Option<ModerationNote>, description = "Optional"),
    responses(
        (status = 204, description = "The user may sign in again; their comments show again"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The user is not suspended", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn unsuspend(
    state: web::Data<AppState>,
    admin: Admin,
    name: web::Path<String>,
    OptionalJson(body): OptionalJson<ModerationNote>,
) -> Result<HttpResponse, ApiError> {
    let me = admin.require_write()?.user_id;
    let note = note(body.and_then(|b| b.note))?;
    let name = name.into_inner();
    let user = state
        .read(move |c| users::find_by_name(c, &name))
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    let id = user.id;
    state
        .write(move |c| moderation::unsuspend(c, me, id, &note, now_micros()))
        .await?
        .map_err(refusal)?;
    after_action(&state, Some(id)).await;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    post, path = "/api/v1/admin/comments/{id}/unhide", tag = "moderation", operation_id = "unhide_comment",
    params(("id" = i64, Path, description = "Comment (bookmark) id")),
    request_body(content = Option<ModerationNote>, description = "Optional"),
    responses(
        (status = 204, description = "The comment shows again"),
        (status = 404, description = "No such comment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The comment is not hidden", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn unhide(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<BookmarkId>,
    OptionalJson(body): OptionalJson<ModerationNote>,
) -> Result<HttpResponse, ApiError> {
    let me = admin.require_write()?.user_id;
    let note = note(body.and_then(|b| b.note))?;
    let id = id.into_inner();
    state
        .write(move |c| moderation::unhide_comment(c, me, id, &note, now_micros()))
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found("comment"),
            other => other,
        })?
        .map_err(refusal)?;
    after_action(&state, None).await;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    get, path = "/api/v1/admin/moderation-log", tag = "moderation", operation_id = "moderation_log",
    params(PageParams),
    responses(
        (status = 200, description = "Every moderation action, newest first", body = ModerationLogPage),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn log(
    state: web::Data<AppState>,
    _admin: Admin,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = (page.limit, page.after::<1>()?.map(|[id]| id));
    let page = state
        .read(move |c| moderation::log_page(c, after, limit))
        .await?;
    Ok(HttpResponse::Ok().json(ModerationLogPage {
        next_cursor: next_cursor(page.next),
        items: page
            .items
            .into_iter()
            .map(ModerationLogItem::from)
            .collect(),
    }))
}
