//! Hatena Bookmark's REST API v1 under `/rest/1/`: my bookmark of a URL
//! (read, add or update, delete), an entry, my tags and me, in Hatena's
//! field names and shapes. Writes go through the one bookmark write path
//! the JSON and Pinboard APIs use.

use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_db::bookmarks::{self, BookmarkInput, IfExists};
use bukuma_db::models::{BookmarkView, Entry, EntryView};
use bukuma_db::{entries, tags, users, DbError};
use bukuma_domain::{Comment, NormalizedUrl};
use chrono::{FixedOffset, SecondsFormat};
use serde::Serialize;

use super::caller::RestCall;
use super::{base_url, entry_url, url_param};
use crate::error::{ApiError, Fields, OwnErrorFormat};
use crate::routes::bookmarks::check_tags;
use crate::state::AppState;
use crate::views::ts;

/// Most tags one comment may carry as `[tag]` prefixes (the bookmark's
/// own limit of 10 applies to them and `tags` together).
const MAX_BRACKET_TAGS: usize = 20;

/// A bookmark as Hatena's REST API shows it.
#[derive(Debug, Serialize)]
struct RestBookmark {
    /// The comment without its tags.
    comment: String,
    /// The comment as Hatena stores it: `[tag1][tag2]comment`.
    comment_raw: String,
    /// ISO 8601 in Japan time, e.g. `2026-12-08T00:30:59+09:00`.
    created_datetime: String,
    created_epoch: i64,
    user: String,
    permalink: String,
    private: bool,
    tags: Vec<String>,
    /// The entry's id, a string of digits.
    eid: String,
}

impl RestBookmark {
    fn of(base: &str, v: BookmarkView) -> Self {
        let tags = v.bookmark.tag_list();
        let comment_raw: String = tags
            .iter()
            .map(|t| format!("[{t}]"))
            .chain(std::iter::once(v.bookmark.comment.clone()))
            .collect();
        let jst = FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset");
        let created = ts(v.bookmark.created_at);
        RestBookmark {
            comment: v.bookmark.comment,
            comment_raw,
            created_datetime: created
                .with_timezone(&jst)
                .to_rfc3339_opts(SecondsFormat::Secs, false),
            created_epoch: created.timestamp(),
            permalink: format!("{base}/{}#bookmark-{}", v.user.username, v.entry.id),
            user: v.user.username,
            private: v.bookmark.is_private,
            tags,
            eid: v.entry.id.to_string(),
        }
    }
}

/// An entry as Hatena's REST API shows it.
#[derive(Debug, Serialize)]
struct RestEntry {
    count: i64,
    url: String,
    entry_url: String,
    eid: String,
    title: String,
    favicon_url: String,
    root_url: String,
    is_invalid_url: bool,
    has_asin: bool,
}

/// Hatena's answer for a URL nobody bookmarked (with a 404).
#[derive(Debug, Serialize)]
struct RestUnknown {
    message: &'static str,
    title: String,
    favicon_url: String,
    url: String,
}

/// `scheme://host[:port]/` of a URL.
fn root_url(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| format!("{}/", u.origin().ascii_serialization()))
        .unwrap_or_default()
}

fn favicon(e: &Entry) -> String {
    e.favicon_url
        .clone()
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| format!("{}favicon.ico", root_url(&e.url)))
}

/// A boolean as Hatena clients spell it: `1`/`0`, `true`/`false` in any
/// case, `yes`/`no`, `on`/`off`.
fn flag(raw: Option<&str>) -> Result<Option<bool>, &'static str> {
    let Some(v) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match v.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(Some(true)),
        "0" | "false" | "no" | "off" => Ok(Some(false)),
        _ => Err("must be 1 or 0 (or true or false)"),
    }
}

