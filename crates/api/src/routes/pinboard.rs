//! A Pinboard v1 compatible API under `/api/pinboard/v1`, so that existing
//! Pinboard clients (apps, browser extensions, scripts, client libraries)
//! work with bukuma by changing their base URL.
//!
//! It speaks Pinboard's protocol, not the JSON API's: every method answers
//! `GET` (and `POST` with a form body), replies in Pinboard's XML unless
//! `format=json`, and reports failures as Pinboard result codes
//! (`<result code="item not found"/>`, `{"result_code":"missing url"}`) with
//! HTTP 200, as Pinboard does. Only these answer otherwise:
//! 401 for missing or bad credentials, 403 when a read-only token calls a
//! writing method, 429 with `Retry-After` past the rate limit, 400 for an
//! unparsable query string, 404 for an unknown method. It is kept out of the
//! OpenAPI document on purpose.
//!
//! Every method works on the caller's own bookmarks only, so other people's
//! private bookmarks can never show; `posts/suggest` draws its "popular" tags
//! from public bookmarks alone.
//!
//! # Authentication
//!
//! - `auth_token=username:TOKEN`, where `TOKEN` is a bukuma personal API token
//!   (`bkm_…`, created at `POST /api/v1/me/tokens`) whose owner is `username`;
//!   a `read` token may call only the reading methods.
//! - HTTP Basic with the username and password (full access).
//!
//! # How Pinboard fields map to bukuma
//!
//! | Pinboard | bukuma |
//! | --- | --- |
//! | `href` | the entry's normalized URL (tracking parameters dropped) |
//! | `description` | the entry's title: a typed description becomes the title only while the page's own title is unknown, as on the JSON API (it falls back to the URL when there is none) |
//! | `extended` | the bookmark's comment |
//! | `tags` | tags, split on whitespace and commas |
//! | `shared` | not `is_private` |
//! | `toread` | `read_later` |
//! | `time` | `created_at` |
//! | `hash` | MD5 of `href`, hex |
//! | `meta` | MD5 of everything shown of the bookmark, so it changes whenever the bookmark does |
//!
//! # Limits
//!
//! Pinboard allows more than bukuma does (an `extended` of 64 KB, 100 tags of
//! 255 characters). bukuma never cuts what a client sends: `posts/add` with a
//! longer `extended` (more than 100 characters), more than 10 tags, a tag of
//! more than 32 characters, or a `description` of more than 500 characters is
//! refused with a result code that says which rule it broke (for example
//! `extended too long: bukuma allows at most 100 characters`) and nothing is
//! stored. Tags that differ only in letter case are one tag, and newlines in
//! `extended` become spaces, as everywhere in bukuma. A `dt` more than ten
//! minutes ahead is set to the current time, as Pinboard does.
//!
//! `posts/add` with `replace=yes` (the default) updates the fields it is
//! sent; fields left out keep their current value. (Pinboard would reset
//! them, which could silently turn a private bookmark public.)

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::{header, Method as HttpMethod, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use bukuma_db::bookmarks::{self, BookmarkInput, IfExists, OwnFilter, SaveOutcome};
use bukuma_db::models::BookmarkView;
use bukuma_db::{entries, tags, tokens, users};
use bukuma_domain::{
    Comment, CommentError, NormalizedUrl, Scope, TagError, TagName, Tags, TagsError, Title,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use md5::{Digest, Md5};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use serde::Serialize;
use serde_json::{json, Value};

use crate::auth::{dummy_hash, hash_secret, new_secret, verify_password, API_TOKEN_PREFIX};
use crate::error::{ApiError, OwnErrorFormat};
use crate::routes::MAX_JSON_BYTES;
use crate::state::{ts, AppState};

/// Where the API is mounted.
pub const PREFIX: &str = "/api/pinboard/v1";
/// Name of the tokens `user/api_token` creates.
pub const API_TOKEN_NAME: &str = "Pinboard API (user/api_token)";
/// Most tags `posts/get`, `posts/recent`, `posts/dates` and `posts/all` filter by.
const MAX_FILTER_TAGS: usize = 3;
const DEFAULT_RECENT: i64 = 15;
const MAX_RECENT: i64 = 100;
/// Longest `auth_token` or Basic credential considered.
const MAX_CREDENTIAL_LEN: usize = 2048;
/// How far ahead of the server's clock a `dt` may be before it is set to now.
const DT_SLACK_MICROS: i64 = 10 * 60 * 1_000_000;
const DAY_MICROS: i64 = 86_400 * 1_000_000;

/// The methods of Pinboard's v1 API that bukuma offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    PostsUpdate,
    PostsAdd,
    PostsDelete,
    PostsGet,
    PostsDates,
    PostsRecent,
    PostsAll,
    PostsSuggest,
    TagsGet,
    TagsDelete,
    TagsRename,
    UserApiToken,
}

impl Method {
    const ALL: [Method; 12] = [
        Method::PostsUpdate,
        Method::PostsAdd,
        Method::PostsDelete,
        Method::PostsGet,
        Method::PostsDates,
        Method::PostsRecent,
        Method::PostsAll,
        Method::PostsSuggest,
        Method::TagsGet,
        Method::TagsDelete,
        Method::TagsRename,
        Method::UserApiToken,
    ];

    fn path(self) -> &'static str {
        match self {
            Method::PostsUpdate => "posts/update",
            Method::PostsAdd => "posts/add",
            Method::PostsDelete => "posts/delete",
            Method::PostsGet => "posts/get",
            Method::PostsDates => "posts/dates",
            Method::PostsRecent => "posts/recent",
            Method::PostsAll => "posts/all",
            Method::PostsSuggest => "posts/suggest",
            Method::TagsGet => "tags/get",
            Method::TagsDelete => "tags/delete",
            Method::TagsRename => "tags/rename",
            Method::UserApiToken => "user/api_token",
        }
    }

    /// Methods a read-only token may not call.
    fn writes(self) -> bool {
        matches!(
            self,
            Method::PostsAdd | Method::PostsDelete | Method::TagsDelete | Method::TagsRename
        )
    }

    fn bucket(self) -> Bucket {
        match self {
            Method::PostsAll => Bucket::PostsAll,
            _ => Bucket::General,
        }
    }
}

