//! Entry categories: the list of the eight, users' suggestions, admins'
//! choices and the history of an entry's category. The hot and new lists
//! of one category are `GET /api/v1/entries/{hot,new}?category=` (see
//! [`super::entries`]).

use actix_web::{web, HttpResponse};
use bukuma_db::categories::{self, SuggestOutcome, MAX_SUGGESTIONS_PER_DAY};
use bukuma_db::models::CategorySource;
use bukuma_db::{entries, now_micros};
use bukuma_domain::{Category, EntryId, Role};

use crate::error::{ApiError, Problem};
use crate::extract::{Admin, ValidJson, Viewer, Writer};
use crate::state::AppState;
use crate::views::{
    parse_category, CategoryChange, CategoryHistory, CategoryInfo, CategoryList, CategoryRequest,
    CategorySuggestion, EntryCategory,
};

#[utoipa::path(
    get, path = "/api/v1/categories", tag = "categories", operation_id = "list_categories",
    responses((status = 200, description = "The eight categories, in the order the front page shows them", body = CategoryList))
)]
pub async fn list(_viewer: Viewer) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(CategoryList {
        items: Category::ALL.into_iter().map(CategoryInfo::from).collect(),
    }))
}

#[utoipa::path(
    post, path = "/api/v1/entries/{id}/category", tag = "categories", operation_id = "suggest_entry_category",
    params(("id" = i64, Path, description = "Entry id")),
    request_body = CategoryRequest,
    responses(
        (status = 200, description = "Suggested (in place of the caller's earlier suggestion for this entry); when at least three users agree, the entry moves", body = CategorySuggestion),
        (status = 400, description = "Unknown category", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such public entry", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "30 suggestions in the last 24 hours; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn suggest(
    state: web::Data<AppState>,
    me: Writer,
    id: web::Path<EntryId>,
    ValidJson(body): ValidJson<CategoryRequest>,
) -> Result<HttpResponse, ApiError> {
    let category = parse_category("slug", &body.slug)?;
    let (user, id) = (me.user_id, id.into_inner());
    let outcome = state
        .write(move |c| categories::suggest(c, user, id, category, now_micros()))
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found("entry"),
            other => other,
        })?;
    if let SuggestOutcome::Limited { retry_after_secs } = outcome {
        return Err(ApiError::TooManyRequests {
            detail: format!(
                "at most {MAX_SUGGESTIONS_PER_DAY} category suggestions a day; \
                 try again in {retry_after_secs} s"
            ),
            retry_after_secs: u64::try_from(retry_after_secs).unwrap_or(1),
        });
    }
    if matches!(outcome, SuggestOutcome::Saved { moved: true, .. }) {
        state.clear_hot_pages();
    }
    state.reads.wrote(user).await;
    let view = CategorySuggestion::of(category, &outcome)
        .ok_or_else(|| ApiError::Internal("a saved suggestion has no view".into()))?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(
    put, path = "/api/v1/admin/entries/{id}/category", tag = "categories", operation_id = "set_entry_category",
    params(("id" = i64, Path, description = "Entry id")),
    request_body = CategoryRequest,
    responses(
        (status = 200, description = "The entry's category, set by an admin: it wins over users' suggestions and the classifier", body = EntryCategory),
        (status = 400, description = "Unknown category", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn set(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<EntryId>,
    ValidJson(body): ValidJson<CategoryRequest>,
) -> Result<HttpResponse, ApiError> {
    let me = admin.require_write()?.user_id;
    let category = parse_category("slug", &body.slug)?;
    let id = id.into_inner();
    let entry = state
        .write(move |c| {
            categories::set(
                c,
                id,
                category,
                CategorySource::Admin,
                Some(me),
                now_micros(),
            )
        })
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found("entry"),
            other => other,
        })?;
    state.clear_hot_pages();
    state.reads.wrote(me).await;
    let view = EntryCategory::of(&entry)
        .ok_or_else(|| ApiError::Internal("an entry just categorized has no category".into()))?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(
    get, path = "/api/v1/entries/{id}/category-history", tag = "categories", operation_id = "entry_category_history",
    params(("id" = i64, Path, description = "Entry id")),
    responses(
        (status = 200, description = "Every change of the entry's category, newest first (at most 100)", body = CategoryHistory),
        (status = 404, description = "No such public entry", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
pub async fn history(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<EntryId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let viewer = viewer.user_id();
    let (changes, admin) = state
        .read(move |c| {
            if !entries::is_public(c, id)? {
                return Ok(None);
            }
            let admin = match viewer {
                Some(v) => bukuma_db::users::find(c, v)?.is_some_and(|u| u.role == Role::Admin),
                None => false,
            };
            Ok(Some((categories::history(c, id)?, admin)))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("entry"))?;
    Ok(HttpResponse::Ok().json(CategoryHistory {
        items: changes
            .into_iter()
            .map(|c| CategoryChange::new(c, admin))
            .collect(),
    }))
}
