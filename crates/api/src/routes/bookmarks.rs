//! Creating, reading, editing and deleting bookmarks.

use actix_web::{web, HttpResponse};
use bukuma_db::bookmarks::{self, BookmarkInput, IfExists, SaveOutcome};
use bukuma_db::DbError;
use bukuma_domain::{BookmarkId, Comment, NormalizedUrl, Note, Tags, TagsError, Title};

use crate::error::{ApiError, Fields};
use crate::extract::{Query, SignedIn, ValidJson, Viewer, Writer};
use crate::state::AppState;
use crate::views::{Bookmark, BookmarkChanges, BookmarkRequest, UrlParams};

/// Validated bookmark fields.
pub struct Checked {
    pub comment: Option<Comment>,
    pub note: Option<Note>,
    pub tags: Option<Tags>,
    pub title: Option<Title>,
}

pub fn check_tags(fields: &mut Fields, tags: &[String]) -> Option<Tags> {
    match Tags::parse(tags) {
        Ok(t) => Some(t),
        Err(TagsError::Invalid { index, error }) => {
            fields.push(&format!("tags[{index}]"), error);
            None
        }
        Err(e @ TagsError::TooMany) => {
            fields.push("tags", e);
            None
        }
    }
}

fn check(
    fields: &mut Fields,
    comment: Option<&str>,
    note: Option<&str>,
    tags: Option<&[String]>,
    title: Option<&str>,
) -> Checked {
    Checked {
        comment: comment.and_then(|c| fields.check("comment", Comment::parse(c))),
        note: note.and_then(|n| fields.check("note", Note::parse(n))),
        tags: tags.and_then(|t| check_tags(fields, t)),
        title: title.and_then(|t| fields.check("title", Title::parse(t))),
    }
}

#[utoipa::path(
    post, path = "/api/v1/bookmarks", tag = "bookmarks", operation_id = "save_bookmark",
    request_body = BookmarkRequest,
    responses(
        (status = 201, description = "Bookmark created", body = Bookmark),
        (status = 200, description = "My existing bookmark of this URL was updated", body = Bookmark),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    me: Writer,
    ValidJson(body): ValidJson<BookmarkRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut fields = Fields::default();
    let url = fields.check("url", NormalizedUrl::parse(&body.url));
    let checked = check(
        &mut fields,
        body.comment.as_deref(),
        body.note.as_deref(),
        body.tags.as_deref(),
        body.title.as_deref(),
    );
    fields.finish()?;
    let Some(url) = url else {
        return Err(ApiError::Internal("validated url missing".into()));
    };
    let (private, read_later) = (body.private, body.read_later);
    let opts = state.write_options();
    let (view, created) = state
        .write_autocommit(move |c| {
            let input = BookmarkInput {
                title: checked.title.as_ref().map(Title::as_str),
                comment: checked.comment.as_ref().map(Comment::as_str),
                note: checked.note.as_ref().map(Note::as_str),
                tags: checked.tags.as_ref(),
                is_private: private,
                read_later,
                created_at: None,
            };
            bookmarks::save(c, me.user_id, &url, &input, opts, IfExists::Update)
                .map(|(view, outcome)| (view, outcome == SaveOutcome::Created))
        })
        .await?;
    let mut res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res.json(Bookmark::for_viewer(view, Some(me.user_id))))
}

#[utoipa::path(
    get, path = "/api/v1/bookmarks/{id}", tag = "bookmarks", operation_id = "get_bookmark",
    params(("id" = i64, Path, description = "Bookmark id")),
    responses((status = 200, body = Bookmark)),
    security((), ("bearer" = []))
)]
pub async fn get(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<BookmarkId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let viewer_id = viewer.user_id();
    let view = state
        .read(move |c| bookmarks::find_view(c, id, viewer_id))
        .await?
        .ok_or_else(|| ApiError::not_found("bookmark"))?;
    Ok(HttpResponse::Ok().json(Bookmark::for_viewer(view, viewer_id)))
}

#[utoipa::path(
    patch, path = "/api/v1/bookmarks/{id}", tag = "bookmarks", operation_id = "update_bookmark",
    params(("id" = i64, Path, description = "Bookmark id")),
    request_body = BookmarkChanges,
    responses((status = 200, body = Bookmark)),
    security(("bearer" = []))
)]
pub async fn patch(
    state: web::Data<AppState>,
    id: web::Path<BookmarkId>,
    me: Writer,
    ValidJson(body): ValidJson<BookmarkChanges>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let mut fields = Fields::default();
    let checked = check(
        &mut fields,
        body.comment.as_deref(),
        body.note.as_deref(),
        body.tags.as_deref(),
        None,
    );
    fields.finish()?;
    let (private, read_later) = (body.private, body.read_later);
    let opts = state.write_options();
    let view = state
        .write(move |c| {
            let input = BookmarkInput {
                title: None,
                comment: checked.comment.as_ref().map(Comment::as_str),
                note: checked.note.as_ref().map(Note::as_str),
                tags: checked.tags.as_ref(),
                is_private: private,
                read_later,
                created_at: None,
            };
            let b = bookmarks::update(c, me.user_id, id, &input, opts)?;
            bookmarks::find_view(c, b.id, Some(me.user_id))?.ok_or(DbError::NotFound)
        })
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found("bookmark"),
            e => e,
        })?;
    Ok(HttpResponse::Ok().json(Bookmark::for_viewer(view, Some(me.user_id))))
}

#[utoipa::path(
    delete, path = "/api/v1/bookmarks/{id}", tag = "bookmarks", operation_id = "delete_bookmark",
    params(("id" = i64, Path, description = "Bookmark id")),
    responses((status = 204, description = "Deleted")),
    security(("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    id: web::Path<BookmarkId>,
    me: Writer,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let opts = state.write_options();
    state
        .write(move |c| bookmarks::delete(c, me.user_id, id, opts))
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found("bookmark"),
            e => e,
        })?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    get, path = "/api/v1/me/bookmark", tag = "bookmarks",
    params(UrlParams),
    responses((status = 200, description = "My bookmark of this URL", body = Bookmark)),
    security(("bearer" = []))
)]
pub async fn mine_by_url(
    state: web::Data<AppState>,
    me: SignedIn,
    Query(params): Query<UrlParams>,
) -> Result<HttpResponse, ApiError> {
    let url = NormalizedUrl::parse(&params.url).map_err(|e| ApiError::field("url", e))?;
    let view = state
        .read(move |c| bookmarks::find_by_url(c, me.user_id, url.as_str()))
        .await?
        .ok_or_else(|| ApiError::not_found("bookmark"))?;
    Ok(HttpResponse::Ok().json(Bookmark::for_viewer(view, Some(me.user_id))))
}