/// Mounts the API; its paths also answer with a trailing slash.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut scope = web::scope(PREFIX).default_service(web::to(unknown_method));
    for m in Method::ALL {
        let handler = move |state: web::Data<AppState>, req: HttpRequest, payload: web::Payload| {
            handle(m, state, req, payload)
        };
        scope = scope.service(
            web::resource([format!("/{}", m.path()), format!("/{}/", m.path())])
                .route(web::get().to(handler))
                .route(web::post().to(handler))
                .default_service(web::to(method_not_allowed)),
        );
    }
    cfg.service(scope);
}

async fn unknown_method(req: HttpRequest) -> HttpResponse {
    Failure::UnknownMethod.respond(Format::of_query(req.query_string()))
}

async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    Failure::MethodNotAllowed.respond(Format::of_query(req.query_string()))
}

async fn handle(
    m: Method,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let params = match Params::read(&req, payload).await {
        Ok(p) => p,
        Err(e) => return e.respond(Format::of_query(req.query_string())),
    };
    let format = params.format();
    match call(m, &state, &req, &params).await {
        Ok(reply) => reply.respond(format),
        Err(e) => e.respond(format),
    }
}

async fn call(
    m: Method,
    state: &AppState,
    req: &HttpRequest,
    p: &Params,
) -> Result<Reply, Failure> {
    let caller = authenticate(state, req, p).await?;
    if m.writes() && !caller.scope.can_write() {
        return Err(Failure::ReadOnly);
    }
    state
        .pinboard
        .take(caller.user_id, m.bucket(), Instant::now())
        .map_err(|wait| Failure::RateLimited { wait })?;
    let reply = match m {
        Method::PostsUpdate => posts_update(state, &caller).await,
        Method::PostsAdd => posts_add(state, &caller, p).await,
        Method::PostsDelete => posts_delete(state, &caller, p).await,
        Method::PostsGet => posts_get(state, &caller, p).await,
        Method::PostsDates => posts_dates(state, &caller, p).await,
        Method::PostsRecent => posts_recent(state, &caller, p).await,
        Method::PostsAll => posts_all(state, &caller, p).await,
        Method::PostsSuggest => posts_suggest(state, &caller, p).await,
        Method::TagsGet => tags_get(state, &caller).await,
        Method::TagsDelete => tags_delete(state, &caller, p).await,
        Method::TagsRename => tags_rename(state, &caller, p).await,
        Method::UserApiToken => user_api_token(state, &caller).await,
    };
    if m.writes() {
        state.reads.wrote(caller.user_id).await;
    }
    reply
}

// ---------------------------------------------------------------------------
// Methods

async fn posts_update(state: &AppState, caller: &Caller) -> Result<Reply, Failure> {
    let user_id = caller.user_id;
    let last = state
        .read(move |c| bookmarks::last_update(c, user_id))
        .await?;
    Ok(Reply::Update(pin_time(last.unwrap_or(caller.created_at))))
}

