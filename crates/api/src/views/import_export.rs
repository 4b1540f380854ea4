//! Import reports and the JSON export format.

use serde::Serialize;
use utoipa::ToSchema;

/// A bookmark of an imported file that was not imported, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportError {
    /// 1-based line of the file where the bookmark starts.
    pub line: usize,
    pub reason: String,
}

/// What an import did. Importing the same file again changes nothing: its
/// bookmarks count as `skipped`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// The format recognized: `netscape` or `json` (Pinboard).
    pub format: String,
    /// Bookmarks created.
    pub imported: u64,
    /// Existing bookmarks of the same URL that the file changed.
    pub updated: u64,
    /// Existing bookmarks that already had the file's values.
    pub skipped: u64,
    /// Bookmarks of the file that were not imported (the first 1000).
    pub errors: Vec<ImportError>,
    /// Further errors beyond the listed ones.
    pub errors_omitted: u64,
}

/// One bookmark of a JSON export: Pinboard's post shape plus `note`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedPost {
    pub href: String,
    /// The entry's title.
    pub description: String,
    /// The comment.
    pub extended: String,
    /// The private note; absent when empty.
    pub note: Option<String>,
    /// RFC 3339, with a fraction of a second when there is one.
    pub time: String,
    /// `yes` for a public bookmark, `no` for a private one.
    pub shared: String,
    /// `yes` when marked "read later".
    pub toread: String,
    /// Space-separated.
    pub tags: String,
}
