//! `posts/*`: the caller's bookmarks.

use std::collections::BTreeMap;

use bukuma_db::bookmarks::{self, BookmarkInput, IfExists, OwnFilter, SaveOutcome};
use bukuma_db::models::BookmarkView;
use bukuma_db::{entries, tags};
use bukuma_domain::bookmark::tag_key;
use bukuma_domain::{Comment, Title};

use super::auth::Caller;
use super::failure::Failure;
use super::params::{
    day_start, GetBy, PostsAdd, PostsAll, PostsDelete, PostsGet, PostsRecent, PostsSuggest,
    TagFilter, DAY_MICROS,
};
use super::render::{pin_date, pin_time, Post, Reply};
use crate::state::AppState;

/// `posts/update`: when the caller's bookmarks last changed.
pub(super) async fn update(state: &AppState, caller: &Caller) -> Result<Reply, Failure> {
    let user_id = caller.user_id;
    let last = state
        .read(move |c| bookmarks::last_update(c, user_id))
        .await?;
    Ok(Reply::Update(pin_time(last.unwrap_or(caller.created_at))))
}

/// `posts/add`: saves a bookmark, or with `replace=no` refuses one the caller
/// has already.
pub(super) async fn add(state: &AppState, caller: &Caller, p: PostsAdd) -> Result<Reply, Failure> {
    let PostsAdd {
        url,
        title,
        comment,
        tags,
        created_at,
        replace,
        shared,
        toread,
    } = p;
    let user_id = caller.user_id;
    let opts = state.write_options();
    let written = state
        .write(move |c| {
            #[allow(
                clippy::needless_update,
                reason = "fields BookmarkInput gains later (e.g. a note) keep their value"
            )]
            let input = BookmarkInput {
                title: title.as_ref().map(Title::as_str),
                comment: comment.as_ref().map(Comment::as_str),
                tags: tags.as_ref(),
                is_private: shared.map(|s| !s),
                read_later: toread,
                created_at,
                ..Default::default()
            };
            let if_exists = if replace {
                IfExists::Update
            } else {
                IfExists::Keep
            };
            let (_, outcome) = bookmarks::save(c, user_id, &url, &input, opts, if_exists)?;
            Ok(outcome != SaveOutcome::Unchanged)
        })
        .await?;
    if written {
        Ok(Reply::Done)
    } else {
        Err(Failure::code("item already exists"))
    }
}

/// `posts/delete`.
pub(super) async fn delete(
    state: &AppState,
    caller: &Caller,
    p: PostsDelete,
) -> Result<Reply, Failure> {
    let Some(url) = p.url else {
        return Err(Failure::code("item not found"));
    };
    let user_id = caller.user_id;
    let opts = state.write_options();
    let deleted = state
        .write(move |c| {
            let Some(view) = bookmarks::find_by_url(c, user_id, url.as_str())? else {
                return Ok(false);
            };
            bookmarks::delete(c, user_id, view.bookmark.id, opts)?;
            Ok(true)
        })
        .await?;
    if deleted {
        Ok(Reply::Done)
    } else {
        Err(Failure::code("item not found"))
    }
}

/// `posts/get`: the bookmark of one URL, or the bookmarks of one day (the
/// day of the newest one unless `dt` names it).
pub(super) async fn get(state: &AppState, caller: &Caller, p: PostsGet) -> Result<Reply, Failure> {
    let PostsGet { filter, by } = p;
    let user_id = caller.user_id;
    let day = match by {
        GetBy::Url(url) => {
            let posts = match url {
                Some(url) => state
                    .read(move |c| bookmarks::find_by_url(c, user_id, url.as_str()))
                    .await?
                    .into_iter()
                    .collect(),
                None => Vec::new(),
            };
            let time = posts
                .first()
                .map_or_else(bukuma_db::now_micros, |v: &BookmarkView| {
                    v.bookmark.created_at
                });
            return Ok(Reply::Posts {
                user: caller.username.clone(),
                tag: filter.raw,
                dt: pin_date(time),
                date: pin_time(time),
                posts: posts.iter().map(Post::of).collect(),
            });
        }
        GetBy::Day(day) => day,
    };
    let keys = filter.keys.clone();
    let (day, posts) = state
        .read(move |c| {
            let day = match day {
                Some(d) => d,
                None => {
                    let latest = bookmarks::list_own(
                        c,
                        user_id,
                        &OwnFilter {
                            tags: keys.clone(),
                            limit: Some(1),
                            ..OwnFilter::default()
                        },
                    )?;
                    day_start(
                        latest
                            .first()
                            .map_or_else(bukuma_db::now_micros, |v| v.bookmark.created_at),
                    )
                }
            };
            let posts = bookmarks::list_own(
                c,
                user_id,
                &OwnFilter {
                    tags: keys.clone(),
                    from: Some(day),
                    until: Some(day.saturating_add(DAY_MICROS)),
                    ..OwnFilter::default()
                },
            )?;
            Ok((day, posts))
        })
        .await?;
    let newest = posts.first().map_or(day, |v| v.bookmark.created_at);
    Ok(Reply::Posts {
        user: caller.username.clone(),
        tag: filter.raw,
        dt: pin_date(day),
        date: pin_time(newest),
        posts: posts.iter().map(Post::of).collect(),
    })
}

