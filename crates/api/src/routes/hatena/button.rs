//! `GET /button.js`: the bookmark button's script for other sites' pages.
//! It turns each `<a class="bukuma-button" href="…" data-url="…">` into a
//! link to the entry's page showing its public bookmark count, fetched in
//! one `/count/entries` call (per 50 buttons) without cookies. See the
//! README for the snippet.

use actix_web::http::header;
use actix_web::HttpResponse;

/// The script, as served.
pub const BUTTON_JS: &str = include_str!("button.js");

pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(BUTTON_JS)
}
