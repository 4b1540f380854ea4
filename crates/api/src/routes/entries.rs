//! Entries: hot, new, per site, per tag, one by id or URL, and bookmark counts.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_db::entries;
use bukuma_db::stars::{self, CommentSort};
use bukuma_domain::{normalize_domain, Category, EntryId, Mutes, NormalizedUrl, TagName};

use crate::cache::{json_bytes, json_response, Key};
use crate::error::ApiError;
use crate::extract::{next_cursor, Page, PageParams, Query, Viewer};
use crate::state::AppState;
use crate::views::{
    parse_category, CategoryListParams, Comment, CommentOrder, CommentPage, CommentParams,
    CountsParams, Entry, EntryCounts, EntryOrder, EntryPage, SiteEntryParams, UrlParams,
};

fn entry_page(page: bukuma_db::models::Page<bukuma_db::models::EntryView>) -> EntryPage {
    EntryPage {
        next_cursor: next_cursor(page.next),
        items: page.items.into_iter().map(Entry::from).collect(),
    }
}

/// A page of entries without those of the sites the viewer muted (so it
/// may be short; its cursor still leads past the whole page).
fn unmuted_page(
    mut page: bukuma_db::models::Page<bukuma_db::models::EntryView>,
    mutes: &Mutes,
) -> EntryPage {
    page.items.retain(|e| !mutes.hides_site(&e.entry.domain));
    entry_page(page)
}

/// A hot list's sort keys: the score's bits and the entry id.
fn score_cursor([score, id]: [i64; 2]) -> (f64, i64) {
    (f64::from_bits(score as u64), id)
}

/// The hot list, of one category or of all.
fn hot_list(
    c: &mut bukuma_db::DbConnection,
    category: Option<Category>,
    after: Option<(f64, i64)>,
    limit: usize,
) -> Result<bukuma_db::models::Page<bukuma_db::models::EntryView>, bukuma_db::DbError> {
    match category {
        Some(category) => entries::category_hot(c, category, after, limit),
        None => entries::hot(c, None, after, limit),
    }
}

/// The `category` of a list's query string, checked.
fn list_category(p: &CategoryListParams) -> Result<Option<Category>, ApiError> {
    p.category
        .as_deref()
        .map(|slug| parse_category("category", slug))
        .transpose()
}

#[utoipa::path(
    get, path = "/api/v1/entries/hot", tag = "entries",
    params(CategoryListParams, PageParams),
    responses(
        (status = 200, description = "Entries by recent bookmarking velocity", body = EntryPage),
        (status = 400, description = "Unknown category", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn hot(
    state: web::Data<AppState>,
    viewer: Viewer,
    Query(p): Query<CategoryListParams>,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    let category = list_category(&p)?;
    let limit = page.limit;
    let after = page.after::<2>()?.map(score_cursor);
    let mutes = state.mutes.of(&state, viewer.user_id()).await?;
    if !mutes.sites.is_empty() {
        // The shared first pages show every site; this viewer's are read anew.
        let page = state
            .read(move |c| hot_list(c, category, after, limit))
            .await?;
        return Ok(HttpResponse::Ok().json(unmuted_page(page, &mutes)));
    }
    let load = || async {
        let page = state
            .read(move |c| hot_list(c, category, after, limit))
            .await?;
        json_bytes(&entry_page(page))
    };
    let pages = match category {
        Some(c) => &state.category_hot_pages[usize::from(c.code().unsigned_abs())],
        None => &state.hot_pages,
    };
    let body = match after {
        None => {
            // Kept pages are read on the primary (see `crate::routing`).
            let _primary = crate::routing::PrimaryLoad::start();
            pages.get_or_fill(state.db.versions(), limit, load).await?
        }
        Some(_) => load().await?,
    };
    Ok(json_response(body))
}

#[utoipa::path(
    get, path = "/api/v1/entries/new", tag = "entries",
    params(CategoryListParams, PageParams),
    responses(
        (status = 200, description = "Entries that recently reached the new-entry threshold", body = EntryPage),
        (status = 400, description = "Unknown category", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn newest(
    state: web::Data<AppState>,
    viewer: Viewer,
    Query(p): Query<CategoryListParams>,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    let category = list_category(&p)?;
    let (limit, after) = (page.limit, page.after::<2>()?.map(|[a, b]| (a, b)));
    let mutes = state.mutes.of(&state, viewer.user_id()).await?;
    let page = state
        .read(move |c| match category {
            Some(category) => entries::category_newest(c, category, after, limit),
            None => entries::newest(c, after, limit),
        })
        .await?;
    Ok(HttpResponse::Ok().json(unmuted_page(page, &mutes)))
}

#[utoipa::path(
    get, path = "/api/v1/sites/{domain}/entries", tag = "entries",
    params(("domain" = String, Path, description = "A host name, e.g. blog.example.com"), SiteEntryParams, PageParams),
    responses((status = 200, body = EntryPage))
)]
pub async fn site(
    state: web::Data<AppState>,
    _viewer: Viewer,
    domain: web::Path<String>,
    Query(p): Query<SiteEntryParams>,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    let (limit, keys) = (page.limit, page.after::<2>()?);
    let domain =
        normalize_domain(&domain.into_inner()).map_err(|e| ApiError::field("domain", e))?;
    let page = match p.sort.unwrap_or_default() {
        EntryOrder::New => {
            let after = keys.map(|[a, b]| (a, b));
            state
                .read(move |c| entries::site_newest(c, &domain, after, limit))
                .await?
        }
        EntryOrder::Hot => {
            let after = keys.map(score_cursor);
            state
                .read(move |c| entries::hot(c, Some(&domain), after, limit))
                .await?
        }
    };
    Ok(HttpResponse::Ok().json(entry_page(page)))
}

#[utoipa::path(
    get, path = "/api/v1/tags/{tag}/entries", tag = "entries",
    params(("tag" = String, Path), PageParams),
    responses((status = 200, description = "Entries people tagged with this tag, most recently tagged first", body = EntryPage))
)]
pub async fn tagged(
    state: web::Data<AppState>,
    viewer: Viewer,
    tag: web::Path<String>,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = (page.limit, page.after::<2>()?.map(|[a, b]| (a, b)));
    let tag = TagName::parse(&tag.into_inner()).map_err(|e| ApiError::field("tag", e))?;
    let mutes = state.mutes.of(&state, viewer.user_id()).await?;
    let page = state
        .read(move |c| entries::tagged(c, &tag.key(), after, limit))
        .await?;
    Ok(HttpResponse::Ok().json(unmuted_page(page, &mutes)))
}

