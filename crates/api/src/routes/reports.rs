//! Reports: any signed-in user may flag a comment, an entry or a user for
//! the admins.

use actix_web::{web, HttpResponse};
use bukuma_db::moderation::{self, ReportOutcome};
use bukuma_db::{now_micros, users};
use bukuma_domain::moderation::{check_note, TargetKind, MAX_REPORT_NOTE};

use crate::error::{ApiError, Problem};
use crate::extract::{ValidJson, Writer};
use crate::state::AppState;
use crate::views::{Report, ReportRequest, TargetIdInput};

#[utoipa::path(
    post, path = "/api/v1/reports", tag = "moderation", operation_id = "create_report",
    request_body = ReportRequest,
    responses(
        (status = 201, description = "Reported", body = Report),
        (status = 200, description = "Reported before: the existing report", body = Report),
        (status = 404, description = "No such comment, entry or user", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "20 reports in the last hour; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    me: Writer,
    ValidJson(body): ValidJson<ReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let note = bukuma_domain::text::strip_forbidden(&body.note.unwrap_or_default()).into_owned();
    check_note(&note, MAX_REPORT_NOTE).map_err(|e| ApiError::field("note", e))?;
    let kind = TargetKind::from(body.target.kind);
    let target_id = match (kind, body.target.id) {
        (_, TargetIdInput::Id(id)) => id,
        (TargetKind::User, TargetIdInput::Username(name)) => {
            if name.is_empty() || name.len() > 32 {
                return Err(ApiError::field(
                    "target.id",
                    "a username of 1–32 characters",
                ));
            }
            state
                .read(move |c| users::find_by_name(c, &name))
                .await?
                .ok_or_else(|| ApiError::not_found("user"))?
                .id
                .0
        }
        (_, TargetIdInput::Username(_)) => {
            return Err(ApiError::field(
                "target.id",
                "comments and entries are named by their numeric id",
            ))
        }
    };
    let reason = body.reason.into();
    let reporter = me.user_id;
    let outcome = state
        .write(move |c| {
            moderation::report(c, reporter, kind, target_id, reason, &note, now_micros())
        })
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found(kind.as_str()),
            other => other,
        })?;
    match outcome {
        ReportOutcome::Created(r) => Ok(HttpResponse::Created().json(Report::from(r))),
        ReportOutcome::Existing(r) => Ok(HttpResponse::Ok().json(Report::from(r))),
        ReportOutcome::Limited { retry_after_secs } => Err(ApiError::TooManyRequests {
            detail: format!(
                "at most {} reports an hour; try again in {retry_after_secs} s",
                bukuma_domain::moderation::MAX_REPORTS_PER_WINDOW
            ),
            retry_after_secs: u64::try_from(retry_after_secs).unwrap_or(1),
        }),
    }
}