async fn posts_add(state: &AppState, caller: &Caller, p: &Params) -> Result<Reply, Failure> {
    let url = p.required("url")?;
    let url = NormalizedUrl::parse(url).map_err(|e| Failure::code(format!("invalid url: {e}")))?;
    let title = p
        .get("description")
        .map(|d| {
            Title::parse(d).map_err(|_| {
                Failure::code("description too long: bukuma allows at most 500 characters")
            })
        })
        .transpose()?;
    let comment = p.get("extended").map(parse_extended).transpose()?;
    let tags = p.get("tags").map(parse_tags).transpose()?;
    let now = bukuma_db::now_micros();
    let created_at = p
        .non_empty("dt")
        .map(|d| parse_time("dt", d))
        .transpose()?
        .map(|t| if t > now + DT_SLACK_MICROS { now } else { t });
    let replace = p.flag("replace")?.unwrap_or(true);
    let shared = p.flag("shared")?;
    let toread = p.flag("toread")?;
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

async fn posts_delete(state: &AppState, caller: &Caller, p: &Params) -> Result<Reply, Failure> {
    let url = p.required("url")?;
    let Ok(url) = NormalizedUrl::parse(url) else {
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

async fn posts_get(state: &AppState, caller: &Caller, p: &Params) -> Result<Reply, Failure> {
    let filter = TagFilter::parse(p)?;
    let user_id = caller.user_id;
    if let Some(url) = p.non_empty("url") {
        let posts = match NormalizedUrl::parse(url) {
            Ok(url) => state
                .read(move |c| bookmarks::find_by_url(c, user_id, url.as_str()))
                .await?
                .into_iter()
                .collect(),
            Err(_) => Vec::new(),
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
    let day = p
        .non_empty("dt")
        .map(|d| parse_time("dt", d).map(day_start))
        .transpose()?;
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

async fn posts_recent(state: &AppState, caller: &Caller, p: &Params) -> Result<Reply, Failure> {
    let filter = TagFilter::parse(p)?;
    let count = p
        .number("count")?
        .unwrap_or(DEFAULT_RECENT)
        .clamp(1, MAX_RECENT);
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

async fn posts_dates(state: &AppState, caller: &Caller, p: &Params) -> Result<Reply, Failure> {
    let filter = TagFilter::parse(p)?;
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

async fn posts_all(state: &AppState, caller: &Caller, p: &Params) -> Result<Reply, Failure> {
    let filter = TagFilter::parse(p)?;
    let start = p.number("start")?.unwrap_or(0);
    let results = p.number("results")?;
    if start < 0 {
        return Err(Failure::code("invalid start: must not be negative"));
    }
    if results.is_some_and(|r| r < 0) {
        return Err(Failure::code("invalid results: must not be negative"));
    }
    let from = p
        .non_empty("fromdt")
        .map(|d| parse_time("fromdt", d))
        .transpose()?;
    let until = p
        .non_empty("todt")
        .map(|d| parse_time("todt", d))
        .transpose()?
        // Inclusive to the end of that second: Pinboard's times have no fractions.
        .map(|t| (t - t.rem_euclid(1_000_000)).saturating_add(1_000_000));
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

async fn posts_suggest(state: &AppState, caller: &Caller, p: &Params) -> Result<Reply, Failure> {
    let url = p.required("url")?;
    let url = NormalizedUrl::parse(url).map_err(|e| Failure::code(format!("invalid url: {e}")))?;
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
            .unwrap_or(p.get("url").unwrap_or(""));
        let title = mine
            .as_ref()
            .map(|m| m.entry.title.as_str())
            .or(entry.as_ref().map(|e| e.entry.title.as_str()))
            .unwrap_or("");
        format!("{url} {title}").to_lowercase()
    };
    let mut recommended: Vec<String> = mine.map(|m| m.bookmark.tag_list()).unwrap_or_default();
    for t in my_tags {
        let key = t.name.to_lowercase();
        if recommended.len() >= 10 {
            break;
        }
        if key.chars().count() >= 2
            && haystack.contains(&key)
            && !recommended.iter().any(|r| r.to_lowercase() == key)
        {
            recommended.push(t.name);
        }
    }
    Ok(Reply::Suggest {
        popular,
        recommended,
    })
}

async fn tags_get(state: &AppState, caller: &Caller) -> Result<Reply, Failure> {
    let user_id = caller.user_id;
    let list = state
        .read(move |c| tags::user_tags(c, user_id, true))
        .await?;
    Ok(Reply::Tags(
        list.into_iter().map(|t| (t.name, t.count)).collect(),
    ))
}

async fn tags_delete(state: &AppState, caller: &Caller, p: &Params) -> Result<Reply, Failure> {
    let tag = p.required("tag")?;
    // A name bukuma would not accept is on none of the bookmarks.
    let Ok(tag) = TagName::parse(tag) else {
        return Ok(Reply::TagsDone);
    };
    let user_id = caller.user_id;
    let opts = state.write_options();
    state
        .write(move |c| tags::delete(c, user_id, &tag, opts))
        .await?;
    Ok(Reply::TagsDone)
}

async fn tags_rename(state: &AppState, caller: &Caller, p: &Params) -> Result<Reply, Failure> {
    let old = p.required("old")?;
    let new = p.required("new")?;
    let new = TagName::parse(new).map_err(|e| Failure::code(tag_error("new", &e)))?;
    let Ok(old) = TagName::parse(old) else {
        return Ok(Reply::TagsDone);
    };
    let user_id = caller.user_id;
    let opts = state.write_options();
    state
        .write(move |c| tags::rename(c, user_id, &old, &new, opts))
        .await?;
    Ok(Reply::TagsDone)
}

/// `user/api_token` answers the secret part of an `auth_token` (clients put
/// `username:` in front of it, as with Pinboard's).
///
/// bukuma stores only hashes of token secrets, so it cannot show an existing
/// token again. Called with an `auth_token`, it returns the secret the caller
/// sent, which the caller holds already. Called with a password (HTTP Basic),
/// it creates a new `write` token named [`API_TOKEN_NAME`] and returns it;
/// earlier ones keep working and are listed and revoked with the other
/// personal tokens (`/api/v1/me/tokens`).
async fn user_api_token(state: &AppState, caller: &Caller) -> Result<Reply, Failure> {
    if let Some(secret) = &caller.secret {
        return Ok(Reply::Token(secret.clone()));
    }
    let secret = new_secret(API_TOKEN_PREFIX);
    let hash = hash_secret(&secret);
    let user_id = caller.user_id;
    state
        .write(move |c| {
            tokens::create_api_token(
                c,
                user_id,
                API_TOKEN_NAME,
                Scope::Write.as_str(),
                &hash,
                bukuma_db::now_micros(),
            )
        })
        .await?;
    Ok(Reply::Token(secret))
}

// ---------------------------------------------------------------------------
// Parameters

/// The query string, then the form body of a POST; the first value of a
/// name counts.
struct Params(Vec<(String, String)>);

impl Params {
    async fn read(req: &HttpRequest, payload: web::Payload) -> Result<Self, Failure> {
        let mut pairs: Vec<(String, String)> = serde_html_form::from_str(req.query_string())
            .map_err(|_| Failure::BadRequest("invalid query string"))?;
        if req.method() == HttpMethod::POST {
            let body = match payload.to_bytes_limited(MAX_JSON_BYTES).await {
                Ok(Ok(body)) => body,
                Ok(Err(_)) => return Err(Failure::BadRequest("could not read the request body")),
                Err(_) => return Err(Failure::TooLarge),
            };
            if !body.is_empty() {
                let form = std::str::from_utf8(&body)
                    .ok()
                    .and_then(|b| serde_html_form::from_str::<Vec<(String, String)>>(b).ok())
                    .ok_or(Failure::BadRequest(
                        "send the parameters in the query string or as a form",
                    ))?;
                pairs.extend(form);
            }
        }
        Ok(Params(pairs))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }

    /// A parameter the method cannot do without: `missing url`.
    fn required(&self, name: &str) -> Result<&str, Failure> {
        self.non_empty(name)
            .ok_or_else(|| Failure::code(format!("missing {name}")))
    }

    /// `yes`/`no` (also `true`/`false`, `1`/`0`).
    fn flag(&self, name: &str) -> Result<Option<bool>, Failure> {
        let Some(v) = self.non_empty(name) else {
            return Ok(None);
        };
        match v.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" | "on" => Ok(Some(true)),
            "no" | "false" | "0" | "off" => Ok(Some(false)),
            _ => Err(Failure::code(format!("invalid {name}: use yes or no"))),
        }
    }

    fn number(&self, name: &str) -> Result<Option<i64>, Failure> {
        self.non_empty(name)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| Failure::code(format!("invalid {name}: not a number")))
            })
            .transpose()
    }

    fn format(&self) -> Format {
        Format::of(self.get("format"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xml,
    Json,
}

impl Format {
    fn of(value: Option<&str>) -> Self {
        match value {
            Some(v) if v.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Xml,
        }
    }

    /// The format asked for, when the parameters as a whole cannot be read.
    fn of_query(query: &str) -> Self {
        let json = query
            .split('&')
            .any(|kv| kv.eq_ignore_ascii_case("format=json"));
        if json {
            Format::Json
        } else {
            Format::Xml
        }
    }
}

/// The `tag` parameter of the listing methods: up to three tags, all required.
struct TagFilter {
    raw: String,
    keys: Vec<String>,
}

impl TagFilter {
    fn parse(p: &Params) -> Result<Self, Failure> {
        let words = split_tags(p.get("tag").unwrap_or(""));
        if words.len() > MAX_FILTER_TAGS {
            return Err(Failure::code("too many tags: filter by at most 3"));
        }
        Ok(TagFilter {
            raw: words.join(" "),
            keys: words
                .iter()
                .map(|w| TagName::parse(w).map_or_else(|_| w.to_lowercase(), |t| t.key()))
                .collect(),
        })
    }
}

fn split_tags(raw: &str) -> Vec<&str> {
    raw.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect()
}

fn parse_extended(raw: &str) -> Result<Comment, Failure> {
    Comment::parse(raw).map_err(|e| match e {
        CommentError::TooLong => {
            Failure::code("extended too long: bukuma allows at most 100 characters")
        }
        CommentError::ControlCharacters => {
            Failure::code("extended must not contain control characters")
        }
    })
}

fn parse_tags(raw: &str) -> Result<Tags, Failure> {
    Tags::parse(&split_tags(raw)).map_err(|e| match e {
        TagsError::TooMany => Failure::code("too many tags: bukuma allows at most 10"),
        TagsError::Invalid { error, .. } => Failure::code(tag_error("tag", &error)),
    })
}

fn tag_error(what: &str, e: &TagError) -> String {
    match e {
        TagError::TooLong => format!("{what} too long: bukuma allows at most 32 characters"),
        TagError::Empty => format!("missing {what}"),
        TagError::Separator => format!("{what} must not contain whitespace or commas"),
        TagError::ControlCharacters => format!("{what} must not contain control characters"),
    }
}

/// A Pinboard time (`2026-01-02T03:04:05Z`, any RFC 3339 time,
/// `2026-01-02 03:04:05` or a date) as microseconds since the epoch.
fn parse_time(name: &str, raw: &str) -> Result<i64, Failure> {
    let raw = raw.trim();
    let parsed = DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
                .map(|t| t.and_utc())
        })
        .or_else(|| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
        .filter(|t| (1..=9999).contains(&chrono::Datelike::year(t)));
    parsed.map(|t| t.timestamp_micros()).ok_or_else(|| {
        Failure::code(format!(
            "invalid {name}: use a time like 2026-01-02T03:04:05Z"
        ))
    })
}

fn day_start(micros: i64) -> i64 {
    micros - micros.rem_euclid(DAY_MICROS)
}

fn pin_time(micros: i64) -> String {
    ts(micros).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn pin_date(micros: i64) -> String {
    ts(micros).format("%Y-%m-%d").to_string()
}

fn md5_hex(data: &str) -> String {
    hex::encode(Md5::digest(data.as_bytes()))
}

// ---------------------------------------------------------------------------
// Authentication

struct Caller {
    user_id: i64,
    username: String,
    created_at: i64,
    scope: Scope,
    /// The token secret the caller authenticated with, if any.
    secret: Option<String>,
}

async fn authenticate(state: &AppState, req: &HttpRequest, p: &Params) -> Result<Caller, Failure> {
    if let Some(token) = p.get("auth_token") {
        return by_token(state, token).await;
    }
    match basic_credentials(req)? {
        Some((name, password)) => by_password(state, name, password).await,
        None => Err(Failure::Unauthorized),
    }
}

async fn by_token(state: &AppState, auth_token: &str) -> Result<Caller, Failure> {
    if auth_token.len() > MAX_CREDENTIAL_LEN {
        return Err(Failure::Unauthorized);
    }
    let (name, secret) = auth_token.split_once(':').ok_or(Failure::Unauthorized)?;
    if !secret.starts_with(API_TOKEN_PREFIX) {
        return Err(Failure::Unauthorized);
    }
    let hash = hash_secret(secret);
    let found = state
        .read(move |c| {
            let Some(t) = tokens::find_api_token(c, &hash)? else {
                return Ok(None);
            };
            let Some(user) = users::find(c, t.user_id)? else {
                return Ok(None);
            };
            tokens::touch_api_token(c, t.id, bukuma_db::now_micros())?;
            Ok(Some((t, user)))
        })
        .await?;
    let (token, user) = found.ok_or(Failure::Unauthorized)?;
    if user.username_lower != name.to_ascii_lowercase() {
        return Err(Failure::Unauthorized);
    }
    Ok(Caller {
        user_id: user.id,
        username: user.username,
        created_at: user.created_at,
        scope: Scope::from_db(&token.scope).unwrap_or(Scope::Read),
        secret: Some(secret.to_owned()),
    })
}

async fn by_password(state: &AppState, name: String, password: String) -> Result<Caller, Failure> {
    let lookup = name.clone();
    let user = state.read(move |c| users::find_by_name(c, &lookup)).await?;
    let stored = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
    let ok = crate::auth::on_password_thread(move || verify_password(&password, &stored))
        .await
        .map_err(|e| Failure::Internal(e.to_string()))?;
    match user {
        Some(u) if ok => Ok(Caller {
            user_id: u.id,
            username: u.username,
            created_at: u.created_at,
            scope: Scope::Write,
            secret: None,
        }),
        _ => Err(Failure::Unauthorized),
    }
}

/// `Authorization: Basic …` as (username, password); `None` without the header.
fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, Failure> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| Failure::Unauthorized)?;
    if value.len() > MAX_CREDENTIAL_LEN {
        return Err(Failure::Unauthorized);
    }
    let (scheme, encoded) = value.trim().split_once(' ').ok_or(Failure::Unauthorized)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(Failure::Unauthorized);
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or(Failure::Unauthorized)?;
    let (name, password) = decoded.split_once(':').ok_or(Failure::Unauthorized)?;
    Ok(Some((name.to_owned(), password.to_owned())))
}

// ---------------------------------------------------------------------------
// Rate limits

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Bucket {
    General,
    PostsAll,
}

/// A token bucket: one call per `every`, with up to `burst` calls saved up.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub burst: u32,
    pub every: Duration,
}

/// Calls per user. Pinboard asks clients for one call every 3 seconds (and
/// `posts/all` far less often); bukuma is kinder to ordinary calls and holds
/// `posts/all`, which reads every bookmark of the user, near Pinboard's pace.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Every method but `posts/all`: default 60 at once, then one per second.
    pub general: Rate,
    /// `posts/all`: default 2 at once, then one every 3 seconds.
    pub posts_all: Rate,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            general: Rate {
                burst: 60,
                every: Duration::from_secs(1),
            },
            posts_all: Rate {
                burst: 2,
                every: Duration::from_secs(3),
            },
        }
    }
}

/// Per-user rate limits of the Pinboard API, kept in memory by each process.
#[derive(Debug, Default)]
pub struct Limiter {
    limits: Limits,
    buckets: Mutex<HashMap<(i64, Bucket), (f64, Instant)>>,
}

/// Buckets kept before full ones are forgotten.
const MAX_BUCKETS: usize = 10_000;

impl Limiter {
    pub fn new(limits: Limits) -> Self {
        Limiter {
            limits,
            buckets: Mutex::default(),
        }
    }

    /// Takes one call from `user_id`'s bucket, or says how long to wait.
    fn take(&self, user_id: i64, bucket: Bucket, now: Instant) -> Result<(), Duration> {
        let rate = match bucket {
            Bucket::General => self.limits.general,
            Bucket::PostsAll => self.limits.posts_all,
        };
        if rate.every.is_zero() {
            return Ok(());
        }
        let burst = f64::from(rate.burst.max(1));
        let every = rate.every.as_secs_f64();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_BUCKETS {
            let full_after = rate.every.saturating_mul(rate.burst.max(1));
            buckets.retain(|_, (_, at)| now.saturating_duration_since(*at) < full_after);
        }
        let (tokens, at) = buckets.entry((user_id, bucket)).or_insert((burst, now));
        let refilled = now.saturating_duration_since(*at).as_secs_f64() / every;
        *tokens = (*tokens + refilled).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) * every))
        }
    }
}

