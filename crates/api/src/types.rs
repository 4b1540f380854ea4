//! Request and response bodies of the JSON API.

use std::collections::BTreeMap;

use bukuma_db::models;
use bukuma_domain::{Role, Scope};

/// A user's role.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UserRole {
    User,
    Admin,
}

impl From<Role> for UserRole {
    fn from(r: Role) -> Self {
        match r {
            Role::User => UserRole::User,
            Role::Admin => UserRole::Admin,
        }
    }
}

/// What a personal API token may do: `read` only, or `write` too.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    Read,
    Write,
}

impl From<Scope> for TokenScope {
    fn from(s: Scope) -> Self {
        match s {
            Scope::Read => TokenScope::Read,
            Scope::Write => TokenScope::Write,
        }
    }
}

impl From<TokenScope> for Scope {
    fn from(s: TokenScope) -> Self {
        match s {
            TokenScope::Read => Scope::Read,
            TokenScope::Write => Scope::Write,
        }
    }
}
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A signed-in user's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub role: UserRole,
    pub created_at: DateTime<Utc>,
}

impl From<models::User> for User {
    fn from(u: models::User) -> Self {
        User {
            id: u.id,
            role: Role::from_db(&u.role).unwrap_or(Role::User).into(),
            username: u.username,
            display_name: u.display_name,
            bio: u.bio,
            created_at: ts(u.created_at),
        }
    }
}

/// Anyone's public profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct Profile {
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub created_at: DateTime<Utc>,
    /// Public bookmarks only.
    pub bookmark_count: i64,
}

impl From<models::User> for Profile {
    fn from(u: models::User) -> Self {
        Profile {
            username: u.username,
            display_name: u.display_name,
            bio: u.bio,
            created_at: ts(u.created_at),
            bookmark_count: u.public_bookmark_count,
        }
    }
}

/// Who wrote a bookmark or comment.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserRef {
    pub username: String,
    pub display_name: String,
}