#[utoipa::path(
    get, path = "/api/v1/entries/{id}", tag = "entries", operation_id = "get_entry",
    params(("id" = i64, Path, description = "Entry id")),
    responses((status = 200, body = Entry))
)]
pub async fn get(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<EntryId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body = state
        .cached(Key::Entry(id), viewer.user_id(), || async {
            let entry = state
                .read(move |c| entries::find_public(c, id))
                .await?
                .ok_or_else(|| ApiError::not_found("entry"))?;
            json_bytes(&Entry::from(entry))
        })
        .await?;
    Ok(json_response(body))
}

#[utoipa::path(
    get, path = "/api/v1/entries/lookup", tag = "entries",
    params(UrlParams),
    responses(
        (status = 200, description = "The entry of this URL", body = Entry),
        (status = 404, description = "Nobody bookmarked this URL publicly", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn lookup(
    state: web::Data<AppState>,
    _viewer: Viewer,
    Query(p): Query<UrlParams>,
) -> Result<HttpResponse, ApiError> {
    let url = NormalizedUrl::parse(&p.url).map_err(|e| ApiError::field("url", e))?;
    let entry = state
        .read(move |c| entries::find_public_by_url(c, url.as_str()))
        .await?
        .ok_or_else(|| ApiError::not_found("entry"))?;
    Ok(HttpResponse::Ok().json(Entry::from(entry)))
}

#[utoipa::path(
    get, path = "/api/v1/entries/counts", tag = "entries",
    params(CountsParams),
    responses((status = 200, description = "Public bookmark count of each URL as given", body = EntryCounts))
)]
pub async fn counts(
    state: web::Data<AppState>,
    _viewer: Viewer,
    Query(p): Query<CountsParams>,
) -> Result<HttpResponse, ApiError> {
    if p.url.is_empty() || p.url.len() > 50 {
        return Err(ApiError::field("url", "give 1 to 50 URLs"));
    }
    let mut given: Vec<(String, Option<String>)> = Vec::with_capacity(p.url.len());
    for (i, u) in p.url.into_iter().enumerate() {
        let normalized = NormalizedUrl::parse(&u)
            .map_err(|e| ApiError::field(format!("url[{i}]"), e))?
            .into_string();
        given.push((u, Some(normalized)));
    }
    let wanted: Vec<String> = given.iter().filter_map(|(_, n)| n.clone()).collect();
    let found = state.read(move |c| entries::counts(c, &wanted)).await?;
    let out: BTreeMap<String, i64> = given
        .into_iter()
        .map(|(u, n)| {
            let count = n.and_then(|n| found.get(&n).copied()).unwrap_or(0);
            (u, count)
        })
        .collect();
    Ok(HttpResponse::Ok().json(EntryCounts(out)))
}

#[utoipa::path(
    get, path = "/api/v1/entries/{id}/comments", tag = "comments",
    params(("id" = i64, Path, description = "Entry id"), CommentParams, PageParams),
    responses((status = 200, description = "Public bookmarks of this entry that have a comment", body = CommentPage)),
    security((), ("bearer" = []))
)]
pub async fn comments(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<EntryId>,
    Query(p): Query<CommentParams>,
    page: Page,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit;
    let sort = match p.sort.unwrap_or_default() {
        CommentOrder::Recent => CommentSort::Recent,
        CommentOrder::Popular => CommentSort::Popular,
    };
    let keys = page.after_keys(if sort == CommentSort::Recent { 2 } else { 3 })?;
    let id = id.into_inner();
    let viewer_id = viewer.user_id();
    // Anonymous viewers have no mutes, so the shared cached answer is theirs alone.
    let mutes = state.mutes.of(&state, viewer_id).await?;
    let load = || async {
        let page = state
            .read(move |c| {
                // A hidden entry has no comments to show either.
                if !entries::is_public(c, id)? {
                    return Ok(None);
                }
                Ok(Some(stars::list(
                    c,
                    id,
                    sort,
                    keys.as_deref(),
                    viewer_id,
                    limit,
                )?))
            })
            .await?
            .ok_or_else(|| ApiError::not_found("entry"))?;
        json_bytes(&CommentPage {
            next_cursor: next_cursor(page.next),
            items: page
                .items
                .into_iter()
                .filter(|c| !mutes.hides_comment(&c.user.username, &c.comment))
                .map(Comment::from)
                .collect(),
        })
    };
    // Signed-in viewers see which comments they starred.
    let body = match viewer_id {
        None => {
            let key = Key::Comments {
                entry: id,
                query: req.query_string().into(),
            };
            state.cached(key, None, load).await?
        }
        Some(_) => load().await?,
    };
    Ok(json_response(body))
}
