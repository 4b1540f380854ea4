//! Entries: one per URL.

use std::collections::BTreeMap;

use bukuma_db::models;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::time::ts;
use super::EntryCategory;

/// An entry as embedded in a bookmark.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntrySummary {
    pub id: i64,
    pub url: String,
    pub domain: String,
    pub title: String,
    pub summary: String,
    pub thumbnail_url: Option<String>,
    pub favicon_url: Option<String>,
    /// Public bookmarks.
    pub bookmark_count: i64,
    /// Time of the first public bookmark.
    pub first_bookmarked_at: Option<DateTime<Utc>>,
    /// The entry's category (`null` until it is first classified, seconds
    /// after the entry is made).
    pub category: Option<EntryCategory>,
}

impl From<models::Entry> for EntrySummary {
    fn from(e: models::Entry) -> Self {
        EntrySummary {
            category: EntryCategory::of(&e),
            id: e.id.0,
            url: e.url,
            domain: e.domain,
            title: e.title,
            summary: e.summary,
            thumbnail_url: e.thumbnail_url,
            favicon_url: e.favicon_url,
            bookmark_count: e.bookmark_count,
            first_bookmarked_at: e.first_bookmarked_at.map(ts),
        }
    }
}

/// One URL and what the crowd did with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Entry {
    pub id: i64,
    pub url: String,
    pub domain: String,
    pub title: String,
    pub summary: String,
    pub thumbnail_url: Option<String>,
    pub favicon_url: Option<String>,
    /// Public bookmarks.
    pub bookmark_count: i64,
    pub first_bookmarked_at: Option<DateTime<Utc>>,
    /// The entry's most used public tags (up to 3).
    pub tags: Vec<String>,
    /// The entry's category (`null` until it is first classified, seconds
    /// after the entry is made).
    pub category: Option<EntryCategory>,
}

impl From<models::EntryView> for Entry {
    fn from(v: models::EntryView) -> Self {
        let e = v.entry;
        Entry {
            category: EntryCategory::of(&e),
            id: e.id.0,
            url: e.url,
            domain: e.domain,
            title: e.title,
            summary: e.summary,
            thumbnail_url: e.thumbnail_url,
            favicon_url: e.favicon_url,
            bookmark_count: e.bookmark_count,
            first_bookmarked_at: e.first_bookmarked_at.map(ts),
            tags: v.tags,
        }
    }
}

/// Public bookmark counts by URL as given (0 when nobody bookmarked it publicly).
#[derive(Debug, Serialize, ToSchema)]
#[serde(transparent)]
pub struct EntryCounts(pub BTreeMap<String, i64>);

#[derive(Debug, Clone, Copy, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum EntryOrder {
    /// Newest first bookmark first.
    #[default]
    New,
    /// By hot score.
    Hot,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SiteEntryParams {
    pub sort: Option<EntryOrder>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UrlParams {
    /// An http(s) URL; matched in its normalized form.
    #[param(max_length = 2048)]
    pub url: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountsParams {
    /// 1–50 URLs (repeat the parameter).
    #[param(min_items = 1, max_items = 50)]
    #[serde(default)]
    pub url: Vec<String>,
}