impl From<models::UserRef> for UserRef {
    fn from(u: models::UserRef) -> Self {
        UserRef {
            username: u.username,
            display_name: u.display_name,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3–32 of `A-Z a-z 0-9 _ -`, unique regardless of case; some names are reserved.
    #[schema(min_length = 3, max_length = 32, pattern = "^[A-Za-z0-9_-]{3,32}$")]
    pub username: String,
    #[schema(min_length = 8, max_length = 256)]
    pub password: String,
    /// Defaults to the username.
    #[schema(max_length = 64)]
    pub display_name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(max_length = 256)]
    pub username: String,
    #[schema(max_length = 1024)]
    pub password: String,
}

/// The refresh token may instead come from the `bukuma_refresh` cookie.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(max_length = 256)]
    pub refresh_token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthResponse {
    pub user: User,
    /// A JWT for `Authorization: Bearer`, valid for `expires_in` seconds.
    pub access_token: String,
    /// Single use: exchange it at `/api/v1/auth/refresh` for a new pair.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChanges {
    #[schema(min_length = 1, max_length = 64)]
    pub display_name: Option<String>,
    #[schema(max_length = 500)]
    pub bio: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    #[schema(min_length = 1, max_length = 64)]
    pub name: String,
    pub scope: TokenScope,
}

/// A personal API token (its secret is shown only when created).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<models::ApiToken> for ApiToken {
    fn from(t: models::ApiToken) -> Self {
        ApiToken {
            id: t.id,
            scope: Scope::from_db(&t.scope).unwrap_or(Scope::Read).into(),
            name: t.name,
            created_at: ts(t.created_at),
            last_used_at: t.last_used_at.map(ts),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiToken {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The secret, for `Authorization: Bearer`. It is not shown again.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenList {
    pub items: Vec<ApiToken>,
}

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
}

impl From<models::Entry> for EntrySummary {
    fn from(e: models::Entry) -> Self {
        EntrySummary {
            id: e.id,
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
}

impl From<models::EntryView> for Entry {
    fn from(v: models::EntryView) -> Self {
        let e = v.entry;
        Entry {
            id: e.id,
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

#[derive(Debug, Serialize, ToSchema)]
pub struct Bookmark {
    pub id: i64,
    pub user: UserRef,
    pub entry: EntrySummary,
    pub comment: String,
    /// The owner's private note (up to 10 000 characters, may span lines).
    /// Present only when the owner is the caller; absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 10000)]
    pub note: Option<String>,
    pub tags: Vec<String>,
    pub private: bool,
    pub read_later: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Bookmark {
    /// The bookmark as `viewer` may see it: the note only for its owner.
    pub fn for_viewer(v: models::BookmarkView, viewer: Option<i64>) -> Self {
        let owner = viewer == Some(v.bookmark.user_id);
        let b = v.bookmark;
        Bookmark {
            id: b.id,
            tags: b.tag_list(),
            user: v.user.into(),
            entry: v.entry.into(),
            comment: b.comment,
            note: owner.then_some(b.note),
            private: b.is_private,
            read_later: b.read_later,
            created_at: ts(b.created_at),
            updated_at: ts(b.updated_at),
        }
    }
}

/// Creates or updates my bookmark of `url`. Omitted fields keep their
/// current value when the bookmark exists.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookmarkRequest {
    /// An http(s) URL of at most 2048 bytes; stored normalized.
    #[schema(min_length = 1, max_length = 2048)]
    pub url: String,
    /// At most 100 characters.
    #[schema(max_length = 100)]
    pub comment: Option<String>,
    /// My private note: at most 10 000 characters, newlines kept.
    #[schema(max_length = 10000)]
    pub note: Option<String>,
    /// At most 10 tags of 1–32 characters without whitespace or commas;
    /// duplicates (ignoring case) are folded.
    #[schema(max_items = 10)]
    pub tags: Option<Vec<String>>,
    pub private: Option<bool>,
    pub read_later: Option<bool>,
    /// The page title, used until the page's own is fetched.
    #[schema(max_length = 500)]
    pub title: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookmarkChanges {
    #[schema(max_length = 100)]
    pub comment: Option<String>,
    /// My private note: at most 10 000 characters, newlines kept.
    #[schema(max_length = 10000)]
    pub note: Option<String>,
    #[schema(max_items = 10)]
    pub tags: Option<Vec<String>>,
    pub private: Option<bool>,
    pub read_later: Option<bool>,
}

/// A public bookmark with a comment, as shown on an entry page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comment {
    /// The bookmark's id.
    pub id: i64,
    pub user: UserRef,
    pub comment: String,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub star_count: i64,
    pub starred_by_me: bool,
}

impl From<models::CommentView> for Comment {
    fn from(c: models::CommentView) -> Self {
        Comment {
            id: c.id,
            user: c.user.into(),
            comment: c.comment,
            tags: c.tags,
            created_at: ts(c.created_at),
            star_count: c.star_count,
            starred_by_me: c.starred_by_me,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StarState {
    pub star_count: i64,
    pub starred_by_me: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagCount {
    pub tag: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteCount {
    pub domain: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagCountList {
    pub items: Vec<TagCount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteCountList {
    pub items: Vec<SiteCount>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameTagRequest {
    #[schema(min_length = 1, max_length = 32)]
    pub from: String,
    #[schema(min_length = 1, max_length = 32)]
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RetagResult {
    /// How many of my bookmarks changed.
    pub bookmarks_changed: i64,
}

/// Public bookmark counts by URL as given (0 when nobody bookmarked it publicly).
#[derive(Debug, Serialize, ToSchema)]
#[serde(transparent)]
pub struct EntryCounts(pub BTreeMap<String, i64>);

macro_rules! page_type {
    ($name:ident, $item:ty) => {
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass as `cursor` for the next page; null on the last page.
            pub next_cursor: Option<String>,
        }
    };
}
page_type!(BookmarkPage, Bookmark);
page_type!(EntryPage, Entry);
page_type!(CommentPage, Comment);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserBookmarkParams {
    /// Only bookmarks with every one of these tags (repeat the parameter).
    #[param(max_items = 10)]
    #[serde(default)]
    pub tag: Vec<String>,
    /// Only bookmarks of this domain.
    #[param(max_length = 253)]
    pub site: Option<String>,
    /// Only bookmarks marked (or not marked) "read later".
    pub read_later: Option<bool>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum CommentOrder {
    /// Newest first.
    #[default]
    Recent,
    /// Most starred first.
    Popular,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentParams {
    pub sort: Option<CommentOrder>,
}

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

/// Microseconds since the epoch, as stored, as a UTC timestamp.
pub fn ts(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}
