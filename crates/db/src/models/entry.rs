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
    /// [`Category::code`](bukuma_domain::Category::code) of the entry's
    /// category; `None` until it is first classified.
    pub category: Option<i32>,
    /// Who chose the category: `auto`, `user` or `admin` (see [`CategorySource`]).
    pub category_source: String,
}

impl Entry {
    /// The entry's category and who chose it, once it has one.
    pub fn category(&self) -> Option<(bukuma_domain::Category, CategorySource)> {
        let category = self
            .category
            .and_then(|c| i16::try_from(c).ok())
            .and_then(bukuma_domain::Category::from_code)?;
        Some((category, CategorySource::parse(&self.category_source)))
    }
}

/// Who chose an entry's category. Only `Auto` is ever overwritten
/// automatically; `Admin` also wins over users' suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CategorySource {
    /// The classifier.
    Auto,
    /// Enough users' suggestions agreed.
    User,
    /// An admin set it.
    Admin,
}

impl CategorySource {
    pub fn as_str(self) -> &'static str {
        match self {
            CategorySource::Auto => "auto",
            CategorySource::User => "user",
            CategorySource::Admin => "admin",
        }
    }

    /// The stored value; anything unknown reads as `Auto`.
    pub fn parse(s: &str) -> Self {
        match s {
            "user" => CategorySource::User,
            "admin" => CategorySource::Admin,
            _ => CategorySource::Auto,
        }
    }
}

/// An entry with a few of its most used public tags.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryView {
    pub entry: Entry,
    pub tags: Vec<String>,
}
