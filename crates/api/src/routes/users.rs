//! Public profiles and each user's bookmarks, tags and sites.

use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_db::bookmarks::{self, UserFilter};
use bukuma_db::{follows, tags, users};
use bukuma_domain::{normalize_domain, TagName, UserId};

use crate::cache::{json_bytes, json_response, Key};
use crate::error::{ApiError, Fields};
use crate::extract::{next_cursor, Page, PageParams, Query, Viewer};
use crate::state::AppState;
use crate::views::{
    Bookmark, BookmarkPage, Profile, SiteCount, SiteCountList, TagCount, TagCountList,
    UserBookmarkParams,
};

/// The user's id, and whether the viewer is that user.
async fn owner(
    state: &AppState,
    viewer: &Viewer,
    name: String,
) -> Result<(UserId, bool), ApiError> {
    let id = state.user_id(name).await?;
    Ok((id, viewer.user_id() == Some(id)))
}

/// `NotFound` for visitors of a suspended user's pages.
fn visible_owner(
    c: &mut bukuma_db::DbConnection,
    owner: UserId,
    is_owner: bool,
) -> Result<(), bukuma_db::DbError> {
    if !is_owner && bukuma_db::moderation::suspended_at(c, owner)?.is_some() {
        return Err(bukuma_db::DbError::NotFound);
    }
    Ok(())
}

/// The cached response for everyone but the owner, who sees private bookmarks too.
async fn for_visitors<F, Fut>(
    state: &AppState,
    viewer: &Viewer,
    is_owner: bool,
    key: Key,
    load: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<web::Bytes, ApiError>>,
{
    let body = if is_owner {
        load().await?
    } else {
        state.cached(key, viewer.user_id(), load).await?
    };
    Ok(json_response(body))
}

#[utoipa::path(
    get, path = "/api/v1/users/{username}", tag = "users",
    params(("username" = String, Path)),
    responses((status = 200, body = Profile)),
    security((), ("bearer" = []))
)]
pub async fn profile(
    state: web::Data<AppState>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    let viewer_id = viewer.user_id();
    // Read for each request, never from the read cache: `followed_by_me`
    // is the viewer's own.
    let (user, followed) = state
        .read(move |c| {
            let Some(user) = users::find_by_name(c, &name)? else {
                return Ok(None);
            };
            let followed = match viewer_id {
                Some(v) => Some(follows::is_following(c, v, user.id)?),
                None => None,
            };
            Ok(Some((user, followed)))
        })
        .await?
        // A suspended user's pages are gone while they are suspended.
        .filter(|(u, _)| u.suspended_at.is_none())
        .ok_or_else(|| ApiError::not_found("user"))?;
    let mut profile = Profile::from(user);
    profile.followed_by_me = followed;
    Ok(HttpResponse::Ok().json(profile))
}

#[utoipa::path(
    get, path = "/api/v1/users/{username}/bookmarks", tag = "users",
    params(("username" = String, Path), UserBookmarkParams, PageParams),
    responses((status = 200, description = "Newest first; private ones only for their owner", body = BookmarkPage)),
    security((), ("bearer" = []))
)]
pub async fn bookmarks(
    state: web::Data<AppState>,
    viewer: Viewer,
    name: web::Path<String>,
    Query(params): Query<UserBookmarkParams>,
    page: Page,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = (page.limit, page.after::<2>()?.map(|[a, b]| (a, b)));
    let mut fields = Fields::default();
    if params.tag.len() > 10 {
        fields.push("tag", "at most 10 tags");
    }
    let tags: Vec<String> = params
        .tag
        .iter()
        .enumerate()
        .filter_map(|(i, t)| fields.check(&format!("tag[{i}]"), TagName::parse(t)))
        .map(|t| t.key())
        .collect();
    let site = params
        .site
        .as_deref()
        .and_then(|s| fields.check("site", normalize_domain(s)));
    fields.finish()?;
    let (owner_id, is_owner) = owner(&state, &viewer, name.into_inner()).await?;
    let viewer_id = viewer.user_id();
    let filter = UserFilter {
        tags,
        site,
        read_later: params.read_later,
    };
    let key = Key::UserBookmarks {
        user: owner_id,
        tag: filter.tags.first().map(|t| t.as_str().into()),
        query: req.query_string().into(),
    };
    for_visitors(&state, &viewer, is_owner, key, || async {
        let page = state
            .read(move |c| {
                visible_owner(c, owner_id, is_owner)?;
                bookmarks::list_for_user(c, owner_id, is_owner, &filter, after, limit)
            })
            .await?;
        json_bytes(&BookmarkPage {
            next_cursor: next_cursor(page.next),
            items: page
                .items
                .into_iter()
                .map(|v| Bookmark::for_viewer(v, viewer_id))
                .collect(),
        })
    })
    .await
}

#[utoipa::path(
    get, path = "/api/v1/users/{username}/tags", tag = "users",
    params(("username" = String, Path)),
    responses((status = 200, description = "Tags with counts, most used first", body = TagCountList)),
    security((), ("bearer" = []))
)]
pub async fn user_tags(
    state: web::Data<AppState>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (owner_id, is_owner) = owner(&state, &viewer, name.into_inner()).await?;
    let key = Key::UserTags(owner_id);
    for_visitors(&state, &viewer, is_owner, key, || async {
        let list = state
            .read(move |c| {
                visible_owner(c, owner_id, is_owner)?;
                tags::user_tags(c, owner_id, is_owner)
            })
            .await?;
        json_bytes(&TagCountList {
            items: list
                .into_iter()
                .map(|n| TagCount {
                    tag: n.name,
                    count: n.count,
                })
                .collect(),
        })
    })
    .await
}

#[utoipa::path(
    get, path = "/api/v1/users/{username}/sites", tag = "users",
    params(("username" = String, Path)),
    responses((status = 200, description = "Domains with counts, most bookmarked first", body = SiteCountList)),
    security((), ("bearer" = []))
)]
pub async fn user_sites(
    state: web::Data<AppState>,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (owner_id, is_owner) = owner(&state, &viewer, name.into_inner()).await?;
    let key = Key::UserSites(owner_id);
    for_visitors(&state, &viewer, is_owner, key, || async {
        let list = state
            .read(move |c| {
                visible_owner(c, owner_id, is_owner)?;
                tags::user_sites(c, owner_id, is_owner)
            })
            .await?;
        json_bytes(&SiteCountList {
            items: list
                .into_iter()
                .map(|n| SiteCount {
                    domain: n.name,
                    count: n.count,
                })
                .collect(),
        })
    })
    .await
}
