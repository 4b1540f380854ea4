//! Search over everyone's entries or my own bookmarks. The index names
//! candidates; every one is read again from the database with its
//! visibility rules before it is shown, so a stale index cannot leak.

use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_db::models::EntryView;
use bukuma_db::{search as docs, users};
use bukuma_domain::{BookmarkId, EntryId, UserId};
use bukuma_search::query::normalize_site;
use bukuma_search::{
    highlights, BookmarkSearch, BookmarkSort, EntrySearch, EntrySort, ParsedQuery, Target,
};
use chrono::NaiveDate;

use crate::cache::{json_bytes, json_response, Key};
use crate::error::{ApiError, Fields};
use crate::extract::{next_cursor, Page, PageParams, Query, Viewer};
use crate::state::AppState;
use crate::views::{
    Bookmark, BookmarkHit, Entry, EntryHit, Highlights, SearchPage, SearchParams, SearchScope,
    SearchSort, SearchTarget, TextRange, MAX_QUERY_CHARS,
};

/// How deep results can be paged: relevance pages are offsets into one
/// ranking, and nobody reads past this.
pub const MAX_OFFSET: usize = 1_000;

/// A checked search request.
pub struct SearchRequest {
    pub query: ParsedQuery,
    pub scope: SearchScope,
    pub target: SearchTarget,
    pub sort: SearchSort,
    pub min_users: Option<u64>,
    /// Microseconds: inclusive start, exclusive end.
    pub date_begin: Option<i64>,
    pub date_end: Option<i64>,
    pub site: Option<String>,
    /// The username to narrow to (`user=` or the query's `user:`).
    pub user: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

impl SearchRequest {
    /// Nothing to look for: the query was only operators and no filter
    /// narrows it, so nothing matches.
    pub fn matches_nothing(&self) -> bool {
        self.query.is_empty()
            && self.site.is_none()
            && self.user.is_none()
            && self.min_users.is_none()
            && self.date_begin.is_none()
            && self.date_end.is_none()
    }
}

fn day_start(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_micros())
        .unwrap_or(i64::MAX)
}

impl SearchRequest {
    pub fn check(p: SearchParams, offset: usize, limit: usize) -> Result<Self, ApiError> {
        let mut fields = Fields::default();
        if p.q.chars().count() > MAX_QUERY_CHARS {
            fields.push("q", format!("at most {MAX_QUERY_CHARS} characters"));
        }
        if p.users.is_some_and(|n| n > 1_000_000) {
            fields.push("users", "must be between 0 and 1000000");
        }
        let site = match p.site.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) if s.len() > 253 => {
                fields.push("site", "at most 253 characters");
                None
            }
            Some(s) => {
                let site = normalize_site(s);
                if site.is_none() {
                    fields.push("site", "not a host name");
                }
                site
            }
        };
        if p.user.as_deref().is_some_and(|u| u.chars().count() > 32) {
            fields.push("user", "at most 32 characters");
        }
        if let (Some(b), Some(e)) = (p.date_begin, p.date_end) {
            if b > e {
                fields.push("date_end", "must not be before date_begin");
            }
        }
        fields.finish()?;
        let query = bukuma_search::parse(&p.q);
        let user = p
            .user
            .filter(|u| !u.trim().is_empty())
            .or_else(|| query.user.clone());
        let narrowed = site.is_some()
            || user.is_some()
            || p.users.is_some()
            || p.date_begin.is_some()
            || p.date_end.is_some();
        if p.q.trim().is_empty() && !narrowed {
            return Err(ApiError::field("q", "give a word to search for"));
        }
        Ok(SearchRequest {
            scope: p.scope.unwrap_or_default(),
            target: p.target.unwrap_or_default(),
            sort: p.sort.unwrap_or_default(),
            min_users: p.users.map(u64::from),
            date_begin: p.date_begin.map(day_start),
            date_end: p.date_end.and_then(|d| d.succ_opt()).map(day_start),
            site,
            user,
            query,
            offset,
            limit,
        })
    }

    fn target(&self) -> Target {
        match self.target {
            SearchTarget::All => Target::All,
            SearchTarget::Title => Target::Title,
            SearchTarget::Comment => Target::Comment,
            SearchTarget::Tag => Target::Tag,
        }
    }
}

fn ranges(text: &str, q: &ParsedQuery) -> Vec<TextRange> {
    highlights(text, q)
        .into_iter()
        .map(|(s, e)| TextRange {
            start: u32::try_from(s).unwrap_or(u32::MAX),
            end: u32::try_from(e).unwrap_or(u32::MAX),
        })
        .collect()
}

fn index(state: &AppState) -> Result<std::sync::Arc<bukuma_search::SearchIndex>, ApiError> {
    state
        .search
        .as_ref()
        .map(|s| s.index())
        .ok_or_else(|| ApiError::Unavailable("search is not enabled on this server".into()))
}

fn index_error(e: bukuma_search::SearchError) -> ApiError {
    ApiError::Unavailable(format!("search index: {e}"))
}

