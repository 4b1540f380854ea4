//! Follows (Hatena's お気に入り), the followees' feed, my hot entries, and
//! an entry's bookmarks by everyone or by the people I follow.
//!
//! The feed and my hot entries are kept in the read cache per viewer,
//! under the versions of the viewer's follows and mutes and of every
//! followee's bookmark list. The follow lists and the followees' bookmarks
//! of an entry always query.

use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_db::follows::{self, MAX_FOLLOWING};
use bukuma_db::models::FollowOutcome;
use bukuma_db::{entries, now_micros};
use bukuma_domain::{EntryId, TagName, UserId};

use crate::cache::{json_bytes, json_response, Key};
use crate::error::ApiError;
use crate::extract::{next_cursor, Page, PageParams, Query, SignedIn, Viewer, Writer};
use crate::state::AppState;
use crate::views::{
    Bookmark, BookmarkPage, EntryBookmark, EntryBookmarkFilter, EntryBookmarkPage,
    EntryBookmarkParams, FeedParams, Follow, FollowPage, MyHotEntry, MyHotPage, UserRef,
};

#[utoipa::path(
    put, path = "/api/v1/users/{username}/follow", tag = "follows",
    params(("username" = String, Path)),
    responses(
        (status = 200, description = "I follow this user (idempotent: following again keeps the first time)", body = Follow),
        (status = 422, description = "Following oneself, or more than 10 000 users", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn follow(
    state: web::Data<AppState>,
    me: Writer,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let followee = state.user_id(name.into_inner()).await?;
    if followee == me.user_id {
        return Err(ApiError::Unprocessable("you cannot follow yourself".into()));
    }
    let follower = me.user_id;
    let (outcome, user) = state
        .write(move |c| {
            let outcome = follows::follow(c, follower, followee, now_micros())?;
            let user = bukuma_db::users::find(c, followee)?.ok_or(bukuma_db::DbError::NotFound)?;
            Ok((outcome, user))
        })
        .await
        .map_err(user_not_found)?;
    match outcome {
        FollowOutcome::Following { followed_at, .. } => Ok(HttpResponse::Ok().json(Follow {
            user: UserRef {
                username: user.username,
                display_name: user.display_name,
            },
            followed_at: crate::views::ts(followed_at),
        })),
        FollowOutcome::LimitReached => Err(ApiError::Unprocessable(format!(
            "you follow {MAX_FOLLOWING} users, the most anyone may"
        ))),
    }
}

#[utoipa::path(
    delete, path = "/api/v1/users/{username}/follow", tag = "follows",
    params(("username" = String, Path)),
    responses((status = 204, description = "I do not follow this user (idempotent)")),
    security(("bearer" = []))
)]
pub async fn unfollow(
    state: web::Data<AppState>,
    me: Writer,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let followee = state.user_id(name.into_inner()).await?;
    let follower = me.user_id;
    state
        .write(move |c| follows::unfollow(c, follower, followee))
        .await
        .map_err(user_not_found)?;
    Ok(HttpResponse::NoContent().finish())
}

fn user_not_found(e: ApiError) -> ApiError {
    match e {
        ApiError::NotFound(_) => ApiError::not_found("user"),
        e => e,
    }
}

/// `follows::following` or `follows::followers`.
type FollowList =
    fn(
        &mut bukuma_db::DbConnection,
        bukuma_domain::UserId,
        Option<(i64, i64)>,
        usize,
    ) -> Result<bukuma_db::models::Page<bukuma_db::models::FollowView>, bukuma_db::DbError>;

/// One page of `name`'s following or followers list, as `list` reads it.
async fn follow_list(
    state: &AppState,
    name: String,
    page: Page,
    list: FollowList,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = (page.limit, page.after::<2>()?.map(|[a, b]| (a, b)));
    let user = state.user_id(name).await?;
    let page = state.read(move |c| list(c, user, after, limit)).await?;
    Ok(HttpResponse::Ok().json(FollowPage {
        next_cursor: next_cursor(page.next),
        items: page.items.into_iter().map(Follow::from).collect(),
    }))
}

#[utoipa::path(
    get, path = "/api/v1/users/{username}/following", tag = "follows",
    params(("username" = String, Path), PageParams),
    responses((status = 200, description = "The users this user follows, most recently followed first", body = FollowPage))
)]
pub async fn following(
    state: web::Data<AppState>,
    _viewer: Viewer,
    name: web::Path<String>,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    follow_list(&state, name.into_inner(), page, follows::following).await
}

