//! Bookmarks: saving, edits, deletion, and the lists and lookups.
//!
//! - [`save`] is the one way to store a bookmark by URL (the JSON API, the
//!   Pinboard API and import); [`update`] and [`delete`] act on one by id.
//! - Every write moves the counters (`users`, `entries`, `user_tags`,
//!   `user_sites`, `entry_tags`) from the bookmark's old state to its new one
//!   inside the caller's transaction, so the counters always equal the rows
//!   they count (`counts`).
//! - Reads: [`find`], [`find_view`], [`find_by_url`], [`list_for_user`],
//!   [`list_own`] and friends (`lists`).

mod counts;
mod input;
mod lists;
mod write;

pub use crate::queries::write_options::WriteOptions;
pub use input::{BookmarkInput, IfExists};
pub use lists::{
    created_times, find, find_by_url, find_view, ids_with_tag, last_update, list_for_user,
    list_own, OwnFilter, UserFilter,
};
pub use write::{delete, lock_owner, rekey_tags, save, set_tags, update, SaveOutcome};
