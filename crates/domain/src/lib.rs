//! Pure domain types and rules of bukuma. No I/O, no web framework, no database.

pub mod bookmark;
pub mod category;
pub mod cursor;
pub mod hot;
pub mod ids;
pub mod moderation;
pub mod mute;
#[cfg(feature = "diesel")]
mod sql;
pub mod text;
pub mod url;
pub mod user;

pub use bookmark::{
    Comment, CommentError, Note, NoteError, TagError, TagName, Tags, TagsError, Title, TitleError,
};
pub use category::Category;
pub use cursor::{Cursor, CursorError};
pub use ids::{BookmarkId, EntryId, TokenId, UserId};
pub use mute::{MuteWord, MuteWordError, Mutes};
pub use url::{normalize_domain, NormalizedUrl, UrlError};
pub use user::{
    Bio, DisplayName, Password, PasswordError, ProfileError, Role, Scope, Username, UsernameError,
};