// ---------------------------------------------------------------------------
// Replies

/// One bookmark as Pinboard shows it (JSON field order as Pinboard's).
#[derive(Debug, Serialize)]
struct Post {
    href: String,
    description: String,
    extended: String,
    meta: String,
    hash: String,
    time: String,
    shared: &'static str,
    toread: &'static str,
    tags: String,
}

impl Post {
    fn of(v: &BookmarkView) -> Self {
        let (b, e) = (&v.bookmark, &v.entry);
        let tags = b.tag_list().join(" ");
        let description = if e.title.is_empty() {
            e.url.clone()
        } else {
            e.title.clone()
        };
        let meta = md5_hex(&format!(
            "{description}\n{}\n{tags}\n{}\n{}\n{}\n{}",
            b.comment, b.is_private, b.read_later, b.created_at, b.updated_at
        ));
        Post {
            hash: md5_hex(&e.url),
            href: e.url.clone(),
            description,
            extended: b.comment.clone(),
            meta,
            time: pin_time(b.created_at),
            shared: if b.is_private { "no" } else { "yes" },
            toread: if b.read_later { "yes" } else { "no" },
            tags,
        }
    }
}

enum Reply {
    /// `<result code="done"/>`
    Done,
    /// `<result code="item not found"/>`: a failure.
    Code(String),
    /// `<result>done</result>`: what `tags/delete` and `tags/rename` answer.
    TagsDone,
    /// `posts/get` and `posts/recent`: `dt` for XML, `date` for JSON.
    Posts {
        user: String,
        tag: String,
        dt: String,
        date: String,
        posts: Vec<Post>,
    },
    /// `posts/all`: a bare list in JSON.
    All {
        user: String,
        tag: String,
        posts: Vec<Post>,
    },
    Dates {
        user: String,
        tag: String,
        dates: BTreeMap<String, i64>,
    },
    Tags(Vec<(String, i64)>),
    Suggest {
        popular: Vec<String>,
        recommended: Vec<String>,
    },
    Update(String),
    Token(String),
}