/// `posts/recent`: the newest bookmarks.
pub(super) async fn recent(
    state: &AppState,
    caller: &Caller,
    p: PostsRecent,
) -> Result<Reply, Failure> {
    let PostsRecent { filter, count } = p;
    let user_id = caller.user_id;
    let keys = filter.keys;
    let posts = state
        .read(move |c| {
            bookmarks::list_own(
                c,
                user_id,
                &OwnFilter {
                    tags: keys.clone(),
                    limit: Some(count),
                    ..OwnFilter::default()
                },
            )
        })
        .await?;
    let time = posts
        .first()
        .map_or_else(bukuma_db::now_micros, |v| v.bookmark.created_at);
    Ok(Reply::Posts {
        user: caller.username.clone(),
        tag: filter.raw,
        dt: pin_time(time),
        date: pin_time(time),
        posts: posts.iter().map(Post::of).collect(),
    })
}

/// `posts/dates`: how many bookmarks each day has.
pub(super) async fn dates(
    state: &AppState,
    caller: &Caller,
    filter: TagFilter,
) -> Result<Reply, Failure> {
    let user_id = caller.user_id;
    let keys = filter.keys;
    let times = state
        .read(move |c| bookmarks::created_times(c, user_id, &keys))
        .await?;
    let mut dates: BTreeMap<String, i64> = BTreeMap::new();
    for t in times {
        *dates.entry(pin_date(t)).or_default() += 1;
    }
    Ok(Reply::Dates {
        user: caller.username.clone(),
        tag: filter.raw,
        dates,
    })
}

/// `posts/all`: every bookmark, or a page or a time range of them.
pub(super) async fn all(state: &AppState, caller: &Caller, p: PostsAll) -> Result<Reply, Failure> {
    let PostsAll {
        filter,
        start,
        results,
        from,
        until,
    } = p;
    let user_id = caller.user_id;
    let keys = filter.keys;
    let posts = state
        .read(move |c| {
            bookmarks::list_own(
                c,
                user_id,
                &OwnFilter {
                    tags: keys.clone(),
                    from,
                    until,
                    offset: start,
                    limit: results,
                },
            )
        })
        .await?;
    Ok(Reply::All {
        user: caller.username.clone(),
        tag: filter.raw,
        posts: posts.iter().map(Post::of).collect(),
    })
}

/// `posts/suggest`: "popular" tags from the page's public bookmarks, and
/// "recommended" ones from the caller's own.
pub(super) async fn suggest(
    state: &AppState,
    caller: &Caller,
    p: PostsSuggest,
) -> Result<Reply, Failure> {
    let PostsSuggest { url, raw_url } = p;
    let user_id = caller.user_id;
    let (entry, mine, my_tags) = state
        .read(move |c| {
            Ok((
                entries::find_public_by_url(c, url.as_str())?,
                bookmarks::find_by_url(c, user_id, url.as_str())?,
                tags::user_tags(c, user_id, true)?,
            ))
        })
        .await?;
    let popular = entry.as_ref().map(|e| e.tags.clone()).unwrap_or_default();
    // My own tags: those already on my bookmark of the page, then the ones
    // I use most that appear in its URL or title.
    let haystack = {
        let url = mine
            .as_ref()
            .map(|m| m.entry.url.as_str())
            .or(entry.as_ref().map(|e| e.entry.url.as_str()))
            .unwrap_or(&raw_url);
        let title = mine
            .as_ref()
            .map(|m| m.entry.title.as_str())
            .or(entry.as_ref().map(|e| e.entry.title.as_str()))
            .unwrap_or("");
        tag_key(&format!("{url} {title}"))
    };
    let mut recommended: Vec<String> = mine.map(|m| m.bookmark.tag_list()).unwrap_or_default();
    for t in my_tags {
        let key = tag_key(&t.name);
        if recommended.len() >= 10 {
            break;
        }
        if key.chars().count() >= 2
            && haystack.contains(&key)
            && !recommended.iter().any(|r| tag_key(r) == key)
        {
            recommended.push(t.name);
        }
    }
    Ok(Reply::Suggest {
        popular,
        recommended,
    })
}
