//! `GET /entry/jsonlite/?url=` and `GET /entry/json/?url=`: an entry and its
//! public bookmarks in Hatena's shape, `null` when nobody bookmarked the
//! URL publicly.

use actix_web::{web, HttpRequest, HttpResponse};
use bukuma_db::models::{EntryBookmark, EntryView};
use bukuma_db::{entries, follows, related};
use bukuma_domain::EntryId;
use serde::{Deserialize, Serialize};

use super::{base_url, callback, entry_url, reply, url_param};
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::ts;

/// Most bookmarks listed, newest first (Hatena lists them all; an entry
/// with more shows its newest).
pub const MAX_BOOKMARKS: usize = 1000;

/// Most related entries listed by `/entry/json`.
pub const MAX_RELATED: usize = 10;

/// Hatena's times are Japan's (UTC+9), `YYYY/MM/DD HH:MM`.
const JST_MICROS: i64 = 9 * 3600 * 1_000_000;

#[derive(Debug, Deserialize)]
pub struct EntryParams {
    url: Option<String>,
    callback: Option<String>,
}

/// One public bookmark as Hatena lists it.
#[derive(Debug, Serialize)]
struct HatenaBookmark {
    user: String,
    tags: Vec<String>,
    /// `YYYY/MM/DD HH:MM`, Japan time.
    timestamp: String,
    comment: String,
}

/// An entry as Hatena's `/entry/json` lists it among the related ones.
#[derive(Debug, Serialize)]
struct HatenaRelated {
    eid: String,
    title: String,
    count: i64,
    url: String,
    entry_url: String,
}

#[derive(Debug, Serialize)]
struct HatenaEntry {
    /// The entry's id, as a string of digits as Hatena's is.
    eid: String,
    title: String,
    count: i64,
    url: String,
    entry_url: String,
    screenshot: String,
    bookmarks: Vec<HatenaBookmark>,
    #[serde(skip_serializing_if = "Option::is_none")]
    related: Option<Vec<HatenaRelated>>,
}

/// `YYYY/MM/DD HH:MM` in Japan time.
fn hatena_time(micros: i64) -> String {
    ts(micros.saturating_add(JST_MICROS))
        .format("%Y/%m/%d %H:%M")
        .to_string()
}

fn title_of(e: &bukuma_db::models::Entry) -> String {
    if e.title.is_empty() {
        e.url.clone()
    } else {
        e.title.clone()
    }
}

/// The entries related to `entry`, most related first, at most
/// [`MAX_RELATED`], and whether the background job has computed them yet.
fn related_entries(
    c: &mut bukuma_db::DbConnection,
    entry: EntryId,
) -> Result<(bool, Vec<EntryView>), bukuma_db::DbError> {
    let computed = related::computed_at(c, entry)?.is_some();
    Ok((computed, related::related_for(c, entry, MAX_RELATED)?))
}

/// The entry of the URL with its newest public bookmarks, and its related
/// entries when asked; `None` when nobody bookmarked it publicly.
async fn load(
    state: &AppState,
    req: &HttpRequest,
    raw_url: Option<&str>,
    with_related: bool,
) -> Result<Option<HatenaEntry>, ApiError> {
    let url = url_param(raw_url)?;
    let found = state
        .read(move |c| {
            let Some(view) = entries::find_public_by_url(c, url.as_str())? else {
                return Ok(None);
            };
            // Public bookmarks of users not suspended, none an admin hid.
            let page = follows::entry_bookmarks(c, view.entry.id, None, None, MAX_BOOKMARKS)?;
            let related = if with_related {
                Some(related_entries(c, view.entry.id)?)
            } else {
                None
            };
            Ok(Some((view, page.items, related)))
        })
        .await?;
    let Some((view, bookmarks, related)) = found else {
        return Ok(None);
    };
    let base = base_url(state, req);
    let e = view.entry;
    let related = if let Some((computed, list)) = related {
        if !computed {
            // Empty for now; the job's next round computes it.
            state.related.request(e.id);
        }
        Some(
            list.into_iter()
                .take(MAX_RELATED)
                .map(|r| HatenaRelated {
                    eid: r.entry.id.to_string(),
                    title: title_of(&r.entry),
                    count: r.entry.bookmark_count,
                    entry_url: entry_url(&base, r.entry.id),
                    url: r.entry.url,
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(Some(HatenaEntry {
        eid: e.id.to_string(),
        title: title_of(&e),
        count: e.bookmark_count,
        entry_url: entry_url(&base, e.id),
        screenshot: e.thumbnail_url.clone().unwrap_or_default(),
        bookmarks: bookmarks.into_iter().map(bookmark).collect(),
        url: e.url,
        related,
    }))
}

fn bookmark(b: EntryBookmark) -> HatenaBookmark {
    HatenaBookmark {
        user: b.user.username,
        tags: b.tags,
        timestamp: hatena_time(b.created_at),
        comment: b.comment,
    }
}

/// `GET /entry/jsonlite/?url=[&callback=]`.
pub async fn jsonlite(
    state: web::Data<AppState>,
    req: HttpRequest,
    Query(p): Query<EntryParams>,
) -> Result<HttpResponse, ApiError> {
    let cb = callback(p.callback.as_deref())?;
    let entry = load(&state, &req, p.url.as_deref(), false).await?;
    reply(&entry, cb)
}

/// `GET /entry/json/?url=[&callback=]`: as `jsonlite`, with `related`.
pub async fn json(
    state: web::Data<AppState>,
    req: HttpRequest,
    Query(p): Query<EntryParams>,
) -> Result<HttpResponse, ApiError> {
    let cb = callback(p.callback.as_deref())?;
    let entry = load(&state, &req, p.url.as_deref(), true).await?;
    reply(&entry, cb)
}

#[cfg(test)]
mod tests {
    use super::hatena_time;

    #[test]
    fn times_are_japan_minutes() {
        // 2026-12-07 15:30:59 UTC is 2026-12-08 00:30 in Japan.
        let micros = 1_796_657_459_000_000;
        assert_eq!(hatena_time(micros), "2026/12/08 00:30");
    }
}