/// Splits Hatena's `[tag1][tag2]comment` into its tags and its comment.
fn split_comment(raw: &str) -> (Vec<String>, &str) {
    let mut tags = Vec::new();
    let mut rest = raw.trim_start();
    while tags.len() < MAX_BRACKET_TAGS {
        let Some(inner) = rest.strip_prefix('[') else {
            break;
        };
        let Some(end) = inner.find(']') else {
            break;
        };
        let tag = &inner[..end];
        if tag.is_empty() || tag.contains('[') {
            break;
        }
        tags.push(tag.to_owned());
        rest = &inner[end + 1..];
    }
    (tags, rest.trim_start())
}

fn not_found_bookmark() -> ApiError {
    ApiError::not_found("bookmark")
}

/// `GET /rest/1/my/bookmark?url=`: my bookmark of the URL (private or not).
pub async fn get_bookmark(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let call = RestCall::read(&state, &req, payload).await?;
    let url = url_param(call.get("url"))?;
    let me = call.caller.user_id;
    let view = state
        .read(move |c| bookmarks::find_by_url(c, me, url.as_str()))
        .await?
        .ok_or_else(not_found_bookmark)?;
    Ok(HttpResponse::Ok().json(RestBookmark::of(&base_url(&state, &req), view)))
}

/// `POST /rest/1/my/bookmark`: adds my bookmark of `url` or updates it.
/// `comment` may begin with `[tag]`s, which join `tags` (repeatable);
/// `private` takes `1`/`0`, `true`/`false`. Parameters left out keep their
/// value; a `comment` sent replaces the comment and the tags.
pub async fn save_bookmark(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let call = RestCall::read(&state, &req, payload).await?;
    let me = call.writer()?;
    let mut fields = Fields::default();
    let url = match call.get("url").map(str::trim) {
        None | Some("") => {
            fields.push("url", "give the URL of a page");
            None
        }
        Some(u) => fields.check("url", NormalizedUrl::parse(u)),
    };
    let raw_comment = call.get("comment");
    let (mut tag_list, comment_text) = raw_comment.map_or((Vec::new(), None), |c| {
        let (tags, text) = split_comment(c);
        (tags, Some(text))
    });
    let sent_tags: Vec<&str> = call.all("tags").collect();
    tag_list.extend(
        sent_tags
            .iter()
            .flat_map(|t| t.split(',').map(str::trim).filter(|t| !t.is_empty()))
            .map(str::to_owned),
    );
    let comment = comment_text.and_then(|c| fields.check("comment", Comment::parse(c)));
    let tags = if raw_comment.is_some() || !sent_tags.is_empty() {
        check_tags(&mut fields, &tag_list)
    } else {
        None
    };
    let private = fields.check("private", flag(call.get("private"))).flatten();
    fields.finish()?;
    let Some(url) = url else {
        return Err(ApiError::Internal("validated url missing".into()));
    };
    let opts = state.write_options();
    let user_id = me.user_id;
    let (view, _) = state
        .write_autocommit(move |c| {
            let input = BookmarkInput {
                comment: comment.as_ref().map(Comment::as_str),
                tags: tags.as_ref(),
                is_private: private,
                ..BookmarkInput::default()
            };
            bookmarks::save(c, user_id, &url, &input, opts, IfExists::Update)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RestBookmark::of(&base_url(&state, &req), view)))
}

