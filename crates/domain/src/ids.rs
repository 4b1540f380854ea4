//! Newtype ids so a user id is never passed where an entry id belongs.
//! With the `diesel` feature they map to `BIGINT` columns directly.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "diesel", derive(diesel_derive_newtype::DieselNewType))]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A user account.
    UserId,
    /// One URL, shared by everyone who bookmarked it.
    EntryId,
    /// One user's bookmark of one entry; also the id of its comment.
    BookmarkId,
    /// A personal API token.
    TokenId,
);
