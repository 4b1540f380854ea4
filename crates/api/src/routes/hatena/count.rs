//! `GET /count/entry?url=` (a bare integer) and
//! `GET /count/entries?url=…&url=…` (`{url: count}`): public bookmark
//! counts, 0 for a URL nobody bookmarked publicly.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use bukuma_db::entries;
use bukuma_domain::NormalizedUrl;
use serde::Deserialize;

use super::{callback, javascript, reply, url_param, PUBLIC_CACHE};
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;

/// Most URLs one `/count/entries` call counts.
pub const MAX_URLS: usize = 50;

#[derive(Debug, Deserialize)]
pub struct CountParams {
    url: Option<String>,
    callback: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CountsParams {
    #[serde(default)]
    url: Vec<String>,
    callback: Option<String>,
}

/// `GET /count/entry?url=[&callback=]`: `text/plain`, or `callback(n);`.
pub async fn entry(
    state: web::Data<AppState>,
    Query(p): Query<CountParams>,
) -> Result<HttpResponse, ApiError> {
    let cb = callback(p.callback.as_deref())?;
    let url = url_param(p.url.as_deref())?.into_string();
    let wanted = vec![url];
    let found = state.read(move |c| entries::counts(c, &wanted)).await?;
    let count = found.values().next().copied().unwrap_or(0);
    Ok(match cb {
        None => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
            .body(count.to_string()),
        Some(cb) => javascript(cb, &count.to_string()),
    })
}

/// `GET /count/entries?url=…&url=…[&callback=]`: each URL as given, with
/// its count.
pub async fn entries(
    state: web::Data<AppState>,
    Query(p): Query<CountsParams>,
) -> Result<HttpResponse, ApiError> {
    let cb = callback(p.callback.as_deref())?;
    if p.url.is_empty() || p.url.len() > MAX_URLS {
        return Err(ApiError::field("url", "give 1 to 50 URLs"));
    }
    let mut given: Vec<(String, String)> = Vec::with_capacity(p.url.len());
    for (i, u) in p.url.into_iter().enumerate() {
        let normalized = NormalizedUrl::parse(u.trim())
            .map_err(|e| ApiError::field(format!("url[{i}]"), e))?
            .into_string();
        given.push((u, normalized));
    }
    let wanted: Vec<String> = given.iter().map(|(_, n)| n.clone()).collect();
    let found = state.read(move |c| entries::counts(c, &wanted)).await?;
    let counts: BTreeMap<String, i64> = given
        .into_iter()
        .map(|(u, n)| {
            let count = found.get(&n).copied().unwrap_or(0);
            (u, count)
        })
        .collect();
    reply(&counts, cb)
}
