//! Entry categories: the eight, an entry's, suggestions and their history.

use bukuma_db::categories::{Change, SuggestOutcome};
use bukuma_db::models::{self, CategorySource};
use bukuma_domain::Category;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::time::ts;
use crate::error::ApiError;

/// A category's slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CategorySlug {
    Social,
    Economics,
    Life,
    Knowledge,
    It,
    Fun,
    Entertainment,
    Game,
}

impl From<Category> for CategorySlug {
    fn from(c: Category) -> Self {
        match c {
            Category::Social => CategorySlug::Social,
            Category::Economics => CategorySlug::Economics,
            Category::Life => CategorySlug::Life,
            Category::Knowledge => CategorySlug::Knowledge,
            Category::It => CategorySlug::It,
            Category::Fun => CategorySlug::Fun,
            Category::Entertainment => CategorySlug::Entertainment,
            Category::Game => CategorySlug::Game,
        }
    }
}

/// Who chose an entry's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CategorySourceView {
    /// The classifier, from the entry's title, summary, site and tags.
    Auto,
    /// At least three users' suggestions agreed.
    User,
    /// An admin.
    Admin,
}

impl From<CategorySource> for CategorySourceView {
    fn from(s: CategorySource) -> Self {
        match s {
            CategorySource::Auto => CategorySourceView::Auto,
            CategorySource::User => CategorySourceView::User,
            CategorySource::Admin => CategorySourceView::Admin,
        }
    }
}

/// One of the eight categories.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryInfo {
    pub slug: CategorySlug,
    /// Its name in Japanese, e.g. テクノロジー.
    pub name_ja: String,
    /// Its name in English, e.g. Technology.
    pub name_en: String,
}

impl From<Category> for CategoryInfo {
    fn from(c: Category) -> Self {
        CategoryInfo {
            slug: c.into(),
            name_ja: c.name_ja().to_owned(),
            name_en: c.name_en().to_owned(),
        }
    }
}

/// The eight categories, in the order the front page shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<CategoryInfo>,
}

/// An entry's category and who chose it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryCategory {
    pub slug: CategorySlug,
    pub name_ja: String,
    pub name_en: String,
    pub source: CategorySourceView,
}

impl EntryCategory {
    pub fn new(c: Category, source: CategorySource) -> Self {
        EntryCategory {
            slug: c.into(),
            name_ja: c.name_ja().to_owned(),
            name_en: c.name_en().to_owned(),
            source: source.into(),
        }
    }

    /// The category of `entry`; `None` while it is not classified yet.
    pub fn of(entry: &models::Entry) -> Option<Self> {
        entry.category().map(|(c, s)| EntryCategory::new(c, s))
    }
}

/// `category` of a request: one of the eight slugs, or a 400 naming `field`.
pub fn parse_category(field: &str, slug: &str) -> Result<Category, ApiError> {
    Category::from_slug(slug).ok_or_else(|| {
        let known: Vec<&str> = Category::ALL.iter().map(|c| c.slug()).collect();
        ApiError::field(field, format!("one of {}", known.join(", ")))
    })
}

/// A category to suggest, or to set as an admin.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    /// One of the eight slugs.
    #[schema(value_type = CategorySlug)]
    pub slug: String,
}

/// What a suggestion did.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategorySuggestion {
    /// The category suggested.
    pub suggested: CategorySlug,
    /// Users whose suggestion for this entry is this category (the caller included).
    pub agreeing: i64,
    /// Whether the suggestion moved the entry to it.
    pub moved: bool,
    /// The entry's category now.
    pub category: Option<EntryCategory>,
}

impl CategorySuggestion {
    /// The view of a saved suggestion; `None` for a limited one.
    pub fn of(suggested: Category, outcome: &SuggestOutcome) -> Option<Self> {
        match outcome {
            SuggestOutcome::Saved {
                entry,
                agreeing,
                moved,
            } => Some(CategorySuggestion {
                suggested: suggested.into(),
                agreeing: *agreeing,
                moved: *moved,
                category: EntryCategory::of(entry),
            }),
            SuggestOutcome::Limited { .. } => None,
        }
    }
}

/// One change of an entry's category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryChange {
    /// The category before (`null` when it had none).
    pub from: Option<CategorySlug>,
    pub to: CategorySlug,
    pub source: CategorySourceView,
    /// Who made it: the admin, or the user whose suggestion completed the
    /// agreement. Shown to admins only (`null` otherwise, and for the classifier).
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

impl CategoryChange {
    /// The view of `c`; who made it only when `show_actor`.
    pub fn new(c: Change, show_actor: bool) -> Self {
        CategoryChange {
            from: c.from.map(Into::into),
            to: c.to.into(),
            source: c.source.into(),
            by: c.actor.filter(|_| show_actor),
            at: ts(c.at),
        }
    }
}

/// The changes of an entry's category, newest first (at most 100).
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryHistory {
    pub items: Vec<CategoryChange>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryListParams {
    /// Only entries of this category (without it: every category, 総合).
    #[param(value_type = Option<CategorySlug>)]
    pub category: Option<String>,
}