impl Reply {
    fn respond(&self, format: Format) -> HttpResponse {
        render(format, StatusCode::OK, self)
    }

    fn json(&self) -> Value {
        match self {
            Reply::Done => json!({ "result_code": "done" }),
            Reply::Code(code) => json!({ "result_code": code }),
            Reply::TagsDone => json!({ "result": "done" }),
            Reply::Posts {
                user, date, posts, ..
            } => json!({ "date": date, "user": user, "posts": posts }),
            Reply::All { posts, .. } => json!(posts),
            Reply::Dates { user, tag, dates } => {
                json!({ "user": user, "tag": tag, "dates": dates })
            }
            Reply::Tags(list) => Value::Object(
                list.iter()
                    .map(|(tag, count)| (tag.clone(), json!(count)))
                    .collect(),
            ),
            Reply::Suggest {
                popular,
                recommended,
            } => json!([{ "popular": popular }, { "recommended": recommended }]),
            Reply::Update(time) => json!({ "update_time": time }),
            Reply::Token(token) => json!({ "result": token }),
        }
    }

    fn xml(&self) -> std::io::Result<Vec<u8>> {
        let mut w = Writer::new(Vec::new());
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        match self {
            Reply::Done => {
                w.create_element("result")
                    .with_attribute(("code", "done"))
                    .write_empty()?;
            }
            Reply::Code(code) => {
                w.create_element("result")
                    .with_attribute(("code", code.as_str()))
                    .write_empty()?;
            }
            Reply::TagsDone => {
                w.create_element("result")
                    .write_text_content(BytesText::new("done"))?;
            }
            Reply::Posts {
                user,
                tag,
                dt,
                posts,
                ..
            } => {
                w.create_element("posts")
                    .with_attributes([("dt", dt.as_str()), ("tag", tag), ("user", user)])
                    .write_inner_content(|w| write_posts(w, posts))?;
            }
            Reply::All { user, tag, posts } => {
                w.create_element("posts")
                    .with_attributes([("user", user.as_str()), ("tag", tag)])
                    .write_inner_content(|w| write_posts(w, posts))?;
            }
            Reply::Dates { user, tag, dates } => {
                w.create_element("dates")
                    .with_attributes([("user", user.as_str()), ("tag", tag)])
                    .write_inner_content(|w| {
                        for (date, count) in dates.iter().rev() {
                            w.create_element("date")
                                .with_attributes([
                                    ("count", count.to_string().as_str()),
                                    ("date", date),
                                ])
                                .write_empty()?;
                        }
                        Ok(())
                    })?;
            }
            Reply::Tags(list) => {
                w.create_element("tags").write_inner_content(|w| {
                    for (tag, count) in list {
                        w.create_element("tag")
                            .with_attributes([("count", count.to_string().as_str()), ("tag", tag)])
                            .write_empty()?;
                    }
                    Ok(())
                })?;
            }
            Reply::Suggest {
                popular,
                recommended,
            } => {
                w.create_element("suggested").write_inner_content(|w| {
                    for (name, tags) in [("popular", popular), ("recommended", recommended)] {
                        for tag in tags {
                            w.create_element(name)
                                .write_text_content(BytesText::new(tag))?;
                        }
                    }
                    Ok(())
                })?;
            }
            Reply::Update(time) => {
                w.create_element("update")
                    .with_attribute(("time", time.as_str()))
                    .write_empty()?;
            }
            Reply::Token(token) => {
                w.create_element("result")
                    .write_text_content(BytesText::new(token))?;
            }
        }
        Ok(w.into_inner())
    }
}

