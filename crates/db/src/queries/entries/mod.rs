//! Entries: one per normalized URL, with the hot, new, site and tag lists.

/// The columns of [`Entry`](crate::models::Entry), for statements that
/// read it by name.
macro_rules! entry_columns {
    () => {
        "id, url, domain, title, summary, thumbnail_url, favicon_url, \
         bookmark_count, first_bookmarked_at, listed_at, hot_score, created_at, category, \
         category_source"
    };
}

mod fetch;
mod hot;
mod lists;
mod write;

/// [`entry_columns!`] for statements built in other modules.
pub(crate) const COLUMNS: &str = entry_columns!();

pub use fetch::{
    due_for_fetch, fetch_state, record_fetch_failure, record_fetch_success, PageMetadata,
    MAX_FETCH_ATTEMPTS,
};
pub use hot::{
    hot_changes, hot_progress, hot_scores, hot_scores_of, hot_window_start, recompute_hot,
    save_hot_progress, store_hot_scores, HotProgress, HotScores, HOT_BATCH, HOT_TOLERANCE,
};
pub(crate) use lists::with_tags;
pub use lists::{
    category_hot, category_newest, counts, find, find_by_url, find_public, find_public_by_url, hot,
    is_public, newest, site_newest, tagged, CARD_TAGS,
};
pub use write::{
    count_public_bookmark, find_or_create, publish_title, set_fallback_title, Found,
    CATEGORY_RECHECK_AT,
};
pub(crate) use write::{new, new_args, INSERT_NEW};
