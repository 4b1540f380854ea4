//! One page of a keyset-paginated list.

use serde::Serialize;
use utoipa::ToSchema;

use super::bookmarks::Bookmark;
use super::comments::Comment;
use super::entries::Entry;

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