fn write_posts(w: &mut Writer<Vec<u8>>, posts: &[Post]) -> std::io::Result<()> {
    for p in posts {
        // Pinboard's XML names the tags `tag` (after del.icio.us); `tags`,
        // the JSON name, is written too for clients that expect it.
        w.create_element("post")
            .with_attributes([
                ("href", p.href.as_str()),
                ("time", &p.time),
                ("description", &p.description),
                ("extended", &p.extended),
                ("tag", &p.tags),
                ("tags", &p.tags),
                ("hash", &p.hash),
                ("meta", &p.meta),
                ("shared", p.shared),
                ("toread", p.toread),
            ])
            .write_empty()?;
    }
    Ok(())
}

fn render(format: Format, status: StatusCode, reply: &Reply) -> HttpResponse {
    let (body, content_type) = match format {
        Format::Json => (
            serde_json::to_vec(&reply.json()).map_err(std::io::Error::other),
            "application/json",
        ),
        Format::Xml => (reply.xml(), "text/xml; charset=utf-8"),
    };
    let mut res = match body {
        Ok(body) => HttpResponse::build(status)
            .content_type(content_type)
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => {
            tracing::error!(parent: None, error = %e, "writing a Pinboard API reply");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("something went wrong")
        }
    };
    res.extensions_mut().insert(OwnErrorFormat);
    res
}