/// Entries matching `r`, as the database shows them now, and whether more
/// follow.
pub async fn find_entries(
    state: &AppState,
    r: &SearchRequest,
) -> Result<(Vec<EntryView>, bool), ApiError> {
    let bookmarked_by = match &r.user {
        None => None,
        Some(name) => {
            let name = name.clone();
            match state.read(move |c| users::find_by_name(c, &name)).await? {
                Some(u) => Some(u.id.0),
                None => return Ok((Vec::new(), false)),
            }
        }
    };
    let index = index(state)?;
    let opts = EntrySearch {
        target: r.target(),
        sort: match r.sort {
            SearchSort::Relevance => EntrySort::Relevance,
            SearchSort::Popular => EntrySort::Popular,
            SearchSort::Recent => EntrySort::Recent,
        },
        min_users: r.min_users,
        date_begin: r.date_begin,
        date_end: r.date_end,
        site: r.site.clone(),
        bookmarked_by,
        offset: r.offset,
        limit: r.limit,
        ..EntrySearch::default()
    };
    let query = r.query.clone();
    let hits = web::block(move || index.search_entries(&query, &opts))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(index_error)?;
    let ids: Vec<EntryId> = hits.items.into_iter().map(EntryId).collect();
    let entries = state.read(move |c| docs::visible_entries(c, &ids)).await?;
    Ok((entries, hits.has_more))
}

/// My bookmarks matching `r`, private ones included, and whether more follow.
async fn find_mine(
    state: &AppState,
    me: UserId,
    r: &SearchRequest,
) -> Result<(Vec<bukuma_db::models::BookmarkView>, bool), ApiError> {
    // Only my own bookmarks are searched here: `user:` someone else finds none.
    if let Some(name) = r.user.clone() {
        let user = state.read(move |c| users::find_by_name(c, &name)).await?;
        if user.map(|u| u.id) != Some(me) {
            return Ok((Vec::new(), false));
        }
    }
    let index = index(state)?;
    let opts = BookmarkSearch {
        user_id: Some(me.0),
        include_private: true,
        target: r.target(),
        sort: match r.sort {
            SearchSort::Recent => BookmarkSort::Recent,
            SearchSort::Relevance | SearchSort::Popular => BookmarkSort::Relevance,
        },
        date_begin: r.date_begin,
        date_end: r.date_end,
        site: r.site.clone(),
        offset: r.offset,
        limit: r.limit,
        ..BookmarkSearch::default()
    };
    let query = r.query.clone();
    let hits = web::block(move || index.search_bookmarks(&query, &opts))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(index_error)?;
    let ids: Vec<BookmarkId> = hits
        .items
        .into_iter()
        .map(|h| BookmarkId(h.bookmark_id))
        .collect();
    let found = state
        .read(move |c| docs::visible_bookmarks(c, Some(me), &ids))
        .await?;
    Ok((found, hits.has_more))
}

#[utoipa::path(
    get, path = "/api/v1/search", tag = "search",
    params(SearchParams, PageParams),
    responses(
        (status = 200, description = "Entries (`scope=all`) or my bookmarks (`scope=mine`) that match, best first", body = SearchPage),
        (status = 401, description = "`scope=mine` without credentials", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search(
    state: web::Data<AppState>,
    viewer: Viewer,
    Query(p): Query<SearchParams>,
    page: Page,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let offset = match page.after::<1>()? {
        None => 0,
        Some([n]) => usize::try_from(n)
            .map_err(|_| ApiError::field("cursor", bukuma_domain::CursorError::Malformed))?,
    };
    let r = SearchRequest::check(p, offset, page.limit)?;
    let mine = match r.scope {
        SearchScope::All => None,
        SearchScope::Mine => Some(viewer.require()?.user_id),
    };
    if r.offset >= MAX_OFFSET || r.matches_nothing() {
        return Ok(HttpResponse::Ok().json(SearchPage::default()));
    }
    let limit = r.limit.min(MAX_OFFSET - r.offset);
    let r = SearchRequest { limit, ..r };
    // Kept per index state: a commit (here or in another process) or a
    // write through this process reads the results again.
    let key = Key::Search {
        query: req.query_string().into(),
        index: index_state(&*index(&state)?),
        mine,
    };
    let body = state
        .cached(key, viewer.user_id(), || async {
            json_bytes(&answer(&state, mine, &r).await?)
        })
        .await?;
    Ok(json_response(body))
}

/// Identifies what the index holds: its directory (a rebuild makes a new
/// one) and the commits its searchers see.
fn index_state(index: &bukuma_search::SearchIndex) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    index.dir().hash(&mut h);
    index.generation().hash(&mut h);
    h.finish()
}

/// One page of results for `mine` (my bookmarks) or everyone (`None`).
async fn answer(
    state: &AppState,
    mine: Option<UserId>,
    r: &SearchRequest,
) -> Result<SearchPage, ApiError> {
    let more = |has_more: bool| {
        let next = r.offset + r.limit;
        next_cursor((has_more && next < MAX_OFFSET).then(|| vec![next as i64]))
    };
    let q = &r.query;
    Ok(match mine {
        None => {
            let (entries, has_more) = find_entries(state, r).await?;
            SearchPage {
                entries: entries
                    .into_iter()
                    .map(|v| {
                        let highlights = Highlights {
                            title: ranges(&v.entry.title, q),
                            summary: ranges(&v.entry.summary, q),
                            ..Highlights::default()
                        };
                        EntryHit {
                            entry: Entry::from(v),
                            highlights,
                        }
                    })
                    .collect(),
                bookmarks: Vec::new(),
                next_cursor: more(has_more),
            }
        }
        Some(me) => {
            let (found, has_more) = find_mine(state, me, r).await?;
            SearchPage {
                entries: Vec::new(),
                bookmarks: found
                    .into_iter()
                    .map(|v| {
                        let highlights = Highlights {
                            title: ranges(&v.entry.title, q),
                            summary: ranges(&v.entry.summary, q),
                            comment: ranges(&v.bookmark.comment, q),
                            note: ranges(&v.bookmark.note, q),
                        };
                        BookmarkHit {
                            bookmark: Bookmark::for_viewer(v, Some(me)),
                            highlights,
                        }
                    })
                    .collect(),
                next_cursor: more(has_more),
            }
        }
    })
}
