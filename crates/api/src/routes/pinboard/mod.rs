//! A Pinboard v1 compatible API under `/api/pinboard/v1`, so that existing
//! Pinboard clients (apps, browser extensions, scripts, client libraries)
//! work with bukuma by changing their base URL.
//!
//! It speaks Pinboard's protocol, not the JSON API's: every method accepts
//! `GET` (and `POST` with a form body), replies in Pinboard's XML unless
//! `format=json`, and reports failures as Pinboard result codes
//! (`<result code="item not found"/>`, `{"result_code":"missing url"}`) with
//! HTTP 200, as Pinboard does. Only these respond otherwise:
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

mod auth;
mod failure;
mod params;
mod posts;
mod render;
mod tags;
mod user;

use std::time::Instant;

use actix_web::{web, HttpRequest, HttpResponse};

use self::auth::authenticate;
use self::failure::Failure;
use self::params::{Params, TagFilter};
use self::render::{Format, Reply};
pub use self::user::API_TOKEN_NAME;
use crate::rate_limit::Bucket;
use crate::state::AppState;

/// Where the API is mounted.
pub const PREFIX: &str = "/api/pinboard/v1";

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

/// Mounts the API; its paths also respond with a trailing slash.
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
    // Token-authenticated, no cookies: browsers of any origin may call it.
    cfg.service(scope.wrap(crate::hardening::api_cors()));
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

/// Authenticates, checks the token's scope and the rate limit, then runs
/// the method with its parameters.
async fn call(
    m: Method,
    state: &AppState,
    req: &HttpRequest,
    p: &Params,
) -> Result<Reply, Failure> {
    let caller = authenticate(state, req, p).await?;
    crate::routing::set_viewer(caller.user_id);
    if m.writes() && !caller.scope.can_write() {
        return Err(Failure::ReadOnly);
    }
    state
        .pinboard
        .take(caller.user_id, m.bucket(), Instant::now())
        .map_err(|wait| Failure::RateLimited { wait })?;
    let caller = &caller;
    let reply = async {
        match m {
            Method::PostsUpdate => posts::update(state, caller).await,
            Method::PostsAdd => posts::add(state, caller, params::PostsAdd::parse(p)?).await,
            Method::PostsDelete => {
                posts::delete(state, caller, params::PostsDelete::parse(p)?).await
            }
            Method::PostsGet => posts::get(state, caller, params::PostsGet::parse(p)?).await,
            Method::PostsDates => posts::dates(state, caller, TagFilter::parse(p)?).await,
            Method::PostsRecent => {
                posts::recent(state, caller, params::PostsRecent::parse(p)?).await
            }
            Method::PostsAll => posts::all(state, caller, params::PostsAll::parse(p)?).await,
            Method::PostsSuggest => {
                posts::suggest(state, caller, params::PostsSuggest::parse(p)?).await
            }
            Method::TagsGet => tags::get(state, caller).await,
            Method::TagsDelete => tags::delete(state, caller, params::TagsDelete::parse(p)?).await,
            Method::TagsRename => tags::rename(state, caller, params::TagsRename::parse(p)?).await,
            Method::UserApiToken => user::api_token(state, caller).await,
        }
    }
    .await;
    // A writing call marks the caller as a writer, failed or not: for a
    // short while their reads skip responses cached before it.
    if m.writes() {
        state.wrote(caller.user_id).await;
    }
    reply
}