// ---------------------------------------------------------------------------
// Failures

#[derive(Debug)]
enum Failure {
    /// A Pinboard result code, answered with HTTP 200 as Pinboard does.
    Code(String),
    BadRequest(&'static str),
    Unauthorized,
    ReadOnly,
    RateLimited {
        wait: Duration,
    },
    TooLarge,
    UnknownMethod,
    MethodNotAllowed,
    Unavailable(String),
    Internal(String),
}

impl Failure {
    fn code(message: impl Into<String>) -> Self {
        Failure::Code(message.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            Failure::Code(_) => StatusCode::OK,
            Failure::BadRequest(_) => StatusCode::BAD_REQUEST,
            Failure::Unauthorized => StatusCode::UNAUTHORIZED,
            Failure::ReadOnly => StatusCode::FORBIDDEN,
            Failure::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Failure::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Failure::UnknownMethod => StatusCode::NOT_FOUND,
            Failure::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Failure::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Failure::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> String {
        match self {
            Failure::Code(m) => m.clone(),
            Failure::BadRequest(m) => (*m).to_owned(),
            Failure::Unauthorized => "authentication failed".into(),
            Failure::ReadOnly => "forbidden: this API token is read-only".into(),
            Failure::RateLimited { .. } => "too many requests".into(),
            Failure::TooLarge => "request body too large".into(),
            Failure::UnknownMethod => "unknown method".into(),
            Failure::MethodNotAllowed => "method not allowed: use GET or POST".into(),
            Failure::Unavailable(_) | Failure::Internal(_) => "something went wrong".into(),
        }
    }

    fn respond(&self, format: Format) -> HttpResponse {
        // `parent: None`: the request's span holds the URL, and with it the
        // auth_token, which must not reach the logs.
        match self {
            Failure::Internal(cause) => {
                tracing::error!(parent: None, %cause, "Pinboard API request failed");
            }
            Failure::Unavailable(cause) => {
                tracing::warn!(parent: None, %cause, "Pinboard API request failed");
            }
            _ => {}
        }
        let mut res = render(format, self.status(), &Reply::Code(self.message()));
        let headers = res.headers_mut();
        match self {
            Failure::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Basic realm=\"API\""),
                );
            }
            Failure::RateLimited { wait } => {
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                headers.insert(header::RETRY_AFTER, secs.max(1).into());
            }
            _ => {}
        }
        res
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Unauthorized(_) => Failure::Unauthorized,
            ApiError::NotFound(_) => Failure::code("item not found"),
            ApiError::Unavailable(cause) => Failure::Unavailable(cause),
            ApiError::Internal(cause) => Failure::Internal(cause),
            other => Failure::Code(other.to_string()),
        }
    }
}
