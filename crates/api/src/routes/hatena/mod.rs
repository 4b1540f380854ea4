//! Hatena Bookmark compatible APIs, so that blog widgets, browser add-ons
//! and scripts written for Hatena work with bukuma by changing the host:
//!
//! - `GET /entry/jsonlite/?url=` and `GET /entry/json/?url=`: an entry and
//!   its public bookmarks in Hatena's shape (`null` for an unknown URL);
//! - `GET /count/entry?url=` (a bare integer) and
//!   `GET /count/entries?url=…&url=…` (`{url: count}`);
//! - `GET /button.js`: the bookmark button's script;
//! - the bookmark REST API v1 under `/rest/1/` (Bearer tokens or OAuth 1.0a);
//! - `GET /search/{text|title|tag}?q=&mode=rss`: search results as RSS.
//!
//! The reading endpoints take JSONP (`callback=`) and answer any origin
//! (`GET` only, no credentials). They speak Hatena's shapes, not the JSON
//! API's, and are kept out of the OpenAPI document; bad input is still a
//! problem document.

mod button;
mod caller;
mod count;
mod entry;
mod rest;
mod search_feed;

use actix_web::http::header;
use actix_web::{web, HttpResponse, Resource};
use bukuma_domain::{EntryId, NormalizedUrl};
use serde::Serialize;

use super::feeds::base_url;
use crate::error::ApiError;
use crate::hardening::{api_cors, public_read_cors};

/// Longest JSONP callback name.
const MAX_CALLBACK_LEN: usize = 64;

/// How long browsers and proxies may keep a public answer.
const PUBLIC_CACHE: &str = "public, max-age=60";

/// A resource at `paths` whose other methods get a 405 problem document.
fn resource(paths: &[&str]) -> Resource {
    web::resource(paths.to_vec()).default_service(web::to(super::method_not_allowed))
}

/// Mounts the Hatena-compatible paths, before the web app's catch-all.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource(&["/entry/jsonlite", "/entry/jsonlite/"])
            .route(web::get().to(entry::jsonlite))
            .wrap(public_read_cors()),
    )
    .service(
        resource(&["/entry/json", "/entry/json/"])
            .route(web::get().to(entry::json))
            .wrap(public_read_cors()),
    )
    .service(
        resource(&["/count/entry"])
            .route(web::get().to(count::entry))
            .wrap(public_read_cors()),
    )
    .service(
        resource(&["/count/entries"])
            .route(web::get().to(count::entries))
            .wrap(public_read_cors()),
    )
    .service(
        resource(&["/button.js"])
            .route(web::get().to(button::script))
            .wrap(public_read_cors()),
    )
    .service(resource(&["/search/{kind}"]).route(web::get().to(search_feed::search)));
    // Token-authenticated, no cookies: like the JSON and Pinboard APIs,
    // browsers of any origin may call it.
    cfg.service(
        web::scope("/rest/1")
            .service(
                resource(&["/my/bookmark"])
                    .route(web::get().to(rest::get_bookmark))
                    .route(web::post().to(rest::save_bookmark))
                    .route(web::delete().to(rest::delete_bookmark)),
            )
            .service(resource(&["/entry"]).route(web::get().to(rest::entry)))
            .service(resource(&["/my/tags"]).route(web::get().to(rest::my_tags)))
            .service(resource(&["/my"]).route(web::get().to(rest::my)))
            .default_service(web::to(not_found))
            .wrap(api_cors()),
    );
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("no such Hatena-compatible API".into()))
}

/// The web app's page of an entry.
fn entry_url(base: &str, id: EntryId) -> String {
    format!("{base}/entry/{id}")
}

/// The `url` parameter, required and normalized as entries are.
fn url_param(raw: Option<&str>) -> Result<NormalizedUrl, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Err(ApiError::field("url", "give the URL of a page")),
        Some(u) => NormalizedUrl::parse(u).map_err(|e| ApiError::field("url", e)),
    }
}

/// A JSONP callback name, if one is asked for: a JavaScript identifier or
/// a dotted path of them (`^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$`), so that it
/// cannot smuggle script into the answer.
fn callback(raw: Option<&str>) -> Result<Option<&str>, ApiError> {
    let Some(name) = raw.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.'));
    if first_ok && rest_ok && name.len() <= MAX_CALLBACK_LEN {
        Ok(Some(name))
    } else {
        Err(ApiError::field(
            "callback",
            "must be a JavaScript identifier of at most 64 characters ([A-Za-z_$][A-Za-z0-9_$.]*)",
        ))
    }
}

/// `value` as JSON, or as a JSONP call of `callback`.
fn reply<T: Serialize>(value: &T, callback: Option<&str>) -> Result<HttpResponse, ApiError> {
    let json = serde_json::to_string(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(match callback {
        None => HttpResponse::Ok()
            .content_type("application/json; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
            .body(json),
        Some(cb) => javascript(cb, &json),
    })
}

/// `/**/callback(json);` (the comment keeps the first bytes from being
/// read as anything but script); line separators escaped for old parsers.
fn javascript(callback: &str, json: &str) -> HttpResponse {
    let json = json
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    HttpResponse::Ok()
        .content_type("application/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .body(format!("/**/{callback}({json});"))
}

#[cfg(test)]
mod tests {
    use super::callback;

    #[test]
    fn callbacks_are_identifiers_or_dotted_paths() {
        for ok in [
            "cb",
            "_x",
            "$",
            "jQuery1910_123",
            "a.b.c",
            "Hatena.Bookmark.cb",
        ] {
            assert_eq!(callback(Some(ok)).ok().flatten(), Some(ok), "{ok}");
        }
        assert_eq!(callback(None).ok().flatten(), None);
        assert_eq!(callback(Some("")).ok().flatten(), None);
        let long = format!("a{}", "b".repeat(64));
        for bad in [
            "1a",
            "a(b)",
            "alert(1);x",
            "a b",
            "a-b",
            "<script>",
            ".a",
            long.as_str(),
        ] {
            assert!(callback(Some(bad)).is_err(), "{bad}");
        }
    }
}
