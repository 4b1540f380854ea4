//! Related entries of an entry.

use serde::Serialize;
use utoipa::ToSchema;

use super::entries::Entry;

/// Entries related to one entry, best first (at most 10): what people who
/// bookmarked it also bookmarked, and entries sharing its most used tags,
/// other sites first. Computed in the background: empty until the entry's
/// list first is.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedEntries {
    pub items: Vec<Entry>,
}