#[utoipa::path(
    get, path = "/api/v1/users/{username}/followers", tag = "follows",
    params(("username" = String, Path), PageParams),
    responses((status = 200, description = "The users who follow this user, most recent first", body = FollowPage))
)]
pub async fn followers(
    state: web::Data<AppState>,
    _viewer: Viewer,
    name: web::Path<String>,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    follow_list(&state, name.into_inner(), page, follows::followers).await
}

#[utoipa::path(
    get, path = "/api/v1/me/feed", tag = "follows",
    params(FeedParams, PageParams),
    responses((status = 200, description = "The public bookmarks of everyone I follow, newest first", body = BookmarkPage)),
    security(("bearer" = []))
)]
pub async fn feed(
    state: web::Data<AppState>,
    me: SignedIn,
    Query(p): Query<FeedParams>,
    page: Page,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = (page.limit, page.after::<2>()?.map(|[a, b]| (a, b)));
    let tag = p
        .tag
        .map(|t| TagName::parse(&t).map_err(|e| ApiError::field("tag", e)))
        .transpose()?
        .map(|t| t.key());
    let viewer = me.user_id;
    let key = following_key(&state, viewer, &req).await?;
    let body = state
        .cached(key, Some(viewer), || async {
            let page = state
                .read(move |c| follows::feed(c, viewer, tag.as_deref(), after, limit))
                .await?;
            json_bytes(&BookmarkPage {
                next_cursor: next_cursor(page.next),
                items: page
                    .items
                    .into_iter()
                    .map(|v| Bookmark::for_viewer(v, Some(viewer)))
                    .collect(),
            })
        })
        .await?;
    Ok(json_response(body))
}

/// The cache key of a viewer's feed or hot entries as `req` asks for them.
async fn following_key(
    state: &AppState,
    viewer: UserId,
    req: &HttpRequest,
) -> Result<Key, ApiError> {
    Ok(Key::Following {
        viewer,
        query: format!("{}?{}", req.path(), req.query_string()).into(),
        followees: state.followees.of(state, viewer).await?,
    })
}

#[utoipa::path(
    get, path = "/api/v1/me/hot", tag = "follows",
    params(PageParams),
    responses((status = 200, description = "Entries people I follow bookmarked publicly in the last 7 days, by how many of them did, then by hot score", body = MyHotPage)),
    security(("bearer" = []))
)]
pub async fn my_hot(
    state: web::Data<AppState>,
    me: SignedIn,
    page: Page,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit;
    let after = page
        .after::<3>()?
        .map(|[n, score, id]| (n, f64::from_bits(score as u64), id));
    let viewer = me.user_id;
    let key = following_key(&state, viewer, &req).await?;
    let body = state
        .cached(key, Some(viewer), || async {
            // Only on a miss: the key's version covers the viewer's mutes.
            let mutes = state.mutes.of(&state, Some(viewer)).await?;
            let mut page = state
                .read(move |c| follows::my_hot(c, viewer, now_micros(), after, limit))
                .await?;
            page.items
                .retain(|h| !mutes.hides_site(&h.entry.entry.domain));
            json_bytes(&MyHotPage {
                next_cursor: next_cursor(page.next),
                items: page.items.into_iter().map(MyHotEntry::from).collect(),
            })
        })
        .await?;
    Ok(json_response(body))
}

#[utoipa::path(
    get, path = "/api/v1/entries/{id}/bookmarks", tag = "entries",
    params(("id" = i64, Path, description = "Entry id"), EntryBookmarkParams, PageParams),
    responses((status = 200, description = "Public bookmarks of this entry, with or without a comment, newest first: everyone's, or (`filter=following`, signed in) those of the people I follow", body = EntryBookmarkPage)),
    security((), ("bearer" = []))
)]
pub async fn entry_bookmarks(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<EntryId>,
    Query(p): Query<EntryBookmarkParams>,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = (page.limit, page.after::<2>()?.map(|[a, b]| (a, b)));
    let following_of = match p.filter.unwrap_or_default() {
        EntryBookmarkFilter::All => None,
        EntryBookmarkFilter::Following => Some(viewer.require()?.user_id),
    };
    let id = id.into_inner();
    let mutes = state.mutes.of(&state, viewer.user_id()).await?;
    let mut page = state
        .read(move |c| {
            let page = follows::entry_bookmarks(c, id, following_of, after, limit)?;
            if page.items.is_empty() && !entries::is_public(c, id)? {
                return Ok(None);
            }
            Ok(Some(page))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("entry"))?;
    // What the viewer muted leaves the page (which may then be short).
    page.items
        .retain(|b| !mutes.hides_comment(&b.user.username, &b.comment));
    Ok(HttpResponse::Ok().json(EntryBookmarkPage {
        next_cursor: next_cursor(page.next),
        items: page.items.into_iter().map(EntryBookmark::from).collect(),
    }))
}
