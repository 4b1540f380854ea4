//! My notifications: the grouped list, marking read, the unread count.
//!
//! Per viewer, so nothing here goes through the read cache.

use actix_web::{web, HttpResponse};
use bukuma_db::{notifications, now_micros};

use crate::cache::{json_bytes, json_response, Key};
use crate::error::ApiError;
use crate::extract::{next_cursor, Page, PageParams, SignedIn, ValidJson, Writer};
use crate::state::AppState;
use crate::views::{MarkReadRequest, Notification, NotificationPage, UnreadCount};

#[utoipa::path(
    get, path = "/api/v1/me/notifications", tag = "notifications",
    params(PageParams),
    responses((status = 200, description = "My notifications, most recently updated first: one per kind and subject, gathering who did it", body = NotificationPage)),
    security(("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    me: SignedIn,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = (page.limit, page.after::<2>()?.map(|[a, b]| (a, b)));
    let user = me.user_id;
    let (page, unread_count) = state
        .read(move |c| {
            let page = notifications::list(c, user, after, limit)?;
            Ok((page, notifications::unread_count(c, user)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(NotificationPage {
        next_cursor: next_cursor(page.next),
        items: page.items.into_iter().map(Notification::from).collect(),
        unread_count,
    }))
}

#[utoipa::path(
    post, path = "/api/v1/me/notifications/read", tag = "notifications",
    request_body = MarkReadRequest,
    responses(
        (status = 200, description = "The notification `up_to` and every one updated before it (all it and the list below it show) are read; the unread count after", body = UnreadCount),
        (status = 404, description = "No notification of mine has this id", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn mark_read(
    state: web::Data<AppState>,
    me: Writer,
    ValidJson(body): ValidJson<MarkReadRequest>,
) -> Result<HttpResponse, ApiError> {
    if body.up_to < 1 {
        return Err(ApiError::field("up_to", "must be a notification id"));
    }
    let (user, up_to) = (me.user_id, body.up_to);
    let unread_count = state
        .write(move |c| notifications::mark_read(c, user, up_to, now_micros()))
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found("notification"),
            e => e,
        })?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread_count }))
}

#[utoipa::path(
    get, path = "/api/v1/me/notifications/unread-count", tag = "notifications",
    responses((status = 200, description = "How many of my notifications are unread (cheap: poll it)", body = UnreadCount)),
    security(("bearer" = []))
)]
pub async fn unread_count(
    state: web::Data<AppState>,
    me: SignedIn,
) -> Result<HttpResponse, ApiError> {
    let user = me.user_id;
    // Polled by every open tab: kept until a notification of the user changes.
    let body = state
        .cached(Key::Unread(user), Some(user), || async {
            let unread_count = state
                .read(move |c| notifications::unread_count(c, user))
                .await?;
            json_bytes(&UnreadCount { unread_count })
        })
        .await?;
    Ok(json_response(body))
}