/// `DELETE /rest/1/my/bookmark?url=`: 204, or 404 when I have none.
pub async fn delete_bookmark(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let call = RestCall::read(&state, &req, payload).await?;
    let me = call.writer()?;
    let url = url_param(call.get("url"))?;
    let opts = state.write_options();
    let user_id = me.user_id;
    state
        .write(move |c| {
            let view =
                bookmarks::find_by_url(c, user_id, url.as_str())?.ok_or(DbError::NotFound)?;
            bookmarks::delete(c, user_id, view.bookmark.id, opts)
        })
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => not_found_bookmark(),
            e => e,
        })?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /rest/1/entry?url=`: the entry of the URL as everyone sees it, or
/// Hatena's `{message, title, favicon_url, url}` with a 404.
pub async fn entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let call = RestCall::read(&state, &req, payload).await?;
    let url = url_param(call.get("url"))?;
    let key = url.as_str().to_owned();
    let found: Option<EntryView> = state
        .read(move |c| entries::find_public_by_url(c, &key))
        .await?;
    let Some(view) = found else {
        let url = url.into_string();
        let root = root_url(&url);
        let mut res = HttpResponse::NotFound().json(RestUnknown {
            message: "Not Found",
            title: url.clone(),
            favicon_url: format!("{root}favicon.ico"),
            url,
        });
        // Hatena's shape, not a problem document.
        res.extensions_mut().insert(OwnErrorFormat);
        return Ok(res);
    };
    let base = base_url(&state, &req);
    let e = view.entry;
    Ok(HttpResponse::Ok().json(RestEntry {
        count: e.bookmark_count,
        entry_url: entry_url(&base, e.id),
        eid: e.id.to_string(),
        title: if e.title.is_empty() {
            e.url.clone()
        } else {
            e.title.clone()
        },
        favicon_url: favicon(&e),
        root_url: root_url(&e.url),
        is_invalid_url: false,
        has_asin: false,
        url: e.url,
    }))
}

#[derive(Debug, Serialize)]
struct RestTag {
    tag: String,
    count: i64,
}

#[derive(Debug, Serialize)]
struct RestTags {
    tags: Vec<RestTag>,
}

/// `GET /rest/1/my/tags`: my tags with how many of my bookmarks carry each.
pub async fn my_tags(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let call = RestCall::read(&state, &req, payload).await?;
    let me = call.caller.user_id;
    let list = state.read(move |c| tags::user_tags(c, me, true)).await?;
    Ok(HttpResponse::Ok().json(RestTags {
        tags: list
            .into_iter()
            .map(|t| RestTag {
                tag: t.name,
                count: t.count,
            })
            .collect(),
    }))
}

/// Me, as Hatena's `GET /rest/1/my` describes a user. bukuma has no paid
/// plan and no linked services, so those flags are false.
#[derive(Debug, Serialize)]
struct RestMe {
    name: String,
    plususer: bool,
    private: bool,
    is_oauth_twitter: bool,
    is_oauth_evernote: bool,
    is_oauth_facebook: bool,
    is_oauth_mixi_check: bool,
}

/// `GET /rest/1/my`.
pub async fn my(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let call = RestCall::read(&state, &req, payload).await?;
    let me = call.caller.user_id;
    let user = state
        .read(move |c| users::find(c, me))
        .await?
        .ok_or_else(|| ApiError::Unauthorized("this account no longer exists".into()))?;
    Ok(HttpResponse::Ok().json(RestMe {
        name: user.username,
        plususer: false,
        private: false,
        is_oauth_twitter: false,
        is_oauth_evernote: false,
        is_oauth_facebook: false,
        is_oauth_mixi_check: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::{flag, split_comment};

    #[test]
    fn bracketed_tags_lead_the_comment() {
        assert_eq!(
            split_comment("[rust][web] a good read"),
            (vec!["rust".to_owned(), "web".to_owned()], "a good read")
        );
        assert_eq!(split_comment("no tags [here]"), (vec![], "no tags [here]"));
        assert_eq!(split_comment("[] empty"), (vec![], "[] empty"));
        assert_eq!(split_comment("[open"), (vec![], "[open"));
        assert_eq!(split_comment(""), (vec![], ""));
    }

    #[test]
    fn booleans_take_the_spellings_clients_send() {
        for t in ["1", "true", "True", "TRUE", "yes", "on"] {
            assert_eq!(flag(Some(t)).ok().flatten(), Some(true), "{t}");
        }
        for f in ["0", "false", "False", "no", "off"] {
            assert_eq!(flag(Some(f)).ok().flatten(), Some(false), "{f}");
        }
        assert_eq!(flag(None).ok().flatten(), None);
        assert!(flag(Some("maybe")).is_err());
    }
}
