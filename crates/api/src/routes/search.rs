//! Search over everyone's entries or my own bookmarks.

use actix_web::{web, HttpResponse};

use crate::error::ApiError;
use crate::extract::{Page, PageParams, Query, Viewer};
use crate::state::AppState;
use crate::views::{SearchPage, SearchParams};

#[utoipa::path(
    get, path = "/api/v1/search", tag = "search",
    params(SearchParams, PageParams),
    responses(
        (status = 200, description = "Entries (`scope=all`) or my bookmarks (`scope=mine`) that match, best first", body = SearchPage),
        (status = 401, description = "`scope=mine` without credentials", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search(
    _state: web::Data<AppState>,
    _viewer: Viewer,
    Query(_p): Query<SearchParams>,
    _page: Page,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(SearchPage::default()))
}
