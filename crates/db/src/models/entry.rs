//! Entries: the row of a URL and the card that lists show.

use bukuma_domain::EntryId;
use diesel::prelude::*;

use crate::schema::entries;

#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = entries)]
pub struct Entry {
    pub id: EntryId,
    pub url: String,
    pub domain: String,
    pub title: String,
    pub summary: String,
    pub thumbnail_url: Option<String>,
    pub favicon_url: Option<String>,
    pub bookmark_count: i64,
    pub first_bookmarked_at: Option<i64>,
    pub listed_at: Option<i64>,
    pub hot_score: f64,
    pub created_at: i64,
}

/// An entry with a few of its most used public tags.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryView {
    pub entry: Entry,
    pub tags: Vec<String>,
}
