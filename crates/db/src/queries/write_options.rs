//! Settings of a bookmark write, shared by the bookmark, entry and tag queries.

/// Settings that shape how a write moves entries between lists.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions {
    pub now: i64,
    /// Public bookmarks an entry needs to appear among new entries.
    pub new_entry_threshold: i64,
}
